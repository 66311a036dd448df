//! ## What it does
//! Finds the default security group of a VPC when it has any inbound or
//! outbound rule.
//!
//! ## Why is this bad?
//! Resources launched without an explicit group land in the default one. If
//! it allows traffic, they are reachable (and can reach out) without anyone
//! having decided so.
//!
//! ## Example
//! ```hcl
//! # the default group as AWS creates it: all traffic from itself, all egress
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_default_security_group" "default" {
//!   vpc_id = aws_vpc.main.id
//!   # no ingress or egress blocks: Terraform removes every rule
//! }
//! ```
//!
//! ## Remediation
//! Move resources to purpose-built groups, then remove the rules:
//! ```sh
//! aws ec2 revoke-security-group-egress --group-id DEFAULT_GROUP_ID --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html>
//! - CIS AWS Foundations 5.0, 5.5

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::network::SgRule;
use crate::rule::{pass, verdict, Check, Need, Rule, RuleInfo, Verdict};

pub struct DefaultSecurityGroupAllowsTraffic;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-006",
    "DefaultSecurityGroupAllowsTraffic",
    "Default security group allows traffic",
    Level::Medium,
    "aws.ec2.security-group",
);

impl Rule for DefaultSecurityGroupAllowsTraffic {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, group: &Resource, _: &Inventory) -> Verdict {
        if group.name != "default" {
            return Ok(Check::Skip);
        }
        let ingress = group.need_list("ingress")?;
        let egress = group.need_list("egress")?;
        if ingress.is_empty() && egress.is_empty() {
            return pass("no rules");
        }
        let rules: Vec<String> = ingress
            .iter()
            .map(|r| format!("ingress {}", SgRule(r).ports()))
            .chain(egress.iter().map(|r| format!("egress {}", SgRule(r).ports())))
            .collect();
        verdict(true, rules.join("; "), "")
    }
}
