//! ## What it does
//! Finds an AWS account whose root user has an active access key.
//!
//! ## Why is this bad?
//! The root user can do everything, including closing the account, and no
//! policy can restrict it. A root access key is a long-lived credential for
//! that power: leaked once (a laptop, a repository, a CI log), the account is
//! lost. Nothing needs one; every task has an IAM alternative.
//!
//! ## Example
//! Root access keys cannot be declared in Terraform; they are created by
//! hand in the console:
//! ```hcl
//! # (console) My security credentials -> Create access key
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_role" "automation" {
//!   name               = "automation"
//!   assume_role_policy = data.aws_iam_policy_document.trust.json
//! }
//! ```
//!
//! ## Remediation
//! Sign in as root, open *Security credentials*, deactivate and delete every
//! access key, then verify:
//! ```sh
//! aws iam get-account-summary --query 'SummaryMap.AccountAccessKeysPresent'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html>
//! - CIS AWS Foundations 5.0, 1.3

use parapet_core::{Level, Resource};

use crate::credentials::report_flag;
use crate::inventory::Inventory;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct RootAccessKeyExists;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-001",
    "RootAccessKeyExists",
    "Root user has an active access key",
    Level::Critical,
    "aws.iam.root",
);

impl Rule for RootAccessKeyExists {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, root: &Resource, _: &Inventory) -> Verdict {
        let first = report_flag(root, "access_key_1_active")?;
        let second = report_flag(root, "access_key_2_active")?;
        let active = [first, second].iter().filter(|&&a| a).count();
        verdict(
            active > 0,
            format!("root user has {active} active access key(s)"),
            "root user has no active access key",
        )
    }
}
