//! ## What it does
//! Finds IAM users who can sign in to the console with a password but have
//! no MFA device.
//!
//! ## Why is this bad?
//! A password alone falls to phishing, reuse and guessing. With MFA a stolen
//! password is not enough to sign in.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_user_login_profile" "alice" {
//!   user = aws_iam_user.alice.name
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_user_login_profile" "alice" {
//!   user = aws_iam_user.alice.name
//! }
//! # and a policy that denies everything but MFA setup until MFA is present
//! # (aws:MultiFactorAuthPresent), with the user enrolling a device.
//! ```
//!
//! ## Remediation
//! Have the user enrol a device, or remove the console password:
//! ```sh
//! aws iam delete-login-profile --user-name USER
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html>
//! - CIS AWS Foundations 5.0, 1.9

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

pub struct ConsoleUserWithoutMfa;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-005",
    "ConsoleUserWithoutMfa",
    "IAM user with a console password has no MFA",
    Level::High,
    "aws.iam.user",
);

impl Rule for ConsoleUserWithoutMfa {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, user: &Resource, _: &Inventory) -> Verdict {
        if !user.need_bool("login_profile.exists")? {
            return pass("no console password");
        }
        let mfa = user.need_bool("mfa.enabled")?;
        verdict(
            !mfa,
            "console password without an MFA device",
            "console password with MFA",
        )
    }
}
