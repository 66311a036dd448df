//! npm: package-lock.json (v1 nested and v2/v3 flat), yarn.lock (classic
//! and berry), pnpm-lock.yaml (v5 to v9), installed node_modules.

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

use crate::error::VulnError;

use super::{Extracted, FileOrigin};

fn json(bytes: &[u8], origin: FileOrigin<'_>) -> Result<Value, VulnError> {
    crate::json::parse(bytes, origin.path)
}

pub(super) fn package_lock(
    bytes: &[u8],
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let doc = json(bytes, origin)?;
    if let Some(packages) = doc.get("packages").and_then(|v| v.as_object()) {
        for (path, entry) in packages.iter() {
            let Some((_, name)) = path.rsplit_once("node_modules/") else {
                continue; // the root project
            };
            if entry.get("link").and_then(|v| v.as_bool()) == Some(true) {
                continue;
            }
            let name = entry.get("name").and_then(|v| v.as_str()).unwrap_or(name);
            if let Some(version) = entry.get("version").and_then(|v| v.as_str()) {
                out.packages.push(origin.package("npm", name, version));
            }
        }
        return Ok(());
    }
    if let Some(dependencies) = doc.get("dependencies") {
        nested_v1(dependencies, origin, out, 0);
    }
    Ok(())
}

fn nested_v1(dependencies: &Value, origin: FileOrigin<'_>, out: &mut Extracted, depth: usize) {
    let Some(map) = dependencies.as_object() else {
        return;
    };
    if depth > 64 {
        out.errors.push(VulnError::refused(
            origin.path,
            "dependencies nested deeper than 64 levels",
        ));
        return;
    }
    for (name, entry) in map.iter() {
        if let Some(version) = entry.get("version").and_then(|v| v.as_str()) {
            if !version.starts_with("file:") && !version.starts_with("link:") {
                out.packages.push(origin.package("npm", name, version));
            }
        }
        if let Some(inner) = entry.get("dependencies") {
            nested_v1(inner, origin, out, depth + 1);
        }
    }
}

/// yarn.lock: a header line naming `name@range` specifiers, then indented
/// fields, `version "x"` (classic) or `version: x` (berry).
pub(super) fn yarn_lock(text: &str, origin: FileOrigin<'_>, out: &mut Extracted) {
    let mut current: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let first = line
                .trim_end_matches(':')
                .split(", ")
                .next()
                .unwrap_or_default();
            let spec = first.trim_matches('"');
            // The name ends at the first `@` after its first character (a
            // scope's `@` is first).
            current = spec
                .char_indices()
                .skip(1)
                .find(|(_, c)| *c == '@')
                .map(|(at, _)| spec[..at].to_string());
            if current.is_none() && spec != "__metadata" {
                out.errors.push(VulnError::parse(
                    &format!("{}:{}", origin.path, n + 1),
                    format!("cannot read the package name in `{spec}`"),
                ));
            }
            continue;
        }
        let field = line.trim();
        let version = field
            .strip_prefix("version ")
            .or_else(|| field.strip_prefix("version: "))
            .map(|v| v.trim().trim_matches('"'));
        if let (Some(version), Some(name)) = (version, current.take()) {
            if !version.starts_with("0.0.0-use.local") {
                out.packages.push(origin.package("npm", &name, version));
            }
        }
    }
}

pub(super) fn pnpm_lock(
    bytes: &[u8],
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let doc: serde_yaml::Value =
        serde_yaml::from_slice(bytes).map_err(|e| VulnError::parse(origin.path, e.to_string()))?;
    let Some(packages) = doc.get("packages").and_then(|v| v.as_mapping()) else {
        return Ok(());
    };
    for key in packages.keys() {
        let Some(key) = key.as_str() else { continue };
        // Peer-dependency suffixes: `name@1.0.0(react@18.0.0)` or `/name/1.0.0_react@18.0.0`.
        let key = key
            .trim_start_matches('/')
            .split('(')
            .next()
            .unwrap_or_default();
        let parsed = split_pnpm_key(key);
        match parsed {
            Some((name, version)) if !name.is_empty() && !version.is_empty() => {
                let version = version.split('_').next().unwrap_or(version);
                out.packages.push(origin.package("npm", name, version));
            }
            _ => out.errors.push(VulnError::parse(
                origin.path,
                format!("packages: cannot read `{key}`"),
            )),
        }
    }
    Ok(())
}

/// `name@version` (v6, v9) or `name/version` (v5), the name maybe scoped.
fn split_pnpm_key(key: &str) -> Option<(&str, &str)> {
    let name_start = if key.starts_with('@') {
        key.find('/')? + 1
    } else {
        0
    };
    let end = name_start + key[name_start..].find(['@', '/'])?;
    Some((&key[..end], &key[end + 1..]))
}

/// An installed module's own package.json.
pub(super) fn module_package(
    bytes: &[u8],
    origin: FileOrigin<'_>,
    out: &mut Extracted,
) -> Result<(), VulnError> {
    let doc = json(bytes, origin)?;
    let name = doc.get("name").and_then(|v| v.as_str());
    let version = doc.get("version").and_then(|v| v.as_str());
    if let (Some(name), Some(version)) = (name, version) {
        out.packages.push(origin.package("npm", name, version));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: FileOrigin<'static> = FileOrigin {
        path: "package-lock.json",
        layer: None,
    };

    fn names(out: &Extracted) -> Vec<(&str, &str)> {
        out.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect()
    }

    #[test]
    fn package_lock_v3_and_v1() {
        let mut out = Extracted::default();
        package_lock(br#"{"lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/@babel/core":{"version":"7.0.0"},"node_modules/a/node_modules/lodash":{"version":"4.17.20"},"node_modules/local":{"link":true,"resolved":"x"}}}"#, ORIGIN, &mut out).unwrap();
        package_lock(br#"{"lockfileVersion":1,"dependencies":{"minimist":{"version":"1.2.0","dependencies":{"x":{"version":"2.0.0"}}}}}"#, ORIGIN, &mut out).unwrap();
        assert_eq!(
            names(&out),
            [
                ("@babel/core", "7.0.0"),
                ("lodash", "4.17.20"),
                ("minimist", "1.2.0"),
                ("x", "2.0.0")
            ]
        );
        assert!(package_lock(b"{", ORIGIN, &mut out).is_err());
    }

    #[test]
    fn yarn_classic_and_berry() {
        let classic = "# yarn lockfile v1\n\n\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n  version \"7.12.13\"\n  resolved \"x\"\n\nlodash@^4.17.15:\n  version \"4.17.19\"\n";
        let berry = "__metadata:\n  version: 6\n\n\"minimist@npm:^1.2.0\":\n  version: 1.2.5\n  resolution: \"minimist@npm:1.2.5\"\n";
        let mut out = Extracted::default();
        yarn_lock(classic, ORIGIN, &mut out);
        yarn_lock(berry, ORIGIN, &mut out);
        assert_eq!(
            names(&out),
            [
                ("@babel/code-frame", "7.12.13"),
                ("lodash", "4.17.19"),
                ("minimist", "1.2.5")
            ]
        );
        assert!(out.errors.is_empty(), "{:?}", out.errors);
    }

    #[test]
    fn pnpm_versions_5_6_and_9() {
        let mut out = Extracted::default();
        pnpm_lock(b"lockfileVersion: 5.4\npackages:\n  /lodash/4.17.20:\n    resolution: {}\n  /@types/node/18.0.0_x@1.0.0:\n    dev: true\n", ORIGIN, &mut out).unwrap();
        pnpm_lock(
            b"lockfileVersion: '6.0'\npackages:\n  /minimist@1.2.5:\n    resolution: {}\n",
            ORIGIN,
            &mut out,
        )
        .unwrap();
        pnpm_lock(b"lockfileVersion: '9.0'\npackages:\n  '@babel/core@7.0.0':\n    resolution: {}\n  react-dom@18.0.0(react@18.0.0):\n    resolution: {}\n", ORIGIN, &mut out).unwrap();
        assert_eq!(
            names(&out),
            [
                ("lodash", "4.17.20"),
                ("@types/node", "18.0.0"),
                ("minimist", "1.2.5"),
                ("@babel/core", "7.0.0"),
                ("react-dom", "18.0.0")
            ]
        );
    }
}
