//! Parapet's own alert record: flat, one object per alert, keys in a fixed
//! order (rule first, then event, then where it was read).

use parapet_core::Alert;
use serde::Serialize;
use sonic_rs::Value;

#[derive(Serialize)]
pub struct FlatAlert<'a> {
    rule_id: &'a str,
    rule_title: &'a str,
    level: &'static str,
    tactics: Vec<&'static str>,
    techniques: &'a [String],
    author: Option<&'a str>,
    license: Option<&'a str>,
    rule_source: &'a str,
    event_id: Option<&'a str>,
    event_time: Option<&'a str>,
    actor: Option<&'a str>,
    source_ip: Option<&'a str>,
    event_source: Option<&'a str>,
    event_name: Option<&'a str>,
    account: Option<&'a str>,
    region: Option<&'a str>,
    user_agent: Option<&'a str>,
    error_code: Option<&'a str>,
    input: &'a str,
    line: u64,
    record: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation: Option<FlatCorrelation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<&'a Value>,
}

/// The window a correlation fired on: its type, the group's values, what it
/// measured, how many events, from when to when.
#[derive(Serialize)]
pub struct FlatCorrelation<'a> {
    r#type: &'static str,
    group: std::collections::BTreeMap<&'a str, &'a str>,
    value: f64,
    events: u64,
    first_time: String,
    last_time: String,
}

/// The JSON form of an alert used by `--format json` and `jsonl`.
pub fn alert_to_json(alert: &Alert) -> FlatAlert<'_> {
    let rule = &alert.rule;
    let e = &alert.event;
    FlatAlert {
        rule_id: &rule.id,
        rule_title: &rule.title,
        level: rule.level.as_str(),
        tactics: rule.attack.tactics.iter().map(|t| t.name).collect(),
        techniques: &rule.attack.techniques,
        author: rule.author.as_deref(),
        license: rule.license.as_deref(),
        rule_source: &rule.source,
        event_id: e.event_id(),
        event_time: e.time(),
        actor: e.actor(),
        source_ip: e.source_ip(),
        event_source: e.service(),
        event_name: e.operation(),
        account: e.account(),
        region: e.region(),
        user_agent: e.user_agent(),
        error_code: e.error_code(),
        input: &alert.origin.source,
        line: alert.origin.line,
        record: alert.origin.index,
        correlation: alert.correlation.as_deref().map(|c| FlatCorrelation {
            r#type: c.kind,
            group: c
                .group
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            value: c.value,
            events: c.events,
            first_time: c.first_time.to_string(),
            last_time: c.last_time.to_string(),
        }),
        raw: alert.raw.as_ref(),
    }
}
