//! ## What it does
//! Finds security groups that allow ingress from `0.0.0.0/0` or `::/0` to a
//! database or cache port: MySQL 3306, PostgreSQL 5432, SQL Server 1433,
//! Oracle 1521, MongoDB 27017, Redis 6379, Memcached 11211, Cassandra 9042,
//! Elasticsearch 9200.
//!
//! ## Why is this bad?
//! Databases exposed to the internet are found by scanners within hours and
//! emptied or held for ransom; many ship with weak or no authentication.
//!
//! ## Example
//! ```hcl
//! resource "aws_vpc_security_group_ingress_rule" "pg" {
//!   security_group_id = aws_security_group.db.id
//!   cidr_ipv4         = "0.0.0.0/0"
//!   ip_protocol       = "tcp"
//!   from_port         = 5432
//!   to_port           = 5432
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_vpc_security_group_ingress_rule" "pg" {
//!   security_group_id            = aws_security_group.db.id
//!   referenced_security_group_id = aws_security_group.app.id
//!   ip_protocol                  = "tcp"
//!   from_port                    = 5432
//!   to_port                      = 5432
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws ec2 revoke-security-group-ingress --group-id GROUP_ID --protocol tcp --port 5432 --cidr 0.0.0.0/0
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::network::{open_ingress, WORLD_V4, WORLD_V6};
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct SecurityGroupDatabasePortsOpen;

const DATABASE_PORTS: [u16; 9] = [3306, 5432, 1433, 1521, 27017, 6379, 11211, 9042, 9200];

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-005",
    "SecurityGroupDatabasePortsOpen",
    "Security group allows a database port from the internet",
    Level::High,
    "aws.ec2.security-group",
);

impl Rule for SecurityGroupDatabasePortsOpen {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, group: &Resource, _: &Inventory) -> Verdict {
        let ingress = group.need_list("ingress")?;
        let mut open = open_ingress(ingress, &DATABASE_PORTS, "cidr_ipv4", WORLD_V4);
        open.extend(open_ingress(ingress, &DATABASE_PORTS, "cidr_ipv6", WORLD_V6));
        verdict(
            !open.is_empty(),
            open.join("; "),
            "no database port open to the internet",
        )
    }
}
