//! The detection pipeline: reader threads cut files into chunks, worker
//! threads parse chunks and run the detector, the caller's thread collects.
//! At most `2 × workers` chunks wait in between, so memory is bounded by the
//! chunks in flight, not by the size of the input.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{bounded, unbounded, Sender};
use parapet_core::{Alert, Level};
use parapet_logs::{
    cloudtrail_summary, open_path, parse_chunk, Chunk, ChunkReader, Location, ReadError, TimeRange,
};
use parapet_sigma::Detector;

#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

pub struct Config<'a> {
    /// None: parse only (the benchmark's baseline).
    pub detector: Option<&'a Detector>,
    pub range: TimeRange,
    pub raw: bool,
    pub min_level: Level,
    pub threads: usize,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub inputs: u64,
    pub bytes: u64,
    pub events: u64,
    pub out_of_range: u64,
    pub input_errors: u64,
}

pub struct RunResult {
    /// In input order: input, line, record, rule.
    pub alerts: Vec<Alert>,
    pub stats: Stats,
}

type AlertKey = (usize, u64, u64, usize);

enum Message {
    Parsed {
        bytes: u64,
        events: u64,
        out_of_range: u64,
        alerts: Vec<(AlertKey, Alert)>,
        errors: Vec<ReadError>,
    },
    Failed(ReadError),
}

/// Runs the pipeline over `inputs`; `on_error` sees each input problem as it
/// is found (on the caller's thread).
pub fn run(inputs: &[Input], config: &Config, on_error: &mut dyn FnMut(&ReadError)) -> RunResult {
    let workers = config.threads.max(1);
    let readers = workers.min(inputs.len()).max(1);
    let (chunk_tx, chunk_rx) = bounded::<(usize, Chunk)>(workers * 2);
    let (result_tx, result_rx) = unbounded::<Message>();
    let next_input = AtomicUsize::new(0);
    let mut stats = Stats {
        inputs: inputs.len() as u64,
        ..Stats::default()
    };
    let mut keyed: Vec<(AlertKey, Alert)> = Vec::new();
    thread::scope(|scope| {
        for _ in 0..readers {
            let (chunk_tx, result_tx, next_input) =
                (chunk_tx.clone(), result_tx.clone(), &next_input);
            scope.spawn(move || read_inputs(inputs, next_input, &chunk_tx, &result_tx));
        }
        for _ in 0..workers {
            let (chunk_rx, result_tx) = (chunk_rx.clone(), result_tx.clone());
            scope.spawn(move || {
                for (input, chunk) in chunk_rx {
                    if result_tx.send(process(input, chunk, config)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((chunk_tx, chunk_rx, result_tx));
        for message in result_rx {
            match message {
                Message::Parsed {
                    bytes,
                    events,
                    out_of_range,
                    alerts,
                    errors,
                    ..
                } => {
                    stats.bytes += bytes;
                    stats.events += events;
                    stats.out_of_range += out_of_range;
                    stats.input_errors += errors.len() as u64;
                    errors.iter().for_each(&mut *on_error);
                    keyed.extend(alerts);
                }
                Message::Failed(error) => {
                    stats.input_errors += 1;
                    on_error(&error);
                }
            }
        }
    });
    keyed.sort_by_key(|(key, _)| *key);
    RunResult {
        alerts: keyed.into_iter().map(|(_, alert)| alert).collect(),
        stats,
    }
}

fn read_inputs(
    inputs: &[Input],
    next: &AtomicUsize,
    chunks: &Sender<(usize, Chunk)>,
    results: &Sender<Message>,
) {
    loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(input) = inputs.get(index) else {
            return;
        };
        let reader = match input {
            Input::Stdin => ChunkReader::new(Arc::from("-"), std::io::stdin()),
            Input::File(path) => match open_path(path) {
                Ok(reader) => reader,
                Err(e) => {
                    let source: Arc<str> = Arc::from(path.display().to_string());
                    let _ = results.send(Message::Failed(ReadError::new(
                        &source,
                        Location::Whole,
                        format!("cannot open: {e}"),
                    )));
                    continue;
                }
            },
        };
        for chunk in reader {
            let sent = match chunk {
                Ok(chunk) => chunks.send((index, chunk)).is_ok(),
                Err(error) => results.send(Message::Failed(error)).is_ok(),
            };
            if !sent {
                return;
            }
        }
    }
}

fn process(input: usize, chunk: Chunk, config: &Config) -> Message {
    let bytes = chunk.bytes.len() as u64;
    let parsed = parse_chunk(chunk, &config.range);
    let mut alerts = Vec::new();
    if let Some(detector) = config.detector {
        let mut hits = Vec::new();
        for event in &parsed.events {
            hits.clear();
            detector.matches(&event.value, &mut hits);
            for &hit in &hits {
                let rule = &detector.rules()[hit].meta;
                if rule.level < config.min_level {
                    continue;
                }
                let alert = Alert {
                    rule: rule.clone(),
                    event: cloudtrail_summary(&event.value),
                    origin: event.origin.clone(),
                    raw: config.raw.then(|| event.value.clone()),
                };
                alerts.push(((input, event.origin.line, event.origin.index, hit), alert));
            }
        }
    }
    Message::Parsed {
        bytes,
        events: parsed.events.len() as u64,
        out_of_range: parsed.out_of_range,
        alerts,
        errors: parsed.errors,
    }
}
