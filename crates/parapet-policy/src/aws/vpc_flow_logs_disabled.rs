//! ## What it does
//! Finds VPCs without flow logs.
//!
//! ## Why is this bad?
//! Flow logs are the network record of a VPC: which hosts talked, on which
//! ports, how much. Without them, exfiltration and lateral movement leave no
//! trace, and GuardDuty's network findings cannot be investigated.
//!
//! ## Example
//! ```hcl
//! resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_flow_log" "main" {
//!   vpc_id          = aws_vpc.main.id
//!   traffic_type    = "REJECT"
//!   log_destination = aws_cloudwatch_log_group.flow.arn
//!   iam_role_arn    = aws_iam_role.flow.arn
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID --traffic-type REJECT --log-destination-type s3 --log-destination arn:aws:s3:::FLOW_LOG_BUCKET
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html>
//! - CIS AWS Foundations 5.0, 3.7

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct VpcFlowLogsDisabled;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-VPC-001",
    "VpcFlowLogsDisabled",
    "VPC has no flow logs",
    Level::Medium,
    "aws.ec2.vpc",
);

impl Rule for VpcFlowLogsDisabled {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, vpc: &Resource, _: &Inventory) -> Verdict {
        let enabled = vpc.need_bool("flow_logs.enabled")?;
        verdict(!enabled, "no flow log", "flow logs enabled")
    }
}
