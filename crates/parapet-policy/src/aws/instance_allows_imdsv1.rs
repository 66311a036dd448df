//! ## What it does
//! Finds EC2 instances whose metadata service answers IMDSv1 requests
//! (session tokens optional).
//!
//! ## Why is this bad?
//! With IMDSv1, one server-side request forgery in any application on the
//! instance reads the role's credentials from `169.254.169.254` (the Capital
//! One breach). IMDSv2's session token defeats that.
//!
//! ## Example
//! ```hcl
//! resource "aws_instance" "web" {
//!   ami           = "ami-0abcdef1234567890"
//!   instance_type = "t3.micro"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_instance" "web" {
//!   ami           = "ami-0abcdef1234567890"
//!   instance_type = "t3.micro"
//!   metadata_options {
//!     http_tokens = "required"
//!   }
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws ec2 modify-instance-metadata-options --instance-id INSTANCE_ID --http-tokens required --http-endpoint enabled
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html>
//! - CIS AWS Foundations 5.0, 5.7

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Check, Need, Rule, RuleInfo, Verdict};

pub struct InstanceAllowsImdsv1;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-007",
    "InstanceAllowsImdsv1",
    "EC2 instance allows IMDSv1",
    Level::High,
    "aws.ec2.instance",
);

impl Rule for InstanceAllowsImdsv1 {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, instance: &Resource, _: &Inventory) -> Verdict {
        if matches!(instance.str("state"), Some("terminated" | "shutting-down")) {
            return Ok(Check::Skip);
        }
        if instance.str("metadata.http_endpoint") == Some("disabled") {
            return pass("metadata service disabled");
        }
        let tokens = instance.need_opt_str("metadata.http_tokens")?;
        verdict(
            tokens != Some("required"),
            format!("http_tokens is {}", tokens.unwrap_or("optional")),
            "IMDSv2 required",
        )
    }
}
