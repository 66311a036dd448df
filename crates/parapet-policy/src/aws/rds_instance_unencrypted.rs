//! ## What it does
//! Finds RDS database instances without storage encryption.
//!
//! ## Why is this bad?
//! The database files, automated backups, read replicas and snapshots of an
//! unencrypted instance are all in clear; encryption cannot be turned on
//! later without a copy and a migration.
//!
//! ## Example
//! ```hcl
//! resource "aws_db_instance" "app" {
//!   engine         = "postgres"
//!   instance_class = "db.t3.micro"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_db_instance" "app" {
//!   engine            = "postgres"
//!   instance_class    = "db.t3.micro"
//!   storage_encrypted = true
//! }
//! ```
//!
//! ## Remediation
//! Snapshot, copy the snapshot with a KMS key, restore from the copy:
//! ```sh
//! aws rds copy-db-snapshot --source-db-snapshot-identifier SNAP --target-db-snapshot-identifier SNAP-enc --kms-key-id KEY_ID
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html>
//! - CIS AWS Foundations 5.0, 2.2.1

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct RdsInstanceUnencrypted;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-RDS-001",
    "RdsInstanceUnencrypted",
    "RDS instance storage is not encrypted",
    Level::High,
    "aws.rds.instance",
);

impl Rule for RdsInstanceUnencrypted {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, db: &Resource, _: &Inventory) -> Verdict {
        let encrypted = db.need_bool("storage_encrypted")?;
        verdict(!encrypted, "storage not encrypted", "storage encrypted")
    }
}
