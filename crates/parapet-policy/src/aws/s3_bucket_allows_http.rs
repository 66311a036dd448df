//! ## What it does
//! Finds S3 buckets whose policy does not deny requests made over plain HTTP
//! (a `Deny` with the condition `aws:SecureTransport` = `false`).
//!
//! ## Why is this bad?
//! S3 answers HTTP too. Without the deny, a misconfigured client sends data
//! and credentials-signed requests in clear text that anyone on the path can
//! read or replay.
//!
//! ## Example
//! ```hcl
//! resource "aws_s3_bucket" "data" { bucket = "data" }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_s3_bucket_policy" "data" {
//!   bucket = aws_s3_bucket.data.id
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Deny", Principal = "*", Action = "s3:*",
//!       Resource = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"],
//!       Condition = { Bool = { "aws:SecureTransport" = "false" } } }] })
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws s3api put-bucket-policy --bucket BUCKET --policy file://deny-http.json
//! ```
//!
//! ## References
//! - <https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule>
//! - CIS AWS Foundations 5.0, 2.1.1

use parapet_core::{AttrValue, Level, Resource};

use crate::document::{is_deny, names_anyone, statements, strings, wildcard_match};
use crate::inventory::Inventory;
use crate::rule::{fail, verdict, Need, Rule, RuleInfo, Verdict};

pub struct S3BucketAllowsHttp;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-S3-003",
    "S3BucketAllowsHttp",
    "S3 bucket policy does not deny HTTP requests",
    Level::Medium,
    "aws.s3.bucket",
);

/// Whether `statement` denies every S3 action when SecureTransport is false.
fn denies_http(statement: &AttrValue) -> bool {
    let insecure = statement
        .get("Condition")
        .and_then(|c| c.get("Bool"))
        .and_then(|b| {
            b.as_map()?
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("aws:SecureTransport"))
                .map(|(_, v)| v)
        })
        .is_some_and(|v| match v {
            AttrValue::Bool(b) => !b,
            other => strings(Some(other))
                .iter()
                .any(|s| s.eq_ignore_ascii_case("false")),
        });
    insecure
        && is_deny(statement)
        && names_anyone(statement)
        && strings(statement.get("Action"))
            .iter()
            .any(|a| wildcard_match(a, "s3:GetObject") && wildcard_match(a, "s3:PutObject"))
}

impl Rule for S3BucketAllowsHttp {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, bucket: &Resource, _: &Inventory) -> Verdict {
        let policy = bucket.need("policy")?;
        if *policy == AttrValue::Null {
            return fail("no bucket policy, so nothing denies HTTP");
        }
        let denied = statements(policy).into_iter().any(denies_http);
        verdict(
            !denied,
            "no Deny statement on aws:SecureTransport = false",
            "HTTP requests are denied",
        )
    }
}
