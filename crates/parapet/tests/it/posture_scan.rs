//! `parapet scan cloud` on an imported inventory: formats, the compliance
//! report, the findings lifecycle and mutes, in a real SQLite file.

use std::path::Path;

use sonic_rs::{JsonContainerTrait, JsonValueTrait};

use crate::{parapet, run};

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/aws-config/123456789012_Config_us-east-1_ConfigSnapshot_20261120T100000Z.json")
}

fn scan(db: &Path, args: &[&str]) -> std::process::Output {
    run(parapet().args(["scan", "cloud", "--db"]).arg(db).args(args))
}

#[test]
fn scan_reports_formats_lifecycle_and_mutes() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("parapet.db");
    let imported = run(parapet()
        .args(["import", "aws-config", "--db"])
        .arg(&db)
        .arg(sample()));
    assert!(imported.status.code().is_some_and(|c| c <= 2));

    let out = scan(
        &db,
        &["--format", "json", "--framework", "cis-aws-5.0", "--report"],
    );
    assert_eq!(out.status.code(), Some(2), "--report needs a path");
    let report = home.path().join("cis.html");
    let out = run(parapet()
        .args([
            "scan",
            "cloud",
            "--format",
            "json",
            "--framework",
            "cis-aws-5.0",
            "--db",
        ])
        .arg(&db)
        .arg("--report")
        .arg(&report));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "failures exit 1: {stderr}");
    let findings: sonic_rs::Value = sonic_rs::from_slice(&out.stdout).unwrap();
    let findings = findings.as_array().unwrap();
    let ssh = findings
        .iter()
        .find(|f| f["rule_id"].as_str() == Some("AWS-EC2-002"))
        .expect("the open SSH group fails");
    assert!(ssh["evidence"]
        .as_str()
        .unwrap()
        .contains("22 from 0.0.0.0/0"));
    assert!(stderr.contains("cis-aws-5.0:"), "{stderr}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("id=\"control-5.3\"") && html.contains("manual"),
        "{html}"
    );

    for (format, needle) in [
        ("ocsf", r#""class_uid":2003"#),
        ("asff", r#""SchemaVersion":"2018-10-08""#),
        ("sarif", r#""version":"2.1.0""#),
        ("csv", "status,severity,rule_id"),
    ] {
        let out = scan(&db, &["--format", format, "--no-store"]);
        let text = String::from_utf8_lossy(&out.stdout).replace([' ', '\n'], "");
        assert!(text.contains(&needle.replace(' ', "")), "{format}: {text}");
    }

    // A mute needs a reason and a bounded expiry; a muted failure no longer fails the run.
    let mute = |args: &[&str]| {
        run(parapet()
            .args(["mute", "add"])
            .args(args)
            .arg("--db")
            .arg(&db))
    };
    assert_eq!(
        mute(&["AWS-EC2-002", "--reason", "x", "--expires", "400d"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        mute(&["AWS-NOPE-001", "--reason", "x", "--expires", "1d"])
            .status
            .code(),
        Some(2)
    );
    assert!(mute(&[
        "*",
        "--reason",
        "accepted risk: lab account",
        "--expires",
        "30d"
    ])
    .status
    .success());
    let out = scan(&db, &["--format", "jsonl"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("accepted risk"));

    let listed = run(parapet()
        .args(["findings", "--format", "jsonl", "--db"])
        .arg(&db));
    let open: Vec<sonic_rs::Value> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|l| sonic_rs::from_str(l).unwrap())
        .collect();
    assert!(open.len() >= 5);
    assert!(open.iter().all(|f| f["first_seen"].as_str().is_some()));
}

#[test]
fn custom_rego_rules_run_beside_the_builtin_ones_and_bad_ones_are_named() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("parapet.db");
    run(parapet()
        .args(["import", "aws-config", "--db"])
        .arg(&db)
        .arg(sample()));
    let rules = home.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("owner_tag.rego"),
        r#"# ## What it does
# Finds buckets without an `owner` tag.
package parapet.custom.owner_tag

metadata := {"id": "CUSTOM-S3-001", "title": "Bucket has no owner tag", "severity": "low", "kind": "aws.s3.bucket"}

fail contains msg if {
    not input.tags.owner
    msg := sprintf("bucket %s has no owner tag", [input.name])
}
"#,
    )
    .unwrap();
    std::fs::write(
        rules.join("bad_severity.rego"),
        "package parapet.custom.bad\nmetadata := {\"id\": \"CUSTOM-X-001\", \"title\": \"x\", \"severity\": \"hgh\", \"kind\": \"aws.s3.bucket\"}\n",
    )
    .unwrap();
    std::fs::write(
        rules.join("syntax.rego"),
        "package parapet.custom.syntax\nfail contains msg if {\n",
    )
    .unwrap();
    let out = run(parapet()
        .args([
            "scan",
            "cloud",
            "--format",
            "jsonl",
            "--no-store",
            "--rule",
            "CUSTOM-S3-001",
            "--db",
        ])
        .arg(&db)
        .arg("--rules")
        .arg(&rules));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad_severity.rego: metadata.severity: `hgh`"),
        "{stderr}"
    );
    assert!(stderr.contains("syntax.rego: rego:"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("bucket acme-data has no owner tag"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.lines().all(|l| l.contains("CUSTOM-S3-001")),
        "{stdout}"
    );
}

/// Regression: a bad `--report` name used to fail only after the scan had
/// been recorded; every argument is now checked before anything is stored.
#[test]
fn bad_arguments_are_refused_before_anything_is_recorded() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("parapet.db");
    run(parapet()
        .args(["import", "aws-config", "--db"])
        .arg(&db)
        .arg(sample()));
    let report = home.path().join("cis.txt");
    let missing = home.path().join("no-such-rules");
    for (args, message) in [
        (
            vec![
                "--framework",
                "cis-aws-5.0",
                "--report",
                report.to_str().unwrap(),
            ],
            "name it .html or .json",
        ),
        (
            vec!["--status", "failing"],
            "--status failing: expected fail, unknown, pass or all",
        ),
        (
            vec!["--rules", missing.to_str().unwrap()],
            "not a folder of .rego rules",
        ),
        (
            vec!["--framework", "cis-aws-9.9"],
            "no framework `cis-aws-9.9`",
        ),
    ] {
        let out = scan(&db, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let listed = run(parapet()
        .args(["findings", "--format", "jsonl", "--db"])
        .arg(&db));
    assert!(listed.stdout.is_empty(), "nothing was recorded");
}

#[cfg(feature = "aws")]
#[test]
fn unreadable_change_events_are_named_and_fail_the_run() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("parapet.db");
    run(parapet()
        .args(["import", "aws-config", "--db"])
        .arg(&db)
        .arg(sample()));
    let events = home.path().join("events.json");
    std::fs::write(
        &events,
        "{\"Records\":[{\"eventSource\":\"ec2.amazonaws.com\"\nnot json\n",
    )
    .unwrap();
    let out = run(parapet()
        .args([
            "scan",
            "cloud",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--db",
        ])
        .arg(&db)
        .arg("--changed-by")
        .arg(&events));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("events.json:2:1: invalid JSON"), "{stderr}");
    assert!(stderr.contains("1 input errors"), "{stderr}");
}
