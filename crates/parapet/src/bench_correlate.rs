//! `parapet bench correlate`: what correlations cost. Three measurements:
//! detection over generated CloudTrail with and without ten correlation
//! rules (per-event CPU cost); the memory of a million live groups; and
//! value_count throughput as the distinct values per window grow.

use std::fs;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use parapet_core::{EventSummary, Level, LogKind, Origin};
use parapet_logs::TimeRange;
use parapet_sigma::{
    parse_documents, CorrelationSet, Correlator, CorrelatorLimits, Detectors, Hit, HitValues,
    Placeholders,
};

use crate::bench::{cpu_user_system, write_events};
use crate::cli::BenchCorrelateArgs;
use crate::pipeline::{self, Config, Input};
use crate::rules;
use crate::Outcome;

/// Five correlations over the bundled rules' building blocks, on top of the
/// six bundled ones: eleven in all.
const EXTRA_CORRELATIONS: &str = r#"
title: bench discovery volume per identity
id: bench-1
correlation:
    type: event_count
    rules: [aws_read_only_discovery_call]
    group-by: [userIdentity.arn]
    timespan: 5m
    condition: {gte: 100000}
---
title: bench identities per address
id: bench-2
correlation:
    type: value_count
    rules: [aws_read_only_discovery_call]
    group-by: [sourceIPAddress]
    timespan: 10m
    condition: {field: userIdentity.arn, gte: 1000}
---
title: bench rare user agent per account
id: bench-3
correlation:
    type: value_percentile
    rules: [aws_read_only_discovery_call]
    group-by: [recipientAccountId]
    timespan: 1h
    condition: {field: userAgent, lte: 0.001}
---
title: bench secret read near discovery
id: bench-4
correlation:
    type: temporal
    rules: [aws_secret_value_read, aws_read_only_discovery_call]
    group-by: [userIdentity.arn]
    timespan: 10m
    condition: {gte: 3}
---
title: bench key call volume
id: bench-5
correlation:
    type: event_count
    rules: [aws_long_term_key_call]
    group-by: [userIdentity.accessKeyId]
    timespan: 1m
    condition: {gte: 100000}
"#;

/// Ten correlations over selective rules (sign-ins, secret reads, role
/// assumptions): what a deployment typically loads.
const SELECTIVE_CORRELATIONS: &str = r#"
title: bench failures per user
id: sel-1
correlation:
    type: event_count
    rules: [aws_console_login_failure]
    group-by: [userIdentity.arn]
    timespan: 1h
    condition: {gte: 20}
---
title: bench users per failing address
id: sel-2
correlation:
    type: value_count
    rules: [aws_console_login_failure]
    group-by: [sourceIPAddress]
    timespan: 1h
    condition: {field: userIdentity.arn, gte: 10}
---
title: bench secret reads per address
id: sel-3
correlation:
    type: value_count
    rules: [aws_secret_value_read]
    group-by: [sourceIPAddress]
    timespan: 10m
    condition: {field: requestParameters.secretId, gte: 50}
---
title: bench role hops per caller
id: sel-4
correlation:
    type: event_count
    rules: [aws_assume_role_by_role_session]
    group-by: [userIdentity.arn]
    timespan: 10m
    condition: {gte: 50}
---
title: bench secret read after cross-account hop
id: sel-5
correlation:
    type: temporal_ordered
    rules: [aws_cross_account_assume_role, aws_secret_value_read]
    group-by: [sourceIPAddress]
    timespan: 30m
---
title: bench secret reads per identity
id: sel-6
correlation:
    type: event_count
    rules: [aws_secret_value_read]
    group-by: [userIdentity.arn]
    timespan: 1h
    condition: {gte: 500}
"#;

/// Bundled correlations that read rules of broad scope (any discovery call,
/// any long-term key call) are left out of the selective set.
const BROAD_INPUTS: [&str; 2] = ["aws_read_only_discovery_call", "aws_long_term_key_call"];

pub fn correlate(args: BenchCorrelateArgs) -> Result<Outcome> {
    detection_cost(&args, false)?;
    detection_cost(&args, true)?;
    group_memory(args.groups);
    value_count_scaling(args.hits, args.rounds.max(1));
    value_count_pipeline(args.events / 2, args.rounds.max(1))?;
    Ok(Outcome::Clean)
}

fn detection_cost(args: &BenchCorrelateArgs, selective: bool) -> Result<()> {
    let mut loaded = rules::load(&args.rules)?;
    rules::report_errors(&loaded.errors);
    let (extra_text, label) = if selective {
        (
            SELECTIVE_CORRELATIONS,
            "selective: correlations over sign-ins, secret reads and role assumptions",
        )
    } else {
        (
            EXTRA_CORRELATIONS,
            "broad: five correlations over any discovery call (59% of events)",
        )
    };
    let extra = parse_documents("bench", extra_text, &Placeholders::new())?;
    let mut all: Vec<_> = loaded
        .correlations
        .rules()
        .iter()
        .filter(|c| !selective || !c.rules.iter().any(|r| BROAD_INPUTS.contains(&r.as_str())))
        .cloned()
        .collect();
    all.extend(extra.correlations);
    let (with_extra, errors) = CorrelationSet::new(all, &loaded.rules);
    anyhow::ensure!(errors.is_empty(), "bench correlations: {errors:?}");
    loaded.correlations = with_extra;
    let detectors = Detectors::new(&loaded.rules, &loaded.pipelines);
    let path =
        std::env::temp_dir().join(format!("parapet-bench-corr-{}.jsonl", std::process::id()));
    eprintln!("generating {} events...", args.events);
    write_events(&path, args.events, 7)?;
    fs::read(&path).map(drop).ok();
    println!(
        "detection, {} events, one thread: {} detection rules, {} correlation rules ({label})",
        args.events,
        detectors.rule_count(),
        loaded.correlations.rules().len()
    );
    // Detection alone; with the correlations over the whole input ordered
    // first (the default); with a 15-minute lateness (streaming). Each `rounds` times.
    let modes: [(&str, bool, Option<i64>); 3] = [
        ("rules only", false, None),
        ("+ correlations", true, None),
        ("+ correlations 15m", true, Some(15 * 60_000)),
    ];
    let mut per_event = vec![f64::MAX; modes.len()];
    let mut user_per_event = vec![f64::MAX; modes.len()];
    for round in 0..args.rounds.max(1) {
        for (n, (label, with_correlations, lateness)) in modes.iter().enumerate() {
            let correlations = with_correlations.then_some(&loaded.correlations);
            let config = one_worker(&detectors, correlations, *lateness);
            let Measured {
                user,
                system,
                alerts,
                result,
            } = measured_run(&path, &config);
            let cpu = user + system;
            let events = result.stats.events as f64;
            println!(
                "  {label:<20} round {round}: {cpu:>6.2} CPU s (user {user:.2}, system {system:.2}) {:>9.0} events/CPU-s {:>6.0} ns/event; {alerts} alerts, {} hits, peak {} groups, {} late",
                events / cpu,
                cpu * 1e9 / events,
                result.correlation.hits,
                result.correlation.peak_groups,
                result.correlation.late
            );
            per_event[n] = per_event[n].min(cpu / events);
            user_per_event[n] = user_per_event[n].min(user / events);
        }
    }
    for (n, (label, ..)) in modes.iter().enumerate().skip(1) {
        println!(
            "  {label}: {:+.1}% per event over rules only, user CPU alone {:+.1}% (best of {} rounds each; system time is mostly page faults, noisy on a VM)",
            (per_event[n] / per_event[0] - 1.0) * 100.0,
            (user_per_event[n] / user_per_event[0] - 1.0) * 100.0,
            args.rounds.max(1)
        );
    }
    let _ = fs::remove_file(&path);
    Ok(())
}

/// The pipeline's configuration for these measurements: one worker,
/// every alert, `correlations` (none: rules only) with `lateness_ms`.
fn one_worker<'a>(
    detectors: &'a Detectors,
    correlations: Option<&'a CorrelationSet>,
    lateness_ms: Option<i64>,
) -> Config<'a> {
    Config {
        detectors: Some(detectors),
        source: None,
        correlations,
        limits: CorrelatorLimits {
            lateness_ms,
            ..CorrelatorLimits::default()
        },
        range: TimeRange::default(),
        raw: false,
        min_level: Level::Informational,
        threads: 1,
    }
}

struct Measured {
    user: f64,
    system: f64,
    alerts: u64,
    result: pipeline::RunResult,
}

/// Runs the pipeline over `path`, counting alerts, and the CPU it took.
fn measured_run(path: &std::path::Path, config: &Config) -> Measured {
    let before = cpu_user_system();
    let started = Instant::now();
    let mut alerts = 0u64;
    let result = pipeline::run(
        &[Input::File(path.to_path_buf())],
        config,
        &mut |_| {
            alerts += 1;
            Ok(())
        },
        &mut |e| eprintln!("input error: {e}"),
    );
    let (user, system) = cpu_user_system()
        .zip(before)
        .map_or((started.elapsed().as_secs_f64(), 0.0), |(a, b)| {
            (a.0 - b.0, a.1 - b.1)
        });
    Measured {
        user,
        system,
        alerts,
        result,
    }
}

fn rule_set(text: &str) -> CorrelationSet {
    let base = "title: base\nid: base\nname: base\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n    sel: {eventName: X}\n    condition: sel\n---\n";
    let set = parse_documents("bench", &format!("{base}{text}"), &Placeholders::new())
        .expect("bench rules parse");
    let (correlations, errors) = CorrelationSet::new(set.correlations, &set.detections);
    assert!(errors.is_empty(), "{errors:?}");
    correlations
}

fn hit(time: i64, values: HitValues, origin: &Origin) -> Hit {
    Hit {
        slot: 0,
        time,
        values,
        summary: Arc::new(EventSummary::default()),
        origin: origin.clone(),
        log: LogKind::CloudTrail,
    }
}

/// RSS of this process, bytes.
fn resident() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn group_memory(groups: u64) {
    let set = rule_set("title: per key\nid: g\ncorrelation:\n    type: event_count\n    rules: [base]\n    group-by: [userIdentity.accessKeyId]\n    timespan: 1d\n    condition: {gte: 1000000}\n");
    let limits = CorrelatorLimits {
        max_groups: groups as usize + 1,
        ..CorrelatorLimits::default()
    };
    let mut correlator = Correlator::new(&set, limits);
    let origin = Origin {
        source: Arc::from("bench"),
        line: 1,
        index: 0,
    };
    let before = resident().unwrap_or(0);
    let started = Instant::now();
    let mut out = Vec::new();
    for n in 0..groups {
        let key = format!("AKIA{n:016X}");
        correlator.push(
            hit(
                n as i64,
                std::iter::once(Some(key.as_str())).collect(),
                &origin,
            ),
            &mut out,
        );
    }
    correlator.finish(&mut out);
    let stats = correlator.stats();
    let used = resident().unwrap_or(0).saturating_sub(before);
    println!(
        "live groups: {} groups (event_count by access key, 1d window) held in {:.0} MiB ({:.0} bytes/group), {:.2} s, {} evicted",
        stats.live_groups,
        used as f64 / 1_048_576.0,
        used as f64 / stats.live_groups.max(1) as f64,
        started.elapsed().as_secs_f64(),
        stats.evicted
    );
}

fn value_count_scaling(hits: u64, rounds: u32) {
    println!("value_count, {hits} hits into 10 groups, 1h window (one hit per ms of event time), best of {rounds}:");
    let set = rule_set("title: distinct\nid: v\ncorrelation:\n    type: value_count\n    rules: [base]\n    group-by: [sourceIPAddress]\n    timespan: 1h\n    condition: {field: userIdentity.arn, gte: 100000000}\n");
    let origin = Origin {
        source: Arc::from("bench"),
        line: 1,
        index: 0,
    };
    // The hit carries the group-by value, then the counted field.
    for distinct in [10u64, 100, 1_000, 10_000, 100_000] {
        let groups: Vec<Box<str>> = (0..10).map(|g| format!("10.0.0.{g}").into()).collect();
        let values: Vec<Box<str>> = (0..distinct)
            .map(|v| format!("arn:aws:iam::111111111111:user/u{v}").into())
            .collect();
        let mut best = f64::MAX;
        for _ in 0..rounds {
            let prepared: Vec<Hit> = (0..hits)
                .map(|n| {
                    let group = groups[(n % 10) as usize].clone();
                    let value = values[((n / 10) % distinct) as usize].clone();
                    hit(
                        n as i64,
                        [Some(&*group), Some(&*value)].into_iter().collect(),
                        &origin,
                    )
                })
                .collect();
            let mut correlator = Correlator::new(
                &set,
                CorrelatorLimits {
                    lateness_ms: Some(0),
                    ..CorrelatorLimits::default()
                },
            );
            let mut out = Vec::new();
            let started = Instant::now();
            for hit in prepared {
                correlator.push(hit, &mut out);
            }
            correlator.finish(&mut out);
            best = best.min(started.elapsed().as_secs_f64());
        }
        let seconds = best;
        println!(
            "  {:>7} distinct values per window: {:>10.0} hits/s",
            distinct,
            hits as f64 / seconds
        );
    }
}

/// value_count as a user meets it: events read, matched and correlated by
/// `detect`'s pipeline (one worker), the distinct values per window growing.
fn value_count_pipeline(events: u64, rounds: u32) -> Result<()> {
    let text = "title: base\nid: base\nname: base\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n    sel: {eventName: ListBuckets}\n    condition: sel\n---\ntitle: distinct\nid: v\ncorrelation:\n    type: value_count\n    rules: [base]\n    group-by: [sourceIPAddress]\n    timespan: 1h\n    condition: {field: userIdentity.arn, gte: 100000000}\n";
    let set = parse_documents("bench", text, &Placeholders::new())?;
    let (correlations, errors) = CorrelationSet::new(set.correlations, &set.detections);
    anyhow::ensure!(errors.is_empty(), "bench correlations: {errors:?}");
    let detectors = Detectors::new(&set.detections, &[]);
    println!("value_count through detect's pipeline, {events} events into 10 groups, 1h window (one event per ms), one worker, best of {rounds}:");
    let path = std::env::temp_dir().join(format!("parapet-bench-vc-{}.jsonl", std::process::id()));
    let mut first = None;
    for distinct in [10u64, 100, 1_000, 10_000, 100_000] {
        write_distinct_events(&path, events, distinct)?;
        let config = one_worker(&detectors, Some(&correlations), None);
        let mut best = f64::MAX;
        let mut hits = 0;
        for _ in 0..rounds {
            let run = measured_run(&path, &config);
            hits = run.result.correlation.hits;
            best = best.min(run.user + run.system);
        }
        let rate = events as f64 / best;
        let base = *first.get_or_insert(rate);
        println!(
            "  {distinct:>7} distinct values per window: {rate:>9.0} events/CPU-s ({:+.1}% from 10), {hits} hits",
            (rate / base - 1.0) * 100.0
        );
    }
    let _ = fs::remove_file(&path);
    Ok(())
}

/// CloudTrail ListBuckets calls, one per millisecond: event `n` from
/// address `n % 10` by identity `(n / 10) % distinct`.
fn write_distinct_events(path: &std::path::Path, events: u64, distinct: u64) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(fs::File::create(path)?);
    let start = 1_795_000_000_000i64;
    for n in 0..events {
        let time = parapet_core::Timestamp(start + n as i64);
        writeln!(
            out,
            r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/u{}","accountId":"111111111111"}},"eventTime":"{time}","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"10.0.0.{}","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"eventID":"{n:08x}-0000-4000-8000-000000000000","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111111111111"}}"#,
            (n / 10) % distinct,
            n % 10
        )?;
    }
    out.flush()?;
    Ok(())
}
