//! ## What it does
//! Finds AWS accounts where no CloudWatch alarm watches for use of the root user: a metric
//! filter on the CloudWatch Logs group of a multi-region trail, matching the
//! CIS pattern, feeding a metric that an alarm with an action watches.
//!
//! ## Why is this bad?
//! Root use should be rare enough that every occurrence is worth a look; an unexpected one is an account takeover in progress. Without the alarm, nobody hears of it until the damage is found.
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
//! resource "aws_cloudwatch_log_metric_filter" "root_usage_not_monitored" {
//!   name           = "RootUsage"
//!   log_group_name = aws_cloudwatch_log_group.trail.name
//!   pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"
//!   metric_transformation {
//!     name      = "RootUsage"
//!     namespace = "CISBenchmark"
//!     value     = "1"
//!   }
//! }
//! resource "aws_cloudwatch_metric_alarm" "root_usage_not_monitored" {
//!   alarm_name          = "RootUsage"
//!   metric_name         = "RootUsage"
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
//! aws logs put-metric-filter --log-group-name TRAIL_LOG_GROUP --filter-name RootUsage --metric-transformations metricName=RootUsage,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }' && aws cloudwatch put-metric-alarm --alarm-name RootUsage --metric-name RootUsage --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions SNS_TOPIC_ARN
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
//! - CIS AWS Foundations 3.0, 4.3

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::monitoring::check_account;
use crate::rule::{Rule, RuleInfo, Verdict};

pub struct RootUsageNotMonitored;

/// What the filter pattern must contain (spacing and quotes aside).
const TERMS: [&str; 3] = [
    r#"$.userIdentity.type = "Root""#,
    "$.userIdentity.invokedBy NOT EXISTS",
    r#"$.eventType != "AwsServiceEvent""#,
];

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CW-003",
    "RootUsageNotMonitored",
    "No alarm on use of the root user",
    Level::Low,
    "aws.account",
);

impl Rule for RootUsageNotMonitored {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, account: &Resource, inventory: &Inventory) -> Verdict {
        check_account(account, inventory, &TERMS)
    }
}
