//! SBOMs: CycloneDX (JSON, XML) and SPDX (JSON, tag-value). A component is
//! matched through its purl; those without one are counted and reported.

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

use crate::error::VulnError;
use crate::purl::parse_purl;

use super::{Extracted, FileOrigin};

/// Nested components deeper than this are not followed.
const MAX_NESTING: usize = 64;

struct Collector<'a, 'o> {
    origin: FileOrigin<'o>,
    out: &'a mut Extracted,
    without_purl: usize,
}

impl Collector<'_, '_> {
    fn add(&mut self, purl: Option<&str>) {
        let Some(purl) = purl.filter(|p| !p.is_empty()) else {
            self.without_purl += 1;
            return;
        };
        match parse_purl(purl) {
            Some(p) => {
                let mut package = self.origin.package(&p.ecosystem, &p.name, &p.version);
                package.purl = purl.to_string();
                self.out.packages.push(package);
            }
            None => self.without_purl += 1,
        }
    }

    fn finish(self) {
        if self.without_purl > 0 {
            self.out.errors.push(VulnError::parse(
                self.origin.path,
                format!("{} components without a purl of a known type (or without a version) were not matched", self.without_purl),
            ));
        }
    }
}

fn json(bytes: &[u8], origin: FileOrigin<'_>) -> Result<Value, VulnError> {
    crate::json::parse(bytes, origin.path)
}

pub(super) fn cyclonedx_json(
    bytes: &[u8],
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let doc = json(bytes, origin)?;
    if doc.get("bomFormat").and_then(|v| v.as_str()) != Some("CycloneDX") {
        return Err(VulnError::parse(
            origin.path,
            "not a CycloneDX BOM: `bomFormat` is not \"CycloneDX\"",
        ));
    }
    let mut collector = Collector {
        origin,
        out,
        without_purl: 0,
    };
    if let Some(components) = doc.get("components") {
        cyclonedx_components(components, &mut collector, 0);
    }
    collector.finish();
    Ok(())
}

fn cyclonedx_components(components: &Value, collector: &mut Collector<'_, '_>, depth: usize) {
    let Some(list) = components.as_array() else {
        return;
    };
    if depth > MAX_NESTING {
        collector.out.errors.push(VulnError::refused(
            collector.origin.path,
            format!("components nested deeper than {MAX_NESTING}"),
        ));
        return;
    }
    for component in list.iter() {
        collector.add(component.get("purl").and_then(|v| v.as_str()));
        if let Some(inner) = component.get("components") {
            cyclonedx_components(inner, collector, depth + 1);
        }
    }
}

pub(super) fn cyclonedx_xml(
    text: &str,
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| VulnError::parse(origin.path, e.to_string()))?;
    if doc.root_element().tag_name().name() != "bom" {
        return Err(VulnError::parse(
            origin.path,
            "not a CycloneDX BOM: the root element is not <bom>",
        ));
    }
    let mut collector = Collector {
        origin,
        out,
        without_purl: 0,
    };
    let in_components = |n: &roxmltree::Node<'_, '_>| {
        n.parent_element()
            .is_some_and(|p| p.tag_name().name() == "components")
    };
    for component in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "component" && in_components(n))
    {
        let purl = component
            .children()
            .find(|c| c.tag_name().name() == "purl")
            .and_then(|c| c.text());
        collector.add(purl.map(str::trim));
    }
    collector.finish();
    Ok(())
}

pub(super) fn spdx_json(
    bytes: &[u8],
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let doc = json(bytes, origin)?;
    if doc.get("spdxVersion").is_none() {
        return Err(VulnError::parse(
            origin.path,
            "not an SPDX document: no `spdxVersion`",
        ));
    }
    let mut collector = Collector {
        origin,
        out,
        without_purl: 0,
    };
    for package in doc
        .get("packages")
        .and_then(|v| v.as_array())
        .into_iter()
        .flat_map(|a| a.iter())
    {
        let purl = package
            .get("externalRefs")
            .and_then(|v| v.as_array())
            .into_iter()
            .flat_map(|refs| refs.iter())
            .find(|r| r.get("referenceType").and_then(|v| v.as_str()) == Some("purl"))
            .and_then(|r| r.get("referenceLocator").and_then(|v| v.as_str()));
        // SPDX describes the document's subject (the image, the folder) as a
        // package too; without a purl it is no dependency.
        if purl.is_some() || package.get("versionInfo").is_some() {
            collector.add(purl);
        }
    }
    collector.finish();
    Ok(())
}

pub(super) fn spdx_tag_value(text: &str, origin: FileOrigin<'_>, out: &mut Extracted) {
    let mut collector = Collector {
        origin,
        out,
        without_purl: 0,
    };
    let mut pending: Option<(bool, Option<String>)> = None; // (has version, purl)
    let flush = |pending: &mut Option<(bool, Option<String>)>,
                 collector: &mut Collector<'_, '_>| {
        if let Some((has_version, purl)) = pending.take() {
            if has_version || purl.is_some() {
                collector.add(purl.as_deref());
            }
        }
    };
    for line in text.lines() {
        let Some((tag, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match tag.trim() {
            "PackageName" => {
                flush(&mut pending, &mut collector);
                pending = Some((false, None));
            }
            "PackageVersion" => {
                if let Some(p) = pending.as_mut() {
                    p.0 = true;
                }
            }
            "ExternalRef" => {
                let mut words = value.split_whitespace();
                let (_, kind, locator) = (words.next(), words.next(), words.next());
                if let (Some("purl"), Some(locator), Some(p)) = (kind, locator, pending.as_mut()) {
                    p.1 = Some(locator.to_string());
                }
            }
            _ => {}
        }
    }
    flush(&mut pending, &mut collector);
    collector.finish();
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: FileOrigin<'static> = FileOrigin {
        path: "bom.json",
        layer: None,
    };

    fn names(out: &Extracted) -> Vec<(&str, &str, &str)> {
        out.packages
            .iter()
            .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str()))
            .collect()
    }

    #[test]
    fn cyclonedx_json_with_nested_components() {
        let bom = br#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[
            {"type":"library","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20",
             "components":[{"name":"inner","purl":"pkg:pypi/jinja2@2.10"}]},
            {"type":"library","name":"nopurl","version":"1"}]}"#;
        let mut out = Extracted::default();
        cyclonedx_json(bom, ORIGIN, &mut out).unwrap();
        assert_eq!(
            names(&out),
            [("npm", "lodash", "4.17.20"), ("PyPI", "jinja2", "2.10")]
        );
        assert!(out.errors[0]
            .to_string()
            .contains("1 components without a purl"));
        assert!(cyclonedx_json(br#"{"bomFormat":"x"}"#, ORIGIN, &mut out).is_err());
    }

    #[test]
    fn cyclonedx_xml_and_spdx() {
        let xml = r#"<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library"><name>serde</name><version>1.0.0</version><purl>pkg:cargo/serde@1.0.0</purl></component></components></bom>"#;
        let spdx = br#"{"spdxVersion":"SPDX-2.3","packages":[{"name":"img","SPDXID":"x"},{"name":"gin","versionInfo":"v1.5.0","externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:golang/github.com/gin-gonic/gin@v1.5.0"}]}]}"#;
        let tv = "SPDXVersion: SPDX-2.3\nPackageName: rack\nPackageVersion: 2.0.8\nExternalRef: PACKAGE-MANAGER purl pkg:gem/rack@2.0.8\n\nPackageName: lonely\n";
        let mut out = Extracted::default();
        cyclonedx_xml(xml, ORIGIN, &mut out).unwrap();
        spdx_json(spdx, ORIGIN, &mut out).unwrap();
        spdx_tag_value(tv, ORIGIN, &mut out);
        assert_eq!(
            names(&out),
            [
                ("crates.io", "serde", "1.0.0"),
                ("Go", "github.com/gin-gonic/gin", "v1.5.0"),
                ("RubyGems", "rack", "2.0.8")
            ]
        );
        assert!(out.errors.is_empty(), "{:?}", out.errors);
    }
}
