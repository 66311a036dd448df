//! `parapet events`: the records of any audit log, one JSON object per
//! line, as their OCSF event (the lake's normalized view) or as read, each
//! with the source it was recognized as.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use parapet_logs::{discover_files, open_path, parse_chunk_as, TimeRange};
use sonic_rs::json;

use crate::cli::parse_log_kind;
use crate::Outcome;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EventFormat {
    /// OCSF 1.1 events: API Activity (6003), Authentication (3002), Account Change (3001).
    Ocsf,
    /// The record as read, with `source` and `origin` beside it.
    Raw,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Log files or folders of any source `parapet detect` reads.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Treat every record as this source instead of recognizing each.
    #[arg(long, value_parser = parse_log_kind)]
    pub source: Option<parapet_core::LogKind>,
    #[arg(long, short = 'f', value_enum, default_value = "ocsf")]
    pub format: EventFormat,
}

pub fn run(args: EventsArgs) -> Result<Outcome> {
    let (files, mut errors) = discover_files(&args.paths);
    let mut out = BufWriter::new(io::stdout().lock());
    let (mut events, mut untimed, mut unopened) = (0u64, 0u64, 0usize);
    let mut write_error = None;
    for file in &files {
        let reader = match open_path(file) {
            Ok(reader) => reader,
            Err(e) => {
                eprintln!("parapet events: {}: cannot open: {e}", file.display());
                unopened += 1;
                continue;
            }
        };
        for chunk in reader {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let report = parse_chunk_as(chunk, &TimeRange::default(), args.source, &mut |event| {
                let line = match args.format {
                    EventFormat::Ocsf => match parapet_lake::ocsf_event(&event) {
                        Some(ocsf) => ocsf.to_string(),
                        None => {
                            untimed += 1;
                            return;
                        }
                    },
                    EventFormat::Raw => json!({
                        "source": event.kind.name(),
                        "origin": event.origin.to_string(),
                        "record": event.value,
                    })
                    .to_string(),
                };
                events += 1;
                if write_error.is_none() {
                    write_error = writeln!(out, "{line}").err();
                }
            });
            errors.extend(report.errors);
        }
    }
    if let Some(e) = write_error {
        return Err(anyhow::Error::new(e).context("cannot write events"));
    }
    out.flush().context("cannot write events")?;
    for error in errors.iter().take(50) {
        eprintln!("parapet events: {error}");
    }
    eprintln!(
        "parapet events: {} files, {events} events, {untimed} records without a usable time (left out), {} read errors",
        files.len(),
        errors.len() + unopened
    );
    Ok(if errors.is_empty() && unopened == 0 {
        Outcome::Clean
    } else {
        Outcome::Errors
    })
}
