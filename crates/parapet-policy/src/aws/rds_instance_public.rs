//! ## What it does
//! Finds RDS database instances marked publicly accessible.
//!
//! ## Why is this bad?
//! A publicly accessible instance gets a public DNS name and address; one
//! permissive security group rule away, the database answers the internet.
//!
//! ## Example
//! ```hcl
//! resource "aws_db_instance" "app" {
//!   engine              = "mysql"
//!   publicly_accessible = true
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_db_instance" "app" {
//!   engine              = "mysql"
//!   publicly_accessible = false
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws rds modify-db-instance --db-instance-identifier DB --no-publicly-accessible --apply-immediately
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding>
//! - CIS AWS Foundations 5.0, 2.2.3

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct RdsInstancePublic;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-RDS-003",
    "RdsInstancePublic",
    "RDS instance is publicly accessible",
    Level::High,
    "aws.rds.instance",
);

impl Rule for RdsInstancePublic {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, db: &Resource, _: &Inventory) -> Verdict {
        let public = db.need_bool("publicly_accessible")?;
        verdict(public, "publicly accessible", "not publicly accessible")
    }
}
