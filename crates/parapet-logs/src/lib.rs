//! Log readers. CloudTrail arrives as `{"Records":[...]}` files (often
//! `.json.gz` in an S3 folder tree), Azure as Event Hub `{"records":[...]}`
//! or Log Analytics exports, GCP as log-sink JSONL, Kubernetes, Okta, GitHub,
//! Bitbucket and M365 as JSON arrays or JSONL; each record is recognized by
//! its fields (see [`detect_kind`]) and becomes a [`parapet_core::Event`].
//!
//! Reading is split in two so callers can parallelize: a [`ChunkReader`]
//! cuts a byte stream into [`Chunk`]s (groups of whole lines, or one whole
//! document), and [`parse_chunk`] turns a chunk into events. Bad input never
//! stops a read: each problem becomes a [`ReadError`] and the rest goes on.

mod chunk;
mod cloudtrail;
mod discover;
mod error;
mod kind;
mod parse;
mod pim_alerts;
mod summary;
mod workspace_reports;

pub use chunk::{
    open_path, Chunk, ChunkKind, ChunkReader, CHUNK_BYTES, MAX_DOCUMENT_BYTES, MAX_LINE_BYTES,
};
pub use cloudtrail::{cloudtrail_summary, is_cloudtrail_record};
pub use discover::discover_files;
pub use error::{Location, ReadError};
pub use kind::{detect_kind, event_time};
pub use parse::{parse_chunk, parse_chunk_as, parse_chunk_each, ParseReport, Parsed, TimeRange};
pub use summary::{first_text, summarize};
