//! `parapet bench lake`: generated CloudTrail into a lake, part by part
//! (each part's raw file is deleted once ingested unless --keep-raw, so
//! ten million events fit on a small disk), then group-by hunts over it.
//! Ingest speed per core is raw bytes per CPU-second of the process.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

use crate::bench::{cpu_seconds, write_events};
use crate::Outcome;

#[derive(Debug, Args)]
pub struct BenchLakeArgs {
    /// Events to generate and ingest.
    #[arg(long, default_value_t = 1_000_000)]
    pub events: u64,
    /// Raw files the events are split into (one ingest each).
    #[arg(long, default_value_t = 1)]
    pub parts: u64,
    /// Working folder (raw parts and the lake); default: a new temporary one, removed after.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Keep the raw JSONL parts (for a side-by-side run over the raw JSON).
    #[arg(long)]
    pub keep_raw: bool,
    /// Only query an existing lake in --dir (skip generating and ingesting).
    #[arg(long, requires = "dir")]
    pub query_only: bool,
}

/// The group-by hunts timed over the lake.
pub const QUERIES: [(&str, &str); 4] = [
    (
        "count by operation",
        "SELECT api_operation, count(*) AS n FROM events GROUP BY api_operation ORDER BY n DESC LIMIT 10",
    ),
    (
        "count by identity, operation",
        "SELECT actor_user_uid, api_operation, count(*) AS n FROM events GROUP BY 1, 2 ORDER BY n DESC LIMIT 10",
    ),
    (
        "distinct IPs per identity",
        "SELECT actor_user_uid, count(DISTINCT src_ip) AS ips FROM events GROUP BY 1 ORDER BY ips DESC LIMIT 10",
    ),
    (
        "one day, errors by code",
        "SELECT error_code, count(*) AS n FROM events WHERE date = '2024-07-30' AND error_code IS NOT NULL GROUP BY 1 ORDER BY n DESC",
    ),
];

pub fn run(args: BenchLakeArgs) -> Result<Outcome> {
    let temporary = args.dir.is_none();
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("parapet-bench-lake-{}", std::process::id()))
    });
    let lake = dir.join("lake");
    if !args.query_only {
        fs::create_dir_all(dir.join("raw"))
            .with_context(|| format!("cannot create {}", dir.display()))?;
        ingest_parts(&args, &dir, &lake)?;
    }
    let outcome = query(&lake);
    if temporary {
        let _ = fs::remove_dir_all(&dir);
    }
    outcome
}

fn ingest_parts(args: &BenchLakeArgs, dir: &Path, lake: &Path) -> Result<()> {
    let parts = args.parts.max(1);
    let (mut raw_bytes, mut events, mut wall, mut cpu) = (0u64, 0u64, 0f64, 0f64);
    for part in 0..parts {
        let count = args.events / parts + u64::from(part < args.events % parts);
        let raw = dir.join("raw").join(format!("part-{part:03}.jsonl"));
        write_events(&raw, count, part + 1)?;
        fs::read(&raw).map(drop).ok(); // warm the page cache, as a log shipper's files would be
        let cpu_before = cpu_seconds();
        let started = Instant::now();
        let report = parapet_lake::ingest(std::slice::from_ref(&raw), lake, &mut |_| {})?;
        wall += started.elapsed().as_secs_f64();
        cpu += cpu_seconds()
            .zip(cpu_before)
            .map_or(0.0, |(after, before)| after - before);
        raw_bytes += report.bytes_in;
        events += report.events;
        if !args.keep_raw {
            fs::remove_file(&raw).ok();
        }
        eprintln!(
            "part {}/{parts}: {} events, {:.0} MB raw",
            part + 1,
            report.events,
            report.bytes_in as f64 / 1e6
        );
    }
    let lake_bytes = folder_size(lake);
    let mb = raw_bytes as f64 / 1e6;
    println!("ingest: {events} events, {mb:.0} MB raw JSON in {parts} files");
    println!(
        "ingest: {wall:.1} s wall ({:.0} MB/s), {cpu:.1} CPU s ({:.0} MB/s per core)",
        mb / wall,
        mb / cpu.max(1e-9)
    );
    println!(
        "lake: {:.0} MB ({:.1}% of the raw JSON)",
        lake_bytes as f64 / 1e6,
        100.0 * lake_bytes as f64 / raw_bytes.max(1) as f64
    );
    Ok(())
}

fn query(lake: &Path) -> Result<Outcome> {
    let total = parapet_lake::hunt(lake, "SELECT count(*) FROM events")?;
    let rows = datafusion_count(&total);
    println!("queries over {rows} events (median of 5 runs, after one warm-up):");
    for (name, sql) in QUERIES {
        let mut times = Vec::new();
        for run in 0..6 {
            let started = Instant::now();
            let batches = parapet_lake::hunt(lake, sql)?;
            let elapsed = started.elapsed().as_secs_f64();
            if run > 0 {
                times.push(elapsed);
            }
            drop(batches);
        }
        times.sort_by(f64::total_cmp);
        println!("  {name:<32} {:.3} s", times[times.len() / 2]);
    }
    Ok(Outcome::Clean)
}

/// The single count of a `SELECT count(*)` result.
fn datafusion_count(batches: &[parapet_lake::RecordBatch]) -> i64 {
    use parapet_lake::Int64Array;
    batches
        .first()
        .and_then(|b| b.column(0).as_any().downcast_ref::<Int64Array>())
        .map_or(0, |a| a.value(0))
}

fn folder_size(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        match entry.metadata() {
            Ok(meta) if meta.is_dir() => total += folder_size(&path),
            Ok(meta) => total += meta.len(),
            Err(_) => {}
        }
    }
    total
}
