//! ## What it does
//! Finds enabled, symmetric, customer managed KMS keys without automatic
//! key rotation.
//!
//! ## Why is this bad?
//! Rotation limits how much data one key version protects and how long a
//! compromised key version stays useful. AWS rotates key material without
//! changing the key id, so nothing breaks.
//!
//! ## Example
//! ```hcl
//! resource "aws_kms_key" "data" {
//!   description = "data"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_kms_key" "data" {
//!   description         = "data"
//!   enable_key_rotation = true
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws kms enable-key-rotation --key-id KEY_ID
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html>
//! - CIS AWS Foundations 5.0, 3.6

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Check, Need, Rule, RuleInfo, Verdict};

pub struct KmsKeyRotationDisabled;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-KMS-001",
    "KmsKeyRotationDisabled",
    "Customer managed KMS key without automatic rotation",
    Level::Medium,
    "aws.kms.key",
);

impl Rule for KmsKeyRotationDisabled {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, key: &Resource, _: &Inventory) -> Verdict {
        if key.need_opt_str("key_manager")? != Some("CUSTOMER") {
            return Ok(Check::Skip);
        }
        // Rotation exists for enabled symmetric keys only.
        // Only symmetric encryption keys rotate (not signing or HMAC keys).
        let symmetric = key.str("key_spec").is_none_or(|s| s == "SYMMETRIC_DEFAULT")
            && key.str("key_usage").is_none_or(|u| u == "ENCRYPT_DECRYPT");
        let enabled = key.str("key_state").is_none_or(|s| s == "Enabled");
        if !symmetric || !enabled {
            return Ok(Check::Skip);
        }
        let rotation = key.need_bool("rotation_enabled")?;
        verdict(!rotation, "rotation is off", "rotation is on")
    }
}
