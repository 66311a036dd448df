//! A root filesystem or project folder, one lockfile or SBOM, or a zip
//! package (AWS Lambda): the files with packages in them, read in place.
//! Symlinks are never followed out of the folder.

use std::fs;
use std::io::Read;
use std::path::Path;

use crate::error::VulnError;
use crate::extract::{file_kind, go_build_info, sniff_sbom, FileKind};

use super::files::{normalize, FileSet, Inventory, Limits};

const MAX_DEPTH: usize = 64;
/// Skipped: caches, VCS data and pseudo filesystems of a mounted root.
const SKIPPED_DIRS: &[&str] = &[".git", "proc", "sys", "dev"];

/// Scans a folder (recursively) or one file.
pub fn scan_path(path: &Path, limits: &Limits) -> Result<Inventory, VulnError> {
    let label = path.display().to_string();
    let meta = fs::metadata(path).map_err(|e| VulnError::io(&label, e))?;
    let mut set = FileSet::default();
    if meta.is_dir() {
        let mut walk = Walk {
            set: &mut set,
            limits,
            entries: 0,
        };
        walk.dir(path, "", 0);
    } else {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let bytes = read_capped(path, limits.max_file_bytes)?;
        if name.to_ascii_lowercase().ends_with(".zip") {
            read_zip_package(&bytes, &label, &mut set, limits)?;
        } else {
            // The whole path first: `/var/lib/dpkg/status` is told by its folders.
            let kind = file_kind(&path.to_string_lossy())
                .or_else(|| file_kind(&name))
                .or_else(|| sniff_sbom(&bytes))
                .or_else(|| go_build_info(&bytes).then_some(FileKind::GoBinary))
                .ok_or_else(|| VulnError::parse(&label, "not a lockfile, package database, SBOM, jar, zip or Go binary Parapet reads"))?;
            set.put(name, kind, bytes, None, limits);
        }
    }
    let mut inventory = set.into_inventory();
    if meta.is_dir() {
        inventory.errors = inventory
            .errors
            .into_iter()
            .map(|e| e.under(&label))
            .collect();
    }
    Ok(inventory)
}

fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, VulnError> {
    let label = path.display().to_string();
    let file = fs::File::open(path).map_err(|e| VulnError::io(&label, e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| VulnError::io(&label, e))?;
    if bytes.len() as u64 > limit {
        return Err(VulnError::refused(
            &label,
            format!("larger than {limit} bytes"),
        ));
    }
    Ok(bytes)
}

struct Walk<'a> {
    set: &'a mut FileSet,
    limits: &'a Limits,
    entries: u64,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path, relative: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.set.errors.push(VulnError::refused(
                &dir.display().to_string(),
                format!("nested deeper than {MAX_DEPTH} folders"),
            ));
            return;
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                return self
                    .set
                    .errors
                    .push(VulnError::io(&dir.display().to_string(), e))
            }
        };
        let mut children: Vec<_> = entries.filter_map(Result::ok).collect();
        children.sort_by_key(|e| e.file_name());
        for entry in children {
            self.entries += 1;
            if self.entries > self.limits.max_entries {
                self.set.errors.push(VulnError::refused(
                    &dir.display().to_string(),
                    format!("more than {} entries", self.limits.max_entries),
                ));
                return;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            let child = if relative.is_empty() {
                name.clone()
            } else {
                format!("{relative}/{name}")
            };
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                if let Ok(target) = fs::read_link(&path) {
                    self.set.link(child, target.to_string_lossy().into_owned());
                }
            } else if meta.is_dir() {
                if !(depth == 0 && SKIPPED_DIRS.contains(&name.as_str())) && name != ".git" {
                    self.dir(&path, &child, depth + 1);
                }
            } else if meta.is_file() {
                self.file(&path, child, meta.len(), executable(&meta));
            }
        }
    }

    fn file(&mut self, path: &Path, relative: String, size: u64, executable: bool) {
        let kind = file_kind(&relative);
        let maybe_go = kind.is_none() && executable && size > 1024;
        if kind.is_none() && !maybe_go {
            return;
        }
        if size > self.limits.max_file_bytes {
            self.set.errors.push(VulnError::refused(
                &path.display().to_string(),
                format!("larger than {} bytes", self.limits.max_file_bytes),
            ));
            return;
        }
        if maybe_go && !starts_like_a_binary(path) {
            return;
        }
        let bytes = match read_capped(path, self.limits.max_file_bytes) {
            Ok(bytes) => bytes,
            Err(e) => return self.set.errors.push(e),
        };
        match kind {
            Some(kind) => self.set.put(relative, kind, bytes, None, self.limits),
            None if go_build_info(&bytes) => {
                self.set
                    .put(relative, FileKind::GoBinary, bytes, None, self.limits)
            }
            None => {}
        }
    }
}

#[cfg(unix)]
fn executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn executable(_meta: &fs::Metadata) -> bool {
    true
}

/// ELF, Mach-O or PE: only those can carry Go build information.
fn starts_like_a_binary(path: &Path) -> bool {
    let mut head = [0u8; 4];
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    if file.read_exact(&mut head).is_err() {
        return false;
    }
    is_binary_magic(&head)
}

pub(crate) fn is_binary_magic(head: &[u8]) -> bool {
    head.starts_with(b"\x7fELF")
        || head.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
        || head.starts_with(&[0xce, 0xfa, 0xed, 0xfe])
        || head.starts_with(b"MZ")
}

/// A zip deployment package: each entry with packages, names checked
/// (no absolute paths, no `..` out of the root) and sizes checked as they
/// inflate.
pub(crate) fn read_zip_package(
    bytes: &[u8],
    label: &str,
    set: &mut FileSet,
    limits: &Limits,
) -> Result<(), VulnError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| VulnError::parse(label, format!("not a zip archive: {e}")))?;
    if archive.len() as u64 > limits.max_entries {
        return Err(VulnError::refused(
            label,
            format!("more than {} entries", limits.max_entries),
        ));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(i) else {
            set.errors
                .push(VulnError::parse(label, format!("entry {i} is unreadable")));
            continue;
        };
        if entry.is_dir() {
            continue;
        }
        let raw_name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let entry_label = format!("{label}!{raw_name}");
        let Some(name) = normalize(&raw_name) else {
            set.errors.push(VulnError::refused(
                &entry_label,
                "entry path is absolute or leaves the archive root",
            ));
            continue;
        };
        let kind = file_kind(&name);
        let executable = entry.unix_mode().is_some_and(|m| m & 0o111 != 0);
        if kind.is_none() && !executable {
            continue;
        }
        let mut content = Vec::new();
        if let Err(e) = (&mut entry)
            .take(limits.max_file_bytes + 1)
            .read_to_end(&mut content)
        {
            set.errors.push(VulnError::io(&entry_label, e));
            continue;
        }
        total += content.len() as u64;
        if content.len() as u64 > limits.max_file_bytes || total > limits.max_total_bytes {
            set.errors.push(VulnError::refused(
                &entry_label,
                "inflates past the size limit",
            ));
            continue;
        }
        match kind {
            Some(kind) => set.put(name, kind, content, None, limits),
            None if is_binary_magic(&content) && go_build_info(&content) => {
                set.put(name, FileKind::GoBinary, content, None, limits)
            }
            None => {}
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "folder_tests.rs"]
mod tests;
