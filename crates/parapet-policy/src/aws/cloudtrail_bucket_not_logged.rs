//! ## What it does
//! Finds CloudTrail trails whose destination S3 bucket has no server access
//! logging.
//!
//! ## Why is this bad?
//! The trail bucket holds the evidence. Access logs show who read, listed or
//! deleted it: the first thing to check when the trail itself may have been
//! tampered with.
//!
//! ## Example
//! ```hcl
//! resource "aws_s3_bucket" "trail_logs" { bucket = "trail-logs" }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_s3_bucket_logging" "trail_logs" {
//!   bucket        = aws_s3_bucket.trail_logs.id
//!   target_bucket = aws_s3_bucket.access_logs.id
//!   target_prefix = "trail-logs/"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws s3api put-bucket-logging --bucket TRAIL_BUCKET --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"ACCESS_LOG_BUCKET","TargetPrefix":"trail/"}}'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html>
//! - CIS AWS Foundations 3.0, 3.4

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Unknown, Verdict};

pub struct CloudTrailBucketNotLogged;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CT-003",
    "CloudTrailBucketNotLogged",
    "CloudTrail bucket has no server access logging",
    Level::Medium,
    "aws.cloudtrail.trail",
);

impl Rule for CloudTrailBucketNotLogged {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, trail: &Resource, inventory: &Inventory) -> Verdict {
        let Some(name) = trail.need_opt_str("s3_bucket")? else {
            return Err(Unknown("the trail names no bucket".into()));
        };
        // By ARN for a live account; by name for templates.
        let bucket = inventory
            .get(&format!("arn:aws:s3:::{name}"))
            .or_else(|| {
                inventory
                    .in_account(&trail.account, "aws.s3.bucket")
                    .find(|b| b.name == name)
            })
            .ok_or_else(|| Unknown(format!("bucket `{name}` is not in this inventory")))?;
        let logged = bucket.need_bool("logging.enabled")?;
        verdict(
            !logged,
            format!("bucket `{name}` has no access logging"),
            "the trail bucket has access logging",
        )
    }
}
