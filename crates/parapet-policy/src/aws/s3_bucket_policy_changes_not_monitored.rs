//! ## What it does
//! Finds AWS accounts where no CloudWatch alarm watches for S3 bucket policy changes: a metric
//! filter on the CloudWatch Logs group of a multi-region trail, matching the
//! CIS pattern, feeding a metric that an alarm with an action watches.
//!
//! ## Why is this bad?
//! A bucket policy or ACL change is how data is made public or shared with an outside account. Without the alarm, nobody hears of it until the damage is found.
//!
//! ## Example
//! ```hcl
//! resource "aws_cloudtrail" "main" {
//!   name                  = "main"
//!   s3_bucket_name        = "trail-logs"
//!   is_multi_region_trail = true
//!   # no cloud_watch_logs_group_arn, no metric filter
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_cloudwatch_log_metric_filter" "s3_bucket_policy_changes_not_monitored" {
//!   name           = "S3BucketPolicyChanges"
//!   log_group_name = aws_cloudwatch_log_group.trail.name
//!   pattern        = "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }"
//!   metric_transformation {
//!     name      = "S3BucketPolicyChanges"
//!     namespace = "CISBenchmark"
//!     value     = "1"
//!   }
//! }
//! resource "aws_cloudwatch_metric_alarm" "s3_bucket_policy_changes_not_monitored" {
//!   alarm_name          = "S3BucketPolicyChanges"
//!   metric_name         = "S3BucketPolicyChanges"
//!   namespace           = "CISBenchmark"
//!   statistic           = "Sum"
//!   period              = 300
//!   threshold           = 1
//!   evaluation_periods  = 1
//!   comparison_operator = "GreaterThanOrEqualToThreshold"
//!   alarm_actions       = [aws_sns_topic.security.arn]
//! }
//! ```
//!
//! ## Remediation
//! With the trail sending to log group TRAIL_LOG_GROUP:
//! ```sh
//! aws logs put-metric-filter --log-group-name TRAIL_LOG_GROUP --filter-name S3BucketPolicyChanges --metric-transformations metricName=S3BucketPolicyChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }' && aws cloudwatch put-metric-alarm --alarm-name S3BucketPolicyChanges --metric-name S3BucketPolicyChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions SNS_TOPIC_ARN
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
//! - CIS AWS Foundations 3.0, 4.8

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::monitoring::check_account;
use crate::rule::{Rule, RuleInfo, Verdict};

pub struct S3BucketPolicyChangesNotMonitored;

/// What the filter pattern must contain (spacing and quotes aside).
const TERMS: [&str; 10] = [
    "$.eventSource = s3.amazonaws.com",
    "$.eventName = PutBucketAcl",
    "$.eventName = PutBucketPolicy",
    "$.eventName = PutBucketCors",
    "$.eventName = PutBucketLifecycle",
    "$.eventName = PutBucketReplication",
    "$.eventName = DeleteBucketPolicy",
    "$.eventName = DeleteBucketCors",
    "$.eventName = DeleteBucketLifecycle",
    "$.eventName = DeleteBucketReplication",
];

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CW-008",
    "S3BucketPolicyChangesNotMonitored",
    "No alarm on S3 bucket policy changes",
    Level::Low,
    "aws.account",
);

impl Rule for S3BucketPolicyChangesNotMonitored {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, account: &Resource, inventory: &Inventory) -> Verdict {
        check_account(account, inventory, &TERMS)
    }
}
