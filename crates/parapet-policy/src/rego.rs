//! Custom rules in Rego (the regorus interpreter), one `.rego` file per rule,
//! over the JSON form of the Resource model:
//!
//! ```rego
//! package parapet.custom.bucket_without_owner
//! metadata := {"id": "CUSTOM-S3-001", "title": "Bucket has no owner tag",
//!              "severity": "medium", "kind": "aws.s3.bucket"}
//! fail contains msg if {
//!     not input.tags.owner
//!     msg := sprintf("bucket %s has no owner tag", [input.name])
//! }
//! ```
//!
//! `input` is `{uid, kind, name, provider, account, region, tags, attributes
//! (name -> value, known ones only), unknown (names), relations [{kind,
//! target}]}`. A non-empty `fail` set is FAIL with its messages; otherwise a
//! non-empty `unknown` set is UNKNOWN; otherwise PASS. The file's leading `#`
//! comment is the rule's documentation, in the same sections as built-in rules.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use parapet_core::{AttrValue, Level, Resource};
use regorus::{Engine, Value};

use crate::docs::RuleDocs;
use crate::inventory::Inventory;
use crate::rule::{fail, pass, RegisteredRule, Rule, RuleInfo, Unknown, Verdict};

/// Largest custom rule file read.
const MAX_REGO_BYTES: u64 = 1 << 20;

/// Deepest bracket nesting accepted: the interpreter parses recursively and
/// stalls on pathological nesting; real policies stay far below.
const MAX_REGO_NESTING: usize = 64;

/// The deepest nesting of `(`, `[` and `{` outside strings and comments.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    for c in text.chars() {
        if comment {
            comment = c != '\n';
            continue;
        }
        if let Some(q) = quote {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') if q == '"' => escaped = true,
                (false, c) if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '#' => comment = true,
            '"' | '`' => quote = Some(c),
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}: {reason}")]
pub struct RegoError {
    pub file: String,
    pub field: String,
    pub reason: String,
}

struct RegoRule {
    info: RuleInfo,
    package: String,
    engine: Mutex<Engine>,
}

fn error(file: &str, field: &str, reason: impl Into<String>) -> RegoError {
    RegoError {
        file: file.to_string(),
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// `package a.b.c` of a policy's text.
fn package_of(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("package "))
        .map(|p| p.trim().to_string())
}

fn string_field(meta: &sonic_rs::Value, file: &str, field: &str) -> Result<String, RegoError> {
    use sonic_rs::JsonValueTrait;
    meta.get(field)
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            error(
                file,
                &format!("metadata.{field}"),
                "missing or not a string",
            )
        })
}

fn load_one(file: &str, text: &str) -> Result<RegisteredRule, RegoError> {
    if nesting(text) > MAX_REGO_NESTING {
        return Err(error(
            file,
            "rego",
            format!("brackets nested deeper than {MAX_REGO_NESTING} levels"),
        ));
    }
    let package = package_of(text).ok_or_else(|| error(file, "package", "no `package` line"))?;
    let mut engine = Engine::new();
    engine
        .add_policy(file.to_string(), text.to_string())
        .map_err(|e| error(file, "rego", e.to_string()))?;
    let meta = engine
        .eval_rule(format!("data.{package}.metadata"))
        .map_err(|e| error(file, "metadata", e.to_string()))?;
    let meta_json = meta
        .to_json_str()
        .map_err(|_| error(file, "metadata", "not defined; expected metadata := {\"id\": ..., \"title\": ..., \"severity\": ..., \"kind\": ...}"))?;
    let meta: sonic_rs::Value =
        sonic_rs::from_str(&meta_json).map_err(|e| error(file, "metadata", e.to_string()))?;
    let id = string_field(&meta, file, "id")?;
    let title = string_field(&meta, file, "title")?;
    let kind = string_field(&meta, file, "kind")?;
    let severity_text = string_field(&meta, file, "severity")?;
    let severity: Level = severity_text.parse().map_err(|_| {
        error(
            file,
            "metadata.severity",
            format!("`{severity_text}`; expected informational, low, medium, high or critical"),
        )
    })?;
    let name = string_field(&meta, file, "name").unwrap_or_else(|_| id.clone());
    let docs = RuleDocs {
        text: text
            .lines()
            .map_while(|l| l.trim_start().strip_prefix('#'))
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let info = RuleInfo {
        id: Cow::Owned(id),
        name: Cow::Owned(name),
        title: Cow::Owned(title),
        severity,
        kind: Cow::Owned(kind),
    };
    Ok(RegisteredRule {
        rule: Box::new(RegoRule {
            info,
            package,
            engine: Mutex::new(engine),
        }),
        docs,
        source: file.to_string(),
    })
}

/// Every `.rego` file under `dir` (sorted, symlinked folders not followed):
/// the rules that load, and an error naming file and field for each that
/// does not.
pub fn load_rego_rules(dir: &Path) -> (Vec<RegisteredRule>, Vec<RegoError>) {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    let mut errors = Vec::new();
    while let Some(folder) = pending.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push(error(
                    &folder.display().to_string(),
                    "folder",
                    e.to_string(),
                ));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => pending.push(path),
                Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "rego") => {
                    files.push(path)
                }
                _ => {}
            }
        }
    }
    files.sort();
    let mut rules = Vec::new();
    for path in files {
        let file = path.display().to_string();
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if size > MAX_REGO_BYTES {
            errors.push(error(
                &file,
                "file",
                format!("larger than {MAX_REGO_BYTES} bytes"),
            ));
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => match load_one(&file, &text) {
                Ok(rule) => rules.push(rule),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(error(&file, "file", e.to_string())),
        }
    }
    (rules, errors)
}

/// The Resource as custom rules see it.
pub fn rego_input(resource: &Resource) -> String {
    let attributes: BTreeMap<&str, &AttrValue> = resource
        .attributes
        .iter()
        .filter(|(_, a)| a.known)
        .map(|(k, a)| (k.as_str(), &a.value))
        .collect();
    let unknown: Vec<&str> = resource
        .attributes
        .iter()
        .filter(|(_, a)| !a.known)
        .map(|(k, _)| k.as_str())
        .collect();
    let input = sonic_rs::json!({
        "uid": resource.uid,
        "kind": resource.kind,
        "name": resource.name,
        "provider": resource.provider.to_string(),
        "account": resource.account,
        "region": resource.region,
        "tags": resource.tags,
        "attributes": attributes,
        "unknown": unknown,
        "relations": resource.relations,
    });
    input.to_string()
}

fn messages(value: &Value) -> Vec<String> {
    let Ok(json) = value.to_json_str() else {
        return Vec::new();
    };
    let Ok(parsed) = sonic_rs::from_str::<Vec<sonic_rs::Value>>(&json) else {
        return Vec::new();
    };
    parsed
        .iter()
        .map(|v| {
            use sonic_rs::JsonValueTrait;
            v.as_str().map_or_else(|| v.to_string(), str::to_string)
        })
        .collect()
}

impl Rule for RegoRule {
    fn info(&self) -> &RuleInfo {
        &self.info
    }

    fn check(&self, resource: &Resource, _: &Inventory) -> Verdict {
        let mut engine = self
            .engine
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        engine
            .set_input_json(&rego_input(resource))
            .map_err(|e| Unknown(format!("input: {e}")))?;
        let failed = engine
            .eval_rule(format!("data.{}.fail", self.package))
            .map(|v| messages(&v))
            .map_err(|e| Unknown(format!("evaluation failed: {e}")))?;
        if !failed.is_empty() {
            return fail(failed.join("; "));
        }
        let unknown = engine
            .eval_rule(format!("data.{}.unknown", self.package))
            .map(|v| messages(&v))
            .unwrap_or_default();
        if !unknown.is_empty() {
            return Err(Unknown(unknown.join("; ")));
        }
        pass("no `fail` message")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a policy nested 100,000 brackets deep kept the
    /// interpreter's parser busy for minutes.
    #[test]
    fn pathological_nesting_is_refused_before_parsing() {
        let deep = format!(
            "package p\nx := {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let error = load_one("deep.rego", &deep).err().unwrap();
        assert_eq!(error.field, "rego");
        assert!(error.reason.contains("nested deeper than 64"));
        let quoted = format!(
            "package p\n# {}\nx := \"{}\"\n",
            "[".repeat(100),
            "{".repeat(100)
        );
        assert_eq!(nesting(&quoted), 0);
        assert_eq!(nesting("a := [{\"b\": (1)}]"), 3);
    }
}
