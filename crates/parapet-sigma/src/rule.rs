//! A Sigma detection rule: its metadata, log source, search identifiers and
//! condition, parsed from YAML and compiled for matching.

use std::sync::Arc;

use parapet_core::{parse_attack_tags, Level, RuleMeta};
use serde_yaml::{Mapping, Value as Yaml};
use sonic_rs::Value;

use crate::condition::{parse_condition, Cond};
use crate::correlation::{parse_correlation, CorrelationRule};
use crate::error::RuleError;
use crate::filter::{parse_filter, FilterRule};
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

impl LogSource {
    /// True when every part this logsource names equals `other`'s: a
    /// filter's or pipeline's logsource selecting a rule.
    pub fn selects(&self, other: &LogSource) -> bool {
        let agrees = |w: &Option<String>, r: &Option<String>| w.is_none() || w == r;
        agrees(&self.product, &other.product)
            && agrees(&self.service, &other.service)
            && agrees(&self.category, &other.category)
    }
}

impl std::fmt::Display for LogSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<&str> = [&self.product, &self.service, &self.category]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        f.write_str(&parts.join("/"))
    }
}

/// A rule ready to match events.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub meta: Arc<RuleMeta>,
    /// The rule's `name`, by which correlations and filters may refer to it.
    pub name: Option<String>,
    pub logsource: LogSource,
    pub(crate) searches: Vec<Search>,
    pub(crate) condition: Cond,
    /// Filters applied to this rule: an event any of them matches is not a hit.
    pub(crate) exclusions: Vec<Detection>,
}

/// A compiled `detection` block: search identifiers and the condition over them.
#[derive(Debug, Clone)]
pub(crate) struct Detection {
    pub(crate) searches: Vec<Search>,
    pub(crate) condition: Cond,
}

impl Detection {
    pub(crate) fn matches(&self, event: &Value) -> bool {
        self.condition
            .eval(&mut |i| self.searches[i].matches(event))
    }
}

impl CompiledRule {
    pub fn matches(&self, event: &Value) -> bool {
        self.condition
            .eval(&mut |i| self.searches[i].matches(event))
            && !self.exclusions.iter().any(|f| f.matches(event))
    }

    /// True when `reference` (from a correlation or filter) names this rule.
    pub fn is_named(&self, reference: &str) -> bool {
        self.meta.id == reference || self.name.as_deref() == Some(reference)
    }
}

/// Everything a rule file holds: detection rules, correlation rules and
/// filters, in any mix of YAML documents.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub detections: Vec<CompiledRule>,
    pub correlations: Vec<CorrelationRule>,
    pub filters: Vec<FilterRule>,
}

impl RuleSet {
    pub fn extend(&mut self, other: RuleSet) {
        self.detections.extend(other.detections);
        self.correlations.extend(other.correlations);
        self.filters.extend(other.filters);
    }

    pub fn is_empty(&self) -> bool {
        self.detections.is_empty() && self.correlations.is_empty() && self.filters.is_empty()
    }
}

/// Parses every YAML document of a rule file: detection rules, correlation
/// rules (`correlation:`) and filters (`filter:`).
pub fn parse_documents(
    source_name: &str,
    text: &str,
    placeholders: &Placeholders,
) -> Result<RuleSet, RuleError> {
    if text.len() > MAX_RULE_BYTES {
        return Err(RuleError::new(
            source_name,
            "file",
            format!("larger than {MAX_RULE_BYTES} bytes"),
        ));
    }
    let mut set = RuleSet::default();
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
        if map.contains_key("correlation") {
            set.correlations.push(parse_correlation(source_name, &map)?);
        } else if map.contains_key("filter") && !map.contains_key("detection") {
            set.filters
                .push(parse_filter(source_name, &map, placeholders)?);
        } else {
            set.detections
                .push(compile_rule(source_name, &map, placeholders)?);
        }
    }
    if set.is_empty() {
        return Err(RuleError::new(source_name, "file", "no rule in it"));
    }
    Ok(set)
}

/// Parses a file of detection rules only; a correlation or filter in it is
/// an error naming the construct.
pub fn parse_rules(
    source_name: &str,
    text: &str,
    placeholders: &Placeholders,
) -> Result<Vec<CompiledRule>, RuleError> {
    let set = parse_documents(source_name, text, placeholders)?;
    if !set.correlations.is_empty() {
        return Err(RuleError::new(
            source_name,
            "correlation",
            "a correlation rule where only detection rules are expected",
        ));
    }
    if !set.filters.is_empty() {
        return Err(RuleError::new(
            source_name,
            "filter",
            "a Sigma filter where only detection rules are expected",
        ));
    }
    Ok(set.detections)
}

fn compile_rule(
    source_name: &str,
    map: &Mapping,
    placeholders: &Placeholders,
) -> Result<CompiledRule, RuleError> {
    let err = |construct: &str, reason: String| RuleError::new(source_name, construct, reason);
    if let Some(action) = map.get("action") {
        return Err(err(
            "action",
            format!(
                "rule collections (action: {}) are Sigma 1.0 syntax and unsupported",
                text_of(action).unwrap_or_default()
            ),
        ));
    }
    let meta = rule_meta(source_name, map)?;
    let logsource = parse_logsource(map).map_err(|r| err("logsource", r))?;
    let Some(Yaml::Mapping(detection)) = map.get("detection") else {
        return Err(err(
            "detection",
            "missing, or not a map of search identifiers and a condition".into(),
        ));
    };
    let Detection {
        searches,
        condition,
    } = compile_detection(detection, placeholders, "detection")
        .map_err(|(construct, reason)| err(&construct, reason))?;
    let name = optional_text(map, "name").map_err(|r| err("name", r))?;
    Ok(CompiledRule {
        meta: Arc::new(meta),
        name,
        logsource,
        searches,
        condition,
        exclusions: Vec::new(),
    })
}

/// The metadata every kind of rule document shares.
pub(crate) fn rule_meta(source_name: &str, map: &Mapping) -> Result<RuleMeta, RuleError> {
    let err = |construct: &str, reason: String| RuleError::new(source_name, construct, reason);
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
    Ok(meta)
}

/// Compiles a detection block (`selection`s and `condition`); `at` names the
/// block in errors. Errors are (construct, reason).
pub(crate) fn compile_detection(
    detection: &Mapping,
    placeholders: &Placeholders,
    at: &str,
) -> Result<Detection, (String, String)> {
    let err = |construct: &str, reason: String| (construct.to_string(), reason);
    let condition_at = format!("{at}.condition");
    let mut names = Vec::new();
    let mut searches = Vec::new();
    for (key, body) in detection {
        let Some(name) = key.as_str() else {
            return Err(err(
                at,
                format!("search identifiers must be names, found {}", yaml_kind(key)),
            ));
        };
        if matches!(name, "condition" | "timeframe" | "rules") {
            continue;
        }
        let search =
            Search::compile(body, placeholders).map_err(|r| err(&format!("{at}.{name}"), r))?;
        names.push(name.to_string());
        searches.push(search);
    }
    let conditions: Vec<String> = match detection.get("condition") {
        Some(Yaml::String(text)) => vec![text.clone()],
        Some(Yaml::Sequence(items)) => items
            .iter()
            .map(|i| {
                text_of(i)
                    .ok_or_else(|| err(&condition_at, "each condition must be a string".into()))
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(err(
                &condition_at,
                format!("expected a string, found {}", yaml_kind(other)),
            ))
        }
        None => return Err(err(&condition_at, "missing".into())),
    };
    let mut parsed = conditions
        .iter()
        .map(|text| {
            parse_condition(text, &names).map_err(|r| err(&condition_at, format!("`{text}`: {r}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let condition = if parsed.len() == 1 {
        parsed.remove(0)
    } else {
        Cond::Or(parsed)
    };
    Ok(Detection {
        searches,
        condition,
    })
}

pub(crate) fn parse_logsource(map: &Mapping) -> Result<LogSource, String> {
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

pub(crate) fn text_of(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn required_text(map: &Mapping, key: &str) -> Result<String, String> {
    optional_text(map, key)?.ok_or_else(|| "missing".to_string())
}

pub(crate) fn optional_text(map: &Mapping, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None | Some(Yaml::Null) => Ok(None),
        Some(value) => text_of(value)
            .map(Some)
            .ok_or_else(|| format!("expected text, found {}", yaml_kind(value))),
    }
}

pub(crate) fn text_list(map: &Mapping, key: &str) -> Result<Vec<String>, String> {
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
