//! Ruby's Gemfile.lock and PHP's composer.lock.

use sonic_rs::{JsonContainerTrait, JsonValueTrait};

use crate::error::VulnError;

use super::{Extracted, FileOrigin};

/// The `specs:` of GEM sections: `    name (version[-platform])` at four
/// spaces (deeper lines are their dependencies' ranges).
pub(super) fn gemfile_lock(text: &str, origin: FileOrigin<'_>, out: &mut Extracted) {
    let mut in_gem = false;
    for (n, line) in text.lines().enumerate() {
        if !line.starts_with(' ') {
            in_gem = line.trim() == "GEM";
            continue;
        }
        if !in_gem || !line.starts_with("    ") || line.starts_with("     ") {
            continue;
        }
        let spec = line.trim();
        match spec.split_once(" (") {
            Some((name, version)) => {
                let version = version.trim_end_matches(')');
                // A platform gem: `1.13.10-x86_64-linux`.
                let version = version.split('-').next().unwrap_or(version);
                out.packages.push(origin.package("RubyGems", name, version));
            }
            None => out.errors.push(VulnError::parse(
                &format!("{}:{}", origin.path, n + 1),
                format!("gem spec without a version: `{spec}`"),
            )),
        }
    }
}

pub(super) fn composer_lock(
    bytes: &[u8],
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let doc: sonic_rs::Value = crate::json::parse(bytes, origin.path)?;
    for section in ["packages", "packages-dev"] {
        let Some(list) = doc.get(section).and_then(|v| v.as_array()) else {
            continue;
        };
        for (i, entry) in list.iter().enumerate() {
            let name = entry.get("name").and_then(|v| v.as_str());
            let version = entry.get("version").and_then(|v| v.as_str());
            match (name, version) {
                (Some(name), Some(version)) => {
                    let version = version.strip_prefix('v').unwrap_or(version);
                    out.packages
                        .push(origin.package("Packagist", name, version));
                }
                _ => out.errors.push(VulnError::parse(
                    origin.path,
                    format!("{section}[{i}]: no `name` or `version`"),
                )),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: FileOrigin<'static> = FileOrigin {
        path: "Gemfile.lock",
        layer: None,
    };

    #[test]
    fn gem_specs_and_composer_packages() {
        let text = "GIT\n  remote: x\n  specs:\n    mine (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    actionpack (6.0.0)\n      rack (~> 2.0)\n    nokogiri (1.13.10-x86_64-linux)\n    rack (2.0.8)\n\nPLATFORMS\n  ruby\n";
        let mut out = Extracted::default();
        gemfile_lock(text, ORIGIN, &mut out);
        composer_lock(br#"{"packages":[{"name":"symfony/http-kernel","version":"v5.4.0"}],"packages-dev":[{"name":"x"}]}"#, ORIGIN, &mut out).unwrap();
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("actionpack", "6.0.0"),
                ("nokogiri", "1.13.10"),
                ("rack", "2.0.8"),
                ("symfony/http-kernel", "5.4.0")
            ]
        );
        assert_eq!(out.errors.len(), 1);
        assert!(out.errors[0].to_string().contains("packages-dev[0]"));
    }
}
