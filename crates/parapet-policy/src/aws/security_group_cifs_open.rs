//! ## What it does
//! Finds security groups that allow ingress to CIFS/SMB (TCP 445) from
//! `0.0.0.0/0` or `::/0`.
//!
//! ## Why is this bad?
//! SMB exposed to the internet is how worms like WannaCry spread; file
//! shares are never meant to be reachable by everyone.
//!
//! ## Example
//! ```hcl
//! resource "aws_vpc_security_group_ingress_rule" "smb" {
//!   security_group_id = aws_security_group.files.id
//!   cidr_ipv4         = "0.0.0.0/0"
//!   ip_protocol       = "tcp"
//!   from_port         = 445
//!   to_port           = 445
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_vpc_security_group_ingress_rule" "smb" {
//!   security_group_id = aws_security_group.files.id
//!   cidr_ipv4         = "10.0.0.0/16"
//!   ip_protocol       = "tcp"
//!   from_port         = 445
//!   to_port           = 445
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws ec2 revoke-security-group-ingress --group-id GROUP_ID --protocol tcp --port 445 --cidr 0.0.0.0/0
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
//! - CIS AWS Foundations 5.0, 5.1.2

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::network::{open_ingress, WORLD_V4, WORLD_V6};
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct SecurityGroupCifsOpen;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-004",
    "SecurityGroupCifsOpen",
    "Security group allows CIFS/SMB (445) from the internet",
    Level::High,
    "aws.ec2.security-group",
);

impl Rule for SecurityGroupCifsOpen {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, group: &Resource, _: &Inventory) -> Verdict {
        let ingress = group.need_list("ingress")?;
        let mut open = open_ingress(ingress, &[445], "cidr_ipv4", WORLD_V4);
        open.extend(open_ingress(ingress, &[445], "cidr_ipv6", WORLD_V6));
        verdict(
            !open.is_empty(),
            open.join("; "),
            "445 not open to the internet",
        )
    }
}
