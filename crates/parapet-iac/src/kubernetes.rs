//! Kubernetes manifests (multi-document YAML, rendered Helm output): every
//! workload becomes a `k8s.workload` Resource whose `pod_spec` is the pod
//! template, whatever controller wraps it, so one rule covers a Pod, a
//! Deployment and a CronJob alike.

use std::collections::BTreeMap;

use parapet_core::{AttrOrigin, AttrValue, Provider, Resource, Span};

use crate::declared::Declared;
use crate::scan::IacScan;
use crate::yaml::{read_documents, Node, Yaml};

pub const WORKLOAD_KIND: &str = "k8s.workload";

pub(crate) fn is_manifest(text: &str) -> bool {
    text.contains("apiVersion") && text.contains("kind")
}

pub(crate) fn read_manifests(rel: &str, text: &str, scan: &mut IacScan) {
    let Some(documents) = read_documents(rel, text, &mut scan.errors) else {
        return;
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for document in &documents {
        let objects: Vec<&Node> = match document.get("kind").and_then(Node::as_str) {
            Some("List") => document
                .get("items")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .collect(),
            _ => vec![document],
        };
        for object in objects {
            if let Some(declared) = workload(rel, object, &mut seen) {
                scan.resources.push(declared);
            }
        }
    }
}

/// The pod template of a workload object, by its kind.
fn pod_spec<'a>(kind: &str, object: &'a Node) -> Option<&'a Node> {
    let spec = object.get("spec")?;
    match kind {
        "Pod" => Some(spec),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => spec.get("template")?.get("spec"),
        "CronJob" => spec
            .get("jobTemplate")?
            .get("spec")?
            .get("template")?
            .get("spec"),
        _ => None,
    }
}

fn workload(rel: &str, object: &Node, seen: &mut BTreeMap<String, usize>) -> Option<Declared> {
    let kind = object.get("kind").and_then(Node::as_str)?;
    let spec = pod_spec(kind, object)?;
    let metadata = object.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("unnamed");
    let namespace = metadata
        .and_then(|m| m.get("namespace"))
        .and_then(Node::as_str)
        .unwrap_or("default");
    let mut address = format!("{kind}/{namespace}/{name}");
    let count = seen.entry(address.clone()).or_insert(0);
    *count += 1;
    if *count > 1 {
        address = format!("{address}#{count}");
    }
    let mut resource = Resource::new(
        Provider::Kubernetes,
        WORKLOAD_KIND,
        format!("{rel}#{address}"),
        name,
    );
    resource.region = namespace.to_string();
    let origin = |node: &Node| AttrOrigin::File {
        path: rel.to_string(),
        line: node.line,
        column: node.column,
    };
    resource.set("kind", kind, &origin(object));
    resource.set("namespace", namespace, &origin(object));
    resource.set("pod_spec", to_attr(spec), &origin(spec));
    let labels = metadata
        .and_then(|m| m.get("labels"))
        .map(Node::entries)
        .unwrap_or_default();
    for (key, value) in labels {
        if let Some(text) = value.as_str() {
            resource.tags.insert(key.clone(), text.to_string());
        }
    }
    let end_line = object.last_line();
    Some(Declared {
        resource,
        location: Span {
            path: rel.to_string(),
            line: object.line,
            column: object.column,
        },
        end_line,
    })
}

pub(crate) fn to_attr(node: &Node) -> AttrValue {
    match &node.value {
        Yaml::Null => AttrValue::Null,
        Yaml::Bool(b) => AttrValue::Bool(*b),
        Yaml::Int(n) => AttrValue::Int(*n),
        Yaml::Float(x) => AttrValue::Float(*x),
        Yaml::Str(s) => AttrValue::Str(s.clone()),
        Yaml::Seq(items) => AttrValue::List(items.iter().map(to_attr).collect()),
        Yaml::Map(entries) => AttrValue::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_attr(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_controller_yields_its_pod_template() {
        let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            image: busybox\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";
        let mut scan = IacScan::default();
        read_manifests("k.yaml", text, &mut scan);
        assert_eq!(scan.resources.len(), 1);
        let job = &scan.resources[0];
        assert_eq!(job.resource.uid, "k.yaml#CronJob/default/nightly");
        assert_eq!(job.location.line, 1);
        let spec = job.resource.value("pod_spec").unwrap();
        assert!(spec.get("containers").is_some());
    }
}
