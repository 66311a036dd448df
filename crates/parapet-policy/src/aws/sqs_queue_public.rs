//! ## What it does
//! Finds SQS queues whose access policy lets anyone (`"Principal": "*"`)
//! send, receive or delete messages, with no condition naming an account,
//! organization or source.
//!
//! ## Why is this bad?
//! Anyone can then read the queue's messages or inject work into whatever
//! consumes it.
//!
//! ## Example
//! ```hcl
//! resource "aws_sqs_queue_policy" "jobs" {
//!   queue_url = aws_sqs_queue.jobs.id
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Principal = "*", Action = "sqs:*", Resource = aws_sqs_queue.jobs.arn }] })
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_sqs_queue_policy" "jobs" {
//!   queue_url = aws_sqs_queue.jobs.id
//!   policy = jsonencode({ Version = "2012-10-17", Statement = [
//!     { Effect = "Allow", Principal = { Service = "sns.amazonaws.com" }, Action = "sqs:SendMessage",
//!       Resource = aws_sqs_queue.jobs.arn,
//!       Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.jobs.arn } } }] })
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws sqs set-queue-attributes --queue-url QUEUE_URL --attributes file://policy-attributes.json
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html>

use parapet_core::{AttrValue, Level, Resource};

use crate::document::public_statements;
use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

pub struct SqsQueuePublic;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-SQS-001",
    "SqsQueuePublic",
    "SQS queue policy allows anyone",
    Level::High,
    "aws.sqs.queue",
);

impl Rule for SqsQueuePublic {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, queue: &Resource, _: &Inventory) -> Verdict {
        let policy = queue.need("policy")?;
        if *policy == AttrValue::Null {
            return pass("no queue policy");
        }
        let public = public_statements(policy);
        verdict(!public.is_empty(), public.join("; "), "no statement open to anyone")
    }
}
