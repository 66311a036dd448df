//! ## What it does
//! Finds AWS accounts where no CloudWatch alarm watches for unauthorized API calls: a metric
//! filter on the CloudWatch Logs group of a multi-region trail, matching the
//! CIS pattern, feeding a metric that an alarm with an action watches.
//!
//! ## Why is this bad?
//! Bursts of AccessDenied are how stolen credentials feel out their permissions, and how broken automation shows up. Without the alarm, nobody hears of it until the damage is found.
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
//! resource "aws_cloudwatch_log_metric_filter" "unauthorized_api_calls_not_monitored" {
//!   name           = "UnauthorizedApiCalls"
//!   log_group_name = aws_cloudwatch_log_group.trail.name
//!   pattern        = "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") && ($.sourceIPAddress != \"delivery.logs.amazonaws.com\") && ($.eventName != \"HeadBucket\") }"
//!   metric_transformation {
//!     name      = "UnauthorizedApiCalls"
//!     namespace = "CISBenchmark"
//!     value     = "1"
//!   }
//! }
//! resource "aws_cloudwatch_metric_alarm" "unauthorized_api_calls_not_monitored" {
//!   alarm_name          = "UnauthorizedApiCalls"
//!   metric_name         = "UnauthorizedApiCalls"
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
//! aws logs put-metric-filter --log-group-name TRAIL_LOG_GROUP --filter-name UnauthorizedApiCalls --metric-transformations metricName=UnauthorizedApiCalls,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }' && aws cloudwatch put-metric-alarm --alarm-name UnauthorizedApiCalls --metric-name UnauthorizedApiCalls --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions SNS_TOPIC_ARN
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
//! - CIS AWS Foundations 3.0, 4.1

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::monitoring::check_account;
use crate::rule::{Rule, RuleInfo, Verdict};

pub struct UnauthorizedApiCallsNotMonitored;

/// What the filter pattern must contain (spacing and quotes aside).
const TERMS: [&str; 2] = [
    r#"$.errorCode = "*UnauthorizedOperation""#,
    r#"$.errorCode = "AccessDenied*""#,
];

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CW-001",
    "UnauthorizedApiCallsNotMonitored",
    "No alarm on unauthorized API calls",
    Level::Low,
    "aws.account",
);

impl Rule for UnauthorizedApiCallsNotMonitored {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, account: &Resource, inventory: &Inventory) -> Verdict {
        check_account(account, inventory, &TERMS)
    }
}
