//! The files a walker kept, by normalized path, with what later layers did
//! to them (replaced, deleted); extraction runs once the walk is over so
//! that OS databases know the distribution whatever the file order.

use std::collections::BTreeMap;

use parapet_core::Package;

use crate::error::VulnError;
use crate::extract::{extract, os_info, Extracted, FileKind, FileOrigin, OsInfo};

/// Limits on what one scan reads: whatever the input says, no more.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of one file kept for extraction (package databases, jars, binaries).
    pub max_file_bytes: u64,
    /// Bytes of all files kept at once.
    pub max_held_bytes: u64,
    /// Bytes read out of all layers or archives, after decompression.
    pub max_total_bytes: u64,
    /// Entries of all layers or archives.
    pub max_entries: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 << 20,
            max_held_bytes: 2 << 30,
            max_total_bytes: 32 << 30,
            max_entries: 10_000_000,
        }
    }
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct Inventory {
    pub packages: Vec<Package>,
    /// Files, records or entries not read, each with where and why.
    pub errors: Vec<VulnError>,
    pub os: Option<OsInfo>,
    /// For images: the layers in order (digests), and the image's tags.
    pub layers: Vec<String>,
    pub tags: Vec<String>,
    /// Files with packages that were read.
    pub files: usize,
}

enum Content {
    Raw(Vec<u8>),
    /// Files that need no distribution (jars, Go binaries) are read at once
    /// so that their bytes are not held.
    Done(Extracted),
}

struct Held {
    kind: FileKind,
    content: Content,
    layer: Option<(usize, String)>,
    /// What lower layers had at this path, oldest first: a package listed
    /// unchanged since an earlier layer was introduced by that layer.
    earlier: Vec<(Vec<u8>, (usize, String))>,
}

#[derive(Default)]
pub(crate) struct FileSet {
    files: BTreeMap<String, Held>,
    symlinks: BTreeMap<String, String>,
    held_bytes: u64,
    pub errors: Vec<VulnError>,
}

/// Normalizes an archive or folder path to '/'-separated components under
/// the root; None when it is absolute or climbs out with `..`.
pub fn normalize(path: &str) -> Option<String> {
    if path.starts_with('/') || path.starts_with('\\') || path.contains('\0') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

impl FileSet {
    pub fn put(
        &mut self,
        path: String,
        kind: FileKind,
        bytes: Vec<u8>,
        layer: Option<(usize, String)>,
        limits: &Limits,
    ) {
        let earlier = self.take_history(&path, layer.as_ref());
        let content = if matches!(kind, FileKind::Jar | FileKind::GoBinary) {
            let origin = FileOrigin {
                path: &path,
                layer: layer.as_ref().map(|(i, d)| (*i, d.as_str())),
            };
            Content::Done(extract(kind, &bytes, origin, None))
        } else {
            if self.held_bytes + bytes.len() as u64 > limits.max_held_bytes {
                self.errors.push(VulnError::refused(
                    &path,
                    format!(
                        "the files kept for this scan would pass {} bytes",
                        limits.max_held_bytes
                    ),
                ));
                self.held_bytes -= earlier.iter().map(|(b, _)| b.len() as u64).sum::<u64>();
                return;
            }
            self.held_bytes += bytes.len() as u64;
            Content::Raw(bytes)
        };
        self.files.insert(
            path,
            Held {
                kind,
                content,
                layer,
                earlier,
            },
        );
    }

    /// The history of a file a later layer rewrites (package databases);
    /// a file rewritten within the same layer or without layers has none.
    fn take_history(
        &mut self,
        path: &str,
        layer: Option<&(usize, String)>,
    ) -> Vec<(Vec<u8>, (usize, String))> {
        let rewritten = match (self.files.get(path), layer) {
            (
                Some(Held {
                    content: Content::Raw(_),
                    layer: Some((old, _)),
                    ..
                }),
                Some((new, _)),
            ) => old < new,
            _ => false,
        };
        if !rewritten {
            self.remove(path);
            return Vec::new();
        }
        let Some(held) = self.files.remove(path) else {
            return Vec::new();
        };
        let mut earlier = held.earlier;
        if let (Content::Raw(bytes), Some(old_layer)) = (held.content, held.layer) {
            earlier.push((bytes, old_layer));
        }
        earlier
    }

    pub fn link(&mut self, path: String, target: String) {
        self.remove(&path);
        self.symlinks.insert(path, target);
    }

    /// A whiteout: the path and everything under it is gone.
    pub fn remove(&mut self, path: &str) {
        let prefix = format!("{path}/");
        let doomed: Vec<String> = self
            .files
            .range(path.to_string()..)
            .take_while(|(k, _)| k.as_str() == path || k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for key in doomed {
            if let Some(held) = self.files.remove(&key) {
                self.held_bytes -= held.bytes_held();
            }
        }
        self.symlinks
            .retain(|k, _| k != path && !k.starts_with(&prefix));
    }

    /// An opaque-directory whiteout: what lower layers put under `dir` is gone.
    pub fn clear_dir(&mut self, dir: &str, layer: usize) {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let doomed: Vec<String> = self
            .files
            .iter()
            .filter(|(k, h)| {
                k.starts_with(&prefix) && h.layer.as_ref().is_some_and(|(l, _)| *l < layer)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in doomed {
            self.remove(&key);
        }
    }

    /// Follows symlinks inside the root (at most 16 hops).
    fn resolve(&self, path: &str) -> Option<String> {
        let mut current = path.to_string();
        for _ in 0..16 {
            let Some(target) = self.symlinks.get(&current) else {
                return Some(current);
            };
            let joined = if target.starts_with('/') {
                target.trim_start_matches('/').to_string()
            } else {
                let dir = current.rsplit_once('/').map_or("", |(d, _)| d);
                format!("{dir}/{target}")
            };
            // A link climbing above the root stays at the root, as in a chroot.
            current = normalize(&joined)
                .unwrap_or_else(|| joined.rsplit('/').next().unwrap_or_default().to_string());
        }
        None
    }

    fn os(&self) -> Option<OsInfo> {
        for candidate in ["etc/os-release", "usr/lib/os-release"] {
            let Some(path) = self.resolve(candidate) else {
                continue;
            };
            if let Some(Held {
                content: Content::Raw(bytes),
                ..
            }) = self.files.get(&path)
            {
                if let Some(info) = os_info(&String::from_utf8_lossy(bytes)) {
                    return Some(info);
                }
            }
        }
        None
    }

    pub fn into_inventory(self) -> Inventory {
        let os = self.os();
        let mut inventory = Inventory {
            errors: self.errors,
            ..Inventory::default()
        };
        for (path, held) in self.files {
            if held.kind == FileKind::OsRelease {
                continue;
            }
            inventory.files += 1;
            let mut extracted = match held.content {
                Content::Done(done) => done,
                Content::Raw(bytes) => {
                    let origin = FileOrigin {
                        path: &path,
                        layer: held.layer.as_ref().map(|(i, d)| (*i, d.as_str())),
                    };
                    extract(held.kind, &bytes, origin, os.as_ref())
                }
            };
            attribute_layers(
                &mut extracted.packages,
                held.kind,
                &path,
                &held.earlier,
                os.as_ref(),
            );
            inventory.packages.extend(extracted.packages);
            inventory.errors.extend(extracted.errors);
        }
        inventory.os = os;
        inventory.packages.sort();
        inventory.packages.dedup();
        inventory
    }
}

impl Held {
    fn bytes_held(&self) -> u64 {
        let current = match &self.content {
            Content::Raw(bytes) => bytes.len() as u64,
            Content::Done(_) => 0,
        };
        current
            + self
                .earlier
                .iter()
                .map(|(b, _)| b.len() as u64)
                .sum::<u64>()
    }
}

/// Moves each package's layer back to the earliest layer since which every
/// version of its file listed it at the same version.
fn attribute_layers(
    packages: &mut [Package],
    kind: FileKind,
    path: &str,
    earlier: &[(Vec<u8>, (usize, String))],
    os: Option<&OsInfo>,
) {
    if earlier.is_empty() {
        return;
    }
    // Each earlier version: the (name, version) pairs it listed, its layer.
    type Listed<'a> = (Vec<(String, String)>, &'a (usize, String));
    let listed: Vec<Listed<'_>> = earlier
        .iter()
        .map(|(bytes, layer)| {
            let origin = FileOrigin {
                path,
                layer: Some((layer.0, layer.1.as_str())),
            };
            let names = extract(kind, bytes, origin, os)
                .packages
                .into_iter()
                .map(|p| (p.name, p.version))
                .collect();
            (names, layer)
        })
        .collect();
    for package in packages.iter_mut() {
        for (names, layer) in listed.iter().rev() {
            if !names
                .iter()
                .any(|(n, v)| *n == package.name && *v == package.version)
            {
                break;
            }
            package.location.layer = Some(layer.1.clone());
            package.location.layer_index = Some(layer.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_is_attributed_to_the_layer_that_first_listed_it() {
        let limits = Limits::default();
        let mut set = FileSet::default();
        let status = |packages: &[(&str, &str)]| -> Vec<u8> {
            packages
                .iter()
                .map(|(n, v)| {
                    format!("Package: {n}\nStatus: install ok installed\nVersion: {v}\n\n")
                })
                .collect::<String>()
                .into_bytes()
        };
        set.put(
            "var/lib/dpkg/status".into(),
            FileKind::DpkgStatus,
            status(&[("base", "1"), ("curl", "7.0")]),
            Some((0, "l0".into())),
            &limits,
        );
        set.put(
            "var/lib/dpkg/status".into(),
            FileKind::DpkgStatus,
            status(&[("base", "1"), ("curl", "7.1"), ("git", "2")]),
            Some((1, "l1".into())),
            &limits,
        );
        set.put(
            "var/lib/dpkg/status".into(),
            FileKind::DpkgStatus,
            status(&[("base", "1"), ("curl", "7.1"), ("git", "2"), ("vim", "9")]),
            Some((2, "l2".into())),
            &limits,
        );
        let layers: Vec<_> = set
            .into_inventory()
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.location.layer_index))
            .collect();
        let want = |n: &str, l: usize| (n.to_string(), Some(l));
        assert_eq!(
            layers,
            [
                want("base", 0),
                want("curl", 1),
                want("git", 1),
                want("vim", 2)
            ]
        );
    }

    #[test]
    fn normalize_refuses_escapes() {
        assert_eq!(
            normalize("./etc/../etc/os-release").as_deref(),
            Some("etc/os-release")
        );
        assert_eq!(normalize("a/b/../../c").as_deref(), Some("c"));
        assert_eq!(normalize("../etc/passwd"), None);
        assert_eq!(normalize("a/../../x"), None);
        assert_eq!(normalize("/etc/passwd"), None);
    }

    #[test]
    fn whiteouts_and_symlinked_os_release() {
        let limits = Limits::default();
        let mut set = FileSet::default();
        set.put(
            "usr/lib/os-release".into(),
            FileKind::OsRelease,
            b"ID=debian\nVERSION_ID=12\n".to_vec(),
            Some((0, "l0".into())),
            &limits,
        );
        set.link("etc/os-release".into(), "../usr/lib/os-release".into());
        set.put(
            "var/lib/dpkg/status".into(),
            FileKind::DpkgStatus,
            b"Package: a\nStatus: install ok installed\nVersion: 1\n".to_vec(),
            Some((0, "l0".into())),
            &limits,
        );
        set.put(
            "app/requirements.txt".into(),
            FileKind::Requirements,
            b"django==1.0\n".to_vec(),
            Some((0, "l0".into())),
            &limits,
        );
        set.put(
            "app2/requirements.txt".into(),
            FileKind::Requirements,
            b"flask==1.0\n".to_vec(),
            Some((0, "l0".into())),
            &limits,
        );
        set.remove("app");
        set.clear_dir("app2", 1);
        let inventory = set.into_inventory();
        assert_eq!(inventory.os.as_ref().map(|o| o.id.as_str()), Some("debian"));
        let names: Vec<_> = inventory
            .packages
            .iter()
            .map(|p| (p.ecosystem.as_str(), p.name.as_str()))
            .collect();
        assert_eq!(names, [("Debian:12", "a")]);
        assert_eq!(inventory.packages[0].location.layer.as_deref(), Some("l0"));
    }
}
