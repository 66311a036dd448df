use super::super::prop_support::{assert_total_order, joined, noisy_string};
use super::*;
use proptest::prelude::*;
use Ordering::{Equal as E, Greater as G, Less as L};

#[test]
fn policy_and_dpkg_examples() {
    let cases = [
        ("1.0", "1.0", E),
        ("1.0", "1.00", E),
        ("0:1.0", "1.0", E),
        ("1.0-0", "1.0", E),
        ("1.0~rc1", "1.0", L),
        ("1.0~~", "1.0~", L),
        ("1.0~~a", "1.0~", L),
        ("1.0~", "1.0", L),
        ("1.0", "1.0a", L),
        ("1.0a", "1.0+", L),
        ("1.0+", "1.0.", L),
        ("1.0.", "1.0-1", G),
        ("1:1.0", "2.0", G),
        ("2:0.1", "1:9.9", G),
        ("1.2.3-1", "1.2.3-2", L),
        ("1.2.3-10", "1.2.3-9", G),
        ("1.2-3-4", "1.2-3-5", L),
        ("1.2-3-4", "1.2-4", G),
        ("7.6p2-4", "7.6-0", G),
        ("1.0.3-3", "1.0-1", G),
        ("1.3", "1.2.2-2", G),
        ("1.3", "1.2.2", G),
        ("0-pre", "0-pre", E),
        ("0-pre", "0-pree", L),
        ("1.1.6r2-2", "1.1.6r-1", G),
        ("2.6b2-1", "2.6b-2", G),
        ("98.1p5-1", "98.1-pre2-b6-2", L),
        ("0.4a6-2", "0.4-1", G),
        ("1:3.0.5-2", "1:3.0.5.1", L),
        ("10.11.1.3-2", "10.11.1.3-2", E),
        ("4.4.3-2", "4.4.3-2", E),
        ("1:0.4", "10.3", G),
        ("1:1.25-4", "1:1.25-8", L),
        ("0:1.18.36", "1.18.36", E),
        ("1.18.36", "1.18.35", G),
        ("0:1.18.36", "1.18.35", G),
        ("9:1.18.36:5.4-20", "10:0.5.1-22", L),
        ("9:1.18.36:5.4-20", "9:1.18.36:5.5-1", L),
        ("9:1.18.36:5.4-20", " 9:1.18.37:4.3-22", L),
        ("1.18.36-0.17.35-18", "1.18.36-19", G),
        ("1:1.2.13-3", "1:1.2.13-3.1", L),
        ("2.0.7pre1-4", "2.0.7r-1", L),
        ("0.2", "1.0-0", L),
        ("1.0", "1.0-0+b1", L),
        ("1.0", "1.0-0~", G),
        ("1.2.3~rc1-1", "1.2.3-1", L),
        ("2.30-1ubuntu1", "2.30-1", G),
        ("2.30-1+deb12u1", "2.30-1", G),
        ("2.30-1~deb12u1", "2.30-1", L),
        ("1.0a", "1.0A", G),
        ("1.0000000000000000000000000001", "1.1", E),
        (
            "99999999999999999999999999:1",
            "99999999999999999999999998:2",
            G,
        ),
    ];
    for (a, b, want) in cases {
        assert_eq!(compare(a, b), want, "{a} vs {b}");
        assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
    }
}

#[test]
fn parse_splits_fields() {
    let v = parse("2:1.0-3-4");
    assert_eq!((v.epoch, v.upstream, v.revision), ("2", "1.0-3", "4"));
    let v = parse("x:1.0");
    assert_eq!((v.epoch, v.upstream, v.revision), ("", "x:1.0", ""));
}

#[test]
fn validity() {
    for ok in ["1.0", "1:2.3-4", "0.1~rc1+dfsg-2ubuntu0.1", "1:2:3-4"] {
        assert!(is_valid(ok), "{ok}");
    }
    for bad in ["", "a1.0", "1.0-", ":1.0", "x:1.0", "1 0", "1.0_1"] {
        assert!(!is_valid(bad), "{bad}");
    }
}

fn version_like() -> impl Strategy<Value = String> {
    let part = "[0-9]{1,3}|[a-z]{1,2}|~[a-z0-9]{0,2}|\\+[a-z0-9]{1,2}";
    (
        proptest::option::of("[0-9]{1,2}"),
        joined(part, &[".", "", "-", "~", "+"], 5),
        proptest::option::of("[0-9a-z~+.]{1,5}"),
    )
        .prop_map(|(e, up, rev)| {
            let mut s = e.map(|e| format!("{e}:")).unwrap_or_default();
            s.push_str(&up);
            if let Some(r) = rev {
                s.push('-');
                s.push_str(&r);
            }
            s
        })
}

proptest! {
    #[test]
    fn total_order_on_versions(a in version_like(), b in version_like(), c in version_like()) {
        assert_total_order(compare, &a, &b, &c);
    }

    #[test]
    fn total_order_on_noise(a in noisy_string(), b in noisy_string(), c in version_like()) {
        assert_total_order(compare, &a, &b, &c);
        let _ = is_valid(&a);
    }
}
