//! ## What it does
//! Finds regions where EBS encryption by default is off.
//!
//! ## Why is this bad?
//! Every volume and snapshot created without an explicit setting is then
//! unencrypted, and copies of it (snapshots shared for debugging, AMIs)
//! carry the data in clear.
//!
//! ## Example
//! ```hcl
//! resource "aws_ebs_encryption_by_default" "this" {
//!   enabled = false
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_ebs_encryption_by_default" "this" {
//!   enabled = true
//! }
//! ```
//!
//! ## Remediation
//! In every region:
//! ```sh
//! aws ec2 enable-ebs-encryption-by-default --region REGION
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html>
//! - CIS AWS Foundations 5.0, 5.1.1

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct EbsDefaultEncryptionOff;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-001",
    "EbsDefaultEncryptionOff",
    "EBS encryption by default is off in the region",
    Level::Medium,
    "aws.ec2.region-settings",
);

impl Rule for EbsDefaultEncryptionOff {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, settings: &Resource, _: &Inventory) -> Verdict {
        let on = settings.need_bool("ebs_encryption_by_default")?;
        verdict(
            !on,
            format!("off in {}", settings.region),
            "on",
        )
    }
}
