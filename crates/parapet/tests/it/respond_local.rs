//! Cases and playbooks without a cloud: grouping, the timeline, exports,
//! validation messages, enrichment from an allow list, and notifications
//! to a webhook and an SMTP server listening on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::thread;

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

use crate::{parapet, run};

fn alert(rule: &str, actor: &str, user: &str, minute: u32) -> String {
    format!(
        r#"{{"rule_id":"{rule}","rule_title":"Rule {rule}","level":"high","tactics":["persistence"],"techniques":["T1098.001"],"event_id":"e{minute}","event_time":"2026-11-20T10:{minute:02}:00Z","actor":"{actor}","source_ip":"203.0.113.9","event_name":"CreateAccessKey","region":"us-east-1","raw":{{"eventID":"e{minute}","requestParameters":{{"userName":"{user}"}}}}}}"#
    )
}

fn output(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A one-shot HTTP server: answers 200 and hands back the request body.
fn webhook() -> (String, thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/sec", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        (&stream)
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .unwrap();
        String::from_utf8(body).unwrap()
    });
    (url, handle)
}

/// A one-shot SMTP server speaking just enough of RFC 5321; returns the DATA.
fn smtp() -> (String, thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut out = stream;
        out.write_all(b"220 test ESMTP\r\n").unwrap();
        let mut data = String::new();
        let mut in_data = false;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if in_data {
                if line == ".\r\n" {
                    in_data = false;
                    out.write_all(b"250 queued\r\n").unwrap();
                } else {
                    data.push_str(&line);
                }
                continue;
            }
            let reply: &[u8] = match line.get(..4).unwrap_or("") {
                "EHLO" => b"250-test\r\n250 8BITMIME\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    out.write_all(b"221 bye\r\n").unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            out.write_all(reply).unwrap();
        }
        data
    });
    (address, handle)
}

#[test]
fn cases_group_alerts_keep_a_timeline_and_export_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("parapet.db");
    let alerts = dir.path().join("alerts.jsonl");
    let lines = [
        alert("r1", "arn:aws:iam::1:user/eve", "mallory", 1),
        alert("r2", "arn:aws:iam::1:user/eve", "bob", 20),
        alert("r3", "arn:aws:iam::1:user/zed", "bob", 25),
        "not json".to_string(),
        alert("r1", "arn:aws:iam::1:user/eve", "mallory", 1),
    ];
    std::fs::write(&alerts, lines.join("\n")).unwrap();
    let imported = run(parapet()
        .args(["case", "import"])
        .arg(&alerts)
        .arg("--db")
        .arg(&db));
    assert_eq!(
        imported.status.code(),
        Some(2),
        "a line that is not an alert is reported"
    );
    let text = output(&imported);
    assert!(
        text.contains("alerts.jsonl:4: not an alert")
            && text.contains("3 alerts and findings added, 1 cases opened, 0 findings needing no case, 1 records not read"),
        "{text}"
    );
    let update = run(parapet()
        .args([
            "case",
            "update",
            "1",
            "--status",
            "triage",
            "--assignee",
            "alice",
            "--note",
            "key rotated?",
            "--as",
            "alice",
            "--db",
        ])
        .arg(&db));
    assert!(update.status.success(), "{}", output(&update));
    let bad = run(parapet()
        .args(["case", "update", "1", "--status", "closed", "--db"])
        .arg(&db));
    assert!(
        output(&bad).contains("expected one of new, triage, contained, resolved, false_positive")
    );
    let shown = output(&run(parapet().args(["case", "show", "1", "--db"]).arg(&db)));
    assert!(
        shown.contains("status triage, severity high, assignee alice")
            && shown.contains("note      alice      key rotated?"),
        "{shown}"
    );
    let bundle: Value =
        sonic_rs::from_slice(&run(parapet().args(["case", "export", "1", "--db"]).arg(&db)).stdout)
            .unwrap();
    assert_eq!(
        bundle["alerts"].as_array().unwrap().len(),
        3,
        "zed joined eve's case through bob"
    );
    assert_eq!(bundle["alerts"][0]["raw"]["eventID"].as_str(), Some("e1"));
}

#[test]
fn invalid_playbooks_are_named_by_file_step_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yml");
    std::fs::write(&file, "id: bad\nname: bad\ntrigger: {rules: [r1]}\nsteps:\n  - id: a\n    action: aws.ec2.stopp\n  - id: b\n    action: notify.webhook\n    with: {url: x}\n").unwrap();
    let checked = run(parapet().args(["respond", "validate"]).arg(&file));
    assert_eq!(checked.status.code(), Some(2));
    let text = output(&checked);
    assert!(
        text.contains("bad.yml: steps[0].action: unknown action `aws.ec2.stopp`; expected one of"),
        "{text}"
    );
    assert!(
        text.contains("bad.yml: steps[1].with.text: missing"),
        "{text}"
    );
    let listed = output(&run(parapet().args(["respond", "playbooks"])));
    for id in [
        "compromised-access-key",
        "backdoor-iam-principal",
        "cloudtrail-tampering",
        "public-data-exposure",
        "security-group-open-to-world",
    ] {
        assert!(listed.contains(id), "{listed}");
    }
    assert!(output(&run(parapet().args(["respond", "actions"])))
        .contains("IAM: iam:ListAccessKeys, iam:UpdateAccessKey"));
}

#[test]
fn enrichment_and_notifications_run_and_dry_runs_send_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("parapet.db");
    let alerts = dir.path().join("alerts.jsonl");
    std::fs::write(
        &alerts,
        alert("r1", "arn:aws:iam::1:user/eve", "mallory", 1),
    )
    .unwrap();
    assert!(run(parapet()
        .args(["case", "import"])
        .arg(&alerts)
        .arg("--db")
        .arg(&db))
    .status
    .success());
    let allow = dir.path().join("allow.txt");
    std::fs::write(&allow, "# offices\n198.51.100.0/24\n").unwrap();
    let (url, hook) = webhook();
    let (server, mail) = smtp();
    let playbook = dir.path().join("tell.yml");
    std::fs::write(&playbook, format!(
        "id: tell\nname: tell\ntrigger: {{rules: [r1]}}\nsteps:\n  - id: office\n    action: enrich.ip_allowlist\n    with: {{ip: \"{{{{ alert.source_ip }}}}\", list: \"{}\"}}\n  - id: hook\n    action: notify.webhook\n    when: \"{{{{ steps.office.output.allowed }}}} == false\"\n    with: {{url: \"{url}\", format: slack, text: \"case {{{{ case.id }}}}: {{{{ alert.rule_title }}}} from {{{{ alert.source_ip }}}}\"}}\n  - id: mail\n    action: notify.email\n    with: {{smtp: \"{server}\", from: parapet@example.com, to: \"soc@example.com\", subject: \"case {{{{ case.id }}}}\", text: \"{{{{ alert.actor }}}}\"}}\n",
        allow.display()
    )).unwrap();
    let dry = run(parapet()
        .args([
            "respond",
            "run",
            "--case",
            "1",
            "--no-default-playbooks",
            "--playbooks",
        ])
        .arg(&playbook)
        .arg("--db")
        .arg(&db));
    assert!(dry.status.success(), "{}", output(&dry));
    assert!(
        output(&dry).contains("hook         notify.webhook                   Planned"),
        "{}",
        output(&dry)
    );
    let json = run(parapet()
        .args([
            "respond",
            "run",
            "--case",
            "1",
            "--format",
            "json",
            "--no-default-playbooks",
            "--playbooks",
        ])
        .arg(&playbook)
        .arg("--db")
        .arg(&db));
    let reports: Value =
        sonic_rs::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}: {}", output(&json)));
    assert_eq!(reports[0]["playbook"].as_str(), Some("tell"));
    assert_eq!(
        reports[0]["report"]["steps"][1]["status"]["status"].as_str(),
        Some("planned")
    );
    assert_eq!(
        reports[0]["report"]["steps"][0]["output"]["allowed"].as_bool(),
        Some(false)
    );
    let executed = run(parapet()
        .args([
            "respond",
            "run",
            "--case",
            "1",
            "--execute",
            "--no-default-playbooks",
            "--playbooks",
        ])
        .arg(&playbook)
        .arg("--db")
        .arg(&db));
    assert!(executed.status.success(), "{}", output(&executed));
    let body: Value = sonic_rs::from_str(&hook.join().unwrap()).unwrap();
    assert_eq!(
        body["text"].as_str(),
        Some("case 1: Rule r1 from 203.0.113.9")
    );
    let message = mail.join().unwrap();
    assert!(
        message.contains("Subject: case 1") && message.contains("arn:aws:iam::1:user/eve"),
        "{message}"
    );
}

/// Enrichment reads the lake and the inventory the other commands wrote,
/// and later steps see what it found.
#[test]
fn enrichment_reads_the_lake_and_the_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("parapet.db");
    let lake = dir.path().join("lake");
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/logs");
    let ingested = run(parapet()
        .arg("ingest")
        .arg(&samples)
        .arg("--lake")
        .arg(&lake));
    assert!(ingested.status.success(), "{}", output(&ingested));
    let alerts = dir.path().join("alerts.jsonl");
    std::fs::write(
        &alerts,
        alert("r1", "arn:aws:iam::1:user/eve", "mallory", 1).replace("203.0.113.9", "203.0.113.50"),
    )
    .unwrap();
    assert!(run(parapet()
        .args(["case", "import"])
        .arg(&alerts)
        .arg("--db")
        .arg(&db))
    .status
    .success());
    let (url, hook) = webhook();
    let playbook = dir.path().join("look.yml");
    std::fs::write(&playbook, format!(
        "id: look\nname: look\ntrigger: {{rules: [r1]}}\nsteps:\n  - id: activity\n    action: enrich.activity\n    with: {{ip: \"{{{{ alert.source_ip }}}}\"}}\n  - id: asset\n    action: enrich.inventory\n    with: {{resource: \"{{{{ alert.raw.requestParameters.userName }}}}\"}}\n  - id: hook\n    action: notify.webhook\n    with: {{url: \"{url}\", text: \"{{{{ steps.activity.output.events }}}} events, in inventory: {{{{ steps.asset.output.found }}}}\"}}\n"
    )).unwrap();
    let ran = run(parapet()
        .args([
            "respond",
            "run",
            "--case",
            "1",
            "--execute",
            "--no-default-playbooks",
            "--playbooks",
        ])
        .arg(&playbook)
        .arg("--lake")
        .arg(&lake)
        .arg("--db")
        .arg(&db));
    assert!(ran.status.success(), "{}", output(&ran));
    let body: Value = sonic_rs::from_str(&hook.join().unwrap()).unwrap();
    let text = body["text"].as_str().unwrap().to_string();
    let events: u64 = text.split_whitespace().next().unwrap().parse().unwrap();
    assert!(
        events >= 4,
        "the sample logs hold 203.0.113.50 in several sources: {text}"
    );
    assert!(text.ends_with("in inventory: false"), "{text}");
}

#[test]
fn detect_opens_cases_itself() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("parapet.db");
    let log = dir.path().join("trail.json");
    std::fs::write(&log, r#"{"Records":[{"eventVersion":"1.09","eventTime":"2026-11-20T10:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","eventID":"ev-1","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/deploy-bot","userName":"deploy-bot","accountId":"123456789012"},"requestParameters":{"name":"main-trail"}}]}"#).unwrap();
    let detected = run(parapet()
        .arg("detect")
        .arg(&log)
        .args(["--format", "jsonl", "--cases", "--db"])
        .arg(&db));
    assert!(
        output(&detected).contains("alerts into cases (1 cases opened)"),
        "{}",
        output(&detected)
    );
    let listed = output(&run(parapet().args(["case", "list", "--db"]).arg(&db)));
    assert!(
        listed.contains("CloudTrail") && listed.lines().count() == 2,
        "{listed}"
    );
    let bundle: Value =
        sonic_rs::from_slice(&run(parapet().args(["case", "export", "1", "--db"]).arg(&db)).stdout)
            .unwrap();
    assert_eq!(bundle["alerts"][0]["raw"]["eventID"].as_str(), Some("ev-1"));

    // `ingest --detect --cases` opens the same case from the same events;
    // ingesting them again raises nothing and adds nothing.
    let other = dir.path().join("ingest.db");
    let lake = dir.path().join("lake");
    let ingest = || {
        run(parapet()
            .arg("ingest")
            .arg(&log)
            .arg("--lake")
            .arg(&lake)
            .args(["--detect", "--format", "jsonl", "--cases", "--db"])
            .arg(&other))
    };
    let ingested = ingest();
    assert!(
        output(&ingested).contains("1 alerts into cases (1 cases opened)"),
        "{}",
        output(&ingested)
    );
    let again = ingest();
    assert!(
        output(&again).contains("0 alerts into cases (0 cases opened)"),
        "{}",
        output(&again)
    );
    let from_ingest: Value = sonic_rs::from_slice(
        &run(parapet().args(["case", "export", "1", "--db"]).arg(&other)).stdout,
    )
    .unwrap();
    assert_eq!(
        from_ingest["alerts"][0]["raw"]["eventID"].as_str(),
        Some("ev-1")
    );
    assert_eq!(
        from_ingest["case"]["title"].as_str(),
        bundle["case"]["title"].as_str()
    );
    let refused = run(parapet()
        .arg("ingest")
        .arg(&log)
        .arg("--lake")
        .arg(&lake)
        .arg("--cases"));
    assert!(
        output(&refused).contains("--cases needs --detect"),
        "{}",
        output(&refused)
    );
}

/// A TLS peer written in Python (its own ssl module and a private CA it
/// makes): an https webhook and an SMTP server that offers STARTTLS and
/// AUTH PLAIN only after it.
#[cfg(feature = "aws")]
struct TlsPeer {
    child: std::process::Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
    ca: std::path::PathBuf,
    https_port: u16,
    smtp_port: u16,
}

#[cfg(feature = "aws")]
impl TlsPeer {
    fn start(dir: &std::path::Path) -> TlsPeer {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/tls_peer.py");
        let mut child = std::process::Command::new(crate::venv().join("bin/python"))
            .arg(script)
            .arg(dir)
            .args(["soc-bot", "s3cr3t-pa55"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python from .venv (run .ci/run to create it)");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = lines.next().unwrap().unwrap();
        let ports: Vec<u16> = ready
            .split_whitespace()
            .skip(1)
            .map(|p| p.parse().unwrap())
            .collect();
        TlsPeer {
            child,
            lines,
            ca: dir.join("ca.pem"),
            https_port: ports[0],
            smtp_port: ports[1],
        }
    }

    fn next(&mut self) -> Value {
        sonic_rs::from_str(&self.lines.next().unwrap().unwrap()).unwrap()
    }
}

#[cfg(feature = "aws")]
impl Drop for TlsPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// https webhooks and SMTP with STARTTLS + AUTH: sent when the CA is
/// trusted (SSL_CERT_FILE), refused when it is not; the password comes
/// from the environment and neither it nor the webhook's secret path shows
/// in what parapet prints.
#[cfg(feature = "aws")]
#[test]
fn notifications_go_over_tls_and_keep_their_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let mut peer = TlsPeer::start(dir.path());
    let db = dir.path().join("parapet.db");
    let alerts = dir.path().join("alerts.jsonl");
    std::fs::write(
        &alerts,
        alert("r1", "arn:aws:iam::1:user/eve", "mallory", 1),
    )
    .unwrap();
    assert!(run(parapet()
        .args(["case", "import"])
        .arg(&alerts)
        .arg("--db")
        .arg(&db))
    .status
    .success());
    let playbook = dir.path().join("tell.yml");
    std::fs::write(&playbook, format!(
        "id: tell\nname: tell\ntrigger: {{rules: [r1]}}\nsteps:\n  - id: hook\n    action: notify.webhook\n    with: {{url: \"https://127.0.0.1:{}/services/T0/B0/hook-token-xyz\", format: slack, text: \"case {{{{ case.id }}}}\"}}\n  - id: mail\n    action: notify.email\n    with: {{smtp: \"127.0.0.1:{}\", tls: starttls, username: soc-bot, password_env: PARAPET_TEST_SMTP_PASSWORD, from: parapet@example.com, to: soc@example.com, subject: \"case {{{{ case.id }}}}\", text: \"{{{{ alert.actor }}}}\"}}\n",
        peer.https_port, peer.smtp_port
    )).unwrap();
    let respond = |trust: &std::path::Path| {
        run(parapet()
            .args([
                "respond",
                "run",
                "--case",
                "1",
                "--execute",
                "--no-default-playbooks",
                "--playbooks",
            ])
            .arg(&playbook)
            .arg("--db")
            .arg(&db)
            .env("SSL_CERT_FILE", trust)
            .env("PARAPET_TEST_SMTP_PASSWORD", "s3cr3t-pa55"))
    };

    // Trusting only the server's own certificate, not its CA: the handshake
    // fails, named, and nothing is sent.
    let chain = std::fs::read_to_string(dir.path().join("server.pem")).unwrap();
    let end = "-----END CERTIFICATE-----";
    let other = dir.path().join("leaf-only.pem");
    std::fs::write(
        &other,
        format!("{}{end}\n", chain.split(end).next().unwrap()),
    )
    .unwrap();
    let untrusted = respond(&other);
    let text = output(&untrusted);
    assert!(!untrusted.status.success(), "{text}");
    assert!(text.contains("TLS handshake"), "{text}");
    assert!(peer.next().get("refused").is_some());

    let sent = respond(&peer.ca);
    let text = output(&sent);
    assert!(sent.status.success(), "{text}");
    let hook = peer.next();
    assert_eq!(
        hook["webhook"]["path"].as_str(),
        Some("/services/T0/B0/hook-token-xyz")
    );
    let body: Value = sonic_rs::from_str(hook["webhook"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["text"].as_str(), Some("case 1"));
    let mail = peer.next();
    assert_eq!(mail["email"]["tls"].as_bool(), Some(true));
    assert_eq!(mail["email"]["user"].as_str(), Some("soc-bot"));
    assert!(mail["email"]["data"]
        .as_str()
        .unwrap()
        .contains("arn:aws:iam::1:user/eve"));

    let shown = output(&run(parapet().args(["case", "show", "1", "--db"]).arg(&db)))
        + &output(&run(parapet()
            .args(["case", "export", "1", "--db"])
            .arg(&db)));
    assert!(shown.contains("https://127.0.0.1:"), "{shown}");
    for secret in ["hook-token-xyz", "s3cr3t-pa55"] {
        assert!(
            !text.contains(secret) && !shown.contains(secret),
            "{secret} shown:\n{text}\n{shown}"
        );
    }
}
