//! String matching for Sigma values: exact, prefix, suffix, contains and
//! general wildcards, case-insensitive unless the rule says `cased`.
//!
//! Patterns are lowered once at compile time. Haystacks are compared with ASCII
//! case folding in place (no allocation on the hot path); a pattern with
//! non-ASCII letters lowers the haystack with full Unicode rules instead.

use memchr::memmem;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GlobToken {
    Literal(String),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    One,
}

#[derive(Debug, Clone)]
pub(crate) enum StrShape {
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    Glob(Vec<GlobToken>),
}

#[derive(Debug, Clone)]
pub(crate) struct StrMatcher {
    shape: StrShape,
    cased: bool,
    /// Pattern is ASCII: fold case byte by byte.
    ascii: bool,
    finder: Option<Box<memmem::Finder<'static>>>,
}

impl StrMatcher {
    /// Builds a matcher from wildcard tokens (already unescaped).
    pub(crate) fn new(tokens: Vec<GlobToken>, cased: bool) -> Self {
        let tokens = normalize(tokens, cased);
        let ascii = tokens.iter().all(|t| match t {
            GlobToken::Literal(s) => s.is_ascii(),
            _ => true,
        });
        let shape = shape_of(tokens);
        let finder = match &shape {
            StrShape::Contains(needle) if cased || !has_ascii_letters(needle) => Some(Box::new(
                memmem::Finder::new(needle.as_bytes()).into_owned(),
            )),
            _ => None,
        };
        StrMatcher {
            shape,
            cased,
            ascii,
            finder,
        }
    }

    pub(crate) fn shape(&self) -> &StrShape {
        &self.shape
    }

    pub(crate) fn matches(&self, hay: &str) -> bool {
        if self.cased || self.ascii {
            self.matches_folded(hay, !self.cased)
        } else {
            self.matches_folded(&hay.to_lowercase(), false)
        }
    }

    fn matches_folded(&self, hay: &str, fold: bool) -> bool {
        let h = hay.as_bytes();
        let eq = |a: &[u8], b: &[u8]| {
            if fold {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        match &self.shape {
            StrShape::Exact(p) => h.len() == p.len() && eq(h, p.as_bytes()),
            StrShape::Prefix(p) => h.len() >= p.len() && eq(&h[..p.len()], p.as_bytes()),
            StrShape::Suffix(p) => h.len() >= p.len() && eq(&h[h.len() - p.len()..], p.as_bytes()),
            StrShape::Contains(p) => match &self.finder {
                Some(finder) => finder.find(h).is_some(),
                None => contains_folded(h, p.as_bytes()),
            },
            StrShape::Glob(tokens) => glob_match(tokens, h, fold),
        }
    }
}

fn has_ascii_letters(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Lowers literals (unless cased) and merges adjacent literals and stars.
fn normalize(tokens: Vec<GlobToken>, cased: bool) -> Vec<GlobToken> {
    let mut out: Vec<GlobToken> = Vec::with_capacity(tokens.len());
    for token in tokens {
        match (out.last_mut(), token) {
            (_, GlobToken::Literal(s)) if s.is_empty() => {}
            (Some(GlobToken::Star), GlobToken::Star) => {}
            (Some(GlobToken::Literal(prev)), GlobToken::Literal(s)) => {
                prev.push_str(&if cased { s } else { s.to_lowercase() })
            }
            (_, GlobToken::Literal(s)) => {
                out.push(GlobToken::Literal(if cased { s } else { s.to_lowercase() }))
            }
            (_, other) => out.push(other),
        }
    }
    out
}

fn shape_of(tokens: Vec<GlobToken>) -> StrShape {
    use GlobToken::{Literal, Star};
    match tokens.as_slice() {
        [] => StrShape::Exact(String::new()),
        [Literal(s)] => StrShape::Exact(s.clone()),
        [Literal(s), Star] => StrShape::Prefix(s.clone()),
        [Star, Literal(s)] => StrShape::Suffix(s.clone()),
        [Star, Literal(s), Star] => StrShape::Contains(s.clone()),
        [Star] => StrShape::Prefix(String::new()),
        _ => StrShape::Glob(tokens),
    }
}

fn contains_folded(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    let last_start = hay.len() - needle.len();
    let upper = first.to_ascii_uppercase();
    let lower = first.to_ascii_lowercase();
    let mut from = 0;
    while from <= last_start {
        let Some(offset) = memchr::memchr2(lower, upper, &hay[from..=last_start]) else {
            return false;
        };
        let at = from + offset;
        if hay[at + 1..at + needle.len()].eq_ignore_ascii_case(rest) {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Wildcard match with single-star backtracking: linear in practice, never
/// exponential (each star restarts from the last star only).
fn glob_match(tokens: &[GlobToken], hay: &[u8], fold: bool) -> bool {
    let mut t = 0;
    let mut h = 0;
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        if t == tokens.len() && h == hay.len() {
            return true;
        }
        let step = match tokens.get(t) {
            Some(GlobToken::Star) => {
                backtrack = Some((t, h));
                t += 1;
                continue;
            }
            Some(GlobToken::One) if h < hay.len() => Some(utf8_len(hay[h])),
            Some(GlobToken::Literal(lit)) => {
                let lit = lit.as_bytes();
                let fits = hay.len() - h >= lit.len() && {
                    let window = &hay[h..h + lit.len()];
                    if fold {
                        window.eq_ignore_ascii_case(lit)
                    } else {
                        window == lit
                    }
                };
                fits.then_some(lit.len())
            }
            _ => None,
        };
        match step {
            Some(len) => {
                h = (h + len).min(hay.len());
                t += 1;
            }
            None => match backtrack {
                Some((star, at)) if at < hay.len() => {
                    let next = at + utf8_len(hay[at]);
                    backtrack = Some((star, next));
                    t = star + 1;
                    h = next.min(hay.len());
                }
                _ => return false,
            },
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::GlobToken::{Literal, One, Star};
    use super::*;
    use proptest::prelude::*;

    fn lit(s: &str) -> GlobToken {
        Literal(s.to_string())
    }

    #[test]
    fn shapes_match_case_insensitively_by_default() {
        assert!(StrMatcher::new(vec![lit("CreateUser")], false).matches("createuser"));
        assert!(!StrMatcher::new(vec![lit("CreateUser")], true).matches("createuser"));
        assert!(StrMatcher::new(vec![lit("Get"), Star], false).matches("getObject"));
        assert!(
            StrMatcher::new(vec![Star, lit(".AMAZONAWS.com")], false).matches("iam.amazonaws.com")
        );
        assert!(StrMatcher::new(vec![Star, lit("Admin"), Star], false)
            .matches("arn:aws:iam::aws:policy/AdministratorAccess"));
        assert!(!StrMatcher::new(vec![Star, lit("Admin"), Star], false)
            .matches("arn:aws:iam::aws:policy/ReadOnly"));
        assert!(StrMatcher::new(vec![Star, lit("ÄRGER"), Star], false).matches("viel ärger hier"));
    }

    #[test]
    fn globs_with_questions_and_inner_stars() {
        let m = StrMatcher::new(vec![lit("prog"), One, lit(".exe")], false);
        assert!(m.matches("progA.exe") && !m.matches("progAB.exe") && m.matches("progé.exe"));
        let m = StrMatcher::new(vec![lit("a"), Star, lit("b"), Star, lit("c")], false);
        assert!(m.matches("axxbyyc") && m.matches("abc") && !m.matches("acb"));
    }

    fn naive(tokens: &[GlobToken], hay: &str) -> bool {
        let chars: Vec<char> = hay.chars().collect();
        fn go(t: &[GlobToken], h: &[char]) -> bool {
            match t.split_first() {
                None => h.is_empty(),
                Some((Star, rest)) => (0..=h.len()).any(|i| go(rest, &h[i..])),
                Some((One, rest)) => !h.is_empty() && go(rest, &h[1..]),
                Some((Literal(l), rest)) => {
                    let l: Vec<char> = l.chars().collect();
                    h.len() >= l.len()
                        && h[..l.len()]
                            .iter()
                            .zip(&l)
                            .all(|(a, b)| a.eq_ignore_ascii_case(b))
                        && go(rest, &h[l.len()..])
                }
            }
        }
        go(tokens, &chars)
    }

    fn token() -> impl Strategy<Value = GlobToken> {
        prop_oneof![Just(Star), Just(One), "[abAB]{1,3}".prop_map(Literal)]
    }

    proptest! {
        #[test]
        fn agrees_with_naive_reference(tokens in proptest::collection::vec(token(), 0..6), hay in "[abAB]{0,10}") {
            let m = StrMatcher::new(tokens.clone(), false);
            prop_assert_eq!(m.matches(&hay), naive(&tokens, &hay));
        }
    }
}
