//! Lake rows for the audit logs beyond CloudTrail: the same OCSF columns,
//! filled from each source's analyst summary (who, what, from where), with
//! the class the record is: Authentication (3002) for sign-ins, Account
//! Change (3001) for directory changes to users and groups, API Activity
//! (6003) for the rest.

use parapet_core::{Event, LogKind, SummaryField};
use parapet_logs::{event_time, first_text, summarize};
use sonic_rs::Value;

use crate::row::{classify, Partition, Row, ACCOUNT_CHANGE, AUTHENTICATION};

/// The row of a record of any source but CloudTrail; None without a usable
/// time.
pub fn source_row(event: &Event) -> Option<(Partition, Row)> {
    let kind = event.kind;
    let value = &event.value;
    let time = event_time(kind, value)?;
    let summary = summarize(kind, value);
    let get = |field: SummaryField| summary.get(field).map(str::to_string);
    let operation = get(SummaryField::Operation);
    let (class_uid, activity_id) = class_of(kind, value, operation.as_deref().unwrap_or_default());
    let error_code = get(SummaryField::ErrorCode).filter(|code| failed(kind, value, code));
    let status = if error_code.is_some() || refused(kind, value) {
        "Failure"
    } else {
        "Success"
    };
    let actor = get(SummaryField::Actor);
    let partition = Partition::of(kind.name(), summary.account(), time);
    let row = Row {
        time_ms: time.0,
        class_uid,
        activity_id,
        text: [
            operation,
            get(SummaryField::Service),
            actor.clone(),
            None,
            actor,
            None,
            None,
            get(SummaryField::SourceIp),
            get(SummaryField::UserAgent),
            get(SummaryField::Account),
            get(SummaryField::Region),
            Some(status.to_string()),
            error_code,
        ],
        resources: Vec::new(),
        event_uid: get(SummaryField::EventId),
        raw: 0..0,
    };
    Some((partition, row))
}

fn text_at(value: &Value, path: &str) -> Option<String> {
    let mut out = String::new();
    first_text(value, path, &mut out).then_some(out)
}

/// OCSF class and activity (Logon is 1 for Authentication; Account Change
/// uses Create 1, Enable 2, Password Change 3, ..., Other 99).
fn class_of(kind: LogKind, value: &Value, operation: &str) -> (i32, i32) {
    let lower = operation.to_ascii_lowercase();
    match kind {
        LogKind::AzureSignIn | LogKind::WorkspaceLogin => (AUTHENTICATION, 1),
        LogKind::Okta
            if lower.starts_with("user.session") || lower.starts_with("user.authentication") =>
        {
            (AUTHENTICATION, if lower.ends_with(".end") { 2 } else { 1 })
        }
        LogKind::M365Audit if lower.starts_with("userlogg") || lower == "userloginfailed" => {
            (AUTHENTICATION, 1)
        }
        // OneLogin event types: 5 logged in, 6 failed authentication; 532
        // and 553 locked, 551 suspended; 24 OTP device and 172 factor removed.
        LogKind::OneLogin => match operation {
            "5" | "6" => (AUTHENTICATION, 1),
            "532" | "553" => (ACCOUNT_CHANGE, 9),
            "551" => (ACCOUNT_CHANGE, 5),
            "24" | "172" => (ACCOUNT_CHANGE, 11),
            _ => (classify(operation).0, 99),
        },
        // Authentication log events, then administrator log actions.
        LogKind::CiscoDuo => match lower.as_str() {
            "authentication" | "admin_login" | "admin_login_error" => (AUTHENTICATION, 1),
            "enrollment" => (ACCOUNT_CHANGE, 10),
            "user_create" => (ACCOUNT_CHANGE, 1),
            "user_delete" => (ACCOUNT_CHANGE, 6),
            op if op.starts_with("user_") || op.starts_with("bypass_") => (ACCOUNT_CHANGE, 99),
            _ => (classify(operation).0, 99),
        },
        LogKind::AzureAudit => {
            let category = text_at(value, "properties.category")
                .or_else(|| text_at(value, "Category"))
                .or_else(|| text_at(value, "category"))
                .unwrap_or_default();
            if matches!(
                category.as_str(),
                "UserManagement" | "GroupManagement" | "RoleManagement"
            ) {
                (ACCOUNT_CHANGE, account_change_activity(&lower))
            } else {
                (classify(operation).0, 99)
            }
        }
        _ => classify(operation),
    }
}

fn account_change_activity(operation: &str) -> i32 {
    if operation.starts_with("add") || operation.starts_with("create") {
        1
    } else if operation.starts_with("enable") {
        2
    } else if operation.contains("password") {
        3
    } else if operation.starts_with("disable") {
        5
    } else if operation.starts_with("delete") || operation.starts_with("remove") {
        6
    } else {
        99
    }
}

/// Whether the summary's error code is a failure (Azure writes `0` for
/// success, Kubernetes the HTTP status).
fn failed(kind: LogKind, _value: &Value, code: &str) -> bool {
    match kind {
        LogKind::KubernetesAudit => code.parse::<u16>().is_ok_and(|c| c >= 400),
        LogKind::AzureSignIn | LogKind::AzureActivity => !matches!(
            code,
            "0" | "Success" | "OK" | "Accepted" | "Created" | "Start"
        ),
        LogKind::M365Audit => matches!(code, "Failed" | "False" | "PartiallySucceeded"),
        LogKind::GcpAudit | LogKind::WorkspaceAdmin | LogKind::WorkspaceLogin => code != "0",
        // Duo gives a reason for approvals too (`user_approved`).
        LogKind::CiscoDuo => false,
        _ => !code.is_empty(),
    }
}

/// A refusal the error code does not carry.
fn refused(kind: LogKind, value: &Value) -> bool {
    match kind {
        LogKind::Okta => {
            text_at(value, "outcome.result").is_some_and(|r| r != "SUCCESS" && r != "ALLOW")
        }
        LogKind::CiscoDuo => {
            text_at(value, "result").is_some_and(|r| r != "success")
                || text_at(value, "action").as_deref() == Some("admin_login_error")
        }
        LogKind::OneLogin => text_at(value, "event_type_id").as_deref() == Some("6"),
        LogKind::AzureAudit => text_at(value, "properties.result")
            .or_else(|| text_at(value, "Result"))
            .or_else(|| text_at(value, "result"))
            .is_some_and(|r| !r.eq_ignore_ascii_case("success")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parapet_core::Origin;

    fn row(kind: LogKind, json: &str) -> (Partition, Row) {
        let origin = Origin {
            source: "t".into(),
            line: 1,
            index: 0,
        };
        source_row(&Event::new(sonic_rs::from_str(json).unwrap(), origin, kind)).unwrap()
    }

    #[test]
    fn sign_ins_are_authentication_and_failures_are_told_per_source() {
        let (partition, r) = row(
            LogKind::AzureSignIn,
            r#"{"time":"2026-11-20T08:01:10Z","category":"SignInLogs","tenantId":"t-1","resultType":"50053","callerIpAddress":"198.51.100.23","properties":{"userPrincipalName":"alice@contoso.com","appDisplayName":"Exchange"}}"#,
        );
        assert_eq!(
            partition.folder(),
            "source=azure-signin/account=t-1/date=2026-11-20"
        );
        assert_eq!((r.class_uid, r.activity_id), (AUTHENTICATION, 1));
        assert_eq!(r.text[2].as_deref(), Some("alice@contoso.com"));
        assert_eq!(r.text[11].as_deref(), Some("Failure"));
        let (_, r) = row(
            LogKind::KubernetesAudit,
            r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","objectRef":{"resource":"deployments"},"user":{"username":"ci"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2026-11-20T12:00:00.000001Z"}"#,
        );
        assert_eq!(
            (r.class_uid, r.text[11].as_deref(), r.text[12].as_deref()),
            (6003, Some("Success"), None)
        );
        let (_, r) = row(
            LogKind::AzureAudit,
            r#"{"time":"2026-11-20T09:00:00Z","category":"AuditLogs","properties":{"category":"UserManagement","activityDisplayName":"Delete user","result":"success"}}"#,
        );
        assert_eq!((r.class_uid, r.activity_id), (ACCOUNT_CHANGE, 6));
    }
}
