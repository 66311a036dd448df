//! Field-mapping pipelines, in the YAML format of pySigma processing
//! pipelines: the rule says `gcp.audit.method_name`, the log says
//! `protoPayload.methodName`. A pipeline rewrites the field names of the
//! rules its conditions select, so one rule runs on raw logs of several
//! shapes and on OCSF-normalized data.
//!
//! Supported: `name`, `priority`, `transformations` of type
//! `field_name_mapping` (a field to one field or a list, any of which may hold
//! it) and `field_name_prefix_mapping`, with `rule_conditions` of type
//! `logsource` joined by `rule_cond_op` (`and`, the default, or `or`).
//! `vars`, `postprocessing` and `finalizers` shape backend queries and are
//! ignored by a matching engine; any other transformation is refused.

use std::collections::HashMap;

use serde_yaml::{Mapping, Value as Yaml};

use crate::error::RuleError;
use crate::field::FieldPath;
use crate::rule::{CompiledRule, LogSource};
use crate::search::{CheckKind, FieldCheck, Search};
use crate::value::yaml_kind;

/// A parsed pipeline.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub name: String,
    pub priority: i64,
    transformations: Vec<Transformation>,
}

#[derive(Debug, Clone)]
struct Transformation {
    rename: Rename,
    conditions: Vec<LogSource>,
    any_condition: bool,
}

#[derive(Debug, Clone)]
enum Rename {
    Fields(HashMap<String, Vec<String>>),
    Prefixes(Vec<(String, String)>),
}

const IGNORED_KEYS: [&str; 4] = ["vars", "postprocessing", "finalizers", "allowed_backends"];

impl Pipeline {
    /// Parses a pipeline file; `source_name` is how errors name it.
    pub fn parse(source_name: &str, text: &str) -> Result<Pipeline, RuleError> {
        let err = |construct: &str, reason: String| RuleError::new(source_name, construct, reason);
        let yaml: Yaml = serde_yaml::from_str(text).map_err(|e| err("yaml", e.to_string()))?;
        let Yaml::Mapping(map) = yaml else {
            return Err(err(
                "file",
                format!("expected a map, found {}", yaml_kind(&yaml)),
            ));
        };
        for key in map.keys() {
            let key = key.as_str().unwrap_or_default();
            if !matches!(key, "name" | "priority" | "transformations")
                && !IGNORED_KEYS.contains(&key)
            {
                return Err(err(key, "unknown pipeline key".into()));
            }
        }
        let name = match map.get("name") {
            Some(Yaml::String(name)) => name.clone(),
            _ => source_name.to_string(),
        };
        let priority = match map.get("priority") {
            None => 0,
            Some(Yaml::Number(n)) => n
                .as_i64()
                .ok_or_else(|| err("priority", "expected an integer".into()))?,
            Some(other) => {
                return Err(err(
                    "priority",
                    format!("expected an integer, found {}", yaml_kind(other)),
                ))
            }
        };
        let items = match map.get("transformations") {
            Some(Yaml::Sequence(items)) => items,
            _ => return Err(err("transformations", "missing, or not a list".into())),
        };
        let transformations = items
            .iter()
            .enumerate()
            .map(|(n, item)| {
                let Yaml::Mapping(item) = item else {
                    return Err(err(
                        &format!("transformations[{n}]"),
                        "expected a map".into(),
                    ));
                };
                let id = item.get("id").and_then(Yaml::as_str).map_or_else(
                    || format!("transformations[{n}]"),
                    |id| format!("transformation {id}"),
                );
                parse_transformation(item).map_err(|reason| err(&id, reason))
            })
            .collect::<Result<_, _>>()?;
        Ok(Pipeline {
            name,
            priority,
            transformations,
        })
    }

    /// Rewrites the field names of `rule` with every transformation whose
    /// conditions select it.
    pub fn apply(&self, rule: &mut CompiledRule) {
        let logsource = rule.logsource.clone();
        rule.for_each_field(&mut |field| self.relocate(&logsource, field));
    }

    /// Rewrites one field read for a rule of `logsource` (a correlation's
    /// group-by or value field) as [`Pipeline::apply`] rewrites the rule's.
    pub(crate) fn relocate(&self, logsource: &LogSource, field: &mut FieldPath) {
        for t in &self.transformations {
            let selected = |want: &LogSource| want.selects(logsource);
            let applies = t.conditions.is_empty()
                || if t.any_condition {
                    t.conditions.iter().any(selected)
                } else {
                    t.conditions.iter().all(selected)
                };
            if applies {
                let names: Vec<String> = field
                    .place_names()
                    .flat_map(|name| t.rename.of(name))
                    .collect();
                field.relocate(&names);
            }
        }
    }
}

impl Rename {
    fn of(&self, name: &str) -> Vec<String> {
        match self {
            Rename::Fields(map) => map
                .get(name)
                .cloned()
                .unwrap_or_else(|| vec![name.to_string()]),
            Rename::Prefixes(prefixes) => vec![prefixes
                .iter()
                .find_map(|(from, to)| {
                    name.strip_prefix(from.as_str())
                        .map(|rest| format!("{to}{rest}"))
                })
                .unwrap_or_else(|| name.to_string())],
        }
    }
}

fn parse_transformation(item: &Mapping) -> Result<Transformation, String> {
    let kind = item
        .get("type")
        .and_then(Yaml::as_str)
        .ok_or("`type` missing")?;
    let mapping = || match item.get("mapping") {
        Some(Yaml::Mapping(m)) => Ok(m),
        _ => Err(format!("{kind}: `mapping` missing, or not a map")),
    };
    let rename = match kind {
        "field_name_mapping" => {
            let mut fields = HashMap::new();
            for (from, to) in mapping()? {
                let from = from.as_str().ok_or("mapping keys must be field names")?;
                let to = match to {
                    Yaml::String(one) => vec![one.clone()],
                    Yaml::Sequence(many) if !many.is_empty() => many
                        .iter()
                        .map(|t| t.as_str().map(str::to_string))
                        .collect::<Option<_>>()
                        .ok_or_else(|| format!("mapping of `{from}`: expected field names"))?,
                    _ => return Err(format!("mapping of `{from}`: expected a field name or a list of them")),
                };
                fields.insert(from.to_string(), to);
            }
            Rename::Fields(fields)
        }
        "field_name_prefix_mapping" => {
            let mut prefixes = Vec::new();
            for (from, to) in mapping()? {
                match (from.as_str(), to.as_str()) {
                    (Some(from), Some(to)) => prefixes.push((from.to_string(), to.to_string())),
                    _ => return Err("prefix mapping: expected a prefix and its replacement".into()),
                }
            }
            // Longest prefix first, so the most specific one wins.
            prefixes.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
            Rename::Prefixes(prefixes)
        }
        other => {
            return Err(format!(
                "transformation type `{other}` is not supported; supported: field_name_mapping, field_name_prefix_mapping"
            ))
        }
    };
    for key in [
        "field_name_conditions",
        "detection_item_conditions",
        "rule_cond_expr",
    ] {
        if item.contains_key(key) {
            return Err(format!(
                "`{key}` is not supported; use rule_conditions of type logsource"
            ));
        }
    }
    let any_condition = match item.get("rule_cond_op").and_then(Yaml::as_str) {
        None | Some("and") => false,
        Some("or") => true,
        Some(other) => return Err(format!("rule_cond_op `{other}`: expected and or or")),
    };
    let conditions = match item.get("rule_conditions") {
        None => Vec::new(),
        Some(Yaml::Sequence(items)) => items
            .iter()
            .map(parse_condition)
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(format!(
                "rule_conditions: expected a list, found {}",
                yaml_kind(other)
            ))
        }
    };
    Ok(Transformation {
        rename,
        conditions,
        any_condition,
    })
}

fn parse_condition(item: &Yaml) -> Result<LogSource, String> {
    let Yaml::Mapping(map) = item else {
        return Err("rule_conditions: expected maps".into());
    };
    match map.get("type").and_then(Yaml::as_str) {
        Some("logsource") => {}
        Some(other) => {
            return Err(format!(
                "rule condition type `{other}` is not supported; supported: logsource"
            ))
        }
        None => return Err("rule condition without `type`".into()),
    }
    let get = |key: &str| {
        map.get(key)
            .and_then(Yaml::as_str)
            .map(str::to_ascii_lowercase)
    };
    Ok(LogSource {
        product: get("product"),
        service: get("service"),
        category: get("category"),
    })
}

impl CompiledRule {
    /// Calls `f` on every field path of the rule's searches.
    pub(crate) fn for_each_field(&mut self, f: &mut dyn FnMut(&mut FieldPath)) {
        for search in &mut self.searches {
            search.for_each_field(f);
        }
        for exclusion in &mut self.exclusions {
            exclusion.for_each_field(f);
        }
    }
}

impl Search {
    fn for_each_field(&mut self, f: &mut dyn FnMut(&mut FieldPath)) {
        match self {
            Search::AllOf(checks) => checks.iter_mut().for_each(|c| c.for_each_field(f)),
            Search::AnyOf(items) => items.iter_mut().for_each(|s| s.for_each_field(f)),
            Search::Keywords { .. } => {}
        }
    }
}

impl crate::rule::Detection {
    fn for_each_field(&mut self, f: &mut dyn FnMut(&mut FieldPath)) {
        for search in &mut self.searches {
            search.for_each_field(f);
        }
    }
}

impl FieldCheck {
    fn for_each_field(&mut self, f: &mut dyn FnMut(&mut FieldPath)) {
        match &mut self.kind {
            CheckKind::Keywords(search) => search.for_each_field(f),
            CheckKind::FieldRef { others, .. } => {
                f(&mut self.field);
                others.iter_mut().for_each(&mut *f);
            }
            CheckKind::Values { .. } | CheckKind::Exists(_) => f(&mut self.field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_rules, Placeholders};
    use sonic_rs::Value;

    const PIPELINE: &str = r#"
name: test
priority: 5
transformations:
  - id: names
    type: field_name_mapping
    mapping:
      method: protoPayload.methodName
      who: [actor.alternateId, user.username]
    rule_conditions:
      - type: logsource
        product: gcp
  - id: prefixes
    type: field_name_prefix_mapping
    mapping:
      data.protoPayload.: protoPayload.
finalizers:
  - type: concat
"#;

    fn rule(product: &str, detection: &str) -> CompiledRule {
        let text = format!("title: t\nlogsource:\n    product: {product}\ndetection:\n{detection}");
        parse_rules("r.yml", &text, &Placeholders::new())
            .unwrap()
            .remove(0)
    }

    fn hit(rule: &CompiledRule, json: &str) -> bool {
        rule.matches(&sonic_rs::from_str::<Value>(json).unwrap())
    }

    #[test]
    fn maps_names_to_one_or_many_fields_and_prefixes_under_conditions() {
        let pipeline = Pipeline::parse("p.yml", PIPELINE).unwrap();
        assert_eq!((pipeline.name.as_str(), pipeline.priority), ("test", 5));
        let mut gcp = rule(
            "gcp",
            "    sel:\n        method: storage.buckets.list\n        who: eve\n    condition: sel",
        );
        pipeline.apply(&mut gcp);
        assert!(hit(
            &gcp,
            r#"{"protoPayload":{"methodName":"storage.buckets.list"},"user":{"username":"eve"}}"#
        ));
        assert!(!hit(
            &gcp,
            r#"{"method":"storage.buckets.list","who":"eve"}"#
        ));
        let mut other = rule("aws", "    sel:\n        method: x\n    condition: sel");
        pipeline.apply(&mut other);
        assert!(
            hit(&other, r#"{"method":"x"}"#),
            "the condition leaves other products alone"
        );
        let mut prefixed = rule(
            "aws",
            "    sel:\n        data.protoPayload.serviceName: iam\n    condition: sel",
        );
        pipeline.apply(&mut prefixed);
        assert!(hit(&prefixed, r#"{"protoPayload":{"serviceName":"iam"}}"#));
    }

    #[test]
    fn unsupported_constructs_are_named() {
        let cases = [
            ("transformations:\n  - type: add_condition\n    conditions: {a: b}\n", "`add_condition` is not supported"),
            ("transformations:\n  - type: field_name_mapping\n    mapping: {a: b}\n    rule_conditions:\n      - type: processing_item_applied\n", "rule condition type `processing_item_applied`"),
            ("transformations:\n  - type: field_name_mapping\n", "`mapping` missing"),
            ("transformation: []\n", "unknown pipeline key"),
            ("transformations: 3\n", "not a list"),
        ];
        for (text, want) in cases {
            let error = Pipeline::parse("p.yml", text).unwrap_err().to_string();
            assert!(
                error.starts_with("p.yml: ") && error.contains(want),
                "{error}"
            );
        }
    }
}
