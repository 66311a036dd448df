//! ## What it does
//! Finds S3 buckets whose ACL grants access to everyone (`AllUsers`) or to
//! every AWS account (`AuthenticatedUsers`), unless Block Public Access
//! (`IgnorePublicAcls`, on the bucket or the account) neutralizes the grant.
//!
//! ## Why is this bad?
//! Public ACLs are how most S3 data leaks happened: anyone can list or read
//! (or with WRITE, fill) the bucket.
//!
//! ## Example
//! ```hcl
//! resource "aws_s3_bucket_acl" "data" {
//!   bucket = aws_s3_bucket.data.id
//!   acl    = "public-read"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_s3_bucket_ownership_controls" "data" {
//!   bucket = aws_s3_bucket.data.id
//!   rule { object_ownership = "BucketOwnerEnforced" }
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws s3api put-bucket-acl --bucket BUCKET --acl private
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html>
//! - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::public_access_block::blocks;
use crate::rule::{fail, pass, Need, Rule, RuleInfo, Verdict};

pub struct S3BucketPublicAcl;

const PUBLIC_GROUPS: [&str; 2] = [
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

static INFO: RuleInfo = RuleInfo::native(
    "AWS-S3-001",
    "S3BucketPublicAcl",
    "S3 bucket ACL grants public access",
    Level::Critical,
    "aws.s3.bucket",
);

impl Rule for S3BucketPublicAcl {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, bucket: &Resource, inventory: &Inventory) -> Verdict {
        let grants = bucket.need_list("acl.grants")?;
        let public: Vec<String> = grants
            .iter()
            .filter(|g| {
                g.get("grantee")
                    .and_then(AttrValue::as_str)
                    .is_some_and(|who| PUBLIC_GROUPS.contains(&who))
            })
            .map(|g| {
                format!(
                    "{} to {}",
                    g.get("permission")
                        .and_then(AttrValue::as_str)
                        .unwrap_or("?"),
                    g.get("grantee")
                        .and_then(AttrValue::as_str)
                        .and_then(|w| w.rsplit('/').next())
                        .unwrap_or("?")
                )
            })
            .collect();
        if public.is_empty() {
            return pass("no public ACL grant");
        }
        if blocks(bucket, inventory, "ignore_public_acls")? {
            return pass(format!(
                "ACL grants {} but IgnorePublicAcls neutralizes it",
                public.join(", ")
            ));
        }
        fail(format!("ACL grants {}", public.join(", ")))
    }
}
