//! Java: pom.xml dependencies and jars (their embedded pom.properties,
//! nested jars of fat jars, else the manifest).

use std::io::{Cursor, Read};

use crate::error::VulnError;

use super::{Extracted, FileOrigin};

/// A nested jar deeper than this, or larger, is not opened.
const MAX_JAR_DEPTH: usize = 3;
const MAX_NESTED_JAR_BYTES: u64 = 256 << 20;
const MAX_SMALL_ENTRY_BYTES: u64 = 1 << 20;
const MAX_ENTRIES: usize = 200_000;

pub(super) fn pom_xml(
    text: &str,
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| VulnError::parse(origin.path, e.to_string()))?;
    let root = doc.root_element();
    let child = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .map(str::trim)
            .map(str::to_string)
    };
    let mut properties: Vec<(String, String)> = Vec::new();
    if let Some(props) = root
        .children()
        .find(|c| c.tag_name().name() == "properties")
    {
        for p in props.children().filter(|c| c.is_element()) {
            properties.push((
                p.tag_name().name().to_string(),
                p.text().unwrap_or_default().trim().to_string(),
            ));
        }
    }
    if let Some(version) = child(root, "version") {
        properties.push(("project.version".into(), version));
    }
    let resolve = |value: &str| -> Option<String> {
        match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
            Some(key) => properties
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone()),
            None => Some(value.to_string()),
        }
    };
    let sections = root.children().filter(|c| {
        c.tag_name().name() == "dependencies" || c.tag_name().name() == "dependencyManagement"
    });
    for section in sections {
        for dep in section
            .descendants()
            .filter(|d| d.tag_name().name() == "dependency")
        {
            let (Some(group), Some(artifact), Some(version)) = (
                child(dep, "groupId"),
                child(dep, "artifactId"),
                child(dep, "version"),
            ) else {
                continue; // managed elsewhere: no version here
            };
            let (Some(group), Some(version)) = (resolve(&group), resolve(&version)) else {
                let line = doc.text_pos_at(dep.range().start).row;
                out.errors.push(VulnError::parse(
                    &format!("{}:{line}", origin.path),
                    format!("{group}:{artifact}: unresolved property in `{version}`"),
                ));
                continue;
            };
            if !version.starts_with('[') && !version.starts_with('(') {
                out.packages.push(origin.package(
                    "Maven",
                    &format!("{group}:{artifact}"),
                    &version,
                ));
            }
        }
    }
    Ok(())
}

pub(super) fn jar(
    bytes: &[u8],
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    read_jar(bytes, origin.path, origin, out, 0)
}

fn read_jar(
    bytes: &[u8],
    label: &str,
    origin: FileOrigin<'_>,
    out: &mut Extracted,
    depth: usize,
) -> Result<(), VulnError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| VulnError::parse(label, format!("not a jar (zip): {e}")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(VulnError::refused(
            label,
            format!("more than {MAX_ENTRIES} entries"),
        ));
    }
    let before = out.packages.len();
    let mut manifest = None;
    for i in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(i) else {
            continue;
        };
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("/pom.properties") && lower.starts_with("meta-inf/maven/") {
            let text = read_entry(&mut entry, MAX_SMALL_ENTRY_BYTES, label)?;
            pom_properties(&text, origin, out);
        } else if lower == "meta-inf/manifest.mf" {
            manifest = Some(read_entry(&mut entry, MAX_SMALL_ENTRY_BYTES, label)?);
        } else if (lower.ends_with(".jar") || lower.ends_with(".war")) && depth < MAX_JAR_DEPTH {
            let nested_label = format!("{label}!{name}");
            let mut nested = Vec::new();
            (&mut entry)
                .take(MAX_NESTED_JAR_BYTES + 1)
                .read_to_end(&mut nested)
                .map_err(|e| VulnError::io(&nested_label, e))?;
            if nested.len() as u64 > MAX_NESTED_JAR_BYTES {
                out.errors.push(VulnError::refused(
                    &nested_label,
                    format!("inflates past {MAX_NESTED_JAR_BYTES} bytes"),
                ));
                continue;
            }
            if let Err(e) = read_jar(&nested, &nested_label, origin, out, depth + 1) {
                out.errors.push(e);
            }
        }
    }
    if out.packages.len() == before {
        if let Some(manifest) = manifest {
            manifest_package(&manifest, origin, out);
        }
    }
    Ok(())
}

fn read_entry(
    entry: &mut zip::read::ZipFile<'_, Cursor<&[u8]>>,
    limit: u64,
    label: &str,
) -> Result<String, VulnError> {
    let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
    let mut bytes = Vec::new();
    entry
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| VulnError::io(label, e))?;
    if bytes.len() as u64 > limit {
        return Err(VulnError::refused(
            &format!("{label}!{name}"),
            format!("inflates past {limit} bytes"),
        ));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn pom_properties(text: &str, origin: FileOrigin<'_>, out: &mut Extracted) {
    let get = |key: &str| {
        text.lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_string())
    };
    if let (Some(group), Some(artifact), Some(version)) =
        (get("groupId"), get("artifactId"), get("version"))
    {
        out.packages
            .push(origin.package("Maven", &format!("{group}:{artifact}"), &version));
    }
}

/// A manifest names a Maven artifact only when it gives the group
/// (`Implementation-Vendor-Id`), the artifact and the version.
fn manifest_package(text: &str, origin: FileOrigin<'_>, out: &mut Extracted) {
    let get = |key: &str| {
        text.lines()
            .filter_map(|l| l.split_once(": "))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.trim().to_string())
    };
    let artifact = get("Implementation-Title").or_else(|| get("Bundle-Name"));
    if let (Some(group), Some(artifact), Some(version)) = (
        get("Implementation-Vendor-Id"),
        artifact,
        get("Implementation-Version"),
    ) {
        out.packages
            .push(origin.package("Maven", &format!("{group}:{artifact}"), &version));
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const ORIGIN: FileOrigin<'static> = FileOrigin {
        path: "app/lib/app.jar",
        layer: None,
    };

    fn jar_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut cursor = Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut cursor);
        for (name, body) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(body).unwrap();
        }
        writer.finish().unwrap();
        cursor.into_inner()
    }

    #[test]
    fn fat_jar_with_nested_jars() {
        let inner = jar_with(&[(
            "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
            b"groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n",
        )]);
        let outer = jar_with(&[
            ("META-INF/MANIFEST.MF", b"Implementation-Title: app\n"),
            ("BOOT-INF/lib/log4j-core-2.14.1.jar", &inner),
        ]);
        let mut out = Extracted::default();
        jar(&outer, ORIGIN, &mut out).unwrap();
        assert_eq!(out.packages.len(), 1);
        assert_eq!(out.packages[0].name, "org.apache.logging.log4j:log4j-core");
        assert_eq!(
            out.packages[0].purl,
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
        assert!(jar(b"not a zip", ORIGIN, &mut out).is_err());
    }

    #[test]
    fn pom_dependencies_with_properties() {
        let pom = "<project><version>1.0</version><properties><jackson.version>2.9.8</jackson.version></properties>\n<dependencies>\n<dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>${jackson.version}</version></dependency>\n<dependency><groupId>x</groupId><artifactId>y</artifactId></dependency>\n<dependency><groupId>a</groupId><artifactId>b</artifactId><version>${missing}</version></dependency>\n</dependencies></project>";
        let mut out = Extracted::default();
        pom_xml(
            pom,
            FileOrigin {
                path: "pom.xml",
                layer: None,
            },
            &mut out,
        )
        .unwrap();
        assert_eq!(out.packages.len(), 1);
        assert_eq!(
            (
                out.packages[0].name.as_str(),
                out.packages[0].version.as_str()
            ),
            ("com.fasterxml.jackson.core:jackson-databind", "2.9.8")
        );
        assert!(
            out.errors[0].to_string().starts_with("pom.xml:5:"),
            "{}",
            out.errors[0]
        );
    }
}
