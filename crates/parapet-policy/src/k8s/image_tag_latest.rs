//! ## What it does
//! Finds containers whose image has no tag, or the `latest` tag, and no
//! digest.
//!
//! ## Why is this bad?
//! `latest` moves: the image that runs tomorrow is not the one that was
//! reviewed and scanned today, and a compromised registry push reaches
//! production on the next restart.
//!
//! ## Example
//! ```yaml
//!           image: nginx:latest
//! ```
//! Use instead:
//! ```yaml
//!           image: nginx:1.27.2@sha256:0f04e4f646a3f14bf31d8bc8d885b6c951fdcf42589d06845f64d18aec6a3c4d
//! ```
//!
//! ## Remediation
//! ```sh
//! kubectl set image deployment/NAME app=registry.example.com/app:1.4.2
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/concepts/containers/images/#image-names>

use parapet_core::{AttrValue, Level, Resource};

use crate::inventory::Inventory;
use crate::pod::Pod;
use crate::rule::{verdict, Rule, RuleInfo, Verdict};

pub struct ImageTagLatest;

static INFO: RuleInfo = RuleInfo::native(
    "K8S-007",
    "ImageTagLatest",
    "Container image uses the latest tag or no tag",
    Level::Medium,
    "k8s.workload",
);

impl Rule for ImageTagLatest {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, workload: &Resource, _: &Inventory) -> Verdict {
        let pod = Pod::of(workload)?;
        let mut floating = Vec::new();
        for container in pod.containers() {
            let Some(image) = container.get("image").and_then(AttrValue::as_str) else {
                continue;
            };
            if image.contains('@') {
                continue;
            }
            let name = image.rsplit('/').next().unwrap_or(image);
            match name.split_once(':') {
                Some((_, tag)) if tag != "latest" => {}
                _ => floating.push(format!("`{}` runs {image}", container.name)),
            }
        }
        verdict(!floating.is_empty(), floating.join("; "), "every image is pinned to a tag or digest")
    }
}
