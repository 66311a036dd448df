//! ## What it does
//! Finds AWS accounts where no CloudWatch alarm watches for VPC changes: a metric
//! filter on the CloudWatch Logs group of a multi-region trail, matching the
//! CIS pattern, feeding a metric that an alarm with an action watches.
//!
//! ## Why is this bad?
//! New VPCs and peering connections create network paths no one reviewed. Without the alarm, nobody hears of it until the damage is found.
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
//! resource "aws_cloudwatch_log_metric_filter" "vpc_changes_not_monitored" {
//!   name           = "VpcChanges"
//!   log_group_name = aws_cloudwatch_log_group.trail.name
//!   pattern        = "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }"
//!   metric_transformation {
//!     name      = "VpcChanges"
//!     namespace = "CISBenchmark"
//!     value     = "1"
//!   }
//! }
//! resource "aws_cloudwatch_metric_alarm" "vpc_changes_not_monitored" {
//!   alarm_name          = "VpcChanges"
//!   metric_name         = "VpcChanges"
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
//! aws logs put-metric-filter --log-group-name TRAIL_LOG_GROUP --filter-name VpcChanges --metric-transformations metricName=VpcChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }' && aws cloudwatch put-metric-alarm --alarm-name VpcChanges --metric-name VpcChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions SNS_TOPIC_ARN
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
//! - CIS AWS Foundations 3.0, 4.14

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::monitoring::check_account;
use crate::rule::{Rule, RuleInfo, Verdict};

pub struct VpcChangesNotMonitored;

/// What the filter pattern must contain (spacing and quotes aside).
const TERMS: [&str; 7] = [
    "$.eventName = CreateVpc",
    "$.eventName = DeleteVpc",
    "$.eventName = ModifyVpcAttribute",
    "$.eventName = AcceptVpcPeeringConnection",
    "$.eventName = CreateVpcPeeringConnection",
    "$.eventName = DeleteVpcPeeringConnection",
    "$.eventName = RejectVpcPeeringConnection",
];

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CW-014",
    "VpcChangesNotMonitored",
    "No alarm on VPC changes",
    Level::Low,
    "aws.account",
);

impl Rule for VpcChangesNotMonitored {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, account: &Resource, inventory: &Inventory) -> Verdict {
        check_account(account, inventory, &TERMS)
    }
}
