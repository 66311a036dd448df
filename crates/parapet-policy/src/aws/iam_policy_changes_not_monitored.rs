//! ## What it does
//! Finds AWS accounts where no CloudWatch alarm watches for IAM policy changes: a metric
//! filter on the CloudWatch Logs group of a multi-region trail, matching the
//! CIS pattern, feeding a metric that an alarm with an action watches.
//!
//! ## Why is this bad?
//! Attaching or rewriting a policy is the shortest path to privilege escalation and persistence. Without the alarm, nobody hears of it until the damage is found.
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
//! resource "aws_cloudwatch_log_metric_filter" "iam_policy_changes_not_monitored" {
//!   name           = "IamPolicyChanges"
//!   log_group_name = aws_cloudwatch_log_group.trail.name
//!   pattern        = "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}"
//!   metric_transformation {
//!     name      = "IamPolicyChanges"
//!     namespace = "CISBenchmark"
//!     value     = "1"
//!   }
//! }
//! resource "aws_cloudwatch_metric_alarm" "iam_policy_changes_not_monitored" {
//!   alarm_name          = "IamPolicyChanges"
//!   metric_name         = "IamPolicyChanges"
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
//! aws logs put-metric-filter --log-group-name TRAIL_LOG_GROUP --filter-name IamPolicyChanges --metric-transformations metricName=IamPolicyChanges,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}' && aws cloudwatch put-metric-alarm --alarm-name IamPolicyChanges --metric-name IamPolicyChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions SNS_TOPIC_ARN
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html>
//! - CIS AWS Foundations 3.0, 4.4

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::monitoring::check_account;
use crate::rule::{Rule, RuleInfo, Verdict};

pub struct IamPolicyChangesNotMonitored;

/// What the filter pattern must contain (spacing and quotes aside).
const TERMS: [&str; 16] = [
    "$.eventName=DeleteGroupPolicy",
    "$.eventName=DeleteRolePolicy",
    "$.eventName=DeleteUserPolicy",
    "$.eventName=PutGroupPolicy",
    "$.eventName=PutRolePolicy",
    "$.eventName=PutUserPolicy",
    "$.eventName=CreatePolicy",
    "$.eventName=DeletePolicy",
    "$.eventName=CreatePolicyVersion",
    "$.eventName=DeletePolicyVersion",
    "$.eventName=AttachRolePolicy",
    "$.eventName=DetachRolePolicy",
    "$.eventName=AttachUserPolicy",
    "$.eventName=DetachUserPolicy",
    "$.eventName=AttachGroupPolicy",
    "$.eventName=DetachGroupPolicy",
];

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CW-004",
    "IamPolicyChangesNotMonitored",
    "No alarm on IAM policy changes",
    Level::Low,
    "aws.account",
);

impl Rule for IamPolicyChangesNotMonitored {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, account: &Resource, inventory: &Inventory) -> Verdict {
        check_account(account, inventory, &TERMS)
    }
}
