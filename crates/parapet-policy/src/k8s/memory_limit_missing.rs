//! ## What it does
//! Finds containers without `resources.limits.memory`.
//!
//! ## Why is this bad?
//! A container without a memory limit can exhaust its node: the kernel's
//! out-of-memory killer then picks victims among every pod scheduled
//! there, and a leak or an abused process becomes an outage.
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
//!               memory: 256Mi
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl set resources deployment NAME --limits=memory=256Mi
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::pod::Pod;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct MemoryLimitMissing;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-011",
    "MemoryLimitMissing",
    "Container has no memory limit",
    Level::Low,
    "k8s.workload",
);

impl Rule for MemoryLimitMissing {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let missing = Pod::of(workload)?.without_limit("memory");
        verdict(
            !missing.is_empty(),
            format!("no memory limit: {}", missing.join(", ")),
            "every container has a memory limit",
        )
    }
}
