//! ## What it does
//! Finds S3 buckets whose object-level read events (GetObject, ...) no
//! logging CloudTrail trail records as data events.
//!
//! ## Why is this bad?
//! After a credential leak the first question is "what did they read?".
//! Without read data events there is no answer, and no way to scope a
//! breach notification.
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
//!   event_selector {
//!     read_write_type = "All"
//!     data_resource {
//!       type   = "AWS::S3::Object"
//!       values = ["arn:aws:s3"]
//!     }
//!   }
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws cloudtrail put-event-selectors --trail-name TRAIL --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html>
//! - CIS AWS Foundations 5.0, 3.9

use parapet_core::{Level, Resource};

use crate::data_events::{check_bucket, Access};
use crate::inventory::Inventory;
use crate::rule::{Rule, RuleInfo, Verdict};

pub struct S3ObjectReadsNotLogged;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-S3-007",
    "S3ObjectReadsNotLogged",
    "S3 object-level read events are not logged",
    Level::Medium,
    "aws.s3.bucket",
);

impl Rule for S3ObjectReadsNotLogged {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, bucket: &Resource, inventory: &Inventory) -> Verdict {
        check_bucket(bucket, inventory, Access::Read)
    }
}
