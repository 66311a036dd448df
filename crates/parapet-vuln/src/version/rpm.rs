//! RPM versions: `[epoch:]version[-release]` (EVR) ordered with modern
//! rpm's `rpmvercmp`, including `~` (sorts before anything, even the end)
//! and `^` (sorts after the end, before any further segment).

use std::cmp::Ordering;

use super::num::cmp_digits;

/// An EVR split into fields, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evr<'a> {
    /// Epoch digits; empty means 0.
    pub epoch: &'a str,
    pub version: &'a str,
    /// Empty when the string has no `-`.
    pub release: &'a str,
}

/// Splits an EVR the way rpm's `parseEVR` does: leading digits followed by
/// `:` are the epoch, the release follows the last `-`.
pub fn parse(evr: &str) -> Evr<'_> {
    let digits = evr.bytes().take_while(u8::is_ascii_digit).count();
    let (epoch, rest) = match evr.as_bytes().get(digits) {
        Some(b':') => (&evr[..digits], &evr[digits + 1..]),
        _ => ("", evr),
    };
    let (version, release) = rest.rsplit_once('-').unwrap_or((rest, ""));
    Evr {
        epoch,
        version,
        release,
    }
}

/// Total order over all strings.
///
/// rpm itself skips the release when only one side has one (a dependency
/// wildcard). That is not transitive, so here a missing release is an empty
/// one: `1.0` < `1.0-1`.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (parse(a), parse(b));
    cmp_digits(a.epoch, b.epoch)
        .then_with(|| rpmvercmp(a.version, b.version))
        .then_with(|| rpmvercmp(a.release, b.release))
}

/// One element of a version after separators are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seg<'a> {
    Tilde,
    /// End of string: padding for the shorter side.
    End,
    Caret,
    Alpha(&'a str),
    Num(&'a str),
}

impl Seg<'_> {
    fn rank(&self) -> u8 {
        match self {
            Seg::Tilde => 0,
            Seg::End => 1,
            Seg::Caret => 2,
            Seg::Alpha(_) => 3,
            Seg::Num(_) => 4,
        }
    }

    fn cmp(&self, other: &Seg<'_>) -> Ordering {
        match (self, other) {
            (Seg::Alpha(a), Seg::Alpha(b)) => a.cmp(b),
            (Seg::Num(a), Seg::Num(b)) => cmp_digits(a, b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// Yields the segments of `s`; bytes other than ASCII alphanumerics, `~`
/// and `^` only separate segments.
fn next_seg<'a>(s: &mut &'a str) -> Seg<'a> {
    let skip = s
        .bytes()
        .take_while(|b| !b.is_ascii_alphanumeric() && *b != b'~' && *b != b'^')
        .count();
    *s = &s[skip..];
    let Some(&first) = s.as_bytes().first() else {
        return Seg::End;
    };
    let take = |s: &mut &'a str, n: usize| {
        let (head, tail) = s.split_at(n);
        *s = tail;
        head
    };
    match first {
        b'~' => {
            take(s, 1);
            Seg::Tilde
        }
        b'^' => {
            take(s, 1);
            Seg::Caret
        }
        b if b.is_ascii_digit() => {
            let n = s.bytes().take_while(u8::is_ascii_digit).count();
            Seg::Num(take(s, n))
        }
        _ => {
            let n = s.bytes().take_while(u8::is_ascii_alphabetic).count();
            Seg::Alpha(take(s, n))
        }
    }
}

/// rpm's segment comparison of one version or release field.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let (sa, sb) = (next_seg(&mut a), next_seg(&mut b));
        if sa == Seg::End && sb == Seg::End {
            return Ordering::Equal;
        }
        let ord = sa.cmp(&sb);
        if ord != Ordering::Equal {
            return ord;
        }
    }
}

#[cfg(test)]
#[path = "rpm/tests.rs"]
mod tests;
