//! ## What it does
//! Finds customer managed IAM policies that allow every action on every
//! resource (`"Action": "*"`, `"Resource": "*"`) and are attached to a user,
//! group or role.
//!
//! ## Why is this bad?
//! Full administrator rights handed out through custom policies escape
//! review: least privilege starts from the permissions a task needs, and
//! the few real administrators should use AWS's `AdministratorAccess` in a
//! role that is watched.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_policy" "ops" {
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Action = "*", Resource = "*" }] })
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_policy" "ops" {
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Action = ["ec2:Describe*", "ec2:StartInstances"], Resource = "*" }] })
//! }
//! ```
//!
//! ## Remediation
//! Detach the policy from every entity, then narrow or delete it:
//! ```sh
//! aws iam list-entities-for-policy --policy-arn POLICY_ARN && aws iam detach-role-policy --role-name ROLE --policy-arn POLICY_ARN
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege>
//! - CIS AWS Foundations 5.0, 1.15

use parapet_core::{Level, Resource};

use crate::document::{describe, is_allow, on_all_resources, statements, strings};
use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

pub struct AdminPolicyAttached;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-013",
    "AdminPolicyAttached",
    "Attached customer managed policy allows *:* (full administrator)",
    Level::High,
    "aws.iam.policy",
);

impl Rule for AdminPolicyAttached {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, policy: &Resource, _: &Inventory) -> Verdict {
        if policy.need_int("attachment_count")? == 0 {
            return pass("not attached to any user, group or role");
        }
        let document = policy.need("document")?;
        let admin = statements(document).into_iter().find(|s| {
            is_allow(s) && strings(s.get("Action")).contains(&"*") && on_all_resources(s)
        });
        verdict(
            admin.is_some(),
            admin.map(describe).unwrap_or_default(),
            "no statement allows * on *",
        )
    }
}
