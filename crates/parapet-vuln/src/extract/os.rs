//! OS package databases: os-release, dpkg status, apk installed.

use crate::error::VulnError;
use crate::purl::{alpine_release, debian_release, make_purl};

use super::{Extracted, FileOrigin};

/// The distribution a root filesystem says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsInfo {
    /// os-release `ID` (`debian`, `ubuntu`, `alpine`).
    pub id: String,
    pub version_id: String,
    pub pretty_name: String,
}

impl OsInfo {
    /// OSV's ecosystem for this distribution's packages (`Debian:12`).
    pub fn ecosystem(&self) -> Option<String> {
        Some(match self.id.as_str() {
            "debian" => match debian_release(&self.version_id) {
                Some(release) => format!("Debian:{release}"),
                None => "Debian".to_string(),
            },
            "ubuntu" => format!("Ubuntu:{}", self.version_id),
            "alpine" => match alpine_release(&self.version_id) {
                r if r.is_empty() => "Alpine".to_string(),
                r => format!("Alpine:{r}"),
            },
            "rocky" => format!("Rocky Linux:{}", major(&self.version_id)),
            "almalinux" => format!("AlmaLinux:{}", major(&self.version_id)),
            "rhel" => format!("Red Hat:{}", major(&self.version_id)),
            _ => return None,
        })
    }
}

fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or(version)
}

/// Reads `/etc/os-release` (`KEY=value`, values maybe quoted).
pub fn os_info(text: &str) -> Option<OsInfo> {
    let mut info = OsInfo {
        id: String::new(),
        version_id: String::new(),
        pretty_name: String::new(),
    };
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches('"')
            .trim_matches('\'')
            .to_string();
        match key.trim() {
            "ID" => info.id = value.to_ascii_lowercase(),
            "VERSION_ID" => info.version_id = value,
            "PRETTY_NAME" => info.pretty_name = value,
            _ => {}
        }
    }
    (!info.id.is_empty()).then_some(info)
}

/// Paragraphs of `Key: value` lines separated by blank lines, with the
/// line each starts on; continuation lines (leading space) are skipped.
fn paragraphs(text: &str, separator: char) -> Vec<(usize, Vec<(&str, &str)>)> {
    let mut out = Vec::new();
    let mut current: Vec<(&str, &str)> = Vec::new();
    let mut start = 1;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push((start, std::mem::take(&mut current)));
            }
            start = n + 2;
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            continue;
        }
        if let Some((key, value)) = line.split_once(separator) {
            current.push((key, value.trim()));
        }
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

pub(super) fn dpkg_status(
    text: &str,
    origin: FileOrigin<'_>,
    os: Option<&OsInfo>,
    out: &mut Extracted,
) {
    let ecosystem = os
        .and_then(OsInfo::ecosystem)
        .unwrap_or_else(|| "Debian".to_string());
    for (line, fields) in paragraphs(text, ':') {
        let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        if get("Status").is_some_and(|s| !s.ends_with(" installed")) {
            continue;
        }
        let (Some(name), Some(version)) = (get("Package"), get("Version")) else {
            out.errors.push(VulnError::parse(
                &format!("{}:{line}", origin.path),
                "package paragraph without `Package` or `Version`",
            ));
            continue;
        };
        let mut package = origin.package(&ecosystem, name, version);
        package.purl = make_purl(&ecosystem, name, version, get("Architecture"));
        if let Some(source) = get("Source") {
            // `Source: name (version)` when the source version differs.
            let (source_name, source_version) = match source.split_once(' ') {
                Some((n, v)) => (
                    n,
                    Some(v.trim().trim_start_matches('(').trim_end_matches(')')),
                ),
                None => (source, None),
            };
            package.source_name = Some(source_name.to_string());
            package.source_version = source_version.map(str::to_string);
        }
        out.packages.push(package);
    }
}

pub(super) fn apk_installed(
    text: &str,
    origin: FileOrigin<'_>,
    os: Option<&OsInfo>,
    out: &mut Extracted,
) {
    let ecosystem = os
        .and_then(OsInfo::ecosystem)
        .unwrap_or_else(|| "Alpine".to_string());
    for (line, fields) in paragraphs(text, ':') {
        let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let (Some(name), Some(version)) = (get("P"), get("V")) else {
            out.errors.push(VulnError::parse(
                &format!("{}:{line}", origin.path),
                "package record without `P:` or `V:`",
            ));
            continue;
        };
        let mut package = origin.package(&ecosystem, name, version);
        package.purl = make_purl(&ecosystem, name, version, get("A"));
        package.source_name = get("o").filter(|o| *o != name).map(str::to_string);
        out.packages.push(package);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: FileOrigin<'static> = FileOrigin {
        path: "var/lib/dpkg/status",
        layer: None,
    };

    #[test]
    fn os_release_names_the_ecosystem() {
        let debian = os_info(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
        )
        .unwrap();
        assert_eq!(debian.ecosystem().as_deref(), Some("Debian:12"));
        let alpine = os_info("ID=alpine\nVERSION_ID=3.19.1\n").unwrap();
        assert_eq!(alpine.ecosystem().as_deref(), Some("Alpine:v3.19"));
        let ubuntu = os_info("ID=ubuntu\nVERSION_ID=\"22.04\"\n").unwrap();
        assert_eq!(ubuntu.ecosystem().as_deref(), Some("Ubuntu:22.04"));
        assert!(os_info("garbage").is_none());
    }

    #[test]
    fn dpkg_reads_installed_packages_with_their_source() {
        let text = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.11-1~deb12u2\nDescription: x\n more\n\n\
Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n\
Package: libfoo1\nStatus: install ok installed\nSource: foo (1.2-3)\nVersion: 1.2-3+b1\n\n\
Status: install ok installed\nVersion: 9\n";
        let os = os_info("ID=debian\nVERSION_ID=12\n");
        let mut out = Extracted::default();
        dpkg_status(text, ORIGIN, os.as_ref(), &mut out);
        assert_eq!(out.packages.len(), 2);
        let ssl = &out.packages[0];
        assert_eq!(
            (ssl.ecosystem.as_str(), ssl.source_name.as_deref()),
            ("Debian:12", Some("openssl"))
        );
        assert_eq!(
            ssl.purl,
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"
        );
        assert_eq!(out.packages[1].source_version.as_deref(), Some("1.2-3"));
        assert_eq!(out.errors.len(), 1);
        assert!(
            out.errors[0]
                .to_string()
                .starts_with("var/lib/dpkg/status:18:"),
            "{}",
            out.errors[0]
        );
    }

    #[test]
    fn apk_reads_records_with_origin() {
        let text = "C:Q1x=\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\n\nP:busybox\nV:1.36.1-r15\no:busybox\n";
        let mut out = Extracted::default();
        apk_installed(
            text,
            FileOrigin {
                path: "lib/apk/db/installed",
                layer: None,
            },
            os_info("ID=alpine\nVERSION_ID=3.19.1").as_ref(),
            &mut out,
        );
        assert_eq!(out.packages.len(), 2);
        assert_eq!(out.packages[0].source_name.as_deref(), Some("openssl"));
        assert_eq!(out.packages[1].source_name, None);
        assert_eq!(out.packages[0].ecosystem, "Alpine:v3.19");
    }
}
