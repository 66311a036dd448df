//! PEP 440 (Python) versions, ordered as `packaging.version.Version`.
//!
//! Accepts every spelling PEP 440 normalizes: any case, `-`/`_`/`.`
//! separators, `alpha`/`beta`/`c`/`pre`/`preview`, `rev`/`r`, implicit
//! post releases (`1.0-1`), a leading `v`, surrounding whitespace.
//!
//! Strings that are not PEP 440 versions sort BEFORE every valid version
//! (as legacy versions did in `packaging` < 22) and among themselves
//! bytewise.

use std::cmp::Ordering;

use super::num::{cmp_digits, digit_run};

/// Pre-release phase; the derived order is the spec's a < b < rc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    Alpha,
    Beta,
    Rc,
}

/// One local-version segment (`+ubuntu.1` has two).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Local {
    Num(String),
    /// Lowercased.
    Str(String),
}

/// A parsed version; numbers are digit strings so they cannot overflow.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    pub epoch: String,
    pub release: Vec<String>,
    pub pre: Option<(Phase, String)>,
    pub post: Option<String>,
    pub dev: Option<String>,
    pub local: Vec<Local>,
}

/// Python's `str.isspace` for the characters a version may be padded with.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// A cursor over the lowercased input.
struct Cur<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cur<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.i += usize::from(hit);
        hit
    }

    fn eat_sep(&mut self) -> bool {
        matches!(self.peek(), Some(b'-' | b'_' | b'.')) && {
            self.i += 1;
            true
        }
    }

    fn digits(&mut self) -> Option<&'a str> {
        let n = digit_run(&self.s[self.i..]);
        let out = std::str::from_utf8(&self.s[self.i..self.i + n]).ok();
        self.i += n;
        out.filter(|d| !d.is_empty())
    }

    /// Eats the first label (in the given order) the input starts with.
    fn label<T: Copy>(&mut self, labels: &[(&str, T)]) -> Option<T> {
        let rest = &self.s[self.i..];
        let (name, v) = labels
            .iter()
            .find(|(name, _)| rest.starts_with(name.as_bytes()))?;
        self.i += name.len();
        Some(*v)
    }

    /// `[-_.]? label [-_.]? digits?`, rewinding when the label is missing.
    fn tagged<T: Copy>(&mut self, labels: &[(&str, T)]) -> Option<(T, String)> {
        let start = self.i;
        self.eat_sep();
        let Some(v) = self.label(labels) else {
            self.i = start;
            return None;
        };
        self.eat_sep();
        let n = self.digits().unwrap_or("0");
        Some((v, n.to_string()))
    }
}

const PRE_LABELS: &[(&str, Phase)] = &[
    ("alpha", Phase::Alpha),
    ("a", Phase::Alpha),
    ("beta", Phase::Beta),
    ("b", Phase::Beta),
    ("preview", Phase::Rc),
    ("pre", Phase::Rc),
    ("c", Phase::Rc),
    ("rc", Phase::Rc),
];
const POST_LABELS: &[(&str, ())] = &[("post", ()), ("rev", ()), ("r", ())];
const DEV_LABELS: &[(&str, ())] = &[("dev", ())];

impl Version {
    /// Parses per the PEP 440 grammar (as `packaging` implements it).
    pub fn parse(s: &str) -> Option<Version> {
        let lower = s.trim_matches(is_py_space).to_ascii_lowercase();
        let mut c = Cur {
            s: lower.as_bytes(),
            i: 0,
        };
        c.eat(b'v');
        let mut epoch = "0".to_string();
        let first = c.digits()?;
        let mut release = vec![first.to_string()];
        if c.eat(b'!') {
            epoch = first.to_string();
            release = vec![c.digits()?.to_string()];
        }
        while c.peek() == Some(b'.') && c.s.get(c.i + 1).is_some_and(u8::is_ascii_digit) {
            c.i += 1;
            release.extend(c.digits().map(str::to_string));
        }
        let pre = c.tagged(PRE_LABELS);
        let post = Self::post(&mut c);
        let dev = c.tagged(DEV_LABELS).map(|(_, n)| n);
        let local = if c.eat(b'+') {
            Self::local(&mut c)?
        } else {
            Vec::new()
        };
        if c.i != c.s.len() {
            return None;
        }
        Some(Version {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    fn post(c: &mut Cur<'_>) -> Option<String> {
        let start = c.i;
        if c.eat(b'-') {
            if let Some(n) = c.digits() {
                return Some(n.to_string());
            }
            c.i = start;
        }
        c.tagged(POST_LABELS).map(|(_, n)| n)
    }

    fn local(c: &mut Cur<'_>) -> Option<Vec<Local>> {
        let mut out = Vec::new();
        loop {
            let n = c.s[c.i..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            let seg = std::str::from_utf8(&c.s[c.i..c.i + n])
                .ok()
                .filter(|s| !s.is_empty())?;
            c.i += n;
            out.push(if seg.bytes().all(|b| b.is_ascii_digit()) {
                Local::Num(seg.to_string())
            } else {
                Local::Str(seg.to_string())
            });
            if !c.eat_sep() {
                return Some(out);
            }
        }
    }

    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    /// The PEP 440 order (`packaging`'s `_cmpkey`).
    pub fn precedence(&self, other: &Version) -> Ordering {
        cmp_digits(&self.epoch, &other.epoch)
            .then_with(|| cmp_release(&self.release, &other.release))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            .then_with(|| cmp_opt(self.post.as_deref(), other.post.as_deref(), Ordering::Less))
            .then_with(|| cmp_opt(self.dev.as_deref(), other.dev.as_deref(), Ordering::Greater))
            .then_with(|| cmp_local(&self.local, &other.local))
    }

    /// A dev release of the final version sorts before its pre-releases:
    /// 1.0.dev0 < 1.0a1. (bucket, phase, number)
    fn pre_key(&self) -> (u8, Option<Phase>, PreNum<'_>) {
        match (&self.pre, &self.post, &self.dev) {
            (None, None, Some(_)) => (0, None, PreNum("")),
            (None, _, _) => (2, None, PreNum("")),
            (Some((phase, n)), _, _) => (1, Some(*phase), PreNum(n)),
        }
    }
}

/// Digit string ordered numerically.
#[derive(PartialEq, Eq)]
struct PreNum<'a>(&'a str);

impl PartialOrd for PreNum<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PreNum<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_digits(self.0, other.0)
    }
}

/// Release segments with trailing zeros dropped: 1.0 == 1.0.0.
fn cmp_release(a: &[String], b: &[String]) -> Ordering {
    let trim = |r: &[String]| {
        r.len()
            - r.iter()
                .rev()
                .take_while(|d| cmp_digits(d, "0").is_eq())
                .count()
    };
    let (a, b) = (&a[..trim(a)], &b[..trim(b)]);
    for (x, y) in a.iter().zip(b) {
        let ord = cmp_digits(x, y);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

/// Compares optional numbers; `absent` is how a missing value compares to
/// a present one.
fn cmp_opt(a: Option<&str>, b: Option<&str>, absent: Ordering) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => cmp_digits(x, y),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => absent,
        (Some(_), None) => absent.reverse(),
    }
}

/// No local version sorts first; segments compare strings below numbers.
fn cmp_local(a: &[Local], b: &[Local]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ord = match (x, y) {
            (Local::Num(p), Local::Num(q)) => cmp_digits(p, q),
            (Local::Str(p), Local::Str(q)) => p.cmp(q),
            (Local::Str(_), Local::Num(_)) => Ordering::Less,
            (Local::Num(_), Local::Str(_)) => Ordering::Greater,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

pub fn is_valid(v: &str) -> bool {
    Version::parse(v).is_some()
}

/// Total order over all strings (invalid ones first, see the module docs).
pub fn compare(a: &str, b: &str) -> Ordering {
    match (Version::parse(a), Version::parse(b)) {
        (Some(x), Some(y)) => x.precedence(&y),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.cmp(b),
    }
}

#[cfg(test)]
#[path = "pep440/tests.rs"]
mod tests;
