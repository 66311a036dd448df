//! The OCSF view of one audit record: the lake's columns (see
//! [`cloudtrail_row`] and [`source_row`]) as an OCSF 1.1 event object, so
//! records from every source read the same way outside the lake too
//! (`parapet events --format ocsf`).

use parapet_core::{Event, LogKind};
use sonic_rs::{json, JsonValueMutTrait, JsonValueTrait, Value};

use crate::row::{cloudtrail_row, ACCOUNT_CHANGE, AUTHENTICATION};
use crate::source_row::source_row;

/// None when the record has no usable time (the lake skips it too).
pub fn ocsf_event(event: &Event) -> Option<Value> {
    let (_, row) = if event.kind == LogKind::CloudTrail {
        cloudtrail_row(event)?
    } else {
        source_row(event)?
    };
    let text = |n: usize| row.text[n].as_deref();
    let (class_name, category_uid, category_name) = match row.class_uid {
        AUTHENTICATION => ("Authentication", 3, "Identity & Access Management"),
        ACCOUNT_CHANGE => ("Account Change", 3, "Identity & Access Management"),
        _ => ("API Activity", 6, "Application Activity"),
    };
    let status = text(11).unwrap_or("Unknown");
    let status_id = match status {
        "Success" => 1,
        "Failure" => 2,
        _ => 0,
    };
    let mut out = json!({
        "class_uid": row.class_uid,
        "class_name": class_name,
        "category_uid": category_uid,
        "category_name": category_name,
        "activity_id": row.activity_id,
        "type_uid": i64::from(row.class_uid) * 100 + i64::from(row.activity_id),
        "time": row.time_ms,
        "severity_id": 1,
        "status": status,
        "status_id": status_id,
        "metadata": {
            "version": "1.1.0",
            "product": {"name": event.kind.name(), "vendor_name": event.kind.provider()},
            "log_name": event.kind.name(),
        },
        "cloud": {"provider": event.kind.provider()},
        "actor": {"user": {}},
    });
    let mut set = |path: &[&str], value: Option<&str>| {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return;
        };
        let mut at = &mut out;
        for key in &path[..path.len() - 1] {
            if at.get(key).is_none() {
                at.insert(key, json!({}));
            }
            let Some(next) = at.get_mut(key) else { return };
            at = next;
        }
        at.insert(path[path.len() - 1], json!(value));
    };
    set(&["api", "operation"], text(0));
    set(&["api", "service", "name"], text(1));
    set(&["api", "response", "error"], text(12));
    set(&["actor", "user", "uid"], text(2));
    set(&["actor", "user", "type"], text(3));
    set(&["actor", "user", "name"], text(4));
    set(&["actor", "session", "issuer"], text(5));
    set(&["actor", "user", "credential_uid"], text(6));
    set(&["src_endpoint", "ip"], text(7));
    set(&["http_request", "user_agent"], text(8));
    set(&["cloud", "account", "uid"], text(9));
    set(&["cloud", "region"], text(10));
    set(&["metadata", "uid"], row.event_uid.as_deref());
    if row.class_uid == AUTHENTICATION {
        // Authentication names who signed in as `user` as well.
        set(&["user", "name"], text(4));
        set(&["user", "uid"], text(2));
    }
    if !row.resources.is_empty() {
        let resources: Vec<Value> = row.resources.iter().map(|r| json!({"uid": r})).collect();
        out.insert("resources", Value::from(resources));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parapet_core::Origin;
    use std::sync::Arc;

    fn event(kind: LogKind, text: &str) -> Event {
        Event {
            kind,
            value: sonic_rs::from_str(text).unwrap(),
            origin: Origin {
                source: Arc::from("t"),
                line: 1,
                index: 0,
            },
        }
    }

    #[test]
    fn cloudtrail_calls_are_api_activity_with_actor_and_endpoint() {
        let e = event(
            LogKind::CloudTrail,
            r#"{"eventVersion":"1.09","eventTime":"2026-11-20T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2","eventID":"ev-1","recipientAccountId":"123456789012","errorCode":"AccessDenied","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/eve","userName":"eve","accessKeyId":"AKIAEXAMPLE"}}"#,
        );
        let o = ocsf_event(&e).unwrap();
        assert_eq!(o["class_uid"].as_i64(), Some(6003));
        assert_eq!(o["api"]["operation"].as_str(), Some("CreateAccessKey"));
        assert_eq!(
            o["actor"]["user"]["uid"].as_str(),
            Some("arn:aws:iam::123456789012:user/eve")
        );
        assert_eq!(o["src_endpoint"]["ip"].as_str(), Some("198.51.100.23"));
        assert_eq!(o["cloud"]["account"]["uid"].as_str(), Some("123456789012"));
        assert_eq!(o["status"].as_str(), Some("Failure"));
        assert_eq!(o["api"]["response"]["error"].as_str(), Some("AccessDenied"));
        assert_eq!(o["metadata"]["uid"].as_str(), Some("ev-1"));
        let untimed = event(LogKind::CloudTrail, r#"{"eventName":"X"}"#);
        assert!(ocsf_event(&untimed).is_none());
    }
}
