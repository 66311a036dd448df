use super::super::prop_support::{assert_total_order, noisy_string};
use super::*;
use proptest::prelude::*;

#[test]
fn x_mod_semver_list() {
    let invalid = [
        "bad",
        "v1-alpha.beta.gamma",
        "v1-pre",
        "v1+meta",
        "v1-pre+meta",
        "v1.2-pre",
        "v1.2+meta",
        "v1.2-pre+meta",
        "v01.2.3",
        "v1.02.3",
        "v1.2.3-01",
        "vv1.2.3",
        "V1.2.3",
        "",
        "v",
    ];
    for v in invalid {
        assert!(!is_valid(v), "{v:?}");
        assert_eq!(canonical(v), None);
    }
    let canon = [
        ("v1.0.0-alpha", "v1.0.0-alpha"),
        ("v1", "v1.0.0"),
        ("v1.0", "v1.0.0"),
        ("v1.2", "v1.2.0"),
        ("v1.2.3-456-789", "v1.2.3-456-789"),
        ("v1.2.3-456a", "v1.2.3-456a"),
        ("v1.2.3-pre+meta", "v1.2.3-pre"),
        ("v1.2.3+meta-pre", "v1.2.3"),
        ("v1.2.3+meta-pre.sha.256a", "v1.2.3"),
        ("v2.0.0+incompatible", "v2.0.0"),
        ("1.6.0", "v1.6.0"),
        ("0", "v0.0.0"),
    ];
    for (v, want) in canon {
        assert_eq!(canonical(v).as_deref(), Some(want), "{v}");
    }
}

#[test]
fn ordering_chain() {
    let chain = [
        "bad",
        "v0.0.0-20191109021931-daa7c04131f5",
        "v0.0.0-20200101000000-000000000000",
        "v0.0.0",
        "v0.0.1",
        "v1.0.0-alpha",
        "v1.0.0-alpha.1",
        "v1.0.0-alpha.beta",
        "v1.0.0-beta",
        "v1.0.0-beta.2",
        "v1.0.0-beta.11",
        "v1.0.0-rc.1",
        "v1.0.0",
        "v1.2.3",
        "v1.2.4-0.20191109021931-daa7c04131f5",
        "v1.2.4-0.20201109021931-aaaaaaaaaaaa",
        "v1.2.4-pre",
        "v1.2.4-pre.0.20191109021931-daa7c04131f5",
        "v1.2.4-pre.1",
        "v1.2.4",
        "v2.0.0+incompatible",
        "v2.0.1",
        "v10.0.0",
        "v99999999999999999999.0.0",
    ];
    for (i, a) in chain.iter().enumerate() {
        for (j, b) in chain.iter().enumerate() {
            assert_eq!(compare(a, b), i.cmp(&j), "{a} vs {b}");
        }
    }
}

#[test]
fn osv_and_go_mod_spellings_agree() {
    let same = [
        ("v1.6.0", "1.6.0"),
        ("v0", "0"),
        ("v0.0.0", "0"),
        ("v1.2", "1.2.0"),
        ("v2.0.0+incompatible", "2.0.0"),
        (
            "v0.0.0-20191109021931-daa7c04131f5",
            "0.0.0-20191109021931-daa7c04131f5",
        ),
    ];
    for (a, b) in same {
        assert_eq!(compare(a, b), Ordering::Equal, "{a} vs {b}");
    }
    assert_eq!(compare("1.6.0", "v1.6.1"), Ordering::Less);
    assert_eq!(
        compare("0", "v0.0.1-0.20200101000000-abcdef"),
        Ordering::Less
    );
}

#[test]
fn pseudo_versions() {
    for p in [
        "v0.0.0-20191109021931-daa7c04131f5",
        "v1.2.4-0.20191109021931-daa7c04131f5",
        "v1.2.3-pre.0.20191109021931-daa7c04131f5",
        "v2.0.0-20191109021931-daa7c04131f5+incompatible",
        "0.0.0-20191109021931-daa7c04131f5",
    ] {
        assert!(is_pseudo_version(p), "{p}");
    }
    for p in [
        "v1.2.3",
        "v1.2.3-pre",
        "v1.2.3-20191109021931-daa7c04131f5",
        "v1.2.4-1.20191109021931-daa7c04131f5",
        "v0.0.0-2019110902193-daa7c04131f5",
        "v0.0.0-20191109021931-",
    ] {
        assert!(!is_pseudo_version(p), "{p}");
    }
}

fn go_like() -> impl Strategy<Value = String> {
    let pseudo = ("[0-9]{1,2}", "[0-9]{1,2}", "[0-9]{14}", "[0-9a-f]{12}")
        .prop_map(|(a, b, t, h)| format!("v{a}.{b}.1-0.{t}-{h}"));
    prop_oneof![
        super::super::semver::tests::semver_like()
            .prop_map(|s| s.trim_start_matches('=').to_string()),
        pseudo,
        ("[0-9]{14}", "[0-9a-f]{12}").prop_map(|(t, h)| format!("v0.0.0-{t}-{h}")),
    ]
}

proptest! {
    #[test]
    fn total_order_on_versions(a in go_like(), b in go_like(), c in go_like()) {
        assert_total_order(compare, &a, &b, &c);
    }

    #[test]
    fn total_order_on_noise(a in noisy_string(), b in noisy_string(), c in go_like()) {
        assert_total_order(compare, &a, &b, &c);
        let _ = (canonical(&a), is_pseudo_version(&b));
    }
}
