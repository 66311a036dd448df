//! ## What it does
//! Finds SNS topics whose access policy lets anyone (`"Principal": "*"`)
//! publish, subscribe or manage the topic, with no condition naming an
//! account, organization or source.
//!
//! ## Why is this bad?
//! Anyone can then subscribe an endpoint and read every message (alerts,
//! order events, secrets pasted into notifications), or publish forged ones
//! to everything that trusts the topic.
//!
//! ## Example
//! ```hcl
//! resource "aws_sns_topic_policy" "alerts" {
//!   arn    = aws_sns_topic.alerts.arn
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Principal = "*", Action = "sns:Subscribe", Resource = aws_sns_topic.alerts.arn }] })
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_sns_topic_policy" "alerts" {
//!   arn    = aws_sns_topic.alerts.arn
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Principal = { Service = "cloudwatch.amazonaws.com" }, Action = "sns:Publish",
//!       Resource = aws_sns_topic.alerts.arn,
//!       Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } } }] })
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws sns set-topic-attributes --topic-arn TOPIC_ARN --attribute-name Policy --attribute-value file://policy.json
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html>

use parapet_core::{AttrValue, Level, Resource};

use crate::document::public_statements;
use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

pub struct SnsTopicPublic;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-SNS-001",
    "SnsTopicPublic",
    "SNS topic policy allows anyone",
    Level::High,
    "aws.sns.topic",
);

impl Rule for SnsTopicPublic {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, topic: &Resource, _: &Inventory) -> Verdict {
        let policy = topic.need("policy")?;
        if *policy == AttrValue::Null {
            return pass("no topic policy");
        }
        let public = public_statements(policy);
        verdict(!public.is_empty(), public.join("; "), "no statement open to anyone")
    }
}
