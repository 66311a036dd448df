//! ## What it does
//! Finds S3 buckets without server access logging. A bucket that receives
//! other buckets' access logs (a log destination, or granted to the S3 log
//! delivery group) is not asked to log itself.
//!
//! ## Why is this bad?
//! Without access logs there is no record of who read, wrote or deleted
//! which object (CloudTrail data events aside): an investigation of a leak
//! cannot say what left the bucket.
//!
//! ## Example
//! ```hcl
//! resource "aws_s3_bucket" "data" { bucket = "data" }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_s3_bucket_logging" "data" {
//!   bucket        = aws_s3_bucket.data.id
//!   target_bucket = aws_s3_bucket.access_logs.id
//!   target_prefix = "data/"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws s3api put-bucket-logging --bucket BUCKET --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"LOG_BUCKET","TargetPrefix":"BUCKET/"}}'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

pub struct S3BucketAccessLoggingDisabled;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-S3-009",
    "S3BucketAccessLoggingDisabled",
    "S3 bucket server access logging is not enabled",
    Level::Low,
    "aws.s3.bucket",
);

impl Rule for S3BucketAccessLoggingDisabled {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, bucket: &Resource, inventory: &Inventory) -> Verdict {
        // Logging on settles it; only a bucket without logging is looked up
        // as a destination (a scan over the account's buckets).
        if bucket.bool("logging.enabled") == Some(true) {
            return pass("server access logging on");
        }
        if receives_access_logs(bucket, inventory) {
            return pass("the destination of access logs");
        }
        let enabled = bucket.need_bool("logging.enabled")?;
        verdict(!enabled, "no server access logging", "server access logging on")
    }
}

/// Whether other buckets of the account log into this one, or its ACL lets
/// the S3 log delivery group write.
fn receives_access_logs(bucket: &Resource, inventory: &Inventory) -> bool {
    let granted = bucket.list("acl.grants").is_some_and(|grants| {
        grants
            .iter()
            .any(|g| g.get("grantee").and_then(AttrValue::as_str) == Some(LOG_DELIVERY))
    });
    granted
        || inventory
            .in_account(&bucket.account, "aws.s3.bucket")
            .any(|other| other.uid != bucket.uid && other.str("logging.target_bucket") == Some(bucket.name.as_str()))
}
