//! ## What it does
//! Finds pod templates with a container whose `securityContext.privileged` is
//! true.
//!
//! ## Why is this bad?
//! A privileged container has every capability and the host's devices: one
//! compromised process owns the node and everything scheduled on it.
//!
//! ## Example
//! ```yaml
//!       securityContext:
//!         privileged: true
//! ```
//! Use instead:
//! ```yaml
//!       securityContext:
//!         privileged: false
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl patch deployment NAME --type=json -p='[{"op":"replace","path":"/spec/template/spec/containers/0/securityContext/privileged","value":false}]'
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::pod::{Pod, Container, names};
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct PrivilegedContainer;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-001",
    "PrivilegedContainer",
    "Container runs privileged",
    Level::High,
    "k8s.workload",
);

impl Rule for PrivilegedContainer {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let pod = Pod::of(workload)?;
        let containers = pod.containers();
        let privileged: Vec<&Container> = containers
            .iter()
            .filter(|c| c.security("privileged").and_then(AttrValue::as_bool) == Some(true))
            .collect();
        verdict(
            !privileged.is_empty(),
            format!("privileged: {}", names(&privileged)),
            "no privileged container",
        )
    }
}
