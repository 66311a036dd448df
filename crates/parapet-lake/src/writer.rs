//! Rows to Parquet (zstd): a file is written under a hidden `.tmp` name
//! that no reader lists, and only renamed into its partition when the whole
//! ingest commits.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, Int32Builder, ListBuilder, StringBuilder, TimestampMillisecondBuilder,
};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};
use datafusion::parquet::schema::types::ColumnPath;

use crate::error::LakeError;
use crate::row::{file_schema, Row};

/// Rows per Parquet row group (and per file flush).
pub const ROWS_PER_FILE: usize = 1_000_000;

/// Rows per Arrow batch handed to the Parquet writer: small enough that
/// the builders' memory is reused from batch to batch rather than fetched
/// fresh from the system (zeroed pages cost more than encoding).
const ROWS_PER_BATCH: usize = 4096;

/// Rows of one partition and the text of their raw records.
#[derive(Default)]
pub struct Rows {
    pub rows: Vec<Row>,
    pub text: Vec<u8>,
}

impl Rows {
    /// Memory held, roughly: the raw text and the other columns.
    pub fn bytes(&self) -> usize {
        self.text.len() + self.rows.len() * ROW_OVERHEAD
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.text.clear();
    }
}

/// A row's memory besides its raw text: the other columns and the vectors.
const ROW_OVERHEAD: usize = 400;

/// The rows as one Arrow batch of [`file_schema`]; `text` holds their raw records.
pub fn to_batch(rows: &[&Row], text: &[u8]) -> Result<RecordBatch, LakeError> {
    let n = rows.len();
    let raw_bytes = rows.iter().map(|r| r.raw.len()).sum();
    let mut time = TimestampMillisecondBuilder::with_capacity(n).with_timezone("UTC");
    let mut class = Int32Builder::with_capacity(n);
    let mut activity = Int32Builder::with_capacity(n);
    let mut texts: Vec<StringBuilder> = (0..13)
        .map(|_| StringBuilder::with_capacity(n, n * 48))
        .collect();
    let mut resources = ListBuilder::new(StringBuilder::new());
    let mut uid = StringBuilder::with_capacity(n, n * 36);
    let mut raw = StringBuilder::with_capacity(n, raw_bytes);
    for row in rows {
        time.append_value(row.time_ms);
        class.append_value(row.class_uid);
        activity.append_value(row.activity_id);
        for (builder, value) in texts.iter_mut().zip(&row.text) {
            builder.append_option(value.as_deref());
        }
        for resource in &row.resources {
            resources.values().append_value(resource);
        }
        resources.append(true);
        uid.append_option(row.event_uid.as_deref());
        let record = text.get(row.raw.clone()).unwrap_or_default();
        raw.append_value(std::str::from_utf8(record).unwrap_or("{}"));
    }
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(time.finish()),
        Arc::new(class.finish()),
        Arc::new(activity.finish()),
    ];
    columns.extend(texts.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef));
    columns.push(Arc::new(resources.finish()));
    columns.push(Arc::new(uid.finish()));
    columns.push(Arc::new(raw.finish()));
    Ok(RecordBatch::try_new(file_schema(), columns)?)
}

/// Writes rows, in time order, to `<final>.tmp` and returns that path.
pub fn write_tmp(final_path: &Path, rows: &Rows) -> Result<PathBuf, LakeError> {
    let tmp = tmp_path(final_path);
    if let Some(dir) = tmp.parent() {
        std::fs::create_dir_all(dir).map_err(|e| LakeError::io(dir, e))?;
    }
    let file = File::create(&tmp).map_err(|e| LakeError::io(&tmp, e))?;
    // Unique per row, never filtered by range: no dictionary, no statistics.
    let raw = ColumnPath::from("raw");
    let uid = ColumnPath::from("event_uid");
    let properties = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1)?))
        .set_max_row_group_row_count(Some(ROWS_PER_FILE))
        .set_column_dictionary_enabled(raw.clone(), false)
        .set_column_statistics_enabled(raw, EnabledStatistics::None)
        .set_column_dictionary_enabled(uid.clone(), false)
        .set_column_statistics_enabled(uid, EnabledStatistics::None)
        .build();
    let mut writer = ArrowWriter::try_new(file, file_schema(), Some(properties))?;
    // Sorted by reference: a row is hundreds of bytes to move.
    let mut ordered: Vec<&Row> = rows.rows.iter().collect();
    if !ordered.is_sorted_by_key(|r| r.time_ms) {
        ordered.sort_by_key(|r| r.time_ms);
    }
    for batch in ordered.chunks(ROWS_PER_BATCH) {
        writer.write(&to_batch(batch, &rows.text)?)?;
    }
    let file = writer.into_inner()?;
    file.sync_all().map_err(|e| LakeError::io(&tmp, e))?;
    Ok(tmp)
}

/// `part-x.parquet` → `.part-x.parquet.tmp`: hidden and without the
/// `.parquet` extension, so neither DataFusion nor DuckDB lists it.
pub fn tmp_path(final_path: &Path) -> PathBuf {
    let name = final_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    final_path.with_file_name(format!(".{name}.tmp"))
}
