//! ## What it does
//! Finds containers whose `securityContext.capabilities.add` is not empty.
//!
//! ## Why is this bad?
//! Capabilities such as `SYS_ADMIN`, `NET_ADMIN` or `NET_RAW` hand a container
//! kernel powers that container escapes and network attacks build on.
//!
//! ## Example
//! ```yaml
//!           securityContext:
//!             capabilities:
//!               add: ["SYS_ADMIN"]
//! ```
//! Use instead:
//! ```yaml
//!           securityContext:
//!             capabilities:
//!               drop: ["ALL"]
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl edit deployment NAME   # remove securityContext.capabilities.add, drop ALL
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::pod::Pod;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct CapabilitiesAdded;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-005",
    "CapabilitiesAdded",
    "Container adds Linux capabilities",
    Level::Medium,
    "k8s.workload",
);

impl Rule for CapabilitiesAdded {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let pod = Pod::of(workload)?;
        let mut added = Vec::new();
        for container in pod.containers() {
            let caps = container
                .security("capabilities")
                .and_then(|c| c.get("add"))
                .and_then(AttrValue::as_list)
                .unwrap_or_default();
            let caps: Vec<&str> = caps.iter().filter_map(AttrValue::as_str).collect();
            if !caps.is_empty() {
                added.push(format!("`{}` adds {}", container.name, caps.join(", ")));
            }
        }
        verdict(!added.is_empty(), added.join("; "), "no capability added")
    }
}
