//! `parapet ingest` and `parapet hunt`: the Parquet security lake.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use parapet_lake::HuntFormat;

use crate::inventory::parapet_home;
use crate::Outcome;

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Log files or folders (CloudTrail: `{"Records":[...]}`, JSON arrays,
    /// JSONL, `.gz`, S3 folder trees).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The lake folder (default: $PARAPET_HOME/lake).
    #[arg(long)]
    pub lake: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HuntOutput {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct HuntArgs {
    /// The query, e.g. `SELECT api_operation, count(*) FROM events GROUP BY 1`.
    pub sql: String,
    #[arg(long)]
    pub lake: Option<PathBuf>,
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: HuntOutput,
    /// Write the rows here instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}

fn lake_dir(lake: &Option<PathBuf>) -> Result<PathBuf> {
    match lake {
        Some(lake) => Ok(lake.clone()),
        None => Ok(parapet_home()?.join("lake")),
    }
}

pub fn ingest(args: IngestArgs) -> Result<Outcome> {
    let lake = lake_dir(&args.lake)?;
    let report = parapet_lake::ingest(&args.paths, &lake)
        .with_context(|| format!("ingest into {}", lake.display()))?;
    for error in report.errors.iter().take(50) {
        eprintln!("parapet ingest: {error}");
    }
    eprintln!(
        "parapet ingest: {} files read ({} already in the lake), {:.1} MB; {} events written, {} duplicates skipped, {} records unusable; {} Parquet files; {} read errors",
        report.files,
        report.skipped_files,
        report.bytes_in as f64 / 1e6,
        report.events,
        report.duplicates,
        report.unusable,
        report.parquet_files,
        report.errors.len()
    );
    Ok(if report.errors.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Errors
    })
}

pub fn hunt(args: HuntArgs) -> Result<Outcome> {
    let lake = lake_dir(&args.lake)?;
    let batches = parapet_lake::hunt(&lake, &args.sql)?;
    let format = match args.format {
        HuntOutput::Table => HuntFormat::Table,
        HuntOutput::Csv => HuntFormat::Csv,
        HuntOutput::Json => HuntFormat::Json,
    };
    match &args.output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = BufWriter::new(file);
            parapet_lake::render(&batches, format, &mut out)?;
            out.flush()?;
        }
        None => parapet_lake::render(&batches, format, &mut io::stdout().lock())?,
    }
    Ok(Outcome::Clean)
}
