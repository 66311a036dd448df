//! ## What it does
//! Finds an account whose IAM password policy lets users reuse any of their
//! last 24 passwords (or that has no password policy).
//!
//! ## Why is this bad?
//! Users forced to change a password go back to the old one. A password that
//! leaked before comes back into use.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_account_password_policy" "this" {
//!   minimum_password_length = 14
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_account_password_policy" "this" {
//!   minimum_password_length   = 14
//!   password_reuse_prevention = 24
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
//! - CIS AWS Foundations 5.0, 1.8

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{fail, verdict, Need, Rule, RuleInfo, Verdict};

pub struct PasswordPolicyAllowsReuse;

const REMEMBERED: i64 = 24;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-012",
    "PasswordPolicyAllowsReuse",
    "IAM password policy does not prevent reuse of the last 24 passwords",
    Level::Medium,
    "aws.iam.password-policy",
);

impl Rule for PasswordPolicyAllowsReuse {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, policy: &Resource, _: &Inventory) -> Verdict {
        if !policy.need_bool("exists")? {
            return fail("no password policy: passwords may be reused");
        }
        match policy.need("password_reuse_prevention")? {
            AttrValue::Null => fail("password reuse prevention is not set"),
            _ => {
                let remembered = policy.need_int("password_reuse_prevention")?;
                verdict(
                    remembered < REMEMBERED,
                    format!("only the last {remembered} passwords are remembered"),
                    "the last 24 passwords are remembered",
                )
            }
        }
    }
}
