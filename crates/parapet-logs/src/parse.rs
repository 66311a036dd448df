//! Turns a chunk into CloudTrail events.

use std::sync::Arc;

use parapet_core::{parse_rfc3339, Event, Origin, Timestamp};
use sonic_rs::{JsonValueMutTrait, JsonValueTrait, Value};

use crate::chunk::{Chunk, ChunkKind};
use crate::cloudtrail::is_cloudtrail_record;
use crate::error::{Location, ReadError};

/// Keeps events with `since <= eventTime < until`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

impl TimeRange {
    fn is_unbounded(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }

    fn contains(&self, ts: Timestamp) -> bool {
        self.since.is_none_or(|s| ts >= s) && self.until.is_none_or(|u| ts < u)
    }
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub events: Vec<Event>,
    pub errors: Vec<ReadError>,
    /// Events dropped by the time range.
    pub out_of_range: u64,
    /// The chunk's buffer, emptied, for the reader to fill again.
    pub buffer: Vec<u8>,
}

pub fn parse_chunk(chunk: Chunk, range: &TimeRange) -> Parsed {
    let mut parsed = Parsed {
        events: Vec::new(),
        errors: chunk.errors,
        out_of_range: 0,
        buffer: Vec::new(),
    };
    let source = chunk.source;
    match chunk.kind {
        ChunkKind::Lines => {
            let mut start = 0;
            let mut line = chunk.first_line;
            let bytes = &chunk.bytes;
            while start < bytes.len() {
                let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
                let text = bytes[start..end].trim_ascii();
                if !text.is_empty() {
                    match sonic_rs::from_slice::<Value>(text) {
                        Ok(value) => expand(value, &source, line, range, &mut parsed),
                        Err(e) => parsed.errors.push(ReadError::new(
                            &source,
                            Location::Line(line),
                            format!(
                                "invalid JSON at column {}: {}",
                                e.column(),
                                first_sentence(&e.to_string())
                            ),
                        )),
                    }
                }
                start = end + 1;
                line += 1;
            }
        }
        ChunkKind::Document => match sonic_rs::from_slice::<Value>(&chunk.bytes) {
            Ok(value) => expand(value, &source, 0, range, &mut parsed),
            Err(e) => parsed.errors.push(ReadError::new(
                &source,
                Location::LineColumn(chunk.first_line + e.line() as u64 - 1, e.column() as u64),
                format!("invalid JSON: {}", first_sentence(&e.to_string())),
            )),
        },
    }
    if chunk.kind == ChunkKind::Lines {
        parsed.buffer = chunk.bytes;
        parsed.buffer.clear();
    }
    parsed
}

/// sonic-rs appends the offending input to its messages; keep the reason.
fn first_sentence(message: &str) -> &str {
    message.split(['\n', '\t']).next().unwrap_or(message).trim()
}

/// One parsed value: a `{"Records":[...]}` envelope, an array of records, or
/// one record.
fn expand(mut value: Value, source: &Arc<str>, line: u64, range: &TimeRange, parsed: &mut Parsed) {
    let at = if line == 0 {
        Location::Whole
    } else {
        Location::Line(line)
    };
    if value.is_object() && !is_cloudtrail_record(&value) {
        match value.as_object_mut().and_then(|o| o.remove(&"Records")) {
            Some(records) if records.is_array() => value = records,
            Some(_) => {
                return parsed
                    .errors
                    .push(ReadError::new(source, at, "`Records` is not an array"));
            }
            None => {
                let reason = "not CloudTrail: an object with neither eventName/eventSource nor a Records array";
                return parsed.errors.push(ReadError::new(source, at, reason));
            }
        }
    }
    if value.is_object() {
        return keep(value, 0, source, line, range, parsed);
    }
    let Some(records) = value.into_array() else {
        let reason = "not CloudTrail: expected a JSON object or array";
        return parsed.errors.push(ReadError::new(source, at, reason));
    };
    for (index, record) in records.into_iter().enumerate() {
        keep(record, index as u64, source, line, range, parsed);
    }
}

/// Keeps one record that is CloudTrail and inside the time range.
fn keep(
    record: Value,
    index: u64,
    source: &Arc<str>,
    line: u64,
    range: &TimeRange,
    parsed: &mut Parsed,
) {
    let location = Location::Record { line, index };
    if !is_cloudtrail_record(&record) {
        let reason = "not a CloudTrail record: eventName or eventSource missing";
        return parsed.errors.push(ReadError::new(source, location, reason));
    }
    if !range.is_unbounded() {
        match record
            .get("eventTime")
            .and_then(|t| t.as_str())
            .and_then(parse_rfc3339)
        {
            Some(ts) if range.contains(ts) => {}
            Some(_) => return parsed.out_of_range += 1,
            None => {
                let reason = "eventTime missing or not an RFC 3339 time";
                return parsed.errors.push(ReadError::new(source, location, reason));
            }
        }
    }
    parsed.events.push(Event::new(
        record,
        Origin {
            source: source.clone(),
            line,
            index,
        },
    ));
}
