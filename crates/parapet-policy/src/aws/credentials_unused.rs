//! ## What it does
//! Finds IAM users whose console password or active access key has not been
//! used for 45 days or more (counted from when the inventory was taken).
//!
//! ## Why is this bad?
//! Credentials nobody uses belong to people who left or workloads that were
//! retired. They still work, nobody watches them, and they are exactly what
//! attackers look for in leaked files.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_access_key" "old_job" { user = "etl" }   # unused since spring
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_access_key" "old_job" {
//!   user   = "etl"
//!   status = "Inactive"
//! }
//! ```
//!
//! ## Remediation
//! Deactivate unused keys and remove unused passwords:
//! ```sh
//! aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html>
//! - CIS AWS Foundations 5.0, 1.11

use parapet_core::{Level, Resource};

use crate::credentials::{days_between, report_date, report_flag, ReportDate};
use crate::inventory::Inventory;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct CredentialsUnused;

const MAX_IDLE_DAYS: i64 = 45;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-007",
    "CredentialsUnused",
    "IAM credentials unused for 45 days or more are still enabled",
    Level::Medium,
    "aws.iam.user",
);

impl Rule for CredentialsUnused {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, user: &Resource, inventory: &Inventory) -> Verdict {
        let idle = |used: &str, since: &str| -> Result<Option<i64>, crate::rule::Unknown> {
            let reference = match report_date(user, used)? {
                ReportDate::At(when) => when,
                ReportDate::Unavailable => return Ok(None),
                ReportDate::Never => match report_date(user, since)? {
                    ReportDate::At(when) => when,
                    _ => return Ok(None),
                },
            };
            let days = days_between(reference, inventory.now);
            Ok((days >= MAX_IDLE_DAYS).then_some(days))
        };
        let mut stale = Vec::new();
        if report_flag(user, "password_enabled")? {
            if let Some(days) = idle("password_last_used", "password_last_changed")? {
                stale.push(format!("console password unused for {days} days"));
            }
        }
        for n in [1, 2] {
            if !report_flag(user, &format!("access_key_{n}_active"))? {
                continue;
            }
            let used = format!("access_key_{n}_last_used_date");
            let rotated = format!("access_key_{n}_last_rotated");
            if let Some(days) = idle(&used, &rotated)? {
                stale.push(format!("access key {n} unused for {days} days"));
            }
        }
        verdict(
            !stale.is_empty(),
            stale.join("; "),
            "every enabled credential used within 45 days",
        )
    }
}
