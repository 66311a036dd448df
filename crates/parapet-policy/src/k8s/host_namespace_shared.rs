//! ## What it does
//! Finds pod templates with `hostNetwork`, `hostPID` or `hostIPC` set.
//!
//! ## Why is this bad?
//! A pod in the host's namespaces sees the node's processes, sockets and
//! shared memory: it can sniff other pods' traffic, signal their processes and
//! reach services bound to localhost.
//!
//! ## Example
//! ```yaml
//!       hostNetwork: true
//! ```
//! Use instead:
//! ```yaml
//!       hostNetwork: false
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl patch deployment NAME -p '{"spec":{"template":{"spec":{"hostNetwork":false,"hostPID":false,"hostIPC":false}}}}'
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::pod::Pod;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct HostNamespaceShared;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-002",
    "HostNamespaceShared",
    "Pod shares the host's network, PID or IPC namespace",
    Level::High,
    "k8s.workload",
);

impl Rule for HostNamespaceShared {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let pod = Pod::of(workload)?;
        let shared: Vec<&str> = ["hostNetwork", "hostPID", "hostIPC"]
            .into_iter()
            .filter(|key| pod.flag(key) == Some(true))
            .collect();
        verdict(
            !shared.is_empty(),
            shared.join(", "),
            "no host namespace shared",
        )
    }
}
