//! Python: requirements files (pinned `==` lines), poetry.lock and uv.lock,
//! Pipfile.lock, and installed distributions' METADATA / PKG-INFO.

use serde::Deserialize;

use crate::error::VulnError;

use super::{Extracted, FileOrigin};

/// Pinned requirements (`name==version`, extras and markers allowed);
/// ranges name no one version and are skipped, options and includes too.
pub(super) fn requirements(text: &str, origin: FileOrigin<'_>, out: &mut Extracted) {
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
            continue;
        }
        let line = line.split(';').next().unwrap_or_default();
        let Some((name, version)) = line.split_once("==") else {
            continue;
        };
        let name = name.split('[').next().unwrap_or_default().trim();
        let version = version.trim().trim_start_matches('=');
        let version = version.split([' ', ',', '\\']).next().unwrap_or_default();
        if !name.is_empty() && !version.is_empty() && !version.contains('*') {
            out.packages.push(origin.package("PyPI", name, version));
        }
    }
}

#[derive(Deserialize)]
struct TomlLock {
    #[serde(default)]
    package: Vec<TomlLocked>,
}

#[derive(Deserialize)]
struct TomlLocked {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    source: Option<toml::Value>,
}

/// poetry.lock and uv.lock: `[[package]]` tables with name and version;
/// uv's editable/virtual project entries (source without a registry) skipped.
pub(super) fn toml_lock(
    text: &str,
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let lock: TomlLock =
        toml::from_str(text).map_err(|e| VulnError::parse(origin.path, e.to_string()))?;
    for package in lock.package {
        let local = package
            .source
            .as_ref()
            .and_then(|s| s.as_table())
            .is_some_and(|t| {
                t.contains_key("editable")
                    || t.contains_key("virtual")
                    || t.contains_key("directory")
            });
        if let (Some(version), false) = (package.version, local) {
            out.packages
                .push(origin.package("PyPI", &package.name, &version));
        }
    }
    Ok(())
}

/// Pipfile.lock: `default` and `develop` maps of name -> {"version": "==x"}.
pub(super) fn pipfile_lock(
    bytes: &[u8],
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let doc: sonic_rs::Value = crate::json::parse(bytes, origin.path)?;
    use sonic_rs::{JsonContainerTrait, JsonValueTrait};
    for section in ["default", "develop"] {
        let Some(entries) = doc.get(section).and_then(|v| v.as_object()) else {
            continue;
        };
        for (name, entry) in entries.iter() {
            if let Some(version) = entry.get("version").and_then(|v| v.as_str()) {
                out.packages
                    .push(origin.package("PyPI", name, version.trim_start_matches("==")));
            }
        }
    }
    Ok(())
}

/// An installed distribution's METADATA: the `Name:` and `Version:` headers.
pub(super) fn metadata(text: &str, origin: FileOrigin<'_>, out: &mut Extracted) {
    let mut name = None;
    let mut version = None;
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Name:") {
            name = Some(v.trim());
        } else if let Some(v) = line.strip_prefix("Version:") {
            version = Some(v.trim());
        }
    }
    match (name, version) {
        (Some(n), Some(v)) => out.packages.push(origin.package("PyPI", n, v)),
        _ => out.errors.push(VulnError::parse(
            origin.path,
            "no `Name:` or `Version:` header",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(out: &Extracted) -> Vec<(&str, &str)> {
        out.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect()
    }

    const ORIGIN: FileOrigin<'static> = FileOrigin {
        path: "requirements.txt",
        layer: None,
    };

    #[test]
    fn requirements_take_pins_only() {
        let text = "# deps\nDjango==3.2.1\nrequests[socks]==2.25.0 ; python_version >= '3'\nflask>=1.0\n-r other.txt\nurllib3 == 1.26.4 \\\n    --hash=sha256:x\nnumpy===1.0\n";
        let mut out = Extracted::default();
        requirements(text, ORIGIN, &mut out);
        assert_eq!(
            names(&out),
            [
                ("Django", "3.2.1"),
                ("requests", "2.25.0"),
                ("urllib3", "1.26.4"),
                ("numpy", "1.0")
            ]
        );
    }

    #[test]
    fn locks_and_metadata() {
        let mut out = Extracted::default();
        toml_lock("[[package]]\nname = \"jinja2\"\nversion = \"2.10\"\n\n[[package]]\nname = \"me\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n", ORIGIN, &mut out).unwrap();
        pipfile_lock(br#"{"_meta":{},"default":{"pyyaml":{"version":"==5.3"}},"develop":{"pytest":{"version":"==6.0.0"}}}"#, ORIGIN, &mut out).unwrap();
        metadata(
            "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n\nName: body\n",
            ORIGIN,
            &mut out,
        );
        assert_eq!(
            names(&out),
            [
                ("jinja2", "2.10"),
                ("pyyaml", "5.3"),
                ("pytest", "6.0.0"),
                ("urllib3", "1.26.4")
            ]
        );
        assert!(toml_lock("[[package]\n", ORIGIN, &mut out).is_err());
    }
}
