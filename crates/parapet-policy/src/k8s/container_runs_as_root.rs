//! ## What it does
//! Finds containers that may run as user 0: neither the container nor the
//! pod sets `runAsNonRoot: true` or a non-zero `runAsUser`, or one sets
//! `runAsUser: 0`.
//!
//! ## Why is this bad?
//! Root in a container is root on the node's kernel: a container escape or a
//! writable host mount turns into full node access.
//!
//! ## Example
//! ```yaml
//!       containers:
//!         - name: app
//!           image: registry.example.com/app:1.4.2
//! ```
//! Use instead:
//! ```yaml
//!       securityContext:
//!         runAsNonRoot: true
//!         runAsUser: 10001
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl patch deployment NAME -p '{"spec":{"template":{"spec":{"securityContext":{"runAsNonRoot":true,"runAsUser":10001}}}}}'
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::pod::{Pod, Container, names};
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct ContainerRunsAsRoot;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-004",
    "ContainerRunsAsRoot",
    "Container may run as root",
    Level::Medium,
    "k8s.workload",
);

impl Rule for ContainerRunsAsRoot {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let pod = Pod::of(workload)?;
        let containers = pod.containers();
        let root: Vec<&Container> = containers
            .iter()
            .filter(|c| {
                let user = pod.security(c, "runAsUser").and_then(AttrValue::as_int);
                let non_root = pod.security(c, "runAsNonRoot").and_then(AttrValue::as_bool);
                user == Some(0) || (non_root != Some(true) && user.is_none_or(|u| u <= 0))
            })
            .collect();
        verdict(
            !root.is_empty(),
            format!("may run as root: {}", names(&root)),
            "every container runs as a non-root user",
        )
    }
}
