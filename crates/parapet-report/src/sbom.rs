//! SBOMs Parapet writes from what it found: CycloneDX 1.5 JSON and SPDX 2.3
//! JSON.

use parapet_core::Package;
use sonic_rs::{json, Value};

/// A CycloneDX 1.5 BOM, one component per package (by purl).
pub fn cyclonedx_sbom(packages: &[Package], target: &str, generated_at: &str) -> Value {
    let mut components: Vec<Value> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for p in packages {
        if seen.contains(&p.purl.as_str()) {
            continue;
        }
        seen.push(&p.purl);
        let mut properties = vec![json!({"name": "parapet:location", "value": p.location.path})];
        if let Some(layer) = &p.location.layer {
            properties.push(json!({"name": "parapet:layer", "value": layer}));
        }
        components.push(json!({
            "type": "library",
            "bom-ref": p.purl,
            "name": p.name,
            "version": p.version,
            "purl": p.purl,
            "properties": properties,
        }));
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "timestamp": generated_at,
            "tools": {"components": [{"type": "application", "name": "Parapet", "version": env!("CARGO_PKG_VERSION")}]},
            "component": {"type": "application", "name": target, "bom-ref": "root"},
        },
        "components": components,
    })
}

/// An SPDX 2.3 document: the scanned target DESCRIBES/CONTAINS one package
/// per purl, each with its purl as a PACKAGE-MANAGER external reference.
pub fn spdx_sbom(packages: &[Package], target: &str, generated_at: &str) -> Value {
    let mut spdx_packages = vec![json!({
        "SPDXID": "SPDXRef-Target", "name": target, "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false, "primaryPackagePurpose": "CONTAINER",
    })];
    let mut relationships = vec![
        json!({"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-Target"}),
    ];
    let mut seen: Vec<&str> = Vec::new();
    for p in packages {
        if seen.contains(&p.purl.as_str()) {
            continue;
        }
        seen.push(&p.purl);
        let id = format!("SPDXRef-Package-{}", seen.len());
        spdx_packages.push(json!({
            "SPDXID": id,
            "name": p.name,
            "versionInfo": p.version,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "sourceInfo": format!("found in {}", p.location.path),
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": p.purl}],
        }));
        relationships.push(json!({"spdxElementId": "SPDXRef-Target", "relationshipType": "CONTAINS", "relatedSpdxElement": id}));
    }
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": target,
        "documentNamespace": format!("https://parapet.invalid/spdx/{}-{}", target.replace(['/', ' ', ':'], "_"), generated_at.replace(':', "")),
        "creationInfo": {"created": generated_at, "creators": [format!("Tool: parapet-{}", env!("CARGO_PKG_VERSION"))]},
        "packages": spdx_packages,
        "relationships": relationships,
    })
}
