//! ## What it does
//! Finds S3 buckets without MFA Delete on their versioning configuration.
//!
//! ## Why is this bad?
//! Without MFA Delete, stolen credentials are enough to suspend versioning
//! and destroy every object version: the backup the bucket was meant to be.
//!
//! ## Example
//! ```hcl
//! resource "aws_s3_bucket_versioning" "logs" {
//!   bucket = aws_s3_bucket.logs.id
//!   versioning_configuration { status = "Enabled" }
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_s3_bucket_versioning" "logs" {
//!   bucket = aws_s3_bucket.logs.id
//!   mfa    = "arn:aws:iam::111122223333:mfa/root-account-mfa-device 123456"
//!   versioning_configuration {
//!     status     = "Enabled"
//!     mfa_delete = "Enabled"
//!   }
//! }
//! ```
//!
//! ## Remediation
//! As root, with root's MFA device:
//! ```sh
//! aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "arn:aws:iam::ACCOUNT:mfa/root-account-mfa-device CODE"
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html>
//! - CIS AWS Foundations 3.0, 2.1.2

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct S3BucketMfaDeleteDisabled;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-S3-004",
    "S3BucketMfaDeleteDisabled",
    "S3 bucket without MFA Delete",
    Level::Low,
    "aws.s3.bucket",
);

impl Rule for S3BucketMfaDeleteDisabled {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, bucket: &Resource, _: &Inventory) -> Verdict {
        let mfa_delete = bucket.need_bool("versioning.mfa_delete")?;
        verdict(
            !mfa_delete,
            "MFA Delete is not enabled",
            "MFA Delete is enabled",
        )
    }
}
