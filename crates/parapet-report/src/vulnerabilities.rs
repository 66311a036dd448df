//! Vulnerability findings for people (table) and tools: JSON, SARIF 2.1.0,
//! CycloneDX 1.5 VEX, OCSF Vulnerability Finding (class 2002).

use std::io::{self, Write};
use std::str::FromStr;

use parapet_core::VulnerabilityFinding;
use sonic_rs::{json, Value};

use crate::table::write_grid;

const OCSF_VERSION: &str = "1.3.0";
const VULNERABILITY_FINDING: u32 = 2002;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VulnFormat {
    Table,
    Json,
    Sarif,
    CycloneDxVex,
    Ocsf,
}

impl FromStr for VulnFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "table" => VulnFormat::Table,
            "json" => VulnFormat::Json,
            "sarif" => VulnFormat::Sarif,
            "cyclonedx-vex" | "vex" => VulnFormat::CycloneDxVex,
            "ocsf" => VulnFormat::Ocsf,
            other => {
                return Err(format!(
                "unknown format `{other}`; expected one of table, json, sarif, cyclonedx-vex, ocsf"
            ))
            }
        })
    }
}

/// What the findings are about.
pub struct VulnContext<'a> {
    /// The scanned image, folder or file.
    pub target: &'a str,
    /// RFC 3339 time of the scan.
    pub generated_at: &'a str,
}

pub fn write_vulnerabilities(
    out: &mut dyn Write,
    format: VulnFormat,
    findings: &[VulnerabilityFinding],
    context: &VulnContext<'_>,
) -> io::Result<()> {
    let value = match format {
        VulnFormat::Table => return write_table(out, findings),
        VulnFormat::Json => sonic_rs::to_value(findings).map_err(io::Error::other)?,
        VulnFormat::Sarif => sarif(findings),
        VulnFormat::CycloneDxVex => cyclonedx_vex(findings, context),
        VulnFormat::Ocsf => Value::from(
            findings
                .iter()
                .map(|f| ocsf(f, context))
                .collect::<Vec<_>>(),
        ),
    };
    let bytes = sonic_rs::to_vec_pretty(&value).map_err(io::Error::other)?;
    out.write_all(&bytes)?;
    out.write_all(b"\n")
}

fn write_table(out: &mut dyn Write, findings: &[VulnerabilityFinding]) -> io::Result<()> {
    if findings.is_empty() {
        return writeln!(out, "No vulnerabilities.");
    }
    let header = [
        "SEVERITY",
        "PACKAGE",
        "INSTALLED",
        "FIXED IN",
        "ADVISORY",
        "WHERE",
        "SUMMARY",
    ];
    let rows = findings
        .iter()
        .map(|f| {
            let p = &f.package;
            let id = if f.primary_id() == f.advisory_id {
                f.advisory_id.clone()
            } else {
                format!("{} ({})", f.primary_id(), f.advisory_id)
            };
            let place = match p.location.layer_index {
                Some(layer) => format!("{} [layer {layer}]", p.location.path),
                None => p.location.path.clone(),
            };
            let fixed = if f.fixed_versions.is_empty() {
                "-".to_string()
            } else {
                f.fixed_versions.join(", ")
            };
            vec![
                f.severity.to_string(),
                format!("{} ({})", p.name, p.ecosystem),
                p.version.clone(),
                fixed,
                id,
                place,
                f.summary.clone(),
            ]
        })
        .collect();
    write_grid(out, &header, rows)
}

fn best_score(f: &VulnerabilityFinding) -> Option<f64> {
    f.cvss
        .iter()
        .filter_map(|c| c.base_score)
        .fold(None, |best, s| Some(best.map_or(s, |b: f64| b.max(s))))
}

fn message(f: &VulnerabilityFinding) -> String {
    let fix = if f.fixed_versions.is_empty() {
        "no fixed version known".to_string()
    } else {
        format!("fixed in {}", f.fixed_versions.join(", "))
    };
    format!(
        "{} {} ({}) is affected by {}: {}; {fix}",
        f.package.name,
        f.package.version,
        f.package.ecosystem,
        f.primary_id(),
        f.summary
    )
}

fn sarif(findings: &[VulnerabilityFinding]) -> Value {
    let mut rules: Vec<&VulnerabilityFinding> = Vec::new();
    for f in findings {
        if !rules.iter().any(|r| r.advisory_id == f.advisory_id) {
            rules.push(f);
        }
    }
    rules.sort_by(|a, b| a.advisory_id.cmp(&b.advisory_id));
    let rules: Vec<Value> = rules
        .iter()
        .map(|f| {
            let mut rule = json!({
                "id": f.advisory_id,
                "shortDescription": {"text": f.summary},
                "properties": {"tags": ["security", "vulnerability"], "aliases": f.aliases},
            });
            if let Some(score) = best_score(f) {
                rule["properties"].insert("security-severity", json!(format!("{score:.1}")));
            }
            if let Some(url) = f.references.iter().find(|u| u.starts_with("https://")) {
                rule.insert("helpUri", json!(url));
            }
            rule
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.advisory_id,
                "level": crate::finding_formats::sarif_level(f.severity),
                "message": {"text": message(f)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.package.location.path}}}],
                "properties": {"purl": f.package.purl, "layer": f.package.location.layer},
            });
            if let Some(reason) = &f.suppressed {
                result.insert("suppressions", json!([{"kind": "external", "justification": reason}]));
            }
            result
        })
        .collect();
    crate::finding_formats::sarif_run(rules, results)
}

fn cvss_method(version: &str) -> &'static str {
    match version {
        "3.1" => "CVSSv31",
        "3.0" => "CVSSv3",
        "4.0" => "CVSSv4",
        _ => "CVSSv2",
    }
}

/// CycloneDX 1.5 with `vulnerabilities`: each advisory once, affecting the
/// packages (components by purl) it was found in; suppressed ones carry
/// `not_affected` and the VEX justification.
fn cyclonedx_vex(findings: &[VulnerabilityFinding], context: &VulnContext<'_>) -> Value {
    let mut components: Vec<(&str, &VulnerabilityFinding)> = findings
        .iter()
        .map(|f| (f.package.purl.as_str(), f))
        .collect();
    components.sort_by(|a, b| a.0.cmp(b.0));
    components.dedup_by(|a, b| a.0 == b.0);
    let components: Vec<Value> = components
        .iter()
        .map(|(purl, f)| json!({"type": "library", "bom-ref": purl, "name": f.package.name, "version": f.package.version, "purl": purl}))
        .collect();
    let mut ids: Vec<&str> = findings.iter().map(|f| f.advisory_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let vulnerabilities: Vec<Value> = ids
        .iter()
        .map(|id| {
            let group: Vec<&VulnerabilityFinding> = findings.iter().filter(|f| f.advisory_id == *id).collect();
            let first = group[0];
            let ratings: Vec<Value> = first
                .cvss
                .iter()
                .map(|c| json!({"method": cvss_method(&c.version), "vector": c.vector, "score": c.base_score, "severity": first.severity.as_str()}))
                .collect();
            let affects: Vec<Value> = group.iter().map(|f| json!({"ref": f.package.purl})).collect();
            let analysis = match group.iter().find_map(|f| f.suppressed.as_deref()) {
                Some(reason) if group.iter().all(|f| f.suppressed.is_some()) => json!({"state": "not_affected", "detail": reason}),
                _ => json!({"state": "exploitable"}),
            };
            let mut vulnerability = json!({
                "id": id,
                "source": {"name": source_name(id)},
                "description": first.summary,
                "ratings": ratings,
                "affects": affects,
                "analysis": analysis,
                "recommendation": if first.fixed_versions.is_empty() { String::new() } else { format!("upgrade to {}", first.fixed_versions.join(" or ")) },
            });
            if !first.aliases.is_empty() {
                let references: Vec<Value> = first.aliases.iter().map(|a| json!({"id": a, "source": {"name": source_name(a)}})).collect();
                vulnerability.insert("references", Value::from(references));
            }
            vulnerability
        })
        .collect();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "timestamp": context.generated_at,
            "tools": {"components": [{"type": "application", "name": "Parapet", "version": env!("CARGO_PKG_VERSION")}]},
            "component": {"type": "container", "name": context.target},
        },
        "components": components,
        "vulnerabilities": vulnerabilities,
    })
}

fn source_name(id: &str) -> &'static str {
    match id.split('-').next().unwrap_or_default() {
        "CVE" => "NVD",
        "GHSA" => "GitHub",
        "RUSTSEC" => "RustSec",
        "GO" => "Go Vulnerability Database",
        "PYSEC" => "PyPA",
        _ => "OSV",
    }
}

fn ocsf(f: &VulnerabilityFinding, context: &VulnContext<'_>) -> Value {
    let time = parapet_core::parse_rfc3339(context.generated_at).map(|t| t.0);
    let cvss: Vec<Value> = f
        .cvss
        .iter()
        .map(|c| json!({"version": c.version, "vector_string": c.vector, "base_score": c.base_score}))
        .collect();
    let p = &f.package;
    json!({
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": VULNERABILITY_FINDING,
        "class_name": "Vulnerability Finding",
        "type_uid": VULNERABILITY_FINDING * 100 + 1,
        "type_name": "Vulnerability Finding: Create",
        "severity_id": f.severity.ocsf_severity_id(),
        "severity": f.severity.ocsf_severity(),
        "time": time,
        "status_id": if f.suppressed.is_some() { 3 } else { 1 },
        "status": if f.suppressed.is_some() { "Suppressed" } else { "New" },
        "message": message(f),
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "Parapet", "vendor_name": "Parapet", "version": env!("CARGO_PKG_VERSION")},
        },
        "finding_info": {
            "uid": format!("{}:{}", f.advisory_id, p.purl),
            "title": f.summary,
            "types": ["Vulnerability"],
            "analytic": {"uid": f.advisory_id, "type_id": 1, "type": "Rule"},
        },
        "vulnerabilities": [{
            "cve": {"uid": f.primary_id(), "cvss": cvss, "published_time_dt": f.published},
            "title": f.summary,
            "severity": f.severity.ocsf_severity(),
            "is_fix_available": !f.fixed_versions.is_empty(),
            "fix_available": !f.fixed_versions.is_empty(),
            "references": f.references,
            "related_vulnerabilities": f.aliases,
            "vendor_name": source_name(&f.advisory_id),
            "affected_packages": [{
                "name": p.name,
                "version": p.version,
                "purl": p.purl,
                "package_manager": p.ecosystem,
                "fixed_in_version": f.fixed_versions.first(),
                "path": p.location.path,
            }],
        }],
        "resources": [{"uid": context.target, "type": "Target", "data": {"layer": p.location.layer}}],
        "unmapped": {"suppressed_reason": f.suppressed},
    })
}

#[cfg(test)]
#[path = "vulnerabilities_tests.rs"]
mod tests;
