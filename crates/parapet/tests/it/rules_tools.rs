//! `rules test`, `rules lint` and `rules coverage` on the bundled rules, on
//! SigmaHQ's and on broken input.

use std::path::Path;

use sonic_rs::{JsonContainerTrait, JsonValueTrait};

use super::{parapet, run, shared};

fn bundled() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../parapet-sigma/rules")
}

#[test]
fn bundled_rule_tests_pass_and_a_failing_case_is_named() {
    let output = run(parapet().args(["rules", "test"]).arg(bundled()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(", 0 failed"), "{stdout}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("stop.yml"),
        "title: stop logging\nid: stop\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n    sel: {eventName: StopLogging}\n    condition: sel\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("stop.tests.yml"),
        "stop:\n  positive:\n    - {eventName: StopLogging, eventSource: cloudtrail.amazonaws.com}\n    - {eventName: StartLogging, eventSource: cloudtrail.amazonaws.com}\n  negative:\n    - {eventName: StopLogging, eventSource: cloudtrail.amazonaws.com}\nmissing:\n  positive: []\n",
    )
    .unwrap();
    let output = run(parapet().args(["rules", "test"]).arg(dir.path()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("stop.tests.yml: rule `stop`: positive[1] did not match: {\"eventName\":\"StartLogging\""), "{stdout}");
    assert!(
        stdout.contains("stop.tests.yml: rule `stop`: negative[0] matched"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rule `missing`: no rule or correlation of that id or name"),
        "{stdout}"
    );
    assert!(stdout.contains("1 cases passed, 3 failed"), "{stdout}");
}

#[test]
fn lint_names_file_line_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yml");
    std::fs::write(
        &path,
        "title: bad\nid: 5f0f3b8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b\nstatus: draft\ntags:\n    - attack.t10\nlogsource:\n    product: aws\ndetection:\n    sel:\n        eventName|endwith: X\n    condition: sel\n",
    )
    .unwrap();
    let output = run(parapet().args(["rules", "lint"]).arg(&path));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let name = path.display().to_string();
    assert!(
        stdout.contains(&format!("{name}:3: error: `status` draft")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{name}:5: error: tag `attack.t10`")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{name}:10: error: detection.sel: `eventName|endwith`: unknown modifier `endwith`"
        )),
        "{stdout}"
    );
    // Parapet's rules and SigmaHQ's are clean of errors.
    for rules in [bundled(), shared().join("corpora/sigma")] {
        let output = run(parapet().args(["rules", "lint"]).arg(&rules));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains(" 0 errors"),
            "{}: {}",
            rules.display(),
            stdout.lines().last().unwrap_or("")
        );
    }
    let output = run(parapet().args(["rules", "lint", "--strict"]).arg(bundled()));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn coverage_layer_keeps_techniques_newer_than_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let layer = dir.path().join("layer.json");
    let output = run(parapet()
        .args(["rules", "coverage", "--attack-layer"])
        .arg(&layer)
        .arg("--rules")
        .arg(shared().join("corpora/sigma")));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("T1685 is not in the shipped ATT&CK table"),
        "{stderr}"
    );
    let layer: sonic_rs::Value =
        sonic_rs::from_str(&std::fs::read_to_string(&layer).unwrap()).unwrap();
    let text = |v: &sonic_rs::Value, key: &str| {
        v.get(key)
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(text(&layer, "domain"), "enterprise-attack");
    let techniques = layer.get("techniques").and_then(|t| t.as_array()).unwrap();
    let find = |id: &str, tactic: &str| {
        techniques
            .iter()
            .find(|t| text(t, "techniqueID") == id && text(t, "tactic") == tactic)
            .unwrap_or_else(|| panic!("{id} {tactic} not in the layer"))
    };
    // A table technique goes under each of its tactics; bundled rules count.
    let cloud_accounts = find("T1078.004", "initial-access");
    assert!(
        cloud_accounts
            .get("score")
            .and_then(|s| s.as_u64())
            .unwrap()
            >= 2
    );
    find("T1078.004", "persistence");
    // Newer than the table: under the tactics the rules' tags name.
    let newer = find("T1685", "defense-impairment");
    let note = newer
        .get("metadata")
        .and_then(|m| m.get(0))
        .and_then(|m| m.get("value"))
        .and_then(|v| v.as_str())
        .unwrap();
    assert!(note.contains("not in MITRE ATT&CK"), "{note}");
    // Building blocks of correlations are not coverage of their own.
    assert!(!techniques.iter().any(|t| t["comment"]
        .as_str()
        .unwrap_or("")
        .contains("AWS Console Login Failure;")));
}
