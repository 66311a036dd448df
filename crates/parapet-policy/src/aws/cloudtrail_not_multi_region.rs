//! ## What it does
//! Finds AWS accounts without a CloudTrail trail that is multi-region,
//! logging, and records every management event (read and write).
//!
//! ## Why is this bad?
//! Attackers work in the regions nobody watches. A single-region trail, a
//! stopped one, or one that skips read events leaves whole classes of
//! activity (discovery, new regions, global services) unrecorded.
//!
//! ## Example
//! ```hcl
//! resource "aws_cloudtrail" "main" {
//!   name           = "main"
//!   s3_bucket_name = "trail-logs"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_cloudtrail" "main" {
//!   name                          = "main"
//!   s3_bucket_name                = "trail-logs"
//!   is_multi_region_trail         = true
//!   include_global_service_events = true
//!   enable_logging                = true
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws cloudtrail update-trail --name TRAIL --is-multi-region-trail --include-global-service-events && aws cloudtrail start-logging --name TRAIL
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html>
//! - CIS AWS Foundations 4.0, 3.1

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{fail, pass, Rule, RuleInfo, Unknown, Verdict};

pub struct CloudTrailNotMultiRegion;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CT-001",
    "CloudTrailNotMultiRegion",
    "No multi-region CloudTrail trail logs all management events",
    Level::High,
    "aws.account",
);

impl Rule for CloudTrailNotMultiRegion {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, account: &Resource, inventory: &Inventory) -> Verdict {
        let mut undecided = None;
        let mut seen = Vec::new();
        for trail in inventory.in_account(&account.account, "aws.cloudtrail.trail") {
            let facts = [
                trail.bool("multi_region"),
                trail.bool("logging"),
                trail.bool("logs_all_management_events"),
            ];
            if facts.iter().all(|f| *f == Some(true)) {
                return pass(format!("trail `{}` covers every region", trail.name));
            }
            if facts.contains(&None) && !facts.contains(&Some(false)) {
                undecided = Some(trail.name.clone());
            }
            seen.push(format!(
                "`{}` (multi-region {}, logging {}, all management events {})",
                trail.name,
                show(facts[0]),
                show(facts[1]),
                show(facts[2])
            ));
        }
        if let Some(trail) = undecided {
            return Err(Unknown(format!(
                "trail `{trail}` may qualify; some of its settings are unknown"
            )));
        }
        if let Some(gap) = inventory.gap("cloudtrail", "DescribeTrails", "*") {
            return Err(Unknown(format!(
                "trails in {} could not be listed: {}",
                gap.region, gap.reason
            )));
        }
        if seen.is_empty() {
            fail("the account has no trail")
        } else {
            fail(format!("no trail qualifies: {}", seen.join("; ")))
        }
    }
}

fn show(fact: Option<bool>) -> &'static str {
    match fact {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}
