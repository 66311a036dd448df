//! ## What it does
//! Finds containers that do not set `allowPrivilegeEscalation: false`, so a
//! setuid binary or file capability can raise a process's privileges.
//!
//! ## Why is this bad?
//! Without `no_new_privs`, an attacker with code execution as an unprivileged
//! user in the container can become root through any setuid binary in the
//! image.
//!
//! ## Example
//! ```yaml
//!       containers:
//!         - name: app
//!           image: registry.example.com/app:1.4.2
//! ```
//! Use instead:
//! ```yaml
//!           securityContext:
//!             allowPrivilegeEscalation: false
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl patch deployment NAME --type=json -p='[{"op":"add","path":"/spec/template/spec/containers/0/securityContext","value":{"allowPrivilegeEscalation":false}}]'
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::pod::{Pod, Container, names};
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct PrivilegeEscalationAllowed;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-010",
    "PrivilegeEscalationAllowed",
    "Container allows privilege escalation",
    Level::Medium,
    "k8s.workload",
);

impl Rule for PrivilegeEscalationAllowed {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let pod = Pod::of(workload)?;
        let containers = pod.containers();
        let allowed: Vec<&Container> = containers
            .iter()
            .filter(|c| c.security("allowPrivilegeEscalation").and_then(AttrValue::as_bool) != Some(false))
            .collect();
        verdict(
            !allowed.is_empty(),
            format!("privilege escalation allowed: {}", names(&allowed)),
            "allowPrivilegeEscalation is false everywhere",
        )
    }
}
