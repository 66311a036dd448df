//! ## What it does
//! Finds AWS accounts where no CloudWatch alarm watches for route table changes: a metric
//! filter on the CloudWatch Logs group of a multi-region trail, matching the
//! CIS pattern, feeding a metric that an alarm with an action watches.
//!
//! ## Why is this bad?
//! A changed route silently sends traffic through an attacker-controlled path or out of the network. Without the alarm, nobody hears of it until the damage is found.
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
//! resource "aws_cloudwatch_log_metric_filter" "route_table_changes_not_monitored" {
//!   name           = "RouteTableChanges"
//!   log_group_name = aws_cloudwatch_log_group.trail.name
//!   pattern        = "{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }"
//!   metric_transformation {
//!     name      = "RouteTableChanges"
//!     namespace = "CISBenchmark"
//!     value     = "1"
//!   }
//! }
//! resource "aws_cloudwatch_metric_alarm" "route_table_changes_not_monitored" {
//!   alarm_name          = "RouteTableChanges"
//!   metric_name         = "RouteTableChanges"
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
//! aws logs put-metric-filter --log-group-name TRAIL_LOG_GROUP --filter-name RouteTableChanges --metric-transformations metricName=RouteTableChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }' && aws cloudwatch put-metric-alarm --alarm-name RouteTableChanges --metric-name RouteTableChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions SNS_TOPIC_ARN
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
//! - CIS AWS Foundations 3.0, 4.13

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::monitoring::check_account;
use crate::rule::{Rule, RuleInfo, Verdict};

pub struct RouteTableChangesNotMonitored;

/// What the filter pattern must contain (spacing and quotes aside).
const TERMS: [&str; 7] = [
    "$.eventName = CreateRoute",
    "$.eventName = CreateRouteTable",
    "$.eventName = ReplaceRoute",
    "$.eventName = ReplaceRouteTableAssociation",
    "$.eventName = DeleteRouteTable",
    "$.eventName = DeleteRoute",
    "$.eventName = DisassociateRouteTable",
];

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CW-013",
    "RouteTableChangesNotMonitored",
    "No alarm on route table changes",
    Level::Low,
    "aws.account",
);

impl Rule for RouteTableChangesNotMonitored {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, account: &Resource, inventory: &Inventory) -> Verdict {
        check_account(account, inventory, &TERMS)
    }
}
