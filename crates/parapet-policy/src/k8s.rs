//! The built-in Kubernetes rules, one file each under `k8s/`, over the
//! `k8s.workload` resources manifests produce.

use crate::registry::registry;

registry! {
    "k8s";
    privileged_container::PrivilegedContainer,
    host_namespace_shared::HostNamespaceShared,
    host_path_volume::HostPathVolume,
    container_runs_as_root::ContainerRunsAsRoot,
    capabilities_added::CapabilitiesAdded,
    cpu_limit_missing::CpuLimitMissing,
    memory_limit_missing::MemoryLimitMissing,
    image_tag_latest::ImageTagLatest,
    secret_in_environment::SecretInEnvironment,
    service_account_token_automounted::ServiceAccountTokenAutomounted,
    privilege_escalation_allowed::PrivilegeEscalationAllowed,
}
