//! Alerts into cases: what an alert is about (its identity, the resource
//! it touched), which playbooks it triggers, and which open case it joins.

use parapet_core::{parse_rfc3339, Level};
use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

use crate::playbook::Trigger;

/// What grouping and triggers read from an alert (Parapet's JSON alert
/// record, `parapet detect --format jsonl --raw`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertFacts {
    pub rule_id: String,
    pub title: String,
    pub level: Level,
    /// ATT&CK technique ids and tactic names.
    pub techniques: Vec<String>,
    pub tactics: Vec<String>,
    pub identity: Option<String>,
    pub resource: Option<String>,
    /// Milliseconds since the epoch of the event (0 when unknown).
    pub time: i64,
}

/// Request fields that name the resource an API call acted on, most
/// specific first.
const RESOURCE_FIELDS: &[&str] = &[
    "accessKeyId",
    "userName",
    "roleName",
    "bucketName",
    "instanceId",
    "groupId",
    "snapshotId",
    "name",
    "trailName",
    "secretId",
    "dBSnapshotIdentifier",
    "functionName",
    "keyId",
];

fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn alert_facts(alert: &Value) -> AlertFacts {
    let request = alert.get("raw").and_then(|r| r.get("requestParameters"));
    // A finding (see `finding_as_alert`) names its resource itself.
    let resource = request
        .and_then(|r| RESOURCE_FIELDS.iter().find_map(|k| text(r, k)))
        .or_else(|| text(alert, "resource"));
    let level = text(alert, "level")
        .and_then(|l| l.parse().ok())
        .unwrap_or_default();
    AlertFacts {
        rule_id: text(alert, "rule_id").unwrap_or_default(),
        title: text(alert, "rule_title").unwrap_or_default(),
        level,
        techniques: strings(alert, "techniques"),
        tactics: strings(alert, "tactics"),
        identity: text(alert, "actor"),
        resource,
        time: text(alert, "event_time")
            .and_then(|t| parse_rfc3339(&t))
            .map_or(0, |t| t.0),
    }
}

impl Trigger {
    /// Whether an alert starts the playbook: one of its rules, tags or
    /// techniques (a parent technique covers its sub-techniques), at or
    /// above its level.
    pub fn matches(&self, facts: &AlertFacts) -> bool {
        if self.level.is_some_and(|l| facts.level < l) {
            return false;
        }
        let named = !self.rules.is_empty() || !self.tags.is_empty() || !self.techniques.is_empty();
        if !named {
            return true;
        }
        let rule = self.rules.iter().any(|r| r == &facts.rule_id);
        let technique = self.techniques.iter().any(|t| {
            facts.techniques.iter().any(|f| {
                f.eq_ignore_ascii_case(t)
                    || f.to_ascii_uppercase()
                        .starts_with(&format!("{}.", t.to_ascii_uppercase()))
            })
        });
        let tag = self.tags.iter().any(|tag| {
            let tag = tag.trim_start_matches("attack.").to_ascii_lowercase();
            facts
                .tactics
                .iter()
                .any(|t| t.to_ascii_lowercase().replace(' ', "-") == tag)
                || facts
                    .techniques
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(&tag))
        });
        rule || technique || tag
    }
}

/// An open case as grouping sees it: every identity and resource its
/// alerts named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenCase {
    pub id: i64,
    pub identities: Vec<String>,
    pub resources: Vec<String>,
    /// Time of its latest alert (ms).
    pub last_alert: i64,
}

impl OpenCase {
    /// Takes an alert in: its identity, resource and time.
    pub fn absorb(&mut self, facts: &AlertFacts) {
        if let Some(identity) = &facts.identity {
            if !self.identities.contains(identity) {
                self.identities.push(identity.clone());
            }
        }
        if let Some(resource) = &facts.resource {
            if !self.resources.contains(resource) {
                self.resources.push(resource.clone());
            }
        }
        self.last_alert = self.last_alert.max(facts.time);
    }
}

/// The open case an alert joins: one that saw the same identity or the
/// same resource, with its latest alert within `window_ms` of this one;
/// the most recent such case. None: a new case.
pub fn assign_case(facts: &AlertFacts, open: &[OpenCase], window_ms: i64) -> Option<i64> {
    open.iter()
        .filter(|c| (facts.time - c.last_alert).abs() <= window_ms)
        .filter(|c| {
            let same_identity = facts
                .identity
                .as_ref()
                .is_some_and(|i| c.identities.contains(i));
            let same_resource = facts
                .resource
                .as_ref()
                .is_some_and(|r| c.resources.contains(r));
            same_identity || same_resource
        })
        .max_by_key(|c| (c.last_alert, c.id))
        .map(|c| c.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(rule: &str, actor: &str, user: &str, time: &str) -> Value {
        sonic_rs::from_str(&format!(
            r#"{{"rule_id":"{rule}","rule_title":"t","level":"high","tactics":["persistence"],"techniques":["T1098.001"],"actor":"{actor}","event_time":"{time}","raw":{{"requestParameters":{{"userName":"{user}"}}}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn triggers_by_rule_technique_tag_and_level() {
        let facts = alert_facts(&alert("r1", "arn:a", "bob", "2024-01-01T00:00:00Z"));
        assert_eq!(facts.resource.as_deref(), Some("bob"));
        let t =
            |rules: &[&str], techniques: &[&str], tags: &[&str], level: Option<Level>| Trigger {
                rules: rules.iter().map(|s| s.to_string()).collect(),
                techniques: techniques.iter().map(|s| s.to_string()).collect(),
                tags: tags.iter().map(|s| s.to_string()).collect(),
                level,
            };
        assert!(t(&["r1"], &[], &[], None).matches(&facts));
        assert!(
            t(&[], &["T1098"], &[], None).matches(&facts),
            "parent technique"
        );
        assert!(t(&[], &[], &["attack.persistence"], None).matches(&facts));
        assert!(!t(&["r1"], &[], &[], Some(Level::Critical)).matches(&facts));
        assert!(!t(&["r2"], &["T1078"], &[], None).matches(&facts));
    }

    #[test]
    fn grouping_by_identity_or_resource_within_the_window() {
        let hour = 3_600_000;
        let open = [
            OpenCase {
                id: 1,
                identities: vec!["arn:a".into()],
                resources: vec![],
                last_alert: 0,
            },
            OpenCase {
                id: 2,
                identities: vec!["arn:b".into()],
                resources: vec!["bob".into()],
                last_alert: 2 * hour,
            },
        ];
        let at = |actor: &str, user: &str, t: &str| alert_facts(&alert("r", actor, user, t));
        assert_eq!(
            assign_case(&at("arn:a", "x", "1970-01-01T00:30:00Z"), &open, hour),
            Some(1)
        );
        assert_eq!(
            assign_case(&at("arn:c", "bob", "1970-01-01T02:10:00Z"), &open, hour),
            Some(2),
            "same resource"
        );
        assert_eq!(
            assign_case(&at("arn:a", "x", "1970-01-01T05:00:00Z"), &open, hour),
            None,
            "outside the window"
        );
        assert_eq!(
            assign_case(&at("arn:z", "y", "1970-01-01T00:10:00Z"), &open, hour),
            None
        );
    }
}
