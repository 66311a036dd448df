use super::super::prop_support::{assert_total_order, noisy_string};
use super::*;
use proptest::prelude::*;

#[test]
fn semver_org_precedence_chain() {
    let chain = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "2.0.0",
        "2.1.0",
        "2.1.1",
        "10.0.0",
    ];
    for (i, a) in chain.iter().enumerate() {
        for (j, b) in chain.iter().enumerate() {
            assert_eq!(compare(a, b), i.cmp(&j), "{a} vs {b}");
        }
    }
}

#[test]
fn equalities_and_leniency() {
    let equal = [
        ("1.0.0+build.1", "1.0.0+build.2"),
        ("1.0.0-alpha+001", "1.0.0-alpha"),
        ("v1.2.3", "1.2.3"),
        ("=1.2.3", "1.2.3"),
        ("=v1.2.3", "1.2.3"),
        ("V1", "1.0.0"),
        ("1.2", "1.2.0"),
        (" 1.2.3 ", "1.2.3"),
        ("01.002.0003", "1.2.3"),
        ("1.0.0-01", "1.0.0-1"),
    ];
    for (a, b) in equal {
        assert_eq!(compare(a, b), Ordering::Equal, "{a} vs {b}");
    }
    let less = [
        ("1.0.0-2", "1.0.0-10"),
        ("1.0.0-9", "1.0.0-a"),
        ("1.0.0-Z", "1.0.0-a"),
        ("1.0.0-a.b", "1.0.0-a-b"),
        ("1.0.0-alpha.1", "1.0.0-alpha.1.0"),
        ("0.0.0-0", "0.0.0"),
        ("99999999999999999999.0.0", "100000000000000000000.0.0"),
        ("1.0.0-99999999999999999999", "1.0.0-100000000000000000000"),
        ("not a version", "0.0.0-0"),
        ("", "0.0.0"),
        ("1.2.3.4", "1.2.3.5"),
    ];
    for (a, b) in less {
        assert_eq!(compare(a, b), Ordering::Less, "{a} vs {b}");
        assert_eq!(compare(b, a), Ordering::Greater, "{b} vs {a}");
    }
}

#[test]
fn parsing() {
    let v = Version::parse("v1.2.3-rc.1+b.5").expect("valid");
    assert_eq!(
        (v.major.as_str(), v.minor.as_str(), v.patch.as_str()),
        ("1", "2", "3")
    );
    assert_eq!(
        v.pre,
        vec![
            Identifier::AlphaNumeric("rc".into()),
            Identifier::Numeric("1".into())
        ]
    );
    assert_eq!(v.build, vec!["b".to_string(), "5".to_string()]);
    assert!(v.is_prerelease());
    for bad in [
        "",
        "1.2.3.4",
        "1..3",
        "1.2.3-",
        "1.2.3+",
        "1.2.3-a..b",
        "a.b.c",
        "1.2.3-é",
        "-1.2.3",
    ] {
        assert!(!is_valid(bad), "{bad:?}");
    }
    for bad in ["v1.2.3", "1.2", "01.2.3", "1.2.3-01"] {
        assert!(Version::parse_strict(bad).is_none(), "{bad:?}");
    }
    assert!(Version::parse_strict("1.2.3-0a.1+001").is_some());
}

pub(crate) fn semver_like() -> impl Strategy<Value = String> {
    let num = "0|[1-9][0-9]{0,2}|[0-9]{1,2}";
    let ident = "[0-9]{1,2}|[a-z]{1,5}|[a-zA-Z0-9-]{1,4}";
    (
        proptest::option::of("v|=|=v"),
        proptest::collection::vec(num, 1..=3),
        proptest::collection::vec(ident, 0..4),
        proptest::collection::vec("[a-zA-Z0-9-]{1,4}", 0..2),
    )
        .prop_map(|(prefix, core, pre, build)| {
            let mut s = prefix.unwrap_or_default();
            s.push_str(&core.join("."));
            if !pre.is_empty() {
                s.push('-');
                s.push_str(&pre.join("."));
            }
            if !build.is_empty() {
                s.push('+');
                s.push_str(&build.join("."));
            }
            s
        })
}

proptest! {
    #[test]
    fn total_order_on_versions(a in semver_like(), b in semver_like(), c in semver_like()) {
        assert_total_order(compare, &a, &b, &c);
    }

    #[test]
    fn total_order_on_noise(a in noisy_string(), b in noisy_string(), c in semver_like()) {
        assert_total_order(compare, &a, &b, &c);
    }
}
