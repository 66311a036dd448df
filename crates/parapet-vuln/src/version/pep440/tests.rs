use super::super::prop_support::{assert_total_order, joined, noisy_string};
use super::*;
use proptest::prelude::*;

fn assert_chain(chain: &[&str]) {
    for (i, a) in chain.iter().enumerate() {
        for (j, b) in chain.iter().enumerate() {
            assert_eq!(compare(a, b), i.cmp(&j), "{a} vs {b}");
        }
    }
}

#[test]
fn brief_and_spec_chain() {
    assert_chain(&[
        "1.0.dev0",
        "1.0a1.dev0",
        "1.0a1",
        "1.0a1.post1",
        "1.0b1",
        "1.0rc1",
        "1.0",
        "1.0.post1.dev0",
        "1.0.post1",
    ]);
}

#[test]
fn packaging_sort_list() {
    assert_chain(&[
        "1.0.dev456",
        "1.0a1",
        "1.0a2.dev456",
        "1.0a12.dev456",
        "1.0a12",
        "1.0b1.dev456",
        "1.0b2",
        "1.0b2.post345.dev456",
        "1.0b2.post345",
        "1.0b2-346",
        "1.0c1.dev456",
        "1.0c1",
        "1.0rc2",
        "1.0c3",
        "1.0",
        "1.0.post456.dev34",
        "1.0.post456",
        "1.1.dev1",
        "1.2+123abc",
        "1.2+123abc456",
        "1.2+abc",
        "1.2+abc123",
        "1.2+abc123def",
        "1.2+1234.abc",
        "1.2+123456",
        "1.2.r32+123456",
        "1.2.rev33+123456",
        "1!1.0.dev456",
        "1!1.0a1",
        "1!1.0",
        "1!1.2.rev33+123456",
    ]);
}

#[test]
fn normalization_equalities() {
    let same = [
        ("1.0ALPHA1", "1.0a1"),
        ("1.0-alpha-1", "1.0a1"),
        ("1.0_alpha.1", "1.0a1"),
        ("1.0.a1", "1.0a1"),
        ("1.0a", "1.0a0"),
        ("1.0c1", "1.0rc1"),
        ("1.0pre1", "1.0rc1"),
        ("1.0preview1", "1.0rc1"),
        ("1.0Beta2", "1.0b2"),
        ("1.0-r4", "1.0.post4"),
        ("1.0rev4", "1.0.post4"),
        ("1.0-1", "1.0.post1"),
        ("1.0.post", "1.0.post0"),
        ("1.0.dev", "1.0.dev0"),
        ("1.0-dev", "1.0.dev0"),
        ("v1.0", "1.0"),
        ("V1.0", "1.0"),
        (" 1.0 \n", "1.0"),
        ("1.0.0", "1.0"),
        ("1.0.0.0", "1"),
        ("0!1.0", "1.0"),
        ("1.01", "1.1"),
        ("1.0+ubuntu-1", "1.0+ubuntu.1"),
        ("1.0+UBUNTU_1", "1.0+ubuntu.1"),
        ("1.0+007", "1.0+7"),
    ];
    for (a, b) in same {
        assert_eq!(compare(a, b), Ordering::Equal, "{a} vs {b}");
    }
    let less = [
        ("2.0", "1!1.0"),
        ("1.0", "1.0+local"),
        ("1.0+abc", "1.0+1"),
        ("1.0+1", "1.0+1.a"),
        ("1.0a1+z", "1.0a1.post0"),
        ("99999999999999999999999", "99999999999999999999999.1"),
        ("french toast", "0"),
        ("1.0.", "0.0.dev0"),
    ];
    for (a, b) in less {
        assert_eq!(compare(a, b), Ordering::Less, "{a} vs {b}");
        assert_eq!(compare(b, a), Ordering::Greater, "{b} vs {a}");
    }
}

#[test]
fn validity() {
    for ok in [
        "1",
        "1.0a.",
        "1!2.3.4rc5.post6.dev7+a.8",
        "1.0-1",
        "1.0-r",
        "01.02",
    ] {
        assert!(is_valid(ok), "{ok:?}");
    }
    for bad in [
        "",
        "1.0+",
        "1.0+_1",
        "french toast",
        "1.0.",
        "1..0",
        "1.0-",
        "1.0p1",
        "1!",
        "!1",
        "1.0+a..b",
    ] {
        assert!(!is_valid(bad), "{bad:?}");
    }
    let v = Version::parse("1!2.3rc4.post5.dev6+ab.7").expect("valid");
    assert_eq!(v.epoch, "1");
    assert_eq!(v.release, vec!["2".to_string(), "3".to_string()]);
    assert_eq!(v.pre, Some((Phase::Rc, "4".to_string())));
    assert_eq!(
        (v.post.as_deref(), v.dev.as_deref()),
        (Some("5"), Some("6"))
    );
    assert_eq!(
        v.local,
        vec![Local::Str("ab".into()), Local::Num("7".into())]
    );
    assert!(v.is_prerelease());
}

pub(crate) fn pep440_like() -> impl Strategy<Value = String> {
    let sep = "|-|_|\\.";
    (
        proptest::option::of("[0-9]!"),
        joined("[0-9]{1,2}", &["."], 4),
        proptest::option::of((sep, "a|b|c|rc|alpha|beta|pre|preview|A|RC", "[0-9]{0,2}")),
        proptest::option::of(prop_oneof![
            "-[0-9]{1,2}".prop_map(|s| s),
            (sep, "post|rev|r", "[0-9]{0,2}").prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        ]),
        proptest::option::of((sep, "dev", "[0-9]{0,2}")),
        proptest::option::of(joined("[a-z0-9]{1,3}", &[".", "-", "_"], 3)),
    )
        .prop_map(|(epoch, rel, pre, post, dev, local)| {
            let mut s = epoch.unwrap_or_default();
            s.push_str(&rel);
            if let Some((a, b, c)) = pre {
                s.push_str(&format!("{a}{b}{c}"));
            }
            s.push_str(&post.unwrap_or_default());
            if let Some((a, b, c)) = dev {
                s.push_str(&format!("{a}{b}{c}"));
            }
            if let Some(l) = local {
                s.push('+');
                s.push_str(&l);
            }
            s
        })
}

proptest! {
    #[test]
    fn total_order_on_versions(a in pep440_like(), b in pep440_like(), c in pep440_like()) {
        assert_total_order(compare, &a, &b, &c);
    }

    #[test]
    fn total_order_on_noise(a in noisy_string(), b in noisy_string(), c in pep440_like()) {
        assert_total_order(compare, &a, &b, &c);
    }
}
