//! The security lake: events as Parquet (zstd) partitioned Hive-style
//! `source=/account=/date=`, with OCSF columns and the raw record, readable
//! unchanged by DuckDB, Athena, Trino or Spark; and SQL hunts over it with
//! DataFusion. Writes are crash-safe: files appear in partitions only when an
//! ingest commits, and a half-done commit is undone by the next one.

mod error;
mod hunt;
mod ingest;
mod ledger;
mod row;
mod writer;

pub use error::LakeError;
pub use hunt::{hunt, render, HuntFormat};
pub use ingest::{ingest, IngestReport};
pub use row::{cloudtrail_row, file_schema, Partition, Row, PARTITIONS};
