//! Google Workspace audit as the Admin SDK Reports API returns it
//! (`admin#reports#activity` records, e.g. `activities.list` pages
//! `{"kind": "admin#reports#activities", "items": [...]}`), read as the
//! Cloud Logging entry Google writes for the same activity: one set of
//! rules, summaries and lake rows serves both shapes. The original record
//! is kept whole under `reportsActivity`.

use sonic_rs::{json, JsonContainerTrait, JsonValueTrait, Value};

use crate::summary::first_text;

const ACTIVITY: &str = "admin#reports#activity";

pub fn is_reports_activity(record: &Value) -> bool {
    record.get("kind").and_then(|k| k.as_str()) == Some(ACTIVITY)
}

/// The Cloud Logging entry of a Reports API activity of the admin or login
/// application; Err names an application whose audit is not read.
pub fn reports_as_log_entry(activity: Value) -> Result<Value, String> {
    let text = |path: &str| -> String {
        let mut out = String::new();
        first_text(&activity, path, &mut out);
        out
    };
    let application = text("id.applicationName");
    let service = match application.as_str() {
        "admin" => "admin.googleapis.com",
        "login" => "login.googleapis.com",
        other => {
            return Err(format!(
                "Reports API activity of application `{other}`: only the admin and login audits are read"
            ))
        }
    };
    let time = text("id.time");
    if time.is_empty() {
        return Err("Reports API activity: id.time missing".into());
    }
    let events: Vec<Value> = activity
        .get("events")
        .and_then(|e| e.as_array())
        .map(|events| {
            events
                .iter()
                .map(|e| {
                    json!({
                        "eventType": e.get("type").cloned().unwrap_or_default(),
                        "eventName": e.get("name").cloned().unwrap_or_default(),
                        "parameter": e.get("parameters").cloned().unwrap_or_else(|| json!([])),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let method = events
        .first()
        .and_then(|e| e.get("eventName"))
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_string();
    let customer = text("id.customerId");
    Ok(json!({
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "authenticationInfo": {"principalEmail": text("actor.email")},
            "requestMetadata": {"callerIp": text("ipAddress")},
            "serviceName": service,
            "methodName": method,
            "metadata": {"event": events},
        },
        "insertId": text("id.uniqueQualifier"),
        "timestamp": time,
        "logName": format!("customers/{customer}/logs/reports.{application}"),
        "resource": {"type": "audited_resource", "labels": {"service": service}},
        "reportsActivity": activity,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect_kind;
    use parapet_core::LogKind;

    #[test]
    fn admin_and_login_activities_read_as_their_cloud_logging_entries() {
        let admin: Value = sonic_rs::from_str(r#"{"kind":"admin#reports#activity","id":{"time":"2026-11-20T12:06:10.000Z","uniqueQualifier":"-42","applicationName":"admin","customerId":"C0abc"},"actor":{"callerType":"USER","email":"admin@example.com","profileId":"1"},"ipAddress":"203.0.113.50","events":[{"type":"USER_SETTINGS","name":"GRANT_ADMIN_PRIVILEGE","parameters":[{"name":"USER_EMAIL","value":"mallory@example.com"}]}]}"#).unwrap();
        assert!(is_reports_activity(&admin));
        let entry = reports_as_log_entry(admin).unwrap();
        assert_eq!(detect_kind(&entry), Some(LogKind::WorkspaceAdmin));
        assert_eq!(
            entry["protoPayload"]["metadata"]["event"][0]["eventName"].as_str(),
            Some("GRANT_ADMIN_PRIVILEGE")
        );
        assert_eq!(
            entry["protoPayload"]["requestMetadata"]["callerIp"].as_str(),
            Some("203.0.113.50")
        );
        assert_eq!(
            entry["reportsActivity"]["actor"]["profileId"].as_str(),
            Some("1")
        );
        let drive: Value = sonic_rs::from_str(r#"{"kind":"admin#reports#activity","id":{"time":"2026-11-20T12:00:00Z","applicationName":"drive"}}"#).unwrap();
        assert!(reports_as_log_entry(drive).unwrap_err().contains("`drive`"));
    }
}
