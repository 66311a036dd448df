//! `parapet` as a user runs it: the real binary on real and generated input.

mod aws_config_import;
#[cfg(feature = "aws")]
mod aws_inventory;
mod cloud_imports;
mod correlations;
mod hunts;
mod iac;
mod lake;
#[cfg(feature = "aws")]
mod moto;
#[cfg(feature = "aws")]
mod posture_moto;
mod posture_scan;
mod respond_local;
#[cfg(feature = "aws")]
mod respond_moto;
mod rules_tools;
mod sources;
mod vulns;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use std::io::Write;

fn parapet() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parapet"))
}

/// The Python venv `.ci/run` fills (moto, DuckDB); `PARAPET_MOTO_VENV`
/// points elsewhere.
fn venv() -> PathBuf {
    match std::env::var_os("PARAPET_MOTO_VENV") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv"),
    }
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn stratus() -> PathBuf {
    shared().join("corpora/cloudtrail/stratus-detonations")
}

fn sigma_aws() -> PathBuf {
    shared().join("corpora/sigma/rules/cloud/aws")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("parapet runs")
}

fn alerts(output: &Output) -> Vec<sonic_rs::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| sonic_rs::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn text(value: &sonic_rs::Value, key: &str) -> String {
    use sonic_rs::JsonValueTrait;
    value
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The ATT&CK technique each Stratus Red Team capture must be named with.
const EXPECTED: [(&str, &str); 35] = [
    ("aws.credential-access.ec2-get-password-data", "T1552"),
    (
        "aws.credential-access.ec2-steal-instance-credentials",
        "T1552.005",
    ),
    (
        "aws.credential-access.secretsmanager-batch-retrieve-secrets",
        "T1555.006",
    ),
    (
        "aws.credential-access.secretsmanager-retrieve-secrets",
        "T1555.006",
    ),
    (
        "aws.credential-access.ssm-retrieve-securestring-parameters",
        "T1555.006",
    ),
    ("aws.defense-evasion.cloudtrail-delete", "T1562.008"),
    (
        "aws.defense-evasion.cloudtrail-event-selectors",
        "T1562.008",
    ),
    ("aws.defense-evasion.cloudtrail-stop", "T1562.008"),
    ("aws.defense-evasion.dns-delete-logs", "T1562.008"),
    ("aws.defense-evasion.organizations-leave", "T1666"),
    ("aws.defense-evasion.vpc-remove-flow-logs", "T1562.008"),
    ("aws.discovery.ec2-download-user-data", "T1580"),
    ("aws.execution.ec2-launch-unusual-instances", "T1496.001"),
    ("aws.execution.ec2-user-data", "T1059.009"),
    ("aws.execution.ssm-send-command", "T1651"),
    ("aws.execution.ssm-start-session", "T1651"),
    (
        "aws.exfiltration.ec2-security-group-open-port-22-ingress",
        "T1562.007",
    ),
    ("aws.exfiltration.ec2-share-ami", "T1537"),
    ("aws.exfiltration.ec2-share-ebs-snapshot", "T1537"),
    ("aws.exfiltration.rds-share-snapshot", "T1537"),
    ("aws.impact.bedrock-invoke-model", "T1496.004"),
    ("aws.initial-access.console-login-without-mfa", "T1078.004"),
    ("aws.lateral-movement.ec2-instance-connect", "T1021.008"),
    (
        "aws.lateral-movement.ec2-serial-console-send-ssh-public-key",
        "T1021.008",
    ),
    ("aws.persistence.iam-backdoor-role", "T1098.003"),
    ("aws.persistence.iam-backdoor-user", "T1098.001"),
    ("aws.persistence.iam-create-admin-user", "T1136.003"),
    ("aws.persistence.iam-create-backdoor-role", "T1098.003"),
    ("aws.persistence.iam-create-user-login-profile", "T1098.001"),
    ("aws.persistence.lambda-backdoor-function", "T1648"),
    ("aws.persistence.lambda-layer-extension", "T1648"),
    ("aws.persistence.lambda-overwrite-code", "T1648"),
    (
        "aws.persistence.rolesanywhere-create-trust-anchor",
        "T1098.001",
    ),
    ("aws.persistence.sts-federation-token", "T1550.001"),
    (
        "aws.privilege-escalation.iam-update-user-login-profile",
        "T1098",
    ),
];

#[test]
fn bundled_rules_detect_every_stratus_technique() {
    for (technique_file, technique) in EXPECTED {
        let path = stratus().join(format!("{technique_file}.json"));
        let output = run(parapet()
            .args(["detect", "-q", "--format", "jsonl"])
            .arg(&path));
        assert_eq!(
            output.status.code(),
            Some(1),
            "{technique_file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let found = alerts(&output);
        let named = found.iter().any(|alert| {
            use sonic_rs::{JsonContainerTrait, JsonValueTrait};
            alert
                .get("techniques")
                .and_then(|t| t.as_array())
                .is_some_and(|ts| ts.iter().any(|t| t.as_str() == Some(technique)))
        });
        assert!(
            named,
            "{technique_file}: no alert names {technique}; got {:?}",
            found
                .iter()
                .map(|a| text(a, "rule_title"))
                .collect::<Vec<_>>()
        );
        let tactic = technique_file
            .split('.')
            .nth(1)
            .unwrap_or_default()
            .replace('-', " ");
        let tactic_named = found.iter().any(|a| {
            sonic_rs::to_string(a)
                .unwrap()
                .to_lowercase()
                .contains(&tactic)
        });
        assert!(
            tactic_named,
            "{technique_file}: no alert names the tactic {tactic}"
        );
    }
    let files = std::fs::read_dir(stratus())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    assert_eq!(
        files,
        EXPECTED.len(),
        "a capture was added: give it an expected technique"
    );
}

#[test]
fn bundled_rules_are_silent_on_the_benign_background() {
    let dir = tempfile::tempdir().unwrap();
    let background = dir.path().join("background.jsonl.gz");
    let generated = run(parapet()
        .args([
            "bench", "generate", "--events", "100000", "--seed", "42", "-o",
        ])
        .arg(&background));
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let output = run(parapet()
        .args(["detect", "--format", "jsonl"])
        .arg(&background));
    let found = alerts(&output);
    assert!(
        found.is_empty(),
        "{} alerts on benign activity, first: {}",
        found.len(),
        sonic_rs::to_string(&found[0]).unwrap()
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("100000 events"));
}

#[test]
fn every_sigmahq_aws_rule_loads() {
    let output = run(parapet()
        .args(["rules", "list", "--no-default-rules", "--rules"])
        .arg(sigma_aws()));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rules = std::fs::read_dir(sigma_aws().join("cloudtrail"))
        .unwrap()
        .count();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).lines().count(),
        rules + 1
    );
}

#[test]
fn jsonl_alerts_carry_rule_and_event_ids_and_attribution() {
    let output = run(parapet()
        .args([
            "detect",
            "--format",
            "jsonl",
            "--no-default-rules",
            "--rules",
        ])
        .arg(sigma_aws())
        .arg(stratus()));
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found = alerts(&output);
    assert!(found.len() > 10);
    for alert in &found {
        assert_eq!(text(alert, "rule_id").len(), 36, "{alert:?}");
        assert_eq!(text(alert, "event_id").len(), 36, "{alert:?}");
        assert!(!text(alert, "author").is_empty() && !text(alert, "event_name").is_empty());
    }
    let stop_logging = found
        .iter()
        .find(|a| text(a, "event_name") == "StopLogging")
        .expect("StopLogging is detected");
    assert_eq!(text(stop_logging, "license"), "DRL-1.1");
}

#[test]
fn ocsf_output_is_a_detection_finding() {
    let path = stratus().join("aws.defense-evasion.cloudtrail-stop.json");
    let output = run(parapet()
        .args(["detect", "--format", "ocsf", "--raw"])
        .arg(&path));
    let findings: Vec<sonic_rs::Value> = sonic_rs::from_slice(&output.stdout).unwrap();
    assert_eq!(findings.len(), 1);
    let finding = sonic_rs::to_string(&findings[0]).unwrap();
    for needle in [
        r#""class_uid":2004"#,
        r#""type_uid":200401"#,
        r#""severity_id":4"#,
        r#""uid":"T1562""#,
        r#""sub_technique":{"uid":"T1562.008"}"#,
        r#""raw_data":"#,
    ] {
        assert!(finding.contains(needle), "{needle} missing in {finding}");
    }
}

#[test]
fn bad_input_is_reported_with_place_and_the_rest_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        stratus().join("aws.defense-evasion.cloudtrail-stop.json"),
        dir.path().join("a.json"),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.jsonl"), "{\"eventName\":\"StopLogging\",\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventID\":\"x\"}\n{not json\n").unwrap();
    std::fs::write(dir.path().join("c.json"), "").unwrap();
    std::fs::write(dir.path().join("d.json.gz"), [0x1f, 0x8b, 0x08, 0x00, 0x00]).unwrap();
    let output = run(parapet()
        .args(["detect", "--format", "jsonl"])
        .arg(dir.path()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(alerts(&output).len(), 2, "{stderr}");
    assert!(stderr.contains("b.jsonl:2: invalid JSON"), "{stderr}");
    assert!(stderr.contains("c.json: empty input"), "{stderr}");
    assert!(stderr.contains("d.json.gz"), "{stderr}");
    assert!(stderr.contains("3 input errors"), "{stderr}");
}

#[test]
fn broken_rule_is_named_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.yml"), "title: bad\nlogsource:\n    product: aws\ndetection:\n    sel:\n        eventName|contians: x\n    condition: sel\n").unwrap();
    let output = run(parapet()
        .args(["detect", "--format", "jsonl", "--rules"])
        .arg(dir.path())
        .arg(stratus().join("aws.defense-evasion.cloudtrail-stop.json")));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .contains("bad.yml: detection.sel: `eventName|contians`: unknown modifier `contians`"),
        "{stderr}"
    );
    assert_eq!(alerts(&output).len(), 1);
}

#[test]
fn stdin_time_range_and_fail_on() {
    let capture =
        std::fs::read(stratus().join("aws.persistence.iam-create-admin-user.json")).unwrap();
    let mut child = parapet()
        .args([
            "detect",
            "--format",
            "jsonl",
            "--fail-on",
            "critical",
            "--since",
            "2024-01-01",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&capture).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "alerts below critical do not fail"
    );
    assert!(!alerts(&output).is_empty());
    let output = run(parapet()
        .args(["detect", "--format", "jsonl", "--until", "2024-01-01"])
        .arg(stratus()));
    assert_eq!((output.status.code(), alerts(&output).len()), (Some(0), 0));
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("many-chunks.jsonl");
    let generated = run(parapet()
        .args([
            "bench", "generate", "--events", "20000", "--seed", "3", "-o",
        ])
        .arg(&big));
    assert!(generated.status.success());
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/cloudtrail");
    let outputs: Vec<Vec<u8>> = ["1", "2", "4"]
        .iter()
        .map(|threads| {
            let mut cmd = parapet();
            cmd.args([
                "detect",
                "--format",
                "jsonl",
                "--threads",
                threads,
                "--rules",
            ])
            .arg(sigma_aws());
            run(cmd.arg(&samples).arg(&big).arg(stratus())).stdout
        })
        .collect();
    assert!(outputs[0].len() > 100_000, "{}", outputs[0].len());
    assert!(
        outputs.iter().all(|o| o == &outputs[0]),
        "outputs differ between thread counts"
    );
}
