//! Audit logs beyond CloudTrail: each sample in `samples/logs` is recognized
//! by its fields and raises a SigmaHQ rule and a bundled rule.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use sonic_rs::{JsonValueTrait, Value};

use super::{alerts, parapet, run, shared, text};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/logs")
        .join(name)
}

/// (sample, a SigmaHQ rule id it must raise, a bundled rule title it must raise).
const EXPECTED: [(&str, &str, &str); 17] = [
    (
        "azure-activity-eventhub.json",
        "93e0ef48-37c8-49ed-a02c-038aab23628e",
        "Azure Virtual Machine Run Command Executed",
    ),
    (
        "azure-activity-loganalytics.json",
        "288a39fc-4914-4831-9ada-270e9dc12cb4",
        "",
    ),
    (
        "azure-signin.json",
        "2b7d6fc0-71ac-4cf7-8ed1-b5788ee5257a",
        "Entra ID Sign-in With Legacy Authentication Succeeded",
    ),
    (
        "azure-audit.json",
        "0922467f-db53-4348-b7bf-dee8d0d348c6",
        "Entra ID Application or Service Principal Credential Added",
    ),
    (
        "azure-risk.json",
        "6555754e-5e7f-4a67-ad1c-4041c413a007",
        "Entra ID Leaked Credentials Risk Detection",
    ),
    (
        "azure-pim.json",
        "e402c26a-267a-45bd-9615-bd9ceda6da85",
        "Entra ID Privileged Role Assigned Outside PIM",
    ),
    (
        "gcp-audit.jsonl",
        "e2feb918-4e77-4608-9697-990a1aaf74c3",
        "GCP Service Account Key Created",
    ),
    (
        "workspace-admin.jsonl",
        "ee2803f0-71c8-4831-b48b-a1fc57601ee4",
        "Google Workspace Admin Privilege Granted",
    ),
    (
        "workspace-reports.json",
        "2d1b83e4-17c6-4896-a37b-29140b40a788",
        "Google Workspace Admin Privilege Granted",
    ),
    (
        "workspace-login.jsonl",
        "eafe6f2b-cfec-4612-aec2-49563c33a087",
        "Google Workspace Suspicious Login",
    ),
    (
        "k8s-audit.jsonl",
        "40967487-139b-4811-81d9-c9767a92aa5a",
        "Kubernetes ClusterRoleBinding to cluster-admin Created",
    ),
    (
        "okta.json",
        "413d4a81-6c98-4479-9863-014785fd579c",
        "Okta MFA Factor Deactivated or Reset",
    ),
    (
        "github.jsonl",
        "16a71777-0b2e-4db7-9888-9d59cb75200b",
        "GitHub Repository Made Public",
    ),
    (
        "bitbucket.json",
        "195e1b9d-bfc2-4ffa-ab4e-35aef69815f8",
        "Bitbucket Repository or Project Deleted",
    ),
    (
        "m365.json",
        "60de9b57-dc4d-48b9-a6a0-b39e0469f876",
        "M365 Mailbox Full Access Granted",
    ),
    (
        "onelogin.json",
        "a717c561-d117-437e-b2d9-0118a7035d01",
        "OneLogin MFA Factor Removed",
    ),
    (
        "duo.json",
        "6f7e1c10-2dc9-4312-adb6-9574ff09a5c8",
        "Cisco Duo Push Reported as Fraud",
    ),
];

#[test]
fn each_log_source_raises_a_sigmahq_rule_and_a_bundled_rule() {
    let sigma = shared().join("corpora/sigma");
    for (file, sigmahq_id, bundled_title) in EXPECTED {
        let output = run(parapet()
            .args(["detect", "-f", "jsonl", "--rules"])
            .arg(&sigma)
            .arg(sample(file)));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(" 0 input errors"), "{file}: {stderr}");
        let found = alerts(&output);
        let ids: Vec<String> = found.iter().map(|a| text(a, "rule_id")).collect();
        assert!(ids.iter().any(|id| id == sigmahq_id), "{file}: {ids:?}");
        if !bundled_title.is_empty() {
            let titles: Vec<String> = found.iter().map(|a| text(a, "rule_title")).collect();
            assert!(
                titles.iter().any(|t| t == bundled_title),
                "{file}: {titles:?}"
            );
        }
        assert!(
            found.iter().all(|a| !text(a, "actor").is_empty()),
            "{file}: every alert names its actor: {found:?}"
        );
    }
}

#[test]
fn mixed_sources_on_one_stream_are_each_recognized() {
    let mut stream = Vec::new();
    for file in ["gcp-audit.jsonl", "k8s-audit.jsonl", "github.jsonl"] {
        stream.extend(std::fs::read(sample(file)).unwrap());
    }
    let mut child = parapet()
        .args(["detect", "-f", "jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&stream).unwrap();
    let output = child.wait_with_output().unwrap();
    let titles: Vec<String> = alerts(&output)
        .iter()
        .map(|a| text(a, "rule_title"))
        .collect();
    for want in [
        "GCP Service Account Key Created",
        "Kubernetes ClusterRoleBinding to cluster-admin Created",
        "GitHub Repository Made Public",
    ] {
        assert!(titles.iter().any(|t| t == want), "{want}: {titles:?}");
    }
    // The refused key creation (status code 7) is not an alert.
    assert_eq!(
        titles
            .iter()
            .filter(|t| *t == "GCP Service Account Key Created")
            .count(),
        1
    );
}

#[test]
fn source_flag_forces_the_kind_and_unknown_records_are_named() {
    let dir = tempfile::tempdir().unwrap();
    // A Kubernetes event stripped of apiVersion/kind is not recognized ...
    let stripped = r#"{"verb":"create","objectRef":{"resource":"clusterrolebindings"},"requestObject":{"roleRef":{"name":"cluster-admin"}},"user":{"username":"x"},"requestReceivedTimestamp":"2026-11-20T12:00:00Z"}"#;
    let path = dir.path().join("events.jsonl");
    std::fs::write(&path, format!("{stripped}\n")).unwrap();
    let output = run(parapet().args(["detect", "-f", "jsonl"]).arg(&path));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("events.jsonl:1: not a record of a known log source"),
        "{stderr}"
    );
    assert!(stderr.contains("use --source"), "{stderr}");
    // ... until --source names it.
    let output = run(parapet()
        .args(["detect", "-f", "jsonl", "--source", "k8s-audit"])
        .arg(&path));
    let titles: Vec<String> = alerts(&output)
        .iter()
        .map(|a| text(a, "rule_title"))
        .collect();
    assert_eq!(
        titles,
        ["Kubernetes ClusterRoleBinding to cluster-admin Created"]
    );
    let output = run(parapet().args(["detect", "--source", "azure"]).arg(&path));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown log source `azure`") && stderr.contains("azure-signin"),
        "{stderr}"
    );
}

/// The Reports API shape of the Workspace samples raises exactly what their
/// Cloud Logging shape raises, SigmaHQ's rules and the bundled ones.
#[test]
fn workspace_reports_api_records_raise_what_cloud_logging_entries_raise() {
    let ids = |files: &[&str]| {
        let mut cmd = parapet();
        cmd.args(["detect", "--format", "jsonl", "--rules"])
            .arg(shared().join("corpora/sigma/rules/cloud/gcp"));
        for f in files {
            cmd.arg(sample(f));
        }
        let mut ids: Vec<String> = alerts(&run(&mut cmd))
            .iter()
            .map(|a| {
                format!(
                    "{} {}",
                    a["rule_id"].as_str().unwrap(),
                    a["event_time"].as_str().unwrap()
                )
            })
            .collect();
        ids.sort();
        ids
    };
    let reports = ids(&["workspace-reports.json"]);
    assert_eq!(reports.len(), 6, "{reports:?}");
    assert_eq!(
        reports,
        ids(&["workspace-admin.jsonl", "workspace-login.jsonl"])
    );
}

/// `parapet events`: every sample record as an OCSF event of the class its
/// source calls for, with who, what and from where filled in; `--format
/// raw` names the source each record was recognized as.
#[test]
fn every_source_reads_as_ocsf_events() {
    let logs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/logs");
    let out = run(parapet().arg("events").arg(&logs));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| sonic_rs::from_str(l).unwrap())
        .collect();
    let mut classes = std::collections::BTreeMap::new();
    for e in &events {
        let source = e["metadata"]["product"]["name"]
            .as_str()
            .unwrap()
            .to_string();
        *classes
            .entry((source, e["class_uid"].as_i64().unwrap()))
            .or_insert(0) += 1;
        assert!(e["time"].as_i64().unwrap() > 1_600_000_000_000, "{e}");
        assert!(
            e["actor"]["user"]["uid"].as_str().is_some(),
            "every sample names its actor: {e}"
        );
    }
    for (source, class) in [
        ("azure-signin", 3002),
        ("workspace-login", 3002),
        ("okta", 3002),
        ("azure-audit", 3001),
        ("azure-activity", 6003),
        ("gcp-audit", 6003),
        ("k8s-audit", 6003),
        ("github", 6003),
        ("bitbucket", 6003),
        ("m365", 6003),
        ("workspace-admin", 6003),
        ("azure-risk", 6003),
        ("azure-pim", 6003),
        ("onelogin", 3002),
        ("onelogin", 3001),
        ("duo", 3002),
        ("duo", 3001),
    ] {
        assert!(
            classes.contains_key(&(source.to_string(), class)),
            "{source} {class}: {classes:?}"
        );
    }
    let gcp_key = events
        .iter()
        .find(|e| {
            e["api"]["operation"].as_str() == Some("google.iam.admin.v1.CreateServiceAccountKey")
        })
        .unwrap();
    assert_eq!(gcp_key["src_endpoint"]["ip"].as_str(), Some("203.0.113.50"));
    assert_eq!(
        gcp_key["actor"]["user"]["uid"].as_str(),
        Some("mallory@example.com")
    );
    assert_eq!(gcp_key["cloud"]["provider"].as_str(), Some("GCP"));

    let raw = run(parapet().arg("events").arg(&logs).args(["--format", "raw"]));
    let raw_lines: Vec<Value> = String::from_utf8_lossy(&raw.stdout)
        .lines()
        .map(|l| sonic_rs::from_str(l).unwrap())
        .collect();
    assert_eq!(raw_lines.len(), events.len());
    assert!(raw_lines
        .iter()
        .all(|r| r["source"].as_str().is_some() && r["record"].is_object()));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"eventVersion\":\"1.09\",\"eventTime\":\"2026-11-20T10:00:00Z\",\"eventName\":\"ListUsers\",\"eventSource\":\"iam.amazonaws.com\",\"awsRegion\":\"us-east-1\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/a\"}}\n{not json\n").unwrap();
    let partial = run(parapet().arg("events").arg(&bad));
    let stderr = String::from_utf8_lossy(&partial.stderr);
    assert_eq!(partial.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.jsonl:2"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&partial.stdout).lines().count(), 1);
}
