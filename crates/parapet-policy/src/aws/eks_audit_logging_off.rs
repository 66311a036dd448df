//! ## What it does
//! Finds EKS clusters that do not send their Kubernetes audit log (control
//! plane log type `audit`) to CloudWatch Logs.
//!
//! ## Why is this bad?
//! The audit log is the only record of who did what through the Kubernetes
//! API: secrets read, pods exec'd into, role bindings created. Without it,
//! a cluster compromise cannot be investigated, and Kubernetes detection
//! rules have nothing to read.
//!
//! ## Example
//! ```hcl
//! resource "aws_eks_cluster" "prod" {
//!   name     = "prod"
//!   role_arn = aws_iam_role.eks.arn
//!   vpc_config { subnet_ids = var.subnets }
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_eks_cluster" "prod" {
//!   name                      = "prod"
//!   role_arn                  = aws_iam_role.eks.arn
//!   enabled_cluster_log_types = ["api", "audit", "authenticator"]
//!   vpc_config { subnet_ids = var.subnets }
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws eks update-cluster-config --name CLUSTER --logging '{"clusterLogging":[{"types":["api","audit","authenticator"],"enabled":true}]}'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct EksAuditLoggingOff;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EKS-002",
    "EksAuditLoggingOff",
    "EKS cluster does not log Kubernetes audit events",
    Level::Medium,
    "aws.eks.cluster",
);

impl Rule for EksAuditLoggingOff {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, cluster: &Resource, _: &Inventory) -> Verdict {
        let audit = cluster
            .need_list("logging_types")?
            .iter()
            .any(|t| t.as_str() == Some("audit"));
        verdict(!audit, "audit log not enabled", "audit log enabled")
    }
}
