//! Sigma correlation rules (specification 2.1): event_count, value_count,
//! temporal, temporal_ordered, value_sum, value_avg and value_percentile,
//! with group-by, aliases, chaining and `generate`.
//!
//! [`CorrelationSet`] resolves the rules a correlation names; a
//! [`Correlator`] then takes the hits of those rules in any order and
//! evaluates true sliding windows in event time.

mod engine;
mod set;
mod window;

use std::collections::BTreeMap;
use std::sync::Arc;

use parapet_core::RuleMeta;
use serde_yaml::{Mapping, Value as Yaml};

use crate::error::RuleError;
use crate::rule::{optional_text, rule_meta, text_list};
use crate::value::yaml_kind;

pub use engine::{CorrelationStats, Correlator, CorrelatorLimits, Hit, HitValues};
pub use set::{CorrelationSet, RuleRole};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrelationType {
    EventCount,
    ValueCount,
    Temporal,
    TemporalOrdered,
    ValueSum,
    ValueAvg,
    ValuePercentile,
}

impl CorrelationType {
    pub fn as_str(self) -> &'static str {
        match self {
            CorrelationType::EventCount => "event_count",
            CorrelationType::ValueCount => "value_count",
            CorrelationType::Temporal => "temporal",
            CorrelationType::TemporalOrdered => "temporal_ordered",
            CorrelationType::ValueSum => "value_sum",
            CorrelationType::ValueAvg => "value_avg",
            CorrelationType::ValuePercentile => "value_percentile",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            CorrelationType::EventCount,
            CorrelationType::ValueCount,
            CorrelationType::Temporal,
            CorrelationType::TemporalOrdered,
            CorrelationType::ValueSum,
            CorrelationType::ValueAvg,
            CorrelationType::ValuePercentile,
        ]
        .into_iter()
        .find(|t| t.as_str() == text)
    }

    /// The value_* types read a field of the events.
    fn needs_field(self) -> bool {
        matches!(
            self,
            CorrelationType::ValueCount
                | CorrelationType::ValueSum
                | CorrelationType::ValueAvg
                | CorrelationType::ValuePercentile
        )
    }
}

/// One comparison of a correlation condition (`gte: 10`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    pub op: &'static str,
    pub value: f64,
}

impl Comparison {
    pub fn holds(&self, x: f64) -> bool {
        match self.op {
            "gt" => x > self.value,
            "gte" => x >= self.value,
            "lt" => x < self.value,
            "lte" => x <= self.value,
            "eq" => x == self.value,
            _ => x != self.value,
        }
    }
}

/// A parsed correlation rule.
#[derive(Debug, Clone)]
pub struct CorrelationRule {
    pub meta: Arc<RuleMeta>,
    pub name: Option<String>,
    pub kind: CorrelationType,
    /// Ids or names of the rules (or correlations) it correlates, in order.
    pub rules: Vec<String>,
    pub group_by: Vec<String>,
    pub timespan_ms: i64,
    /// Every comparison must hold (`gt: 100, lte: 200`). Empty for a
    /// temporal correlation without one: all its rules must appear.
    pub condition: Vec<Comparison>,
    /// `condition.field` of the value_* types.
    pub fields: Vec<String>,
    /// alias -> (rule name -> field of that rule's events).
    pub aliases: BTreeMap<String, BTreeMap<String, String>>,
    /// The referenced rules also alert on their own.
    pub generate: bool,
}

const CORRELATION_KEYS: [&str; 7] = [
    "type",
    "rules",
    "group-by",
    "timespan",
    "condition",
    "aliases",
    "generate",
];
const COMPARISONS: [&str; 6] = ["gt", "gte", "lt", "lte", "eq", "neq"];

pub(crate) fn parse_correlation(
    source_name: &str,
    map: &Mapping,
) -> Result<CorrelationRule, RuleError> {
    let err = |construct: &str, reason: String| RuleError::new(source_name, construct, reason);
    let meta = rule_meta(source_name, map)?;
    let name = optional_text(map, "name").map_err(|r| err("name", r))?;
    let Some(Yaml::Mapping(body)) = map.get("correlation") else {
        return Err(err("correlation", "expected a map".into()));
    };
    for key in body.keys() {
        let key = key.as_str().unwrap_or_default();
        if !CORRELATION_KEYS.contains(&key) {
            return Err(err(
                &format!("correlation.{key}"),
                format!(
                    "unknown key; expected one of {}",
                    CORRELATION_KEYS.join(", ")
                ),
            ));
        }
    }
    let kind_text = optional_text(body, "type")
        .map_err(|r| err("correlation.type", r))?
        .ok_or_else(|| err("correlation.type", "missing".into()))?;
    let kind = CorrelationType::parse(&kind_text).ok_or_else(|| {
        err(
            "correlation.type",
            format!("`{kind_text}`: expected event_count, value_count, temporal, temporal_ordered, value_sum, value_avg or value_percentile"),
        )
    })?;
    let rules = text_list(body, "rules").map_err(|r| err("correlation.rules", r))?;
    if rules.is_empty() {
        return Err(err("correlation.rules", "missing or empty".into()));
    }
    let group_by = text_list(body, "group-by").map_err(|r| err("correlation.group-by", r))?;
    let timespan_text = optional_text(body, "timespan")
        .map_err(|r| err("correlation.timespan", r))?
        .ok_or_else(|| err("correlation.timespan", "missing".into()))?;
    let timespan_ms = parse_timespan(&timespan_text).ok_or_else(|| {
        err(
            "correlation.timespan",
            format!("`{timespan_text}`: expected a number and s, m, h, d or w, e.g. 90m"),
        )
    })?;
    let (condition, fields) = match body.get("condition") {
        None => (Vec::new(), Vec::new()),
        Some(Yaml::Mapping(cond)) => {
            parse_condition(cond).map_err(|r| err("correlation.condition", r))?
        }
        Some(other) => {
            return Err(err(
                "correlation.condition",
                format!(
                    "expected a map such as `gte: 10`, found {}",
                    yaml_kind(other)
                ),
            ))
        }
    };
    let is_temporal = matches!(
        kind,
        CorrelationType::Temporal | CorrelationType::TemporalOrdered
    );
    if condition.is_empty() && !is_temporal {
        return Err(err(
            "correlation.condition",
            format!("{kind_text} needs a condition such as `gte: 10`"),
        ));
    }
    if kind.needs_field() && fields.is_empty() {
        return Err(err(
            "correlation.condition.field",
            format!("{kind_text} needs the field it reads"),
        ));
    }
    let aliases = parse_aliases(body).map_err(|r| err("correlation.aliases", r))?;
    let generate = match body.get("generate") {
        None => false,
        Some(Yaml::Bool(b)) => *b,
        Some(other) => {
            return Err(err(
                "correlation.generate",
                format!("expected true or false, found {}", yaml_kind(other)),
            ))
        }
    };
    Ok(CorrelationRule {
        meta: Arc::new(meta),
        name,
        kind,
        rules,
        group_by,
        timespan_ms,
        condition,
        fields,
        aliases,
        generate,
    })
}

/// `90m`, `1h`, `30s`, `2d`, `1w` in milliseconds.
pub fn parse_timespan(text: &str) -> Option<i64> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let number: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let scale = match unit {
        's' => 1_000,
        'm' => 60_000,
        'h' => 3_600_000,
        'd' => 86_400_000,
        'w' => 7 * 86_400_000,
        _ => return None,
    };
    (number > 0).then(|| number.checked_mul(scale)).flatten()
}

fn parse_condition(map: &Mapping) -> Result<(Vec<Comparison>, Vec<String>), String> {
    let mut comparisons = Vec::new();
    let mut fields = Vec::new();
    for (key, value) in map {
        let key = key.as_str().unwrap_or_default();
        if key == "field" {
            fields = match value {
                Yaml::String(one) => vec![one.clone()],
                Yaml::Sequence(many) => many
                    .iter()
                    .map(|f| f.as_str().map(str::to_string))
                    .collect::<Option<_>>()
                    .ok_or("`field`: expected field names")?,
                _ => return Err("`field`: expected a field name or a list of them".into()),
            };
            continue;
        }
        let Some(op) = COMPARISONS.iter().find(|c| **c == key) else {
            return Err(format!(
                "unknown comparison `{key}`; expected one of {} (or field)",
                COMPARISONS.join(", ")
            ));
        };
        let Some(number) = value.as_f64() else {
            return Err(format!(
                "`{key}`: expected a number, found {}",
                yaml_kind(value)
            ));
        };
        comparisons.push(Comparison { op, value: number });
    }
    Ok((comparisons, fields))
}

fn parse_aliases(body: &Mapping) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
    let mut aliases = BTreeMap::new();
    let Some(value) = body.get("aliases") else {
        return Ok(aliases);
    };
    let Yaml::Mapping(map) = value else {
        return Err(format!(
            "expected a map of alias -> rule -> field, found {}",
            yaml_kind(value)
        ));
    };
    for (alias, per_rule) in map {
        let alias = alias.as_str().ok_or("alias names must be text")?;
        let Yaml::Mapping(per_rule) = per_rule else {
            return Err(format!("`{alias}`: expected a map of rule name -> field"));
        };
        let mut fields = BTreeMap::new();
        for (rule, field) in per_rule {
            match (rule.as_str(), field.as_str()) {
                (Some(rule), Some(field)) => {
                    fields.insert(rule.to_string(), field.to_string());
                }
                _ => return Err(format!("`{alias}`: expected rule name: field")),
            }
        }
        aliases.insert(alias.to_string(), fields);
    }
    Ok(aliases)
}

#[cfg(test)]
mod tests;
