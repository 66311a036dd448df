//! Package extraction: each file kind Parapet understands, told by its
//! path, read into packages. Walkers (folders, images, archives) find the
//! files; these functions only read bytes.

mod go;
mod java;
mod node;
mod os;
mod python;
mod rpm;
mod ruby_php;
mod rust;
mod sbom;

use parapet_core::{Package, PackageLocation};

use crate::error::VulnError;
use crate::purl::make_purl;

pub use go::go_build_info;
pub use os::{os_info, OsInfo};

/// The file kinds with packages in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    OsRelease,
    DpkgStatus,
    ApkInstalled,
    RpmSqlite,
    CargoLock,
    GoMod,
    GoBinary,
    Requirements,
    PoetryLock,
    UvLock,
    PipfileLock,
    PythonMetadata,
    PackageLock,
    YarnLock,
    PnpmLock,
    NodeModulePackage,
    GemfileLock,
    ComposerLock,
    PomXml,
    Jar,
    CycloneDxJson,
    CycloneDxXml,
    SpdxJson,
    SpdxTagValue,
}

impl FileKind {
    pub const ALL: [FileKind; 24] = [
        FileKind::OsRelease,
        FileKind::DpkgStatus,
        FileKind::ApkInstalled,
        FileKind::RpmSqlite,
        FileKind::CargoLock,
        FileKind::GoMod,
        FileKind::GoBinary,
        FileKind::Requirements,
        FileKind::PoetryLock,
        FileKind::UvLock,
        FileKind::PipfileLock,
        FileKind::PythonMetadata,
        FileKind::PackageLock,
        FileKind::YarnLock,
        FileKind::PnpmLock,
        FileKind::NodeModulePackage,
        FileKind::GemfileLock,
        FileKind::ComposerLock,
        FileKind::PomXml,
        FileKind::Jar,
        FileKind::CycloneDxJson,
        FileKind::CycloneDxXml,
        FileKind::SpdxJson,
        FileKind::SpdxTagValue,
    ];
}

/// The kind of file at `path` ('/'-separated, relative to the scanned
/// root), told by its name; None for files without packages. Go binaries
/// are told by their content instead (see [`go_build_info`]).
pub fn file_kind(path: &str) -> Option<FileKind> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let in_dir = |dir: &str| path.trim_start_matches('/').starts_with(dir);
    Some(match lower.as_str() {
        "os-release" if in_dir("etc/") || in_dir("usr/lib/") => FileKind::OsRelease,
        "status" if in_dir("var/lib/dpkg/") => FileKind::DpkgStatus,
        _ if path
            .trim_start_matches('/')
            .starts_with("var/lib/dpkg/status.d/")
            && !lower.contains('.') =>
        {
            FileKind::DpkgStatus
        }
        "installed" if in_dir("lib/apk/db/") => FileKind::ApkInstalled,
        "rpmdb.sqlite" if in_dir("var/lib/rpm/") || in_dir("usr/lib/sysimage/rpm/") => {
            FileKind::RpmSqlite
        }
        "cargo.lock" => FileKind::CargoLock,
        "go.mod" => FileKind::GoMod,
        "requirements.txt" => FileKind::Requirements,
        _ if lower.starts_with("requirements") && lower.ends_with(".txt") => FileKind::Requirements,
        "poetry.lock" => FileKind::PoetryLock,
        "uv.lock" => FileKind::UvLock,
        "pipfile.lock" => FileKind::PipfileLock,
        "metadata" if parent_ends(path, ".dist-info") => FileKind::PythonMetadata,
        "pkg-info" if parent_ends(path, ".egg-info") => FileKind::PythonMetadata,
        "package-lock.json" | "npm-shrinkwrap.json" => FileKind::PackageLock,
        "yarn.lock" => FileKind::YarnLock,
        "pnpm-lock.yaml" => FileKind::PnpmLock,
        "package.json" if path.contains("node_modules/") => FileKind::NodeModulePackage,
        "gemfile.lock" => FileKind::GemfileLock,
        "composer.lock" => FileKind::ComposerLock,
        "pom.xml" => FileKind::PomXml,
        _ if lower.ends_with(".jar") || lower.ends_with(".war") || lower.ends_with(".ear") => {
            FileKind::Jar
        }
        _ if lower.ends_with(".cdx.json")
            || lower.ends_with(".cyclonedx.json")
            || lower == "bom.json" =>
        {
            FileKind::CycloneDxJson
        }
        _ if lower.ends_with(".cdx.xml")
            || lower.ends_with(".cyclonedx.xml")
            || lower == "bom.xml" =>
        {
            FileKind::CycloneDxXml
        }
        _ if lower.ends_with(".spdx.json") => FileKind::SpdxJson,
        _ if lower.ends_with(".spdx") => FileKind::SpdxTagValue,
        _ => return None,
    })
}

fn parent_ends(path: &str, suffix: &str) -> bool {
    let mut parts = path.rsplit('/');
    parts.next();
    parts.next().is_some_and(|dir| dir.ends_with(suffix))
}

/// Where the file being read sits.
#[derive(Debug, Clone, Copy)]
pub struct FileOrigin<'a> {
    pub path: &'a str,
    /// For images: (layer index, layer digest).
    pub layer: Option<(usize, &'a str)>,
}

impl FileOrigin<'_> {
    pub(crate) fn location(&self) -> PackageLocation {
        PackageLocation {
            path: self.path.to_string(),
            layer: self.layer.map(|(_, digest)| digest.to_string()),
            layer_index: self.layer.map(|(index, _)| index),
        }
    }

    pub(crate) fn package(&self, ecosystem: &str, name: &str, version: &str) -> Package {
        Package {
            ecosystem: ecosystem.to_string(),
            name: name.to_string(),
            version: version.to_string(),
            purl: make_purl(ecosystem, name, version, None),
            source_name: None,
            source_version: None,
            location: self.location(),
        }
    }
}

/// Packages read from one file, and the records that could not be read
/// (each named by file and line; the rest of the file still counts).
#[derive(Debug, Default)]
pub struct Extracted {
    pub packages: Vec<Package>,
    pub errors: Vec<VulnError>,
}

/// Reads the packages of one file of `kind`. `os` is the distribution the
/// file's root says it is (OS package databases need it).
pub fn extract(
    kind: FileKind,
    bytes: &[u8],
    origin: FileOrigin<'_>,
    os: Option<&OsInfo>,
) -> Extracted {
    let text = || String::from_utf8_lossy(bytes);
    let mut out = Extracted::default();
    let result: Result<(), VulnError> = match kind {
        FileKind::OsRelease => Ok(()),
        FileKind::DpkgStatus => {
            os::dpkg_status(&text(), origin, os, &mut out);
            Ok(())
        }
        FileKind::ApkInstalled => {
            os::apk_installed(&text(), origin, os, &mut out);
            Ok(())
        }
        FileKind::RpmSqlite => {
            rpm::rpm_sqlite(bytes, origin, os, &mut out);
            Ok(())
        }
        FileKind::CargoLock => rust::cargo_lock(&text(), origin, &mut out),
        FileKind::GoMod => {
            go::go_mod(&text(), origin, &mut out);
            Ok(())
        }
        FileKind::GoBinary => {
            go::go_binary(bytes, origin, &mut out);
            Ok(())
        }
        FileKind::Requirements => {
            python::requirements(&text(), origin, &mut out);
            Ok(())
        }
        FileKind::PoetryLock | FileKind::UvLock => python::toml_lock(&text(), origin, &mut out),
        FileKind::PipfileLock => python::pipfile_lock(bytes, origin, &mut out),
        FileKind::PythonMetadata => {
            python::metadata(&text(), origin, &mut out);
            Ok(())
        }
        FileKind::PackageLock => node::package_lock(bytes, origin, &mut out),
        FileKind::YarnLock => {
            node::yarn_lock(&text(), origin, &mut out);
            Ok(())
        }
        FileKind::PnpmLock => node::pnpm_lock(bytes, origin, &mut out),
        FileKind::NodeModulePackage => node::module_package(bytes, origin, &mut out),
        FileKind::GemfileLock => {
            ruby_php::gemfile_lock(&text(), origin, &mut out);
            Ok(())
        }
        FileKind::ComposerLock => ruby_php::composer_lock(bytes, origin, &mut out),
        FileKind::PomXml => java::pom_xml(&text(), origin, &mut out),
        FileKind::Jar => java::jar(bytes, origin, &mut out),
        FileKind::CycloneDxJson => sbom::cyclonedx_json(bytes, origin, &mut out),
        FileKind::CycloneDxXml => sbom::cyclonedx_xml(&text(), origin, &mut out),
        FileKind::SpdxJson => sbom::spdx_json(bytes, origin, &mut out),
        FileKind::SpdxTagValue => {
            sbom::spdx_tag_value(&text(), origin, &mut out);
            Ok(())
        }
    };
    if let Err(e) = result {
        out.errors.push(e);
    }
    out
}

/// Guesses the kind of an SBOM or lockfile given by path on the command
/// line whatever its name: JSON SBOMs by their fields, XML by the root.
pub fn sniff_sbom(bytes: &[u8]) -> Option<FileKind> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    if head.contains("\"bomFormat\"") || head.contains("\"CycloneDX\"") {
        Some(FileKind::CycloneDxJson)
    } else if head.contains("\"spdxVersion\"") {
        Some(FileKind::SpdxJson)
    } else if head.contains("cyclonedx.org/schema/bom") {
        Some(FileKind::CycloneDxXml)
    } else if head.contains("SPDXVersion:") {
        Some(FileKind::SpdxTagValue)
    } else {
        None
    }
}

#[cfg(test)]
#[path = "robustness_tests.rs"]
mod robustness_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path() {
        assert_eq!(file_kind("var/lib/dpkg/status"), Some(FileKind::DpkgStatus));
        assert_eq!(
            file_kind("var/lib/dpkg/status.d/base"),
            Some(FileKind::DpkgStatus)
        );
        assert_eq!(file_kind("var/lib/dpkg/status.d/base.md5sums"), None);
        assert_eq!(file_kind("etc/os-release"), Some(FileKind::OsRelease));
        assert_eq!(file_kind("app/Cargo.lock"), Some(FileKind::CargoLock));
        assert_eq!(
            file_kind("x/site-packages/requests-2.31.0.dist-info/METADATA"),
            Some(FileKind::PythonMetadata)
        );
        assert_eq!(
            file_kind("app/node_modules/lodash/package.json"),
            Some(FileKind::NodeModulePackage)
        );
        assert_eq!(file_kind("app/package.json"), None);
        assert_eq!(
            file_kind("opt/app/lib/log4j-core-2.14.1.jar"),
            Some(FileKind::Jar)
        );
        assert_eq!(file_kind("README.md"), None);
    }
}
