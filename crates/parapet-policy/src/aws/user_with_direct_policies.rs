//! ## What it does
//! Finds IAM users with policies attached directly or inline, instead of
//! receiving permissions through groups (or roles).
//!
//! ## Why is this bad?
//! Permissions attached user by user drift apart, outlive job changes and
//! cannot be reviewed as roles. Groups make who-can-do-what a short list.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_user_policy_attachment" "alice" {
//!   user       = "alice"
//!   policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_group_policy_attachment" "auditors" {
//!   group      = "auditors"
//!   policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
//! }
//! ```
//!
//! ## Remediation
//! Add the user to a group that carries the policy, then detach it:
//! ```sh
//! aws iam detach-user-policy --user-name USER --policy-arn POLICY_ARN
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html>
//! - CIS AWS Foundations 5.0, 1.14

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct UserWithDirectPolicies;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-010",
    "UserWithDirectPolicies",
    "IAM user has policies attached directly",
    Level::Low,
    "aws.iam.user",
);

impl Rule for UserWithDirectPolicies {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, user: &Resource, _: &Inventory) -> Verdict {
        let names = |list: &[AttrValue]| -> Vec<String> {
            list.iter()
                .filter_map(AttrValue::as_str)
                .map(str::to_string)
                .collect()
        };
        let attached = names(user.need_list("attached_policies")?);
        let inline = names(user.need_list("inline_policies")?);
        let mut direct = Vec::new();
        if !attached.is_empty() {
            direct.push(format!("attached: {}", attached.join(", ")));
        }
        if !inline.is_empty() {
            direct.push(format!("inline: {}", inline.join(", ")));
        }
        verdict(
            !direct.is_empty(),
            direct.join("; "),
            "permissions only through groups",
        )
    }
}
