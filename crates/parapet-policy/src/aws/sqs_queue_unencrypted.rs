//! ## What it does
//! Finds SQS queues with neither SQS-managed encryption (SSE-SQS) nor a KMS
//! key (SSE-KMS).
//!
//! ## Why is this bad?
//! Messages wait in the queue for up to two weeks. Unencrypted, they sit in
//! clear in AWS's storage and in every backup of it, often carrying customer
//! data and tokens.
//!
//! ## Example
//! ```hcl
//! resource "aws_sqs_queue" "jobs" {
//!   name                    = "jobs"
//!   sqs_managed_sse_enabled = false
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_sqs_queue" "jobs" {
//!   name              = "jobs"
//!   kms_master_key_id = aws_kms_key.queues.arn
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws sqs set-queue-attributes --queue-url QUEUE_URL --attributes SqsManagedSseEnabled=true
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

pub struct SqsQueueUnencrypted;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-SQS-002",
    "SqsQueueUnencrypted",
    "SQS queue is not encrypted at rest",
    Level::Medium,
    "aws.sqs.queue",
);

impl Rule for SqsQueueUnencrypted {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, queue: &Resource, _: &Inventory) -> Verdict {
        if queue.need_opt_str("kms_key_id")?.is_some() {
            return pass("encrypted with a KMS key");
        }
        let managed = queue.need_bool("sqs_managed_sse")?;
        verdict(!managed, "no SSE-SQS and no KMS key", "SSE-SQS")
    }
}
