//! ## What it does
//! Finds EBS volumes that are not encrypted.
//!
//! ## Why is this bad?
//! Unencrypted volumes, and every snapshot and copy of them, hold data in
//! clear: a snapshot shared by mistake or copied to another account exposes
//! it all.
//!
//! ## Example
//! ```hcl
//! resource "aws_ebs_volume" "data" {
//!   availability_zone = "eu-west-1a"
//!   size              = 100
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_ebs_volume" "data" {
//!   availability_zone = "eu-west-1a"
//!   size              = 100
//!   encrypted         = true
//! }
//! ```
//!
//! ## Remediation
//! Snapshot the volume, copy the snapshot with encryption, create a volume
//! from it and swap:
//! ```sh
//! aws ec2 copy-snapshot --source-region REGION --source-snapshot-id SNAPSHOT_ID --encrypted
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct EbsVolumeUnencrypted;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-010",
    "EbsVolumeUnencrypted",
    "EBS volume is not encrypted",
    Level::Medium,
    "aws.ec2.volume",
);

impl Rule for EbsVolumeUnencrypted {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, volume: &Resource, _: &Inventory) -> Verdict {
        let encrypted = volume.need_bool("encrypted")?;
        verdict(!encrypted, "not encrypted", "encrypted")
    }
}
