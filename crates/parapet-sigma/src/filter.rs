//! Sigma filters (meta filters, specification 2.1): a `filter:` document
//! names rules by id or name and a selection; an event the filter's
//! condition matches is no longer a hit of those rules.

use serde_yaml::{Mapping, Value as Yaml};

use crate::error::RuleError;
use crate::rule::{
    compile_detection, parse_logsource, required_text, text_list, CompiledRule, Detection,
    LogSource,
};
use crate::value::Placeholders;

#[derive(Debug, Clone)]
pub struct FilterRule {
    pub id: String,
    pub title: String,
    /// The file it came from.
    pub source: String,
    pub logsource: LogSource,
    /// Ids or names of the rules it applies to.
    pub rules: Vec<String>,
    pub(crate) detection: Detection,
}

pub(crate) fn parse_filter(
    source_name: &str,
    map: &Mapping,
    placeholders: &Placeholders,
) -> Result<FilterRule, RuleError> {
    let err = |construct: &str, reason: String| RuleError::new(source_name, construct, reason);
    let title = required_text(map, "title").map_err(|r| err("title", r))?;
    let id = map
        .get("id")
        .and_then(Yaml::as_str)
        .map_or_else(|| title.clone(), str::to_string);
    let logsource = parse_logsource(map).map_err(|r| err("logsource", r))?;
    let Some(Yaml::Mapping(body)) = map.get("filter") else {
        return Err(err(
            "filter",
            "expected a map of rules, selections and a condition".into(),
        ));
    };
    let rules = text_list(body, "rules").map_err(|r| err("filter.rules", r))?;
    if rules.is_empty() {
        return Err(err(
            "filter.rules",
            "missing: name the rules the filter applies to".into(),
        ));
    }
    let detection = compile_detection(body, placeholders, "filter")
        .map_err(|(construct, reason)| err(&construct, reason))?;
    Ok(FilterRule {
        id,
        title,
        source: source_name.to_string(),
        logsource,
        rules,
        detection,
    })
}

/// Attaches each filter to the rules it names. A reference to no loaded
/// rule, or to a rule of another log source, is an error; the filter still
/// applies to the rules it fits.
pub fn apply_filters(rules: &mut [CompiledRule], filters: &[FilterRule]) -> Vec<RuleError> {
    let mut errors = Vec::new();
    for filter in filters {
        for reference in &filter.rules {
            let mut found = false;
            for rule in rules.iter_mut().filter(|r| r.is_named(reference)) {
                found = true;
                if filter.logsource.selects(&rule.logsource) {
                    rule.exclusions.push(filter.detection.clone());
                } else {
                    errors.push(RuleError::new(
                        &filter.source,
                        "logsource",
                        format!(
                            "filter `{}` is for {}, rule `{reference}` reads {}",
                            filter.title, filter.logsource, rule.logsource
                        ),
                    ));
                }
            }
            if !found {
                errors.push(RuleError::new(
                    &filter.source,
                    "filter.rules",
                    format!("`{reference}` names no loaded rule (by id or name)"),
                ));
            }
        }
    }
    errors
}
