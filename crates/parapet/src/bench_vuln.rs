//! `parapet bench vuln`: advisory import speed (the OSV corpus copied under
//! new ids up to the asked count), then matching this machine's dpkg
//! packages plus a generated lockfile set against every advisory.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use parapet_core::{Package, PackageLocation};
use parapet_store::AdvisoryDb;
use parapet_vuln::{make_purl, read_advisories, scan_path, Advisory, Limits, RangeEvent};
use sonic_rs::JsonValueTrait;

use crate::cli_vuln::BenchVulnArgs;
use crate::vuln::{advisory_row, load_db};
use crate::Outcome;

pub fn run(args: BenchVulnArgs) -> Result<Outcome> {
    if !args.osv.is_dir() {
        bail!("{}: not a folder of OSV advisories", args.osv.display());
    }
    let work = tempfile::tempdir().context("cannot create a temporary folder")?;
    let copies = work.path().join("advisories");
    let written = copy_corpus(&args.osv, &copies, args.import_advisories)?;

    let db_path = work.path().join("vuln.db");
    let started = Instant::now();
    let batch = read_advisories(&copies)?;
    let parsed = started.elapsed();
    let rows: Vec<_> = batch.advisories.iter().map(advisory_row).collect();
    let mut db = AdvisoryDb::open(&db_path)?;
    let counts = db.upsert(&rows, "bench")?;
    let imported = started.elapsed();
    drop(db);
    let db_bytes = std::fs::metadata(&db_path).map_or(0, |m| m.len());
    println!(
        "import: {written} advisory files ({} unreadable) -> {} stored in {:.0} ms (parse {:.0} ms); database {:.1} MiB",
        batch.errors.len(),
        counts.added,
        ms(imported),
        ms(parsed),
        db_bytes as f64 / 1048576.0
    );

    // Matching runs against the corpus itself, not the copies.
    let db_path = work.path().join("corpus.db");
    let corpus = read_advisories(&args.osv)?;
    AdvisoryDb::open(&db_path)?.upsert(
        &corpus
            .advisories
            .iter()
            .map(advisory_row)
            .collect::<Vec<_>>(),
        "bench",
    )?;
    let mut packages = dpkg_packages(&args.dpkg_status)?;
    let dpkg = packages.len();
    packages.extend(lockfile_packages(
        &corpus.advisories,
        args.lockfile_packages,
    ));
    let started = Instant::now();
    let vulns = load_db(&db_path, &packages)?;
    let loaded = started.elapsed();
    let mut best = Duration::MAX;
    let mut findings = 0;
    for _ in 0..args.rounds.max(1) {
        let started = Instant::now();
        findings = vulns.match_all(&packages).len();
        best = best.min(started.elapsed());
    }
    println!(
        "match: {dpkg} dpkg + {} lockfile packages against {} advisories: {:.1} ms (best of {}), {findings} findings; database load {:.0} ms",
        packages.len() - dpkg,
        vulns.len(),
        ms(best),
        args.rounds.max(1),
        ms(loaded)
    );
    Ok(Outcome::Clean)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Copies every advisory file of `source` into `target` until `count`
/// files exist, later rounds under new ids (`ID-copyN`).
fn copy_corpus(source: &Path, target: &Path, count: usize) -> Result<usize> {
    let mut files = Vec::new();
    collect_files(source, &mut files)?;
    files.sort();
    if files.is_empty() {
        bail!("{}: no advisory files", source.display());
    }
    std::fs::create_dir_all(target)?;
    let mut written = 0;
    'rounds: for round in 0.. {
        for file in &files {
            if written >= count {
                break 'rounds;
            }
            let text = std::fs::read_to_string(file)?;
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("a.json");
            let text = if round == 0 {
                text
            } else {
                renamed(&text, name, round)?
            };
            std::fs::write(target.join(format!("{round}-{name}")), text)?;
            written += 1;
        }
    }
    Ok(written)
}

fn renamed(text: &str, name: &str, round: usize) -> Result<String> {
    if name.ends_with(".json") {
        let mut doc: sonic_rs::Value = sonic_rs::from_str(text)?;
        let id = doc
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or("X")
            .to_string();
        doc.insert("id", sonic_rs::json!(format!("{id}-copy{round}")));
        return Ok(sonic_rs::to_string(&doc)?);
    }
    let mut doc: serde_yaml::Value = serde_yaml::from_str(text)?;
    let id = doc
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or("X")
        .to_string();
    doc["id"] = serde_yaml::Value::from(format!("{id}-copy{round}"));
    Ok(serde_yaml::to_string(&doc)?)
}

fn collect_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect_files(&path, out)?;
        } else if name.ends_with(".json") || name.ends_with(".yaml") {
            out.push(path);
        }
    }
    Ok(())
}

fn dpkg_packages(status: &Path) -> Result<Vec<Package>> {
    if !status.is_file() {
        return Ok(Vec::new());
    }
    let mut packages = scan_path(status, &Limits::default())?.packages;
    let os = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let version = os
        .lines()
        .find_map(|l| l.strip_prefix("VERSION_ID="))
        .unwrap_or("")
        .trim_matches('"');
    for p in &mut packages {
        p.ecosystem = format!("Debian:{version}");
    }
    Ok(packages)
}

/// A deterministic draw of (ecosystem, name) pairs from the advisories,
/// each at a version taken from the advisory's events (about half inside
/// an affected range) or a made-up high one.
fn lockfile_packages(advisories: &[Advisory], count: usize) -> Vec<Package> {
    let mut pool: Vec<(&str, &str, &str)> = Vec::new();
    for a in advisories {
        for affected in &a.affected {
            let event_version =
                affected
                    .ranges
                    .iter()
                    .flat_map(|r| &r.events)
                    .find_map(|e| match e {
                        RangeEvent::Fixed(v) | RangeEvent::LastAffected(v) => Some(v.as_str()),
                        _ => None,
                    });
            let version = affected
                .versions
                .first()
                .map(String::as_str)
                .or(event_version)
                .unwrap_or("1.0.0");
            pool.push((&affected.ecosystem, &affected.name, version));
        }
    }
    pool.sort_unstable();
    pool.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = Vec::with_capacity(count);
    for i in 0..count.min(pool.len() * 2) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let (ecosystem, name, version) = pool[(state % pool.len() as u64) as usize];
        let version = if i % 2 == 0 {
            version.to_string()
        } else {
            "99.0.0".to_string()
        };
        out.push(Package {
            ecosystem: ecosystem.to_string(),
            name: name.to_string(),
            purl: make_purl(ecosystem, name, &version, None),
            version,
            source_name: None,
            source_version: None,
            location: PackageLocation {
                path: "generated.lock".into(),
                layer: None,
                layer_index: None,
            },
        });
    }
    out
}
