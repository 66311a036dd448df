//! `rules lint`: a rule file checked against the Sigma specification, each
//! problem with its line. Problems that stop a rule loading are errors;
//! departures from the specification's conventions are warnings.

use parapet_core::{
    attack_techniques, is_attack_technique_id, parse_rfc3339, tactic_by_short_name,
};
use serde_yaml::{Mapping, Value as Yaml};

use crate::rule::parse_documents;
use crate::value::Placeholders;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintFinding {
    /// 1-based line in the file.
    pub line: usize,
    pub severity: Severity,
    pub message: String,
}

const RULE_KEYS: [&str; 19] = [
    "title",
    "id",
    "name",
    "related",
    "status",
    "description",
    "references",
    "author",
    "date",
    "modified",
    "tags",
    "logsource",
    "detection",
    "fields",
    "falsepositives",
    "level",
    "license",
    "taxonomy",
    "scope",
];
const META_KEYS: [&str; 15] = [
    "title",
    "id",
    "name",
    "status",
    "description",
    "references",
    "author",
    "date",
    "modified",
    "tags",
    "falsepositives",
    "level",
    "license",
    "taxonomy",
    "generate",
];
const STATUSES: [&str; 5] = [
    "stable",
    "test",
    "experimental",
    "deprecated",
    "unsupported",
];
const LOGSOURCE_KEYS: [&str; 4] = ["product", "service", "category", "definition"];

/// Lints every document of a rule file.
pub fn lint(source_name: &str, text: &str) -> Vec<LintFinding> {
    let mut findings = Vec::new();
    let techniques: Vec<&str> = attack_techniques().1.iter().map(|t| t.id).collect();
    if let Err(error) = parse_documents(source_name, text, &Placeholders::new()) {
        // The reason often quotes the offending key (`field|modifier`):
        // its line is more precise than the construct's.
        let quoted = error.reason.split('`').nth(1).filter(|q| !q.is_empty());
        let key = error
            .construct
            .rsplit('.')
            .next()
            .unwrap_or(&error.construct);
        let line = quoted
            .and_then(|q| line_of(text, 0, q))
            .or_else(|| line_of(text, 0, key));
        findings.push(LintFinding {
            line: line.unwrap_or(1),
            severity: Severity::Error,
            message: format!("{}: {}", error.construct, error.reason),
        });
    }
    for (start, document) in documents(text) {
        let Ok(Yaml::Mapping(map)) = serde_yaml::from_str::<Yaml>(document) else {
            continue;
        };
        let mut say = |key: &str, severity, message: String| {
            findings.push(LintFinding {
                line: line_of(text, start, key).unwrap_or(start + 1),
                severity,
                message,
            });
        };
        let kind = if map.contains_key("correlation") {
            "correlation"
        } else if map.contains_key("filter") && !map.contains_key("detection") {
            "filter"
        } else {
            "detection"
        };
        for key in map.keys().filter_map(Yaml::as_str) {
            let known = match kind {
                "detection" => RULE_KEYS.contains(&key),
                "correlation" => META_KEYS.contains(&key) || key == "correlation",
                _ => META_KEYS.contains(&key) || matches!(key, "filter" | "logsource"),
            };
            if !known {
                say(
                    key,
                    Severity::Warning,
                    format!("unknown key `{key}` for a {kind} rule"),
                );
            }
        }
        let text_of = |key: &str| map.get(key).and_then(Yaml::as_str);
        match text_of("title") {
            None => say("title", Severity::Error, "`title` missing".into()),
            Some(t) if t.chars().count() > 256 => say(
                "title",
                Severity::Warning,
                "`title` longer than 256 characters".into(),
            ),
            _ => {}
        }
        if let Some(id) = text_of("id").filter(|id| !is_uuid(id)) {
            say("id", Severity::Warning, format!("`id` {id} is not a UUID"));
        }
        if let Some(status) = text_of("status").filter(|s| !STATUSES.contains(s)) {
            say(
                "status",
                Severity::Error,
                format!("`status` {status}: expected one of {}", STATUSES.join(", ")),
            );
        }
        for key in ["date", "modified"] {
            if let Some(date) = text_of(key).filter(|d| !is_date(d)) {
                say(
                    key,
                    Severity::Warning,
                    format!("`{key}` {date}: expected YYYY-MM-DD"),
                );
            }
        }
        if kind == "detection" && text_of("description").is_none() {
            say("title", Severity::Warning, "no `description`".into());
        }
        lint_tags(&map, &techniques, &mut say);
        if kind != "correlation" {
            match map.get("logsource") {
                Some(Yaml::Mapping(ls)) => {
                    for key in ls.keys().filter_map(Yaml::as_str) {
                        if !LOGSOURCE_KEYS.contains(&key) {
                            say(key, Severity::Error, format!("unknown logsource key `{key}`; expected product, service, category or definition"));
                        }
                    }
                }
                _ => say(
                    "logsource",
                    Severity::Error,
                    "`logsource` missing or not a map".into(),
                ),
            }
        }
    }
    findings.sort_by_key(|f| (f.line, std::cmp::Reverse(f.severity)));
    findings.dedup();
    findings
}

fn lint_tags(map: &Mapping, techniques: &[&str], say: &mut dyn FnMut(&str, Severity, String)) {
    let Some(Yaml::Sequence(tags)) = map.get("tags") else {
        return;
    };
    for tag in tags.iter().filter_map(Yaml::as_str) {
        let well_formed = tag.split_once('.').is_some_and(|(ns, rest)| {
            !ns.is_empty()
                && !rest.is_empty()
                && tag
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        });
        if !well_formed {
            say(
                tag,
                Severity::Error,
                format!("tag `{tag}`: expected namespace.name in lower case"),
            );
            continue;
        }
        let Some(rest) = tag.strip_prefix("attack.") else {
            continue;
        };
        let technique = rest.to_ascii_uppercase();
        if rest.starts_with('t') && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
            let shaped = is_attack_technique_id(&technique)
                && technique.len() >= 5
                && technique[1..]
                    .split('.')
                    .next()
                    .is_some_and(|d| d.len() == 4)
                && technique.split('.').nth(1).is_none_or(|s| s.len() == 3);
            if !shaped {
                say(tag, Severity::Error, format!("tag `{tag}`: an ATT&CK technique is t and four digits, with .three for a sub-technique"));
            } else if !techniques.contains(&technique.as_str()) {
                say(tag, Severity::Warning, format!("tag `{tag}`: {technique} is not in the ATT&CK table Parapet ships (newer, or revoked)"));
            }
            continue;
        }
        let is_group_or_software = rest.len() == 5
            && matches!(rest.as_bytes()[0], b'g' | b's')
            && rest[1..].chars().all(|c| c.is_ascii_digit());
        if is_group_or_software || tactic_by_short_name(&rest.replace('_', "-")).is_some() {
            continue;
        }
        if rest
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
        {
            say(
                tag,
                Severity::Warning,
                format!("tag `{tag}`: not a tactic of the ATT&CK table Parapet ships (newer?)"),
            );
        } else {
            say(
                tag,
                Severity::Error,
                format!("tag `{tag}`: not an ATT&CK tactic, technique, group or software id"),
            );
        }
    }
}

/// (0-based line where it starts, text) of every YAML document.
fn documents(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start_line = 0;
    let mut start_byte = 0;
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            out.push((start_line, &text[start_byte..offset]));
            start_line = n + 1;
            start_byte = offset + line.len();
        }
        offset += line.len();
    }
    out.push((start_line, &text[start_byte..]));
    out
}

/// 1-based line of the first line at or after `from` (0-based) holding
/// `needle` as a key (`needle:` or `needle|...:`) or a list item.
fn line_of(text: &str, from: usize, needle: &str) -> Option<usize> {
    text.lines().enumerate().skip(from).find_map(|(n, line)| {
        let trimmed = line
            .trim_start()
            .trim_start_matches("- ")
            .trim_start_matches(['\'', '"']);
        let hit = trimmed.strip_prefix(needle).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with([':', '|', '\'', '"']) || rest.trim().is_empty()
        });
        hit.then_some(n + 1)
    })
}

fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `YYYY-MM-DD`, a real calendar day.
fn is_date(text: &str) -> bool {
    text.len() == 10 && parse_rfc3339(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_name_the_line_and_the_problem() {
        let text = "title: t\nid: not-a-uuid\nstatus: draft\nlevel: severe\ntags:\n    - attack.t1098.1\n    - attack.persistance\n    - attack.t9999\n    - Attack.T1098\nlogsource:\n    product: aws\n    servce: cloudtrail\ndetection:\n    sel:\n        eventName|contians: X\n    condition: sel\nfalsepostives:\n    - none\n";
        let found: Vec<String> = lint("r.yml", text)
            .iter()
            .map(|f| format!("{}:{:?}:{}", f.line, f.severity, f.message))
            .collect();
        let has = |line: usize, part: &str| {
            found
                .iter()
                .any(|f| f.starts_with(&format!("{line}:")) && f.contains(part))
        };
        assert!(has(2, "not a UUID"), "{found:#?}");
        assert!(has(3, "`status` draft"), "{found:#?}");
        assert!(has(4, "unknown level `severe`"), "{found:#?}");
        assert!(has(6, "four digits"), "{found:#?}");
        assert!(has(7, "not a tactic of the ATT&CK table"), "{found:#?}");
        assert!(has(8, "not in the ATT&CK table"), "{found:#?}");
        assert!(has(9, "lower case"), "{found:#?}");
        assert!(has(12, "unknown logsource key `servce`"), "{found:#?}");
        assert!(has(17, "unknown key `falsepostives`"), "{found:#?}");
    }

    #[test]
    fn a_rule_that_does_not_load_is_an_error_at_the_offending_key() {
        let text = "title: t\nlogsource:\n    product: aws\ndetection:\n    sel:\n        a: 1\n        eventName|contians: X\n    condition: sel\n";
        let found = lint("r.yml", text);
        let error = found
            .iter()
            .find(|f| f.severity == Severity::Error)
            .unwrap();
        assert_eq!(error.line, 7, "{found:?}");
        assert!(
            error.message.contains("unknown modifier `contians`"),
            "{found:?}"
        );
    }

    #[test]
    fn a_clean_rule_has_no_findings() {
        let text = "title: t\nid: 5f0f3b8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b\nstatus: test\ndescription: d\ndate: 2026-11-29\ntags:\n    - attack.persistence\n    - attack.t1098.001\nlogsource:\n    product: aws\ndetection:\n    sel: {eventName: X}\n    condition: sel\nlevel: low\n";
        assert_eq!(lint("r.yml", text), []);
    }
}
