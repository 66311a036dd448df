use parapet_core::{CvssScore, Level, Package, PackageLocation, VulnerabilityFinding};
use sonic_rs::JsonValueTrait;

use super::*;

fn finding(suppressed: Option<&str>) -> VulnerabilityFinding {
    VulnerabilityFinding {
        advisory_id: "GO-2020-0001".into(),
        aliases: vec!["CVE-2020-36567".into(), "GHSA-6vm3-jj99-7229".into()],
        summary: "Arbitrary log line injection".into(),
        severity: Level::High,
        cvss: vec![CvssScore {
            version: "3.1".into(),
            vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H".into(),
            base_score: Some(7.5),
        }],
        package: Package {
            ecosystem: "Go".into(),
            name: "github.com/gin-gonic/gin".into(),
            version: "v1.5.0".into(),
            purl: "pkg:golang/github.com/gin-gonic/gin@v1.5.0".into(),
            source_name: None,
            source_version: None,
            location: PackageLocation {
                path: "app/go.mod".into(),
                layer: Some("sha256:abc".into()),
                layer_index: Some(2),
            },
        },
        fixed_versions: vec!["1.6.0".into()],
        published: Some("2021-04-14T20:04:52Z".into()),
        modified: None,
        references: vec!["https://github.com/gin-gonic/gin/pull/2237".into()],
        suppressed: suppressed.map(str::to_string),
    }
}

const CONTEXT: VulnContext<'static> = VulnContext {
    target: "app:latest",
    generated_at: "2026-11-29T12:00:00Z",
};

fn render(format: VulnFormat, findings: &[VulnerabilityFinding]) -> String {
    let mut out = Vec::new();
    write_vulnerabilities(&mut out, format, findings, &CONTEXT).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn table_names_cve_fix_and_layer() {
    let text = render(VulnFormat::Table, &[finding(None)]);
    let row = text.lines().nth(1).unwrap();
    for part in [
        "high",
        "github.com/gin-gonic/gin (Go)",
        "v1.5.0",
        "1.6.0",
        "CVE-2020-36567 (GO-2020-0001)",
        "app/go.mod [layer 2]",
    ] {
        assert!(row.contains(part), "{part} missing from {row}");
    }
    assert_eq!(render(VulnFormat::Table, &[]), "No vulnerabilities.\n");
}

#[test]
fn sarif_ocsf_and_vex_shapes() {
    let sarif: sonic_rs::Value =
        sonic_rs::from_str(&render(VulnFormat::Sarif, &[finding(None)])).unwrap();
    let rule = &sarif["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(
        rule["properties"]["security-severity"].as_str(),
        Some("7.5")
    );
    assert_eq!(
        sarif["runs"][0]["results"][0]["level"].as_str(),
        Some("error")
    );

    let ocsf: sonic_rs::Value =
        sonic_rs::from_str(&render(VulnFormat::Ocsf, &[finding(None)])).unwrap();
    assert_eq!(ocsf[0]["class_uid"].as_u64(), Some(2002));
    assert_eq!(
        ocsf[0]["vulnerabilities"][0]["cve"]["uid"].as_str(),
        Some("CVE-2020-36567")
    );
    assert_eq!(
        ocsf[0]["vulnerabilities"][0]["affected_packages"][0]["fixed_in_version"].as_str(),
        Some("1.6.0")
    );

    let vex: sonic_rs::Value = sonic_rs::from_str(&render(
        VulnFormat::CycloneDxVex,
        &[finding(Some("code_not_reachable"))],
    ))
    .unwrap();
    assert_eq!(
        vex["vulnerabilities"][0]["analysis"]["state"].as_str(),
        Some("not_affected")
    );
    assert_eq!(
        vex["vulnerabilities"][0]["affects"][0]["ref"].as_str(),
        Some("pkg:golang/github.com/gin-gonic/gin@v1.5.0")
    );
    assert_eq!(
        vex["components"][0]["purl"],
        vex["vulnerabilities"][0]["affects"][0]["ref"]
    );
}
