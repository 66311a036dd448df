//! ## What it does
//! Finds RDS database instances with automatic minor version upgrades off.
//!
//! ## Why is this bad?
//! Minor versions carry the engine's security fixes. With upgrades off, a
//! database keeps known vulnerabilities until someone remembers it.
//!
//! ## Example
//! ```hcl
//! resource "aws_db_instance" "app" {
//!   engine                     = "postgres"
//!   auto_minor_version_upgrade = false
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_db_instance" "app" {
//!   engine                     = "postgres"
//!   auto_minor_version_upgrade = true
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws rds modify-db-instance --db-instance-identifier DB --auto-minor-version-upgrade --apply-immediately
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades>
//! - CIS AWS Foundations 5.0, 2.2.2

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct RdsAutoMinorUpgradeOff;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-RDS-002",
    "RdsAutoMinorUpgradeOff",
    "RDS instance does not upgrade minor versions automatically",
    Level::Low,
    "aws.rds.instance",
);

impl Rule for RdsAutoMinorUpgradeOff {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, db: &Resource, _: &Inventory) -> Verdict {
        let on = db.need_bool("auto_minor_version_upgrade")?;
        verdict(!on, "automatic minor upgrades off", "automatic minor upgrades on")
    }
}
