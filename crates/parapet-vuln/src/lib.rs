//! Vulnerability management: packages found in SBOMs, container images,
//! folders, zip packages and lockfiles, matched offline against OSV
//! advisories in each ecosystem's own version order.

mod advisory;
mod cvss;
mod ecosystem;
mod error;
mod extract;
mod import;
mod json;
mod matcher;
mod purl;
mod source;
pub mod version;
mod vex;

pub use advisory::{Advisory, Affected, Range, RangeEvent, RangeKind, SeverityEntry};
pub use cvss::{level_of_score, parse_vector};
pub use ecosystem::{normalize_name, Ecosystem, VersionScheme};
pub use error::VulnError;
pub use extract::{extract, file_kind, Extracted, FileKind, FileOrigin, OsInfo};
pub use import::{
    decode_advisory, encode_advisory, read_advisories, AdvisoryBatch, MAX_ADVISORY_BYTES,
};
pub use matcher::{is_affected, VulnDb};
pub use purl::{make_purl, parse_purl, PurlPackage};
pub use source::{normalize, scan_image, scan_path, Inventory, Limits};
pub use vex::{apply_vex, read_vex, VexStatement};
