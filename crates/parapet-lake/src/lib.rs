//! The security lake: events as Parquet (zstd) partitioned Hive-style
//! `source=/account=/date=`, with OCSF columns and the raw record, readable
//! unchanged by DuckDB, Athena, Trino or Spark; and SQL hunts over it with
//! DataFusion. Writes are crash-safe: files appear in partitions only when an
//! ingest commits, and a half-done commit is undone by the next one.

mod error;
mod hunt;
mod ingest;
mod json_get;
mod ledger;
mod ocsf_event;
mod row;
mod saved;
mod source_row;
mod timeline;
mod writer;

pub use datafusion::arrow::array::Int64Array;
pub use datafusion::arrow::record_batch::RecordBatch;
pub use error::LakeError;
pub use hunt::{hunt, render, HuntFormat};
pub use ingest::{ingest, IngestReport};
pub use ocsf_event::ocsf_event;
pub use row::{cloudtrail_row, file_schema, Partition, Row, PARTITIONS};
pub use saved::{
    find as find_saved_hunt, is_date, Param, ParamKind, SavedHunt, SAVED_HUNTS, WINDOW,
};
pub use source_row::source_row;
pub use timeline::{timeline_sql, Subject};
