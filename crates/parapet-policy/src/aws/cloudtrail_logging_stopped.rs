//! ## What it does
//! Finds CloudTrail trails that exist but are not logging.
//!
//! ## Why is this bad?
//! `StopLogging` is the first thing many intruders call. A stopped trail
//! looks configured in every listing while recording nothing.
//!
//! ## Example
//! ```hcl
//! resource "aws_cloudtrail" "main" {
//!   name           = "main"
//!   s3_bucket_name = "trail-logs"
//!   enable_logging = false
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_cloudtrail" "main" {
//!   name           = "main"
//!   s3_bucket_name = "trail-logs"
//!   enable_logging = true
//! }
//! ```
//!
//! ## Remediation
//! Find out who stopped it (a `StopLogging` event), then:
//! ```sh
//! aws cloudtrail start-logging --name TRAIL
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html>
//! - <https://attack.mitre.org/techniques/T1562/008/>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct CloudTrailLoggingStopped;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CT-005",
    "CloudTrailLoggingStopped",
    "CloudTrail trail is not logging",
    Level::High,
    "aws.cloudtrail.trail",
);

impl Rule for CloudTrailLoggingStopped {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, trail: &Resource, _: &Inventory) -> Verdict {
        let logging = trail.need_bool("logging")?;
        verdict(!logging, "the trail is stopped", "the trail is logging")
    }
}
