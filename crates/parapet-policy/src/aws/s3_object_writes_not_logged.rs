//! ## What it does
//! Finds S3 buckets whose object-level write events (PutObject, DeleteObject,
//! ...) no logging CloudTrail trail records as data events.
//!
//! ## Why is this bad?
//! Management events do not show who wrote, overwrote or deleted objects.
//! Without data events, ransomware-style deletion or tampering with stored
//! evidence leaves no trace.
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
//!     read_write_type = "WriteOnly"
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
//! aws cloudtrail put-event-selectors --trail-name TRAIL --event-selectors '[{"ReadWriteType":"WriteOnly","IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html>
//! - CIS AWS Foundations 5.0, 3.8

use parapet_core::{Level, Resource};

use crate::data_events::{check_bucket, Access};
use crate::inventory::Inventory;
use crate::rule::{Rule, RuleInfo, Verdict};

pub struct S3ObjectWritesNotLogged;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-S3-006",
    "S3ObjectWritesNotLogged",
    "S3 object-level write events are not logged",
    Level::Medium,
    "aws.s3.bucket",
);

impl Rule for S3ObjectWritesNotLogged {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, bucket: &Resource, inventory: &Inventory) -> Verdict {
        check_bucket(bucket, inventory, Access::Write)
    }
}
