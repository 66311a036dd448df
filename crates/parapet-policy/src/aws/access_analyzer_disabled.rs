//! ## What it does
//! Finds regions where no IAM Access Analyzer (account or organization
//! external-access analyzer) is active.
//!
//! ## Why is this bad?
//! Access Analyzer reports buckets, keys, roles, queues and snapshots shared
//! outside the account or organization. Without it in a region, resources
//! shared there by mistake go unnoticed.
//!
//! ## Example
//! ```hcl
//! # no aws_accessanalyzer_analyzer in this region
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_accessanalyzer_analyzer" "account" {
//!   analyzer_name = "account"
//!   type          = "ACCOUNT"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws accessanalyzer create-analyzer --analyzer-name account --type ACCOUNT --region REGION
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html>
//! - CIS AWS Foundations 5.0, 1.19

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct AccessAnalyzerDisabled;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-019",
    "AccessAnalyzerDisabled",
    "IAM Access Analyzer is not enabled in the region",
    Level::Medium,
    "aws.accessanalyzer.analyzers",
);

impl Rule for AccessAnalyzerDisabled {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, analyzers: &Resource, _: &Inventory) -> Verdict {
        let active = analyzers.need_bool("enabled")?;
        verdict(
            !active,
            format!("no active analyzer in {}", analyzers.region),
            "an analyzer is active",
        )
    }
}
