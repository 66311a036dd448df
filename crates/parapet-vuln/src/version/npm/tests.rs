use super::super::prop_support::{assert_total_order, noisy_string};
use super::*;
use proptest::prelude::*;

/// (range, version) pairs that node-semver's test fixtures list as matching.
const INCLUDE: &[(&str, &str)] = &[
    ("1.0.0 - 2.0.0", "1.2.3"),
    ("^1.2.3+build", "1.2.3"),
    ("^1.2.3+build", "1.3.0"),
    ("1.2.3-pre+asdf - 2.4.3-pre+asdf", "1.2.3"),
    ("1.2.3-pre+asdf - 2.4.3-pre+asdf", "1.2.3-pre.2"),
    ("1.2.3-pre+asdf - 2.4.3-pre+asdf", "2.4.3-alpha"),
    ("1.2.3+asdf - 2.4.3+asdf", "1.2.3"),
    ("1.0.0", "1.0.0"),
    (">=*", "0.2.4"),
    ("", "1.0.0"),
    ("*", "1.2.3"),
    (">1.0.0", "1.1.0"),
    ("<=2.0.0", "1.9999.9999"),
    (">= 1.0.0", "1.0.0"),
    (">=  1.0.0", "1.0.1"),
    ("<\t2.0.0", "0.2.9"),
    (">=0.1.97", "v0.1.97"),
    ("0.1.20 || 1.2.4", "1.2.4"),
    (">=0.2.3 || <0.0.1", "0.0.0"),
    ("||", "1.3.4"),
    ("2.x.x", "2.1.3"),
    ("1.2.x || 2.x", "2.1.3"),
    ("x", "1.2.3"),
    ("2.*.*", "2.1.3"),
    ("2", "2.1.2"),
    ("2.3", "2.3.1"),
    ("~0.0.1", "0.0.2"),
    ("~x", "0.0.9"),
    ("~2.4", "2.4.5"),
    ("~>3.2.1", "3.2.2"),
    ("~> 1", "1.2.3"),
    ("~ 1.0", "1.0.2"),
    (">= 1", "1.0.0"),
    ("< 1.2", "1.1.1"),
    ("~v0.5.4-pre", "0.5.5"),
    ("~v0.5.4-pre", "0.5.4"),
    ("=0.7.x", "0.7.2"),
    ("<=0.7.x", "0.7.2"),
    ("~1.2.1 >=1.2.3", "1.2.3"),
    ("~1.2.1 =1.2.3", "1.2.3"),
    ("~1.2.1 1.2.3 >=1.2.3", "1.2.3"),
    ("^0.1", "0.1.2"),
    ("^1.2 ^1", "1.4.2"),
    ("^1.2.3-alpha", "1.2.3-pre"),
    ("^0.0.1-alpha", "0.0.1-beta"),
    ("^0.0.1-alpha", "0.0.1"),
    ("^x", "1.2.3"),
    ("x - 1.0.0", "0.9.7"),
    ("1.0.0 - x", "1.9.7"),
    ("1.x - x", "1.9.7"),
    ("<=7.x", "7.9.9"),
    (">= 1.0.0, < 1.2.3", "1.2.2"),
    (">=1.0.0,<1.2.3 || >=2.0.0, <2.0.5", "2.0.4"),
];

/// Pairs the fixtures list as NOT matching (with valid ranges).
const EXCLUDE: &[(&str, &str)] = &[
    ("1.0.0 - 2.0.0", "2.2.3"),
    ("1.2.3+asdf - 2.4.3+asdf", "1.2.3-pre.2"),
    ("^1.2.3+build", "2.0.0"),
    ("^1.2.3", "1.2.3-pre"),
    ("^1.2", "1.2.0-pre"),
    (">1.2", "1.3.0-beta"),
    ("<=1.2.3", "1.2.3-beta"),
    ("=0.7.x", "0.7.0-asdf"),
    (">=0.7.x", "0.7.0-asdf"),
    ("1.0.0", "1.0.1"),
    (">=1.0.0", "0.1.0"),
    ("<=2.0.0", "2.9999.9999"),
    (">=0.1.97", "v0.1.93"),
    ("0.1.20 || 1.2.4", "1.2.3"),
    (">=0.2.3 || <0.0.1", "0.0.3"),
    ("2.x.x", "3.1.3"),
    ("1.2.* || 2.*", "1.1.3"),
    ("2.3", "2.4.1"),
    ("~0.0.1", "0.1.0-alpha"),
    ("~2.4", "2.5.0"),
    ("~>3.2.1", "3.2.0"),
    ("~1.0", "1.1.0"),
    ("<1", "1.0.0"),
    ("~v0.5.4-beta", "0.5.4-alpha"),
    ("<0.7.x", "0.7.2"),
    ("=1.2.3", "1.2.3-beta"),
    (">1.2", "1.2.8"),
    ("^0.0.1", "0.0.2"),
    ("^1.2.3", "2.0.0-alpha"),
    ("^1.2", "1.1.9"),
    ("*", "v1.2.3-foo"),
    ("^1.0.0", "2.0.0-rc1"),
    ("1 - 2", "2.0.0-pre"),
    ("1.0 - 2", "1.0.0-pre"),
    ("1.x", "1.1.0-a"),
    (">=1.0.0 <1.1.0", "1.1.0-pre"),
    (">=1.0.0 <1.1.0-pre", "1.1.0-pre"),
    (">=1.0.0", "not-a-version"),
    (">=1.0.0", "1.0"),
    (">= 1.0.0, < 1.2.3", "1.2.3"),
];

#[test]
fn node_fixtures() {
    for &(range, version) in INCLUDE {
        assert_eq!(
            satisfies(version, range),
            Ok(true),
            "{version} in {range:?}"
        );
    }
    for &(range, version) in EXCLUDE {
        assert_eq!(
            satisfies(version, range),
            Ok(false),
            "{version} not in {range:?}"
        );
    }
}

#[test]
fn invalid_ranges_are_errors() {
    for range in [
        "blerg",
        "== 1.0.0 || foo",
        ">=",
        "1.2.3.4",
        "01.2.3",
        "~1.2.3 junk",
        ">=9007199254740992.0.0",
        "^9007199254740991",
    ] {
        assert!(satisfies("1.0.0", range).is_err(), "{range:?}");
    }
    let err = satisfies("1.0.0", "blerg").expect_err("invalid");
    assert!(err.to_string().contains("blerg"));
}

#[test]
fn desugaring() {
    let cases = [
        ("1.2.3 - 2.3", ">=1.2.3 <2.4.0-0"),
        ("~1.2", ">=1.2.0 <1.3.0-0"),
        ("^0.0.3", ">=0.0.3 <0.0.4-0"),
        ("^0.2.3", ">=0.2.3 <0.3.0-0"),
        ("^1.x", ">=1.0.0 <2.0.0-0"),
        (">1.x", ">=2.0.0"),
        ("<=1.2", "<1.3.0-0"),
    ];
    for (range, want) in cases {
        let r = Range::parse(range).expect("valid");
        let w = Range::parse(want).expect("valid");
        for v in [
            "0.0.3", "0.0.4", "0.2.9", "0.3.0", "1.0.0", "1.2.0", "1.2.9", "1.3.0", "1.9.9",
            "2.0.0", "2.3.9", "2.4.0", "3.0.0",
        ] {
            assert_eq!(r.test(v), w.test(v), "{v} in {range} vs {want}");
        }
    }
}

#[test]
fn version_compare() {
    assert_eq!(compare("1.2.3", "v1.2.3"), Ordering::Equal);
    assert_eq!(compare("1.2.3-alpha.1", "1.2.3-alpha.beta"), Ordering::Less);
    assert_eq!(
        compare("=1.2.3", "0.0.0"),
        Ordering::Less,
        "node rejects '=' in versions"
    );
    assert_eq!(
        compare("9007199254740992.0.0", "0.0.0"),
        Ordering::Less,
        "too large"
    );
    assert!(is_valid(" v1.2.3 "));
    assert!(!is_valid("1.2"));
    assert_eq!(add_one("199"), "200");
    assert_eq!(add_one("99"), "100");
}

fn range_like() -> impl Strategy<Value = String> {
    let ver = "[0-9]{1,2}(\\.([0-9]|x|\\*)){0,2}(-[a-z0-9]{1,3})?";
    let comp = (
        proptest::sample::select(&["", "<", "<=", ">", ">=", "=", "~", "^", "~>"][..]),
        ver,
    )
        .prop_map(|(op, v)| format!("{op}{v}"));
    proptest::collection::vec(comp, 0..4).prop_map(|v| v.join(" "))
}

proptest! {
    #[test]
    fn never_panics(v in noisy_string(), r in noisy_string(), r2 in range_like()) {
        let _ = satisfies(&v, &r);
        let _ = satisfies(&v, &r2);
        let _ = satisfies("1.2.3-a", &r2);
    }

    #[test]
    fn compare_is_total(a in noisy_string(), b in noisy_string(), c in super::super::semver::tests::semver_like()) {
        assert_total_order(compare, &a, &b, &c);
    }
}
