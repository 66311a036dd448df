//! Bundled correlation rules end to end: hand-made CloudTrail with known
//! answers, read in shuffled order and with late records.

use std::path::Path;

use sonic_rs::{JsonContainerTrait, JsonValueTrait};

use super::{alerts, parapet, run, stratus, text};

fn record(minute: u32, second: u32, fields: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.09","eventTime":"2026-11-20T10:{minute:02}:{second:02}Z","eventID":"e-{minute}-{second}-{}","awsRegion":"us-east-1","recipientAccountId":"111111111111",{fields}}}"#,
        fields.len()
    )
}

fn console_login(minute: u32, second: u32, ip: &str, outcome: &str) -> String {
    record(
        minute,
        second,
        &format!(
            r#""eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","sourceIPAddress":"{ip}","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/alice","accountId":"111111111111"}},"responseElements":{{"ConsoleLogin":"{outcome}"}}"#
        ),
    )
}

fn describe(minute: u32, second: u32, name: &str, arn: &str) -> String {
    record(
        minute,
        second,
        &format!(
            r#""eventSource":"ec2.amazonaws.com","eventName":"{name}","readOnly":true,"sourceIPAddress":"198.51.100.1","userIdentity":{{"type":"AssumedRole","arn":"{arn}","accountId":"111111111111","accessKeyId":"ASIAEXAMPLE"}}"#
        ),
    )
}

fn key_call(minute: u32, second: u32, ip: &str) -> String {
    record(
        minute,
        second,
        &format!(
            r#""eventSource":"s3.amazonaws.com","eventName":"ListBuckets","readOnly":true,"sourceIPAddress":"{ip}","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/ci","accountId":"111111111111","accessKeyId":"AKIAEXAMPLEKEY"}}"#
        ),
    )
}

fn assume_role(
    minute: u32,
    caller: &str,
    caller_key: &str,
    caller_account: &str,
    role: &str,
    issued: &str,
) -> String {
    record(
        minute,
        0,
        &format!(
            r#""eventSource":"sts.amazonaws.com","eventName":"AssumeRole","sourceIPAddress":"203.0.113.9","userIdentity":{{"type":"{caller}","arn":"arn:aws:sts::{caller_account}:assumed-role/x/y","accountId":"{caller_account}","accessKeyId":"{caller_key}"}},"requestParameters":{{"roleArn":"{role}","roleSessionName":"s"}},"responseElements":{{"credentials":{{"accessKeyId":"{issued}","sessionToken":"t"}}}}"#
        ),
    )
}

/// Records whose correlations are known by hand: six failed logins then a
/// success from 203.0.113.66 (and a single failure elsewhere), 30 distinct
/// Describe calls by one role in 5 minutes (and 10 by another), one key from
/// three addresses within a minute, and a cross-account AssumeRole whose
/// issued key assumes a further role 20 minutes later.
fn scenario() -> Vec<String> {
    let mut records = Vec::new();
    for s in 0..6 {
        records.push(console_login(1, s * 5, "203.0.113.66", "Failure"));
    }
    records.push(console_login(2, 0, "192.0.2.1", "Failure"));
    records.push(console_login(9, 0, "203.0.113.66", "Success"));
    let recon = "arn:aws:sts::111111111111:assumed-role/ops/mallory";
    for n in 0..30u32 {
        records.push(describe(
            20 + n / 10,
            n % 10,
            &format!("DescribeThing{n}"),
            recon,
        ));
    }
    for n in 0..10u32 {
        records.push(describe(
            20,
            n,
            &format!("DescribeThing{n}"),
            "arn:aws:sts::111111111111:assumed-role/ops/bob",
        ));
    }
    for (second, ip) in [
        (0, "198.51.100.7"),
        (20, "203.0.113.200"),
        (40, "192.0.2.55"),
    ] {
        records.push(key_call(40, second, ip));
    }
    records.push(assume_role(
        45,
        "AssumedRole",
        "ASIAFIRST",
        "111111111111",
        "arn:aws:iam::222222222222:role/deploy",
        "ASIASECOND",
    ));
    records.push(assume_role(
        55,
        "AssumedRole",
        "ASIASECOND",
        "222222222222",
        "arn:aws:iam::333333333333:role/admin",
        "ASIATHIRD",
    ));
    // Same-account hop with an unrelated key: no chain.
    records.push(assume_role(
        56,
        "AssumedRole",
        "ASIAOTHER",
        "111111111111",
        "arn:aws:iam::111111111111:role/local",
        "ASIALOCAL",
    ));
    records
}

const EXPECTED: [&str; 4] = [
    "AWS Access Key Used From Several Addresses Within Minutes userIdentity.accessKeyId=AKIAEXAMPLEKEY 3",
    "AWS AssumeRole Chain Into Another Account session_key=ASIASECOND 2",
    "AWS Console Login Brute Force Followed by Success sourceIPAddress=203.0.113.66 2",
    "AWS Discovery Burst by One Identity userIdentity.arn=arn:aws:sts::111111111111:assumed-role/ops/mallory 25",
];

fn correlation_alerts(output: &std::process::Output) -> Vec<String> {
    let mut found: Vec<String> = alerts(output)
        .iter()
        .filter_map(|a| {
            let c = a.get("correlation")?;
            let pairs: Vec<String> = c
                .get("group")?
                .as_object()?
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect();
            let value = c.get("value")?.as_f64()?;
            Some(format!(
                "{} {} {value}",
                text(a, "rule_title"),
                pairs.join(",")
            ))
        })
        .collect();
    found.sort();
    found
}

fn write_files(dir: &Path, records: &[String], parts: usize) {
    for (n, chunk) in records.chunks(records.len().div_ceil(parts)).enumerate() {
        std::fs::write(dir.join(format!("part-{n}.jsonl")), chunk.join("\n") + "\n").unwrap();
    }
}

#[test]
fn bundled_correlations_fire_as_computed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &scenario(), 1);
    let output = run(parapet().args(["detect", "-f", "jsonl"]).arg(dir.path()));
    assert_eq!(correlation_alerts(&output), EXPECTED);
    // The quiet building blocks (the failure rule, the burst correlation over
    // it, the discovery call) do not alert on their own.
    let titles: Vec<String> = alerts(&output)
        .iter()
        .map(|a| text(a, "rule_title"))
        .collect();
    assert!(
        !titles.iter().any(|t| t == "AWS Console Login Failure"
            || t == "AWS Read-Only Discovery Call by a User or Role Session"),
        "{titles:?}"
    );
}

#[test]
fn shuffled_files_and_records_give_the_same_correlations() {
    let mut records = scenario();
    // Reverse, then split so files hold out-of-order records and the file
    // read first holds the latest events.
    records.reverse();
    records.rotate_left(7);
    for parts in [1, 3, 7] {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &records, parts);
        let output = run(parapet()
            .args(["detect", "-f", "jsonl", "--threads", "2"])
            .arg(dir.path()));
        assert_eq!(correlation_alerts(&output), EXPECTED, "{parts} files");
    }
}

#[test]
fn lateness_bound_counts_what_arrives_too_late() {
    let mut records = scenario();
    records.reverse();
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &records, 1);
    let output = run(parapet()
        .args(["detect", "-f", "jsonl", "--lateness", "2m"])
        .arg(dir.path()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("later than --lateness dropped"), "{stderr}");
    // A bound wide enough for the whole scenario loses nothing.
    let output = run(parapet()
        .args(["detect", "-f", "jsonl", "--lateness", "2h"])
        .arg(dir.path()));
    assert_eq!(correlation_alerts(&output), EXPECTED);
    let output = run(parapet()
        .args(["detect", "--lateness", "soon"])
        .arg(dir.path()));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`soon`: expected a number"));
}

#[test]
fn mass_secret_retrieval_fires_on_the_stratus_capture() {
    let capture = stratus().join("aws.credential-access.secretsmanager-retrieve-secrets.json");
    let output = run(parapet().args(["detect", "-f", "jsonl"]).arg(capture));
    let found = correlation_alerts(&output);
    assert_eq!(
        found,
        [
            "AWS Mass Secret Retrieval userIdentity.arn=arn:aws:iam::903144391865:user/christophe 10",
            "AWS Mass Secret Retrieval userIdentity.arn=arn:aws:iam::903144391865:user/christophe 10",
        ]
    );
}

/// A Duo push reported as fraud, then an AWS console sign-in from the
/// address that sent it: one correlation across two providers' logs.
#[test]
fn a_fraud_reported_push_then_a_console_sign_in_from_its_address_crosses_providers() {
    let dir = tempfile::tempdir().unwrap();
    let duo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/logs/duo.json");
    let cloudtrail = dir.path().join("console.jsonl");
    // The sample's fraud report is at 10:01:06 from 198.51.100.77.
    std::fs::write(
        &cloudtrail,
        [
            console_login(32, 41, "198.51.100.77", "Success"),
            console_login(33, 0, "192.0.2.200", "Success"),
        ]
        .join("\n"),
    )
    .unwrap();
    let title = "AWS Console Sign-in From an Address Whose Duo Push Was Reported as Fraud";
    let fired = |first: &Path, second: &Path| -> Vec<(String, String)> {
        let output = run(parapet()
            .args(["detect", "-f", "jsonl"])
            .arg(first)
            .arg(second));
        alerts(&output)
            .iter()
            .filter(|a| text(a, "rule_title") == title)
            .map(|a| (text(a, "source_ip"), text(a, "event_time")))
            .collect()
    };
    let want = vec![(
        "198.51.100.77".to_string(),
        "2026-11-20T10:32:41Z".to_string(),
    )];
    assert_eq!(fired(&duo, &cloudtrail), want);
    assert_eq!(
        fired(&cloudtrail, &duo),
        want,
        "the same whatever the order"
    );
    // Without the Duo log, a sign-in alone is no such alert.
    let output = run(parapet().args(["detect", "-f", "jsonl"]).arg(&cloudtrail));
    assert!(alerts(&output)
        .iter()
        .all(|a| text(a, "rule_title") != title));
}
