//! Turns a rule value and its modifier chain into patterns to match.
//!
//! Transformation modifiers (windash, expand, utf16*, base64*, contains,
//! startswith, endswith) run in the order the rule gives them, each mapping
//! one value to one or more values; type modifiers (re, cidr, lt.., time parts)
//! decide how the final value is compared.

use std::collections::BTreeMap;

use base64::Engine as _;
use parapet_core::parse_rfc3339;
use regex::{Regex, RegexBuilder};
use serde_yaml::Value as Yaml;
use sonic_rs::Value;

use crate::cidr::Cidr;
use crate::field::with_text;
use crate::matcher::{GlobToken, StrMatcher};
use crate::modifier::{CmpOp, Modifier, TimePart};

/// Values for `expand` placeholders: `%Administrators%` -> its values.
pub type Placeholders = BTreeMap<String, Vec<String>>;

/// How many values one modifier chain may expand into (windash on a long
/// command line grows as 5^dashes).
const MAX_EXPANSION: usize = 4096;
/// Compiled regexes are capped so a hostile rule cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone)]
pub(crate) enum Pattern {
    Str(StrMatcher),
    Regex(Regex),
    Cmp(CmpOp, f64),
    Cidr(Cidr),
    Time(TimePart, CmpOp, f64),
    /// `null`: the field is missing or null.
    Null,
}

/// One value of a rule: it matches when any of its alternatives does
/// (an encoding modifier such as base64offset yields several).
#[derive(Debug, Clone)]
pub(crate) struct ValueSpec {
    pub(crate) alternatives: Vec<Pattern>,
}

impl ValueSpec {
    pub(crate) fn matches_leaf(&self, leaf: &Value) -> bool {
        self.alternatives.iter().any(|p| p.matches_leaf(leaf))
    }

    pub(crate) fn is_null(&self) -> bool {
        self.alternatives.iter().any(|p| matches!(p, Pattern::Null))
    }
}

impl Pattern {
    fn matches_leaf(&self, leaf: &Value) -> bool {
        match self {
            Pattern::Null => sonic_rs::JsonValueTrait::is_null(leaf),
            Pattern::Str(m) => with_text(leaf, |s| m.matches(s)).unwrap_or(false),
            Pattern::Regex(re) => with_text(leaf, |s| re.is_match(s)).unwrap_or(false),
            Pattern::Cidr(c) => with_text(leaf, |s| c.contains(s)).unwrap_or(false),
            Pattern::Cmp(op, right) => with_text(leaf, |s| {
                s.trim()
                    .parse::<f64>()
                    .is_ok_and(|left| op.holds(left, *right))
            })
            .unwrap_or(false),
            Pattern::Time(part, op, right) => with_text(leaf, |s| {
                parse_rfc3339(s).is_some_and(|ts| {
                    let c = ts.civil();
                    let left = match part {
                        TimePart::Minute => c.minute.into(),
                        TimePart::Hour => c.hour.into(),
                        TimePart::Day => c.day.into(),
                        TimePart::Week => ts.iso_week().into(),
                        TimePart::Month => c.month.into(),
                        TimePart::Year => c.year as f64,
                    };
                    op.holds(left, *right)
                })
            })
            .unwrap_or(false),
        }
    }
}

/// A value between transformation steps.
#[derive(Debug, Clone)]
enum Piece {
    Tokens(Vec<GlobToken>),
    Bytes(Vec<u8>),
}

/// Builds the patterns for one rule value under `modifiers`. The error says
/// what is wrong with the value; the caller adds the file and field.
pub(crate) fn build_value(
    raw: &Yaml,
    modifiers: &[Modifier],
    placeholders: &Placeholders,
) -> Result<ValueSpec, String> {
    let text = match raw {
        Yaml::Null => {
            return Ok(ValueSpec {
                alternatives: vec![Pattern::Null],
            })
        }
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        other => {
            return Err(format!(
                "expected a string, number, boolean or null, found {}",
                yaml_kind(other)
            ))
        }
    };
    let has = |m: Modifier| modifiers.contains(&m);
    let cmp = modifiers.iter().find_map(|m| match m {
        Modifier::Lt => Some(CmpOp::Lt),
        Modifier::Lte => Some(CmpOp::Lte),
        Modifier::Gt => Some(CmpOp::Gt),
        Modifier::Gte => Some(CmpOp::Gte),
        _ => None,
    });
    let time = modifiers.iter().find_map(|m| match m {
        Modifier::Time(part) => Some(*part),
        _ => None,
    });
    if let Some(part) = time {
        let n = parse_number(&text)?;
        return Ok(single(Pattern::Time(part, cmp.unwrap_or(CmpOp::Eq), n)));
    }
    if let Some(op) = cmp {
        return Ok(single(Pattern::Cmp(op, parse_number(&text)?)));
    }
    if has(Modifier::Cidr) {
        let cidr = Cidr::parse(&text).ok_or_else(|| {
            format!("`{text}` is not a CIDR range such as 10.0.0.0/8 or fd00::/8")
        })?;
        return Ok(single(Pattern::Cidr(cidr)));
    }
    if has(Modifier::Re) {
        let positional = [Modifier::Contains, Modifier::StartsWith, Modifier::EndsWith];
        if modifiers.iter().any(|m| positional.contains(m)) {
            return Err("`re` cannot be combined with contains, startswith or endswith".into());
        }
        let re = RegexBuilder::new(&text)
            .case_insensitive(has(Modifier::ReInsensitive))
            .multi_line(has(Modifier::ReMultiline))
            .dot_matches_new_line(has(Modifier::ReDotAll))
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| format!("invalid regular expression `{text}`: {e}"))?;
        return Ok(single(Pattern::Regex(re)));
    }
    let start = if has(Modifier::Expand) {
        Piece::Tokens(vec![GlobToken::Literal(text.clone())])
    } else {
        Piece::Tokens(parse_wildcards(&text))
    };
    let mut pieces = vec![start];
    for modifier in modifiers {
        pieces = pieces
            .into_iter()
            .map(|piece| transform(piece, *modifier, placeholders))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        if pieces.len() > MAX_EXPANSION {
            return Err(format!(
                "modifiers expand this value into more than {MAX_EXPANSION} values"
            ));
        }
    }
    let cased = has(Modifier::Cased);
    let alternatives = pieces
        .into_iter()
        .map(|piece| Pattern::Str(StrMatcher::new(into_tokens(piece), cased)))
        .collect();
    Ok(ValueSpec { alternatives })
}

fn single(pattern: Pattern) -> ValueSpec {
    ValueSpec {
        alternatives: vec![pattern],
    }
}

fn parse_number(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| format!("`{text}` is not a number"))
}

pub(crate) fn yaml_kind(value: &Yaml) -> &'static str {
    match value {
        Yaml::Null => "null",
        Yaml::Bool(_) => "a boolean",
        Yaml::Number(_) => "a number",
        Yaml::String(_) => "a string",
        Yaml::Sequence(_) => "a list",
        Yaml::Mapping(_) => "a map",
        Yaml::Tagged(_) => "a tagged value",
    }
}

/// Sigma's wildcard syntax: `*` and `?` are wildcards; a backslash escapes
/// `*`, `?` and itself; any other backslash is literal.
pub(crate) fn parse_wildcards(text: &str) -> Vec<GlobToken> {
    let mut tokens = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&next @ ('*' | '?' | '\\')) => {
                    literal.push(next);
                    chars.next();
                }
                _ => literal.push('\\'),
            },
            '*' | '?' => {
                if !literal.is_empty() {
                    tokens.push(GlobToken::Literal(std::mem::take(&mut literal)));
                }
                tokens.push(if c == '*' {
                    GlobToken::Star
                } else {
                    GlobToken::One
                });
            }
            _ => literal.push(c),
        }
    }
    if !literal.is_empty() {
        tokens.push(GlobToken::Literal(literal));
    }
    tokens
}

fn into_tokens(piece: Piece) -> Vec<GlobToken> {
    match piece {
        Piece::Tokens(tokens) => tokens,
        Piece::Bytes(bytes) => vec![GlobToken::Literal(
            String::from_utf8_lossy(&bytes).into_owned(),
        )],
    }
}

fn plain_bytes(piece: Piece, modifier: &str) -> Result<Vec<u8>, String> {
    match piece {
        Piece::Bytes(bytes) => Ok(bytes),
        Piece::Tokens(tokens) => {
            let mut out = String::new();
            for token in tokens {
                match token {
                    GlobToken::Literal(s) => out.push_str(&s),
                    _ => return Err(format!("`{modifier}` cannot encode a value with wildcards; put contains/startswith/endswith after it")),
                }
            }
            Ok(out.into_bytes())
        }
    }
}

fn transform(
    piece: Piece,
    modifier: Modifier,
    placeholders: &Placeholders,
) -> Result<Vec<Piece>, String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(match modifier {
        Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith => {
            let mut tokens = into_tokens(piece);
            if modifier != Modifier::StartsWith && tokens.first() != Some(&GlobToken::Star) {
                tokens.insert(0, GlobToken::Star);
            }
            if modifier != Modifier::EndsWith && tokens.last() != Some(&GlobToken::Star) {
                tokens.push(GlobToken::Star);
            }
            vec![Piece::Tokens(tokens)]
        }
        Modifier::Base64 => vec![Piece::Tokens(vec![GlobToken::Literal(
            b64.encode(plain_bytes(piece, "base64")?),
        )])],
        Modifier::Base64Offset => {
            let bytes = plain_bytes(piece, "base64offset")?;
            const START: [usize; 3] = [0, 2, 3];
            const END_TRIM: [usize; 3] = [0, 3, 2];
            (0..3)
                .map(|shift| {
                    let mut padded = vec![b' '; shift];
                    padded.extend_from_slice(&bytes);
                    let encoded = b64.encode(&padded);
                    let end = encoded
                        .len()
                        .saturating_sub(END_TRIM[(bytes.len() + shift) % 3]);
                    let slice = encoded.get(START[shift]..end).unwrap_or("");
                    Piece::Tokens(vec![GlobToken::Literal(slice.to_string())])
                })
                .collect()
        }
        Modifier::Utf16Le | Modifier::Utf16Be | Modifier::Utf16 => {
            let text = String::from_utf8_lossy(&plain_bytes(piece, "utf16")?).into_owned();
            let mut out = Vec::new();
            if modifier == Modifier::Utf16 {
                out.extend_from_slice(&[0xFF, 0xFE]);
            }
            for unit in text.encode_utf16() {
                let bytes = if modifier == Modifier::Utf16Be {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                };
                out.extend_from_slice(&bytes);
            }
            vec![Piece::Bytes(out)]
        }
        Modifier::Windash => windash(into_tokens(piece)),
        Modifier::Expand => expand(into_tokens(piece), placeholders)?,
        _ => vec![piece],
    })
}

const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

fn windash(tokens: Vec<GlobToken>) -> Vec<Piece> {
    let mut variants: Vec<Vec<GlobToken>> = vec![Vec::new()];
    for token in tokens {
        match token {
            GlobToken::Literal(text) => {
                let mut texts = vec![String::new()];
                for c in text.chars() {
                    if DASHES.contains(&c) && texts.len() * DASHES.len() <= MAX_EXPANSION {
                        texts = texts
                            .iter()
                            .flat_map(|t| DASHES.iter().map(move |d| format!("{t}{d}")))
                            .collect();
                    } else {
                        texts.iter_mut().for_each(|t| t.push(c));
                    }
                }
                variants = variants
                    .into_iter()
                    .flat_map(|v| {
                        texts
                            .iter()
                            .map(move |t| [v.clone(), vec![GlobToken::Literal(t.clone())]].concat())
                    })
                    .take(MAX_EXPANSION + 1)
                    .collect();
            }
            other => variants.iter_mut().for_each(|v| v.push(other.clone())),
        }
    }
    variants.into_iter().map(Piece::Tokens).collect()
}

/// Replaces `%name%` placeholders with each of their values; `\%` is a plain percent.
fn expand(tokens: Vec<GlobToken>, placeholders: &Placeholders) -> Result<Vec<Piece>, String> {
    let text: String = tokens
        .iter()
        .map(|t| match t {
            GlobToken::Literal(s) => s.as_str(),
            GlobToken::Star => "*",
            GlobToken::One => "?",
        })
        .collect();
    let mut results = vec![String::new()];
    let mut rest = text.as_str();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("\\%") {
            results.iter_mut().for_each(|r| r.push_str("\\%"));
            rest = after;
        } else if let Some(after) = rest.strip_prefix('%') {
            let end = after
                .find('%')
                .ok_or_else(|| format!("unclosed placeholder in `{text}`"))?;
            let name = &after[..end];
            let values = placeholders
                .get(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("placeholder %{name}% has no values; define it with --placeholder {name}=VALUE"))?;
            results = results
                .iter()
                .flat_map(|r| values.iter().map(move |v| format!("{r}{v}")))
                .collect();
            if results.len() > MAX_EXPANSION {
                return Err(format!(
                    "placeholders expand into more than {MAX_EXPANSION} values"
                ));
            }
            rest = &after[end + 1..];
        } else {
            let c = rest.chars().next().unwrap_or_default();
            results.iter_mut().for_each(|r| r.push(c));
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(results
        .into_iter()
        .map(|r| Piece::Tokens(parse_wildcards(&r.replace("\\%", "%"))))
        .collect())
}

/// What the rule index files a rule under: a lower-cased value the key
/// field must equal, or one it must start with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum IndexKey {
    Exact(String),
    Prefix(String),
}

impl ValueSpec {
    /// The index keys this spec needs when every alternative is a plain
    /// string or a plain prefix (`startswith`); None otherwise.
    pub(crate) fn index_keys(&self) -> Option<Vec<IndexKey>> {
        use crate::matcher::StrShape;
        self.alternatives
            .iter()
            .map(|p| match p {
                Pattern::Str(m) => match m.shape() {
                    StrShape::Exact(s) => Some(IndexKey::Exact(s.to_lowercase())),
                    StrShape::Prefix(s) if !s.is_empty() => {
                        Some(IndexKey::Prefix(s.to_lowercase()))
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }
}
