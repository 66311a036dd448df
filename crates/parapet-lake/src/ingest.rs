//! `ingest`: log files into the lake. Each input file is recognized by its
//! content, so ingesting it again (even renamed) adds nothing; each event by
//! its id, so an event delivered twice is kept once. Malformed records are
//! counted and reported; the rest is ingested.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use parapet_logs::{
    discover_files, is_cloudtrail_record, open_path, parse_chunk_each, ReadError, TimeRange,
};

use crate::error::LakeError;
use crate::ledger::{hash_bytes, Ledger};
use crate::row::{cloudtrail_row, Partition, Row};
use crate::writer::{write_tmp, ROWS_PER_FILE};

#[derive(Debug, Default)]
pub struct IngestReport {
    /// Input files read now.
    pub files: usize,
    /// Input files already in the lake (by content), skipped.
    pub skipped_files: usize,
    pub bytes_in: u64,
    /// Events written.
    pub events: u64,
    /// Events whose id the lake already holds.
    pub duplicates: u64,
    /// Records that are not CloudTrail, or have no usable time.
    pub unusable: u64,
    pub parquet_files: usize,
    pub errors: Vec<ReadError>,
}

/// Reads `paths` (files or folders) into the lake at `lake`.
pub fn ingest(paths: &[PathBuf], lake: &Path) -> Result<IngestReport, LakeError> {
    std::fs::create_dir_all(lake).map_err(|e| LakeError::io(lake, e))?;
    let mut ledger = Ledger::open(lake)?;
    let (files, errors) = discover_files(paths);
    let mut batch = Batch {
        lake: lake.to_path_buf(),
        run: run_id(),
        ..Batch::default()
    };
    let mut report = IngestReport {
        errors,
        ..IngestReport::default()
    };
    let mut inputs: Vec<(u64, u64, String)> = Vec::new();
    for file in files {
        let bytes = match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(e) => {
                report.errors.push(whole_file(&file, e));
                continue;
            }
        };
        let key = (hash_bytes(&bytes), bytes.len() as u64);
        drop(bytes);
        if ledger.files.contains(&key) || inputs.iter().any(|(h, s, _)| (*h, *s) == key) {
            report.skipped_files += 1;
            continue;
        }
        report.files += 1;
        report.bytes_in += key.1;
        let reader = match open_path(&file) {
            Ok(reader) => reader,
            Err(e) => {
                report.errors.push(whole_file(&file, e));
                continue;
            }
        };
        for chunk in reader {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    report.errors.push(e);
                    continue;
                }
            };
            let parsed = parse_chunk_each(chunk, &TimeRange::default(), &mut |event| {
                if !is_cloudtrail_record(&event.value) {
                    report.unusable += 1;
                    return;
                }
                let Some((partition, row)) = cloudtrail_row(&event) else {
                    report.unusable += 1;
                    return;
                };
                let id = hash_bytes(row.event_uid.as_deref().unwrap_or(&row.raw).as_bytes());
                if ledger.events.contains(&id) || !batch.ids.insert(id) {
                    report.duplicates += 1;
                    return;
                }
                report.events += 1;
                batch.rows.entry(partition).or_default().push(row);
            });
            report.errors.extend(parsed.errors);
            batch.flush_full()?;
        }
        inputs.push((key.0, key.1, file.display().to_string()));
    }
    batch.flush_all()?;
    report.parquet_files = batch.written.len();
    let ids: Vec<u64> = batch.ids.into_iter().collect();
    ledger.commit(lake, &batch.written, &inputs, &ids)?;
    Ok(report)
}

/// The rows of one ingest run, by partition, and the files written so far
/// (still under their temporary names).
#[derive(Default)]
struct Batch {
    lake: PathBuf,
    run: String,
    rows: BTreeMap<Partition, Vec<Row>>,
    ids: HashSet<u64>,
    written: Vec<(PathBuf, PathBuf)>,
}

impl Batch {
    fn flush_full(&mut self) -> Result<(), LakeError> {
        let full: Vec<Partition> = self
            .rows
            .iter()
            .filter(|(_, rows)| rows.len() >= ROWS_PER_FILE)
            .map(|(p, _)| p.clone())
            .collect();
        for partition in full {
            self.flush(&partition)?;
        }
        Ok(())
    }

    fn flush_all(&mut self) -> Result<(), LakeError> {
        let all: Vec<Partition> = self.rows.keys().cloned().collect();
        for partition in all {
            self.flush(&partition)?;
        }
        Ok(())
    }

    fn flush(&mut self, partition: &Partition) -> Result<(), LakeError> {
        let Some(mut rows) = self.rows.remove(partition) else {
            return Ok(());
        };
        if rows.is_empty() {
            return Ok(());
        }
        rows.sort_by_key(|r| r.time_ms);
        let name = format!("part-{}-{:05}.parquet", self.run, self.written.len());
        let final_path = self.lake.join(partition.folder()).join(name);
        let tmp = write_tmp(&final_path, &rows)?;
        self.written.push((tmp, final_path));
        Ok(())
    }
}

/// A file that could not be read at all.
fn whole_file(file: &Path, error: std::io::Error) -> ReadError {
    let source = file.display().to_string().into();
    ReadError::new(&source, parapet_logs::Location::Whole, error.to_string())
}

/// Unique per run: the start time and the process.
fn run_id() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("{millis}-{}", std::process::id())
}
