//! ## What it does
//! Finds regions where GuardDuty has no enabled detector.
//!
//! ## Why is this bad?
//! GuardDuty watches CloudTrail, VPC flow and DNS logs for known attack
//! behaviour (credential exfiltration, crypto mining, reconnaissance).
//! Attackers favour regions where it is off.
//!
//! ## Example
//! ```hcl
//! # no aws_guardduty_detector in this region
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_guardduty_detector" "main" {
//!   enable = true
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws guardduty create-detector --enable --region REGION
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct GuardDutyDisabled;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-GD-001",
    "GuardDutyDisabled",
    "GuardDuty is not enabled in the region",
    Level::Medium,
    "aws.guardduty.detectors",
);

impl Rule for GuardDutyDisabled {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, detectors: &Resource, _: &Inventory) -> Verdict {
        let enabled = detectors.need_bool("enabled")?;
        verdict(
            !enabled,
            format!("no enabled detector in {}", detectors.region),
            "enabled",
        )
    }
}
