//! npm version ranges, matched the way node-semver 7 does with default
//! options (not loose, no `includePrerelease`).
//!
//! Supported: `||`, space-separated comparator sets, `<` `<=` `>` `>=` `=`,
//! x-ranges (`1.x`, `1.2.*`, `*`, empty), tilde (`~1.2.3`, `~>1.2`), caret
//! (with the 0.x rules), hyphen ranges (`1.2 - 2`), and the pre-release
//! rule: a pre-release version only matches a comparator set in which some
//! comparator has a pre-release on the same `major.minor.patch`.
//!
//! Also accepted, unlike node: GitHub-advisory lists separated by commas
//! (`>= 1.0.0, < 1.2.3`), read as an AND. Known divergence: node compares
//! pre-release numbers above 2^53 as lossy floats; here they are exact.

mod rewrite;

use std::cmp::Ordering;
use std::fmt;

use super::num::cmp_digits;
use super::semver::{parse_with, Rules, Version};

/// node-semver's `MAX_SAFE_INTEGER` bound on major/minor/patch.
const MAX_SAFE: &str = "9007199254740991";
/// node-semver's `MAX_LENGTH` for a version string (UTF-16 units).
const MAX_LENGTH: usize = 256;

const NODE_RULES: Rules = Rules {
    prefix: false,
    short: false,
    short_plain_only: false,
    leading_zeros: false,
};

/// A range string node-semver would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeError {
    /// The comparator text that failed to parse.
    pub comparator: String,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid comparator in npm range: {:?}", self.comparator)
    }
}

impl std::error::Error for RangeError {}

/// JavaScript's `\s` (and `String.prototype.trim`) character set.
pub(crate) fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// Adds one to a digit string without overflow.
pub(crate) fn add_one(digits: &str) -> String {
    let mut out: Vec<u8> = digits.bytes().collect();
    for b in out.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return String::from_utf8(out).unwrap_or_default();
        }
    }
    let mut s = String::from("1");
    s.push_str(std::str::from_utf8(&out).unwrap_or(""));
    s
}

/// Parses a version as node-semver's `new SemVer(v)` does: surrounding
/// whitespace and one leading `v` allowed, strict SemVer otherwise, at most
/// 256 characters and components no larger than 2^53 - 1.
pub fn parse_version(v: &str) -> Option<Version> {
    if v.encode_utf16().count() > MAX_LENGTH {
        return None;
    }
    let t = v.trim_matches(js_space);
    parse_plain(t.strip_prefix('v').unwrap_or(t))
}

fn parse_plain(s: &str) -> Option<Version> {
    let p = parse_with(s, NODE_RULES)?;
    let safe = |d: &str| cmp_digits(d, MAX_SAFE) != Ordering::Greater;
    (safe(&p.major) && safe(&p.minor) && safe(&p.patch)).then_some(p)
}

pub fn is_valid(v: &str) -> bool {
    parse_version(v).is_some()
}

/// node-semver's `compare` on valid versions; strings it rejects sort
/// before all valid ones and among themselves bytewise.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (pa, pb) = (parse_version(a), parse_version(b));
    super::semver::cmp_parsed((a, pa.as_ref()), (b, pb.as_ref()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

/// One comparator; `None` is node's ANY (matches every version, but does
/// not admit pre-releases).
#[derive(Debug, Clone)]
struct Comparator(Option<(Op, Version)>);

impl Comparator {
    fn parse(token: &str) -> Result<Comparator, RangeError> {
        if token.is_empty() {
            return Ok(Comparator(None));
        }
        let err = || RangeError {
            comparator: token.to_string(),
        };
        let (op, rest) = rewrite::split_op(token);
        let op = match op {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => Op::Eq,
        };
        let plain = rest.strip_prefix(js_space).unwrap_or(rest);
        if plain.encode_utf16().count() > MAX_LENGTH {
            return Err(err());
        }
        let v = parse_plain(plain.strip_prefix('v').unwrap_or(plain)).ok_or_else(err)?;
        Ok(Comparator(Some((op, v))))
    }

    fn test(&self, v: &Version) -> bool {
        let Some((op, c)) = &self.0 else { return true };
        let ord = v.precedence(c);
        match op {
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
            Op::Gt => ord == Ordering::Greater,
            Op::Ge => ord != Ordering::Less,
            Op::Eq => ord == Ordering::Equal,
        }
    }
}

/// A parsed range: alternatives (`||`) of comparator sets (AND).
#[derive(Debug, Clone)]
pub struct Range {
    sets: Vec<Vec<Comparator>>,
}

impl Range {
    pub fn parse(range: &str) -> Result<Range, RangeError> {
        // GitHub advisories write `>= 1.0.0, < 1.2.3`; node has no commas.
        let range = range.replace(',', " ");
        let collapsed = range
            .split(js_space)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let sets = collapsed
            .split("||")
            .map(|alt| parse_set(alt.trim_matches(js_space)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Range { sets })
    }

    /// Whether `version` (node-parsed; invalid versions never match) is in
    /// the range.
    pub fn test(&self, version: &str) -> bool {
        parse_version(version).is_some_and(|v| self.sets.iter().any(|set| test_set(set, &v)))
    }
}

fn test_set(set: &[Comparator], v: &Version) -> bool {
    if !set.iter().all(|c| c.test(v)) {
        return false;
    }
    if !v.is_prerelease() {
        return true;
    }
    set.iter().any(|c| match &c.0 {
        Some((_, a)) => {
            a.is_prerelease()
                && cmp_digits(&a.major, &v.major).is_eq()
                && cmp_digits(&a.minor, &v.minor).is_eq()
                && cmp_digits(&a.patch, &v.patch).is_eq()
        }
        None => false,
    })
}

/// Desugars one `||` alternative into comparators, following node's
/// pipeline step by step.
fn parse_set(alt: &str) -> Result<Vec<Comparator>, RangeError> {
    let s = strip_builds(alt);
    let s = rewrite::hyphen(&s).unwrap_or(s);
    let s = trim_after_ops(&s);
    let s = s.replace("~> ", "~").replace("~ ", "~").replace("^ ", "^");
    let mut out = Vec::new();
    for comp in s.split(' ') {
        let carets: Vec<String> = comp.split(js_space).map(rewrite::caret).collect();
        let tildes: Vec<String> = carets
            .join(" ")
            .split(js_space)
            .map(rewrite::tilde)
            .collect();
        let xranges: Vec<String> = tildes
            .join(" ")
            .split(js_space)
            .map(rewrite::xrange)
            .collect();
        let starred = strip_star(xranges.join(" ").trim_matches(js_space));
        for token in starred
            .split(js_space)
            .filter(|t| !t.is_empty() && *t != ">=0.0.0")
        {
            out.push(Comparator::parse(token)?);
        }
    }
    Ok(out)
}

/// Removes every `+build` suffix, as node does before anything else.
fn strip_builds(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let n = rewrite::build_len(&b[i..]);
        if n > 0 {
            i += n;
            continue;
        }
        let ch_len = s[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&s[i..i + ch_len]);
        i += ch_len;
    }
    out
}

/// Node's `COMPARATORTRIM`: `>= 1.2.3` becomes `>=1.2.3`. Mirrors the
/// global regex scan: at each position an optional space, then an
/// operator (preferred), else a plain version with its `[v=\s]*` prefix.
fn trim_after_ops(s: &str) -> String {
    let b = s.as_bytes();
    // Index where the version number of a plain match at `i` starts.
    let plain_at = |i: usize| {
        rewrite::xplain(&s[i..])
            .map(|x| i + x.text.len() - x.text.trim_start_matches(['v', '=', ' ']).len())
    };
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let j = i + usize::from(b[i] == b' ');
        if matches!(b.get(j), Some(b'<' | b'>' | b'=')) {
            let (op, _) = rewrite::split_op(&s[j..]);
            let e = j + op.len();
            let spaced = if b.get(e) == Some(&b' ') {
                plain_at(e + 1)
            } else {
                None
            };
            if let Some(k) = spaced {
                out.push_str(&s[i..e]);
                out.push_str(&s[e + 1..k]);
                i = k;
                continue;
            }
            if let Some(k) = plain_at(e) {
                out.push_str(&s[i..k]);
                i = k;
                continue;
            }
        } else if let Some(k) = plain_at(i).filter(|&k| k > i) {
            out.push_str(&s[i..k]);
            i = k;
            continue;
        }
        let ch_len = s[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&s[i..i + ch_len]);
        i += ch_len;
    }
    out
}

/// Node's `replaceStars`: drops the first `[<>]?=?\s?*`.
fn strip_star(s: &str) -> String {
    let Some(star) = s.find('*') else {
        return s.to_string();
    };
    let b = s.as_bytes();
    let mut start = star;
    if start > 0 && b[start - 1] == b' ' {
        start -= 1;
    }
    if start > 0 && b[start - 1] == b'=' {
        start -= 1;
    }
    if start > 0 && matches!(b[start - 1], b'<' | b'>') {
        start -= 1;
    }
    format!("{}{}", &s[..start], &s[star + 1..])
}

/// Whether `version` satisfies the npm `range`. An invalid range is an
/// error; an invalid version satisfies nothing (as in node-semver).
pub fn satisfies(version: &str, range: &str) -> Result<bool, RangeError> {
    Ok(Range::parse(range)?.test(version))
}

#[cfg(test)]
#[path = "npm/tests.rs"]
mod tests;
