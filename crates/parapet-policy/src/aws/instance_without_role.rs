//! ## What it does
//! Finds EC2 instances that run without an IAM instance profile (role).
//!
//! ## Why is this bad?
//! An instance that calls AWS without a role does it with access keys
//! stored on its disk, in user data or in environment variables: long-lived
//! secrets that leak with every image and backup. A role's credentials are
//! temporary and rotated by AWS.
//!
//! ## Example
//! ```hcl
//! resource "aws_instance" "worker" {
//!   ami           = "ami-0abcdef1234567890"
//!   instance_type = "t3.micro"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_instance" "worker" {
//!   ami                  = "ami-0abcdef1234567890"
//!   instance_type        = "t3.micro"
//!   iam_instance_profile = aws_iam_instance_profile.worker.name
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID --iam-instance-profile Name=PROFILE
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html>
//! - CIS AWS Foundations 5.0, 1.17

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Check, Need, Rule, RuleInfo, Verdict};

pub struct InstanceWithoutRole;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-008",
    "InstanceWithoutRole",
    "EC2 instance has no IAM role",
    Level::Low,
    "aws.ec2.instance",
);

impl Rule for InstanceWithoutRole {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, instance: &Resource, _: &Inventory) -> Verdict {
        if matches!(instance.str("state"), Some("terminated" | "shutting-down")) {
            return Ok(Check::Skip);
        }
        let profile = instance.need_opt_str("iam_instance_profile")?;
        verdict(
            profile.is_none(),
            "no instance profile",
            "has an instance profile",
        )
    }
}
