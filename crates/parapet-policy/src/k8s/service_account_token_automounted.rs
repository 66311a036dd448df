//! ## What it does
//! Finds pod templates that do not set `automountServiceAccountToken: false`,
//! so the pod gets an API token for its service account.
//!
//! ## Why is this bad?
//! Most workloads never call the Kubernetes API; the token they carry anyway
//! is the first thing an attacker in the container uses to explore and move
//! through the cluster.
//!
//! ## Example
//! ```yaml
//!     spec:
//!       containers:
//!         - name: app
//! ```
//! Use instead:
//! ```yaml
//!     spec:
//!       automountServiceAccountToken: false
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl patch deployment NAME -p '{"spec":{"template":{"spec":{"automountServiceAccountToken":false}}}}'
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::pod::Pod;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct ServiceAccountTokenAutomounted;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-009",
    "ServiceAccountTokenAutomounted",
    "Service account token mounted into the pod",
    Level::Low,
    "k8s.workload",
);

impl Rule for ServiceAccountTokenAutomounted {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let pod = Pod::of(workload)?;
        let account = pod
            .get("serviceAccountName")
            .and_then(AttrValue::as_str)
            .unwrap_or("default");
        verdict(
            pod.flag("automountServiceAccountToken") != Some(false),
            format!("token of service account `{account}` mounted"),
            "automountServiceAccountToken is false",
        )
    }
}
