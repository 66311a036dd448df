//! `parapet import azure-resource-graph` and `import gcp-asset-inventory` on
//! the bundled samples: resources land in the same model (kinds, account,
//! region, normalized attributes, relations), broken records are named with
//! their place and the rest is stored.

use std::path::{Path, PathBuf};

use sonic_rs::JsonValueTrait;

use crate::{parapet, run};

fn sample(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(path)
}

fn show(db: &Path, uid: &str) -> sonic_rs::Value {
    let out = run(parapet().args(["inventory", "show", uid, "--db"]).arg(db));
    assert!(
        out.status.success(),
        "{uid}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    sonic_rs::from_slice(&out.stdout).unwrap()
}

fn attr(resource: &sonic_rs::Value, name: &str) -> String {
    resource
        .get("attributes")
        .and_then(|a| a.get(name))
        .and_then(|a| a.get("value"))
        .map(|v| sonic_rs::to_string(v).unwrap())
        .unwrap_or_else(|| "<absent>".into())
}

#[test]
fn azure_resource_graph_export_becomes_resources() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("p.db");
    let out = run(parapet()
        .args(["import", "azure-resource-graph", "--db"])
        .arg(&db)
        .arg(sample("azure-resource-graph/resources.json")));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("7 resources, 0 items skipped"), "{stderr}");
    let sub = "8f0e4a52-0d1c-4bb5-9c1e-3a1b2c3d4e5f";
    let rg = format!("/subscriptions/{sub}/resourcegroups/prod-rg/providers");
    let storage = show(
        &db,
        &format!("{rg}/microsoft.storage/storageaccounts/marketingassets"),
    );
    assert_eq!(storage["kind"].as_str(), Some("azure.storage.account"));
    assert_eq!(storage["provider"].as_str(), Some("azure"));
    assert_eq!(storage["account"].as_str(), Some(sub));
    assert_eq!(attr(&storage, "public_blob_access"), "true");
    assert_eq!(attr(&storage, "https_only"), "false");
    assert_eq!(attr(&storage, "network.default_action"), r#""Allow""#);
    let nsg = show(
        &db,
        &format!("{rg}/microsoft.network/networksecuritygroups/web-nsg"),
    );
    assert!(
        attr(&nsg, "rules").contains(r#""port_ranges":["22","3389"]"#),
        "{}",
        attr(&nsg, "rules")
    );
    let nic = show(
        &db,
        &format!("{rg}/microsoft.network/networkinterfaces/web-01-nic"),
    );
    assert!(sonic_rs::to_string(&nic)
        .unwrap()
        .contains("uses-security-group"));
    let vault = show(&db, &format!("{rg}/microsoft.keyvault/vaults/prod-kv"));
    assert_eq!(attr(&vault, "purge_protection"), "null");
}

#[test]
fn gcp_asset_inventory_export_merges_resources_and_iam_policies() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("p.db");
    let out = run(parapet()
        .args(["import", "gcp-asset-inventory", "--db"])
        .arg(&db)
        .arg(sample("gcp-asset-inventory/assets.jsonl")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bucket = show(&db, "//storage.googleapis.com/acme-public-site");
    assert_eq!(bucket["kind"].as_str(), Some("gcp.storage.bucket"));
    assert_eq!(bucket["account"].as_str(), Some("884411223344"));
    assert_eq!(attr(&bucket, "iam.public"), "true");
    assert_eq!(attr(&bucket, "uniform_access"), "true");
    let firewall = show(
        &db,
        "//compute.googleapis.com/projects/acme-prod/global/firewalls/allow-ssh-all",
    );
    assert_eq!(attr(&firewall, "source_ranges"), r#"["0.0.0.0/0"]"#);
    let instance = show(
        &db,
        "//compute.googleapis.com/projects/acme-prod/zones/us-central1-a/instances/web-1",
    );
    assert_eq!(attr(&instance, "public_ips"), r#"["34.70.12.9"]"#);
    assert_eq!(attr(&instance, "serial_port_enabled"), "true");
    assert_eq!(instance["region"].as_str(), Some("us-central1-a"));
}

#[test]
fn broken_records_are_named_and_the_rest_is_imported() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("p.db");
    let file = home.path().join("cai.jsonl");
    let good = std::fs::read_to_string(sample("gcp-asset-inventory/assets.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    std::fs::write(
        &file,
        format!("{first}\n{{\"asset_type\":\"x\"}}\nnot json\n"),
    )
    .unwrap();
    let out = run(parapet()
        .args(["import", "gcp-asset-inventory", "--db"])
        .arg(&db)
        .arg(&file));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cai.jsonl: line 2: no `name`"), "{stderr}");
    assert!(stderr.contains("cai.jsonl: line 3: not JSON"), "{stderr}");
    assert!(stderr.contains("1 resources, 2 items skipped"), "{stderr}");
    let empty = home.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    let out = run(parapet()
        .args(["import", "azure-resource-graph", "--db"])
        .arg(&db)
        .arg(&empty));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty.json: not JSON"));
}

/// Regression: an export nested hundreds of thousands of levels deep
/// overflowed the stack (sonic-rs parses recursively) and aborted the process.
#[test]
fn hostile_nesting_is_refused_not_a_crash() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("p.db");
    let deep = home.path().join("deep.json");
    std::fs::write(
        &deep,
        format!("{}{}", "[".repeat(200_000), "]".repeat(200_000)),
    )
    .unwrap();
    for format in ["aws-config", "azure-resource-graph", "gcp-asset-inventory"] {
        let out = run(parapet()
            .args(["import", format, "--db"])
            .arg(&db)
            .arg(&deep));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{format}: {stderr}");
        assert!(
            stderr.contains("nested deeper than 256 levels"),
            "{format}: {stderr}"
        );
    }
}
