//! Response against a real AWS API emulator: moto seeded by
//! `seed_respond.py`, attack events that name what was seeded, detection,
//! cases, then the bundled playbooks. The emulator's state is read back by
//! boto3 before and after: a dry run changes nothing; an executed run
//! changes exactly what its plan said, nothing else; rollback restores.

use std::path::Path;

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

use crate::moto::{aws_env, Moto};
use crate::{parapet, run};

fn event(
    name: &str,
    source: &str,
    user: &str,
    params: &str,
    response: &str,
    minute: u32,
) -> String {
    format!(
        r#"{{"eventVersion":"1.09","eventTime":"2026-11-20T10:{minute:02}:00Z","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15","eventID":"ev-{name}-{minute}","eventType":"AwsApiCall","recipientAccountId":"123456789012",
        "userIdentity":{{"type":"IAMUser","principalId":"AIDA{user}","arn":"arn:aws:iam::123456789012:user/{user}","accountId":"123456789012","userName":"{user}","accessKeyId":"AKIAFAKE{minute:02}"}},
        "requestParameters":{params},"responseElements":{response}}}"#
    )
}

fn parapet_aws(moto: &Moto, db: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = parapet();
    aws_env(&mut cmd)
        .args(args)
        .arg("--db")
        .arg(db)
        .args(["--endpoint-url", &moto.endpoint]);
    run(&mut cmd)
}

fn state(moto: &Moto) -> Value {
    sonic_rs::from_str(&moto.seed_with("seed_respond.py", "state")).unwrap()
}

/// JSON text with object keys sorted: equal states compare equal whatever
/// the order edits left their keys in.
fn canonical(value: &Value) -> String {
    if let Some(object) = value.as_object() {
        let mut entries: Vec<(String, String)> = object
            .iter()
            .map(|(k, v)| (k.to_string(), canonical(v)))
            .collect();
        entries.sort();
        let parts: Vec<String> = entries
            .into_iter()
            .map(|(k, v)| format!("{k:?}:{v}"))
            .collect();
        return format!("{{{}}}", parts.join(","));
    }
    if let Some(array) = value.as_array() {
        return format!(
            "[{}]",
            array.iter().map(canonical).collect::<Vec<_>>().join(",")
        );
    }
    value.to_string()
}

fn same(a: &Value, b: &Value) -> bool {
    canonical(a) == canonical(b)
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn bundled_playbooks_contain_exactly_what_they_planned() {
    let moto = Moto::start();
    let ids: Value = sonic_rs::from_str(&moto.seed_with("seed_respond.py", "seed")).unwrap();
    let s = |v: &Value| v.as_str().unwrap().to_string();
    let (key, group, snapshot) = (
        s(&ids["keys"]["mallory"]),
        s(&ids["group"]),
        s(&ids["snapshot"]),
    );
    let dir = tempfile::tempdir().unwrap();
    let events = [
        event(
            "CreateAccessKey",
            "iam.amazonaws.com",
            "intruder",
            r#"{"userName":"mallory"}"#,
            &format!(
                r#"{{"accessKey":{{"accessKeyId":"{key}","userName":"mallory","status":"Active"}}}}"#
            ),
            1,
        ),
        event(
            "AuthorizeSecurityGroupIngress",
            "ec2.amazonaws.com",
            "intruder",
            &format!(
                r#"{{"groupId":"{group}","ipPermissions":{{"items":[{{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{{"items":[{{"cidrIp":"0.0.0.0/0"}}]}}}}]}}}}"#
            ),
            "null",
            2,
        ),
        event(
            "ModifySnapshotAttribute",
            "ec2.amazonaws.com",
            "intruder",
            &format!(
                r#"{{"snapshotId":"{snapshot}","attributeType":"CREATE_VOLUME_PERMISSION","createVolumePermission":{{"add":{{"items":[{{"userId":"111122223333"}}]}}}}}}"#
            ),
            "null",
            3,
        ),
        event(
            "StopLogging",
            "cloudtrail.amazonaws.com",
            "deploy-bot",
            r#"{"name":"main-trail"}"#,
            "null",
            30,
        ),
    ];
    let log = dir.path().join("events.json");
    std::fs::write(&log, format!(r#"{{"Records":[{}]}}"#, events.join(","))).unwrap();
    let alerts = run(parapet()
        .arg("detect")
        .arg(&log)
        .args(["--format", "jsonl", "--raw"]));
    let alerts_path = dir.path().join("alerts.jsonl");
    std::fs::write(&alerts_path, &alerts.stdout).unwrap();
    let db = dir.path().join("parapet.db");
    let imported = run(parapet()
        .args(["case", "import"])
        .arg(&alerts_path)
        .arg("--db")
        .arg(&db));
    assert!(
        text(&imported).contains("cases opened"),
        "{}",
        text(&imported)
    );
    let cases = run(parapet().args(["case", "list", "--db"]).arg(&db));
    let listing = text(&cases);
    assert_eq!(
        listing.lines().count(),
        3,
        "two cases (intruder, deploy-bot):\n{listing}"
    );

    let before = state(&moto);
    // Dry runs: the plan, and not one change in the emulator.
    for case in ["1", "2"] {
        let plan = parapet_aws(&moto, &db, &["respond", "run", "--case", case]);
        assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
        assert!(text(&plan).contains("would change"), "{}", text(&plan));
    }
    assert!(
        same(&state(&moto), &before),
        "a dry run changed the emulator"
    );

    // Executed: case 1 (intruder) runs three playbooks, case 2 waits for approval.
    let ran = parapet_aws(&moto, &db, &["respond", "run", "--case", "1", "--execute"]);
    assert_eq!(ran.status.code(), Some(0), "{}", text(&ran));
    let ran2 = parapet_aws(&moto, &db, &["respond", "run", "--case", "2", "--execute"]);
    assert!(
        text(&ran2).contains("waiting: `parapet case approve 2"),
        "{}",
        text(&ran2)
    );
    let after = state(&moto);
    let mut expected = before.clone();
    expected["users"]["mallory"]["keys"][key.as_str()] = sonic_rs::json!("Inactive");
    expected["users"]["mallory"]["inline_policies"] = sonic_rs::json!(["parapet-deny-all"]);
    expected["security_groups"]["web"] = sonic_rs::json!(["tcp:443:443:10.0.0.0/8"]);
    expected["snapshots"][snapshot.as_str()] = sonic_rs::json!([]);
    expected["trail_logging"] = sonic_rs::json!(true);
    assert_eq!(
        canonical(&after),
        canonical(&expected),
        "executed runs changed more or less than planned:\n{}",
        text(&ran)
    );

    // A second execution changes nothing (idempotent).
    let again = parapet_aws(&moto, &db, &["respond", "run", "--case", "1", "--execute"]);
    assert!(!text(&again).contains("      changed "), "{}", text(&again));
    assert_eq!(canonical(&state(&moto)), canonical(&expected));

    // Approval, then resume: deploy-bot is denied everything.
    let run_id = text(&ran2)
        .split("--run ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let approve = run(parapet()
        .args([
            "case", "approve", "2", "--run", &run_id, "--step", "deny", "--as", "alice", "--db",
        ])
        .arg(&db));
    assert!(approve.status.success(), "{}", text(&approve));
    let resumed = parapet_aws(&moto, &db, &["respond", "resume", &run_id, "--execute"]);
    assert!(resumed.status.success(), "{}", text(&resumed));
    expected["users"]["deploy-bot"]["inline_policies"] = sonic_rs::json!(["parapet-deny-all"]);
    assert_eq!(canonical(&state(&moto)), canonical(&expected));

    // Rollback of the security-group run authorizes the world-open rule again.
    let export = run(parapet().args(["case", "export", "1", "--db"]).arg(&db));
    let bundle: Value = sonic_rs::from_slice(&export.stdout).unwrap();
    assert_eq!(bundle["alerts"].as_array().unwrap().len(), 3);
    assert!(
        bundle["alerts"][0]["raw"]["eventID"].is_str(),
        "raw events travel with the case"
    );
    let sg_run = bundle["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["playbook"].as_str() == Some("security-group-open-to-world")
                && r["execute"].as_bool() == Some(true)
        })
        .unwrap();
    assert!(
        sg_run["audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["phase"].as_str() == Some("before")),
        "audit before acting"
    );
    let rollback = parapet_aws(
        &moto,
        &db,
        &[
            "respond",
            "rollback",
            sg_run["id"].as_str().unwrap(),
            "--execute",
        ],
    );
    assert!(rollback.status.success(), "{}", text(&rollback));
    expected["security_groups"]["web"] = before["security_groups"]["web"].clone();
    assert_eq!(canonical(&state(&moto)), canonical(&expected));

    // Rolling back the other executed runs restores the key, the policy and the share.
    for playbook in ["backdoor-iam-principal", "public-data-exposure"] {
        let first = bundle["runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["playbook"].as_str() == Some(playbook) && r["execute"].as_bool() == Some(true)
            })
            .unwrap();
        let undo = parapet_aws(
            &moto,
            &db,
            &[
                "respond",
                "rollback",
                first["id"].as_str().unwrap(),
                "--execute",
            ],
        );
        assert!(undo.status.success(), "{}", text(&undo));
    }
    expected["users"]["mallory"] = before["users"]["mallory"].clone();
    expected["snapshots"] = before["snapshots"].clone();
    assert_eq!(canonical(&state(&moto)), canonical(&expected));
}

/// The actions the bundled playbooks did not exercise above, in one custom
/// playbook: quarantine, evidence snapshots, role sessions, console
/// password, Block Public Access; then rollback of what can be undone.
#[test]
fn the_other_contain_actions_change_exactly_their_targets_and_roll_back() {
    let moto = Moto::start();
    let ids: Value = sonic_rs::from_str(&moto.seed_with("seed_respond.py", "seed")).unwrap();
    let instance = ids["instance"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("parapet.db");
    let alert = format!(
        r#"{{"rule_id":"drill","rule_title":"drill","level":"high","event_id":"e1","event_time":"2026-11-20T10:00:00Z","actor":"arn:aws:iam::123456789012:user/intruder","raw":{{"instance":"{instance}"}}}}"#
    );
    std::fs::write(dir.path().join("a.jsonl"), alert).unwrap();
    assert!(run(parapet()
        .args(["case", "import"])
        .arg(dir.path().join("a.jsonl"))
        .arg("--db")
        .arg(&db))
    .status
    .success());
    let playbook = dir.path().join("drill.yml");
    std::fs::write(&playbook, "id: drill\nname: drill\ntrigger: {rules: [drill]}\nmax_changes: 8\nsteps:\n  - {id: quarantine, action: aws.ec2.quarantine_instance, with: {instance_id: \"{{ alert.raw.instance }}\"}}\n  - {id: evidence, action: aws.ec2.snapshot_volumes, with: {instance_id: \"{{ alert.raw.instance }}\"}}\n  - {id: sessions, action: aws.iam.revoke_role_sessions, with: {role: ci-role}}\n  - {id: password, action: aws.iam.delete_login_profile, with: {user: mallory}}\n  - {id: bucket, action: aws.s3.block_public_access, with: {bucket: exposed-data}}\n").unwrap();
    let drill = |execute: bool| {
        let mut args = vec![
            "respond",
            "run",
            "--case",
            "1",
            "--no-default-playbooks",
            "--playbooks",
            playbook.to_str().unwrap(),
        ];
        if execute {
            args.push("--execute");
        }
        parapet_aws(&moto, &db, &args)
    };
    let before = state(&moto);
    let plan = drill(false);
    assert!(plan.status.success(), "{}", text(&plan));
    assert!(
        same(&state(&moto), &before),
        "a dry run changed the emulator:\n{}",
        text(&plan)
    );
    let done = drill(true);
    assert!(done.status.success(), "{}", text(&done));
    let after = state(&moto);
    let mut expected = before.clone();
    expected["instances"][instance.as_str()] = sonic_rs::json!(["parapet-quarantine"]);
    expected["security_groups"]["parapet-quarantine"] = sonic_rs::json!([]);
    expected["roles"]["ci-role"] = sonic_rs::json!(["AWSRevokeOlderSessions"]);
    expected["users"]["mallory"]["login_profile"] = sonic_rs::json!(false);
    expected["bucket_pab"] = sonic_rs::json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true});
    // The evidence snapshots are new: one per attached volume, not shared.
    let new_snapshots: Vec<(String, String)> = after["snapshots"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(id, _)| before["snapshots"].get(*id).is_none())
        .map(|(id, v)| (id.to_string(), canonical(v)))
        .collect();
    assert!(
        !new_snapshots.is_empty() && new_snapshots.iter().all(|(_, v)| v == "[]"),
        "{new_snapshots:?}\n{}",
        text(&done)
    );
    for (id, _) in &new_snapshots {
        expected["snapshots"].insert(id, sonic_rs::json!([]));
    }
    assert_eq!(canonical(&after), canonical(&expected), "\n{}", text(&done));

    let run_id = text(&done)
        .split("run ")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .to_string();
    let undo = parapet_aws(&moto, &db, &["respond", "rollback", &run_id, "--execute"]);
    assert!(undo.status.success(), "{}", text(&undo));
    assert!(
        text(&undo).contains("cannot be rolled back"),
        "the password: {}",
        text(&undo)
    );
    expected["instances"][instance.as_str()] = before["instances"][instance.as_str()].clone();
    expected["roles"]["ci-role"] = sonic_rs::json!([]);
    expected["bucket_pab"] = sonic_rs::Value::new();
    assert_eq!(
        canonical(&state(&moto)),
        canonical(&expected),
        "\n{}",
        text(&undo)
    );
}

/// Findings, not only alerts, open cases: a posture scan of the emulated
/// account finds the bucket a policy opened to anyone; the finding joins
/// the bucket's case and its bundled playbook turns Block Public Access on,
/// changing that and nothing else; rollback restores it.
#[test]
fn a_posture_finding_opens_a_case_and_its_playbook_closes_the_bucket() {
    let moto = Moto::start();
    moto.seed_with("seed_respond.py", "seed");
    moto.seed_with("seed_respond.py", "expose");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("parapet.db");
    let collected = parapet_aws(&moto, &db, &["collect", "aws", "--regions", "us-east-1"]);
    assert!(collected.status.success(), "{}", text(&collected));
    let scan = run(parapet()
        .args(["scan", "cloud", "--format", "jsonl", "--db"])
        .arg(&db));
    assert_eq!(scan.status.code(), Some(1), "{}", text(&scan));
    let findings = dir.path().join("findings.jsonl");
    std::fs::write(&findings, &scan.stdout).unwrap();
    let imported = run(parapet()
        .args(["case", "import"])
        .arg(&findings)
        .arg("--db")
        .arg(&db));
    assert!(imported.status.success(), "{}", text(&imported));
    let listing = text(&run(parapet().args(["case", "list", "--db"]).arg(&db)));
    let case = listing
        .lines()
        .find(|l| l.contains("(exposed-data)"))
        .unwrap_or_else(|| panic!("a case for the bucket:\n{listing}"))
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let bundle: Value = sonic_rs::from_slice(
        &run(parapet().args(["case", "export", &case, "--db"]).arg(&db)).stdout,
    )
    .unwrap();
    let rules: Vec<&str> = bundle["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["rule_id"].as_str())
        .collect();
    assert!(rules.contains(&"AWS-S3-002"), "{rules:?}");

    let before = state(&moto);
    let plan = parapet_aws(&moto, &db, &["respond", "run", "--case", &case]);
    assert!(plan.status.success(), "{}", text(&plan));
    assert!(
        text(&plan).contains("public-bucket-finding"),
        "{}",
        text(&plan)
    );
    assert!(
        same(&state(&moto), &before),
        "a dry run changed the emulator"
    );

    let ran = parapet_aws(
        &moto,
        &db,
        &["respond", "run", "--case", &case, "--execute"],
    );
    assert!(ran.status.success(), "{}", text(&ran));
    let mut expected = before.clone();
    expected["bucket_pab"] = sonic_rs::json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true});
    assert_eq!(
        canonical(&state(&moto)),
        canonical(&expected),
        "{}",
        text(&ran)
    );

    let run_id = text(&ran)
        .split_whitespace()
        .find(|w| w.contains("public-bucket-finding-"))
        .unwrap()
        .trim_end_matches(':')
        .to_string();
    let undone = parapet_aws(&moto, &db, &["respond", "rollback", &run_id, "--execute"]);
    assert!(undone.status.success(), "{}", text(&undone));
    assert_eq!(
        canonical(&state(&moto)),
        canonical(&before),
        "{}",
        text(&undone)
    );
}
