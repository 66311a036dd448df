//! Container images: `docker save` archives and OCI image layouts (a
//! tarball or a folder). Layers are applied in order with their whiteouts;
//! only files with packages are kept, in memory: nothing is written to
//! disk, and every entry path is checked against the image root.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

use crate::error::VulnError;
use crate::extract::{file_kind, go_build_info, FileKind};

use super::files::{normalize, FileSet, Inventory, Limits};
use super::folder::is_binary_magic;

const MAX_JSON_BYTES: u64 = 8 << 20;

/// The layers to apply, bottom first, as (blob path, digest), and the
/// image's tags.
type ImagePlan = (Vec<(String, String)>, Vec<String>);

/// Where the image's blobs are read from.
enum Blobs {
    /// An archive: entry name -> (offset, size) in the file.
    Tar {
        file: fs::File,
        entries: HashMap<String, (u64, u64)>,
    },
    Dir(PathBuf),
}

impl Blobs {
    fn open(&mut self, name: &str, label: &str) -> Result<Box<dyn Read + '_>, VulnError> {
        let name = normalize(name).ok_or_else(|| {
            VulnError::refused(label, format!("blob path `{name}` leaves the image root"))
        })?;
        match self {
            Blobs::Tar { file, entries } => {
                let &(offset, size) = entries.get(&name).ok_or_else(|| {
                    VulnError::parse(label, format!("`{name}` is named but not in the archive"))
                })?;
                file.seek(SeekFrom::Start(offset))
                    .map_err(|e| VulnError::io(label, e))?;
                Ok(Box::new(Read::by_ref(file).take(size)))
            }
            Blobs::Dir(root) => {
                let path = root.join(&name);
                // The layout folder itself may be a link; what it names may not leave it.
                if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(VulnError::refused(label, format!("`{name}` is a symlink")));
                }
                let file = fs::File::open(&path)
                    .map_err(|e| VulnError::io(&format!("{label}/{name}"), e))?;
                Ok(Box::new(file))
            }
        }
    }

    fn json(&mut self, name: &str, label: &str) -> Result<Value, VulnError> {
        let mut bytes = Vec::new();
        self.open(name, label)?
            .take(MAX_JSON_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| VulnError::io(label, e))?;
        if bytes.len() as u64 > MAX_JSON_BYTES {
            return Err(VulnError::refused(
                &format!("{label}!{name}"),
                format!("larger than {MAX_JSON_BYTES} bytes"),
            ));
        }
        crate::json::parse(&bytes, &format!("{label}!{name}"))
    }

    fn has(&self, name: &str) -> bool {
        match self {
            Blobs::Tar { entries, .. } => entries.contains_key(name),
            Blobs::Dir(root) => root.join(name).is_file(),
        }
    }
}

/// Scans an image archive (docker-archive or OCI layout tar) or an OCI
/// layout folder.
pub fn scan_image(path: &Path, limits: &Limits) -> Result<Inventory, VulnError> {
    let label = path.display().to_string();
    let mut blobs = if path.is_dir() {
        Blobs::Dir(path.to_path_buf())
    } else {
        index_tar(path, &label, limits)?
    };
    let (layers, tags) = if blobs.has("manifest.json") {
        docker_layers(&mut blobs, &label)?
    } else if blobs.has("index.json") {
        oci_layers(&mut blobs, &label)?
    } else {
        return Err(VulnError::parse(&label, "not an image: neither manifest.json (docker save) nor index.json (OCI layout) at its root"));
    };
    let mut set = FileSet::default();
    let mut budget = Budget { bytes: 0 };
    let mut entries: u64 = 0;
    for (index, (blob, digest)) in layers.iter().enumerate() {
        let layer_label = format!("{label}!{blob}");
        let reader = blobs.open(blob, &label)?;
        if let Err(e) = apply_layer(
            reader,
            (index, digest),
            &layer_label,
            &mut set,
            limits,
            (&mut budget, &mut entries),
        ) {
            set.errors.push(e);
        }
    }
    let mut inventory = set.into_inventory();
    inventory.layers = layers.into_iter().map(|(_, digest)| digest).collect();
    inventory.tags = tags;
    Ok(inventory)
}

fn index_tar(path: &Path, label: &str, limits: &Limits) -> Result<Blobs, VulnError> {
    let mut file = fs::File::open(path).map_err(|e| VulnError::io(label, e))?;
    let mut magic = [0u8; 2];
    if file.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b] {
        return Err(VulnError::parse(
            label,
            "a compressed archive: decompress it first (gunzip) so its layers can be read in place",
        ));
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| VulnError::io(label, e))?;
    let mut entries = HashMap::new();
    {
        let mut archive = tar::Archive::new(&mut file);
        for entry in archive
            .entries()
            .map_err(|e| VulnError::parse(label, e.to_string()))?
        {
            let entry =
                entry.map_err(|e| VulnError::parse(label, format!("not a tar archive: {e}")))?;
            if entries.len() as u64 > limits.max_entries {
                return Err(VulnError::refused(
                    label,
                    format!("more than {} entries", limits.max_entries),
                ));
            }
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            if let Some(name) = normalize(&name) {
                entries.insert(name, (entry.raw_file_position(), entry.size()));
            }
        }
    }
    Ok(Blobs::Tar { file, entries })
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(|v| v.as_array())
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// docker save: manifest.json's first image; layer digests from the
/// config's diff_ids when they line up, else the layer paths.
fn docker_layers(blobs: &mut Blobs, label: &str) -> Result<ImagePlan, VulnError> {
    let manifest = blobs.json("manifest.json", label)?;
    let image = manifest.get(0).ok_or_else(|| {
        VulnError::parse(
            &format!("{label}!manifest.json"),
            "no image in the manifest",
        )
    })?;
    let paths = strings(image.get("Layers"));
    let tags = strings(image.get("RepoTags"));
    let diff_ids = match image.get("Config").and_then(|v| v.as_str()) {
        Some(config) => strings(
            blobs
                .json(config, label)?
                .get("rootfs")
                .and_then(|r| r.get("diff_ids")),
        ),
        None => Vec::new(),
    };
    let digests = if diff_ids.len() == paths.len() {
        diff_ids
    } else {
        paths.clone()
    };
    Ok((paths.into_iter().zip(digests).collect(), tags))
}

fn blob_path(digest: &str, label: &str) -> Result<String, VulnError> {
    let (algorithm, hex) = digest.split_once(':').unwrap_or(("", ""));
    let valid = matches!(algorithm, "sha256" | "sha512")
        && !hex.is_empty()
        && hex.bytes().all(|b| b.is_ascii_hexdigit());
    if !valid {
        return Err(VulnError::refused(
            label,
            format!("`{digest}` is not a digest"),
        ));
    }
    Ok(format!("blobs/{algorithm}/{hex}"))
}

/// OCI layout: index.json, through an image index if need be (the
/// linux/amd64 image, else the first), to the manifest's layers.
fn oci_layers(blobs: &mut Blobs, label: &str) -> Result<ImagePlan, VulnError> {
    let mut document = blobs.json("index.json", label)?;
    let mut tags = Vec::new();
    for _ in 0..4 {
        if let Some(manifests) = document.get("manifests").and_then(|m| m.as_array()) {
            let chosen = manifests
                .iter()
                .find(|m| {
                    let platform = m.get("platform");
                    platform.and_then(|p| p.get("os")).and_then(|v| v.as_str()) == Some("linux")
                        && platform
                            .and_then(|p| p.get("architecture"))
                            .and_then(|v| v.as_str())
                            == Some("amd64")
                })
                .or_else(|| manifests.iter().next())
                .ok_or_else(|| VulnError::parse(label, "the image index lists no manifest"))?;
            if let Some(tag) = chosen
                .get("annotations")
                .and_then(|a| a.get("org.opencontainers.image.ref.name"))
                .and_then(|v| v.as_str())
            {
                tags.push(tag.to_string());
            }
            let digest = chosen
                .get("digest")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            document = blobs.json(&blob_path(&digest, label)?, label)?;
            continue;
        }
        let mut layers = Vec::new();
        for layer in document
            .get("layers")
            .and_then(|l| l.as_array())
            .into_iter()
            .flat_map(|a| a.iter())
        {
            let digest = layer
                .get("digest")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            layers.push((blob_path(&digest, label)?, digest));
        }
        return Ok((layers, tags));
    }
    Err(VulnError::refused(
        label,
        "image indexes nested more than 4 deep",
    ))
}

struct Budget {
    bytes: u64,
}

/// Counts what comes out of the decompressor, and stops past the limit
/// (a decompression bomb ends here, not in memory).
struct Counted<'a, R> {
    inner: R,
    budget: &'a mut Budget,
    limit: u64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget.bytes += n as u64;
        if self.budget.bytes > self.limit {
            return Err(io::Error::other(format!(
                "layers inflate past {} bytes; refused as a decompression bomb",
                self.limit
            )));
        }
        Ok(n)
    }
}

fn apply_layer(
    mut reader: Box<dyn Read + '_>,
    (index, digest): (usize, &str),
    label: &str,
    set: &mut FileSet,
    limits: &Limits,
    (budget, seen): (&mut Budget, &mut u64),
) -> Result<(), VulnError> {
    let mut magic = [0u8; 4];
    let got = read_up_to(&mut reader, &mut magic).map_err(|e| VulnError::io(label, e))?;
    let head = io::Cursor::new(magic[..got].to_vec()).chain(reader);
    let stream: Box<dyn Read + '_> = if magic.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::MultiGzDecoder::new(head))
    } else if magic == [0x28, 0xb5, 0x2f, 0xfd] {
        return Err(VulnError::parse(
            label,
            "a zstd-compressed layer: not supported yet (gzip and plain tar are)",
        ));
    } else {
        Box::new(head)
    };
    let limit = limits.max_total_bytes;
    let mut archive = tar::Archive::new(Counted {
        inner: stream,
        budget,
        limit,
    });
    let entries = archive
        .entries()
        .map_err(|e| VulnError::parse(label, e.to_string()))?;
    let layer = (index, digest.to_string());
    for entry in entries {
        let mut entry =
            entry.map_err(|e| VulnError::parse(label, format!("layer {index}: {e}")))?;
        *seen += 1;
        if *seen > limits.max_entries {
            return Err(VulnError::refused(
                label,
                format!("the layers hold more than {} entries", limits.max_entries),
            ));
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(path) = normalize(&raw) else {
            set.errors.push(VulnError::refused(
                &format!("{label}!{raw}"),
                "entry path is absolute or leaves the image root",
            ));
            continue;
        };
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
        if name == ".wh..wh..opq" {
            set.clear_dir(dir, index);
            continue;
        }
        if let Some(hidden) = name.strip_prefix(".wh.") {
            set.remove(&if dir.is_empty() {
                hidden.to_string()
            } else {
                format!("{dir}/{hidden}")
            });
            continue;
        }
        let kind = entry.header().entry_type();
        if kind.is_symlink() {
            if let Ok(Some(target)) = entry.link_name() {
                set.link(path, target.to_string_lossy().into_owned());
            }
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        read_layer_file(&mut entry, path, &layer, label, set, limits)?;
    }
    Ok(())
}

fn read_layer_file<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    path: String,
    layer: &(usize, String),
    label: &str,
    set: &mut FileSet,
    limits: &Limits,
) -> Result<(), VulnError> {
    let kind = file_kind(&path);
    let executable = entry.header().mode().is_ok_and(|m| m & 0o111 != 0);
    let size = entry.size();
    if kind.is_none() && !(executable && size > 1024) {
        return Ok(());
    }
    if size > limits.max_file_bytes {
        set.errors.push(VulnError::refused(
            &format!("{label}!{path}"),
            format!("larger than {} bytes", limits.max_file_bytes),
        ));
        return Ok(());
    }
    let mut bytes = Vec::with_capacity(size.min(64 << 20) as usize);
    if kind.is_none() {
        let mut head = [0u8; 4];
        let got = read_up_to(entry, &mut head).map_err(|e| VulnError::io(label, e))?;
        if !is_binary_magic(&head[..got]) {
            return Ok(());
        }
        bytes.extend_from_slice(&head[..got]);
    }
    entry
        .take(limits.max_file_bytes)
        .read_to_end(&mut bytes)
        .map_err(|e| VulnError::io(&format!("{label}!{path}"), e))?;
    match kind {
        Some(kind) => set.put(path, kind, bytes, Some(layer.clone()), limits),
        None if go_build_info(&bytes) => {
            set.put(path, FileKind::GoBinary, bytes, Some(layer.clone()), limits)
        }
        None => {}
    }
    Ok(())
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

#[cfg(test)]
#[path = "image_tests.rs"]
mod tests;
