//! Every action a playbook step may name, as data: its parameters, the IAM
//! permissions it needs, whether it changes anything, whether it can be
//! rolled back. The engine validates and plans with this table; the
//! implementations live at the edge (the cloud crate, the binary).

use std::collections::BTreeMap;

/// What a step does to the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// Reads only: inventory, the lake, allow lists.
    Enrich,
    /// Changes cloud resources: counted against the run's cap, dry-run by default.
    Contain,
    /// Sends a message.
    Notify,
}

#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub name: &'static str,
    pub required: bool,
    pub help: &'static str,
    /// A URL whose path is a credential (Slack-style webhooks): reports and
    /// audit records keep only its scheme and host.
    pub secret_path: bool,
    /// The values it takes (empty: any); a literal outside them fails
    /// validation.
    pub choices: &'static [&'static str],
}

const fn req(name: &'static str, help: &'static str) -> ParamSpec {
    ParamSpec {
        name,
        required: true,
        help,
        secret_path: false,
        choices: &[],
    }
}

const fn secret_url(name: &'static str, help: &'static str) -> ParamSpec {
    ParamSpec {
        name,
        required: true,
        help,
        secret_path: true,
        choices: &[],
    }
}

const fn choice(
    name: &'static str,
    help: &'static str,
    choices: &'static [&'static str],
) -> ParamSpec {
    ParamSpec {
        name,
        required: false,
        help,
        secret_path: false,
        choices,
    }
}

const fn opt(name: &'static str, help: &'static str) -> ParamSpec {
    ParamSpec {
        name,
        required: false,
        help,
        secret_path: false,
        choices: &[],
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    pub name: &'static str,
    pub kind: ActionKind,
    pub summary: &'static str,
    pub params: &'static [ParamSpec],
    /// IAM actions the caller needs (empty for local actions).
    pub permissions: &'static [&'static str],
    /// Whether a run records how to undo it.
    pub reversible: bool,
}

pub const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "enrich.inventory",
        kind: ActionKind::Enrich,
        summary: "Look a resource up in the latest inventory snapshot (by uid, ARN or name)",
        params: &[req("resource", "uid, ARN or name")],
        permissions: &[],
        reversible: false,
    },
    ActionSpec {
        name: "enrich.activity",
        kind: ActionKind::Enrich,
        summary: "The identity's, IP's or access key's recent activity from the lake",
        params: &[
            opt("identity", "ARN"),
            opt("ip", "source IP"),
            opt("access_key", "access key id"),
            opt("limit", "events (default 50)"),
        ],
        permissions: &[],
        reversible: false,
    },
    ActionSpec {
        name: "enrich.ip_allowlist",
        kind: ActionKind::Enrich,
        summary: "Whether an IP is inside the CIDRs of an allow list file",
        params: &[
            req("ip", "the address"),
            req("list", "a file of CIDRs, one per line"),
        ],
        permissions: &[],
        reversible: false,
    },
    ActionSpec {
        name: "aws.iam.deactivate_access_key",
        kind: ActionKind::Contain,
        summary: "Set an IAM access key Inactive",
        params: &[
            req("access_key_id", "AKIA... / ASIA... id"),
            opt("user", "the key's user (looked up when absent)"),
        ],
        permissions: &[
            "iam:ListAccessKeys",
            "iam:UpdateAccessKey",
            "iam:GetAccessKeyLastUsed",
        ],
        reversible: true,
    },
    ActionSpec {
        name: "aws.iam.attach_deny_all",
        kind: ActionKind::Contain,
        summary: "Attach an inline deny-all policy (parapet-deny-all) to a user or role",
        params: &[opt("user", "IAM user name"), opt("role", "IAM role name")],
        permissions: &[
            "iam:PutUserPolicy",
            "iam:PutRolePolicy",
            "iam:GetUserPolicy",
            "iam:GetRolePolicy",
            "iam:DeleteUserPolicy",
            "iam:DeleteRolePolicy",
        ],
        reversible: true,
    },
    ActionSpec {
        name: "aws.iam.revoke_role_sessions",
        kind: ActionKind::Contain,
        summary: "Deny every session of a role issued before now (aws:TokenIssueTime)",
        params: &[req("role", "IAM role name")],
        permissions: &[
            "iam:PutRolePolicy",
            "iam:GetRolePolicy",
            "iam:DeleteRolePolicy",
        ],
        reversible: true,
    },
    ActionSpec {
        name: "aws.iam.delete_login_profile",
        kind: ActionKind::Contain,
        summary: "Delete a user's console password (cannot be restored: a new one must be set)",
        params: &[req("user", "IAM user name")],
        permissions: &["iam:GetLoginProfile", "iam:DeleteLoginProfile"],
        reversible: false,
    },
    ActionSpec {
        name: "aws.ec2.quarantine_instance",
        kind: ActionKind::Contain,
        summary: "Replace an instance's security groups with an empty quarantine group",
        params: &[
            req("instance_id", "i-..."),
            opt("region", "the instance's region"),
        ],
        permissions: &[
            "ec2:DescribeInstances",
            "ec2:DescribeSecurityGroups",
            "ec2:CreateSecurityGroup",
            "ec2:RevokeSecurityGroupEgress",
            "ec2:ModifyInstanceAttribute",
        ],
        reversible: true,
    },
    ActionSpec {
        name: "aws.ec2.snapshot_volumes",
        kind: ActionKind::Contain,
        summary: "Snapshot every EBS volume attached to an instance (evidence)",
        params: &[
            req("instance_id", "i-..."),
            opt("region", "the instance's region"),
        ],
        permissions: &[
            "ec2:DescribeInstances",
            "ec2:DescribeSnapshots",
            "ec2:CreateSnapshot",
            "ec2:CreateTags",
        ],
        reversible: false,
    },
    ActionSpec {
        name: "aws.ec2.revoke_open_ingress",
        kind: ActionKind::Contain,
        summary: "Revoke a security group's ingress rules open to the world (0.0.0.0/0, ::/0)",
        params: &[
            req("group_id", "sg-..."),
            opt("port", "only rules covering this port"),
            opt("region", "the group's region"),
        ],
        permissions: &[
            "ec2:DescribeSecurityGroups",
            "ec2:RevokeSecurityGroupIngress",
            "ec2:AuthorizeSecurityGroupIngress",
        ],
        reversible: true,
    },
    ActionSpec {
        name: "aws.s3.block_public_access",
        kind: ActionKind::Contain,
        summary: "Turn on all four Block Public Access settings of a bucket",
        params: &[req("bucket", "bucket name")],
        permissions: &[
            "s3:GetBucketPublicAccessBlock",
            "s3:PutBucketPublicAccessBlock",
        ],
        reversible: true,
    },
    ActionSpec {
        name: "aws.cloudtrail.start_logging",
        kind: ActionKind::Contain,
        summary: "Restart logging of a trail that was stopped",
        params: &[
            req("trail", "trail name or ARN"),
            opt("region", "the trail's home region"),
        ],
        permissions: &["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"],
        reversible: false,
    },
    ActionSpec {
        name: "aws.ec2.unshare_snapshot",
        kind: ActionKind::Contain,
        summary: "Remove every account and public share of an EBS snapshot",
        params: &[
            req("snapshot_id", "snap-..."),
            opt("region", "the snapshot's region"),
        ],
        permissions: &[
            "ec2:DescribeSnapshotAttribute",
            "ec2:ModifySnapshotAttribute",
        ],
        reversible: true,
    },
    ActionSpec {
        name: "notify.webhook",
        kind: ActionKind::Notify,
        summary: "POST a JSON message (generic, or Slack-compatible with format: slack)",
        params: &[
            secret_url(
                "url",
                "https:// or http:// URL (its path is never shown or stored)",
            ),
            req("text", "the message"),
            choice(
                "format",
                "generic (default) or slack",
                &["generic", "slack"],
            ),
        ],
        permissions: &[],
        reversible: false,
    },
    ActionSpec {
        name: "notify.email",
        kind: ActionKind::Notify,
        summary: "Send an email over SMTP",
        params: &[
            req("smtp", "host:port"),
            req("from", "sender"),
            req("to", "recipients, comma-separated"),
            req("subject", "subject"),
            req("text", "body"),
            choice(
                "tls",
                "auto (STARTTLS when offered, default), starttls, implicit or none",
                &["auto", "starttls", "implicit", "none"],
            ),
            opt("username", "AUTH PLAIN user (only over TLS)"),
            opt("password_env", "environment variable holding the password"),
        ],
        permissions: &[],
        reversible: false,
    },
];

impl ActionSpec {
    /// The parameters as reports and audit records show them: a URL whose
    /// path is a credential keeps only `scheme://host/…`.
    pub fn shown_params(&self, params: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut shown = params.clone();
        for spec in self.params.iter().filter(|p| p.secret_path) {
            if let Some(value) = shown.get_mut(spec.name) {
                *value = hide_url_path(value);
            }
        }
        shown
    }
}

fn hide_url_path(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].find(['/', '?', '#']) {
        Some(end) => format!("{}/…", &url[..start + end]),
        None => url.to_string(),
    }
}

pub fn action(name: &str) -> Option<&'static ActionSpec> {
    ACTIONS.iter().find(|a| a.name == name)
}

pub fn action_names() -> String {
    ACTIONS
        .iter()
        .map(|a| a.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod secret_tests {
    use super::*;

    #[test]
    fn webhook_paths_are_hidden_in_what_is_shown() {
        let hook = action("notify.webhook").unwrap();
        let params = BTreeMap::from([
            (
                "url".to_string(),
                "https://hooks.slack.com/services/T0/B0/tok?x=1".to_string(),
            ),
            ("text".to_string(), "hello".to_string()),
        ]);
        let shown = hook.shown_params(&params);
        assert_eq!(shown["url"], "https://hooks.slack.com/…");
        assert_eq!(shown["text"], "hello");
        assert_eq!(hide_url_path("http://relay:8080"), "http://relay:8080");
    }
}
