//! OCSF 1.x Detection Finding (class_uid 2004), as defined in the OCSF schema.

use parapet_core::{parse_rfc3339, Alert, Tactic};
use sonic_rs::{json, JsonValueMutTrait, Value};

const CLASS_UID: u32 = 2004;
const CATEGORY_UID: u32 = 2;
const ACTIVITY_CREATE: u32 = 1;
const OCSF_VERSION: &str = "1.3.0";

pub fn alert_to_ocsf(alert: &Alert) -> Value {
    let rule = &alert.rule;
    let e = &alert.event;
    let time = e.time().and_then(parse_rfc3339).map(|t| t.0);
    let attacks: Vec<Value> = attack_pairs(alert)
        .into_iter()
        .map(|(tactic, technique)| {
            let mut attack = json!({"version": "17"});
            if let Some(tactic) = tactic {
                attack.insert("tactic", json!({"uid": tactic.id, "name": tactic.name}));
            }
            if let Some(technique) = technique {
                let (base, sub) = technique
                    .split_once('.')
                    .map_or((technique, None), |(b, _)| (b, Some(technique)));
                attack.insert("technique", json!({"uid": base}));
                if let Some(sub) = sub {
                    attack.insert("sub_technique", json!({"uid": sub}));
                }
            }
            attack
        })
        .collect();
    let finding_uid = format!("{}:{}", rule.id, e.event_id().unwrap_or(""));
    let mut finding = json!({
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Detection Finding: Create",
        "severity_id": rule.level.ocsf_severity_id(),
        "severity": rule.level.ocsf_severity(),
        "time": time,
        "is_alert": true,
        "status_id": 1,
        "status": "New",
        "message": rule.title,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "Parapet", "vendor_name": "Parapet", "version": env!("CARGO_PKG_VERSION")},
            "log_name": &*alert.origin.source,
        },
        "finding_info": {
            "uid": finding_uid,
            "title": rule.title,
            "desc": rule.description,
            "analytic": {"uid": rule.id, "name": rule.title, "type_id": 1, "type": "Rule"},
            "attacks": attacks,
            "types": ["Sigma"],
        },
        "cloud": {"provider": alert.log.provider(), "region": e.region(), "account": {"uid": e.account()}},
        "evidences": [{
            "actor": {"user": {"uid": e.actor()}},
            "api": {"operation": e.operation(), "service": {"name": e.service()}, "response": {"error": e.error_code()}},
            "src_endpoint": {"ip": e.source_ip()},
        }],
        "unmapped": {
            "event_uid": e.event_id(),
            "rule_author": rule.author,
            "rule_license": rule.license,
            "rule_level": rule.level.as_str(),
        },
    });
    if let Some(c) = &alert.correlation {
        let mut group = json!({});
        for (field, value) in &c.group {
            group.insert(field, value.as_str().into());
        }
        finding.insert("count", c.events.into());
        let correlation = json!({
            "type": c.kind, "group": group, "value": c.value, "events": c.events,
            "first_time": c.first_time.to_string(), "last_time": c.last_time.to_string(),
        });
        if let Some(unmapped) = finding.as_object_mut().and_then(|o| o.get_mut(&"unmapped")) {
            unmapped.insert("correlation", correlation);
        }
    }
    if let Some(raw) = &alert.raw {
        let text = sonic_rs::to_string(raw).unwrap_or_default();
        finding.insert("raw_data", sonic_rs::Value::from(text.as_str()));
    }
    finding
}

/// Each technique with the rule's tactics; tactics alone when no technique.
fn attack_pairs(alert: &Alert) -> Vec<(Option<Tactic>, Option<&str>)> {
    let tags = &alert.rule.attack;
    if tags.techniques.is_empty() {
        return tags.tactics.iter().map(|t| (Some(*t), None)).collect();
    }
    let tactic = tags.tactics.first().copied();
    tags.techniques
        .iter()
        .map(|tech| (tactic, Some(tech.as_str())))
        .collect()
}
