//! ## What it does
//! Finds Secrets Manager secrets without automatic rotation.
//!
//! ## Why is this bad?
//! A secret that never changes stays valid for as long as any copy of it
//! exists: in a former employee's notes, an old container image, a log line.
//! Rotation bounds that window and proves the rotation path works before an
//! incident needs it.
//!
//! ## Example
//! ```hcl
//! resource "aws_secretsmanager_secret" "db" {
//!   name = "db-password"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_secretsmanager_secret_rotation" "db" {
//!   secret_id           = aws_secretsmanager_secret.db.id
//!   rotation_lambda_arn = aws_lambda_function.rotate_db.arn
//!   rotation_rules { automatically_after_days = 30 }
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws secretsmanager rotate-secret --secret-id SECRET --rotation-lambda-arn FUNCTION_ARN --rotation-rules AutomaticallyAfterDays=30
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct SecretNotRotated;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-SM-001",
    "SecretNotRotated",
    "Secrets Manager secret is not rotated automatically",
    Level::Medium,
    "aws.secretsmanager.secret",
);

impl Rule for SecretNotRotated {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, secret: &Resource, _: &Inventory) -> Verdict {
        let rotation = secret.need_bool("rotation_enabled")?;
        verdict(!rotation, "automatic rotation is off", "rotated automatically")
    }
}
