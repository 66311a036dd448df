//! Saved hunts, `parapet timeline` and `ingest --detect` on the bundled
//! sample and on a small hand-made chain of role sessions across accounts.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::{parapet, run};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/cloudtrail")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn ingest(lake: &Path, input: &Path) {
    ok(run(parapet()
        .arg("ingest")
        .arg(input)
        .arg("--lake")
        .arg(lake)));
}

fn hunt(lake: &Path, args: &[&str]) -> String {
    ok(run(parapet()
        .arg("hunt")
        .args(args)
        .args(["--format", "csv", "--lake"])
        .arg(lake)))
}

/// Rows of a CSV result without its header.
fn rows(csv: &str) -> Vec<String> {
    csv.lines().skip(1).map(str::to_string).collect()
}

const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const TARGET: &str = "arn:aws:iam::222222222222:role/target";

/// alice assumes hop1, hop1's session assumes a role in another account,
/// whose session lists buckets; root signs in without MFA and makes a key;
/// an AWS service acts as root (not root activity).
fn chain() -> String {
    let event = |time: &str, id: &str, account: &str, identity: &str, name: &str, rest: &str| {
        format!(
            r#"{{"eventVersion":"1.08","eventTime":"2024-06-0{time}Z","eventID":"{id}","recipientAccountId":"{account}","awsRegion":"us-east-1","eventSource":"{source}","eventName":"{name}","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15","userIdentity":{identity}{rest}}}"#,
            source = if name == "ListBuckets" {
                "s3.amazonaws.com"
            } else if name == "ConsoleLogin" {
                "signin.amazonaws.com"
            } else if name == "CreateAccessKey" {
                "iam.amazonaws.com"
            } else {
                "sts.amazonaws.com"
            },
        )
    };
    let assume = |role: &str, key: &str| {
        format!(
            r#","requestParameters":{{"roleArn":"{role}","roleSessionName":"s"}},"responseElements":{{"credentials":{{"accessKeyId":"{key}","sessionToken":"SECRETTOKEN{key}","expiration":"Jun 1, 2024, 1:00:00 PM"}}}},"resources":[{{"ARN":"{role}","type":"AWS::IAM::Role"}}]"#
        )
    };
    let session = |account: &str, role: &str, key: &str| {
        format!(
            r#"{{"type":"AssumedRole","arn":"arn:aws:sts::{account}:assumed-role/{role}/s","accountId":"{account}","accessKeyId":"{key}","sessionContext":{{"sessionIssuer":{{"type":"Role","arn":"arn:aws:iam::{account}:role/{role}"}}}}}}"#
        )
    };
    let alice = format!(
        r#"{{"type":"IAMUser","arn":"{ALICE}","accountId":"111111111111","accessKeyId":"AKIAALICE","userName":"alice"}}"#
    );
    let root =
        r#"{"type":"Root","arn":"arn:aws:iam::111111111111:root","accountId":"111111111111"}"#;
    let service_root = r#"{"type":"Root","arn":"arn:aws:iam::111111111111:root","accountId":"111111111111","invokedBy":"support.amazonaws.com"}"#;
    let earlier = format!(
        r#"{{"eventTime":"2024-05-20T08:00:00Z","eventID":"e0","recipientAccountId":"111111111111","awsRegion":"us-east-1","eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","sourceIPAddress":"203.0.113.5","userIdentity":{alice}}}"#
    );
    [
        earlier,
        event("1T10:00:00", "e1", "111111111111", &alice, "AssumeRole", &assume("arn:aws:iam::111111111111:role/hop1", "ASIAHOP1")),
        event("1T10:01:00", "e2", "222222222222", &session("111111111111", "hop1", "ASIAHOP1"), "AssumeRole", &assume(TARGET, "ASIAHOP2")),
        event("1T10:02:00", "e3", "222222222222", &session("222222222222", "target", "ASIAHOP2"), "ListBuckets", ""),
        event("2T09:00:00", "e4", "111111111111", root, "ConsoleLogin", r#","additionalEventData":{"MFAUsed":"No"},"responseElements":{"ConsoleLogin":"Success"}"#),
        event("2T09:05:00", "e5", "111111111111", service_root, "AssumeRole", ""),
        event("2T09:06:00", "e6", "111111111111", root, "CreateAccessKey", ""),
    ]
    .join("\n")
}

fn chain_lake(dir: &Path) -> PathBuf {
    let input = dir.join("chain.jsonl");
    std::fs::write(&input, chain()).unwrap();
    let lake = dir.join("lake");
    ingest(&lake, &input);
    lake
}

#[test]
fn assume_role_chains_follow_issued_keys_across_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let lake = chain_lake(dir.path());
    let chains = hunt(&lake, &["assume-role-chains", "--param", "min_depth=2"]);
    let found = rows(&chains);
    assert_eq!(found.len(), 1, "{chains}");
    assert!(
        found[0].contains(&format!(",2,{ALICE},198.51.100.7,{TARGET},222222222222,")),
        "{chains}"
    );
    assert!(
        found[0].ends_with(&format!(
            "{ALICE} -> arn:aws:iam::111111111111:role/hop1 -> {TARGET}"
        )),
        "{chains}"
    );
}

#[test]
fn first_seen_reports_new_calls_of_known_principals_only() {
    let dir = tempfile::tempdir().unwrap();
    let lake = chain_lake(dir.path());
    // alice was seen on May 20 (us-east-1, GetCallerIdentity); in the last
    // week she first called AssumeRole. Root and the role sessions are new
    // principals altogether: not reported.
    let found = rows(&hunt(&lake, &["first-seen", "-p", "days=7"]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(&format!("{ALICE},api,sts.amazonaws.com:AssumeRole,")),
        "{found:?}"
    );
}

#[test]
fn root_and_mfa_hunts_and_the_ioc_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let lake = chain_lake(dir.path());
    let root = rows(&hunt(&lake, &["root-activity"]));
    let operations: Vec<&str> = root.iter().filter_map(|r| r.split(',').nth(3)).collect();
    assert_eq!(operations, ["ConsoleLogin", "CreateAccessKey"], "{root:?}");
    let no_mfa = rows(&hunt(&lake, &["console-login-without-mfa"]));
    assert_eq!(no_mfa.len(), 1, "{no_mfa:?}");
    assert!(no_mfa[0].contains(",Root,111111111111,"), "{no_mfa:?}");

    let iocs = dir.path().join("iocs.txt");
    std::fs::write(
        &iocs,
        format!("# from the report\nASIAHOP2\n{TARGET}  # role\n"),
    )
    .unwrap();
    let sweep = rows(&hunt(
        &lake,
        &["ioc-sweep", "-p", &format!("iocs={}", iocs.display())],
    ));
    let matched: Vec<(&str, &str)> = sweep
        .iter()
        .map(|r| {
            let cells: Vec<&str> = r.split(',').collect();
            (cells[4], cells[cells.len() - 1])
        })
        .collect();
    assert_eq!(
        matched,
        [("AssumeRole", "resource"), ("ListBuckets", "access_key")],
        "{sweep:?}"
    );
    // A window on the partition column leaves the first day out.
    let later = rows(&hunt(
        &lake,
        &[
            "ioc-sweep",
            "-p",
            &format!("iocs={}", iocs.display()),
            "-p",
            "from=2024-06-02",
        ],
    ));
    assert!(later.is_empty(), "{later:?}");
}

#[test]
fn timelines_by_key_identity_and_ip() {
    let dir = tempfile::tempdir().unwrap();
    let lake = chain_lake(dir.path());
    let timeline = |args: &[&str]| {
        rows(&ok(run(parapet()
            .arg("timeline")
            .args(args)
            .args(["--format", "csv", "--lake"])
            .arg(&lake))))
    };
    let key = timeline(&["--access-key", "ASIAHOP2"]);
    let whys: Vec<(&str, &str)> = key
        .iter()
        .map(|r| {
            let c: Vec<&str> = r.split(',').collect();
            (c[1], c[6])
        })
        .collect();
    assert_eq!(
        whys,
        [("issued key", "AssumeRole"), ("used key", "ListBuckets")],
        "{key:?}"
    );
    let role = timeline(&["--identity", TARGET]);
    let whys: Vec<&str> = role
        .iter()
        .map(|r| r.split(',').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(whys, ["target", "session of role"], "{role:?}");
    assert_eq!(timeline(&["--ip", "198.51.100.7"]).len(), 6);
    assert_eq!(
        timeline(&["--ip", "198.51.100.7", "--from", "2024-06-02"]).len(),
        3
    );
}

#[test]
fn issued_session_tokens_are_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let lake = chain_lake(dir.path());
    let raw = hunt(
        &lake,
        &["SELECT raw FROM events WHERE api_operation = 'AssumeRole'"],
    );
    assert!(!raw.contains("SECRETTOKEN"), "{raw}");
    assert_eq!(raw.matches("REDACTED").count(), 2, "{raw}");
    // The key id stays: it is what the timeline follows.
    assert!(raw.contains("ASIAHOP2"), "{raw}");
}

#[test]
fn saved_hunts_on_the_sample_agree_with_a_count_over_the_raw_json() {
    let dir = tempfile::tempdir().unwrap();
    let lake = dir.path().join("lake");
    ingest(&lake, &sample());
    // Stack counting, recomputed from the raw files by Python.
    let script = r#"
import collections, gzip, json, pathlib, sys
calls = collections.Counter()
for path in pathlib.Path(sys.argv[1]).rglob("*.json.gz"):
    for r in json.load(gzip.open(path))["Records"]:
        who = r.get("userIdentity", {})
        uid = who.get("arn") or who.get("principalId") or who.get("invokedBy")
        if uid and r.get("eventName"):
            calls[(uid, r.get("eventSource"), r["eventName"])] += 1
print(sum(1 for n in calls.values() if n <= 2))
"#;
    let python = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(sample())
        .output()
        .expect("python3");
    let expected: usize = String::from_utf8_lossy(&python.stdout)
        .trim()
        .parse()
        .unwrap();
    let rare = rows(&hunt(&lake, &["rare-api-calls", "-p", "limit=100000"]));
    assert_eq!(rare.len(), expected);
    assert!(expected > 10);

    let no_mfa = rows(&hunt(&lake, &["console-login-without-mfa"]));
    assert_eq!(no_mfa.len(), 1, "{no_mfa:?}");
    assert!(no_mfa[0].contains(",IAMUser,"), "{no_mfa:?}");
    // Stratus' ec2-get-password-data: 30 refusals within minutes.
    let bursts = rows(&hunt(&lake, &["access-denied-bursts"]));
    assert!(
        bursts
            .iter()
            .any(|r| r.contains("ec2-get-password-data-role") && r.contains(",30,")),
        "{bursts:?}"
    );
    let agents = rows(&hunt(&lake, &["rare-user-agents", "-p", "max_events=1"]));
    assert!(!agents.is_empty());
    assert!(agents.iter().all(|r| r.contains(",1,1,")), "{agents:?}");
}

#[test]
fn hunts_are_listed_and_bad_parameters_explained() {
    let list = ok(run(parapet().args(["hunt", "--list"])));
    for name in [
        "rare-api-calls",
        "first-seen",
        "rare-user-agents",
        "access-denied-bursts",
        "console-login-without-mfa",
        "root-activity",
        "assume-role-chains",
        "ioc-sweep",
    ] {
        assert!(list.contains(name), "{list}");
    }
    let dir = tempfile::tempdir().unwrap();
    let lake = chain_lake(dir.path());
    for (args, says) in [
        (
            vec!["rare-api-calls", "-p", "max_calls=two"],
            "expected a whole number",
        ),
        (
            vec!["rare-api-calls", "-p", "nope=1"],
            "has no parameter `nope`",
        ),
        (vec!["ioc-sweep"], "needs --param iocs"),
        (vec!["root-activty"], "no saved hunt named \"root-activty\""),
        (vec!["SELECT nope FROM events"], "nope"),
    ] {
        let out = run(parapet().arg("hunt").args(&args).arg("--lake").arg(&lake));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let missing = run(parapet()
        .args(["hunt", "root-activity", "--lake"])
        .arg(dir.path().join("none")));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no lake at"));
}

#[test]
fn ingest_detect_raises_what_detect_raises_in_the_same_pass() {
    let logs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/logs");
    for input in [sample(), logs] {
        same_alerts_from_ingest_and_detect(&input);
    }
}

fn same_alerts_from_ingest_and_detect(input: &Path) {
    let sample = || input.to_path_buf();
    let dir = tempfile::tempdir().unwrap();
    let lake = dir.path().join("lake");
    let detect = run(parapet()
        .args(["detect", "--format", "jsonl"])
        .arg(sample()));
    assert_eq!(detect.status.code(), Some(1));
    let both = run(parapet()
        .args(["ingest", "--detect", "--format", "jsonl", "--lake"])
        .arg(&lake)
        .arg(sample()));
    assert_eq!(
        both.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&both.stderr)
    );
    let mut expected: Vec<String> = String::from_utf8_lossy(&detect.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let mut got: Vec<String> = String::from_utf8_lossy(&both.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    expected.sort();
    got.sort();
    assert!(expected.len() >= 12, "{}", expected.len());
    assert_eq!(got, expected);
    // Events already in the lake are not detected again.
    let again = run(parapet()
        .args(["ingest", "--detect", "--format", "jsonl", "--lake"])
        .arg(&lake)
        .arg(sample()));
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty());
}

#[test]
fn every_log_source_lands_in_the_lake_with_its_ocsf_class() {
    let dir = tempfile::tempdir().unwrap();
    let lake = dir.path().join("lake");
    let logs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/logs");
    ingest(&lake, &logs);
    let by_source = rows(&hunt(
        &lake,
        &["SELECT source, class_uid, count(*) AS n FROM events GROUP BY source, class_uid ORDER BY source, class_uid"],
    ));
    for want in [
        "azure-activity,6003,4",
        "azure-audit,3001,1",
        "azure-audit,6003,2",
        "azure-risk,6003,2",
        "azure-pim,6003,6",
        "azure-signin,3002,3",
        "bitbucket,6003,3",
        "gcp-audit,6003,4",
        "github,6003,3",
        "k8s-audit,6003,3",
        "m365,6003,3",
        "okta,6003,2",
        "okta,3002,1",
        "onelogin,3001,3",
        "onelogin,3002,3",
        "onelogin,6003,1",
        "duo,3001,2",
        "duo,3002,10",
        // The Cloud Logging and the Reports API samples: three each.
        "workspace-admin,6003,6",
        "workspace-login,3002,6",
    ] {
        assert!(by_source.iter().any(|r| r == want), "{want}: {by_source:?}");
    }
    // The attacker's address across clouds, in time order.
    let timeline = rows(&ok(run(parapet()
        .args([
            "timeline",
            "--ip",
            "203.0.113.50",
            "--format",
            "csv",
            "--lake",
        ])
        .arg(&lake))));
    let operations: Vec<&str> = timeline
        .iter()
        .map(|r| r.split(',').nth(6).unwrap_or(""))
        .collect();
    for want in [
        "MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION",
        "google.iam.admin.v1.CreateServiceAccountKey",
        "clusterrolebindings",
        "repo.destroy",
    ] {
        assert!(
            timeline.iter().any(|r| r.contains(want)),
            "{want}: {timeline:?}"
        );
    }
    assert!(operations.len() >= 10, "{timeline:?}");
}
