//! `parapet bench iac TREE`: reading a template tree into Resources, then
//! every template rule over them; one full `scan iac` per iteration, the
//! way a CI job runs it. `scripts/gen_tf_tree.py` writes a realistic tree.

use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use parapet_core::Timestamp;
use parapet_iac::{scan_path, IacOptions};
use parapet_policy::{evaluate, Inventory};

use crate::cli_posture::BenchIacArgs;
use crate::scan_iac::template_rules;
use crate::Outcome;

pub fn iac(args: BenchIacArgs) -> Result<Outcome> {
    if !args.tree.is_dir() {
        bail!(
            "{}: not a folder (generate one with scripts/gen_tf_tree.py)",
            args.tree.display()
        );
    }
    let (files, lines, bytes) = tree_size(&args.tree);
    let rules = template_rules(&[])?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut read_times = Vec::new();
    let mut total_times = Vec::new();
    let mut resources = 0;
    let mut findings = 0;
    for _ in 0..args.iterations.max(1) {
        let started = Instant::now();
        let scan = scan_path(&args.tree, &IacOptions::default());
        let read = started.elapsed();
        resources = scan.resources.len();
        let inventory = Inventory::new(
            scan.resources.into_iter().map(|d| d.resource).collect(),
            Timestamp(0),
        );
        findings = evaluate(&inventory, &rules, threads).len();
        read_times.push(read);
        total_times.push(started.elapsed());
    }
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    println!(
        "bench iac: {files} template files, {lines} lines, {:.1} MB; {resources} resources, {} rules, {findings} findings",
        bytes as f64 / 1e6,
        rules.len()
    );
    println!(
        "  read+evaluate templates  median {:>8.3} s",
        median(&mut read_times).as_secs_f64()
    );
    println!(
        "  full scan (with rules)   median {:>8.3} s  ({} iterations, {threads} threads)",
        median(&mut total_times).as_secs_f64(),
        total_times.len()
    );
    if let Some(peak) = peak_rss_mib() {
        println!("  peak memory              {peak:>8.1} MiB");
    }
    Ok(Outcome::Clean)
}

fn tree_size(root: &std::path::Path) -> (usize, usize, u64) {
    let mut stack = vec![root.to_path_buf()];
    let (mut files, mut lines, mut bytes) = (0, 0, 0);
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "tf" || e == "yaml" || e == "yml" || e == "json")
            {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files += 1;
                    lines += text.lines().count();
                    bytes += text.len() as u64;
                }
            }
        }
    }
    (files, lines, bytes)
}

/// The process's peak resident memory (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
