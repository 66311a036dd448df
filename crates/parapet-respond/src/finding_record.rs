//! Findings into cases: a posture failure (`parapet scan --format jsonl`,
//! live or IaC) or a vulnerability (`parapet scan fs|image|sbom --format
//! json`) becomes an alert-shaped record, so it groups, triggers playbooks
//! and shows in a case like an alert. The finding itself is kept whole
//! under `finding`, for playbooks (`{{ alert.finding.resource.name }}`)
//! and exports.

use sonic_rs::{json, JsonContainerTrait, JsonValueTrait, Value};

use crate::template::lookup;

/// What a record read by `parapet case import` is.
#[derive(Debug, Clone, PartialEq)]
pub enum FindingRecord {
    /// Not a finding (an alert, or something else the caller judges).
    NotAFinding,
    /// A finding that opens nothing: passed, undecided, muted, or not
    /// affected by a VEX statement.
    Settled,
    /// A finding as an alert record.
    Alert(Value),
}

/// The text at a dotted path, "" when absent or not text.
fn text<'v>(value: &'v Value, path: &str) -> &'v str {
    lookup(value, path).and_then(|v| v.as_str()).unwrap_or("")
}

/// `scanned` names what a vulnerability scan read (an image, a folder);
/// `seen_at` (RFC 3339) stands for the time of findings that carry none.
pub fn finding_as_alert(record: &Value, scanned: &str, seen_at: &str) -> FindingRecord {
    if record.get("resource").is_some_and(|r| r.is_object()) && record.get("status").is_some() {
        return posture(record, seen_at);
    }
    if record.get("advisory_id").is_some() && record.get("package").is_some() {
        return vulnerability(record, scanned, seen_at);
    }
    FindingRecord::NotAFinding
}

fn posture(record: &Value, seen_at: &str) -> FindingRecord {
    let failed = text(record, "status").eq_ignore_ascii_case("fail");
    if !failed || record.get("muted").is_some_and(|m| !m.is_null()) {
        return FindingRecord::Settled;
    }
    let rule = text(record, "rule_id");
    let uid = text(record, "resource.uid");
    // The name joins CloudTrail alerts about the same bucket, user or
    // group (their request parameters name it the same way).
    let name = match text(record, "resource.name") {
        "" => uid,
        name => name,
    };
    let time = match text(record, "first_seen") {
        "" => seen_at,
        first => first,
    };
    FindingRecord::Alert(json!({
        "rule_id": rule,
        "rule_title": text(record, "title"),
        "level": text(record, "severity"),
        "source": "posture",
        "event_id": format!("finding:{rule}:{uid}"),
        "event_time": time,
        "resource": name,
        "account": text(record, "resource.account"),
        "region": text(record, "resource.region"),
        "finding": record,
    }))
}

fn vulnerability(record: &Value, scanned: &str, seen_at: &str) -> FindingRecord {
    if record.get("suppressed").is_some_and(|s| !s.is_null()) {
        return FindingRecord::Settled;
    }
    let advisory = text(record, "advisory_id");
    let cve = record
        .get("aliases")
        .and_then(|a| a.as_array())
        .and_then(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .find(|id| id.starts_with("CVE-"))
        });
    let id = cve.unwrap_or(advisory);
    let name = text(record, "package.name");
    let version = text(record, "package.version");
    let purl = match text(record, "package.purl") {
        "" => format!("{name}@{version}"),
        purl => purl.to_string(),
    };
    FindingRecord::Alert(json!({
        "rule_id": id,
        "rule_title": format!("{name} {version}: {}", text(record, "summary")),
        "level": text(record, "severity"),
        "source": "vulnerability",
        "event_id": format!("vuln:{advisory}:{purl}:{scanned}"),
        "event_time": seen_at,
        "resource": scanned,
        "finding": record,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert_facts;
    use parapet_core::Level;

    fn parse(text: &str) -> Value {
        sonic_rs::from_str(text).unwrap()
    }

    #[test]
    fn posture_failures_become_alerts_about_their_resource() {
        let failed = parse(
            r#"{"rule_id":"AWS-S3-002","title":"S3 bucket policy allows public access","severity":"critical","status":"FAIL","resource":{"uid":"arn:aws:s3:::exposed","kind":"aws.s3.bucket","name":"exposed","provider":"aws","account":"123456789012","region":"us-east-1"},"evidence":"Principal *"}"#,
        );
        let FindingRecord::Alert(alert) = finding_as_alert(&failed, "x", "2026-11-20T10:00:00Z")
        else {
            panic!("a failure is a case entry")
        };
        let facts = alert_facts(&alert);
        assert_eq!(facts.rule_id, "AWS-S3-002");
        assert_eq!(facts.level, Level::Critical);
        assert_eq!(facts.resource.as_deref(), Some("exposed"));
        assert_eq!(facts.identity, None);
        assert!(facts.time > 0);
        assert_eq!(
            alert["finding"]["evidence"].as_str(),
            Some("Principal *"),
            "the finding is kept whole"
        );
        let passed = parse(&failed.to_string().replace("\"FAIL\"", "\"PASS\""));
        assert_eq!(finding_as_alert(&passed, "x", "t"), FindingRecord::Settled);
        let muted = parse(
            &failed
                .to_string()
                .replace("\"evidence\"", "\"muted\":\"ok\",\"e\""),
        );
        assert_eq!(finding_as_alert(&muted, "x", "t"), FindingRecord::Settled);
    }

    #[test]
    fn vulnerabilities_are_named_by_cve_and_grouped_by_what_was_scanned() {
        let vuln = parse(
            r#"{"advisory_id":"GHSA-xxxx","aliases":["CVE-2024-1"],"summary":"overflow","severity":"high","cvss":[],"package":{"name":"openssl","version":"3.0.1","purl":"pkg:deb/debian/openssl@3.0.1"},"fixed_versions":["3.0.2"],"references":[]}"#,
        );
        let FindingRecord::Alert(alert) =
            finding_as_alert(&vuln, "registry/app:1.2", "2026-11-20T10:00:00Z")
        else {
            panic!("an open vulnerability is a case entry")
        };
        let facts = alert_facts(&alert);
        assert_eq!(facts.rule_id, "CVE-2024-1");
        assert_eq!(facts.resource.as_deref(), Some("registry/app:1.2"));
        assert_eq!(facts.title, "openssl 3.0.1: overflow");
        let vexed = parse(&vuln.to_string().replace(
            "\"references\"",
            "\"suppressed\":\"code_not_reachable\",\"r\"",
        ));
        assert_eq!(finding_as_alert(&vexed, "x", "t"), FindingRecord::Settled);
        let alert_line = parse(r#"{"rule_id":"r1","rule_title":"t","level":"high"}"#);
        assert_eq!(
            finding_as_alert(&alert_line, "x", "t"),
            FindingRecord::NotAFinding
        );
    }
}
