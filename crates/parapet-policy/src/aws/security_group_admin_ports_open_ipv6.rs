//! ## What it does
//! Finds security groups that allow ingress from `::/0` (every IPv6 address)
//! to a remote administration port (SSH 22, RDP 3389).
//!
//! ## Why is this bad?
//! The IPv6 internet scans too. A group locked down for IPv4 but open on
//! IPv6 is open.
//!
//! ## Example
//! ```hcl
//! resource "aws_vpc_security_group_ingress_rule" "rdp" {
//!   security_group_id = aws_security_group.win.id
//!   cidr_ipv6         = "::/0"
//!   ip_protocol       = "tcp"
//!   from_port         = 3389
//!   to_port           = 3389
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_vpc_security_group_ingress_rule" "rdp" {
//!   security_group_id = aws_security_group.win.id
//!   cidr_ipv6         = "2001:db8:1234::/48"
//!   ip_protocol       = "tcp"
//!   from_port         = 3389
//!   to_port           = 3389
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws ec2 revoke-security-group-ingress --group-id GROUP_ID --ip-permissions 'IpProtocol=tcp,FromPort=3389,ToPort=3389,Ipv6Ranges=[{CidrIpv6=::/0}]'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
//! - CIS AWS Foundations 5.0, 5.4

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::network::{open_ingress, ADMIN_PORTS, WORLD_V6};
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct SecurityGroupAdminPortsOpenIpv6;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-003",
    "SecurityGroupAdminPortsOpenIpv6",
    "Security group allows SSH or RDP from ::/0",
    Level::High,
    "aws.ec2.security-group",
);

impl Rule for SecurityGroupAdminPortsOpenIpv6 {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, group: &Resource, _: &Inventory) -> Verdict {
        let open = open_ingress(group.need_list("ingress")?, &ADMIN_PORTS, "cidr_ipv6", WORLD_V6);
        verdict(
            !open.is_empty(),
            open.join("; "),
            "no admin port open to ::/0",
        )
    }
}
