//! ## What it does
//! Finds IAM users with more than one active access key.
//!
//! ## Why is this bad?
//! A second key is meant for the minutes of a rotation. Two keys that stay
//! active double what can leak and usually mean the old one was never
//! retired.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_access_key" "a" { user = "ci" }
//! resource "aws_iam_access_key" "b" { user = "ci" }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_access_key" "a" { user = "ci" }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws iam update-access-key --user-name USER --access-key-id OLD_KEY_ID --status Inactive
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console>
//! - CIS AWS Foundations 5.0, 1.12

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct MultipleActiveAccessKeys;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-008",
    "MultipleActiveAccessKeys",
    "IAM user has more than one active access key",
    Level::Medium,
    "aws.iam.user",
);

impl Rule for MultipleActiveAccessKeys {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, user: &Resource, _: &Inventory) -> Verdict {
        let active: Vec<&str> = user
            .need_list("access_keys")?
            .iter()
            .filter(|k| k.get("status").and_then(AttrValue::as_str) == Some("Active"))
            .filter_map(|k| k.get("id").and_then(AttrValue::as_str))
            .collect();
        verdict(
            active.len() > 1,
            format!("active access keys: {}", active.join(", ")),
            "at most one active access key",
        )
    }
}
