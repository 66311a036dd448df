//! `parapet bench`: generated CloudTrail, then parse-only and parse + all
//! rules, on one core and on all of them. Events per CPU-second is the
//! per-core figure; wall-clock rate shows the scaling.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use flate2::write::GzEncoder;
use flate2::Compression;
use parapet_core::Level;
use parapet_core::LogKind;
use parapet_logs::TimeRange;
use parapet_sigma::Detectors;

use crate::cli::{BenchDetectArgs, GenerateArgs};
use crate::detect::default_threads;
use crate::pipeline::{self, Config, Input};
use crate::rules;
use crate::synth::Generator;
use crate::Outcome;

pub fn generate(args: GenerateArgs) -> Result<Outcome> {
    let started = Instant::now();
    let bytes = write_events(&args.output, args.events, args.seed)?;
    eprintln!(
        "parapet bench generate: {} events, {:.1} MiB written to {} in {:.1}s",
        args.events,
        bytes as f64 / 1_048_576.0,
        args.output.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(Outcome::Clean)
}

/// Writes `events` generated events as JSONL (gzip when the name ends in
/// `.gz`); returns the uncompressed size.
pub fn write_events(path: &Path, events: u64, seed: u64) -> Result<u64> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let gz = path.extension().is_some_and(|e| e == "gz");
    let mut out: Box<dyn Write> = if gz {
        Box::new(GzEncoder::new(BufWriter::new(file), Compression::default()))
    } else {
        Box::new(BufWriter::new(file))
    };
    let mut generator = Generator::new(seed);
    let mut bytes = 0u64;
    for _ in 0..events {
        let line = generator.event();
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        bytes += line.len() as u64 + 1;
    }
    out.flush()?;
    drop(out);
    Ok(bytes)
}

struct TempFiles(Vec<PathBuf>);

impl Drop for TempFiles {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = fs::remove_file(path);
        }
    }
}

pub fn detect(args: BenchDetectArgs) -> Result<Outcome> {
    let loaded = rules::load(&args.rules)?;
    rules::report_errors(&loaded.errors);
    let detectors = Detectors::new(&loaded.rules, &loaded.pipelines);
    let detector = detectors.for_kind(LogKind::CloudTrail);
    let threads = args.threads.unwrap_or_else(default_threads);
    let mut temp = TempFiles(Vec::new());
    let mut files = Vec::new();
    match &args.input {
        Some(path) => files.push(path.clone()),
        None => {
            let base = std::env::temp_dir().join(format!("parapet-bench-{}", std::process::id()));
            let plain = base.with_extension("jsonl");
            temp.0.push(plain.clone());
            eprintln!("generating {} events...", args.events);
            write_events(&plain, args.events, 1)?;
            files.push(plain);
            if args.gzip {
                let gz = base.with_extension("jsonl.gz");
                temp.0.push(gz.clone());
                write_events(&gz, args.events, 1)?;
                files.push(gz);
            }
        }
    }
    println!(
        "rules: {} for CloudTrail ({} tested on every event, the rest through the eventName/eventSource index)",
        detector.rules().len(),
        detector.unindexed_count()
    );
    println!(
        "{:<28} {:>7} {:>11} {:>9} {:>13} {:>9} {:>15} {:>7}",
        "input", "threads", "mode", "events", "MiB", "wall s", "events/s", "alerts"
    );
    for file in &files {
        let size = fs::metadata(file)?.len();
        fs::read(file).map(drop).ok(); // warm the page cache
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut runs = vec![(1, false), (1, true)];
        if threads > 1 {
            runs.extend([(threads, false), (threads, true)]);
        }
        for (n, with_rules) in runs {
            let config = Config {
                detectors: with_rules.then_some(&detectors),
                source: None,
                // As `parapet detect` runs: correlations on, their
                // building blocks quiet.
                correlations: with_rules.then_some(&loaded.correlations),
                limits: Default::default(),
                range: TimeRange::default(),
                raw: false,
                min_level: Level::Informational,
                threads: n,
            };
            let cpu_before = cpu_seconds();
            let started = Instant::now();
            let mut alerts = 0u64;
            let mut count = |_: &parapet_core::Alert| {
                alerts += 1;
                Ok(())
            };
            let result = pipeline::run(
                &[Input::File(file.clone())],
                &config,
                &mut count,
                &mut |e| eprintln!("input error: {e}"),
            );
            let wall = started.elapsed().as_secs_f64();
            let cpu = cpu_seconds()
                .zip(cpu_before)
                .map(|(after, before)| after - before);
            let events = result.stats.events as f64;
            println!(
                "{:<28} {:>7} {:>11} {:>9} {:>13.1} {:>9.2} {:>15.0} {:>7}",
                name,
                n,
                if with_rules { "parse+rules" } else { "parse" },
                result.stats.events,
                size as f64 / 1_048_576.0,
                wall,
                events / wall,
                alerts,
            );
            if let Some(cpu) = cpu.filter(|c| *c > 0.0) {
                println!(
                    "{:<28} {:>7} {:>11} per CPU-second: {:.0} events/s ({:.2} CPU s)",
                    "",
                    "",
                    "",
                    events / cpu,
                    cpu
                );
            }
        }
    }
    Ok(Outcome::Clean)
}

/// User + system CPU time of this process (all threads), from /proc.
pub fn cpu_seconds() -> Option<f64> {
    cpu_user_system().map(|(user, system)| user + system)
}

/// This process's user and system CPU seconds so far.
pub fn cpu_user_system() -> Option<(f64, f64)> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = |n: usize| fields.get(n)?.parse::<f64>().ok();
    Some((ticks(11)? / 100.0, ticks(12)? / 100.0))
}
