//! ## What it does
//! Finds containers that get a Secret through environment variables
//! (`valueFrom.secretKeyRef`, `envFrom.secretRef`) or carry a literal value in
//! a variable whose name says it is a secret (`PASSWORD`, `TOKEN`, `API_KEY`,
//! ...).
//!
//! ## Why is this bad?
//! Environment variables leak: into crash dumps, child processes, `kubectl
//! describe`, logs of debugging sessions. A literal secret in a manifest is
//! also in every copy of the repository.
//!
//! ## Example
//! ```yaml
//!           env:
//!             - name: DB_PASSWORD
//!               value: hunter2
//! ```
//! Use instead:
//! ```yaml
//!           volumeMounts:
//!             - name: db
//!               mountPath: /run/secrets/db
//!               readOnly: true
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl edit deployment NAME   # mount the Secret as a read-only volume instead of env
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::pod::Pod;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct SecretInEnvironment;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-008",
    "SecretInEnvironment",
    "Secret passed to a container in environment variables",
    Level::Medium,
    "k8s.workload",
);

impl Rule for SecretInEnvironment {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let pod = Pod::of(workload)?;
        let mut exposed = Vec::new();
        for container in pod.containers() {
            for var in container.get("env").and_then(AttrValue::as_list).unwrap_or_default() {
                let name = var.get("name").and_then(AttrValue::as_str).unwrap_or("?");
                if let Some(secret) = var.get("valueFrom").and_then(|v| v.get("secretKeyRef")) {
                    let from = secret.get("name").and_then(AttrValue::as_str).unwrap_or("?");
                    exposed.push(format!("`{}` env {name} from secret {from}", container.name));
                } else if looks_secret(name)
                    && var.get("value").and_then(AttrValue::as_str).is_some_and(|v| !v.is_empty())
                {
                    exposed.push(format!("`{}` env {name} holds a literal secret", container.name));
                }
            }
            for source in container.get("envFrom").and_then(AttrValue::as_list).unwrap_or_default() {
                if let Some(secret) = source.get("secretRef") {
                    let from = secret.get("name").and_then(AttrValue::as_str).unwrap_or("?");
                    exposed.push(format!("`{}` envFrom secret {from}", container.name));
                }
            }
        }
        verdict(!exposed.is_empty(), exposed.join("; "), "no secret in environment variables")
    }
}

/// A variable name that says it holds a credential.
fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY"]
        .iter()
        .any(|word| upper.contains(word))
}
