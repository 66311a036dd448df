//! ## What it does
//! Finds regions where AWS Security Hub is not enabled.
//!
//! ## Why is this bad?
//! Security Hub gathers findings from GuardDuty, Inspector, Macie, Access
//! Analyzer and partner tools, and runs the AWS security standards. Without
//! it, each service's findings stay in their own console.
//!
//! ## Example
//! ```hcl
//! # no aws_securityhub_account in this region
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_securityhub_account" "main" {}
//! ```
//!
//! ## Remediation
//! ```sh
//! aws securityhub enable-security-hub --region REGION
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-settingup.html>
//! - CIS AWS Foundations 5.0, 4.16

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct SecurityHubDisabled;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-SH-001",
    "SecurityHubDisabled",
    "Security Hub is not enabled in the region",
    Level::Medium,
    "aws.securityhub.hub",
);

impl Rule for SecurityHubDisabled {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, hub: &Resource, _: &Inventory) -> Verdict {
        let enabled = hub.need_bool("enabled")?;
        verdict(
            !enabled,
            format!("not enabled in {}", hub.region),
            "enabled",
        )
    }
}
