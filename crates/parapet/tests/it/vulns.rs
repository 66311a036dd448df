//! `parapet vuln-db`, `scan fs|sbom|image` and `sbom` on real advisories
//! (the shared OSV corpus, the distribution advisories in samples/vuln)
//! and on lockfiles, root filesystems and SBOMs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

use super::{parapet, run, shared};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/vuln")
}

fn osv() -> PathBuf {
    shared().join("corpora/osv")
}

/// A database with the shared corpus and the sample distribution advisories.
fn database(dir: &Path) -> PathBuf {
    let db = dir.join("vuln.db");
    let output = run(parapet()
        .args(["vuln-db", "import"])
        .arg(osv())
        .arg(samples().join("advisories"))
        .arg("--vuln-db")
        .arg(&db));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    db
}

fn scan(kind: &str, path: &Path, db: &Path, extra: &[&str]) -> (Output, Vec<Value>) {
    let output = run(parapet()
        .args(["scan", kind])
        .arg(path)
        .args(["--format", "json", "--vuln-db"])
        .arg(db)
        .args(extra));
    let findings: Vec<Value> = sonic_rs::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output, findings)
}

/// (package name, version, advisory id) of each finding.
fn keys(findings: &[Value]) -> BTreeSet<(String, String, String)> {
    findings
        .iter()
        .map(|f| {
            let p = &f["package"];
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (s(&p["name"]), s(&p["version"]), s(&f["advisory_id"]))
        })
        .collect()
}

#[test]
fn import_is_idempotent_and_status_counts_each_ecosystem() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let again = run(parapet()
        .args(["vuln-db", "import"])
        .arg(osv())
        .arg("--vuln-db")
        .arg(&db));
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(
        text.contains("0 added, 0 updated, 8158 unchanged"),
        "{text}"
    );
    let status = run(parapet().args(["vuln-db", "status", "--vuln-db"]).arg(&db));
    let text = String::from_utf8_lossy(&status.stdout);
    for (ecosystem, count) in [
        ("Go", 4274),
        ("PyPI", 2651),
        ("crates.io", 1193),
        ("Debian", 3),
        ("Alpine", 2),
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(ecosystem))
            .unwrap_or_else(|| panic!("{ecosystem}: {text}"));
        assert_eq!(
            line.split_whitespace().nth(1),
            Some(count.to_string().as_str()),
            "{line}"
        );
    }
    let missing = run(parapet()
        .args(["vuln-db", "import", "/nonexistent/osv", "--vuln-db"])
        .arg(&db));
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/osv"));
}

/// The correctness table: lockfiles built from real advisories, with the
/// expected matches computed independently (scripts/osv_fixtures.py: PyPA
/// `packaging` for PyPI, its own SemVer for crates.io and Go).
#[test]
fn lockfiles_match_exactly_what_the_advisories_ranges_say() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/osv_fixtures.py");
    let fixture = std::process::Command::new("python3")
        .arg(script)
        .arg("--osv")
        .arg(osv())
        .arg("--out")
        .arg(dir.path())
        .args(["--per-ecosystem", "600"])
        .output()
        .expect("python3 runs");
    assert!(
        fixture.status.success(),
        "{}",
        String::from_utf8_lossy(&fixture.stderr)
    );
    let expected: Value =
        sonic_rs::from_slice(&std::fs::read(dir.path().join("expected.json")).unwrap()).unwrap();
    let (output, findings) = scan("fs", &dir.path().join("project"), &db, &[]);
    assert_eq!(output.status.code(), Some(1), "findings exit with 1");
    let mut table = String::from("ecosystem  expected  found  missing  extra\n");
    let mut wrong = 0;
    for ecosystem in ["crates.io", "Go", "PyPI"] {
        let want: BTreeSet<(String, String)> = expected["matches"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m[0].as_str() == Some(ecosystem))
            .map(|m| {
                (
                    format!("{}@{}", m[1].as_str().unwrap(), m[2].as_str().unwrap()),
                    m[3].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let got: BTreeSet<(String, String)> = findings
            .iter()
            .filter(|f| f["package"]["ecosystem"].as_str() == Some(ecosystem))
            .map(|f| {
                let version = f["package"]["version"].as_str().unwrap();
                let version = if ecosystem == "Go" {
                    version.trim_start_matches('v')
                } else {
                    version
                };
                (
                    format!("{}@{version}", f["package"]["name"].as_str().unwrap()),
                    f["advisory_id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let (missing, extra) = (want.difference(&got).count(), got.difference(&want).count());
        wrong += missing + extra;
        table.push_str(&format!(
            "{ecosystem:<10} {:>8} {:>6} {missing:>8} {extra:>6}\n",
            want.len(),
            got.len()
        ));
        for (package, id) in want.difference(&got).take(5) {
            table.push_str(&format!("  missing {package} {id}\n"));
        }
        for (package, id) in got.difference(&want).take(5) {
            table.push_str(&format!("  extra {package} {id}\n"));
        }
        assert!(
            want.len() > 300,
            "{ecosystem}: too few expected matches for a meaningful check\n{table}"
        );
    }
    println!("{table}");
    assert_eq!(wrong, 0, "\n{table}");
}

#[test]
fn root_filesystems_match_their_distribution_advisories() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let (_, debian) = scan("fs", &samples().join("rootfs-debian"), &db, &[]);
    let want = |rows: &[(&str, &str, &str)]| -> BTreeSet<(String, String, String)> {
        rows.iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect()
    };
    // libssl3 matches through its source package; openssl itself is fixed;
    // zlib1g's epoch is compared; the Debian 11 range does not apply.
    assert_eq!(
        keys(&debian),
        want(&[
            ("curl", "7.88.1-10+deb12u5", "DSA-5750-1"),
            ("libssl3", "3.0.11-1~deb12u1", "DSA-5532-1"),
            ("zlib1g", "1:1.2.13.dfsg-1", "DEBIAN-CVE-2023-45853")
        ])
    );
    let libssl = debian
        .iter()
        .find(|f| f["package"]["name"].as_str() == Some("libssl3"))
        .unwrap();
    assert_eq!(libssl["severity"].as_str(), Some("high"));
    assert_eq!(
        libssl["package"]["purl"].as_str(),
        Some("pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12")
    );
    assert_eq!(
        libssl["fixed_versions"][0].as_str(),
        Some("3.0.11-1~deb12u2")
    );
    let (_, alpine) = scan("fs", &samples().join("rootfs-alpine"), &db, &[]);
    assert_eq!(
        keys(&alpine),
        want(&[
            ("busybox", "1.36.1-r15", "ALPINE-CVE-2023-42363"),
            ("libcrypto3", "3.1.4-r4", "ALPINE-CVE-2024-0727")
        ])
    );
}

#[test]
fn an_sbom_written_by_parapet_scans_like_the_folder_it_describes() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let project = samples().join("project");
    let (_, direct) = scan("fs", &project, &db, &[]);
    assert!(keys(&direct).contains(&(
        "smallvec".into(),
        "1.6.0".into(),
        "RUSTSEC-2021-0003".into()
    )));
    for format in ["cyclonedx", "spdx"] {
        let sbom = run(parapet()
            .arg("sbom")
            .arg(&project)
            .args(["--format", format]));
        assert!(
            sbom.status.success(),
            "{}",
            String::from_utf8_lossy(&sbom.stderr)
        );
        let path = dir.path().join(format!("bom.{format}.json"));
        std::fs::write(&path, &sbom.stdout).unwrap();
        let (_, via_sbom) = scan("sbom", &path, &db, &[]);
        assert_eq!(keys(&via_sbom), keys(&direct), "{format}");
    }
}

#[test]
fn vex_statements_suppress_findings_and_formats_render() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let project = samples().join("project");
    let vex = dir.path().join("vex.json");
    std::fs::write(&vex, br#"{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"id":"CVE-2021-25900","analysis":{"state":"not_affected","justification":"code_not_reachable"},"affects":[{"ref":"pkg:cargo/smallvec@1.6.0"}]}]}"#).unwrap();
    let smallvec = (
        "smallvec".to_string(),
        "1.6.0".to_string(),
        "RUSTSEC-2021-0003".to_string(),
    );
    let (_, quiet) = scan("fs", &project, &db, &["--vex", vex.to_str().unwrap()]);
    assert!(!keys(&quiet).contains(&smallvec));
    let (_, shown) = scan(
        "fs",
        &project,
        &db,
        &["--vex", vex.to_str().unwrap(), "--show-suppressed"],
    );
    let suppressed = shown
        .iter()
        .find(|f| f["advisory_id"].as_str() == Some("RUSTSEC-2021-0003"))
        .unwrap();
    assert_eq!(
        suppressed["suppressed"].as_str(),
        Some("code_not_reachable")
    );
    assert_eq!(shown.len(), quiet.len() + 1);

    for (format, check) in [
        ("sarif", "/runs/0/results/0/ruleId"),
        ("ocsf", "/0/class_uid"),
        ("cyclonedx-vex", "/vulnerabilities/0/affects/0/ref"),
    ] {
        let output = run(parapet()
            .args(["scan", "fs"])
            .arg(&project)
            .args(["--format", format, "--vuln-db"])
            .arg(&db));
        let doc: Value =
            sonic_rs::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{format}: {e}"));
        let pointer: Vec<&str> = check.split('/').skip(1).collect();
        let mut at = &doc;
        for part in pointer {
            at = match part.parse::<usize>() {
                Ok(i) => &at[i],
                Err(_) => &at[part],
            };
        }
        assert!(!at.is_null(), "{format}: {check} missing");
    }
    let table = run(parapet()
        .args(["scan", "fs"])
        .arg(&project)
        .args(["--vuln-db"])
        .arg(&db)
        .args(["--severity", "critical"]));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.starts_with("SEVERITY")
            && text.contains("CVE-2021-25900 (RUSTSEC-2021-0003)")
            && !text.contains("medium"),
        "{text}"
    );
}

#[test]
fn a_bad_lockfile_is_named_and_the_rest_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("a")).unwrap();
    std::fs::write(
        project.join("a/Cargo.lock"),
        "[[package]]\nname = \"smallvec\"\nversion = ",
    )
    .unwrap();
    std::fs::write(project.join("requirements.txt"), "jinja2==2.10\n").unwrap();
    std::fs::write(project.join("package-lock.json"), "{\"packages\": ").unwrap();
    let (output, findings) = scan("fs", &project, &db, &["--fail-on", "critical"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("a/Cargo.lock:") && stderr.contains("package-lock.json:"),
        "{stderr}"
    );
    assert!(keys(&findings).iter().any(|(name, _, _)| name == "jinja2"));
    assert_eq!(
        output.status.code(),
        Some(2),
        "unreadable files: exit 2 when nothing fails --fail-on"
    );
    let no_db = run(parapet()
        .args(["scan", "fs"])
        .arg(&project)
        .arg("--vuln-db")
        .arg(dir.path().join("none.db")));
    assert_eq!(no_db.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_db.stderr).contains("vuln-db import"));
}

fn tar_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, body) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        builder.append_data(&mut header, name, *body).unwrap();
    }
    builder.into_inner().unwrap()
}

/// A `docker save` archive of the Debian sample root filesystem with an
/// application layer on top: OS and language packages, each with its layer.
#[test]
fn an_image_archive_reports_the_layer_of_each_package() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let rootfs = samples().join("rootfs-debian");
    let os_release = std::fs::read(rootfs.join("etc/os-release")).unwrap();
    let status = std::fs::read(rootfs.join("var/lib/dpkg/status")).unwrap();
    let base = tar_bytes(&[
        ("etc/os-release", &os_release),
        ("var/lib/dpkg/status", &status),
    ]);
    let app = tar_bytes(&[
        ("srv/app/requirements.txt", b"jinja2==2.10\n"),
        ("srv/app/.wh.old", b""),
    ]);
    let manifest = br#"[{"Config":"c.json","RepoTags":["shop/api:1.4"],"Layers":["base/layer.tar","app/layer.tar"]}]"#;
    let config = br#"{"rootfs":{"type":"layers","diff_ids":["sha256:1111","sha256:2222"]}}"#;
    let image = dir.path().join("api.tar");
    std::fs::write(
        &image,
        tar_bytes(&[
            ("manifest.json", manifest),
            ("c.json", config),
            ("base/layer.tar", &base),
            ("app/layer.tar", &app),
        ]),
    )
    .unwrap();
    let (output, findings) = scan("image", &image, &db, &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let layer_of = |name: &str| {
        let f = findings
            .iter()
            .find(|f| f["package"]["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("{name}"));
        (
            f["package"]["location"]["layer"]
                .as_str()
                .unwrap()
                .to_string(),
            f["package"]["location"]["layer_index"].as_u64().unwrap(),
        )
    };
    assert_eq!(layer_of("libssl3"), ("sha256:1111".to_string(), 0));
    assert_eq!(layer_of("jinja2"), ("sha256:2222".to_string(), 1));
    let sbom = run(parapet().arg("sbom").arg(&image).args(["--format", "spdx"]));
    let doc: Value = sonic_rs::from_slice(&sbom.stdout).unwrap();
    assert_eq!(doc["name"].as_str(), Some("shop/api:1.4"));
    assert_eq!(
        doc["packages"].as_array().unwrap().len(),
        1 + 5 + 1,
        "target, five Debian packages, jinja2"
    );
}

#[test]
fn nothing_readable_is_an_error_naming_the_file_not_a_clean_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let project = dir.path().join("only-bad");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("Cargo.lock"),
        "[[package]]\nname = \"x\"\nversion = \n",
    )
    .unwrap();
    let output = run(parapet()
        .args(["scan", "fs"])
        .arg(&project)
        .arg("--vuln-db")
        .arg(&db));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        output.stdout.is_empty(),
        "no `No vulnerabilities.` for input never read"
    );
    assert!(
        stderr.contains(&format!(
            "{}/Cargo.lock: TOML parse error at line 3",
            project.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("nothing could be scanned"), "{stderr}");
}

/// A scan's JSON goes into cases: one case for what was scanned, one entry
/// per open vulnerability (named by its CVE), VEX-suppressed ones settled,
/// and importing the same scan again adds nothing.
#[test]
fn scan_findings_open_one_case_for_what_was_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let vex = dir.path().join("vex.json");
    std::fs::write(&vex, br#"{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"id":"CVE-2021-25900","analysis":{"state":"not_affected","justification":"code_not_reachable"},"affects":[{"ref":"pkg:cargo/smallvec@1.6.0"}]}]}"#).unwrap();
    let (output, findings) = scan(
        "fs",
        &samples().join("project"),
        &db,
        &["--vex", vex.to_str().unwrap(), "--show-suppressed"],
    );
    let report = dir.path().join("app-scan.json");
    std::fs::write(&report, &output.stdout).unwrap();
    let open = findings
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .count();
    assert!(open > 1 && open < findings.len());
    let state = dir.path().join("parapet.db");
    let import = || {
        run(parapet()
            .args(["case", "import", "--resource", "registry.example/app:1.4"])
            .arg(&report)
            .arg("--db")
            .arg(&state))
    };
    let first = import();
    let text = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(
        text.starts_with(&format!(
            "{open} alerts and findings added, 1 cases opened, 1 findings needing no case"
        )),
        "{text}"
    );
    let again = import();
    assert!(
        String::from_utf8_lossy(&again.stdout)
            .starts_with("0 alerts and findings added, 0 cases opened"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let bundle: Value = sonic_rs::from_slice(
        &run(parapet().args(["case", "export", "1", "--db"]).arg(&state)).stdout,
    )
    .unwrap();
    let alerts = bundle["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), open);
    let rules: Vec<&str> = alerts
        .iter()
        .filter_map(|a| a["rule_id"].as_str())
        .collect();
    assert!(!rules.contains(&"CVE-2021-25900"), "suppressed by VEX");
    assert!(
        rules
            .iter()
            .all(|r| r.starts_with("CVE-") || r.contains('-')),
        "{rules:?}"
    );
    let shown = String::from_utf8_lossy(
        &run(parapet().args(["case", "show", "1", "--db"]).arg(&state)).stdout,
    )
    .to_string();
    assert!(shown.contains("registry.example/app:1.4"), "{shown}");
}
