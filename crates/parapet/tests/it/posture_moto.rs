//! End to end: moto seeded independently (tests/it/seed_posture.py) with one
//! misconfiguration per CIS control it can represent, then `parapet collect
//! aws` and `parapet scan cloud`. Every seeded failure must be found, and
//! nothing else; the clean twin must produce no failure at all.

use std::collections::BTreeSet;
use std::path::Path;

use sonic_rs::{JsonContainerTrait, JsonValueTrait};

use crate::moto::{aws_env, Moto};
use crate::{parapet, run};

/// Rule ids of a control (`5.0:2.1.1`) in the bundled framework files.
fn control_rules(control: &str) -> Vec<String> {
    let (version, id) = control.split_once(':').unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../parapet-policy/frameworks/cis-aws-{version}.json"
    ));
    let framework: sonic_rs::Value =
        sonic_rs::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let control = framework["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no control {control}"));
    control["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

/// (rule id, resource uid) pairs.
type Pairs = BTreeSet<(String, String)>;

/// The seeded failures of `profile` as (rule, resource) pairs, and the
/// failing findings of a scan of it.
fn scan_profile(profile: &str) -> (Pairs, Pairs) {
    let moto = Moto::start();
    let manifest: sonic_rs::Value =
        sonic_rs::from_str(&moto.seed_with("seed_posture.py", profile)).unwrap();
    let mut expected = BTreeSet::new();
    for failure in manifest["failures"].as_array().unwrap() {
        let control = failure["control"].as_str().unwrap();
        let resource = failure["resource"].as_str().unwrap();
        for rule in control_rules(control) {
            expected.insert((rule, resource.to_string()));
        }
    }
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("parapet.db");
    let collected = run(aws_env(&mut parapet())
        .args([
            "collect",
            "aws",
            "--regions",
            "us-east-1",
            "--endpoint-url",
            &moto.endpoint,
            "--db",
        ])
        .arg(&db));
    assert!(
        collected.status.success(),
        "{}",
        String::from_utf8_lossy(&collected.stderr)
    );
    let scanned = run(parapet()
        .args([
            "scan", "cloud", "--format", "jsonl", "--status", "fail", "--db",
        ])
        .arg(&db));
    let stderr = String::from_utf8_lossy(&scanned.stderr);
    assert!(matches!(scanned.status.code(), Some(0 | 1)), "{stderr}");
    let found: BTreeSet<(String, String)> = String::from_utf8_lossy(&scanned.stdout)
        .lines()
        .map(|line| {
            let f: sonic_rs::Value = sonic_rs::from_str(line).unwrap();
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["uid"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (expected, found)
}

#[test]
fn every_seeded_misconfiguration_is_found_and_nothing_else() {
    let (expected, found) = scan_profile("misconfigured");
    assert!(
        expected.len() > 30,
        "the seed covers {} failures",
        expected.len()
    );
    let cis_rules: BTreeSet<String> = ["3.0", "4.0", "5.0"]
        .iter()
        .flat_map(|v| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../parapet-policy/frameworks/cis-aws-{v}.json"));
            let text = std::fs::read_to_string(path).unwrap();
            let framework: sonic_rs::Value = sonic_rs::from_str(&text).unwrap();
            framework["controls"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|c| {
                    c["rules"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r.as_str().unwrap().to_string())
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let found_cis: BTreeSet<_> = found
        .iter()
        .filter(|(rule, _)| cis_rules.contains(rule))
        .cloned()
        .collect();
    let missed: Vec<_> = expected.difference(&found_cis).collect();
    let extra: Vec<_> = found_cis.difference(&expected).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed seeded failures: {missed:#?}\nunexpected failures: {extra:#?}"
    );
}

#[test]
fn the_clean_twin_has_no_failure() {
    let (expected, found) = scan_profile("clean");
    assert!(expected.is_empty());
    assert!(found.is_empty(), "failures on the clean twin: {found:#?}");
}

#[test]
fn changed_by_rechecks_only_what_the_events_changed() {
    let moto = Moto::start();
    moto.seed_with("seed_posture.py", "clean");
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("parapet.db");
    let endpoint = ["--regions", "us-east-1", "--endpoint-url", &moto.endpoint];
    let collected = run(aws_env(&mut parapet())
        .args(["collect", "aws"])
        .args(endpoint)
        .arg("--db")
        .arg(&db));
    assert!(collected.status.success());
    let first = run(parapet()
        .args(["scan", "cloud", "--format", "jsonl", "--db"])
        .arg(&db));
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );

    let events = home.path().join("events.json");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/change_posture.py");
    let changed = std::process::Command::new(&moto.python)
        .arg(script)
        .arg(&moto.endpoint)
        .arg(&events)
        .output()
        .unwrap();
    assert!(
        changed.status.success(),
        "{}",
        String::from_utf8_lossy(&changed.stderr)
    );
    let changed: sonic_rs::Value = sonic_rs::from_slice(&changed.stdout).unwrap();
    let group = changed["group"].as_str().unwrap().to_string();
    let trail = changed["trail"].as_str().unwrap().to_string();
    let account = format!("AWS::::Account:{}", changed["account"].as_str().unwrap());

    let rescan = run(aws_env(&mut parapet())
        .args([
            "scan",
            "cloud",
            "--format",
            "jsonl",
            "--status",
            "all",
            "--changed-by",
        ])
        .arg(&events)
        .args(endpoint)
        .arg("--db")
        .arg(&db));
    let stderr = String::from_utf8_lossy(&rescan.stderr);
    assert_eq!(rescan.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("re-collected cloudtrail, ec2 in us-east-1"),
        "{stderr}"
    );
    let findings: Vec<sonic_rs::Value> = String::from_utf8_lossy(&rescan.stdout)
        .lines()
        .map(|l| sonic_rs::from_str(l).unwrap())
        .collect();
    let uids: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["resource"]["uid"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = [group.as_str(), trail.as_str(), account.as_str()].into();
    assert_eq!(
        uids, expected,
        "only the changed resources and their account are reported"
    );
    let failing: BTreeSet<(String, String)> = findings
        .iter()
        .filter(|f| f["status"].as_str() == Some("FAIL"))
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["uid"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (rule, uid) in [
        ("AWS-EC2-002", &group),
        ("AWS-CT-005", &trail),
        ("AWS-CT-001", &account),
    ] {
        assert!(
            failing.contains(&(rule.to_string(), uid.clone())),
            "{rule} on {uid}: {failing:#?}"
        );
    }
    let open = run(parapet()
        .args(["findings", "--format", "jsonl", "--db"])
        .arg(&db));
    let open = String::from_utf8_lossy(&open.stdout);
    assert!(
        open.contains("AWS-EC2-002") && open.contains("AWS-CT-005"),
        "{open}"
    );
}
