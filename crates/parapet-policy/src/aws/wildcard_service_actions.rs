//! ## What it does
//! Finds customer managed IAM policies that allow every action of a service
//! (`"s3:*"`, `"iam:*"`) on every resource.
//!
//! ## Why is this bad?
//! `service:*` grants today's and tomorrow's actions, including the
//! destructive and the permission-changing ones (`s3:PutBucketPolicy`,
//! `kms:ScheduleKeyDeletion`). Least privilege names the actions a task
//! needs.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_policy" "app" {
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Action = "s3:*", Resource = "*" }] })
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_policy" "app" {
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::app-data/*" }] })
//! }
//! ```
//!
//! ## Remediation
//! Publish a narrower version and make it the default:
//! ```sh
//! aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://narrow.json --set-as-default
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege>
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html>

use parapet_core::{Level, Resource};

use crate::document::{is_allow, on_all_resources, statements, strings};
use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct WildcardServiceActions;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-014",
    "WildcardServiceActions",
    "IAM policy allows all actions of a service on all resources",
    Level::Medium,
    "aws.iam.policy",
);

impl Rule for WildcardServiceActions {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, policy: &Resource, _: &Inventory) -> Verdict {
        let document = policy.need("document")?;
        let mut wildcards: Vec<&str> = statements(document)
            .into_iter()
            .filter(|s| is_allow(s) && on_all_resources(s))
            .flat_map(|s| strings(s.get("Action")))
            .filter(|a| a.ends_with(":*"))
            .collect();
        wildcards.sort_unstable();
        wildcards.dedup();
        verdict(
            !wildcards.is_empty(),
            format!("allows {} on *", wildcards.join(", ")),
            "no service-wide wildcard on all resources",
        )
    }
}
