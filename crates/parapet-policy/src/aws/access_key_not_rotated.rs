//! ## What it does
//! Finds active IAM access keys older than 90 days (from when the inventory
//! was taken).
//!
//! ## Why is this bad?
//! The longer a key lives, the more copies of it exist in laptops, CI
//! variables and logs. Rotation bounds how long a leaked key stays useful.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_access_key" "ci" { user = "ci" }   # created two years ago
//! ```
//! Use instead:
//! ```hcl
//! resource "time_rotating" "ci" { rotation_days = 90 }
//! resource "aws_iam_access_key" "ci" {
//!   user = "ci"
//!   lifecycle { replace_triggered_by = [time_rotating.ci] }
//! }
//! ```
//!
//! ## Remediation
//! Create a new key, move the workload to it, then deactivate the old one:
//! ```sh
//! aws iam create-access-key --user-name USER && aws iam update-access-key --user-name USER --access-key-id OLD_KEY_ID --status Inactive
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#Using_RotateAccessKey>
//! - CIS AWS Foundations 5.0, 1.13

use parapet_core::{AttrValue, Level, Resource};

use crate::credentials::{days_between, timestamp};
use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Unknown, Verdict};

pub struct AccessKeyNotRotated;

const MAX_AGE_DAYS: i64 = 90;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-009",
    "AccessKeyNotRotated",
    "Active access key older than 90 days",
    Level::Medium,
    "aws.iam.user",
);

impl Rule for AccessKeyNotRotated {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, user: &Resource, inventory: &Inventory) -> Verdict {
        let mut old = Vec::new();
        for key in user.need_list("access_keys")? {
            if key.get("status").and_then(AttrValue::as_str) != Some("Active") {
                continue;
            }
            let id = key.get("id").and_then(AttrValue::as_str).unwrap_or("?");
            let created = timestamp(key.get("create_date").and_then(AttrValue::as_str))
                .ok_or_else(|| Unknown(format!("creation date of key {id} unknown")))?;
            let days = days_between(created, inventory.now);
            if days > MAX_AGE_DAYS {
                old.push(format!("{id} is {days} days old"));
            }
        }
        verdict(
            !old.is_empty(),
            old.join("; "),
            "active keys rotated within 90 days",
        )
    }
}
