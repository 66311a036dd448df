//! JSON from untrusted files: nesting is checked before parsing, so a
//! deeply nested document is an error, not a stack overflow.

use parapet_core::{too_deep, MAX_JSON_DEPTH};
use serde::de::DeserializeOwned;

use crate::error::VulnError;

pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8], file: &str) -> Result<T, VulnError> {
    if too_deep(bytes) {
        return Err(VulnError::refused(
            file,
            format!("JSON nested deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    sonic_rs::from_slice(bytes).map_err(|e| VulnError::parse(file, e.to_string()))
}
