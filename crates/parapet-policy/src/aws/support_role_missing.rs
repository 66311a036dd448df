//! ## What it does
//! Finds AWS accounts where no IAM role holds the `AWSSupportAccess` managed
//! policy.
//!
//! ## Why is this bad?
//! During an incident someone must open and follow AWS Support cases. Without
//! a dedicated role, that someone uses root or an over-privileged user.
//!
//! ## Example
//! ```hcl
//! # no role with arn:aws:iam::aws:policy/AWSSupportAccess
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_iam_role" "support" {
//!   name               = "aws-support"
//!   assume_role_policy = data.aws_iam_policy_document.incident_team.json
//! }
//! resource "aws_iam_role_policy_attachment" "support" {
//!   role       = aws_iam_role.support.name
//!   policy_arn = "arn:aws:iam::aws:policy/AWSSupportAccess"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json && aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html>
//! - CIS AWS Foundations 5.0, 1.16

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{fail, pass, Rule, RuleInfo, Unknown, Verdict};

pub struct SupportRoleMissing;

const SUPPORT_POLICY: &str = "arn:aws:iam::aws:policy/AWSSupportAccess";

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-016",
    "SupportRoleMissing",
    "No IAM role can manage incidents with AWS Support",
    Level::Low,
    "aws.account",
);

impl Rule for SupportRoleMissing {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, account: &Resource, inventory: &Inventory) -> Verdict {
        let mut undecided = false;
        let mut roles = 0;
        for role in inventory.in_account(&account.account, "aws.iam.role") {
            if role.related("has-policy").any(|p| p == SUPPORT_POLICY) {
                return pass(format!("role `{}` holds AWSSupportAccess", role.name));
            }
            undecided |= role.is_unknown("attached_policies");
            roles += 1;
        }
        // Every real account has service-linked roles: none at all means IAM
        // was not read (an export without IAM), not that no role exists.
        if roles == 0 {
            return Err(Unknown("the inventory holds no IAM role of this account".into()));
        }
        if undecided || inventory.gap("iam", "ListRoles", "global").is_some() {
            return Err(Unknown(
                "some roles' attached policies could not be listed".into(),
            ));
        }
        fail("no role has the AWSSupportAccess policy attached")
    }
}
