//! The kinds of audit log Parapet reads, and the Sigma log source each one
//! is to the rules.

use std::fmt;
use std::str::FromStr;

/// One kind of audit log record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogKind {
    CloudTrail,
    AzureActivity,
    AzureSignIn,
    AzureAudit,
    AzureRiskDetection,
    AzurePim,
    GcpAudit,
    WorkspaceAdmin,
    WorkspaceLogin,
    KubernetesAudit,
    Okta,
    GitHubAudit,
    BitbucketAudit,
    M365Audit,
    OneLogin,
    CiscoDuo,
}

/// How the rules name a log kind (`logsource:`), and how the detector reads
/// its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigmaSource {
    pub product: &'static str,
    /// Every `service` whose rules apply to this kind.
    pub services: &'static [&'static str],
    /// Categories a rule may also name (Kubernetes rules say `application`).
    pub categories: &'static [&'static str],
    /// Event fields the rule index keys on, most selective first.
    pub key_fields: &'static [&'static str],
    /// Field names are matched without regard to case: Azure exports spell
    /// the same field `operationName` or `OperationName` by shape.
    pub fold_field_case: bool,
}

const fn sigma(
    product: &'static str,
    services: &'static [&'static str],
    key_fields: &'static [&'static str],
) -> SigmaSource {
    SigmaSource {
        product,
        services,
        categories: &[],
        key_fields,
        fold_field_case: false,
    }
}

const fn sigma_folded(product: &'static str, services: &'static [&'static str]) -> SigmaSource {
    SigmaSource {
        product,
        services,
        categories: &[],
        key_fields: &[],
        fold_field_case: true,
    }
}

impl LogKind {
    /// Every kind, in declaration order (`kind as usize` indexes it).
    pub const ALL: [LogKind; 16] = [
        LogKind::CloudTrail,
        LogKind::AzureActivity,
        LogKind::AzureSignIn,
        LogKind::AzureAudit,
        LogKind::AzureRiskDetection,
        LogKind::AzurePim,
        LogKind::GcpAudit,
        LogKind::WorkspaceAdmin,
        LogKind::WorkspaceLogin,
        LogKind::KubernetesAudit,
        LogKind::Okta,
        LogKind::GitHubAudit,
        LogKind::BitbucketAudit,
        LogKind::M365Audit,
        LogKind::OneLogin,
        LogKind::CiscoDuo,
    ];

    /// The name `--source` takes and reports print.
    pub fn name(self) -> &'static str {
        match self {
            LogKind::CloudTrail => "cloudtrail",
            LogKind::AzureActivity => "azure-activity",
            LogKind::AzureSignIn => "azure-signin",
            LogKind::AzureAudit => "azure-audit",
            LogKind::AzureRiskDetection => "azure-risk",
            LogKind::AzurePim => "azure-pim",
            LogKind::GcpAudit => "gcp-audit",
            LogKind::WorkspaceAdmin => "workspace-admin",
            LogKind::WorkspaceLogin => "workspace-login",
            LogKind::KubernetesAudit => "k8s-audit",
            LogKind::Okta => "okta",
            LogKind::GitHubAudit => "github",
            LogKind::BitbucketAudit => "bitbucket",
            LogKind::M365Audit => "m365",
            LogKind::OneLogin => "onelogin",
            LogKind::CiscoDuo => "duo",
        }
    }

    /// The lake's `source=` partition and the OCSF `metadata.product.name`.
    pub fn product_name(self) -> &'static str {
        match self {
            LogKind::CloudTrail => "CloudTrail",
            LogKind::AzureActivity => "Azure Activity Log",
            LogKind::AzureSignIn => "Entra ID Sign-in Logs",
            LogKind::AzureAudit => "Entra ID Audit Logs",
            LogKind::AzureRiskDetection => "Entra ID Identity Protection",
            LogKind::AzurePim => "Entra ID PIM Alerts",
            LogKind::GcpAudit => "Cloud Audit Logs",
            LogKind::WorkspaceAdmin | LogKind::WorkspaceLogin => "Google Workspace",
            LogKind::KubernetesAudit => "Kubernetes Audit",
            LogKind::Okta => "Okta System Log",
            LogKind::GitHubAudit => "GitHub Audit Log",
            LogKind::BitbucketAudit => "Bitbucket Audit Log",
            LogKind::M365Audit => "Microsoft 365 Unified Audit Log",
            LogKind::OneLogin => "OneLogin Events",
            LogKind::CiscoDuo => "Cisco Duo Authentication Log",
        }
    }

    /// The OCSF `cloud.provider` (or SaaS vendor) of the log.
    pub fn provider(self) -> &'static str {
        match self {
            LogKind::CloudTrail => "AWS",
            LogKind::AzureActivity
            | LogKind::AzureSignIn
            | LogKind::AzureAudit
            | LogKind::AzureRiskDetection
            | LogKind::AzurePim => "Azure",
            LogKind::GcpAudit | LogKind::WorkspaceAdmin | LogKind::WorkspaceLogin => "GCP",
            LogKind::KubernetesAudit => "Kubernetes",
            LogKind::Okta => "Okta",
            LogKind::GitHubAudit => "GitHub",
            LogKind::BitbucketAudit => "Bitbucket",
            LogKind::M365Audit => "Microsoft 365",
            LogKind::OneLogin => "OneLogin",
            LogKind::CiscoDuo => "Cisco Duo",
        }
    }

    pub fn sigma(self) -> SigmaSource {
        match self {
            LogKind::CloudTrail => sigma(
                "aws",
                &["cloudtrail"],
                &["eventName", "eventSource", "userIdentity.type"],
            ),
            LogKind::AzureActivity => sigma_folded("azure", &["activitylogs"]),
            LogKind::AzureSignIn => sigma_folded("azure", &["signinlogs"]),
            LogKind::AzureAudit => sigma_folded("azure", &["auditlogs"]),
            LogKind::AzureRiskDetection => sigma_folded("azure", &["riskdetection"]),
            LogKind::AzurePim => sigma_folded("azure", &["pim"]),
            LogKind::GcpAudit => sigma("gcp", &["gcp.audit"], &["protoPayload.methodName"]),
            LogKind::WorkspaceAdmin => sigma("gcp", &["google_workspace.admin"], &[]),
            LogKind::WorkspaceLogin => sigma("gcp", &["google_workspace.login"], &[]),
            LogKind::KubernetesAudit => SigmaSource {
                categories: &["application"],
                ..sigma("kubernetes", &["audit"], &["objectRef.resource", "verb"])
            },
            LogKind::Okta => sigma("okta", &["okta"], &["eventType"]),
            LogKind::GitHubAudit => sigma("github", &["audit"], &["action"]),
            LogKind::BitbucketAudit => sigma("bitbucket", &["audit"], &["auditType.action"]),
            LogKind::M365Audit => SigmaSource {
                fold_field_case: true,
                ..sigma(
                    "m365",
                    &["audit", "threat_management", "threat_detection", "exchange"],
                    &[],
                )
            },
            LogKind::OneLogin => sigma("onelogin", &["onelogin.events"], &[]),
            LogKind::CiscoDuo => sigma("cisco", &["duo"], &["event_type"]),
        }
    }
}

impl fmt::Display for LogKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for LogKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        LogKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                let names: Vec<&str> = LogKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown log source `{text}`; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_the_kinds_in_declaration_order() {
        // Tables indexed by `kind as usize` rely on it.
        for (n, kind) in LogKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, n);
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_choices() {
        for kind in LogKind::ALL {
            assert_eq!(kind.name().parse::<LogKind>(), Ok(kind));
        }
        let error = "azure".parse::<LogKind>().unwrap_err();
        assert!(
            error.contains("azure-activity") && error.contains("k8s-audit"),
            "{error}"
        );
    }
}
