//! ## What it does
//! Finds regions where AWS Config is not recording every supported resource
//! type (including global ones), or where its recorder is stopped.
//!
//! ## Why is this bad?
//! Config is the history of every resource's configuration: what changed,
//! when, and how it looked at the time of an incident. A region without it
//! has no memory.
//!
//! ## Example
//! ```hcl
//! # no aws_config_configuration_recorder in this region
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_config_configuration_recorder" "main" {
//!   role_arn = aws_iam_role.config.arn
//!   recording_group {
//!     all_supported                 = true
//!     include_global_resource_types = true
//!   }
//! }
//! resource "aws_config_configuration_recorder_status" "main" {
//!   name       = aws_config_configuration_recorder.main.name
//!   is_enabled = true
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=ROLE_ARN --recording-group allSupported=true,includeGlobalResourceTypes=true && aws configservice start-configuration-recorder --configuration-recorder-name default
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html>
//! - CIS AWS Foundations 5.0, 3.3

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{fail, verdict, Need, Rule, RuleInfo, Verdict};

pub struct ConfigRecorderOff;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-CFG-001",
    "ConfigRecorderOff",
    "AWS Config is not recording all resources in the region",
    Level::Medium,
    "aws.config.recorders",
);

impl Rule for ConfigRecorderOff {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, recorders: &Resource, _: &Inventory) -> Verdict {
        if !recorders.need_bool("recording_all_resources")? {
            return fail(format!(
                "no recorder in {} records all resource types including global ones",
                recorders.region
            ));
        }
        let recording = recorders.need_bool("recording")?;
        verdict(
            !recording,
            "the recorder is stopped",
            "recording all resources",
        )
    }
}
