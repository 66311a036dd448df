//! ## What it does
//! Finds EKS clusters whose Kubernetes API endpoint is reachable from the
//! whole internet (public access on, with `0.0.0.0/0` among the allowed
//! CIDRs).
//!
//! ## Why is this bad?
//! The API server then answers every scanner: a leaked kubeconfig or token,
//! or the next API server vulnerability, is usable from anywhere.
//!
//! ## Example
//! ```hcl
//! resource "aws_eks_cluster" "prod" {
//!   name     = "prod"
//!   role_arn = aws_iam_role.eks.arn
//!   vpc_config {
//!     subnet_ids             = var.subnets
//!     endpoint_public_access = true
//!   }
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_eks_cluster" "prod" {
//!   name     = "prod"
//!   role_arn = aws_iam_role.eks.arn
//!   vpc_config {
//!     subnet_ids              = var.subnets
//!     endpoint_private_access = true
//!     endpoint_public_access  = false
//!   }
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws eks update-cluster-config --name CLUSTER --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

pub struct EksEndpointPublic;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EKS-001",
    "EksEndpointPublic",
    "EKS API endpoint is open to the internet",
    Level::High,
    "aws.eks.cluster",
);

impl Rule for EksEndpointPublic {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, cluster: &Resource, _: &Inventory) -> Verdict {
        if !cluster.need_bool("endpoint_public_access")? {
            return pass("private endpoint only");
        }
        let cidrs = cluster.need_list("public_access_cidrs")?;
        // AWS reports 0.0.0.0/0 when no CIDR was given.
        let open = cidrs.is_empty() || cidrs.iter().any(|c| c.as_str() == Some("0.0.0.0/0"));
        let shown: Vec<&str> = cidrs.iter().filter_map(AttrValue::as_str).collect();
        verdict(
            open,
            "public endpoint open to 0.0.0.0/0",
            &format!("public endpoint limited to {}", shown.join(", ")),
        )
    }
}
