//! VEX input: statements that a product is not affected by a
//! vulnerability suppress the matching findings. Reads CycloneDX VEX
//! (`vulnerabilities[].analysis.state`) and OpenVEX (`statements[]`).

use parapet_core::VulnerabilityFinding;
use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

use crate::error::VulnError;
use crate::purl::parse_purl;

/// One "not affected" statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexStatement {
    /// The vulnerability: an advisory id or an alias (CVE, GHSA).
    pub vulnerability: String,
    /// The purls it covers; empty covers every package.
    pub products: Vec<String>,
    pub justification: String,
}

/// Reads the not-affected statements of a CycloneDX or OpenVEX document.
pub fn read_vex(bytes: &[u8], file: &str) -> Result<Vec<VexStatement>, VulnError> {
    let doc: Value = crate::json::parse(bytes, file)?;
    let text = |v: Option<&Value>| v.and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let mut out = Vec::new();
    if let Some(list) = doc.get("vulnerabilities").and_then(|v| v.as_array()) {
        for (i, vulnerability) in list.iter().enumerate() {
            let analysis = vulnerability.get("analysis");
            let state = text(analysis.and_then(|a| a.get("state")));
            if state != "not_affected" && state != "false_positive" {
                continue;
            }
            let id = text(vulnerability.get("id"));
            if id.is_empty() {
                return Err(VulnError::parse(
                    file,
                    format!("vulnerabilities[{i}].id is missing"),
                ));
            }
            let justification = [
                text(analysis.and_then(|a| a.get("justification"))),
                text(analysis.and_then(|a| a.get("detail"))),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(": ");
            let products = vulnerability
                .get("affects")
                .and_then(|a| a.as_array())
                .into_iter()
                .flat_map(|a| a.iter())
                .map(|a| text(a.get("ref")))
                .filter(|r| r.starts_with("pkg:"))
                .collect();
            out.push(VexStatement {
                vulnerability: id,
                products,
                justification: if justification.is_empty() {
                    state
                } else {
                    justification
                },
            });
        }
        return Ok(out);
    }
    if let Some(list) = doc.get("statements").and_then(|v| v.as_array()) {
        for (i, statement) in list.iter().enumerate() {
            if text(statement.get("status")) != "not_affected" {
                continue;
            }
            let vulnerability = statement.get("vulnerability");
            let id = match vulnerability.and_then(|v| v.as_str()) {
                Some(id) => id.to_string(),
                None => text(vulnerability.and_then(|v| v.get("name"))),
            };
            if id.is_empty() {
                return Err(VulnError::parse(
                    file,
                    format!("statements[{i}].vulnerability is missing"),
                ));
            }
            let products = statement
                .get("products")
                .and_then(|p| p.as_array())
                .into_iter()
                .flat_map(|a| a.iter())
                .map(|p| {
                    p.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| text(p.get("@id")))
                })
                .filter(|r| r.starts_with("pkg:"))
                .collect();
            let justification = [
                text(statement.get("justification")),
                text(statement.get("impact_statement")),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(": ");
            out.push(VexStatement {
                vulnerability: id,
                products,
                justification: if justification.is_empty() {
                    "not_affected".into()
                } else {
                    justification
                },
            });
        }
        return Ok(out);
    }
    Err(VulnError::parse(
        file,
        "neither a CycloneDX VEX (`vulnerabilities`) nor an OpenVEX document (`statements`)",
    ))
}

/// Two purls name the same package when ecosystem, name and version agree
/// (qualifiers such as arch and distro are left aside).
fn same_package(a: &str, b: &str) -> bool {
    match (parse_purl(a), parse_purl(b)) {
        (Some(x), Some(y)) => {
            x.name == y.name
                && x.version == y.version
                && x.ecosystem.split(':').next() == y.ecosystem.split(':').next()
        }
        _ => a == b,
    }
}

/// Marks the findings a statement covers as suppressed; returns how many.
pub fn apply_vex(findings: &mut [VulnerabilityFinding], statements: &[VexStatement]) -> usize {
    let mut suppressed = 0;
    for finding in findings.iter_mut() {
        let statement = statements.iter().find(|s| {
            finding.is_known_as(&s.vulnerability)
                && (s.products.is_empty()
                    || s.products
                        .iter()
                        .any(|p| same_package(p, &finding.package.purl)))
        });
        if let Some(statement) = statement {
            finding.suppressed = Some(statement.justification.clone());
            suppressed += 1;
        }
    }
    suppressed
}

#[cfg(test)]
mod tests {
    use parapet_core::{Level, Package, PackageLocation};

    use super::*;

    fn finding(purl: &str) -> VulnerabilityFinding {
        let p = parse_purl(purl).unwrap();
        VulnerabilityFinding {
            advisory_id: "GHSA-x".into(),
            aliases: vec!["CVE-2021-44228".into()],
            summary: String::new(),
            severity: Level::Critical,
            cvss: vec![],
            package: Package {
                ecosystem: p.ecosystem,
                name: p.name,
                version: p.version,
                purl: purl.into(),
                source_name: None,
                source_version: None,
                location: PackageLocation::default(),
            },
            fixed_versions: vec![],
            published: None,
            modified: None,
            references: vec![],
            suppressed: None,
        }
    }

    #[test]
    fn cyclonedx_and_openvex_suppress_by_alias_and_purl() {
        let cdx = br#"{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-2021-44228","analysis":{"state":"not_affected","justification":"code_not_reachable"},"affects":[{"ref":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]},{"id":"CVE-2","analysis":{"state":"exploitable"}}]}"#;
        let statements = read_vex(cdx, "vex.json").unwrap();
        assert_eq!(statements.len(), 1);
        let mut findings = vec![
            finding("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
            finding("pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0"),
        ];
        assert_eq!(apply_vex(&mut findings, &statements), 1);
        assert_eq!(
            findings[0].suppressed.as_deref(),
            Some("code_not_reachable")
        );
        assert!(findings[1].suppressed.is_none());

        let openvex = br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"GHSA-x"},"products":[{"@id":"pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0"}],"status":"not_affected","justification":"vulnerable_code_not_present"}]}"#;
        let statements = read_vex(openvex, "o.json").unwrap();
        assert_eq!(apply_vex(&mut findings, &statements), 1);
        assert_eq!(
            findings[1].suppressed.as_deref(),
            Some("vulnerable_code_not_present")
        );
        assert!(read_vex(b"{}", "e.json")
            .unwrap_err()
            .to_string()
            .starts_with("e.json:"));
    }
}
