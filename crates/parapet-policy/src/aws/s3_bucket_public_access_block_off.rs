//! ## What it does
//! Finds S3 buckets where any of the four Block Public Access settings is
//! off at both the bucket and the account level.
//!
//! ## Why is this bad?
//! Block Public Access is the guard rail that keeps one wrong ACL or policy
//! from publishing a bucket. With a setting off, the next mistake is a leak.
//!
//! ## Example
//! ```hcl
//! resource "aws_s3_bucket" "data" { bucket = "data" }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_s3_bucket_public_access_block" "data" {
//!   bucket                  = aws_s3_bucket.data.id
//!   block_public_acls       = true
//!   ignore_public_acls      = true
//!   block_public_policy     = true
//!   restrict_public_buckets = true
//! }
//! ```
//!
//! ## Remediation
//! For the whole account (or per bucket with `s3api put-public-access-block`):
//! ```sh
//! aws s3control put-public-access-block --account-id ACCOUNT --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>
//! - CIS AWS Foundations 5.0, 2.1.4

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::public_access_block::{blocks, FLAGS};
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct S3BucketPublicAccessBlockOff;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-S3-005",
    "S3BucketPublicAccessBlockOff",
    "S3 Block Public Access is not fully enabled for the bucket",
    Level::High,
    "aws.s3.bucket",
);

impl Rule for S3BucketPublicAccessBlockOff {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, bucket: &Resource, inventory: &Inventory) -> Verdict {
        let mut off = Vec::new();
        for flag in FLAGS {
            if !blocks(bucket, inventory, flag)? {
                off.push(flag);
            }
        }
        verdict(
            !off.is_empty(),
            format!("off at bucket and account level: {}", off.join(", ")),
            "all four settings on",
        )
    }
}
