//! OSV ecosystems: which version order each uses and how package names
//! are compared within it.

use std::cmp::Ordering;

use crate::version;

/// The version order of an ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VersionScheme {
    Debian,
    Rpm,
    Alpine,
    SemVer,
    Go,
    Pep440,
    Maven,
    RubyGems,
}

impl VersionScheme {
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            VersionScheme::Debian => version::debian::compare(a, b),
            VersionScheme::Rpm => version::rpm::compare(a, b),
            VersionScheme::Alpine => version::alpine::compare(a, b),
            VersionScheme::SemVer => version::semver::compare(a, b),
            VersionScheme::Go => version::go::compare(a, b),
            VersionScheme::Pep440 => version::pep440::compare(a, b),
            VersionScheme::Maven => version::maven::compare(a, b),
            VersionScheme::RubyGems => version::rubygems::compare(a, b),
        }
    }
}

/// An OSV ecosystem name split from its release suffix (`Debian:12` is
/// `Debian` release `12`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ecosystem<'a> {
    pub base: &'a str,
    pub release: Option<&'a str>,
}

impl<'a> Ecosystem<'a> {
    pub fn parse(text: &'a str) -> Ecosystem<'a> {
        match text.split_once(':') {
            Some((base, release)) if !release.is_empty() => Ecosystem {
                base,
                release: Some(release),
            },
            _ => Ecosystem {
                base: text.trim_end_matches(':'),
                release: None,
            },
        }
    }

    /// The version order of this ecosystem; None for ecosystems Parapet
    /// has no order for (their advisories match by explicit versions only).
    pub fn scheme(&self) -> Option<VersionScheme> {
        scheme_of(self.base)
    }

    /// Whether this is a distribution whose advisories name source packages.
    pub fn is_os(&self) -> bool {
        matches!(
            self.scheme(),
            Some(VersionScheme::Debian | VersionScheme::Rpm | VersionScheme::Alpine)
        )
    }
}

fn scheme_of(base: &str) -> Option<VersionScheme> {
    Some(match base {
        "Debian" | "Ubuntu" => VersionScheme::Debian,
        "Alpine" | "Chainguard" | "Wolfi" => VersionScheme::Alpine,
        "Red Hat" | "Rocky Linux" | "AlmaLinux" | "openSUSE" | "SUSE" | "Mageia" | "Photon OS"
        | "Azure Linux" | "openEuler" => VersionScheme::Rpm,
        "crates.io" | "npm" | "Hex" | "Pub" | "NuGet" | "Packagist" | "SwiftURL" | "Hackage" => {
            VersionScheme::SemVer
        }
        "Go" => VersionScheme::Go,
        "PyPI" => VersionScheme::Pep440,
        "Maven" => VersionScheme::Maven,
        "RubyGems" => VersionScheme::RubyGems,
        _ => return None,
    })
}

/// The name under which an ecosystem's advisories and packages are
/// compared: PyPI names are normalized as PEP 503 says (case and runs of
/// `-_.` are insignificant), Maven and Packagist are case-insensitive.
pub fn normalize_name(ecosystem_base: &str, name: &str) -> String {
    match ecosystem_base {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut separator = false;
            for c in name.trim().chars() {
                if matches!(c, '-' | '_' | '.') {
                    separator = true;
                    continue;
                }
                if separator && !out.is_empty() {
                    out.push('-');
                }
                separator = false;
                out.push(c.to_ascii_lowercase());
            }
            out
        }
        "Maven" | "Packagist" | "NuGet" => name.to_ascii_lowercase(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_release_suffixes() {
        let debian = Ecosystem::parse("Debian:12");
        assert_eq!((debian.base, debian.release), ("Debian", Some("12")));
        assert_eq!(debian.scheme(), Some(VersionScheme::Debian));
        assert!(debian.is_os());
        let pypi = Ecosystem::parse("PyPI");
        assert_eq!((pypi.base, pypi.release), ("PyPI", None));
        assert!(!pypi.is_os());
        assert_eq!(Ecosystem::parse("Unknown").scheme(), None);
    }

    #[test]
    fn pypi_names_normalize_like_pep_503() {
        assert_eq!(
            normalize_name("PyPI", "Django_REST.framework"),
            "django-rest-framework"
        );
        assert_eq!(normalize_name("PyPI", "zope..interface"), "zope-interface");
        assert_eq!(normalize_name("crates.io", "Serde"), "Serde");
        assert_eq!(
            normalize_name("Maven", "Org.Apache:Log4j"),
            "org.apache:log4j"
        );
    }
}
