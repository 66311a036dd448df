//! Saved hunts shipped in the binary: SQL files in `hunts/` with `{name}`
//! placeholders. Every parameter value is checked against its kind and
//! quoted as a SQL literal, so a parameter can never change the query's
//! shape. Every hunt also takes `from`, `to` (dates, inclusive) and
//! `account`, which become a filter on the partition columns: a hunt over
//! one account and week reads only those folders.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::LakeError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// YYYY-MM-DD.
    Date,
    /// A whole number.
    Number,
    /// Any text, quoted.
    Text,
    /// A file of values, one per line (`#` starts a comment), as a SQL list.
    File,
}

#[derive(Debug)]
pub struct Param {
    pub name: &'static str,
    pub kind: ParamKind,
    /// None: the hunt needs it.
    pub default: Option<&'static str>,
    pub help: &'static str,
}

#[derive(Debug)]
pub struct SavedHunt {
    pub name: &'static str,
    pub title: &'static str,
    pub params: &'static [Param],
    pub sql: &'static str,
}

const LIMIT: Param = Param {
    name: "limit",
    kind: ParamKind::Number,
    default: Some("1000"),
    help: "rows shown at most",
};

/// The parameters every hunt takes.
pub const WINDOW: [Param; 3] = [
    Param {
        name: "from",
        kind: ParamKind::Date,
        default: None,
        help: "first day (YYYY-MM-DD); default: the lake's first",
    },
    Param {
        name: "to",
        kind: ParamKind::Date,
        default: None,
        help: "last day (YYYY-MM-DD); default: the lake's last",
    },
    Param {
        name: "account",
        kind: ParamKind::Text,
        default: None,
        help: "one account id; default: all",
    },
];

/// Indicators read from a file at most.
const MAX_INDICATORS: usize = 50_000;

pub const SAVED_HUNTS: &[SavedHunt] = &[
    SavedHunt {
        name: "rare-api-calls",
        title: "API calls each identity made only a few times (stack counting)",
        params: &[
            Param {
                name: "max_calls",
                kind: ParamKind::Number,
                default: Some("2"),
                help: "at most this many calls to count as rare",
            },
            LIMIT,
        ],
        sql: include_str!("../hunts/rare-api-calls.sql"),
    },
    SavedHunt {
        name: "first-seen",
        title: "API calls and regions a principal used for the first time lately",
        params: &[
            Param {
                name: "days",
                kind: ParamKind::Number,
                default: Some("1"),
                help: "how recent (days before the last event) counts as new",
            },
            LIMIT,
        ],
        sql: include_str!("../hunts/first-seen.sql"),
    },
    SavedHunt {
        name: "rare-user-agents",
        title: "User agents seen only a few times",
        params: &[
            Param {
                name: "max_events",
                kind: ParamKind::Number,
                default: Some("5"),
                help: "at most this many events to count as rare",
            },
            LIMIT,
        ],
        sql: include_str!("../hunts/rare-user-agents.sql"),
    },
    SavedHunt {
        name: "access-denied-bursts",
        title: "Identities refused many times within minutes",
        params: &[
            Param {
                name: "minutes",
                kind: ParamKind::Number,
                default: Some("5"),
                help: "length of a window",
            },
            Param {
                name: "min_denied",
                kind: ParamKind::Number,
                default: Some("10"),
                help: "refusals in one window to report it",
            },
            LIMIT,
        ],
        sql: include_str!("../hunts/access-denied-bursts.sql"),
    },
    SavedHunt {
        name: "console-login-without-mfa",
        title: "Console sign-ins of IAM users and root without MFA",
        params: &[LIMIT],
        sql: include_str!("../hunts/console-login-without-mfa.sql"),
    },
    SavedHunt {
        name: "root-activity",
        title: "Calls made by the root user",
        params: &[LIMIT],
        sql: include_str!("../hunts/root-activity.sql"),
    },
    SavedHunt {
        name: "assume-role-chains",
        title: "Which identity reached which role through which sessions, across accounts",
        params: &[
            Param {
                name: "min_depth",
                kind: ParamKind::Number,
                default: Some("1"),
                help: "show chains of at least this many hops",
            },
            LIMIT,
        ],
        sql: include_str!("../hunts/assume-role-chains.sql"),
    },
    SavedHunt {
        name: "ioc-sweep",
        title: "Events touching an indicator: IP, access key id, user agent, ARN",
        params: &[
            Param {
                name: "iocs",
                kind: ParamKind::File,
                default: None,
                help: "file of indicators, one per line",
            },
            LIMIT,
        ],
        sql: include_str!("../hunts/ioc-sweep.sql"),
    },
];

pub fn find(name: &str) -> Option<&'static SavedHunt> {
    SAVED_HUNTS.iter().find(|h| h.name == name)
}

impl SavedHunt {
    /// The query with `given` parameters (name, value) filled in.
    pub fn render(&self, given: &[(String, String)]) -> Result<String, LakeError> {
        let known = |name: &str| {
            self.params
                .iter()
                .chain(WINDOW.iter())
                .find(|p| p.name == name)
        };
        for (name, _) in given {
            if known(name).is_none() {
                let names: Vec<&str> = self.params.iter().chain(&WINDOW).map(|p| p.name).collect();
                return Err(LakeError::Message(format!(
                    "hunt {} has no parameter `{name}` (it takes {})",
                    self.name,
                    names.join(", ")
                )));
            }
        }
        let mut sql = self.sql.replace("{window}", &window(given, self.name)?);
        for param in self.params {
            let value = match (value_of(given, param.name), param.default) {
                (Some(v), _) | (None, Some(v)) => v,
                (None, None) => {
                    return Err(LakeError::Message(format!(
                        "hunt {} needs --param {}=... ({})",
                        self.name, param.name, param.help
                    )))
                }
            };
            let literal = literal(param, value, self.name)?;
            sql = sql.replace(&format!("{{{}}}", param.name), &literal);
        }
        Ok(sql)
    }
}

/// The last value given for `name`.
fn value_of<'a>(given: &'a [(String, String)], name: &str) -> Option<&'a str> {
    given
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The partition filter of `from`, `to` and `account`.
fn window(given: &[(String, String)], hunt: &str) -> Result<String, LakeError> {
    let mut filter = String::from("TRUE");
    for (param, op, column) in [
        (&WINDOW[0], ">=", "date"),
        (&WINDOW[1], "<=", "date"),
        (&WINDOW[2], "=", "account"),
    ] {
        if let Some(value) = value_of(given, param.name) {
            let literal = literal(param, value, hunt)?;
            let _ = write!(filter, " AND {column} {op} {literal}");
        }
    }
    Ok(filter)
}

/// A parameter value as SQL, checked against its kind.
fn literal(param: &Param, value: &str, hunt: &str) -> Result<String, LakeError> {
    let bad = |why: &str| {
        LakeError::Message(format!(
            "hunt {hunt}: --param {}={value:?}: {why}",
            param.name
        ))
    };
    match param.kind {
        ParamKind::Number => value
            .parse::<u32>()
            .map(|n| n.to_string())
            .map_err(|_| bad("expected a whole number")),
        ParamKind::Date if is_date(value) => Ok(quote(value)),
        ParamKind::Date => Err(bad("expected a date YYYY-MM-DD")),
        ParamKind::Text => Ok(quote(value)),
        ParamKind::File => indicators(Path::new(value)).map_err(|why| bad(&why)),
    }
}

/// A file of indicators as a SQL list of literals.
fn indicators(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut values: Vec<&str> = text
        .lines()
        .map(|line| {
            line.split_once('#')
                .map_or(line, |(before, _)| before)
                .trim()
        })
        .filter(|v| !v.is_empty())
        .collect();
    values.sort_unstable();
    values.dedup();
    if values.is_empty() {
        return Err("the file holds no indicators".to_string());
    }
    if values.len() > MAX_INDICATORS {
        return Err(format!(
            "{} indicators; at most {MAX_INDICATORS} per sweep (split the file)",
            values.len()
        ));
    }
    Ok(values
        .iter()
        .map(|v| quote(v))
        .collect::<Vec<_>>()
        .join(", "))
}

/// A day as the `date` partitions spell it: YYYY-MM-DD.
pub fn is_date(value: &str) -> bool {
    value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// A SQL string literal.
pub fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_placeholder_is_filled() {
        let dir = tempfile::tempdir().unwrap();
        let iocs = dir.path().join("iocs.txt");
        std::fs::write(&iocs, "203.0.113.9\n# comment\nAKIA'X # trailing\n\n").unwrap();
        for hunt in SAVED_HUNTS {
            let given = params(&[("iocs", iocs.to_str().unwrap())]);
            let given: Vec<_> = given
                .into_iter()
                .filter(|(k, _)| hunt.params.iter().any(|p| p.name == k))
                .collect();
            let sql = hunt.render(&given).unwrap();
            assert!(!sql.contains('{'), "{}: {sql}", hunt.name);
        }
        let sql = find("ioc-sweep")
            .unwrap()
            .render(&params(&[("iocs", iocs.to_str().unwrap())]));
        assert!(sql.unwrap().contains("'203.0.113.9', 'AKIA''X'"));
    }

    #[test]
    fn values_are_checked_and_quoted() {
        let hunt = find("rare-api-calls").unwrap();
        let sql = hunt
            .render(&params(&[
                ("from", "2024-07-30"),
                ("account", "1' OR '1'='1"),
            ]))
            .unwrap();
        assert!(sql.contains("date >= '2024-07-30'"));
        assert!(sql.contains("account = '1'' OR ''1''=''1'"));
        for bad in [
            ("max_calls", "2; DROP"),
            ("from", "2024-7-30"),
            ("nope", "1"),
        ] {
            let error = hunt.render(&params(&[bad])).unwrap_err().to_string();
            assert!(error.contains(bad.0), "{error}");
        }
        let error = find("ioc-sweep").unwrap().render(&[]).unwrap_err();
        assert!(error.to_string().contains("needs --param iocs"), "{error}");
    }
}
