//! Reading OSV advisories from a folder (JSON, or PyPA's YAML) or from
//! OSV's per-ecosystem `all.zip` export, and the compact form they are
//! stored in.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use crate::advisory::Advisory;
use crate::error::VulnError;

/// One advisory file larger than this is refused (the largest OSV records
/// are a few hundred KiB).
pub const MAX_ADVISORY_BYTES: u64 = 16 << 20;

/// What a folder or zip held.
#[derive(Debug, Default)]
pub struct AdvisoryBatch {
    pub advisories: Vec<Advisory>,
    /// Files that could not be read: each named, the rest still read.
    pub errors: Vec<VulnError>,
    /// Advisory files read (good or bad).
    pub files: usize,
}

/// Reads every advisory under `path`: a folder (recursively; `.json`,
/// `.yaml`, `.yml`, and `.zip` exports inside it), a zip, or one file.
pub fn read_advisories(path: &Path) -> Result<AdvisoryBatch, VulnError> {
    let mut batch = AdvisoryBatch::default();
    let meta = fs::metadata(path).map_err(|e| VulnError::io(&path.display().to_string(), e))?;
    if meta.is_dir() {
        read_dir(path, &mut batch, 0);
    } else {
        read_file(path, &mut batch)?;
    }
    Ok(batch)
}

fn is_advisory_name(name: &str) -> bool {
    name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml")
}

fn read_dir(dir: &Path, batch: &mut AdvisoryBatch, depth: usize) {
    let label = dir.display().to_string();
    if depth > 32 {
        batch.errors.push(VulnError::refused(
            &label,
            "folders nested deeper than 32 levels",
        ));
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return batch.errors.push(VulnError::io(&label, e)),
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        // symlink_metadata: a link is not followed out of the folder.
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            read_dir(&path, batch, depth + 1);
        } else if meta.is_file() && (is_advisory_name(name) || name.ends_with(".zip")) {
            if let Err(e) = read_file(&path, batch) {
                batch.errors.push(e);
            }
        }
    }
}

fn read_file(path: &Path, batch: &mut AdvisoryBatch) -> Result<(), VulnError> {
    let label = path.display().to_string();
    if label.ends_with(".zip") {
        let file = fs::File::open(path).map_err(|e| VulnError::io(&label, e))?;
        return read_zip(file, &label, batch);
    }
    batch.files += 1;
    let file = fs::File::open(path).map_err(|e| VulnError::io(&label, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_ADVISORY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| VulnError::io(&label, e))?;
    if bytes.len() as u64 > MAX_ADVISORY_BYTES {
        batch.errors.push(VulnError::refused(
            &label,
            format!("larger than {MAX_ADVISORY_BYTES} bytes"),
        ));
        return Ok(());
    }
    match Advisory::from_osv(&bytes, &label) {
        Ok(a) => batch.advisories.push(a),
        Err(e) => batch.errors.push(e),
    }
    Ok(())
}

/// OSV's `all.zip`: one JSON advisory per entry. Entry sizes are checked
/// as they are inflated, not trusted from the header.
fn read_zip<R: Read + std::io::Seek>(
    reader: R,
    label: &str,
    batch: &mut AdvisoryBatch,
) -> Result<(), VulnError> {
    let mut archive = zip::ZipArchive::new(reader)
        .map_err(|e| VulnError::parse(label, format!("not a zip archive: {e}")))?;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(entry) => entry,
            Err(e) => {
                batch
                    .errors
                    .push(VulnError::parse(label, format!("entry {i}: {e}")));
                continue;
            }
        };
        let entry_name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let name = format!("{label}!{entry_name}");
        if entry.is_dir() || !is_advisory_name(&entry_name) {
            continue;
        }
        batch.files += 1;
        let mut bytes = Vec::new();
        if let Err(e) = (&mut entry)
            .take(MAX_ADVISORY_BYTES + 1)
            .read_to_end(&mut bytes)
        {
            batch.errors.push(VulnError::io(&name, e));
            continue;
        }
        if bytes.len() as u64 > MAX_ADVISORY_BYTES {
            batch.errors.push(VulnError::refused(
                &name,
                format!("inflates past {MAX_ADVISORY_BYTES} bytes"),
            ));
            continue;
        }
        match Advisory::from_osv(&bytes, &name) {
            Ok(a) => batch.advisories.push(a),
            Err(e) => batch.errors.push(e),
        }
    }
    Ok(())
}

/// The stored form: compact JSON of the kept fields, deflated.
pub fn encode_advisory(advisory: &Advisory) -> Vec<u8> {
    let json = sonic_rs::to_vec(advisory).unwrap_or_default();
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(&json);
    encoder.finish().unwrap_or_default()
}

pub fn decode_advisory(body: &[u8]) -> Result<Advisory, VulnError> {
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(body)
        .take(MAX_ADVISORY_BYTES)
        .read_to_end(&mut json)
        .map_err(|e| VulnError::parse("advisory database", format!("corrupt record: {e}")))?;
    sonic_rs::from_slice(&json)
        .map_err(|e| VulnError::parse("advisory database", format!("corrupt record: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_zip_export_and_names_bad_entries() {
        let mut zip_bytes = std::io::Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut zip_bytes);
            let options = zip::write::SimpleFileOptions::default();
            writer.start_file("GO-1.json", options).unwrap();
            writer
                .write_all(br#"{"id":"GO-1","modified":"2024-01-01T00:00:00Z","affected":[]}"#)
                .unwrap();
            writer.start_file("bad.json", options).unwrap();
            writer.write_all(b"{not json").unwrap();
            writer.start_file("README.txt", options).unwrap();
            writer.write_all(b"skip").unwrap();
            writer.finish().unwrap();
        }
        let mut batch = AdvisoryBatch::default();
        zip_bytes.set_position(0);
        read_zip(zip_bytes, "all.zip", &mut batch).unwrap();
        assert_eq!(
            (batch.files, batch.advisories.len(), batch.errors.len()),
            (2, 1, 1)
        );
        assert!(batch.errors[0].to_string().starts_with("all.zip!bad.json:"));
    }

    #[test]
    fn encoding_round_trips() {
        let a = Advisory::from_osv(
            br#"{"id":"X","modified":"m","aliases":["CVE-1"],"affected":[{"package":{"ecosystem":"npm","name":"n"},"versions":["1.0.0"]}]}"#,
            "x.json",
        )
        .unwrap();
        assert_eq!(decode_advisory(&encode_advisory(&a)).unwrap(), a);
        assert!(decode_advisory(b"garbage").is_err());
    }
}
