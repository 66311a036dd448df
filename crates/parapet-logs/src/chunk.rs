//! Cuts a byte stream into chunks of whole lines (JSONL, one-line Records
//! files) or one whole document (pretty-printed JSON), gunzipping on the way.
//! Memory stays bounded: a chunk holds about [`CHUNK_BYTES`], a line at most
//! [`MAX_LINE_BYTES`], a document at most [`MAX_DOCUMENT_BYTES`].

use std::fs::File;
use std::io::{self, BufRead, BufReader, ErrorKind, Read};
use std::path::Path;
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::error::{Location, ReadError};

pub const CHUNK_BYTES: usize = 4 << 20;
pub const MAX_LINE_BYTES: usize = 64 << 20;
pub const MAX_DOCUMENT_BYTES: usize = 512 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    /// Whole lines, each one JSON value.
    Lines,
    /// One JSON value spanning the whole input.
    Document,
}

#[derive(Debug, Clone)]
pub struct Chunk {
    pub source: Arc<str>,
    /// Line number (1-based) of the chunk's first byte.
    pub first_line: u64,
    pub bytes: Vec<u8>,
    pub kind: ChunkKind,
    /// Problems found while cutting (over-long lines).
    pub errors: Vec<ReadError>,
}

/// Hands a reader an empty buffer to fill (recycled from parsed chunks), so
/// chunk buffers are not mapped and zeroed afresh for every chunk.
pub type BufferSource = Box<dyn FnMut() -> Option<Vec<u8>> + Send>;

pub struct ChunkReader {
    source: Arc<str>,
    buffers: Option<BufferSource>,
    reader: Box<dyn BufRead + Send>,
    kind: Option<ChunkKind>,
    /// Line number of the next unread byte.
    line: u64,
    /// Decompressed bytes consumed so far.
    offset: u64,
    /// Bytes read ahead while deciding the kind.
    carry: Vec<u8>,
    pending: Option<ReadError>,
    done: bool,
}

/// Opens a file for chunked reading; gzip is recognized by its magic bytes.
pub fn open_path(path: &Path) -> io::Result<ChunkReader> {
    let file = File::open(path)?;
    Ok(ChunkReader::new(
        Arc::from(path.display().to_string()),
        file,
    ))
}

impl ChunkReader {
    pub fn new(source: Arc<str>, reader: impl Read + Send + 'static) -> ChunkReader {
        let mut buffered = BufReader::with_capacity(256 << 10, reader);
        let gz = matches!(buffered.fill_buf(), Ok([0x1f, 0x8b, ..]));
        let reader: Box<dyn BufRead + Send> = if gz {
            Box::new(BufReader::with_capacity(
                256 << 10,
                MultiGzDecoder::new(buffered),
            ))
        } else {
            Box::new(buffered)
        };
        ChunkReader {
            source,
            buffers: None,
            reader,
            kind: None,
            line: 1,
            offset: 0,
            carry: Vec::new(),
            pending: None,
            done: false,
        }
    }

    /// Takes chunk buffers from `buffers` when it has one to give.
    pub fn with_buffers(mut self, buffers: BufferSource) -> Self {
        self.buffers = Some(buffers);
        self
    }

    fn fresh_buffer(&mut self) -> Vec<u8> {
        let mut buffer = self
            .buffers
            .as_mut()
            .and_then(|next| next())
            .unwrap_or_default();
        buffer.clear();
        buffer.reserve(CHUNK_BYTES + (256 << 10));
        buffer
    }

    fn error(&self, location: Location, reason: impl Into<String>) -> ReadError {
        ReadError::new(&self.source, location, reason)
    }

    fn io_error(&self, e: &io::Error) -> ReadError {
        let reason = match e.kind() {
            ErrorKind::UnexpectedEof => {
                "truncated stream (gzip ended early); everything before this point was read"
                    .to_string()
            }
            _ => format!("read failed: {e}; everything before this point was read"),
        };
        self.error(Location::Byte(self.offset), reason)
    }

    /// Skips leading white space and a BOM, then decides lines or document.
    fn decide(&mut self) -> Result<Option<ChunkKind>, ReadError> {
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io_error(&e)),
            };
            if buf.is_empty() {
                return Ok(None);
            }
            let bom = if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
                3
            } else {
                0
            };
            let skip = bom
                + buf[bom..]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
            self.line += buf[..skip].iter().filter(|&&b| b == b'\n').count() as u64;
            let first = buf.get(skip).copied();
            self.reader.consume(skip);
            self.offset += skip as u64;
            match first {
                None => continue,
                Some(b'[') => return Ok(Some(ChunkKind::Document)),
                Some(b'{') => break,
                Some(_) => return Ok(Some(ChunkKind::Lines)),
            }
        }
        // `{`: JSONL (or a one-line Records file) when the first line is a whole value.
        let mut first_line = Vec::new();
        let read = (&mut self.reader)
            .take(MAX_LINE_BYTES as u64)
            .read_until(b'\n', &mut first_line);
        if let Err(e) = read {
            return Err(self.io_error(&e));
        }
        self.offset += first_line.len() as u64;
        let whole = !parapet_core::too_deep(&first_line)
            && sonic_rs::from_slice::<sonic_rs::Value>(&first_line).is_ok();
        self.carry = first_line;
        Ok(Some(if whole {
            ChunkKind::Lines
        } else {
            ChunkKind::Document
        }))
    }

    fn read_document(&mut self) -> Result<Chunk, ReadError> {
        let mut bytes = std::mem::take(&mut self.carry);
        let carried = bytes.len() as u64;
        let limit = (MAX_DOCUMENT_BYTES + 1).saturating_sub(bytes.len()) as u64;
        let read = (&mut self.reader).take(limit).read_to_end(&mut bytes);
        self.offset += bytes.len() as u64 - carried;
        if let Err(e) = read {
            return Err(self.io_error(&e));
        }
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(self.error(
                Location::Whole,
                format!(
                    "one JSON document larger than {} MiB; split it or convert it to JSONL",
                    MAX_DOCUMENT_BYTES >> 20
                ),
            ));
        }
        Ok(Chunk {
            source: self.source.clone(),
            first_line: self.line,
            bytes,
            kind: ChunkKind::Document,
            errors: Vec::new(),
        })
    }

    fn read_lines(&mut self) -> Option<Chunk> {
        let mut bytes = self.fresh_buffer();
        bytes.append(&mut self.carry);
        let first_line = self.line;
        let mut newlines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
        let mut errors = Vec::new();
        let mut discarding = false;
        while bytes.len() < CHUNK_BYTES {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    let lost =
                        bytes.len() - bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                    bytes.truncate(bytes.len() - lost);
                    self.pending = Some(self.io_error(&e));
                    self.done = true;
                    break;
                }
            };
            if buf.is_empty() {
                self.done = true;
                break;
            }
            let len = buf.len();
            if discarding {
                match memchr::memchr(b'\n', buf) {
                    Some(at) => {
                        discarding = false;
                        newlines += 1;
                        self.reader.consume(at + 1);
                        self.offset += at as u64 + 1;
                    }
                    None => {
                        self.reader.consume(len);
                        self.offset += len as u64;
                    }
                }
                continue;
            }
            bytes.extend_from_slice(buf);
            newlines += memchr::memchr_iter(b'\n', buf).count() as u64;
            self.reader.consume(len);
            self.offset += len as u64;
            let tail = bytes.len() - bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            if tail > MAX_LINE_BYTES {
                bytes.truncate(bytes.len() - tail);
                errors.push(self.error(
                    Location::Line(first_line + newlines),
                    format!("line longer than {} MiB skipped", MAX_LINE_BYTES >> 20),
                ));
                discarding = true;
            }
        }
        if !self.done && !discarding {
            // Hand the partial last line to the next chunk.
            let cut = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            self.carry.extend_from_slice(&bytes[cut..]);
            bytes.truncate(cut);
        }
        self.line = first_line + newlines;
        if bytes.is_empty() && errors.is_empty() {
            return None;
        }
        Some(Chunk {
            source: self.source.clone(),
            first_line,
            bytes,
            kind: ChunkKind::Lines,
            errors,
        })
    }
}

impl Iterator for ChunkReader {
    type Item = Result<Chunk, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(error) = self.pending.take() {
            return Some(Err(error));
        }
        if self.done {
            return None;
        }
        let kind = match self.kind {
            Some(kind) => kind,
            None => match self.decide() {
                Ok(Some(kind)) => {
                    self.kind = Some(kind);
                    kind
                }
                Ok(None) => {
                    self.done = true;
                    let empty = self.offset == 0;
                    return Some(Err(self.error(
                        Location::Whole,
                        if empty {
                            "empty input"
                        } else {
                            "only white space"
                        },
                    )));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            },
        };
        match kind {
            ChunkKind::Document => {
                self.done = true;
                Some(self.read_document())
            }
            ChunkKind::Lines => loop {
                match self.read_lines() {
                    Some(chunk) => return Some(Ok(chunk)),
                    None if self.done => return self.pending.take().map(Err),
                    None => continue,
                }
            },
        }
    }
}
