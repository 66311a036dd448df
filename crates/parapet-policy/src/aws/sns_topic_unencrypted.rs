//! ## What it does
//! Finds SNS topics without server-side encryption (no KMS key).
//!
//! ## Why is this bad?
//! Messages published to an unencrypted topic are stored in clear until
//! they are delivered; alerts and events often carry identifiers, addresses
//! and tokens.
//!
//! ## Example
//! ```hcl
//! resource "aws_sns_topic" "alerts" { name = "alerts" }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_sns_topic" "alerts" {
//!   name              = "alerts"
//!   kms_master_key_id = "alias/aws/sns"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws sns set-topic-attributes --topic-arn TOPIC_ARN --attribute-name KmsMasterKeyId --attribute-value alias/aws/sns
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct SnsTopicUnencrypted;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-SNS-002",
    "SnsTopicUnencrypted",
    "SNS topic is not encrypted at rest",
    Level::Medium,
    "aws.sns.topic",
);

impl Rule for SnsTopicUnencrypted {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, topic: &Resource, _: &Inventory) -> Verdict {
        let key = topic.need_opt_str("kms_key_id")?;
        verdict(
            key.is_none_or(str::is_empty),
            "no KMS key",
            "encrypted with a KMS key",
        )
    }
}
