//! `parapet detect`: Sigma rules over cloud audit logs.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::time::Instant;

use anyhow::{Context, Result};
use parapet_core::{Alert, Level};
use parapet_logs::{discover_files, ReadError, TimeRange};
use parapet_report::{AlertWriter, Format};
use parapet_sigma::{CorrelationSet, CorrelationStats, CorrelatorLimits, Detectors};

use crate::case::{case_importer, case_store};
use crate::cli::DetectArgs;
use crate::pipeline::{self, Config, Input};
use crate::rules;
use crate::Outcome;

/// Input problems printed per source before the rest are only counted.
const SHOWN_PER_SOURCE: u64 = 20;

pub fn run(args: DetectArgs) -> Result<Outcome> {
    let started = Instant::now();
    let loaded = rules::load(&args.rules)?;
    rules::report_errors(&loaded.errors);
    let detectors = Detectors::new(&loaded.rules, &loaded.pipelines);

    let mut stderr = io::stderr().lock();
    let (inputs, discovery_errors) = inputs_of(&args.paths);
    let shown_limit = if args.quiet { 1 } else { SHOWN_PER_SOURCE };
    let mut shown: BTreeMap<String, u64> = BTreeMap::new();
    let mut report = |error: &ReadError| {
        let count = shown.entry(error.source.to_string()).or_default();
        *count += 1;
        if *count <= shown_limit {
            let _ = writeln!(stderr, "parapet: input error: {error}");
        }
    };
    discovery_errors.iter().for_each(&mut report);

    let config = Config {
        detectors: Some(&detectors),
        source: args.source,
        correlations: Some(&loaded.correlations),
        limits: CorrelatorLimits {
            lateness_ms: args.lateness,
            max_groups: args.max_groups,
            ..CorrelatorLimits::default()
        },
        range: TimeRange {
            since: args.since,
            until: args.until,
        },
        // Cases keep the raw events with their alerts.
        raw: args.raw || args.cases.cases,
        min_level: args.min_level,
        threads: args.threads.unwrap_or_else(default_threads),
    };
    let format = args.format.unwrap_or(if io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    });
    let mut writer = AlertWriter::new(io::BufWriter::new(io::stdout().lock()), format);
    let mut by_level: BTreeMap<Level, usize> = BTreeMap::new();
    let mut failing = false;
    let mut case_store = case_store(&args.cases)?;
    let mut cases = case_importer(&mut case_store, &args.cases)?;
    let mut sink = |alert: &Alert| {
        *by_level.entry(alert.rule.level).or_default() += 1;
        failing |= alert.rule.level >= args.fail_on;
        if let Some(cases) = &mut cases {
            cases.add_alert(alert)?;
        }
        writer.write(alert)
    };
    let result = pipeline::run(&inputs, &config, &mut sink, &mut report);
    if let Some(error) = result.sink_error {
        return Err(anyhow::Error::new(error).context("cannot write alerts"));
    }
    writer.finish().context("cannot write alerts")?;
    if let Some(cases) = cases {
        let _ = writeln!(
            stderr,
            "parapet detect: {} alerts into cases ({} cases opened); see `parapet case list`",
            cases.done.added, cases.done.opened
        );
    }

    let input_errors = result.stats.input_errors + discovery_errors.len() as u64;
    for (source, count) in &shown {
        if *count > shown_limit {
            let _ = writeln!(
                stderr,
                "parapet: {} more input errors in {source} not shown",
                count - shown_limit
            );
        }
    }
    if !args.quiet {
        let levels: Vec<String> = by_level
            .iter()
            .rev()
            .map(|(level, n)| format!("{level} {n}"))
            .collect();
        let s = &result.stats;
        let _ = writeln!(
            stderr,
            "parapet detect: {} rules{} ({} failed to load), {} inputs, {} events ({} outside --since/--until), {} alerts{}, {} input errors, {:.2}s",
            detectors.rule_count(),
            correlation_summary(&loaded.correlations, &result.correlation),
            loaded.errors.len(),
            s.inputs,
            s.events,
            s.out_of_range,
            by_level.values().sum::<usize>(),
            if levels.is_empty() { String::new() } else { format!(" ({})", levels.join(", ")) },
            input_errors,
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(if input_errors > 0 {
        Outcome::Errors
    } else if failing {
        Outcome::Alerts
    } else {
        Outcome::Clean
    })
}

fn inputs_of(paths: &[std::path::PathBuf]) -> (Vec<Input>, Vec<ReadError>) {
    if paths.is_empty() || paths.iter().all(|p| p.as_os_str() == "-") {
        return (vec![Input::Stdin], Vec::new());
    }
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let (files, found_errors) = discover_files(std::slice::from_ref(path));
        inputs.extend(files.into_iter().map(Input::File));
        errors.extend(found_errors);
    }
    (inputs, errors)
}

pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// ` + N correlations (H hits, ...)` when correlations ran; what they could
/// not hold or order is named so no loss is silent.
fn correlation_summary(set: &CorrelationSet, stats: &CorrelationStats) -> String {
    if set.is_empty() {
        return String::new();
    }
    let mut losses = Vec::new();
    if stats.late > 0 {
        losses.push(format!("{} later than --lateness dropped", stats.late));
    }
    if stats.evicted > 0 {
        losses.push(format!(
            "{} groups evicted past --max-groups",
            stats.evicted
        ));
    }
    if stats.forced > 0 {
        losses.push(format!(
            "{} hits released before their lateness passed",
            stats.forced
        ));
    }
    format!(
        " + {} correlations ({} hits, peak {} groups{}{})",
        set.rules().len(),
        stats.hits,
        stats.peak_groups,
        if losses.is_empty() { "" } else { "; " },
        losses.join(", ")
    )
}
