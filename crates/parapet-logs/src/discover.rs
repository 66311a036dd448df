//! Finds the log files below the paths a user names.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Location, ReadError};

/// Names a folder walk reads: what CloudTrail and exports write.
fn is_log_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    [
        ".json",
        ".json.gz",
        ".jsonl",
        ".jsonl.gz",
        ".ndjson",
        ".ndjson.gz",
        ".gz",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// Expands folders into the log files below them, recursively and sorted;
/// named files are kept whatever their name. Digest files (CloudTrail's
/// integrity chain, not events) are skipped. Symlinked folders are not
/// followed, so a walk cannot loop or leave the tree.
pub fn discover_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<ReadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut errors),
            Ok(_) => files.push(path.clone()),
            Err(e) => errors.push(ReadError::new(
                &name_of(path),
                Location::Whole,
                format!("cannot read: {e}"),
            )),
        }
    }
    (files, errors)
}

fn name_of(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string())
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            return errors.push(ReadError::new(
                &name_of(dir),
                Location::Whole,
                format!("cannot list folder: {e}"),
            ))
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.contains("CloudTrail-Digest") {
            continue;
        }
        if meta.is_dir() {
            walk(&path, files, errors);
        } else if (meta.is_file() || meta.file_type().is_symlink() && path.is_file())
            && is_log_file(&path)
        {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_an_s3_layout_sorted_and_skips_digests() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("AWSLogs/111122223333");
        let day = base.join("CloudTrail/us-east-1/2024/07/30");
        fs::create_dir_all(&day).unwrap();
        fs::create_dir_all(base.join("CloudTrail-Digest/us-east-1")).unwrap();
        fs::write(day.join("b.json.gz"), b"").unwrap();
        fs::write(day.join("a.json.gz"), b"").unwrap();
        fs::write(day.join("notes.txt"), b"").unwrap();
        fs::write(base.join("CloudTrail-Digest/us-east-1/d.json.gz"), b"").unwrap();
        let (files, errors) =
            discover_files(&[dir.path().to_path_buf(), dir.path().join("missing")]);
        let names: Vec<_> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["a.json.gz", "b.json.gz"]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("missing: cannot read"));
    }
}
