//! ## What it does
//! Finds network ACLs whose inbound rules, read in rule-number order, let
//! traffic from `0.0.0.0/0` or `::/0` reach SSH (22) or RDP (3389): the first
//! world-wide entry covering the port allows it.
//!
//! ## Why is this bad?
//! NACLs are the subnet-wide backstop behind security groups. One that
//! admits administration ports from the internet leaves a single security
//! group mistake between an instance and the world.
//!
//! ## Example
//! ```hcl
//! resource "aws_network_acl_rule" "all_in" {
//!   network_acl_id = aws_network_acl.public.id
//!   rule_number    = 100
//!   egress         = false
//!   protocol       = "-1"
//!   rule_action    = "allow"
//!   cidr_block     = "0.0.0.0/0"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_network_acl_rule" "deny_admin" {
//!   network_acl_id = aws_network_acl.public.id
//!   rule_number    = 90
//!   egress         = false
//!   protocol       = "tcp"
//!   rule_action    = "deny"
//!   cidr_block     = "0.0.0.0/0"
//!   from_port      = 22
//!   to_port        = 22
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws ec2 create-network-acl-entry --network-acl-id ACL_ID --ingress --rule-number 90 --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>
//! - CIS AWS Foundations 5.0, 5.2

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::network::{covers_tcp_port, ADMIN_PORTS, WORLD_V4, WORLD_V6};
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct NetworkAclAdminPortsOpen;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-009",
    "NetworkAclAdminPortsOpen",
    "Network ACL allows SSH or RDP from the internet",
    Level::Medium,
    "aws.ec2.network-acl",
);

/// The action of the first inbound entry for `cidr` that covers `port`.
fn first_action<'a>(entries: &[&'a AttrValue], port: u16, family: &str, cidr: &str) -> Option<(&'a str, i64)> {
    entries.iter().find_map(|entry| {
        let field = |k: &str| entry.get(k);
        let matches_cidr = field(family).and_then(AttrValue::as_str) == Some(cidr);
        let covers = covers_tcp_port(
            field("protocol").and_then(AttrValue::as_str),
            field("from_port").and_then(AttrValue::as_int),
            field("to_port").and_then(AttrValue::as_int),
            port,
        );
        (matches_cidr && covers).then(|| {
            (
                field("rule_action").and_then(AttrValue::as_str).unwrap_or("deny"),
                field("rule_number").and_then(AttrValue::as_int).unwrap_or(0),
            )
        })
    })
}

impl Rule for NetworkAclAdminPortsOpen {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, acl: &Resource, _: &Inventory) -> Verdict {
        let mut inbound: Vec<&AttrValue> = acl
            .need_list("entries")?
            .iter()
            .filter(|e| e.get("egress").and_then(AttrValue::as_bool) == Some(false))
            .collect();
        inbound.sort_by_key(|e| e.get("rule_number").and_then(AttrValue::as_int).unwrap_or(i64::MAX));
        let mut open = Vec::new();
        for port in ADMIN_PORTS {
            for (family, cidr) in [("cidr_ipv4", WORLD_V4), ("cidr_ipv6", WORLD_V6)] {
                if let Some(("allow", number)) = first_action(&inbound, port, family, cidr) {
                    open.push(format!("rule {number} allows port {port} from {cidr}"));
                }
            }
        }
        verdict(
            !open.is_empty(),
            open.join("; "),
            "admin ports closed to the internet",
        )
    }
}
