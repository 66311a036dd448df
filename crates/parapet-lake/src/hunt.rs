//! SQL over the lake with DataFusion: one table, `events`, whose partition
//! columns (`source`, `account`, `date`) prune whole folders, so a query on
//! one account and day reads only those files.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::prelude::SessionContext;

use crate::error::LakeError;
use crate::row::{file_schema, PARTITIONS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HuntFormat {
    Table,
    Csv,
    Json,
}

/// Runs `sql` over the lake at `lake` and returns the result rows.
pub fn hunt(lake: &Path, sql: &str) -> Result<Vec<RecordBatch>, LakeError> {
    if !lake.join(crate::ledger::LEDGER_DIR).is_dir() {
        return Err(LakeError::Message(format!(
            "no lake at {} (run `parapet ingest PATHS --lake {}` first)",
            lake.display(),
            lake.display()
        )));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .build()
        .map_err(|e| LakeError::io(lake, e))?;
    runtime.block_on(async {
        let ctx = SessionContext::new();
        ctx.register_udf(crate::json_get::udf());
        register(&ctx, lake)?;
        let frame = ctx.sql(sql).await?;
        Ok(frame.collect().await?)
    })
}

/// The lake as table `events`.
fn register(ctx: &SessionContext, lake: &Path) -> Result<(), LakeError> {
    let absolute = std::path::absolute(lake).map_err(|e| LakeError::io(lake, e))?;
    let url = ListingTableUrl::parse(format!("{}/", absolute.display()))?;
    let partitions = PARTITIONS
        .iter()
        .map(|name| (name.to_string(), DataType::Utf8))
        .collect();
    let options = ListingOptions::new(Arc::new(ParquetFormat::default()))
        .with_file_extension(".parquet")
        .with_table_partition_cols(partitions);
    let config = ListingTableConfig::new(url)
        .with_listing_options(options)
        .with_schema(file_schema());
    ctx.register_table("events", Arc::new(ListingTable::try_new(config)?))?;
    Ok(())
}

/// Writes result rows as a table, CSV (with a header) or a JSON array.
pub fn render(
    batches: &[RecordBatch],
    format: HuntFormat,
    out: &mut dyn Write,
) -> Result<(), LakeError> {
    let io = |e| LakeError::io(Path::new("<output>"), e);
    match format {
        HuntFormat::Table => {
            let table = datafusion::arrow::util::pretty::pretty_format_batches(batches)?;
            writeln!(out, "{table}").map_err(io)?;
        }
        HuntFormat::Csv => {
            let mut writer = datafusion::arrow::csv::Writer::new(out);
            for batch in batches {
                writer.write(&flat(batch)?)?;
            }
        }
        HuntFormat::Json => {
            let mut writer = datafusion::arrow::json::ArrayWriter::new(out);
            let refs: Vec<&RecordBatch> = batches.iter().collect();
            writer.write_batches(&refs)?;
            writer.finish()?;
        }
    }
    Ok(())
}

/// The batch with list and struct columns as text (`[a, b]`), which CSV
/// cannot hold otherwise.
fn flat(batch: &RecordBatch) -> Result<RecordBatch, LakeError> {
    if !batch
        .schema()
        .fields()
        .iter()
        .any(|f| f.data_type().is_nested())
    {
        return Ok(batch.clone());
    }
    let options = FormatOptions::default();
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        if !field.data_type().is_nested() {
            fields.push(field.as_ref().clone());
            columns.push(column.clone());
            continue;
        }
        let formatter = ArrayFormatter::try_new(column.as_ref(), &options)?;
        let text: StringArray = (0..column.len())
            .map(|i| (!column.is_null(i)).then(|| formatter.value(i).to_string()))
            .collect();
        fields.push(Field::new(field.name(), DataType::Utf8, true));
        columns.push(Arc::new(text));
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}
