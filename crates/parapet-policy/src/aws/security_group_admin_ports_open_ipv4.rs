//! ## What it does
//! Finds security groups that allow ingress from `0.0.0.0/0` to a remote
//! administration port (SSH 22, RDP 3389), including through "all traffic"
//! or a port range that contains them.
//!
//! ## Why is this bad?
//! Internet-wide scanners find an open SSH or RDP port within minutes and
//! start guessing passwords and exploiting the services behind them.
//!
//! ## Example
//! ```hcl
//! resource "aws_vpc_security_group_ingress_rule" "ssh" {
//!   security_group_id = aws_security_group.web.id
//!   cidr_ipv4         = "0.0.0.0/0"
//!   ip_protocol       = "tcp"
//!   from_port         = 22
//!   to_port           = 22
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_vpc_security_group_ingress_rule" "ssh" {
//!   security_group_id = aws_security_group.web.id
//!   cidr_ipv4         = "203.0.113.0/24" # the admin network; better: SSM Session Manager
//!   ip_protocol       = "tcp"
//!   from_port         = 22
//!   to_port           = 22
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws ec2 revoke-security-group-ingress --group-id GROUP_ID --protocol tcp --port 22 --cidr 0.0.0.0/0
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
//! - CIS AWS Foundations 5.0, 5.3

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::network::{open_ingress, ADMIN_PORTS, WORLD_V4};
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct SecurityGroupAdminPortsOpenIpv4;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-002",
    "SecurityGroupAdminPortsOpenIpv4",
    "Security group allows SSH or RDP from 0.0.0.0/0",
    Level::High,
    "aws.ec2.security-group",
);

impl Rule for SecurityGroupAdminPortsOpenIpv4 {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, group: &Resource, _: &Inventory) -> Verdict {
        let open = open_ingress(group.need_list("ingress")?, &ADMIN_PORTS, "cidr_ipv4", WORLD_V4);
        verdict(
            !open.is_empty(),
            open.join("; "),
            "no admin port open to 0.0.0.0/0",
        )
    }
}
