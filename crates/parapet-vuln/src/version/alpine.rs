//! Alpine (apk-tools) package versions:
//! `digits{.digits}[letter]{_suffix[N]}[-rN]`.
//!
//! Mirrors apk's token walk, so strings apk calls invalid still get apk's
//! order up to the point where they go wrong; past that point two invalid
//! strings that apk would call equal are ordered bytewise, keeping the
//! order total and deterministic.

use std::cmp::Ordering;

use super::num::{cmp_digits, digit_run};

/// Token kinds in apk's order of appearance; the discriminant order is the
/// one apk uses to reject out-of-sequence tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Invalid,
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    RevisionNo,
    End,
}

const PRE_SUFFIXES: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST_SUFFIXES: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

/// A token's value; only values of the same token kind are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Val<'a> {
    /// A dotted component starting with `k` zeros counts as `-k`.
    Zeros(usize),
    Num(&'a str),
    Letter(u8),
    /// Pre-release suffixes are negative, post-release ones non-negative;
    /// an unknown suffix reads as -1 like apk's error return.
    Suffix(i8),
}

impl Val<'_> {
    fn cmp(&self, other: &Val<'_>) -> Ordering {
        match (self, other) {
            (Val::Zeros(a), Val::Zeros(b)) => b.cmp(a),
            (Val::Zeros(_), _) => Ordering::Less,
            (_, Val::Zeros(_)) => Ordering::Greater,
            (Val::Num(a), Val::Num(b)) => cmp_digits(a, b),
            (Val::Letter(a), Val::Letter(b)) => a.cmp(b),
            (Val::Suffix(a), Val::Suffix(b)) => a.cmp(b),
            // Unreachable for equal kinds; any fixed answer keeps totality.
            (a, b) => a.tag().cmp(&b.tag()),
        }
    }

    fn tag(&self) -> u8 {
        match self {
            Val::Zeros(_) => 0,
            Val::Num(_) => 1,
            Val::Letter(_) => 2,
            Val::Suffix(_) => 3,
        }
    }
}

/// Decides the kind of the next token and consumes its separator.
fn next_kind(prev: Kind, s: &mut &[u8]) -> Kind {
    let Some(&c) = s.first() else {
        return Kind::End;
    };
    let n = if c == 0 {
        Kind::End
    } else if matches!(prev, Kind::Digit | Kind::DigitOrZero) && c.is_ascii_lowercase() {
        Kind::Letter
    } else if prev == Kind::Letter && c.is_ascii_digit() {
        Kind::Digit
    } else if prev == Kind::Suffix && c.is_ascii_digit() {
        Kind::SuffixNo
    } else {
        let k = match c {
            b'.' => Kind::DigitOrZero,
            b'_' => Kind::Suffix,
            b'-' if s.get(1) == Some(&b'r') => {
                *s = &s[1..];
                Kind::RevisionNo
            }
            _ => Kind::Invalid,
        };
        *s = &s[1..];
        k
    };
    let allowed_backstep = matches!(
        (n, prev),
        (Kind::DigitOrZero, Kind::Digit)
            | (Kind::Suffix, Kind::SuffixNo)
            | (Kind::Digit, Kind::Letter)
    );
    if n < prev && !allowed_backstep {
        Kind::Invalid
    } else {
        n
    }
}

/// Reads the value of a token of kind `*kind`, then advances `*kind` to the
/// following token's kind.
fn read_token<'a>(kind: &mut Kind, s: &mut &'a [u8]) -> Val<'a> {
    if s.is_empty() {
        *kind = Kind::End;
        return Val::Num("");
    }
    let mut forced = None;
    let (val, used) = match *kind {
        Kind::DigitOrZero if s[0] == b'0' => {
            let zeros = s.iter().take_while(|&&b| b == b'0').count();
            forced = Some(Kind::Digit);
            (Val::Zeros(zeros), zeros)
        }
        Kind::DigitOrZero | Kind::Digit | Kind::SuffixNo | Kind::RevisionNo => {
            let n = digit_run(s);
            (Val::Num(std::str::from_utf8(&s[..n]).unwrap_or("")), n)
        }
        Kind::Letter => (Val::Letter(s[0]), 1),
        Kind::Suffix => match suffix(s) {
            Some(found) => found,
            None => {
                *kind = Kind::Invalid;
                return Val::Suffix(-1);
            }
        },
        Kind::Invalid | Kind::End => {
            *kind = Kind::Invalid;
            return Val::Suffix(-1);
        }
    };
    *s = &s[used..];
    *kind = match forced {
        _ if s.is_empty() => Kind::End,
        Some(k) => k,
        None => next_kind(*kind, s),
    };
    val
}

fn suffix(s: &[u8]) -> Option<(Val<'static>, usize)> {
    let pre = PRE_SUFFIXES.iter().zip(-4i8..);
    let post = POST_SUFFIXES.iter().zip(0i8..);
    pre.chain(post)
        .find(|(name, _)| s.starts_with(name.as_bytes()))
        .map(|(name, v)| (Val::Suffix(v), name.len()))
}

/// Position of a token kind when two versions part ways: a pre-release
/// suffix sorts lowest, then the end of the string, then tokens that extend
/// the version further up the hierarchy, and apk's invalid token highest.
fn rank(kind: Kind, val: Val<'_>) -> u8 {
    match kind {
        Kind::Suffix if matches!(val, Val::Suffix(v) if v < 0) => 0,
        Kind::End => 1,
        Kind::RevisionNo => 2,
        Kind::SuffixNo => 3,
        Kind::Suffix => 4,
        Kind::Letter => 5,
        Kind::Digit => 6,
        Kind::DigitOrZero => 7,
        Kind::Invalid => 8,
    }
}

/// apk's comparison; `Equal` with both strings invalid means "tie".
fn apk_cmp(a: &str, b: &str) -> (Ordering, bool) {
    let (mut sa, mut sb) = (a.as_bytes(), b.as_bytes());
    let (mut ka, mut kb) = (Kind::Digit, Kind::Digit);
    loop {
        let va = read_token(&mut ka, &mut sa);
        let vb = read_token(&mut kb, &mut sb);
        let ord = va.cmp(&vb);
        if ord != Ordering::Equal {
            return (ord, false);
        }
        if ka != kb {
            // Peek the next value so a pre-release suffix can rank lowest.
            let pa = peek(ka, sa);
            let pb = peek(kb, sb);
            return (rank(ka, pa).cmp(&rank(kb, pb)), false);
        }
        if ka == Kind::End || ka == Kind::Invalid {
            return (Ordering::Equal, ka == Kind::Invalid);
        }
    }
}

fn peek<'a>(kind: Kind, s: &'a [u8]) -> Val<'a> {
    let (mut k, mut s) = (kind, s);
    if kind == Kind::Suffix {
        read_token(&mut k, &mut s)
    } else {
        Val::Num("")
    }
}

/// True when apk accepts the version string.
pub fn is_valid(v: &str) -> bool {
    let (mut s, mut k) = (v.as_bytes(), Kind::Digit);
    while k != Kind::End && k != Kind::Invalid {
        read_token(&mut k, &mut s);
    }
    k == Kind::End
}

/// Total order over all strings; equals apk's order on valid versions.
pub fn compare(a: &str, b: &str) -> Ordering {
    match apk_cmp(a, b) {
        (Ordering::Equal, true) => a.cmp(b),
        (ord, _) => ord,
    }
}

#[cfg(test)]
#[path = "alpine/tests.rs"]
mod tests;
