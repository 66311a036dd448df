//! ## What it does
//! Finds CloudTrail trails whose log files are not encrypted with a KMS key
//! (SSE-KMS).
//!
//! ## Why is this bad?
//! With SSE-KMS, reading the logs takes both S3 read access and
//! `kms:Decrypt` on the key, and every decryption is itself logged. Without
//! it, anyone who can read the bucket reads the whole audit history.
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
//!   name           = "main"
//!   s3_bucket_name = "trail-logs"
//!   kms_key_id     = aws_kms_key.trail.arn
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws cloudtrail update-trail --name TRAIL --kms-key-id KEY_ARN
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html>
//! - CIS AWS Foundations 5.0, 3.5

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct CloudTrailNotKmsEncrypted;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CT-004",
    "CloudTrailNotKmsEncrypted",
    "CloudTrail logs are not encrypted with KMS",
    Level::Medium,
    "aws.cloudtrail.trail",
);

impl Rule for CloudTrailNotKmsEncrypted {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, trail: &Resource, _: &Inventory) -> Verdict {
        let key = trail.need_opt_str("kms_key_id")?;
        verdict(
            key.is_none(),
            "no KMS key configured",
            "encrypted with a KMS key",
        )
    }
}
