//! Reading template files: bounded in size, errors reported per file.

use std::path::Path;

use crate::error::IacError;

/// Templates larger than this are refused (generated or hostile input).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The file's text, or None with the reason recorded.
pub(crate) fn read_text(path: &Path, rel: &str, errors: &mut Vec<IacError>) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            errors.push(IacError::new(
                rel,
                0,
                0,
                format!("larger than {} MiB; skipped", MAX_FILE_BYTES >> 20),
            ));
            return None;
        }
        Err(e) => {
            errors.push(IacError::new(rel, 0, 0, format!("unreadable: {e}")));
            return None;
        }
        Ok(_) => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                errors.push(IacError::new(rel, 0, 0, "not UTF-8 text"));
                None
            }
        },
        Err(e) => {
            errors.push(IacError::new(rel, 0, 0, format!("unreadable: {e}")));
            None
        }
    }
}
