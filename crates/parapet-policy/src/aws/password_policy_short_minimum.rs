//! ## What it does
//! Finds an account whose IAM password policy allows passwords shorter than
//! 14 characters, or that has no password policy at all (IAM's default
//! minimum is 8).
//!
//! ## Why is this bad?
//! Short passwords fall to guessing and cracking; length is what makes a
//! password strong.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_account_password_policy" "this" {
//!   minimum_password_length = 8
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_account_password_policy" "this" {
//!   minimum_password_length        = 14
//!   password_reuse_prevention      = 24
//!   allow_users_to_change_password = true
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html>
//! - CIS AWS Foundations 5.0, 1.7

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{fail, verdict, Need, Rule, RuleInfo, Verdict};

pub struct PasswordPolicyShortMinimum;

const MIN_LENGTH: i64 = 14;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-011",
    "PasswordPolicyShortMinimum",
    "IAM password policy allows passwords shorter than 14 characters",
    Level::Medium,
    "aws.iam.password-policy",
);

impl Rule for PasswordPolicyShortMinimum {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, policy: &Resource, _: &Inventory) -> Verdict {
        if !policy.need_bool("exists")? {
            return fail("no password policy: IAM's default minimum is 8 characters");
        }
        let length = policy.need_int("minimum_password_length")?;
        verdict(
            length < MIN_LENGTH,
            format!("minimum password length is {length}"),
            "minimum password length is 14 or more",
        )
    }
}
