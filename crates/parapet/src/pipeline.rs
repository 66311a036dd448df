//! The detection pipeline: reader threads cut files into chunks, worker
//! threads parse chunks and run the detector, the caller's thread collects.
//! At most `2 × workers` chunks wait in between, so memory is bounded by the
//! chunks in flight, not by the size of the input.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use parapet_core::{Alert, Level, LogKind};
use parapet_logs::{open_path, parse_chunk_as, Chunk, ChunkReader, Location, ReadError, TimeRange};
use parapet_sigma::{CorrelationSet, CorrelationStats, Correlator, CorrelatorLimits, Detectors};

use crate::raise::{Raised, Raiser};

#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

pub struct Config<'a> {
    /// None: parse only (the benchmark's baseline).
    pub detectors: Option<&'a Detectors>,
    /// Every record taken as this source (`--source`); None: recognized.
    pub source: Option<LogKind>,
    /// Correlation rules over the detectors' hits (none: detection only).
    pub correlations: Option<&'a CorrelationSet>,
    pub limits: CorrelatorLimits,
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

/// What a run did, once every alert has gone to the sink.
pub struct RunResult {
    pub stats: Stats,
    pub correlation: CorrelationStats,
    /// The sink's first error (a closed pipe, a full disk); the run stopped
    /// emitting there.
    pub sink_error: Option<std::io::Error>,
}

/// Position of a chunk in the output order: input, then chunk within it.
type Seq = (usize, u64);

enum Message {
    Parsed {
        seq: Seq,
        bytes: u64,
        events: u64,
        out_of_range: u64,
        output: Raised,
        errors: Vec<ReadError>,
    },
    /// An input was read to its end (or failed) after `chunks` chunks.
    InputDone {
        input: usize,
        chunks: u64,
    },
    Failed(ReadError),
}

/// Runs the pipeline over `inputs`. Alerts reach `sink` in input order
/// (input, line, record, rule) while later chunks are still being read;
/// `on_error` sees each input problem as it is found. Both run on the
/// caller's thread.
pub fn run(
    inputs: &[Input],
    config: &Config,
    sink: &mut dyn FnMut(&Alert) -> std::io::Result<()>,
    on_error: &mut dyn FnMut(&ReadError),
) -> RunResult {
    let workers = config.threads.max(1);
    let readers = workers.min(inputs.len()).max(1);
    let (chunk_tx, chunk_rx) = bounded::<(Seq, Chunk)>(workers * 2);
    let (result_tx, result_rx) = unbounded::<Message>();
    // Emptied chunk buffers travel back from workers to readers.
    let (spare_tx, spare_rx) = bounded::<Vec<u8>>(workers * 2 + readers);
    // And emptied output vectors from the collector back to workers: a
    // chunk's hits fill a vector of megabytes, which, freshly allocated per
    // chunk, cost more in page faults than the hits themselves.
    let (spare_out_tx, spare_out_rx) = bounded::<Raised>(workers * 3);
    let next_input = AtomicUsize::new(0);
    let mut stats = Stats {
        inputs: inputs.len() as u64,
        ..Stats::default()
    };
    let raiser = config
        .detectors
        .map(|d| Raiser::new(d, config.correlations, config.min_level, config.raw));
    let raiser = raiser.as_ref();
    let mut order = Reorder::default();
    let mut sink_error = None;
    let empty = CorrelationSet::default();
    let mut correlator = Correlator::new(config.correlations.unwrap_or(&empty), config.limits);
    let mut fired = Vec::new();
    thread::scope(|scope| {
        for _ in 0..readers {
            let (chunk_tx, result_tx, spare_rx) =
                (chunk_tx.clone(), result_tx.clone(), spare_rx.clone());
            let next_input = &next_input;
            scope.spawn(move || read_inputs(inputs, next_input, &chunk_tx, &result_tx, &spare_rx));
        }
        for _ in 0..workers {
            let (chunk_rx, result_tx, spare_tx, spare_out_rx) = (
                chunk_rx.clone(),
                result_tx.clone(),
                spare_tx.clone(),
                spare_out_rx.clone(),
            );
            scope.spawn(move || {
                for (seq, chunk) in chunk_rx {
                    let output = spare_out_rx.try_recv().unwrap_or_default();
                    let (message, buffer) = process(seq, chunk, config, raiser, output);
                    let _ = spare_tx.try_send(buffer);
                    if result_tx.send(message).is_err() {
                        break;
                    }
                }
            });
        }
        drop((
            chunk_tx,
            chunk_rx,
            result_tx,
            spare_tx,
            spare_rx,
            spare_out_rx,
        ));
        let mut emit = |mut output: Raised| {
            for alert in output.alerts.drain(..) {
                if sink_error.is_none() {
                    sink_error = sink(&alert).err();
                }
            }
            for hit in output.hits.drain(..) {
                correlator.push(hit, &mut fired);
                for alert in fired.drain(..) {
                    if sink_error.is_none() && alert.rule.level >= config.min_level {
                        sink_error = sink(&alert).err();
                    }
                }
            }
            let _ = spare_out_tx.try_send(output);
        };
        for message in result_rx {
            match message {
                Message::Parsed {
                    seq,
                    bytes,
                    events,
                    out_of_range,
                    output,
                    errors,
                } => {
                    stats.bytes += bytes;
                    stats.events += events;
                    stats.out_of_range += out_of_range;
                    stats.input_errors += errors.len() as u64;
                    errors.iter().for_each(&mut *on_error);
                    order.arrived(seq, output, &mut emit);
                }
                Message::InputDone { input, chunks } => order.finished(input, chunks, &mut emit),
                Message::Failed(error) => {
                    stats.input_errors += 1;
                    on_error(&error);
                }
            }
        }
    });
    correlator.finish(&mut fired);
    for alert in fired.drain(..) {
        if sink_error.is_none() && alert.rule.level >= config.min_level {
            sink_error = sink(&alert).err();
        }
    }
    RunResult {
        stats,
        correlation: correlator.stats(),
        sink_error,
    }
}

/// Puts chunk results back in input order; holds only those that arrived
/// ahead of an earlier chunk still in flight.
#[derive(Default)]
struct Reorder {
    next: Seq,
    waiting: BTreeMap<Seq, Raised>,
    chunk_counts: HashMap<usize, u64>,
}

impl Reorder {
    fn arrived(&mut self, seq: Seq, output: Raised, emit: &mut dyn FnMut(Raised)) {
        self.waiting.insert(seq, output);
        self.flush(emit);
    }

    fn finished(&mut self, input: usize, chunks: u64, emit: &mut dyn FnMut(Raised)) {
        self.chunk_counts.insert(input, chunks);
        self.flush(emit);
    }

    fn flush(&mut self, emit: &mut dyn FnMut(Raised)) {
        loop {
            if let Some(output) = self.waiting.remove(&self.next) {
                emit(output);
                self.next.1 += 1;
            } else if self.chunk_counts.get(&self.next.0) == Some(&self.next.1) {
                self.chunk_counts.remove(&self.next.0);
                self.next = (self.next.0 + 1, 0);
            } else {
                return;
            }
        }
    }
}

fn read_inputs(
    inputs: &[Input],
    next: &AtomicUsize,
    chunks: &Sender<(Seq, Chunk)>,
    results: &Sender<Message>,
    spares: &Receiver<Vec<u8>>,
) {
    loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(input) = inputs.get(index) else {
            return;
        };
        let mut count = 0;
        match open_input(input) {
            Ok(reader) => {
                let spares = spares.clone();
                let reader = reader.with_buffers(Box::new(move || spares.try_recv().ok()));
                for chunk in reader {
                    let sent = match chunk {
                        Ok(chunk) => {
                            count += 1;
                            chunks.send(((index, count - 1), chunk)).is_ok()
                        }
                        Err(error) => results.send(Message::Failed(error)).is_ok(),
                    };
                    if !sent {
                        return;
                    }
                }
            }
            Err(error) => {
                let _ = results.send(Message::Failed(error));
            }
        }
        if results
            .send(Message::InputDone {
                input: index,
                chunks: count,
            })
            .is_err()
        {
            return;
        }
    }
}

fn open_input(input: &Input) -> Result<ChunkReader, ReadError> {
    match input {
        Input::Stdin => Ok(ChunkReader::new(Arc::from("-"), std::io::stdin())),
        Input::File(path) => open_path(path).map_err(|e| {
            let source: Arc<str> = Arc::from(path.display().to_string());
            ReadError::new(&source, Location::Whole, format!("cannot open: {e}"))
        }),
    }
}

/// Parses and matches one chunk into `output` (empty, its capacity reused).
fn process(
    seq: Seq,
    chunk: Chunk,
    config: &Config,
    raiser: Option<&Raiser>,
    mut output: Raised,
) -> (Message, Vec<u8>) {
    let bytes = chunk.bytes.len() as u64;
    let mut matched = Vec::new();
    let report = parse_chunk_as(chunk, &config.range, config.source, &mut |event| {
        if let Some(raiser) = raiser {
            raiser.raise(&event, &mut matched, &mut output);
        }
    });
    let message = Message::Parsed {
        seq,
        bytes,
        events: report.events,
        out_of_range: report.out_of_range,
        output,
        errors: report.errors,
    };
    (message, report.buffer)
}
