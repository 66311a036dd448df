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
use datafusion::parquet::file::properties::WriterProperties;

use crate::error::LakeError;
use crate::row::{file_schema, Row};

/// Rows per Parquet row group (and per file flush).
pub const ROWS_PER_FILE: usize = 1_000_000;

/// The rows as one Arrow batch of [`file_schema`].
pub fn to_batch(rows: &[Row]) -> Result<RecordBatch, LakeError> {
    let mut time = TimestampMillisecondBuilder::with_capacity(rows.len()).with_timezone("UTC");
    let mut class = Int32Builder::with_capacity(rows.len());
    let mut activity = Int32Builder::with_capacity(rows.len());
    let mut texts: Vec<StringBuilder> = (0..13).map(|_| StringBuilder::new()).collect();
    let mut resources = ListBuilder::new(StringBuilder::new());
    let mut uid = StringBuilder::new();
    let mut raw = StringBuilder::new();
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
        raw.append_value(&row.raw);
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

/// Writes rows to `<final>.tmp` and returns that path.
pub fn write_tmp(final_path: &Path, rows: &[Row]) -> Result<PathBuf, LakeError> {
    let tmp = tmp_path(final_path);
    if let Some(dir) = tmp.parent() {
        std::fs::create_dir_all(dir).map_err(|e| LakeError::io(dir, e))?;
    }
    let file = File::create(&tmp).map_err(|e| LakeError::io(&tmp, e))?;
    let properties = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
        .set_max_row_group_row_count(Some(ROWS_PER_FILE))
        .build();
    let mut writer = ArrowWriter::try_new(file, file_schema(), Some(properties))?;
    writer.write(&to_batch(rows)?)?;
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
