use super::super::prop_support::{assert_total_order, joined, noisy_string};
use super::*;
use proptest::prelude::*;

/// Cases from rpm's own rpmvercmp test list (a, b, expected sign).
const RPMVERCMP: &[(&str, &str, i8)] = &[
    ("1.0", "1.0", 0),
    ("1.0", "2.0", -1),
    ("2.0.1", "2.0.1", 0),
    ("2.0", "2.0.1", -1),
    ("2.0.1a", "2.0.1a", 0),
    ("2.0.1a", "2.0.1", 1),
    ("5.5p1", "5.5p1", 0),
    ("5.5p1", "5.5p2", -1),
    ("5.5p10", "5.5p10", 0),
    ("5.5p1", "5.5p10", -1),
    ("10xyz", "10.1xyz", -1),
    ("xyz10", "xyz10", 0),
    ("xyz10", "xyz10.1", -1),
    ("xyz.4", "xyz.4", 0),
    ("xyz.4", "8", -1),
    ("xyz.4", "2", -1),
    ("5.5p2", "5.6p1", -1),
    ("5.6p1", "6.5p1", -1),
    ("6.0.rc1", "6.0", 1),
    ("10b2", "10a1", 1),
    ("10a2", "10b2", -1),
    ("1.0aa", "1.0aa", 0),
    ("1.0a", "1.0aa", -1),
    ("10.0001", "10.0001", 0),
    ("10.0001", "10.1", 0),
    ("10.0001", "10.0039", -1),
    ("4.999.9", "5.0", -1),
    ("20101121", "20101122", -1),
    ("2_0", "2_0", 0),
    ("2.0", "2_0", 0),
    ("a", "a", 0),
    ("a+", "a_", 0),
    ("+a", "_a", 0),
    ("_+", "+_", 0),
    ("+", "_", 0),
    ("1.0~rc1", "1.0~rc1", 0),
    ("1.0~rc1", "1.0", -1),
    ("1.0~rc1", "1.0~rc2", -1),
    ("1.0~rc1~git123", "1.0~rc1~git123", 0),
    ("1.0~rc1~git123", "1.0~rc1", -1),
    ("1.0^", "1.0^", 0),
    ("1.0^", "1.0", 1),
    ("1.0^git1", "1.0^git1", 0),
    ("1.0^git1", "1.0", 1),
    ("1.0^git1", "1.0^git2", -1),
    ("1.0^git1", "1.01", -1),
    ("1.0^20160101", "1.0^20160101", 0),
    ("1.0^20160101", "1.0.1", -1),
    ("1.0^20160101^git1", "1.0^20160101^git1", 0),
    ("1.0^20160102", "1.0^20160101^git1", 1),
    ("1.0~rc1^git1", "1.0~rc1^git1", 0),
    ("1.0~rc1^git1", "1.0~rc1", 1),
    ("1.0^git1~pre", "1.0^git1~pre", 0),
    ("1.0^git1", "1.0^git1~pre", 1),
    ("1.0", "1.0.", 0),
    ("1.0~", "1.0", -1),
    ("1.0^", "1.0.1", -1),
    ("1.0^", "1.0~", 1),
    (
        "123456789012345678901234567890",
        "123456789012345678901234567891",
        -1,
    ),
];

fn sign(o: Ordering) -> i8 {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

#[test]
fn rpmvercmp_cases() {
    for &(a, b, want) in RPMVERCMP {
        assert_eq!(sign(rpmvercmp(a, b)), want, "{a} vs {b}");
        assert_eq!(sign(rpmvercmp(b, a)), -want, "{b} vs {a}");
    }
}

#[test]
fn evr_cases() {
    let cases = [
        ("1:1.0-1", "2.0-1", 1),
        ("0:1.0-1", "1.0-1", 0),
        ("1.0-1", "1.0-2", -1),
        ("1.0-1.el8", "1.0-1.el9", -1),
        ("1.0-1.el8_2", "1.0-1.el8", 1),
        ("2.0", "1.0-5", 1),
        ("1.0", "1.0-1", -1),
        ("1.2.3-4-5", "1.2.3-4", 1),
        ("3:4.1~beta-1", "3:4.1-1", -1),
        ("010:1", "9:2", 1),
        (":1.0", "0:1.0", 0),
    ];
    for (a, b, want) in cases {
        assert_eq!(sign(compare(a, b)), want, "{a} vs {b}");
        assert_eq!(sign(compare(b, a)), -want, "{b} vs {a}");
    }
    let evr = parse("2:1.0-3.fc40");
    assert_eq!(
        (evr.epoch, evr.version, evr.release),
        ("2", "1.0", "3.fc40")
    );
}

fn evr_like() -> impl Strategy<Value = String> {
    let seg = "[0-9]{1,3}|[a-z]{1,3}|~|\\^|[A-Z][a-z]";
    (
        proptest::option::of("[0-9]{1,2}"),
        joined(seg, &[".", "", "_", "+", "~", "^"], 5),
        proptest::option::of(joined("[0-9]{1,2}|el[0-9]|fc[0-9]{2}", &[".", "_"], 3)),
    )
        .prop_map(|(e, v, r)| {
            let mut s = e.map(|e| format!("{e}:")).unwrap_or_default();
            s.push_str(&v);
            if let Some(r) = r {
                s.push('-');
                s.push_str(&r);
            }
            s
        })
}

proptest! {
    #[test]
    fn total_order_on_versions(a in evr_like(), b in evr_like(), c in evr_like()) {
        assert_total_order(compare, &a, &b, &c);
    }

    #[test]
    fn total_order_on_noise(a in noisy_string(), b in noisy_string(), c in evr_like()) {
        assert_total_order(compare, &a, &b, &c);
    }
}
