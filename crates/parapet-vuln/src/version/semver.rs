//! SemVer 2.0.0 precedence, with a lenient parser for real-world data.
//!
//! Lenient means: surrounding whitespace, one leading `=` and/or `v`,
//! missing minor/patch (read as 0) and leading zeros are accepted.
//! Strings that still do not parse sort before every valid version and
//! among themselves bytewise.

use std::cmp::Ordering;

use super::num::{cmp_digits, is_digits, strip_zeros};

/// One dot-separated pre-release identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identifier {
    /// All ASCII digits; compared by value.
    Numeric(String),
    /// Contains a letter or `-`; compared bytewise.
    AlphaNumeric(String),
}

impl Identifier {
    fn new(s: &str) -> Identifier {
        if is_digits(s) {
            Identifier::Numeric(s.to_string())
        } else {
            Identifier::AlphaNumeric(s.to_string())
        }
    }

    /// Numeric identifiers sort before alphanumeric ones.
    pub fn precedence(&self, other: &Identifier) -> Ordering {
        match (self, other) {
            (Identifier::Numeric(a), Identifier::Numeric(b)) => cmp_digits(a, b),
            (Identifier::Numeric(_), Identifier::AlphaNumeric(_)) => Ordering::Less,
            (Identifier::AlphaNumeric(_), Identifier::Numeric(_)) => Ordering::Greater,
            (Identifier::AlphaNumeric(a), Identifier::AlphaNumeric(b)) => a.cmp(b),
        }
    }
}

/// A parsed version. Numbers are kept as digit strings (without leading
/// zeros) so that arbitrarily large components neither overflow nor panic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    pub major: String,
    pub minor: String,
    pub patch: String,
    pub pre: Vec<Identifier>,
    pub build: Vec<String>,
}

/// Which deviations from strict SemVer a parser accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    /// One leading `=` and/or `v`/`V`, and surrounding whitespace.
    pub prefix: bool,
    /// `1` and `1.2`; with `short_plain_only`, only when no pre/build follows.
    pub short: bool,
    pub short_plain_only: bool,
    pub leading_zeros: bool,
}

const LENIENT: Rules = Rules {
    prefix: true,
    short: true,
    short_plain_only: false,
    leading_zeros: true,
};
const STRICT: Rules = Rules {
    prefix: false,
    short: false,
    short_plain_only: false,
    leading_zeros: false,
};

impl Version {
    /// Lenient parse (see the module docs).
    pub fn parse(s: &str) -> Option<Version> {
        parse_with(s, LENIENT)
    }

    /// Strict SemVer 2.0.0 grammar, nothing else.
    pub fn parse_strict(s: &str) -> Option<Version> {
        parse_with(s, STRICT)
    }

    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    /// SemVer precedence: build metadata is ignored, a pre-release sorts
    /// before its release, identifier lists compare element-wise and a
    /// shorter list sorts first when it is a prefix of the longer one.
    pub fn precedence(&self, other: &Version) -> Ordering {
        cmp_digits(&self.major, &other.major)
            .then_with(|| cmp_digits(&self.minor, &other.minor))
            .then_with(|| cmp_digits(&self.patch, &other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => cmp_pre(&self.pre, &other.pre),
            })
    }
}

fn cmp_pre(a: &[Identifier], b: &[Identifier]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ord = x.precedence(y);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

fn valid_ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn number(s: &str, rules: Rules) -> Option<String> {
    if !is_digits(s) || (!rules.leading_zeros && s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    let stripped = strip_zeros(s);
    Some(if stripped.is_empty() {
        "0".to_string()
    } else {
        stripped.to_string()
    })
}

pub(crate) fn parse_with(s: &str, rules: Rules) -> Option<Version> {
    let mut s = s;
    if rules.prefix {
        s = s.trim();
        s = s.strip_prefix('=').unwrap_or(s);
        s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    }
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let plain = pre.is_none() && build.is_none();
    let short_ok = rules.short && (plain || !rules.short_plain_only);
    if parts.len() > 3 || (parts.len() < 3 && !short_ok) {
        return None;
    }
    let mut nums = parts.iter().map(|p| number(p, rules));
    let major = nums.next().flatten()?;
    let minor = nums.next().unwrap_or(Some("0".to_string()))?;
    let patch = nums.next().unwrap_or(Some("0".to_string()))?;
    let pre = match pre {
        None => Vec::new(),
        Some(p) => p
            .split('.')
            .map(|id| pre_ident(id, rules))
            .collect::<Option<Vec<_>>>()?,
    };
    let build = match build {
        None => Vec::new(),
        Some(b) => {
            let ids: Vec<String> = b.split('.').map(str::to_string).collect();
            if !ids.iter().all(|id| valid_ident(id)) {
                return None;
            }
            ids
        }
    };
    Some(Version {
        major,
        minor,
        patch,
        pre,
        build,
    })
}

fn pre_ident(id: &str, rules: Rules) -> Option<Identifier> {
    if !valid_ident(id) {
        return None;
    }
    if is_digits(id) && !rules.leading_zeros && id.len() > 1 && id.starts_with('0') {
        return None;
    }
    Some(Identifier::new(id))
}

/// True when the lenient parser accepts `v`.
pub fn is_valid(v: &str) -> bool {
    Version::parse(v).is_some()
}

/// Orders two optional parses: invalid (None) first, ties between
/// invalid strings broken bytewise.
pub(crate) fn cmp_parsed(a: (&str, Option<&Version>), b: (&str, Option<&Version>)) -> Ordering {
    match (a.1, b.1) {
        (Some(x), Some(y)) => x.precedence(y),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.0.cmp(b.0),
    }
}

/// Total order over all strings (see the module docs for invalid input).
pub fn compare(a: &str, b: &str) -> Ordering {
    let (pa, pb) = (Version::parse(a), Version::parse(b));
    cmp_parsed((a, pa.as_ref()), (b, pb.as_ref()))
}

#[cfg(test)]
#[path = "semver/tests.rs"]
pub(crate) mod tests;
