//! ## What it does
//! Finds an AWS account whose root user signed in or used an access key in
//! the 30 days before the inventory was taken.
//!
//! ## Why is this bad?
//! Root is for the few tasks only it can do (closing the account, changing
//! the support plan). Daily use spreads its credentials and leaves actions no
//! policy, boundary or SCP can limit.
//!
//! ## Example
//! ```hcl
//! # credential report: <root_account> password_last_used = (yesterday)
//! ```
//! Use instead:
//! ```hcl
//! # Day-to-day work through IAM Identity Center or IAM roles:
//! resource "aws_iam_role" "admin" {
//!   name               = "admin"
//!   assume_role_policy = data.aws_iam_policy_document.sso.json
//! }
//! ```
//!
//! ## Remediation
//! Give administrators their own identities, lock the root credentials away
//! and check the last use:
//! ```sh
//! aws iam generate-credential-report && aws iam get-credential-report --query Content --output text | base64 -d | grep root_account
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html>
//! - CIS AWS Foundations 3.0, 1.7

use parapet_core::{Level, Resource};

use crate::credentials::{days_between, report_date, ReportDate};
use crate::inventory::Inventory;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct RootAccountUsed;

/// How recent a use counts as "daily".
const RECENT_DAYS: i64 = 30;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-004",
    "RootAccountUsed",
    "Root user used in the last 30 days",
    Level::High,
    "aws.iam.root",
);

impl Rule for RootAccountUsed {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, root: &Resource, inventory: &Inventory) -> Verdict {
        let mut uses = Vec::new();
        for column in [
            "password_last_used",
            "access_key_1_last_used_date",
            "access_key_2_last_used_date",
        ] {
            if let ReportDate::At(when) = report_date(root, column)? {
                let days = days_between(when, inventory.now);
                if days < RECENT_DAYS {
                    uses.push(format!("{column} {days} day(s) ago"));
                }
            }
        }
        verdict(
            !uses.is_empty(),
            format!("root user used: {}", uses.join(", ")),
            "root user not used in the last 30 days",
        )
    }
}
