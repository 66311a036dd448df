//! Cargo.lock.

use serde::Deserialize;

use crate::error::VulnError;

use super::{Extracted, FileOrigin};

#[derive(Deserialize)]
struct CargoLock {
    #[serde(default)]
    package: Vec<LockedCrate>,
}

#[derive(Deserialize)]
struct LockedCrate {
    name: String,
    version: String,
    #[serde(default)]
    source: Option<String>,
}

/// Every crate of the lockfile that comes from a registry (path and git
/// crates have no crates.io advisories).
pub(super) fn cargo_lock(
    text: &str,
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let lock: CargoLock =
        toml::from_str(text).map_err(|e| VulnError::parse(origin.path, e.to_string()))?;
    for krate in lock.package {
        if krate
            .source
            .as_deref()
            .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"))
        {
            out.packages
                .push(origin.package("crates.io", &krate.name, &krate.version));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_crates_only() {
        let text = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"x\"\n";
        let mut out = Extracted::default();
        cargo_lock(
            text,
            FileOrigin {
                path: "Cargo.lock",
                layer: None,
            },
            &mut out,
        )
        .unwrap();
        assert_eq!(out.packages.len(), 1);
        assert_eq!(out.packages[0].purl, "pkg:cargo/smallvec@1.6.0");
        let err = cargo_lock(
            "[[package]]\nname = ",
            FileOrigin {
                path: "Cargo.lock",
                layer: None,
            },
            &mut out,
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("Cargo.lock:"), "{err}");
    }
}
