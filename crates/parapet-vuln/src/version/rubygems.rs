//! RubyGems versions, ordered as `Gem::Version#<=>`.
//!
//! Segments are runs of digits or of letters (`1.0.b1` is 1, 0, "b", 1);
//! `-` reads as `.pre.`. A letter segment makes a pre-release
//! (`1.0.a` < `1.0`), trailing zero segments are insignificant, and a
//! number outranks a string in the same position. Strings that
//! `Gem::Version.correct?` rejects sort before all valid versions and
//! among themselves bytewise.

use std::cmp::Ordering;

use super::num::cmp_digits;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Digits without leading zeros ("" is 0).
    Num(String),
    Str(String),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Segment::Num(d) if d.is_empty())
    }

    fn cmp(&self, other: &Segment) -> Ordering {
        match (self, other) {
            (Segment::Num(a), Segment::Num(b)) => cmp_digits(a, b),
            (Segment::Str(a), Segment::Str(b)) => a.cmp(b),
            (Segment::Str(_), Segment::Num(_)) => Ordering::Less,
            (Segment::Num(_), Segment::Str(_)) => Ordering::Greater,
        }
    }
}

fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// `correct?`: `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`
/// padded with whitespace, or blank (which means "0").
pub fn is_valid(v: &str) -> bool {
    let v = v.trim_matches(is_ruby_space);
    if v.is_empty() {
        return true;
    }
    let (main, pre) = match v.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (v, None),
    };
    let mut parts = main.split('.');
    let head_ok = parts
        .next()
        .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    let pre_ok = pre.is_none_or(|p| {
        p.split('.')
            .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    });
    head_ok && rest_ok && pre_ok
}

/// The segments of a valid version, before trailing-zero trimming.
pub fn segments(v: &str) -> Vec<Segment> {
    let v = v.trim_matches(is_ruby_space).replace('-', ".pre.");
    let b = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let digit = b[i].is_ascii_digit();
        let n = b[i..]
            .iter()
            .take_while(|c| {
                if digit {
                    c.is_ascii_digit()
                } else {
                    c.is_ascii_alphabetic()
                }
            })
            .count();
        if n == 0 {
            i += 1;
            continue;
        }
        let run = v.get(i..i + n).unwrap_or("");
        out.push(if digit {
            Segment::Num(run.trim_start_matches('0').to_string())
        } else {
            Segment::Str(run.to_string())
        });
        i += n;
    }
    out
}

/// `canonical_segments`: trailing zeros dropped from the numeric part and
/// from the part starting at the first string segment.
fn canonical(v: &str) -> Vec<Segment> {
    let segs = segments(v);
    let split = segs
        .iter()
        .position(|s| matches!(s, Segment::Str(_)))
        .unwrap_or(segs.len());
    let (nums, strs) = segs.split_at(split);
    let trim = |s: &[Segment]| s.len() - s.iter().rev().take_while(|x| x.is_zero()).count();
    let mut out = nums[..trim(nums)].to_vec();
    out.extend_from_slice(&strs[..trim(strs)]);
    out
}

/// True when the version has a letter in it.
pub fn is_prerelease(v: &str) -> bool {
    v.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Total order over all strings (invalid ones first, see the module docs).
pub fn compare(a: &str, b: &str) -> Ordering {
    match (is_valid(a), is_valid(b)) {
        (true, true) => cmp_valid(a, b),
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.cmp(b),
    }
}

fn cmp_valid(a: &str, b: &str) -> Ordering {
    let (ca, cb) = (canonical(a), canonical(b));
    let zero = Segment::Num(String::new());
    for i in 0..ca.len().max(cb.len()) {
        let ord = ca.get(i).unwrap_or(&zero).cmp(cb.get(i).unwrap_or(&zero));
        if ord.is_ne() {
            return ord;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
#[path = "rubygems/tests.rs"]
mod tests;
