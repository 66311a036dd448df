//! Which audit log a JSON record comes from, told from the record alone, and
//! when it happened.

use parapet_core::{parse_rfc3339, LogKind, Timestamp};
use sonic_rs::{JsonValueTrait, Value};

use crate::cloudtrail::is_cloudtrail_record;

/// Recognizes a record by the fields its source always writes. None when no
/// known source writes records of this shape.
pub fn detect_kind(record: &Value) -> Option<LogKind> {
    if is_cloudtrail_record(record) {
        return Some(LogKind::CloudTrail);
    }
    let text = |key: &str| record.get(key).and_then(|v| v.as_str());
    let has = |key: &str| record.get(key).is_some();
    if text("apiVersion").is_some_and(|v| v.starts_with("audit.k8s.io/"))
        && text("kind") == Some("Event")
    {
        return Some(LogKind::KubernetesAudit);
    }
    if let Some(payload) = record.get("protoPayload").filter(|p| p.is_object()) {
        return Some(match payload.get("serviceName").and_then(|v| v.as_str()) {
            Some("admin.googleapis.com") => LogKind::WorkspaceAdmin,
            Some("login.googleapis.com") => LogKind::WorkspaceLogin,
            _ => LogKind::GcpAudit,
        });
    }
    if text("eventType").is_some() && has("actor") && (has("uuid") || has("published")) {
        return Some(LogKind::Okta);
    }
    if record.get("auditType").is_some_and(|v| v.is_object()) {
        return Some(LogKind::BitbucketAudit);
    }
    if text("Workload").is_some() && text("Operation").is_some() {
        return Some(LogKind::M365Audit);
    }
    if let Some(kind) = azure_kind(record) {
        return Some(kind);
    }
    // OneLogin Events API: numeric event types.
    if has("event_type_id") && has("created_at") && (has("account_id") || has("user_id")) {
        return Some(LogKind::OneLogin);
    }
    // Duo Admin API authentication log: a transaction id and the devices.
    if text("txid").is_some()
        && text("event_type").is_some()
        && (has("access_device") || has("auth_device"))
    {
        return Some(LogKind::CiscoDuo);
    }
    // Duo Admin API administrator log: an administrator's action (no dots,
    // unlike GitHub's) on an object.
    if text("action").is_some_and(|a| !a.contains('.'))
        && has("username")
        && has("description")
        && has("object")
        && (has("isotimestamp") || has("timestamp"))
    {
        return Some(LogKind::CiscoDuo);
    }
    if text("action").is_some_and(|a| a.contains('.'))
        && (has("_document_id") || has("@timestamp") || has("actor"))
    {
        return Some(LogKind::GitHubAudit);
    }
    None
}

/// Azure writes the same logs in three shapes: diagnostic settings / Event
/// Hub (`category`), Log Analytics exports (`Type`, the table name) and the
/// Graph and ARM APIs (field sets of their own).
fn azure_kind(record: &Value) -> Option<LogKind> {
    let text = |key: &str| record.get(key).and_then(|v| v.as_str());
    let has = |key: &str| record.get(key).is_some();
    if has("alertDefinitionId") && text("riskEventType").is_some_and(|t| t.ends_with("Incident")) {
        return Some(LogKind::AzurePim);
    }
    if let Some(table) = text("Type") {
        let kind = match table {
            "AzureActivity" => LogKind::AzureActivity,
            "AuditLogs" => LogKind::AzureAudit,
            "AADUserRiskEvents" | "AADRiskyUsers" | "AADServicePrincipalRiskEvents" => {
                LogKind::AzureRiskDetection
            }
            t if t.ends_with("SignInLogs") || t == "SigninLogs" => LogKind::AzureSignIn,
            _ => return None,
        };
        return Some(kind);
    }
    if let Some(category) = text("category").filter(|_| has("resourceId") || has("time")) {
        let kind = match category {
            "AuditLogs" => LogKind::AzureAudit,
            "UserRiskEvents" | "RiskyUsers" | "ServicePrincipalRiskEvents" => {
                LogKind::AzureRiskDetection
            }
            c if c.ends_with("SignInLogs") => LogKind::AzureSignIn,
            "Administrative" | "Security" | "ServiceHealth" | "Alert" | "Recommendation"
            | "Policy" | "Autoscale" | "ResourceHealth" => LogKind::AzureActivity,
            _ => return None,
        };
        return Some(kind);
    }
    if has("riskEventType") && (has("detectedDateTime") || has("riskLevel")) {
        return Some(LogKind::AzureRiskDetection);
    }
    if has("userPrincipalName") && has("appDisplayName") && has("createdDateTime") {
        return Some(LogKind::AzureSignIn);
    }
    if has("activityDisplayName") && has("loggedByService") {
        return Some(LogKind::AzureAudit);
    }
    if has("eventTimestamp") && has("operationName") && has("resourceId") {
        return Some(LogKind::AzureActivity);
    }
    None
}

/// Fields holding a record's time, first found wins.
pub(crate) fn time_fields(kind: LogKind) -> &'static [&'static str] {
    match kind {
        LogKind::CloudTrail => &["eventTime"],
        LogKind::AzureActivity
        | LogKind::AzureSignIn
        | LogKind::AzureAudit
        | LogKind::AzureRiskDetection => &[
            "time",
            "TimeGenerated",
            "eventTimestamp",
            "createdDateTime",
            "activityDateTime",
            "detectedDateTime",
        ],
        LogKind::AzurePim => &["lastModifiedDateTime", "lastScannedDateTime"],
        LogKind::GcpAudit | LogKind::WorkspaceAdmin | LogKind::WorkspaceLogin => {
            &["timestamp", "receiveTimestamp"]
        }
        LogKind::KubernetesAudit => &["requestReceivedTimestamp", "stageTimestamp"],
        LogKind::Okta => &["published"],
        LogKind::GitHubAudit => &["@timestamp", "created_at"],
        LogKind::BitbucketAudit => &["timestamp"],
        LogKind::M365Audit => &["CreationTime"],
        LogKind::OneLogin => &["created_at"],
        LogKind::CiscoDuo => &["isotimestamp", "timestamp"],
    }
}

/// When the record's event happened: RFC 3339 text (M365 writes it without
/// a zone: UTC), epoch milliseconds (GitHub) or `{"epochSecond": ..}`
/// (Bitbucket).
pub fn event_time(kind: LogKind, record: &Value) -> Option<Timestamp> {
    let value = time_fields(kind).iter().find_map(|key| record.get(*key))?;
    if let Some(text) = value.as_str() {
        return parse_rfc3339(text);
    }
    if let Some(millis) = value.as_i64() {
        return Some(Timestamp(epoch_to_millis(millis)));
    }
    if let Some(millis) = value.as_f64() {
        return Some(Timestamp(epoch_to_millis(millis as i64)));
    }
    let seconds = value.get("epochSecond").and_then(|v| v.as_i64())?;
    Some(Timestamp(seconds.checked_mul(1000)?))
}

/// Epoch numbers before 10^11 are taken as seconds (year 5138 in seconds is
/// 1973 in milliseconds).
fn epoch_to_millis(n: i64) -> i64 {
    if n.abs() < 100_000_000_000 {
        n.saturating_mul(1000)
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(json: &str) -> Option<LogKind> {
        detect_kind(&sonic_rs::from_str(json).unwrap())
    }

    #[test]
    fn each_source_is_told_by_its_own_fields() {
        let cases = [
            (
                r#"{"eventName":"X","eventSource":"s3.amazonaws.com"}"#,
                LogKind::CloudTrail,
            ),
            (
                r#"{"apiVersion":"audit.k8s.io/v1","kind":"Event","verb":"get"}"#,
                LogKind::KubernetesAudit,
            ),
            (
                r#"{"protoPayload":{"serviceName":"compute.googleapis.com"}}"#,
                LogKind::GcpAudit,
            ),
            (
                r#"{"protoPayload":{"serviceName":"login.googleapis.com"}}"#,
                LogKind::WorkspaceLogin,
            ),
            (
                r#"{"eventType":"user.session.start","actor":{},"uuid":"u"}"#,
                LogKind::Okta,
            ),
            (r#"{"auditType":{"action":"x"}}"#, LogKind::BitbucketAudit),
            (
                r#"{"Workload":"Exchange","Operation":"New-InboxRule"}"#,
                LogKind::M365Audit,
            ),
            (
                r#"{"time":"t","category":"Administrative","operationName":"x"}"#,
                LogKind::AzureActivity,
            ),
            (
                r#"{"time":"t","category":"NonInteractiveUserSignInLogs"}"#,
                LogKind::AzureSignIn,
            ),
            (
                r#"{"Type":"AuditLogs","OperationName":"x"}"#,
                LogKind::AzureAudit,
            ),
            (
                r#"{"riskEventType":"anonymizedIPAddress","riskLevel":"high"}"#,
                LogKind::AzureRiskDetection,
            ),
            (
                r#"{"action":"repo.create","actor":"octocat","@timestamp":1}"#,
                LogKind::GitHubAudit,
            ),
            (
                r#"{"id":1,"event_type_id":5,"created_at":"t","account_id":2}"#,
                LogKind::OneLogin,
            ),
            (
                r#"{"txid":"t","event_type":"authentication","access_device":{}}"#,
                LogKind::CiscoDuo,
            ),
            (
                r#"{"action":"bypass_create","username":"Ann","object":"bob","description":"{}","timestamp":1}"#,
                LogKind::CiscoDuo,
            ),
        ];
        for (json, want) in cases {
            assert_eq!(kind(json), Some(want), "{json}");
        }
        assert_eq!(kind(r#"{"name":"x"}"#), None);
        assert_eq!(kind(r#"{"action":"nodots","actor":"a"}"#), None);
    }

    #[test]
    fn times_in_every_spelling() {
        let at = |k, json: &str| event_time(k, &sonic_rs::from_str(json).unwrap()).map(|t| t.0);
        let want = Some(1_700_000_000_000);
        assert_eq!(
            at(LogKind::Okta, r#"{"published":"2023-11-14T22:13:20.000Z"}"#),
            want
        );
        assert_eq!(
            at(
                LogKind::M365Audit,
                r#"{"CreationTime":"2023-11-14T22:13:20"}"#
            ),
            want
        );
        assert_eq!(
            at(LogKind::GitHubAudit, r#"{"@timestamp":1700000000000}"#),
            want
        );
        assert_eq!(
            at(LogKind::GitHubAudit, r#"{"created_at":1700000000}"#),
            want
        );
        assert_eq!(
            at(
                LogKind::BitbucketAudit,
                r#"{"timestamp":{"epochSecond":1700000000}}"#
            ),
            want
        );
        assert_eq!(
            at(
                LogKind::CiscoDuo,
                r#"{"isotimestamp":"2023-11-14T23:13:20.000000+01:00","timestamp":1}"#
            ),
            want
        );
        assert_eq!(at(LogKind::CiscoDuo, r#"{"timestamp":1700000000}"#), want);
        assert_eq!(at(LogKind::Okta, r#"{"published":"soon"}"#), None);
    }
}
