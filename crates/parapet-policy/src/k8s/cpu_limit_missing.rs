//! ## What it does
//! Finds containers without `resources.limits.cpu`.
//!
//! ## Why is this bad?
//! A container without a CPU limit can starve its node: one runaway or
//! abused process (a crypto miner is the classic) takes the CPU of every
//! other pod scheduled there.
//!
//! ## Example
//! ```yaml
//!       containers:
//!         - name: app
//!           image: registry.example.com/app:1.4.2
//! ```
//! Use instead:
//! ```yaml
//!           resources:
//!             limits:
//!               cpu: 500m
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl set resources deployment NAME --limits=cpu=500m
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::pod::Pod;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct CpuLimitMissing;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-006",
    "CpuLimitMissing",
    "Container has no CPU limit",
    Level::Low,
    "k8s.workload",
);

impl Rule for CpuLimitMissing {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let missing = Pod::of(workload)?.without_limit("cpu");
        verdict(
            !missing.is_empty(),
            format!("no CPU limit: {}", missing.join(", ")),
            "every container has a CPU limit",
        )
    }
}
