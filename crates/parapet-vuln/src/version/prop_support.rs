//! Shared property checks: every scheme's `compare` must be a total order.

use std::cmp::Ordering;

use proptest::prelude::*;

/// Asserts reflexivity, antisymmetry and transitivity on one triple.
pub(crate) fn assert_total_order(cmp: fn(&str, &str) -> Ordering, a: &str, b: &str, c: &str) {
    let items = [a, b, c];
    for x in items {
        assert_eq!(cmp(x, x), Ordering::Equal, "not reflexive: {x:?}");
    }
    for x in items {
        for y in items {
            assert_eq!(
                cmp(x, y),
                cmp(y, x).reverse(),
                "not antisymmetric: {x:?} {y:?}"
            );
        }
    }
    for x in items {
        for y in items {
            for z in items {
                let (xy, yz, xz) = (cmp(x, y), cmp(y, z), cmp(x, z));
                if xy != Ordering::Greater && yz != Ordering::Greater {
                    let want = if xy == Ordering::Equal && yz == Ordering::Equal {
                        Ordering::Equal
                    } else {
                        Ordering::Less
                    };
                    assert_eq!(xz, want, "not transitive: {x:?} {y:?} {z:?}");
                }
            }
        }
    }
}

/// Strings mixing version punctuation, letters, digits and odd bytes.
pub(crate) fn noisy_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-zA-Z.~^_+:!=*<> |,\\-]{0,16}",
        "[0-9]{15,40}(\\.[0-9]{15,40}){0,2}",
    ]
}

/// Builds a version-like string from `parts` joined by separators picked
/// from `seps`: the shape every ecosystem strategy starts from.
pub(crate) fn joined(
    parts: impl Strategy<Value = String> + Clone,
    seps: &'static [&'static str],
    max: usize,
) -> impl Strategy<Value = String> {
    proptest::collection::vec((parts, proptest::sample::select(seps)), 1..=max).prop_map(|v| {
        let mut out = String::new();
        for (i, (part, sep)) in v.into_iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            out.push_str(&part);
        }
        out
    })
}
