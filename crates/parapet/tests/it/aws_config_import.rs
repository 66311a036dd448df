//! `parapet import aws-config` on the bundled sample snapshot and on bad files.

use std::path::Path;

use crate::{parapet, run};

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/aws-config/123456789012_Config_us-east-1_ConfigSnapshot_20261120T100000Z.json")
}

fn inventory(db: &Path, args: &[&str]) -> String {
    let output = run(parapet().arg("inventory").args(args).arg("--db").arg(db));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn imports_a_config_snapshot_into_the_collector_model() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("parapet.db");
    let output = run(parapet()
        .args(["import", "aws-config"])
        .arg(sample())
        .arg("--db")
        .arg(&db));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "one item is broken: {stderr}"
    );
    assert!(
        stderr.contains("configurationItems[6]: no resourceType"),
        "{stderr}"
    );
    assert!(stderr.contains("5 resources, 1 items skipped"), "{stderr}");

    let listing = inventory(&db, &["list"]);
    assert!(
        !listing.contains("vol-gone"),
        "deleted items are left out: {listing}"
    );
    let bucket = inventory(&db, &["show", "arn:aws:s3:::acme-data"]);
    let compact: String = bucket.split_whitespace().collect();
    for needle in [
        r#""versioning.enabled":{"value":true"#,
        r#""public_access_block.block_public_acls":{"value":true"#,
        r#""public_access_block.block_public_policy":{"value":false"#,
        r#""encryption.algorithm":{"value":"aws:kms""#,
        r#""policy.principals":{"value":["*"]"#,
        r#"{"kind":"logs-to","target":"arn:aws:s3:::acme-logs"}"#,
        r#""origin":{"import":"aws-config:"#,
    ] {
        assert!(compact.contains(needle), "{needle} missing: {compact}");
    }
    let instance: String = inventory(
        &db,
        &["show", "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc"],
    )
    .split_whitespace()
    .collect();
    assert!(instance.contains(r#"{"kind":"uses-security-group","target":"arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d"}"#), "{instance}");
    assert!(
        instance.contains(r#""metadata.http_tokens":{"value":"optional""#),
        "{instance}"
    );
    let group: String = inventory(
        &db,
        &[
            "show",
            "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d",
        ],
    )
    .split_whitespace()
    .collect();
    assert!(
        group.contains(r#""cidr_ipv4":["0.0.0.0/0"]"#) && group.contains(r#""from_port":22"#),
        "{group}"
    );
    let role: String = inventory(&db, &["show", "arn:aws:iam::123456789012:role/audit"])
        .split_whitespace()
        .collect();
    assert!(
        role.contains(r#"{"kind":"trusts","target":"arn:aws:iam::999999999999:root"}"#),
        "{role}"
    );
}

#[test]
fn bad_exports_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (db, bad) = (dir.path().join("parapet.db"), dir.path().join("bad.json"));
    for (content, message) in [
        ("{not json", "bad.json: not JSON"),
        (r#"{"Records":[]}"#, "no `configurationItems` array"),
    ] {
        std::fs::write(&bad, content).unwrap();
        let output = run(parapet()
            .args(["import", "aws-config"])
            .arg(&bad)
            .arg("--db")
            .arg(&db));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
    }
}
