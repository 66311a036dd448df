//! ## What it does
//! Finds S3 buckets without versioning enabled.
//!
//! ## Why is this bad?
//! Without versioning an overwrite or a delete is final: ransomware that
//! rewrites objects, a compromised key that deletes them, or a bad deploy
//! leaves nothing to restore.
//!
//! ## Example
//! ```hcl
//! resource "aws_s3_bucket" "data" { bucket = "data" }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_s3_bucket_versioning" "data" {
//!   bucket = aws_s3_bucket.data.id
//!   versioning_configuration { status = "Enabled" }
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct S3BucketVersioningDisabled;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-S3-008",
    "S3BucketVersioningDisabled",
    "S3 bucket versioning is not enabled",
    Level::Medium,
    "aws.s3.bucket",
);

impl Rule for S3BucketVersioningDisabled {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, bucket: &Resource, _: &Inventory) -> Verdict {
        let enabled = bucket.need_bool("versioning.enabled")?;
        verdict(!enabled, "versioning is off or suspended", "versioning enabled")
    }
}
