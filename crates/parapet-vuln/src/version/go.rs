//! Go module versions: `v` + SemVer, as `golang.org/x/mod/semver` reads
//! them, including the `v1`/`v1.2` shorthands.
//!
//! Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
//! `v1.2.4-0.20191109021931-daa7c04131f5`, `v1.2.3-pre.0.2019...-abc`) are
//! ordinary pre-releases and so order correctly without special casing.
//! `+incompatible` is build metadata and ignored. OSV writes Go versions
//! without the `v` (`1.6.0`, `0`), go.mod with it: a missing `v` is added,
//! so `v1.6.0` == `1.6.0`. Invalid strings sort before all valid ones
//! (x/mod also puts them first) and among themselves bytewise.

use std::cmp::Ordering;

use super::semver::{cmp_parsed, parse_with, Rules, Version};

const GO_RULES: Rules = Rules {
    prefix: false,
    short: true,
    short_plain_only: true,
    leading_zeros: false,
};

/// Parses a Go version, with or without the leading `v`.
pub fn parse(v: &str) -> Option<Version> {
    let body = v.strip_prefix('v').unwrap_or(v);
    if body.starts_with(['v', 'V']) {
        return None;
    }
    parse_with(body, GO_RULES)
}

pub fn is_valid(v: &str) -> bool {
    parse(v).is_some()
}

/// The canonical `vMAJOR.MINOR.PATCH[-pre]` form (build metadata dropped,
/// as x/mod's `Canonical` does), or `None` when invalid.
pub fn canonical(v: &str) -> Option<String> {
    let p = parse(v)?;
    let mut out = format!("v{}.{}.{}", p.major, p.minor, p.patch);
    if let Some(pre) = v
        .split_once('+')
        .map_or(v, |(l, _)| l)
        .split_once('-')
        .map(|(_, p)| p)
    {
        out.push('-');
        out.push_str(pre);
    }
    Some(out)
}

/// True for the three pseudo-version shapes: the pre-release ends in
/// `[0.]yyyymmddhhmmss-hash` where the prefix is empty (only for base
/// `vX.0.0`), or ends in `0.` (`pre.0.` or the bare `0.` after an
/// incremented patch).
pub fn is_pseudo_version(v: &str) -> bool {
    let Some(p) = parse(v) else { return false };
    let no_build = v.split_once('+').map_or(v, |(l, _)| l);
    let Some((_, pre)) = no_build.split_once('-') else {
        return false;
    };
    let Some((head, hash)) = pre.rsplit_once('-') else {
        return false;
    };
    if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (prefix, stamp) = head.rsplit_once('.').map_or(("", head), |(a, b)| (a, b));
    if stamp.len() != 14 || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if prefix.is_empty() {
        p.minor == "0" && p.patch == "0"
    } else {
        prefix == "0" || prefix.ends_with(".0")
    }
}

/// Total order over all strings (see the module docs).
pub fn compare(a: &str, b: &str) -> Ordering {
    let (pa, pb) = (parse(a), parse(b));
    cmp_parsed((a, pa.as_ref()), (b, pb.as_ref()))
}

#[cfg(test)]
#[path = "go/tests.rs"]
mod tests;
