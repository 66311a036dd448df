//! ## What it does
//! Finds IAM users with a console password and an active access key that has
//! never been used: a key created "just in case" when the user was set up.
//!
//! ## Why is this bad?
//! Every access key is a long-lived secret that can leak. A key nobody uses
//! gives attackers a credential whose misuse nobody will notice, because no
//! one expects traffic from it.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_user_login_profile" "alice" { user = "alice" }
//! resource "aws_iam_access_key" "alice" { user = "alice" }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_user_login_profile" "alice" { user = "alice" }
//! # keys only when a workload needs one, better a role
//! ```
//!
//! ## Remediation
//! ```sh
//! aws iam delete-access-key --user-name USER --access-key-id KEY_ID
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html>
//! - CIS AWS Foundations 3.0, 1.11

use parapet_core::{Level, Resource};

use crate::credentials::{report_date, report_flag, ReportDate};
use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Rule, RuleInfo, Verdict};

pub struct AccessKeySetUpWithConsoleUser;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-006",
    "AccessKeySetUpWithConsoleUser",
    "Console user has an active access key that was never used",
    Level::Medium,
    "aws.iam.user",
);

impl Rule for AccessKeySetUpWithConsoleUser {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, user: &Resource, _: &Inventory) -> Verdict {
        if !report_flag(user, "password_enabled")? {
            return pass("no console password");
        }
        let mut unused = Vec::new();
        for n in [1, 2] {
            let active = report_flag(user, &format!("access_key_{n}_active"))?;
            let used = report_date(user, &format!("access_key_{n}_last_used_date"))?;
            if active && used == ReportDate::Never {
                unused.push(format!("access key {n}"));
            }
        }
        verdict(
            !unused.is_empty(),
            format!("{} active but never used", unused.join(" and ")),
            "no unused active access key",
        )
    }
}
