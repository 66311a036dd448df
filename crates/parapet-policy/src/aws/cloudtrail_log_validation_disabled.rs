//! ## What it does
//! Finds CloudTrail trails without log file integrity validation.
//!
//! ## Why is this bad?
//! An intruder with access to the log bucket edits or deletes the files that
//! record what they did. Validation signs digest files so tampering is
//! detectable.
//!
//! ## Example
//! ```hcl
//! resource "aws_cloudtrail" "main" {
//!   name           = "main"
//!   s3_bucket_name = "trail-logs"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_cloudtrail" "main" {
//!   name                       = "main"
//!   s3_bucket_name             = "trail-logs"
//!   enable_log_file_validation = true
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws cloudtrail update-trail --name TRAIL --enable-log-file-validation
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html>
//! - CIS AWS Foundations 5.0, 3.2

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct CloudTrailLogValidationDisabled;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CT-002",
    "CloudTrailLogValidationDisabled",
    "CloudTrail log file validation is disabled",
    Level::Medium,
    "aws.cloudtrail.trail",
);

impl Rule for CloudTrailLogValidationDisabled {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, trail: &Resource, _: &Inventory) -> Verdict {
        let on = trail.need_bool("log_file_validation")?;
        verdict(
            !on,
            "log file validation is off",
            "log file validation is on",
        )
    }
}
