//! ## What it does
//! Finds customer managed IAM policies that let their holder raise their own
//! privileges: rewrite or attach policies, create credentials for other
//! users, change a role's trust, or pass a role to a service they can run
//! code in (the combinations Rhino Security Labs catalogued).
//!
//! ## Why is this bad?
//! Such a policy is administrator access in disguise: whoever holds it can
//! grant themselves everything, and reviews that look for `*:*` miss it.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_policy" "deployer" {
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Action = ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }] })
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_policy" "deployer" {
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::111122223333:role/app-runtime" },
//!     { Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }] })
//! }
//! ```
//!
//! ## Remediation
//! Restrict the listed actions to named resources, or move them to a role
//! only a pipeline can assume:
//! ```sh
//! aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://restricted.json --set-as-default
//! ```
//!
//! ## References
//! - <https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/>
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html>

use parapet_core::{Level, Resource};

use crate::document::{allows_everywhere, is_allow, statements, strings};
use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

pub struct PrivilegeEscalationPolicy;

/// One action is enough: it rewrites permissions or mints credentials.
const ALONE: [&str; 13] = [
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
];

/// With `iam:PassRole`, each of these runs code as the passed role.
const WITH_PASS_ROLE: [&[&str]; 5] = [
    &["lambda:CreateFunction", "lambda:InvokeFunction"],
    &["ec2:RunInstances"],
    &["cloudformation:CreateStack"],
    &["glue:CreateDevEndpoint"],
    &["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"],
];

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-015",
    "PrivilegeEscalationPolicy",
    "IAM policy allows privilege escalation",
    Level::High,
    "aws.iam.policy",
);

impl Rule for PrivilegeEscalationPolicy {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, policy: &Resource, _: &Inventory) -> Verdict {
        let document = policy.need("document")?;
        let full_admin = statements(document)
            .into_iter()
            .any(|s| is_allow(s) && strings(s.get("Action")).contains(&"*"));
        if full_admin {
            return pass("full administrator policy: see AWS-IAM-013");
        }
        let mut paths: Vec<String> = ALONE
            .iter()
            .filter(|a| allows_everywhere(document, a))
            .map(|a| a.to_string())
            .collect();
        if allows_everywhere(document, "iam:PassRole") {
            for combo in WITH_PASS_ROLE {
                if combo.iter().all(|a| allows_everywhere(document, a)) {
                    paths.push(format!("iam:PassRole + {}", combo.join(" + ")));
                }
            }
        }
        verdict(
            !paths.is_empty(),
            format!("escalation through {}", paths.join("; ")),
            "no privilege-escalation action on all resources",
        )
    }
}
