//! A Sigma detection rule: its metadata, log source, search identifiers and
//! condition, parsed from YAML and compiled for matching.

use std::sync::Arc;

use parapet_core::{parse_attack_tags, Level, RuleMeta};
use serde_yaml::{Mapping, Value as Yaml};
use sonic_rs::Value;

use crate::condition::{parse_condition, Cond};
use crate::error::RuleError;
use crate::search::Search;
use crate::value::{yaml_kind, Placeholders};

/// A rule file larger than this is refused before parsing.
pub const MAX_RULE_BYTES: usize = 1 << 20;

/// `logsource` of a rule, lower-cased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSource {
    pub product: Option<String>,
    pub service: Option<String>,
    pub category: Option<String>,
}

/// A rule ready to match events.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub meta: Arc<RuleMeta>,
    pub logsource: LogSource,
    pub(crate) searches: Vec<Search>,
    pub(crate) condition: Cond,
}

impl CompiledRule {
    pub fn matches(&self, event: &Value) -> bool {
        self.condition
            .eval(&mut |i| self.searches[i].matches(event))
    }
}

/// Parses every YAML document of a rule file. `source_name` is how errors and
/// alerts name the file.
pub fn parse_rules(
    source_name: &str,
    text: &str,
    placeholders: &Placeholders,
) -> Result<Vec<CompiledRule>, RuleError> {
    if text.len() > MAX_RULE_BYTES {
        return Err(RuleError::new(
            source_name,
            "file",
            format!("larger than {MAX_RULE_BYTES} bytes"),
        ));
    }
    let mut rules = Vec::new();
    for (n, document) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let yaml: Yaml = serde::Deserialize::deserialize(document)
            .map_err(|e| RuleError::new(source_name, "yaml", e.to_string()))?;
        if yaml.is_null() {
            continue;
        }
        let Yaml::Mapping(map) = yaml else {
            return Err(RuleError::new(
                source_name,
                format!("document {}", n + 1),
                format!("expected a map, found {}", yaml_kind(&yaml)),
            ));
        };
        rules.push(compile_rule(source_name, &map, placeholders)?);
    }
    if rules.is_empty() {
        return Err(RuleError::new(source_name, "file", "no rule in it"));
    }
    Ok(rules)
}

fn compile_rule(
    source_name: &str,
    map: &Mapping,
    placeholders: &Placeholders,
) -> Result<CompiledRule, RuleError> {
    let err = |construct: &str, reason: String| RuleError::new(source_name, construct, reason);
    if map.contains_key("correlation") {
        return Err(err(
            "correlation",
            "correlation rules are not supported yet; only detection rules load".into(),
        ));
    }
    if map.contains_key("filter") && !map.contains_key("detection") {
        return Err(err(
            "filter",
            "Sigma filters are not supported yet; only detection rules load".into(),
        ));
    }
    if let Some(action) = map.get("action") {
        return Err(err(
            "action",
            format!(
                "rule collections (action: {}) are Sigma 1.0 syntax and unsupported",
                text_of(action).unwrap_or_default()
            ),
        ));
    }
    let title = required_text(map, "title").map_err(|r| err("title", r))?;
    let id = optional_text(map, "id")
        .map_err(|r| err("id", r))?
        .unwrap_or_else(|| title.clone());
    let level = match optional_text(map, "level").map_err(|r| err("level", r))? {
        Some(text) => text
            .parse::<Level>()
            .map_err(|e| err("level", e.to_string()))?,
        None => Level::Medium,
    };
    let tags = text_list(map, "tags").map_err(|r| err("tags", r))?;
    let meta = RuleMeta {
        attack: parse_attack_tags(&tags),
        id,
        title,
        level,
        status: optional_text(map, "status").map_err(|r| err("status", r))?,
        description: optional_text(map, "description").map_err(|r| err("description", r))?,
        author: optional_text(map, "author").map_err(|r| err("author", r))?,
        license: optional_text(map, "license").map_err(|r| err("license", r))?,
        references: text_list(map, "references").map_err(|r| err("references", r))?,
        falsepositives: text_list(map, "falsepositives").map_err(|r| err("falsepositives", r))?,
        tags,
        source: source_name.to_string(),
    };
    let logsource = parse_logsource(map).map_err(|r| err("logsource", r))?;
    let Some(Yaml::Mapping(detection)) = map.get("detection") else {
        return Err(err(
            "detection",
            "missing, or not a map of search identifiers and a condition".into(),
        ));
    };
    let mut names = Vec::new();
    let mut searches = Vec::new();
    for (key, body) in detection {
        let Some(name) = key.as_str() else {
            return Err(err(
                "detection",
                format!("search identifiers must be names, found {}", yaml_kind(key)),
            ));
        };
        if matches!(name, "condition" | "timeframe") {
            continue;
        }
        let search = Search::compile(body, placeholders)
            .map_err(|r| err(&format!("detection.{name}"), r))?;
        names.push(name.to_string());
        searches.push(search);
    }
    let conditions: Vec<String> = match detection.get("condition") {
        Some(Yaml::String(text)) => vec![text.clone()],
        Some(Yaml::Sequence(items)) => items
            .iter()
            .map(|i| {
                text_of(i).ok_or_else(|| {
                    err(
                        "detection.condition",
                        "each condition must be a string".into(),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(err(
                "detection.condition",
                format!("expected a string, found {}", yaml_kind(other)),
            ))
        }
        None => return Err(err("detection.condition", "missing".into())),
    };
    let mut parsed = conditions
        .iter()
        .map(|text| {
            parse_condition(text, &names)
                .map_err(|r| err("detection.condition", format!("`{text}`: {r}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let condition = if parsed.len() == 1 {
        parsed.remove(0)
    } else {
        Cond::Or(parsed)
    };
    Ok(CompiledRule {
        meta: Arc::new(meta),
        logsource,
        searches,
        condition,
    })
}

fn parse_logsource(map: &Mapping) -> Result<LogSource, String> {
    let Some(Yaml::Mapping(ls)) = map.get("logsource") else {
        return Err("missing, or not a map of product/service/category".into());
    };
    let get = |key: &str| optional_text(ls, key).map(|v| v.map(|s| s.to_ascii_lowercase()));
    let logsource = LogSource {
        product: get("product")?,
        service: get("service")?,
        category: get("category")?,
    };
    if logsource == LogSource::default() {
        return Err("names none of product, service, category".into());
    }
    Ok(logsource)
}

fn text_of(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn required_text(map: &Mapping, key: &str) -> Result<String, String> {
    optional_text(map, key)?.ok_or_else(|| "missing".to_string())
}

fn optional_text(map: &Mapping, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None | Some(Yaml::Null) => Ok(None),
        Some(value) => text_of(value)
            .map(Some)
            .ok_or_else(|| format!("expected text, found {}", yaml_kind(value))),
    }
}

fn text_list(map: &Mapping, key: &str) -> Result<Vec<String>, String> {
    match map.get(key) {
        None | Some(Yaml::Null) => Ok(Vec::new()),
        Some(Yaml::Sequence(items)) => items
            .iter()
            .map(|i| {
                text_of(i)
                    .ok_or_else(|| format!("expected a list of text, found {} in it", yaml_kind(i)))
            })
            .collect(),
        Some(value) => text_of(value)
            .map(|t| vec![t])
            .ok_or_else(|| format!("expected a list, found {}", yaml_kind(value))),
    }
}
