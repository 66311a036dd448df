//! Azure Resource Graph exports (`az graph query -q "Resources"` JSON: an
//! array, `{"data": [...]}`, the REST API's `{"value": [...]}`, or one
//! object per line) into Resources. The types posture rules need get
//! normalized attributes; every record keeps its `properties` as
//! `properties.*` attributes.

use parapet_core::{AttrOrigin, AttrValue, Provider, Resource};
use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

use crate::aws_config::{ImportError, Imported};
use crate::json::{at, keep_fields, records, set_paths, string_map, text};

pub fn import_azure_resource_graph(
    source_name: &str,
    bytes: &[u8],
) -> Result<Imported, ImportError> {
    let records = records(source_name, bytes, &["data", "value"])?;
    let origin = AttrOrigin::Import(format!("azure-resource-graph:{source_name}"));
    let mut imported = Imported::default();
    for (place, record) in records {
        match record.and_then(|record| resource(&record, &origin)) {
            Ok(resource) => imported.resources.push(resource),
            Err(reason) => imported
                .skipped
                .push(format!("{source_name}: {place}: {reason}")),
        }
    }
    imported.resources.sort_by(|a, b| a.uid.cmp(&b.uid));
    imported.resources.dedup_by(|a, b| a.uid == b.uid);
    imported.resources.iter_mut().for_each(Resource::normalize);
    Ok(imported)
}

const KINDS: [(&str, &str); 8] = [
    ("microsoft.storage/storageaccounts", "azure.storage.account"),
    (
        "microsoft.network/networksecuritygroups",
        "azure.network.nsg",
    ),
    ("microsoft.compute/virtualmachines", "azure.compute.vm"),
    ("microsoft.compute/disks", "azure.compute.disk"),
    ("microsoft.keyvault/vaults", "azure.keyvault.vault"),
    ("microsoft.sql/servers", "azure.sql.server"),
    ("microsoft.network/networkinterfaces", "azure.network.nic"),
    ("microsoft.web/sites", "azure.web.app"),
];

fn kind_of(azure_type: &str) -> String {
    let lower = azure_type.to_ascii_lowercase();
    match KINDS.iter().find(|(t, _)| *t == lower) {
        Some((_, kind)) => kind.to_string(),
        None => format!(
            "azure.{}",
            lower.trim_start_matches("microsoft.").replace('/', ".")
        ),
    }
}

/// Normalized attributes: (kind, attribute, path under `properties`).
const SCALARS: [(&str, &str, &str); 17] = [
    (
        "azure.storage.account",
        "https_only",
        "supportsHttpsTrafficOnly",
    ),
    (
        "azure.storage.account",
        "min_tls_version",
        "minimumTlsVersion",
    ),
    (
        "azure.storage.account",
        "public_blob_access",
        "allowBlobPublicAccess",
    ),
    (
        "azure.storage.account",
        "shared_key_access",
        "allowSharedKeyAccess",
    ),
    (
        "azure.storage.account",
        "network.default_action",
        "networkAcls.defaultAction",
    ),
    (
        "azure.storage.account",
        "public_network_access",
        "publicNetworkAccess",
    ),
    ("azure.keyvault.vault", "soft_delete", "enableSoftDelete"),
    (
        "azure.keyvault.vault",
        "purge_protection",
        "enablePurgeProtection",
    ),
    (
        "azure.keyvault.vault",
        "rbac_authorization",
        "enableRbacAuthorization",
    ),
    (
        "azure.keyvault.vault",
        "public_network_access",
        "publicNetworkAccess",
    ),
    (
        "azure.sql.server",
        "public_network_access",
        "publicNetworkAccess",
    ),
    ("azure.sql.server", "min_tls_version", "minimalTlsVersion"),
    ("azure.compute.vm", "vm_size", "hardwareProfile.vmSize"),
    ("azure.compute.disk", "encryption.type", "encryption.type"),
    (
        "azure.compute.disk",
        "network_access_policy",
        "networkAccessPolicy",
    ),
    ("azure.web.app", "https_only", "httpsOnly"),
    (
        "azure.web.app",
        "min_tls_version",
        "siteConfig.minTlsVersion",
    ),
];

fn resource(record: &Value, origin: &AttrOrigin) -> Result<Resource, String> {
    let id = text(record, "id").ok_or("no `id`")?;
    let azure_type = text(record, "type").ok_or("no `type`")?;
    let name =
        text(record, "name").unwrap_or_else(|| id.rsplit('/').next().unwrap_or(&id).to_string());
    let subscription = text(record, "subscriptionId").unwrap_or_default();
    let location = text(record, "location").unwrap_or_else(|| "global".into());
    let kind = kind_of(&azure_type);
    let mut r = Resource::new(Provider::Azure, &kind, id.to_ascii_lowercase(), name)
        .located(&subscription, &location);
    r.tags = string_map(record.get("tags"));
    if let Some(group) = text(record, "resourceGroup") {
        r.set("resource_group", group, origin);
    }
    let empty = Value::new_object();
    let properties = record.get("properties").unwrap_or(&empty);
    keep_fields(&mut r, "properties", properties, origin);
    set_paths(&mut r, &SCALARS, &kind, properties, origin);
    match kind.as_str() {
        "azure.network.nsg" => {
            r.set(
                "rules",
                security_rules(at(properties, "securityRules")),
                origin,
            );
        }
        "azure.compute.vm" => {
            let nics = at(properties, "networkProfile.networkInterfaces")
                .and_then(|n| n.as_array())
                .into_iter()
                .flatten()
                .filter_map(|n| n.get("id").and_then(|i| i.as_str()));
            for nic in nics {
                r.relate("uses-network-interface", nic.to_ascii_lowercase());
            }
        }
        "azure.network.nic" => {
            if let Some(nsg) = text(properties, "networkSecurityGroup.id") {
                r.relate("uses-security-group", nsg.to_ascii_lowercase());
            }
        }
        _ => {}
    }
    Ok(r)
}

/// NSG rules as `{name, priority, direction, access, protocol,
/// source_prefixes, port_ranges}` (single and plural fields merged).
fn security_rules(rules: Option<&Value>) -> AttrValue {
    let list = rules.and_then(|r| r.as_array()).into_iter().flatten();
    AttrValue::List(
        list.map(|rule| {
            let p = rule.get("properties").unwrap_or(rule);
            let merged = |single: &str, plural: &str| -> AttrValue {
                let mut values: Vec<String> = Vec::new();
                if let Some(one) = p.get(single).and_then(|v| v.as_str()) {
                    values.push(one.to_string());
                }
                values.extend(
                    p.get(plural)
                        .and_then(|v| v.as_array())
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v.as_str())
                        .map(str::to_string),
                );
                values.into()
            };
            let field = |k: &str| p.get(k).map_or(AttrValue::Null, AttrValue::from_json);
            let mut m = std::collections::BTreeMap::new();
            m.insert(
                "name".to_string(),
                rule.get("name")
                    .map_or(AttrValue::Null, AttrValue::from_json),
            );
            m.insert("priority".to_string(), field("priority"));
            m.insert("direction".to_string(), field("direction"));
            m.insert("access".to_string(), field("access"));
            m.insert("protocol".to_string(), field("protocol"));
            m.insert(
                "source_prefixes".to_string(),
                merged("sourceAddressPrefix", "sourceAddressPrefixes"),
            );
            m.insert(
                "port_ranges".to_string(),
                merged("destinationPortRange", "destinationPortRanges"),
            );
            AttrValue::Map(m)
        })
        .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_query_output_and_normalizes_storage_and_nsgs() {
        let export = r#"{"count": 3, "data": [
          {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/logs", "name": "logs",
           "type": "microsoft.storage/storageaccounts", "location": "westeurope", "subscriptionId": "s1", "resourceGroup": "rg",
           "tags": {"owner": "sec"}, "properties": {"supportsHttpsTrafficOnly": false, "allowBlobPublicAccess": true, "minimumTlsVersion": "TLS1_0"}},
          {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/web", "name": "web",
           "type": "Microsoft.Network/networkSecurityGroups", "location": "westeurope", "subscriptionId": "s1",
           "properties": {"securityRules": [{"name": "ssh", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow",
             "protocol": "Tcp", "sourceAddressPrefix": "*", "destinationPortRange": "22"}}]}},
          {"name": "broken"}
        ]}"#;
        let imported = import_azure_resource_graph("arg.json", export.as_bytes()).unwrap();
        assert_eq!(imported.resources.len(), 2);
        assert_eq!(imported.skipped, ["arg.json: data[2]: no `id`"]);
        let storage = &imported.resources[1];
        assert_eq!(storage.kind, "azure.storage.account");
        assert_eq!(storage.provider, Provider::Azure);
        assert_eq!(
            (storage.account.as_str(), storage.region.as_str()),
            ("s1", "westeurope")
        );
        assert_eq!(storage.bool("public_blob_access"), Some(true));
        assert_eq!(storage.str("min_tls_version"), Some("TLS1_0"));
        assert_eq!(storage.tags["owner"], "sec");
        let nsg = &imported.resources[0];
        let rules = nsg.list("rules").unwrap();
        assert_eq!(
            rules[0].get("port_ranges"),
            Some(&AttrValue::from(vec!["22"]))
        );
        assert_eq!(
            rules[0].get("source_prefixes"),
            Some(&AttrValue::from(vec!["*"]))
        );
    }
}
