//! node-semver's textual range desugaring: hyphen ranges, x-ranges, tilde
//! and caret become plain `<`, `<=`, `>`, `>=`, `=` comparators. Written as
//! hand matchers for node-semver's (anchored) regular expressions so that
//! odd spellings (`~>1.2`, `>= v1`, `=1.x`) rewrite exactly as node does.

use super::{add_one, js_space};

/// A match of node-semver's `XRANGEPLAIN`:
/// `[v=\s]*(XID)(\.(XID)(\.(XID)(PRERELEASE)?(BUILD)?)?)?`.
#[derive(Debug, Clone, Copy)]
pub(super) struct XPlain<'a> {
    /// Whole matched text, prefix included.
    pub text: &'a str,
    pub major: &'a str,
    pub minor: Option<&'a str>,
    pub patch: Option<&'a str>,
    pub pre: Option<&'a str>,
}

fn xid_len(s: &[u8]) -> usize {
    match s.first() {
        Some(b'0' | b'x' | b'X' | b'*') => 1,
        Some(b'1'..=b'9') => s.iter().take_while(|b| b.is_ascii_digit()).count(),
        _ => 0,
    }
}

/// Length of a valid dot-separated identifier list (`numeric_ok` checks one
/// identifier); stops before a trailing `.` that starts no identifier.
fn ident_list_len(s: &[u8], ok: fn(&[u8]) -> bool) -> usize {
    let mut end = 0;
    let mut i = 0;
    loop {
        let n = s[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if n == 0 || !ok(&s[i..i + n]) {
            return end;
        }
        end = i + n;
        if s.get(end) != Some(&b'.') {
            return end;
        }
        i = end + 1;
    }
}

/// A pre-release identifier: numeric without leading zeros, or containing
/// a letter or hyphen.
pub(super) fn pre_ident_ok(id: &[u8]) -> bool {
    !id.iter().all(u8::is_ascii_digit) || id.len() == 1 || id.first() != Some(&b'0')
}

fn build_ident_ok(_: &[u8]) -> bool {
    true
}

/// Length of a node `BUILD` match (`+ids`) at the start of `s`, or 0.
pub(super) fn build_len(s: &[u8]) -> usize {
    if s.first() != Some(&b'+') {
        return 0;
    }
    match ident_list_len(&s[1..], build_ident_ok) {
        0 => 0,
        n => n + 1,
    }
}

/// Matches `XRANGEPLAIN` greedily at the start of `s`.
pub(super) fn xplain(s: &str) -> Option<XPlain<'_>> {
    let b = s.as_bytes();
    let mut i = s
        .find(|c: char| c != 'v' && c != '=' && !js_space(c))
        .unwrap_or(s.len());
    let part = |i: &mut usize| -> Option<&str> {
        let n = xid_len(&b[*i..]);
        (n > 0).then(|| {
            let out = &s[*i..*i + n];
            *i += n;
            out
        })
    };
    let major = part(&mut i)?;
    let (mut minor, mut patch, mut pre) = (None, None, None);
    if b.get(i) == Some(&b'.') && xid_len(&b[i + 1..]) > 0 {
        i += 1;
        minor = part(&mut i);
        if b.get(i) == Some(&b'.') && xid_len(&b[i + 1..]) > 0 {
            i += 1;
            patch = part(&mut i);
            if b.get(i) == Some(&b'-') {
                let n = ident_list_len(&b[i + 1..], pre_ident_ok);
                if n > 0 {
                    pre = Some(&s[i + 1..i + 1 + n]);
                    i += 1 + n;
                }
            }
            i += build_len(&b[i..]);
        }
    }
    Some(XPlain {
        text: &s[..i],
        major,
        minor,
        patch,
        pre,
    })
}

/// The same match, but only if it spans all of `s`.
pub(super) fn xplain_full(s: &str) -> Option<XPlain<'_>> {
    xplain(s).filter(|x| x.text.len() == s.len())
}

pub(super) fn is_x(id: Option<&str>) -> bool {
    matches!(id, None | Some("" | "x" | "X" | "*"))
}

/// `1.2.3 - 2.3.4` (the whole alternative) to `>=1.2.3 <=2.3.4`.
pub(super) fn hyphen(s: &str) -> Option<String> {
    let from = xplain(s)?;
    let rest = s[from.text.len()..].strip_prefix(" - ")?;
    let to = xplain_full(rest)?;
    let lo = if is_x(Some(from.major)) {
        String::new()
    } else if is_x(from.minor) {
        format!(">={}.0.0", from.major)
    } else if is_x(from.patch) {
        format!(">={}.{}.0", from.major, from.minor.unwrap_or(""))
    } else {
        format!(">={}", from.text)
    };
    let (tm, tn, tp) = (to.major, to.minor.unwrap_or(""), to.patch.unwrap_or(""));
    let hi = if is_x(Some(to.major)) {
        String::new()
    } else if is_x(to.minor) {
        format!("<{}.0.0-0", add_one(tm))
    } else if is_x(to.patch) {
        format!("<{tm}.{}.0-0", add_one(tn))
    } else if let Some(pr) = to.pre {
        format!("<={tm}.{tn}.{tp}-{pr}")
    } else {
        format!("<={}", to.text)
    };
    Some(format!("{lo} {hi}").trim().to_string())
}

/// `~1.2.3`, `~>1.2`, `~1`: one token in, space-separated comparators out.
pub(super) fn tilde(c: &str) -> String {
    let body = c
        .strip_prefix('~')
        .map(|r| r.strip_prefix('>').unwrap_or(r));
    let Some(x) = body.and_then(xplain_full) else {
        return c.to_string();
    };
    let (mj, mn, pt) = (x.major, x.minor.unwrap_or(""), x.patch.unwrap_or(""));
    if is_x(Some(mj)) {
        String::new()
    } else if is_x(x.minor) {
        format!(">={mj}.0.0 <{}.0.0-0", add_one(mj))
    } else if is_x(x.patch) {
        format!(">={mj}.{mn}.0 <{mj}.{}.0-0", add_one(mn))
    } else if let Some(pr) = x.pre {
        format!(">={mj}.{mn}.{pt}-{pr} <{mj}.{}.0-0", add_one(mn))
    } else {
        format!(">={mj}.{mn}.{pt} <{mj}.{}.0-0", add_one(mn))
    }
}

/// `^1.2.3` and friends, with the 0.x rules.
pub(super) fn caret(c: &str) -> String {
    let Some(x) = c.strip_prefix('^').and_then(xplain_full) else {
        return c.to_string();
    };
    let (mj, mn, pt) = (x.major, x.minor.unwrap_or(""), x.patch.unwrap_or(""));
    let pre = x.pre.map(|p| format!("-{p}")).unwrap_or_default();
    if is_x(Some(mj)) {
        String::new()
    } else if is_x(x.minor) {
        format!(">={mj}.0.0 <{}.0.0-0", add_one(mj))
    } else if is_x(x.patch) {
        if mj == "0" {
            format!(">={mj}.{mn}.0 <{mj}.{}.0-0", add_one(mn))
        } else {
            format!(">={mj}.{mn}.0 <{}.0.0-0", add_one(mj))
        }
    } else if mj == "0" && mn == "0" {
        format!(">={mj}.{mn}.{pt}{pre} <{mj}.{mn}.{}-0", add_one(pt))
    } else if mj == "0" {
        format!(">={mj}.{mn}.{pt}{pre} <{mj}.{}.0-0", add_one(mn))
    } else {
        format!(">={mj}.{mn}.{pt}{pre} <{}.0.0-0", add_one(mj))
    }
}

/// Splits node's `GTLT` operator (`<`, `>`, `<=`, `>=`, `=` or none) off.
pub(super) fn split_op(c: &str) -> (&str, &str) {
    let b = c.as_bytes();
    let mut n = usize::from(matches!(b.first(), Some(b'<' | b'>')));
    n += usize::from(b.get(n) == Some(&b'='));
    c.split_at(n)
}

/// `1.x`, `>=1.2`, `<1`, `*`: one token.
pub(super) fn xrange(c: &str) -> String {
    let (op, rest) = split_op(c);
    let rest = rest.strip_prefix(|ch: char| js_space(ch)).unwrap_or(rest);
    let Some(x) = xplain_full(rest) else {
        return c.to_string();
    };
    let (mj, mn, pt) = (Some(x.major), x.minor, x.patch);
    let bad_order =
        (is_x(mj) && !is_x(mn)) || (is_x(mn) && pt.is_some_and(|p| !p.is_empty()) && !is_x(pt));
    if bad_order {
        return c.to_string();
    }
    let xm_major = is_x(mj);
    let xm_minor = xm_major || is_x(mn);
    let any_x = xm_minor || is_x(pt);
    let op = if op == "=" && any_x { "" } else { op };
    let (mj, mn) = (x.major, mn.unwrap_or(""));
    if xm_major {
        return if op == ">" || op == "<" {
            "<0.0.0-0".into()
        } else {
            "*".into()
        };
    }
    if !op.is_empty() && any_x {
        let (mut op, mut major, mut minor) = (
            op,
            mj.to_string(),
            if xm_minor { "0".into() } else { mn.to_string() },
        );
        if op == ">" {
            op = ">=";
            if xm_minor {
                major = add_one(mj);
                minor = "0".into();
            } else {
                minor = add_one(mn);
            }
        } else if op == "<=" {
            op = "<";
            if xm_minor {
                major = add_one(mj);
            } else {
                minor = add_one(mn);
            }
        }
        let pr = if op == "<" { "-0" } else { "" };
        return format!("{op}{major}.{minor}.0{pr}");
    }
    if xm_minor {
        format!(">={mj}.0.0 <{}.0.0-0", add_one(mj))
    } else if any_x {
        format!(">={mj}.{mn}.0 <{mj}.{}.0-0", add_one(mn))
    } else {
        c.to_string()
    }
}
