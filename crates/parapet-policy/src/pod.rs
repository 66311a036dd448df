//! A Kubernetes pod template (`pod_spec` of a `k8s.workload`) and its
//! containers, with the security context a container inherits from its pod.

use parapet_core::{AttrValue, Resource};

use crate::rule::{Need, Unknown};

pub(crate) struct Pod<'a> {
    pub spec: &'a AttrValue,
}

/// One container of any list: `containers`, `initContainers`,
/// `ephemeralContainers`.
pub(crate) struct Container<'a> {
    pub name: &'a str,
    pub spec: &'a AttrValue,
}

impl<'a> Pod<'a> {
    pub fn of(workload: &'a Resource) -> Result<Pod<'a>, Unknown> {
        Ok(Pod {
            spec: workload.need("pod_spec")?,
        })
    }

    pub fn get(&self, key: &str) -> Option<&'a AttrValue> {
        self.spec.get(key)
    }

    pub fn flag(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(AttrValue::as_bool)
    }

    pub fn containers(&self) -> Vec<Container<'a>> {
        ["containers", "initContainers", "ephemeralContainers"]
            .iter()
            .filter_map(|list| self.get(list)?.as_list())
            .flatten()
            .map(|spec| Container {
                name: spec.get("name").and_then(AttrValue::as_str).unwrap_or("?"),
                spec,
            })
            .collect()
    }

    /// Containers without `resources.limits.<resource>`, by name.
    pub fn without_limit(&self, resource: &str) -> Vec<String> {
        self.containers()
            .iter()
            .filter(|c| {
                c.get("resources")
                    .and_then(|r| r.get("limits"))
                    .and_then(|l| l.get(resource))
                    .is_none()
            })
            .map(|c| format!("`{}`", c.name))
            .collect()
    }

    /// A container's security setting, falling back to the pod's (for the
    /// fields a PodSecurityContext has).
    pub fn security(&self, container: &Container<'a>, key: &str) -> Option<&'a AttrValue> {
        container
            .security(key)
            .or_else(|| self.get("securityContext")?.get(key))
    }
}

impl<'a> Container<'a> {
    pub fn security(&self, key: &str) -> Option<&'a AttrValue> {
        self.spec.get("securityContext")?.get(key)
    }

    pub fn get(&self, key: &str) -> Option<&'a AttrValue> {
        self.spec.get(key)
    }
}

/// `name (kind)` list for evidence.
pub(crate) fn names(containers: &[&Container]) -> String {
    containers
        .iter()
        .map(|c| format!("`{}`", c.name))
        .collect::<Vec<_>>()
        .join(", ")
}
