//! Maven versions, ordered as `ComparableVersion` from maven-artifact 3.8.
//!
//! A version is split at `.`, `-` and digit/letter transitions into a tree:
//! `-` and a transition open a nested list. Numbers compare by value,
//! qualifiers by the well-known order
//! `alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp`
//! with unknown qualifiers after all of them, bytewise. Trailing "null"
//! items (0, empty qualifiers, empty lists) are dropped before comparing.
//! Any string is accepted. Only ASCII digits count as digits and only
//! ASCII letters are lowercased, so non-ASCII input may order differently
//! from Java's Unicode-aware rules.

use std::cmp::Ordering;

use super::num::{cmp_digits, strip_zeros};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// Digits without leading zeros ("" is 0).
    Int(String),
    /// The qualifier after alias resolution.
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_INDEX: usize = 5;

/// Sort key of a qualifier: known ones by their index, unknown ones after.
fn qualifier_key(q: &str) -> (usize, &str) {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => (i, ""),
        None => (QUALIFIERS.len(), q),
    }
}

fn cmp_qualifiers(a: &str, b: &str) -> Ordering {
    let (ka, kb) = (qualifier_key(a), qualifier_key(b));
    // Java compares strings by UTF-16 code units.
    ka.0.cmp(&kb.0)
        .then_with(|| ka.1.encode_utf16().cmp(kb.1.encode_utf16()))
}

fn string_item(s: &str, followed_by_digit: bool) -> Item {
    let s = match (followed_by_digit, s) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        (_, "ga" | "final" | "release") => "",
        (_, "cr") => "rc",
        _ => s,
    };
    Item::Str(s.to_string())
}

fn parse_item(is_digit: bool, s: &str) -> Item {
    if is_digit {
        Item::Int(strip_zeros(s).to_string())
    } else {
        string_item(s, false)
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(d) => d.is_empty(),
            Item::Str(s) => s.is_empty(),
            Item::List(l) => l.is_empty(),
        }
    }
}

/// Splits off the leading run of numbers.
fn split_ints(items: &[Item]) -> (&[Item], &[Item]) {
    let n = items
        .iter()
        .take_while(|i| matches!(i, Item::Int(_)))
        .count();
    items.split_at(n)
}

/// Number runs compare element-wise with zero padding.
fn cmp_ints(a: &[Item], b: &[Item]) -> Ordering {
    let num = |items: &[Item], i: usize| match items.get(i) {
        Some(Item::Int(d)) => d.clone(),
        _ => String::new(),
    };
    (0..a.len().max(b.len()))
        .map(|i| cmp_digits(&num(a, i), &num(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Where a qualifier or sub-list stands against the end of the version
/// (`None` is that end).
fn side(item: Option<&Item>) -> Ordering {
    match item {
        Some(Item::Str(q)) => cmp_qualifiers(q, QUALIFIERS[RELEASE_INDEX]),
        Some(Item::List(l)) => cmp_lists(l, &[]),
        _ => Ordering::Equal,
    }
}

/// Compares two non-number items: first by their side of "end of
/// version", then Maven's rule (qualifier < list).
fn cmp_non_int(a: Option<&Item>, b: Option<&Item>) -> Ordering {
    let (sa, sb) = (side(a), side(b));
    if sa != sb {
        return sa.cmp(&sb);
    }
    match (a, b) {
        (Some(Item::Str(x)), Some(Item::Str(y))) => cmp_qualifiers(x, y),
        (Some(Item::Str(_)), Some(Item::List(_))) => Ordering::Less,
        (Some(Item::List(_)), Some(Item::Str(_))) => Ordering::Greater,
        (Some(Item::List(x)), Some(Item::List(y))) => cmp_lists(x, y),
        // Both equivalent to the end of the version.
        _ => Ordering::Equal,
    }
}

/// Maven compares item by item, padding the shorter list with "null".
/// That is not transitive (`1.0.0.M1` > `1-1` > `1` > `1.0.0.M1` in
/// maven-artifact), so a version is read as alternating runs of numbers
/// and single qualifiers/sub-lists: runs compare with zero padding, the
/// others by side of "null" and then Maven's type order. This agrees with
/// Maven wherever Maven's own answers are consistent.
fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let ((na, ra), (nb, rb)) = (split_ints(a), split_ints(b));
        let ord = cmp_ints(na, nb);
        if ord.is_ne() {
            return ord;
        }
        let (ea, eb) = (ra.first(), rb.first());
        if ea.is_none() && eb.is_none() {
            return Ordering::Equal;
        }
        let ord = cmp_non_int(ea, eb);
        if ord.is_ne() {
            return ord;
        }
        a = ra.get(1..).unwrap_or(&[]);
        b = rb.get(1..).unwrap_or(&[]);
    }
}

/// Drops trailing null items, looking through trailing non-null lists the
/// way maven-artifact 3.8 does (`1.0-alpha` becomes `1-alpha`).
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// Builds the item tree. Nested lists are kept as a stack of open lists;
/// each is normalized when closed, innermost first, as Maven does.
fn parse(version: &str) -> Vec<Item> {
    let v = version.to_ascii_lowercase();
    let b = v.as_bytes();
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        // Transitions happen at ASCII bytes or lead bytes: char boundaries.
        let piece = v.get(start..i).unwrap_or("");
        match c {
            b'.' | b'-' => {
                let item = if i == start {
                    Item::Int(String::new())
                } else {
                    parse_item(is_digit, piece)
                };
                push(&mut stack, item);
                start = i + 1;
                if c == b'-' {
                    stack.push(Vec::new());
                }
            }
            _ if c.is_ascii_digit() => {
                if !is_digit && i > start {
                    // Maven treats `.X1` like `-X1`: the qualifier opens a list.
                    open_if_non_empty(&mut stack);
                    push(&mut stack, string_item(piece, true));
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = true;
            }
            _ => {
                if is_digit && i > start {
                    push(&mut stack, parse_item(true, piece));
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = false;
            }
        }
    }
    if b.len() > start {
        // A trailing `.X` is read as `-X` too.
        if !is_digit {
            open_if_non_empty(&mut stack);
        }
        push(
            &mut stack,
            parse_item(is_digit, v.get(start..).unwrap_or("")),
        );
    }
    close_all(stack)
}

fn open_if_non_empty(stack: &mut Vec<Vec<Item>>) {
    if stack.last().is_some_and(|top| !top.is_empty()) {
        stack.push(Vec::new());
    }
}

fn push(stack: &mut [Vec<Item>], item: Item) {
    if let Some(top) = stack.last_mut() {
        top.push(item);
    }
}

/// Normalizes and nests the open lists: each list is the last element of
/// its parent, so closing means appending it there.
fn close_all(mut stack: Vec<Vec<Item>>) -> Vec<Item> {
    while stack.len() > 1 {
        let mut inner = stack.pop().unwrap_or_default();
        normalize(&mut inner);
        push(&mut stack, Item::List(inner));
    }
    let mut root = stack.pop().unwrap_or_default();
    normalize(&mut root);
    root
}

/// Maven's canonical string (`1.0.0` -> `1`, `1-ga` -> `1`).
pub fn canonical(version: &str) -> String {
    fn write(items: &[Item], out: &mut String) {
        // Maven separates only after something was written to this list.
        let start = out.len();
        for item in items {
            if out.len() > start {
                out.push(if matches!(item, Item::List(_)) {
                    '-'
                } else {
                    '.'
                });
            }
            match item {
                Item::Int(d) if d.is_empty() => out.push('0'),
                Item::Int(d) => out.push_str(d),
                Item::Str(s) => out.push_str(s),
                Item::List(l) => write(l, out),
            }
        }
    }
    let mut out = String::new();
    write(&parse(version), &mut out);
    out
}

/// Total order over all strings (every string is a Maven version).
pub fn compare(a: &str, b: &str) -> Ordering {
    cmp_lists(&parse(a), &parse(b))
}

#[cfg(test)]
#[path = "maven/tests.rs"]
pub(crate) mod tests;
