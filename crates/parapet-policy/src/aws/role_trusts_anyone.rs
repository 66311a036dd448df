//! ## What it does
//! Finds IAM roles whose trust policy lets any AWS principal (`"*"`) assume
//! them, with no condition naming an account, organization or external id.
//!
//! ## Why is this bad?
//! Anyone with an AWS account, anywhere, can call `sts:AssumeRole` on such a
//! role and act with its permissions.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_role" "shared" {
//!   assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }] })
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_role" "shared" {
//!   assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole",
//!       Condition = { StringEquals = { "sts:ExternalId" = "partner-7f3a" } } }] })
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html>

use parapet_core::{Level, Resource};

use crate::document::{condition_keys, is_allow, names_anyone, statements};
use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct RoleTrustsAnyone;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-018",
    "RoleTrustsAnyone",
    "IAM role can be assumed by any AWS principal",
    Level::Critical,
    "aws.iam.role",
);

impl Rule for RoleTrustsAnyone {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, role: &Resource, _: &Inventory) -> Verdict {
        let trust = role.need("trust_policy")?;
        let open = statements(trust).into_iter().any(|s| {
            is_allow(s)
                && names_anyone(s)
                && !condition_keys(s).iter().any(|k| {
                    matches!(
                        k.as_str(),
                        "sts:externalid"
                            | "aws:principalorgid"
                            | "aws:principalaccount"
                            | "aws:principalarn"
                            | "aws:sourceaccount"
                            | "aws:sourcearn"
                    )
                })
        });
        verdict(
            open,
            "trust policy allows Principal * without a restricting condition",
            "trust policy names its principals",
        )
    }
}
