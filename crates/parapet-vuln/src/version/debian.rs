//! Debian package versions, ordered as `dpkg --compare-versions` orders them.
//!
//! Format: `[epoch:]upstream[-revision]`. The epoch is numeric (0 when
//! absent), the revision starts after the LAST hyphen. Upstream and revision
//! are compared by alternating non-digit and digit runs.

use std::cmp::Ordering;

use super::num::{cmp_digits, digit_run};

/// A version split into its three fields; borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version<'a> {
    /// Epoch digits; empty means 0.
    pub epoch: &'a str,
    pub upstream: &'a str,
    pub revision: &'a str,
}

/// Splits a version into its fields. Never fails: a prefix before `:` that
/// is not all digits is not an epoch (dpkg would reject the string; here it
/// stays part of the upstream version so the order remains total).
pub fn parse(v: &str) -> Version<'_> {
    // dpkg trims surrounding whitespace before parsing.
    let v = v.trim_matches(is_c_space);
    let (epoch, rest) = match v.split_once(':') {
        Some((e, rest)) if e.bytes().all(|b| b.is_ascii_digit()) && !e.is_empty() => (e, rest),
        _ => ("", v),
    };
    let (upstream, revision) = rest.rsplit_once('-').unwrap_or((rest, ""));
    Version {
        epoch,
        upstream,
        revision,
    }
}

/// True when dpkg would accept the version without error or warning.
pub fn is_valid(v: &str) -> bool {
    let trimmed = v.trim_matches(is_c_space);
    if trimmed.is_empty() || trimmed.contains(is_c_space) {
        return false;
    }
    if let Some((e, _)) = trimmed.split_once(':') {
        if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    let p = parse(trimmed);
    if trimmed.contains('-') && p.revision.is_empty() {
        return false;
    }
    let up_ok = p
        .upstream
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_digit)
        && p.upstream
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".+~-:".contains(&b));
    let rev_ok = p
        .revision
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b".+~".contains(&b));
    up_ok && rev_ok
}

/// C's `isspace` in the C locale, which dpkg uses for trimming.
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Total order over all strings; equals dpkg's order on valid versions.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (parse(a), parse(b));
    cmp_digits(a.epoch, b.epoch)
        .then_with(|| verrevcmp(a.upstream, b.upstream))
        .then_with(|| verrevcmp(a.revision, b.revision))
}

/// Weight of one byte in a non-digit run. `~` sorts before the end of the
/// run, letters before everything else; bytes >= 0x80 land between letters
/// and ASCII punctuation because dpkg reads them as signed chars.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) if c >= 0x80 => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// Compares one upstream or revision field, dpkg style.
pub fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    while !a.is_empty() || !b.is_empty() {
        let na = a.iter().take_while(|c| !c.is_ascii_digit()).count();
        let nb = b.iter().take_while(|c| !c.is_ascii_digit()).count();
        for i in 0..na.max(nb) {
            let ca = if i < na { a.get(i).copied() } else { None };
            let cb = if i < nb { b.get(i).copied() } else { None };
            let ord = order(ca).cmp(&order(cb));
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a = &a[na..];
        b = &b[nb..];
        let (da, db) = (digit_run(a), digit_run(b));
        // The digit runs are valid UTF-8 since they are pure ASCII.
        let sa = std::str::from_utf8(&a[..da]).unwrap_or("");
        let sb = std::str::from_utf8(&b[..db]).unwrap_or("");
        let ord = cmp_digits(sa, sb);
        if ord != Ordering::Equal {
            return ord;
        }
        a = &a[da..];
        b = &b[db..];
    }
    Ordering::Equal
}

#[cfg(test)]
#[path = "debian/tests.rs"]
mod tests;
