//! What the lake already holds, in `_parapet/` beside the partitions: the
//! input files ingested (by content), the event ids written, and the
//! pending commit of an ingest that may have crashed.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashSet;
use twox_hash::{XxHash3_128, XxHash3_64};

use crate::error::LakeError;

/// The ledger's folder inside the lake.
pub const LEDGER_DIR: &str = "_parapet";

pub struct Ledger {
    dir: PathBuf,
    /// (content hash, size) of every ingested input file.
    pub files: HashSet<FileKey>,
    /// Hashes of every event id in the lake (already hashes: Fx suffices).
    pub events: FxHashSet<u64>,
}

/// An input file by content: XXH3-128 of its bytes, and its size.
pub type FileKey = (u128, u64);

/// Ledger files; a ledger of the first format (`files.tsv`,
/// `event_ids.bin`, other hashes) is refused rather than misread.
const INPUTS: &str = "inputs-v2.tsv";
const EVENT_IDS: &str = "event-ids-v2.bin";
const OLD_EVENT_IDS: &str = "event_ids.bin";

/// The hash an event is known by (of its id, or of its record).
pub fn hash_event(bytes: &[u8]) -> u64 {
    XxHash3_64::oneshot(bytes)
}

/// A file's key, read in blocks (never whole into memory).
pub fn file_key(path: &Path) -> std::io::Result<FileKey> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = XxHash3_128::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.write(&buffer[..n]);
        size += n as u64;
    }
    Ok((hasher.finish_128(), size))
}

impl Ledger {
    /// Opens (creating) the ledger of `lake`, first undoing any commit a
    /// crash left half done.
    pub fn open(lake: &Path) -> Result<Ledger, LakeError> {
        let dir = lake.join(LEDGER_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| LakeError::io(&dir, e))?;
        if dir.join(OLD_EVENT_IDS).exists() {
            return Err(LakeError::Message(format!(
                "{} was written by an earlier Parapet build (ledger v1); ingest into a new lake",
                lake.display()
            )));
        }
        recover(lake, &dir)?;
        let mut files = HashSet::new();
        let listing = dir.join(INPUTS);
        if let Ok(file) = std::fs::File::open(&listing) {
            for line in BufReader::new(file).lines() {
                let line = line.map_err(|e| LakeError::io(&listing, e))?;
                let mut fields = line.split('\t');
                if let (Some(Ok(hash)), Some(Ok(size))) = (
                    fields.next().map(|h| u128::from_str_radix(h, 16)),
                    fields.next().map(str::parse),
                ) {
                    files.insert((hash, size));
                }
            }
        }
        let ids = dir.join(EVENT_IDS);
        let bytes = std::fs::read(&ids).unwrap_or_default();
        let events = bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect();
        Ok(Ledger { dir, files, events })
    }

    /// Commits an ingest: the pending list is recorded, the files renamed
    /// into place, then the inputs and event ids recorded; a crash at any
    /// point is undone by the next [`Ledger::open`].
    pub fn commit(
        &mut self,
        lake: &Path,
        written: &[(PathBuf, PathBuf)],
        inputs: &[(FileKey, String)],
        events: &[u64],
    ) -> Result<(), LakeError> {
        let pending = self.dir.join("pending.txt");
        let listing: String = written
            .iter()
            .map(|(_, final_path)| format!("{}\n", relative(lake, final_path)))
            .collect();
        write_synced(&pending, listing.as_bytes())?;
        for (tmp, final_path) in written {
            std::fs::rename(tmp, final_path).map_err(|e| LakeError::io(final_path, e))?;
        }
        if std::env::var_os("PARAPET_TEST_CRASH_AFTER_RENAME").is_some() {
            // A test hook: die between the renames and the ledger, as a crash would.
            std::process::exit(75);
        }
        let mut lines = String::new();
        for ((hash, size), path) in inputs {
            lines.push_str(&format!(
                "{hash:032x}\t{size}\t{}\n",
                path.replace(['\t', '\n'], " ")
            ));
            self.files.insert((*hash, *size));
        }
        append_synced(&self.dir.join(INPUTS), lines.as_bytes())?;
        let ids: Vec<u8> = events.iter().flat_map(|id| id.to_le_bytes()).collect();
        append_synced(&self.dir.join(EVENT_IDS), &ids)?;
        self.events.extend(events);
        std::fs::remove_file(&pending).map_err(|e| LakeError::io(&pending, e))?;
        Ok(())
    }
}

/// Undoes a commit that did not finish (its renamed files go) and removes
/// temporary files a crash left in the partitions.
fn recover(lake: &Path, dir: &Path) -> Result<(), LakeError> {
    let pending = dir.join("pending.txt");
    if let Ok(text) = std::fs::read_to_string(&pending) {
        for line in text.lines().filter(|l| !l.is_empty() && !l.contains("..")) {
            let _ = std::fs::remove_file(lake.join(line));
        }
        std::fs::remove_file(&pending).map_err(|e| LakeError::io(&pending, e))?;
    }
    remove_tmp_files(lake, 0);
    Ok(())
}

fn remove_tmp_files(dir: &Path, depth: usize) {
    if depth > 4 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() && name.contains('=') => remove_tmp_files(&path, depth + 1),
            Ok(kind) if kind.is_file() && name.starts_with('.') && name.ends_with(".tmp") => {
                let _ = std::fs::remove_file(&path);
            }
            _ => {}
        }
    }
}

fn relative(lake: &Path, path: &Path) -> String {
    path.strip_prefix(lake)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), LakeError> {
    let mut file = std::fs::File::create(path).map_err(|e| LakeError::io(path, e))?;
    file.write_all(bytes).map_err(|e| LakeError::io(path, e))?;
    file.sync_all().map_err(|e| LakeError::io(path, e))
}

fn append_synced(path: &Path, bytes: &[u8]) -> Result<(), LakeError> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| LakeError::io(path, e))?;
    file.write_all(bytes).map_err(|e| LakeError::io(path, e))?;
    file.sync_all().map_err(|e| LakeError::io(path, e))
}
