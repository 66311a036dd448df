//! The analyst's first fields (who, what, from where, when) of a record of
//! any source. Each source names, per field, where its shapes keep it.

use parapet_core::{EventSummary, LogKind, SummaryField};
use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value, ValueRef};

use crate::cloudtrail::cloudtrail_summary;
use crate::kind::event_time;

use SummaryField::*;

type Places = &'static [(SummaryField, &'static [&'static str])];

const AZURE_ACTIVITY: Places = &[
    (EventId, &["correlationId", "CorrelationId", "eventDataId"]),
    (Actor, &["identity.claims.name", "caller", "Caller"]),
    (
        SourceIp,
        &[
            "callerIpAddress",
            "CallerIpAddress",
            "httpRequest.clientIpAddress",
        ],
    ),
    (
        Service,
        &[
            "resourceProviderName.value",
            "ResourceProviderValue",
            "ResourceProvider",
        ],
    ),
    (
        Operation,
        &["operationName.value", "operationName", "OperationNameValue"],
    ),
    (Account, &["subscriptionId", "SubscriptionId"]),
    (Region, &["location", "Location"]),
    (
        ErrorCode,
        &["properties.statusCode", "ActivityStatusValue", "resultType"],
    ),
];

const AZURE_SIGNIN: Places = &[
    (EventId, &["properties.id", "Id", "id"]),
    (
        Actor,
        &[
            "properties.userPrincipalName",
            "UserPrincipalName",
            "userPrincipalName",
            "identity",
        ],
    ),
    (
        SourceIp,
        &[
            "callerIpAddress",
            "properties.ipAddress",
            "IPAddress",
            "ipAddress",
        ],
    ),
    (
        Service,
        &[
            "properties.appDisplayName",
            "AppDisplayName",
            "appDisplayName",
        ],
    ),
    (Operation, &["operationName", "OperationName"]),
    (Account, &["tenantId", "TenantId"]),
    (Region, &["location", "Location"]),
    (
        UserAgent,
        &["properties.userAgent", "UserAgent", "userAgent"],
    ),
    (ErrorCode, &["resultType", "ResultType", "status.errorCode"]),
];

const AZURE_AUDIT: Places = &[
    (EventId, &["properties.id", "Id", "id"]),
    (
        Actor,
        &[
            "properties.initiatedBy.user.userPrincipalName",
            "InitiatedBy.user.userPrincipalName",
            "initiatedBy.user.userPrincipalName",
            "properties.initiatedBy.app.displayName",
            "InitiatedBy.app.displayName",
            "initiatedBy.app.displayName",
        ],
    ),
    (
        SourceIp,
        &[
            "callerIpAddress",
            "properties.initiatedBy.user.ipAddress",
            "initiatedBy.user.ipAddress",
        ],
    ),
    (
        Service,
        &[
            "properties.loggedByService",
            "LoggedByService",
            "loggedByService",
        ],
    ),
    (
        Operation,
        &[
            "properties.activityDisplayName",
            "ActivityDisplayName",
            "activityDisplayName",
            "operationName",
            "OperationName",
        ],
    ),
    (Account, &["tenantId", "TenantId"]),
    (
        ErrorCode,
        &["properties.resultReason", "ResultReason", "resultReason"],
    ),
];

const AZURE_RISK: Places = &[
    (EventId, &["properties.id", "Id", "id"]),
    (
        Actor,
        &[
            "properties.userPrincipalName",
            "UserPrincipalName",
            "userPrincipalName",
        ],
    ),
    (
        SourceIp,
        &["properties.ipAddress", "IpAddress", "ipAddress"],
    ),
    (Service, &["properties.source", "Source", "source"]),
    (
        Operation,
        &["properties.riskEventType", "RiskEventType", "riskEventType"],
    ),
    (Account, &["tenantId", "TenantId"]),
];

const GCP: Places = &[
    (EventId, &["insertId"]),
    (Actor, &["protoPayload.authenticationInfo.principalEmail"]),
    (SourceIp, &["protoPayload.requestMetadata.callerIp"]),
    (Service, &["protoPayload.serviceName"]),
    (
        Operation,
        &[
            "protoPayload.metadata.event.eventName",
            "protoPayload.methodName",
        ],
    ),
    (
        Account,
        &[
            "resource.labels.project_id",
            "protoPayload.metadata.customerId",
        ],
    ),
    (
        Region,
        &[
            "resource.labels.location",
            "resource.labels.region",
            "resource.labels.zone",
        ],
    ),
    (
        UserAgent,
        &["protoPayload.requestMetadata.callerSuppliedUserAgent"],
    ),
    (ErrorCode, &["protoPayload.status.code"]),
];

const KUBERNETES: Places = &[
    (EventId, &["auditID"]),
    (Actor, &["user.username"]),
    (SourceIp, &["sourceIPs"]),
    (Service, &["objectRef.resource"]),
    (Operation, &["verb"]),
    (Region, &["objectRef.namespace"]),
    (UserAgent, &["userAgent"]),
    (ErrorCode, &["responseStatus.code"]),
];

const OKTA: Places = &[
    (EventId, &["uuid"]),
    (Actor, &["actor.alternateId", "actor.id"]),
    (SourceIp, &["client.ipAddress"]),
    (Service, &["legacyEventType"]),
    (Operation, &["eventType"]),
    (Region, &["client.geographicalContext.country"]),
    (UserAgent, &["client.userAgent.rawUserAgent"]),
    (ErrorCode, &["outcome.reason"]),
];

const GITHUB: Places = &[
    (EventId, &["_document_id"]),
    (Actor, &["actor"]),
    (SourceIp, &["actor_ip"]),
    (Service, &["repo", "repository"]),
    (Operation, &["action"]),
    (Account, &["org", "business"]),
    (Region, &["actor_location.country_code"]),
    (UserAgent, &["user_agent"]),
];

const BITBUCKET: Places = &[
    (Actor, &["author.name"]),
    (SourceIp, &["source"]),
    (Service, &["auditType.category"]),
    (Operation, &["auditType.action"]),
    (Account, &["system"]),
];

const M365: Places = &[
    (EventId, &["Id"]),
    (Actor, &["UserId"]),
    (SourceIp, &["ClientIP", "ClientIPAddress", "ActorIpAddress"]),
    (Service, &["Workload"]),
    (Operation, &["Operation"]),
    (Account, &["OrganizationId"]),
    (UserAgent, &["UserAgent"]),
    (ErrorCode, &["ResultStatus"]),
];

const AZURE_PIM: Places = &[
    (EventId, &["id", "alertId"]),
    (Actor, &["assigneeUserPrincipalName", "assigneeDisplayName"]),
    (Service, &["roleDisplayName"]),
    (Operation, &["riskEventType"]),
    (Account, &["tenantId"]),
];

const ONELOGIN: Places = &[
    (EventId, &["id"]),
    (Actor, &["actor_user_name", "actor_system", "user_name"]),
    (SourceIp, &["ipaddr"]),
    (Service, &["app_name"]),
    (Operation, &["event_type_id"]),
    (Account, &["account_id"]),
    (ErrorCode, &["error_description"]),
];

const DUO: Places = &[
    (EventId, &["txid"]),
    (Actor, &["user.name", "email", "username"]),
    (SourceIp, &["access_device.ip"]),
    (Service, &["application.name"]),
    (Operation, &["event_type", "action"]),
    (Region, &["access_device.location.country"]),
    (ErrorCode, &["reason"]),
];

fn places(kind: LogKind) -> Places {
    match kind {
        LogKind::CloudTrail => &[],
        LogKind::AzureActivity => AZURE_ACTIVITY,
        LogKind::AzureSignIn => AZURE_SIGNIN,
        LogKind::AzureAudit => AZURE_AUDIT,
        LogKind::AzureRiskDetection => AZURE_RISK,
        LogKind::AzurePim => AZURE_PIM,
        LogKind::GcpAudit | LogKind::WorkspaceAdmin | LogKind::WorkspaceLogin => GCP,
        LogKind::KubernetesAudit => KUBERNETES,
        LogKind::Okta => OKTA,
        LogKind::GitHubAudit => GITHUB,
        LogKind::BitbucketAudit => BITBUCKET,
        LogKind::M365Audit => M365,
        LogKind::OneLogin => ONELOGIN,
        LogKind::CiscoDuo => DUO,
    }
}

/// The summary of a record of `kind`.
pub fn summarize(kind: LogKind, record: &Value) -> EventSummary {
    if kind == LogKind::CloudTrail {
        return cloudtrail_summary(record);
    }
    let mut summary = EventSummary::with_capacity(192);
    // Times come in every spelling (epoch milliseconds, seven fraction
    // digits, no zone): the summary has them in one.
    if let Some(time) = event_time(kind, record) {
        summary.set(Time, &time.to_string());
    }
    let mut text = String::new();
    for (field, paths) in places(kind) {
        if paths.iter().any(|path| first_text(record, path, &mut text)) {
            summary.set(*field, &text);
        }
    }
    summary
}

/// The first scalar at a dotted path (arrays give their first element), as
/// text into `out`.
pub fn first_text(record: &Value, path: &str, out: &mut String) -> bool {
    let mut at = record;
    for key in path.split('.') {
        at = first_of(at);
        match at.get(key) {
            Some(next) => at = next,
            None => return false,
        }
    }
    out.clear();
    match first_of(at).as_ref() {
        ValueRef::String(s) if !s.is_empty() => out.push_str(s),
        ValueRef::Number(n) => out.push_str(&n.to_string()),
        ValueRef::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        _ => return false,
    }
    true
}

fn first_of(value: &Value) -> &Value {
    match value.as_array().and_then(|a| a.first()) {
        Some(first) => first,
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_of_gcp_and_okta_records() {
        let gcp: Value = sonic_rs::from_str(
            r#"{"insertId":"i1","timestamp":"2024-05-01T10:00:00Z","protoPayload":{"serviceName":"iam.googleapis.com",
            "methodName":"google.iam.admin.v1.CreateServiceAccountKey","authenticationInfo":{"principalEmail":"eve@example.com"},
            "requestMetadata":{"callerIp":"203.0.113.9"}},"resource":{"labels":{"project_id":"prod-1"}}}"#,
        )
        .unwrap();
        let s = summarize(LogKind::GcpAudit, &gcp);
        assert_eq!(s.actor(), Some("eve@example.com"));
        assert_eq!(
            s.operation(),
            Some("google.iam.admin.v1.CreateServiceAccountKey")
        );
        assert_eq!(s.account(), Some("prod-1"));
        assert_eq!(s.source_ip(), Some("203.0.113.9"));
        assert_eq!(s.time(), Some("2024-05-01T10:00:00Z"));
        let okta: Value = sonic_rs::from_str(
            r#"{"uuid":"u1","published":"2024-05-01T10:00:00Z","eventType":"user.session.start",
            "actor":{"alternateId":"bob@example.com"},"client":{"ipAddress":"198.51.100.7"}}"#,
        )
        .unwrap();
        let s = summarize(LogKind::Okta, &okta);
        assert_eq!(
            (s.actor(), s.operation()),
            (Some("bob@example.com"), Some("user.session.start"))
        );
        assert_eq!(s.event_id(), Some("u1"));
    }
}
