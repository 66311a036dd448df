//! ## What it does
//! Finds an AWS account whose root user signs in without multi-factor
//! authentication.
//!
//! ## Why is this bad?
//! The root user's password alone then guards unrestricted control of the
//! account and its billing. Phished or reused passwords are the most common
//! way accounts are taken over; MFA stops them.
//!
//! ## Example
//! Root MFA is not a Terraform resource; an account without it looks like:
//! ```hcl
//! # credential report: <root_account> mfa_active = false
//! ```
//! Use instead:
//! ```hcl
//! # credential report: <root_account> mfa_active = true (a hardware key)
//! ```
//!
//! ## Remediation
//! Sign in as root, open *Security credentials*, *Assign MFA device*; then:
//! ```sh
//! aws iam get-account-summary --query 'SummaryMap.AccountMFAEnabled'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html>
//! - CIS AWS Foundations 5.0, 1.4

use parapet_core::{Level, Resource};

use crate::credentials::report_flag;
use crate::inventory::Inventory;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct RootMfaDisabled;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-002",
    "RootMfaDisabled",
    "Root user has no MFA",
    Level::Critical,
    "aws.iam.root",
);

impl Rule for RootMfaDisabled {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, root: &Resource, _: &Inventory) -> Verdict {
        let mfa = report_flag(root, "mfa_active")?;
        verdict(!mfa, "root user has no MFA device", "root user has MFA")
    }
}
