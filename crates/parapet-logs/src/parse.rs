//! Turns a chunk into events of any known source.

use std::sync::Arc;

use parapet_core::{Event, LogKind, Origin, Timestamp};
use sonic_rs::{JsonValueMutTrait, JsonValueTrait, Value};

use crate::chunk::{Chunk, ChunkKind};
use crate::error::{Location, ReadError};
use crate::kind::{detect_kind, event_time, time_fields};
use crate::pim_alerts::{is_pim_alert, pim_alert_records};
use crate::workspace_reports::{is_reports_activity, reports_as_log_entry};
use parapet_core::{too_deep, MAX_JSON_DEPTH as MAX_DEPTH};

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

/// What parsing a chunk found besides the events themselves.
#[derive(Debug, Default)]
pub struct ParseReport {
    /// Events handed on.
    pub events: u64,
    pub errors: Vec<ReadError>,
    /// Events dropped by the time range.
    pub out_of_range: u64,
    /// The chunk's buffer, emptied, for the reader to fill again.
    pub buffer: Vec<u8>,
}

/// A chunk's events collected, for callers that want them all at once.
#[derive(Debug, Default)]
pub struct Parsed {
    pub events: Vec<Event>,
    pub errors: Vec<ReadError>,
    pub out_of_range: u64,
    pub buffer: Vec<u8>,
}

pub fn parse_chunk(chunk: Chunk, range: &TimeRange) -> Parsed {
    let mut events = Vec::new();
    let report = parse_chunk_each(chunk, range, &mut |event| events.push(event));
    Parsed {
        events,
        errors: report.errors,
        out_of_range: report.out_of_range,
        buffer: report.buffer,
    }
}

struct Ctx<'a> {
    source: Arc<str>,
    range: &'a TimeRange,
    force: Option<LogKind>,
    report: ParseReport,
    each: &'a mut dyn FnMut(Event),
}

impl Ctx<'_> {
    fn error(&mut self, location: Location, reason: impl Into<String>) {
        self.report
            .errors
            .push(ReadError::new(&self.source, location, reason));
    }
}

/// Parses a chunk and hands each event to `each` as soon as it is parsed, so
/// the event is examined while its DOM is still in cache and its memory is
/// reused by the next one.
pub fn parse_chunk_each(
    chunk: Chunk,
    range: &TimeRange,
    each: &mut dyn FnMut(Event),
) -> ParseReport {
    parse_chunk_as(chunk, range, None, each)
}

/// [`parse_chunk_each`] with every record taken as `force` (`--source`)
/// instead of recognized by its fields.
pub fn parse_chunk_as(
    chunk: Chunk,
    range: &TimeRange,
    force: Option<LogKind>,
    each: &mut dyn FnMut(Event),
) -> ParseReport {
    let report = ParseReport {
        errors: chunk.errors,
        ..ParseReport::default()
    };
    let mut ctx = Ctx {
        source: chunk.source,
        range,
        force,
        report,
        each,
    };
    match chunk.kind {
        ChunkKind::Lines => {
            let mut start = 0;
            let mut line = chunk.first_line;
            let bytes = &chunk.bytes;
            while start < bytes.len() {
                let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
                let text = bytes[start..end].trim_ascii();
                if too_deep(text) {
                    let reason = format!("JSON nested deeper than {MAX_DEPTH} levels; skipped");
                    ctx.error(Location::Line(line), reason);
                } else if !text.is_empty() {
                    match sonic_rs::from_slice::<Value>(text) {
                        Ok(value) => expand(value, line, &mut ctx),
                        Err(e) => {
                            let reason = format!(
                                "invalid JSON at column {}: {}",
                                e.column(),
                                first_sentence(&e.to_string())
                            );
                            ctx.error(Location::Line(line), reason);
                        }
                    }
                }
                start = end + 1;
                line += 1;
            }
        }
        ChunkKind::Document if too_deep(&chunk.bytes) => {
            let reason = format!("JSON nested deeper than {MAX_DEPTH} levels; skipped");
            ctx.error(Location::Whole, reason);
        }
        ChunkKind::Document => match sonic_rs::from_slice::<Value>(&chunk.bytes) {
            Ok(value) => expand(value, 0, &mut ctx),
            Err(e) => {
                let at =
                    Location::LineColumn(chunk.first_line + e.line() as u64 - 1, e.column() as u64);
                let reason = format!("invalid JSON: {}", first_sentence(&e.to_string()));
                ctx.error(at, reason);
            }
        },
    }
    let mut report = ctx.report;
    if chunk.kind == ChunkKind::Lines {
        report.buffer = chunk.bytes;
        report.buffer.clear();
    }
    report
}

/// sonic-rs appends the offending input to its messages; keep the reason.
fn first_sentence(message: &str) -> &str {
    message.split(['\n', '\t']).next().unwrap_or(message).trim()
}

/// Where exports wrap their records: CloudTrail `Records`, Azure Event Hub
/// `records`, a Kubernetes `EventList`'s `items`, Graph API `value`, a
/// OneLogin Events API page's `data`, a Duo Admin API page's
/// `response.authlogs` (v2) or `response` (v1).
const ENVELOPES: [&str; 7] = [
    "Records",
    "records",
    "items",
    "value",
    "data",
    "response.authlogs",
    "response",
];

/// An Amazon EventBridge envelope (`{"version": "0", "detail-type": ..,
/// "source": "aws.partner/..", "detail": {..}}`): SaaS partner sources such
/// as OneLogin and Okta log streaming, CloudTrail through EventBridge.
fn is_eventbridge(value: &Value) -> bool {
    value.get("detail-type").is_some_and(|v| v.is_str())
        && value.get("source").is_some_and(|v| v.is_str())
        && value.get("detail").is_some_and(|v| v.is_object())
}

/// Records some APIs return in a shape of their own, read as the records
/// they stand for (see `keep`).
fn is_api_shape(value: &Value) -> bool {
    is_eventbridge(value) || is_reports_activity(value) || is_pim_alert(value)
}

/// Takes the records out of an envelope; None when `value` is not one.
fn take_envelope(value: &mut Value) -> Option<Value> {
    for path in ENVELOPES {
        let (parent, key) = match path.split_once('.') {
            Some((parent, key)) => (value.as_object_mut()?.get_mut(&parent), key),
            None => (Some(&mut *value), path),
        };
        let Some(parent) = parent else { continue };
        if parent.get(key).is_some_and(|v| v.is_array()) {
            return parent.as_object_mut()?.remove(&key);
        }
    }
    None
}

/// One parsed value: an envelope of records, an array of records, or one
/// record.
fn expand(mut value: Value, line: u64, ctx: &mut Ctx) {
    let at = if line == 0 {
        Location::Whole
    } else {
        Location::Line(line)
    };
    if value.is_object() {
        // The usual case, a record of a known source, is recognized once.
        let detected = detect_kind(&value);
        if detected.is_some() {
            return keep_record(value, detected, 0, line, ctx);
        }
        if !is_api_shape(&value) {
            match take_envelope(&mut value) {
                Some(records) => value = records,
                None if ctx.force.is_some() => {}
                None if value.get("Records").is_some() => {
                    return ctx.error(at, "`Records` is not an array");
                }
                None => return ctx.error(at, unknown_record_reason(&value)),
            }
        }
        if value.is_object() {
            return keep(value, 0, line, ctx);
        }
    }
    let Some(records) = value.into_array() else {
        let reason = "expected a JSON object or array of log records";
        return ctx.error(at, reason);
    };
    for (index, record) in records.into_iter().enumerate() {
        keep(record, index as u64, line, ctx);
    }
}

/// Keeps one record of a known source inside the time range; records that
/// APIs return in another shape (EventBridge envelopes, Reports API
/// activities, PIM alerts) are read as the records they stand for.
fn keep(mut record: Value, index: u64, line: u64, ctx: &mut Ctx) {
    let detected = detect_kind(&record);
    if detected.is_some() {
        return keep_record(record, detected, index, line, ctx);
    }
    let location = Location::Record { line, index };
    if is_eventbridge(&record) {
        let detail_type = record
            .get("detail-type")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        if let Some(detail) = record.as_object_mut().and_then(|o| o.remove(&"detail")) {
            if ctx.force.is_none() && detect_kind(&detail).is_none() && !is_api_shape(&detail) {
                let reason = format!(
                    "EventBridge event `{detail_type}`: its detail is {}",
                    unknown_record_reason(&detail)
                );
                return ctx.error(location, reason);
            }
            return keep(detail, index, line, ctx);
        }
    }
    if is_reports_activity(&record) {
        match reports_as_log_entry(record) {
            Ok(entry) => keep_record(entry, None, index, line, ctx),
            Err(reason) => ctx.error(location, reason),
        }
    } else if is_pim_alert(&record) && ctx.force.is_none_or(|k| k == LogKind::AzurePim) {
        match pim_alert_records(record) {
            Ok(records) => records
                .into_iter()
                .for_each(|r| keep_record(r, None, index, line, ctx)),
            Err(reason) => ctx.error(location, reason),
        }
    } else {
        keep_record(record, None, index, line, ctx);
    }
}

/// Keeps one record; `detected` is its source when already recognized.
fn keep_record(record: Value, detected: Option<LogKind>, index: u64, line: u64, ctx: &mut Ctx) {
    let range = ctx.range;
    let location = Location::Record { line, index };
    let kind = match ctx.force {
        Some(kind) if record.is_object() => kind,
        Some(kind) => {
            let reason = format!("not a {kind} record: expected a JSON object");
            return ctx.error(location, reason);
        }
        None => match detected.or_else(|| detect_kind(&record)) {
            Some(kind) => kind,
            None => return ctx.error(location, unknown_record_reason(&record)),
        },
    };
    if !range.is_unbounded() {
        match event_time(kind, &record) {
            Some(ts) if range.contains(ts) => {}
            Some(_) => return ctx.report.out_of_range += 1,
            None => {
                let reason = format!(
                    "{kind} record: {} missing or not a time",
                    time_fields(kind).join(" / ")
                );
                return ctx.error(location, reason);
            }
        }
    }
    let origin = Origin {
        source: ctx.source.clone(),
        line,
        index,
    };
    ctx.report.events += 1;
    (ctx.each)(Event::new(record, origin, kind));
}

/// The message of an error page an API returned instead of records, saved
/// as if it were a log: Duo's `{"stat": "FAIL", "message": ..}`, Graph's
/// `{"error": {"message": ..}}`, OneLogin's `{"status": {"error": true,
/// "message": ..}}`.
fn api_error_message(record: &Value) -> Option<String> {
    let text = |v: Option<&Value>| v.and_then(|v| v.as_str()).map(str::to_string);
    if text(record.get("stat")).as_deref() == Some("FAIL") {
        return text(record.get("message")).or_else(|| Some("stat FAIL".into()));
    }
    if let Some(error) = record.get("error").filter(|e| e.is_object()) {
        return text(error.get("message")).or_else(|| text(error.get("code")));
    }
    let status = record.get("status")?;
    if status.get("error").and_then(|e| e.as_bool()) == Some(true) {
        return text(status.get("message")).or_else(|| Some("status error".into()));
    }
    None
}

/// Why a record was not recognized, naming the nearest source.
fn unknown_record_reason(record: &Value) -> String {
    if record.get("eventName").is_some() || record.get("eventSource").is_some() {
        return "not a CloudTrail record: eventName or eventSource missing".into();
    }
    if !record.is_object() {
        return "not a log record: expected a JSON object".into();
    }
    if let Some(message) = api_error_message(record) {
        return format!("an API error response, not records: {message}");
    }
    let names: Vec<&str> = LogKind::ALL.iter().map(|k| k.name()).collect();
    format!(
        "not a record of a known log source ({}) nor an envelope of records ({}); use --source to name it",
        names.join(", "),
        ENVELOPES.join(", ")
    )
}
