//! ## What it does
//! Finds EBS snapshots that anyone can restore (create volume permission for
//! the group `all`).
//!
//! ## Why is this bad?
//! Any AWS account can make a volume from a public snapshot and read the
//! disk: databases, keys, source code. Researchers find thousands of them.
//!
//! ## Example
//! ```hcl
//! resource "aws_snapshot_create_volume_permission" "public" {
//!   snapshot_id = aws_ebs_snapshot.db.id
//!   account_id  = "all"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_snapshot_create_volume_permission" "partner" {
//!   snapshot_id = aws_ebs_snapshot.db.id
//!   account_id  = "111122223333"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws ec2 modify-snapshot-attribute --snapshot-id SNAPSHOT_ID --attribute createVolumePermission --operation-type remove --group-names all
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct EbsSnapshotPublic;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-011",
    "EbsSnapshotPublic",
    "EBS snapshot is public",
    Level::Critical,
    "aws.ec2.snapshot",
);

impl Rule for EbsSnapshotPublic {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, snapshot: &Resource, _: &Inventory) -> Verdict {
        let public = snapshot.need_bool("public")?;
        verdict(
            public,
            "anyone can create a volume from it",
            "not public",
        )
    }
}
