//! GCP Cloud Asset Inventory exports (`gcloud asset export` JSON lines, or
//! `gcloud asset list --format=json` arrays; resource and IAM policy content
//! types, snake_case or camelCase) into Resources. Records of one asset
//! (its resource, its IAM policy) merge into one Resource; the types posture
//! rules need get normalized attributes, and every asset keeps its
//! `resource.data` as `data.*` attributes.

use std::collections::BTreeMap;

use parapet_core::{AttrOrigin, AttrValue, Provider, Resource};
use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

use crate::aws_config::{ImportError, Imported};
use crate::json::{at, keep_fields, records, set_paths, string_map, text};

/// IAM members that mean everyone.
const PUBLIC_MEMBERS: [&str; 2] = ["allUsers", "allAuthenticatedUsers"];

pub fn import_gcp_asset_inventory(
    source_name: &str,
    bytes: &[u8],
) -> Result<Imported, ImportError> {
    let records = records(source_name, bytes, &["assets"])?;
    let origin = AttrOrigin::Import(format!("gcp-asset-inventory:{source_name}"));
    let mut imported = Imported::default();
    let mut by_name: BTreeMap<String, Resource> = BTreeMap::new();
    for (place, record) in records {
        let merged = record.and_then(|record| {
            let name = text(&record, "name").ok_or("no `name`")?;
            let asset_type = text(&record, "asset_type")
                .or_else(|| text(&record, "assetType"))
                .ok_or("no `asset_type`")?;
            let resource = by_name
                .entry(name.clone())
                .or_insert_with(|| new_resource(&name, &asset_type, &record));
            fill(resource, &record, &origin);
            Ok(())
        });
        if let Err(reason) = merged {
            imported
                .skipped
                .push(format!("{source_name}: {place}: {reason}"));
        }
    }
    imported.resources = by_name.into_values().collect();
    imported.resources.iter_mut().for_each(Resource::normalize);
    Ok(imported)
}

const KINDS: [(&str, &str); 8] = [
    ("storage.googleapis.com/Bucket", "gcp.storage.bucket"),
    ("compute.googleapis.com/Firewall", "gcp.compute.firewall"),
    ("compute.googleapis.com/Instance", "gcp.compute.instance"),
    ("sqladmin.googleapis.com/Instance", "gcp.sql.instance"),
    ("cloudresourcemanager.googleapis.com/Project", "gcp.project"),
    (
        "iam.googleapis.com/ServiceAccount",
        "gcp.iam.service-account",
    ),
    (
        "iam.googleapis.com/ServiceAccountKey",
        "gcp.iam.service-account-key",
    ),
    ("cloudkms.googleapis.com/CryptoKey", "gcp.kms.key"),
];

fn kind_of(asset_type: &str) -> String {
    match KINDS.iter().find(|(t, _)| *t == asset_type) {
        Some((_, kind)) => kind.to_string(),
        None => {
            let (service, kind) = asset_type.split_once('/').unwrap_or(("", asset_type));
            format!(
                "gcp.{}.{}",
                service.trim_end_matches(".googleapis.com"),
                kind.to_ascii_lowercase()
            )
        }
    }
}

/// The project an asset belongs to: from its ancestors (`projects/123`), or
/// the project named in its resource name.
fn project(name: &str, record: &Value) -> String {
    let ancestors = record.get("ancestors").and_then(|a| a.as_array());
    if let Some(project) = ancestors
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str())
        .find_map(|a| a.strip_prefix("projects/"))
    {
        return project.to_string();
    }
    name.split("/projects/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_string()
}

fn new_resource(name: &str, asset_type: &str, record: &Value) -> Resource {
    let short = name.rsplit('/').next().unwrap_or(name);
    let location = at(record, "resource.location")
        .and_then(|l| l.as_str())
        .unwrap_or("global");
    Resource::new(Provider::Gcp, &kind_of(asset_type), name, short)
        .located(&project(name, record), location)
}

/// Normalized attributes: (kind, attribute, path under `resource.data`).
const SCALARS: [(&str, &str, &str); 12] = [
    (
        "gcp.storage.bucket",
        "uniform_access",
        "iamConfiguration.uniformBucketLevelAccess.enabled",
    ),
    (
        "gcp.storage.bucket",
        "public_access_prevention",
        "iamConfiguration.publicAccessPrevention",
    ),
    (
        "gcp.storage.bucket",
        "versioning.enabled",
        "versioning.enabled",
    ),
    (
        "gcp.storage.bucket",
        "retention_period",
        "retentionPolicy.retentionPeriod",
    ),
    ("gcp.compute.firewall", "direction", "direction"),
    ("gcp.compute.firewall", "disabled", "disabled"),
    ("gcp.compute.firewall", "source_ranges", "sourceRanges"),
    ("gcp.compute.firewall", "allowed", "allowed"),
    (
        "gcp.sql.instance",
        "ipv4_enabled",
        "settings.ipConfiguration.ipv4Enabled",
    ),
    (
        "gcp.sql.instance",
        "authorized_networks",
        "settings.ipConfiguration.authorizedNetworks",
    ),
    ("gcp.iam.service-account-key", "key_type", "keyType"),
    (
        "gcp.iam.service-account-key",
        "valid_after",
        "validAfterTime",
    ),
];

fn fill(r: &mut Resource, record: &Value, origin: &AttrOrigin) {
    if let Some(data) = at(record, "resource.data") {
        keep_fields(r, "data", data, origin);
        if data.get("labels").is_some() {
            r.tags = string_map(data.get("labels"));
        }
        let kind = r.kind.clone();
        set_paths(r, &SCALARS, &kind, data, origin);
        if r.kind == "gcp.compute.instance" {
            instance(r, data, origin);
        }
    }
    let policy = record.get("iam_policy").or_else(|| record.get("iamPolicy"));
    if let Some(policy) = policy {
        let mut bindings = Vec::new();
        let mut public = false;
        for binding in policy
            .get("bindings")
            .and_then(|b| b.as_array())
            .into_iter()
            .flatten()
        {
            let role = binding
                .get("role")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let members: Vec<&str> = binding
                .get("members")
                .and_then(|m| m.as_array())
                .into_iter()
                .flatten()
                .filter_map(|m| m.as_str())
                .collect();
            for member in &members {
                public |= PUBLIC_MEMBERS.contains(member);
                r.relate("grants-access-to", member.to_string());
            }
            let mut m = BTreeMap::new();
            m.insert("role".to_string(), AttrValue::from(role));
            m.insert("members".to_string(), AttrValue::from(members));
            bindings.push(AttrValue::Map(m));
        }
        r.set("iam.bindings", AttrValue::List(bindings), origin);
        r.set("iam.public", public, origin);
    }
}

fn instance(r: &mut Resource, data: &Value, origin: &AttrOrigin) {
    let nics = data.get("networkInterfaces").and_then(|n| n.as_array());
    let public: Vec<&str> = nics
        .into_iter()
        .flatten()
        .flat_map(|nic| {
            nic.get("accessConfigs")
                .and_then(|a| a.as_array())
                .into_iter()
                .flatten()
        })
        .filter_map(|a| a.get("natIP").and_then(|ip| ip.as_str()))
        .collect();
    r.set("public_ips", public, origin);
    let accounts = data.get("serviceAccounts").and_then(|s| s.as_array());
    for account in accounts.into_iter().flatten() {
        if let Some(email) = account.get("email").and_then(|e| e.as_str()) {
            r.relate("runs-as", email.to_string());
        }
    }
    let serial = data
        .get("metadata")
        .and_then(|m| m.get("items"))
        .and_then(|i| i.as_array())
        .into_iter()
        .flatten()
        .any(|item| {
            item.get("key").and_then(|k| k.as_str()) == Some("serial-port-enable")
                && matches!(
                    item.get("value").and_then(|v| v.as_str()),
                    Some("true" | "1")
                )
        });
    r.set("serial_port_enabled", serial, origin);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_resource_and_iam_records_and_finds_public_buckets() {
        let export = concat!(
            r#"{"name":"//storage.googleapis.com/public-site","asset_type":"storage.googleapis.com/Bucket","ancestors":["projects/1234","organizations/9"],"resource":{"location":"us-central1","data":{"name":"public-site","iamConfiguration":{"uniformBucketLevelAccess":{"enabled":true},"publicAccessPrevention":"inherited"},"labels":{"team":"web"}}}}"#,
            "\n",
            r#"{"name":"//storage.googleapis.com/public-site","asset_type":"storage.googleapis.com/Bucket","ancestors":["projects/1234"],"iam_policy":{"bindings":[{"role":"roles/storage.objectViewer","members":["allUsers"]}]}}"#,
            "\n",
            r#"{"name":"//compute.googleapis.com/projects/p1/global/firewalls/ssh","assetType":"compute.googleapis.com/Firewall","resource":{"data":{"direction":"INGRESS","sourceRanges":["0.0.0.0/0"],"allowed":[{"IPProtocol":"tcp","ports":["22"]}]}}}"#,
            "\n{broken\n"
        );
        let imported = import_gcp_asset_inventory("cai.jsonl", export.as_bytes()).unwrap();
        assert_eq!(imported.resources.len(), 2);
        assert_eq!(imported.skipped.len(), 1);
        assert!(imported.skipped[0].starts_with("cai.jsonl: line 4: not JSON"));
        let firewall = &imported.resources[0];
        assert_eq!(firewall.kind, "gcp.compute.firewall");
        assert_eq!(firewall.account, "p1");
        assert_eq!(
            firewall.value("source_ranges"),
            Some(&AttrValue::from(vec!["0.0.0.0/0"]))
        );
        let bucket = &imported.resources[1];
        assert_eq!(
            (bucket.kind.as_str(), bucket.account.as_str()),
            ("gcp.storage.bucket", "1234")
        );
        assert_eq!(bucket.region, "us-central1");
        assert_eq!(bucket.bool("iam.public"), Some(true));
        assert_eq!(bucket.bool("uniform_access"), Some(true));
        assert_eq!(bucket.tags["team"], "web");
        assert!(bucket.related("grants-access-to").any(|m| m == "allUsers"));
    }
}
