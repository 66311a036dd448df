use super::super::prop_support::{assert_total_order, joined, noisy_string};
use super::*;
use proptest::prelude::*;

#[test]
fn documented_order() {
    // Gem::Version docs: 1.0.a < 1.0.b < 1.0 and the prerelease examples.
    let chain = [
        "0.9",
        "1.0.a",
        "1.0.a.2",
        "1.0.a.10",
        "1.0.b1",
        "1.0.rc1",
        "1.0",
        "1.0.1",
        "1.1.a",
        "1.1",
        "1.10",
        "2.0.0.pre",
        "2.0.0.rc1",
        "2.0.0",
        "2.0.1-1",
        "2.0.1",
        "10",
    ];
    for (i, a) in chain.iter().enumerate() {
        for (j, b) in chain.iter().enumerate() {
            assert_eq!(compare(a, b), i.cmp(&j), "{a} vs {b}");
        }
    }
}

#[test]
fn equalities_and_rules() {
    let same = [
        ("1.0", "1"),
        ("1.0.0", "1.0"),
        ("", "0"),
        (" 1.2 ", "1.2"),
        ("1.a", "1.0.a"),
        ("1.a.0", "1.a"),
        ("1.0b1", "1.0.b.1"),
        ("1.0-1", "1.0.pre.1"),
        ("01.2", "1.2"),
    ];
    for (a, b) in same {
        assert_eq!(compare(a, b), Ordering::Equal, "{a} vs {b}");
    }
    let less = [
        ("1.a", "1"),
        ("1.0.0.a", "1.0.1"),
        ("1.A", "1.a"),
        ("1.a", "1.0.0.1"),
        ("1.9.a", "1.10"),
        ("3.0.0.beta", "3.0.0"),
        ("1.2.3-x", "1.2.3"),
        ("99999999999999999999", "100000000000000000000"),
        ("junk", "0"),
        ("1..2", "0"),
    ];
    for (a, b) in less {
        assert_eq!(compare(a, b), Ordering::Less, "{a} vs {b}");
        assert_eq!(compare(b, a), Ordering::Greater, "{b} vs {a}");
    }
}

#[test]
fn validity_and_prerelease() {
    for ok in [
        "1",
        "1.2.3",
        "1.2.a",
        "1.0.0-rc.1",
        "1.0-x-y",
        "",
        "  1.0\n",
        "1.0b1",
    ] {
        assert!(is_valid(ok), "{ok:?}");
    }
    for bad in [
        "a", "1.", "1..2", ".1", "1.0-", "1 0", "1.0_1", "v1.0", "-1",
    ] {
        assert!(!is_valid(bad), "{bad:?}");
    }
    assert!(is_prerelease("1.0.a"));
    assert!(!is_prerelease("1.0"));
    assert_eq!(
        segments("1.0b1"),
        vec![
            Segment::Num("1".into()),
            Segment::Num(String::new()),
            Segment::Str("b".into()),
            Segment::Num("1".into())
        ]
    );
}

fn gem_like() -> impl Strategy<Value = String> {
    (
        "[0-9]{1,3}",
        proptest::option::of(joined("[0-9]{1,2}|[a-z]{1,3}|0|[a-z][0-9]", &["."], 4)),
        proptest::option::of(joined("[a-z0-9]{1,3}", &["."], 2)),
    )
        .prop_map(|(head, rest, pre)| {
            let mut s = head;
            if let Some(r) = rest {
                s.push('.');
                s.push_str(&r);
            }
            if let Some(p) = pre {
                s.push('-');
                s.push_str(&p);
            }
            s
        })
}

proptest! {
    #[test]
    fn total_order_on_versions(a in gem_like(), b in gem_like(), c in gem_like()) {
        assert_total_order(compare, &a, &b, &c);
    }

    #[test]
    fn total_order_on_noise(a in noisy_string(), b in noisy_string(), c in gem_like()) {
        assert_total_order(compare, &a, &b, &c);
    }
}
