//! ## What it does
//! Finds RDS snapshots that any AWS account can restore (restore attribute
//! `all`).
//!
//! ## Why is this bad?
//! Anyone can restore a public snapshot into their own account and read
//! every table.
//!
//! ## Example
//! ```hcl
//! resource "aws_db_snapshot" "nightly" {
//!   db_instance_identifier = aws_db_instance.app.identifier
//!   db_snapshot_identifier = "nightly"
//!   shared_accounts        = ["all"]
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_db_snapshot" "nightly" {
//!   db_instance_identifier = aws_db_instance.app.identifier
//!   db_snapshot_identifier = "nightly"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAP --attribute-name restore --values-to-remove all
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct RdsSnapshotPublic;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-RDS-004",
    "RdsSnapshotPublic",
    "RDS snapshot is public",
    Level::Critical,
    "aws.rds.snapshot",
);

impl Rule for RdsSnapshotPublic {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, snapshot: &Resource, _: &Inventory) -> Verdict {
        let public = snapshot.need_bool("public")?;
        verdict(public, "anyone can restore it", "not public")
    }
}
