//! ## What it does
//! Finds S3 buckets whose bucket policy allows anyone (`"Principal": "*"`)
//! without a condition that narrows it to an account, organization, VPC or
//! source, unless Block Public Access (`RestrictPublicBuckets`, on the bucket
//! or the account) neutralizes the policy.
//!
//! ## Why is this bad?
//! The whole internet can then read (or write, or delete) what the statement
//! allows.
//!
//! ## Example
//! ```hcl
//! resource "aws_s3_bucket_policy" "data" {
//!   bucket = aws_s3_bucket.data.id
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "${aws_s3_bucket.data.arn}/*" }] })
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_s3_bucket_policy" "data" {
//!   bucket = aws_s3_bucket.data.id
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "${aws_s3_bucket.data.arn}/*",
//!       Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-exampleorg" } } }] })
//! }
//! ```
//!
//! ## Remediation
//! Remove or narrow the public statement, and block public policies:
//! ```sh
//! aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status>

use parapet_core::{AttrValue, Level, Resource};

use crate::document::public_statements;
use crate::inventory::Inventory;
use crate::public_access_block::blocks;
use crate::rule::{fail, pass, Need, Rule, RuleInfo, Verdict};

pub struct S3BucketPublicPolicy;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-S3-002",
    "S3BucketPublicPolicy",
    "S3 bucket policy allows public access",
    Level::Critical,
    "aws.s3.bucket",
);

impl Rule for S3BucketPublicPolicy {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, bucket: &Resource, inventory: &Inventory) -> Verdict {
        let policy = bucket.need("policy")?;
        if *policy == AttrValue::Null {
            return pass("no bucket policy");
        }
        let public = public_statements(policy);
        if public.is_empty() {
            return pass("no statement allows the public");
        }
        if blocks(bucket, inventory, "restrict_public_buckets")? {
            return pass(format!(
                "public statement ({}) neutralized by RestrictPublicBuckets",
                public.join("; ")
            ));
        }
        fail(format!("public to anyone: {}", public.join("; ")))
    }
}
