//! Parapet's own alert record: flat, one object per alert, keys stable.

use parapet_core::Alert;
use sonic_rs::{json, Value};

/// The JSON form of an alert used by `--format json` and `jsonl`.
pub fn alert_to_json(alert: &Alert) -> Value {
    let rule = &alert.rule;
    let e = &alert.event;
    let mut value = json!({
        "rule_id": rule.id,
        "rule_title": rule.title,
        "level": rule.level.as_str(),
        "tactics": rule.attack.tactics.iter().map(|t| t.name).collect::<Vec<_>>(),
        "techniques": rule.attack.techniques,
        "author": rule.author,
        "license": rule.license,
        "rule_source": rule.source,
        "event_id": e.event_id,
        "event_time": e.time,
        "actor": e.actor,
        "source_ip": e.source_ip,
        "event_source": e.service,
        "event_name": e.operation,
        "account": e.account,
        "region": e.region,
        "user_agent": e.user_agent,
        "error_code": e.error_code,
        "input": &*alert.origin.source,
        "line": alert.origin.line,
        "record": alert.origin.index,
    });
    if let Some(raw) = &alert.raw {
        value.insert("raw", raw.clone());
    }
    value
}
