//! `ingest`: log files into the lake. Each input file is recognized by its
//! content, so ingesting it again (even renamed) adds nothing; each event by
//! its id, so an event delivered twice is kept once. Malformed records are
//! counted and reported; the rest is ingested.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use parapet_logs::{discover_files, open_path, parse_chunk_each, ReadError, TimeRange};

use parapet_core::{Event, LogKind};
use rustc_hash::FxHashSet;

use crate::error::LakeError;
use crate::ledger::{file_key, hash_event, FileKey, Ledger};
use crate::row::{cloudtrail_row, write_raw, Partition};
use crate::source_row::source_row;
use crate::writer::{write_tmp, Rows, ROWS_PER_FILE};

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
    /// Records without a usable time.
    pub unusable: u64,
    pub parquet_files: usize,
    pub errors: Vec<ReadError>,
    /// Wall-clock time of the whole ingest.
    pub seconds: f64,
}

/// Reads `paths` (files or folders) into the lake at `lake`; `observe` sees
/// every new event (not the duplicates) as it is read, so detection shares
/// the one read.
pub fn ingest(
    paths: &[PathBuf],
    lake: &Path,
    observe: &mut dyn FnMut(&Event),
) -> Result<IngestReport, LakeError> {
    let started = std::time::Instant::now();
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
    let mut inputs: Vec<(FileKey, String)> = Vec::new();
    let mut seen: HashSet<FileKey> = HashSet::new();
    for file in files {
        let key = match file_key(&file) {
            Ok(key) => key,
            Err(e) => {
                report.errors.push(whole_file(&file, e));
                continue;
            }
        };
        // Also within this run: the same file under two names is read once.
        if ledger.files.contains(&key) || !seen.insert(key) {
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
                let placed = if event.kind == LogKind::CloudTrail {
                    cloudtrail_row(&event)
                } else {
                    source_row(&event)
                };
                let Some((partition, mut row)) = placed else {
                    report.unusable += 1;
                    return;
                };
                let rows = rows_of(&mut batch.rows, &mut batch.spares, partition);
                row.raw = write_raw(&event.value, &mut rows.text);
                let id = match &row.event_uid {
                    Some(uid) => hash_event(uid.as_bytes()),
                    None => hash_event(&rows.text[row.raw.clone()]),
                };
                if ledger.events.contains(&id) || !batch.ids.insert(id) {
                    rows.text.truncate(row.raw.start);
                    report.duplicates += 1;
                    return;
                }
                rows.rows.push(row);
                report.events += 1;
                observe(&event);
            });
            report.errors.extend(parsed.errors);
            batch.flush_full()?;
        }
        inputs.push((key, file.display().to_string()));
    }
    batch.flush_all()?;
    report.parquet_files = batch.written.len();
    let ids: Vec<u64> = batch.ids.into_iter().collect();
    ledger.commit(lake, &batch.written, &inputs, &ids)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The rows of one ingest run, by partition, and the files written so far
/// (still under their temporary names).
#[derive(Default)]
struct Batch {
    lake: PathBuf,
    run: String,
    rows: BTreeMap<Partition, Rows>,
    /// Emptied buffers of written partitions, reused by the next ones.
    spares: Vec<Rows>,
    ids: FxHashSet<u64>,
    written: Vec<(PathBuf, PathBuf)>,
}

/// Rows held in memory at most before the largest partition is written.
const MAX_BUFFERED: usize = 384 << 20;

/// The rows of `partition`, starting from a spare buffer when it is new.
fn rows_of<'a>(
    rows: &'a mut BTreeMap<Partition, Rows>,
    spares: &mut Vec<Rows>,
    partition: Partition,
) -> &'a mut Rows {
    rows.entry(partition)
        .or_insert_with(|| spares.pop().unwrap_or_default())
}

impl Batch {
    /// Writes partitions that fill a file, then the largest ones while the
    /// rows held exceed [`MAX_BUFFERED`], so memory stays bounded however
    /// many days and accounts one input spans.
    fn flush_full(&mut self) -> Result<(), LakeError> {
        let full: Vec<Partition> = self
            .rows
            .iter()
            .filter(|(_, rows)| rows.rows.len() >= ROWS_PER_FILE)
            .map(|(p, _)| p.clone())
            .collect();
        for partition in full {
            self.flush(&partition)?;
        }
        while self.rows.values().map(Rows::bytes).sum::<usize>() > MAX_BUFFERED {
            let Some(largest) = self
                .rows
                .iter()
                .max_by_key(|(_, rows)| rows.bytes())
                .map(|(p, _)| p.clone())
            else {
                break;
            };
            self.flush(&largest)?;
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
        if !rows.rows.is_empty() {
            let name = format!("part-{}-{:05}.parquet", self.run, self.written.len());
            let final_path = self.lake.join(partition.folder()).join(name);
            let tmp = write_tmp(&final_path, &rows)?;
            self.written.push((tmp, final_path));
        }
        rows.clear();
        if self.spares.len() < 4 {
            self.spares.push(rows);
        }
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
