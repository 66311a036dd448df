//! ## What it does
//! Finds EFS file systems without encryption at rest.
//!
//! ## Why is this bad?
//! Shared file systems collect exports, home directories and application
//! state; unencrypted, their data and backups are readable by anyone who
//! reaches the storage. Encryption can only be chosen at creation.
//!
//! ## Example
//! ```hcl
//! resource "aws_efs_file_system" "shared" {
//!   creation_token = "shared"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_efs_file_system" "shared" {
//!   creation_token = "shared"
//!   encrypted      = true
//! }
//! ```
//!
//! ## Remediation
//! Create an encrypted file system and copy the data (AWS DataSync):
//! ```sh
//! aws efs create-file-system --creation-token shared-encrypted --encrypted
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/efs/latest/ug/encryption.html>
//! - CIS AWS Foundations 5.0, 2.3.1

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct EfsUnencrypted;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EFS-001",
    "EfsUnencrypted",
    "EFS file system is not encrypted at rest",
    Level::Medium,
    "aws.efs.file-system",
);

impl Rule for EfsUnencrypted {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, fs: &Resource, _: &Inventory) -> Verdict {
        let encrypted = fs.need_bool("encrypted")?;
        verdict(!encrypted, "not encrypted at rest", "encrypted at rest")
    }
}
