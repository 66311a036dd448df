use super::super::prop_support::{assert_total_order, joined, noisy_string};
use super::*;
use proptest::prelude::*;

fn assert_ascending(chain: &[&str]) {
    for (i, a) in chain.iter().enumerate() {
        for (j, b) in chain.iter().enumerate() {
            assert_eq!(compare(a, b), i.cmp(&j), "{a} vs {b}");
        }
    }
}

#[test]
fn qualifier_order() {
    assert_ascending(&[
        "1-alpha2snapshot",
        "1-alpha2",
        "1-alpha-123",
        "1-beta-2",
        "1-beta123",
        "1-m2",
        "1-m11",
        "1-rc",
        "1-cr2",
        "1-rc123",
        "1-SNAPSHOT",
        "1",
        "1-sp",
        "1-sp2",
        "1-sp123",
        "1-abc",
        "1-def",
        "1-pom-1",
        "1-1-snapshot",
        "1-1",
        "1-2",
        "1-123",
    ]);
}

#[test]
fn number_order() {
    assert_ascending(&[
        "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
        "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11",
        "11.a", "11b", "11c", "11m",
    ]);
}

#[test]
fn equalities() {
    let groups: &[&[&str]] = &[
        &[
            "1",
            "1.0",
            "1.0.0",
            "1-0",
            "1.0-0",
            "1-ga",
            "1.0-final",
            "1-release",
            "1.ga",
            "1-FINAL",
        ],
        &[
            "1a1",
            "1-a1",
            "1-alpha-1",
            "1alpha1",
            "1.alpha1",
            "1-ALPHA1",
            "1.0.a1",
        ],
        &["1b2", "1-beta-2", "1beta2"],
        &["1m3", "1-milestone-3", "1.0.0.M3"],
        &["1-rc1", "1-cr1", "1rc1", "1cr1"],
        &["1x", "1X"],
        &["1-sp", "1.sp"],
        &["1.0000000000000000000000001", "1.1"],
    ];
    for group in groups {
        for a in *group {
            for b in *group {
                assert_eq!(compare(a, b), Ordering::Equal, "{a} vs {b}");
            }
        }
    }
}

#[test]
fn mixed_cases() {
    let less = [
        ("1.0-SNAPSHOT", "1.0"),
        ("1.0-alpha-1", "1.0-alpha-2"),
        ("1.0-alpha-10", "1.0-beta-1"),
        ("1.0-rc-1", "1.0-SNAPSHOT"),
        ("1.0", "1.0-sp1"),
        ("1.0", "1.0.1"),
        ("1.0-abc", "1.0-1"),
        ("1.a", "1.1"),
        ("1.0-xyz", "1.0-zzz"),
        ("1.0-sp", "1.0-xyz"),
        ("2.0.0.RELEASE", "2.0.1.RELEASE"),
        ("1.2.3.Final", "1.2.4.Final"),
        ("9999999999999999999999", "10000000000000000000000"),
        ("5.0.0.Beta1", "5.0.0.CR1"),
        ("", "0.0.1"),
    ];
    for (a, b) in less {
        assert_eq!(compare(a, b), Ordering::Less, "{a} vs {b}");
        assert_eq!(compare(b, a), Ordering::Greater, "{b} vs {a}");
    }
}

#[test]
fn canonical_forms() {
    let cases = [
        ("1.0", "1"),
        ("1.0-alpha", "1-alpha"),
        ("1.0.RELEASE", "1"),
        ("1-SNAPSHOT", "1-snapshot"),
        ("1a1", "1-alpha-1"),
        ("1.0.0-cr2", "1-rc-2"),
        ("007", "7"),
    ];
    for (v, want) in cases {
        assert_eq!(canonical(v), want, "{v}");
    }
}

fn maven_like() -> impl Strategy<Value = String> {
    let part = "[0-9]{1,3}|alpha|beta|milestone|rc|cr|snapshot|SNAPSHOT|ga|final|Final|release|sp|a|b|m|[a-z]{1,4}|0";
    joined(part, &[".", "-", ""], 6)
}

proptest! {
    #[test]
    fn total_order_on_versions(a in maven_like(), b in maven_like(), c in maven_like()) {
        assert_total_order(compare, &a, &b, &c);
    }

    #[test]
    fn total_order_on_noise(a in noisy_string(), b in noisy_string(), c in maven_like()) {
        assert_total_order(compare, &a, &b, &c);
        let _ = canonical(&a);
    }
}

/// maven-artifact's literal item-by-item comparison (not transitive), for
/// the reference check. The flag tells whether the verdict came from one of
/// the pairings where Maven contradicts its own "null" comparisons: an
/// explicit 0 against a qualifier/list, or a qualifier against a list on
/// the other side of "null". Those are where `compare` may differ.
pub(crate) fn raw_compare(a: &str, b: &str) -> (Ordering, bool) {
    raw_list(&parse(a), &parse(b))
}

fn raw_list(a: &[Item], b: &[Item]) -> (Ordering, bool) {
    (0..a.len().max(b.len()))
        .map(|i| raw_item(a.get(i), b.get(i)))
        .find(|(o, _)| o.is_ne())
        .unwrap_or((Ordering::Equal, false))
}

fn raw_item(a: Option<&Item>, b: Option<&Item>) -> (Ordering, bool) {
    use Item::{Int, List, Str};
    let zero = |d: &String| d.is_empty();
    match (a, b) {
        (Some(Int(x)), Some(Int(y))) => (cmp_digits(x, y), false),
        (Some(Int(x)), None) => (
            if zero(x) {
                Ordering::Equal
            } else {
                Ordering::Greater
            },
            false,
        ),
        (None, Some(Int(y))) => (
            if zero(y) {
                Ordering::Equal
            } else {
                Ordering::Less
            },
            false,
        ),
        (Some(Int(x)), Some(_)) => (Ordering::Greater, zero(x)),
        (Some(_), Some(Int(y))) => (Ordering::Less, zero(y)),
        (Some(Str(x)), Some(Str(y))) => (cmp_qualifiers(x, y), false),
        (Some(Str(_)), Some(List(_))) => (Ordering::Less, side(a) > side(b)),
        (Some(List(_)), Some(Str(_))) => (Ordering::Greater, side(a) < side(b)),
        (Some(List(x)), Some(List(y))) => raw_list(x, y),
        (Some(Str(x)), None) => (cmp_qualifiers(x, ""), false),
        (None, Some(Str(y))) => (cmp_qualifiers("", y), false),
        (Some(List(x)), None) => raw_list(x, &[]),
        (None, Some(List(y))) => raw_list(&[], y),
        (None, None) => (Ordering::Equal, false),
    }
}
