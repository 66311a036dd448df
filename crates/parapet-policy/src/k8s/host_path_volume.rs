//! ## What it does
//! Finds pod templates with a `hostPath` volume.
//!
//! ## Why is this bad?
//! A host path exposes the node's file system to the pod: the container
//! runtime socket, kubelet credentials or `/etc` are one mount away from a node
//! takeover.
//!
//! ## Example
//! ```yaml
//!       volumes:
//!         - name: docker
//!           hostPath:
//!             path: /var/run/docker.sock
//! ```
//! Use instead:
//! ```yaml
//!       volumes:
//!         - name: scratch
//!           emptyDir: {}
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl edit deployment NAME   # replace the hostPath volume with emptyDir, a ConfigMap or a PVC
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/concepts/storage/volumes/#hostpath>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::pod::Pod;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct HostPathVolume;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-003",
    "HostPathVolume",
    "Pod mounts a hostPath volume",
    Level::Medium,
    "k8s.workload",
);

impl Rule for HostPathVolume {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let pod = Pod::of(workload)?;
        let volumes = pod.get("volumes").and_then(AttrValue::as_list).unwrap_or_default();
        let paths: Vec<String> = volumes
            .iter()
            .filter_map(|v| v.get("hostPath"))
            .map(|h| h.get("path").and_then(AttrValue::as_str).unwrap_or("?").to_string())
            .collect();
        verdict(
            !paths.is_empty(),
            format!("hostPath: {}", paths.join(", ")),
            "no hostPath volume",
        )
    }
}
