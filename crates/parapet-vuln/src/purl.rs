//! Package URLs (purl spec): made for every package found, read from SBOMs.

use parapet_core::percent_decode;

/// What a purl says, mapped onto OSV's ecosystem names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurlPackage {
    pub ecosystem: String,
    pub name: String,
    pub version: String,
}

/// Percent-encodes what the purl spec reserves in a segment.
pub(crate) fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' | b'+' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn encode_path(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}

/// The purl of a package in an OSV ecosystem; `distro` (`debian-12`) and
/// `arch` become qualifiers for OS packages.
pub fn make_purl(ecosystem: &str, name: &str, version: &str, arch: Option<&str>) -> String {
    let (base, release) = ecosystem.split_once(':').unwrap_or((ecosystem, ""));
    let (kind, path) = match base {
        "crates.io" => ("cargo", encode(name)),
        "Go" => ("golang", encode_path(name)),
        "PyPI" => ("pypi", encode(&name.to_ascii_lowercase().replace('_', "-"))),
        "npm" => ("npm", encode_path(name)),
        "RubyGems" => ("gem", encode(name)),
        "Packagist" => ("composer", encode_path(name)),
        "Maven" => (
            "maven",
            name.split(':').map(encode).collect::<Vec<_>>().join("/"),
        ),
        "NuGet" => ("nuget", encode(name)),
        "Debian" => ("deb", format!("debian/{}", encode(name))),
        "Ubuntu" => ("deb", format!("ubuntu/{}", encode(name))),
        "Alpine" => ("apk", format!("alpine/{}", encode(name))),
        other => ("generic", format!("{}/{}", encode(other), encode(name))),
    };
    let mut purl = format!("pkg:{kind}/{path}@{}", encode(version));
    let mut qualifiers = Vec::new();
    if let Some(arch) = arch.filter(|a| !a.is_empty()) {
        qualifiers.push(format!("arch={}", encode(arch)));
    }
    if !release.is_empty() {
        let distro = format!(
            "{}-{}",
            base.to_ascii_lowercase(),
            release.trim_start_matches('v')
        );
        qualifiers.push(format!("distro={}", encode(&distro)));
    }
    if !qualifiers.is_empty() {
        purl.push('?');
        purl.push_str(&qualifiers.join("&"));
    }
    purl
}

/// Reads a purl into an OSV ecosystem, name and version; None when it has
/// no version or a type Parapet cannot match.
pub fn parse_purl(purl: &str) -> Option<PurlPackage> {
    let rest = purl.trim().strip_prefix("pkg:")?;
    let rest = rest.split('#').next()?;
    let (rest, qualifiers) = match rest.split_once('?') {
        Some((r, q)) => (r, q),
        None => (rest, ""),
    };
    let (path, version) = rest.rsplit_once('@')?;
    let version = percent_decode(version);
    let (kind, path) = path.split_once('/')?;
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let last = segments.last()?.clone();
    let namespace = segments[..segments.len() - 1].join("/");
    let qualifier = |key: &str| {
        qualifiers
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| percent_decode(v))
    };
    let joined = if namespace.is_empty() {
        last.clone()
    } else {
        format!("{namespace}/{last}")
    };
    let (ecosystem, name) = match kind.to_ascii_lowercase().as_str() {
        "cargo" => ("crates.io".to_string(), last),
        "golang" => ("Go".to_string(), joined),
        "pypi" => ("PyPI".to_string(), last),
        "npm" => ("npm".to_string(), joined),
        "gem" => ("RubyGems".to_string(), last),
        "composer" => ("Packagist".to_string(), joined),
        "maven" => ("Maven".to_string(), format!("{namespace}:{last}")),
        "nuget" => ("NuGet".to_string(), last),
        "hex" => ("Hex".to_string(), last),
        "pub" => ("Pub".to_string(), last),
        "deb" => {
            let base = if namespace.eq_ignore_ascii_case("ubuntu") {
                "Ubuntu"
            } else {
                "Debian"
            };
            (with_release(base, qualifier("distro").as_deref()), last)
        }
        "apk" => (with_release("Alpine", qualifier("distro").as_deref()), last),
        "rpm" => {
            let base = match namespace.to_ascii_lowercase().as_str() {
                "rocky" => "Rocky Linux",
                "almalinux" => "AlmaLinux",
                _ => "Red Hat",
            };
            let ecosystem = match qualifier("distro")
                .as_deref()
                .and_then(|d| d.rsplit('-').next())
            {
                Some(release) => format!("{base}:{}", release.split('.').next().unwrap_or(release)),
                None => base.to_string(),
            };
            // The epoch rides in a qualifier; advisories write `epoch:version`.
            let version = match qualifier("epoch").filter(|e| e != "0") {
                Some(epoch) => format!("{epoch}:{version}"),
                None => version,
            };
            return Some(PurlPackage {
                ecosystem,
                name: last,
                version,
            });
        }
        _ => return None,
    };
    Some(PurlPackage {
        ecosystem,
        name,
        version,
    })
}

/// `debian-12`, `bookworm`, `alpine-3.19.1`, `3.19` into OSV's release.
fn with_release(base: &str, distro: Option<&str>) -> String {
    let Some(distro) = distro else {
        return base.to_string();
    };
    let release = distro.rsplit('-').next().unwrap_or(distro);
    let release = match (base, release) {
        ("Debian", codename) => debian_release(codename).unwrap_or(codename).to_string(),
        ("Alpine", v) => alpine_release(v),
        (_, v) => v.to_string(),
    };
    if release.is_empty() {
        base.to_string()
    } else {
        format!("{base}:{release}")
    }
}

/// Debian's major release from its codename or its version.
pub fn debian_release(name: &str) -> Option<&str> {
    Some(match name {
        "buster" => "10",
        "bullseye" => "11",
        "bookworm" => "12",
        "trixie" => "13",
        "forky" => "14",
        v if v.chars().next().is_some_and(|c| c.is_ascii_digit()) => v.split('.').next()?,
        _ => return None,
    })
}

/// Alpine's `v3.19` from `3.19.1`.
pub fn alpine_release(version: &str) -> String {
    let mut parts = version.trim_start_matches('v').split('.');
    match (parts.next(), parts.next()) {
        (Some(major), Some(minor)) if !major.is_empty() => format!("v{major}.{minor}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_osv_ecosystems() {
        for (ecosystem, name, version) in [
            ("crates.io", "serde", "1.0.0"),
            ("Go", "github.com/gin-gonic/gin", "v1.6.0"),
            ("PyPI", "django", "4.2.1"),
            ("npm", "@babel/core", "7.0.0"),
            ("RubyGems", "rails", "7.0.1"),
            ("Packagist", "symfony/http-kernel", "5.4.0"),
            ("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
            ("Debian:12", "openssl", "3.0.11-1~deb12u2"),
            ("Alpine:v3.19", "busybox", "1.36.1-r15"),
        ] {
            let purl = make_purl(ecosystem, name, version, None);
            let back = parse_purl(&purl).unwrap_or_else(|| panic!("{purl}"));
            assert_eq!(
                (
                    back.ecosystem.as_str(),
                    back.name.as_str(),
                    back.version.as_str()
                ),
                (ecosystem, name, version),
                "{purl}"
            );
        }
        assert_eq!(
            make_purl("npm", "@babel/core", "7.0.0", None),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(
            make_purl("Debian:12", "libssl3", "3.0.11-1~deb12u2", Some("amd64")),
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"
        );
    }

    #[test]
    fn reads_distro_qualifiers_by_codename_or_version() {
        assert_eq!(
            parse_purl("pkg:deb/debian/curl@7.88.1-10?distro=bookworm")
                .unwrap()
                .ecosystem,
            "Debian:12"
        );
        assert_eq!(
            parse_purl("pkg:apk/alpine/zlib@1.3-r2?distro=3.19.1")
                .unwrap()
                .ecosystem,
            "Alpine:v3.19"
        );
        let rpm =
            parse_purl("pkg:rpm/rocky/openssl@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1")
                .unwrap();
        assert_eq!(
            (rpm.ecosystem.as_str(), rpm.version.as_str()),
            ("Rocky Linux:9", "1:3.0.7-24.el9")
        );
        assert!(parse_purl("pkg:npm/left-pad").is_none(), "no version");
        assert!(parse_purl("not a purl").is_none());
    }
}
