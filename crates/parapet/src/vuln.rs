//! `parapet vuln-db import|status`, `parapet scan image|sbom|fs` and
//! `parapet sbom`: packages found, matched offline against OSV advisories.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use parapet_core::{Package, VulnerabilityFinding};
use parapet_report::{cyclonedx_sbom, spdx_sbom, write_vulnerabilities, VulnContext};
use parapet_store::{AdvisoryDb, AdvisoryRow};
use parapet_vuln::{
    apply_vex, decode_advisory, encode_advisory, normalize_name, read_advisories, read_vex,
    scan_image, scan_path, Advisory, Ecosystem, Inventory, Limits, VulnDb,
};

use crate::cli_vuln::{SbomArgs, ScanVulnArgs, VulnDbArgs, VulnDbImportArgs};
use crate::inventory::{now_rfc3339, parapet_home};
use crate::Outcome;

/// What `scan` reads PATH as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Image,
    Sbom,
    Fs,
}

pub fn vuln_db_path(args: &VulnDbArgs) -> Result<PathBuf> {
    match &args.vuln_db {
        Some(path) => Ok(path.clone()),
        None => Ok(parapet_home()?.join("vuln.db")),
    }
}

/// The stored row of an advisory: its packages indexed by ecosystem
/// (without release) and normalized name.
pub fn advisory_row(advisory: &Advisory) -> AdvisoryRow {
    let mut packages: Vec<(String, String)> = advisory
        .affected
        .iter()
        .map(|a| {
            let base = Ecosystem::parse(&a.ecosystem).base;
            (base.to_string(), normalize_name(base, &a.name))
        })
        .collect();
    packages.sort();
    packages.dedup();
    // The Go database exports a zero `modified`; its publication date says more.
    let modified = match advisory.published.as_deref() {
        Some(published) if advisory.modified.as_str() < published => published.to_string(),
        _ => advisory.modified.clone(),
    };
    AdvisoryRow {
        id: advisory.id.clone(),
        modified,
        withdrawn: advisory.withdrawn.is_some(),
        packages,
        body: encode_advisory(advisory),
    }
}

pub fn import(args: VulnDbImportArgs) -> Result<Outcome> {
    let path = vuln_db_path(&args.db)?;
    let mut db = AdvisoryDb::open(&path)?;
    let mut had_errors = false;
    for source in &args.paths {
        let batch = read_advisories(source)?;
        for error in &batch.errors {
            eprintln!("parapet vuln-db import: {error}");
        }
        had_errors |= !batch.errors.is_empty();
        let rows: Vec<AdvisoryRow> = batch.advisories.iter().map(advisory_row).collect();
        let counts = db.upsert(&rows, &now_rfc3339())?;
        println!(
            "{}: {} files, {} advisories read ({} added, {} updated, {} unchanged), {} unreadable",
            source.display(),
            batch.files,
            batch.advisories.len(),
            counts.added,
            counts.updated,
            counts.unchanged,
            batch.errors.len()
        );
    }
    println!("{}: {} advisories", path.display(), db.count()?);
    Ok(if had_errors {
        Outcome::Errors
    } else {
        Outcome::Clean
    })
}

pub fn status(args: VulnDbArgs) -> Result<Outcome> {
    let path = vuln_db_path(&args)?;
    if !path.exists() {
        bail!(
            "{}: no advisory database; run `parapet vuln-db import DIR|ZIP` first",
            path.display()
        );
    }
    let db = AdvisoryDb::open(&path)?;
    let now = parapet_core::parse_rfc3339(&now_rfc3339()).map_or(0, |t| t.0);
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<14} {:>10} {:>9}  {:<28} {:<21} AGE",
        "ECOSYSTEM", "ADVISORIES", "WITHDRAWN", "NEWEST MODIFIED", "IMPORTED"
    )?;
    for row in db.status()? {
        let age = parapet_core::parse_rfc3339(&row.newest_modified).map_or_else(
            || "-".to_string(),
            |t| format!("{}d", (now - t.0).max(0) / 86_400_000),
        );
        writeln!(
            out,
            "{:<14} {:>10} {:>9}  {:<28} {:<21} {age}",
            row.ecosystem, row.advisories, row.withdrawn, row.newest_modified, row.imported_at
        )?;
    }
    Ok(Outcome::Clean)
}

/// Loads the advisories of the ecosystems `packages` are in.
pub fn load_db(path: &Path, packages: &[Package]) -> Result<VulnDb> {
    if !path.exists() {
        bail!(
            "{}: no advisory database; run `parapet vuln-db import DIR|ZIP` first",
            path.display()
        );
    }
    let db = AdvisoryDb::open(path)?;
    let mut ecosystems: Vec<String> = packages
        .iter()
        .map(|p| Ecosystem::parse(&p.ecosystem).base.to_string())
        .collect();
    ecosystems.sort();
    ecosystems.dedup();
    if ecosystems.is_empty() {
        return Ok(VulnDb::new(Vec::new()));
    }
    let mut advisories = Vec::new();
    for body in db.bodies(&ecosystems)? {
        advisories.push(decode_advisory(&body).with_context(|| format!("{}", path.display()))?);
    }
    Ok(VulnDb::new(advisories))
}

fn looks_like_image(path: &Path) -> bool {
    if path.is_dir() {
        return path.join("index.json").is_file() && path.join("oci-layout").is_file();
    }
    path.extension().is_some_and(|e| e == "tar")
}

pub fn inventory_of(path: &Path, target: Target) -> Result<Inventory> {
    if !path.exists() {
        bail!("{}: no such file or folder", path.display());
    }
    let limits = Limits::default();
    Ok(match target {
        Target::Image => scan_image(path, &limits)?,
        Target::Sbom | Target::Fs => scan_path(path, &limits)?,
    })
}

pub fn scan(args: ScanVulnArgs, target: Target) -> Result<Outcome> {
    let inventory = inventory_of(&args.path, target)?;
    for error in &inventory.errors {
        eprintln!("parapet scan: {error}");
    }
    if inventory.packages.is_empty() && !inventory.errors.is_empty() {
        bail!(
            "{}: nothing could be scanned (the errors above)",
            args.path.display()
        );
    }
    let db = load_db(&vuln_db_path(&args.db)?, &inventory.packages)?;
    let mut findings = db.match_all(&inventory.packages);
    for vex in &args.vex {
        let bytes = std::fs::read(vex).with_context(|| format!("cannot read {}", vex.display()))?;
        let statements = read_vex(&bytes, &vex.display().to_string())?;
        let suppressed = apply_vex(&mut findings, &statements);
        eprintln!(
            "parapet scan: {}: {suppressed} findings suppressed as not affected",
            vex.display()
        );
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| (&a.package, &a.advisory_id).cmp(&(&b.package, &b.advisory_id)))
    });
    let failing = findings
        .iter()
        .any(|f| f.suppressed.is_none() && f.severity >= args.fail_on);
    let shown: Vec<VulnerabilityFinding> = findings
        .into_iter()
        .filter(|f| f.severity >= args.severity && (args.show_suppressed || f.suppressed.is_none()))
        .collect();
    let target_name = target_label(&args.path, &inventory);
    let generated_at = now_rfc3339();
    let context = VulnContext {
        target: &target_name,
        generated_at: &generated_at,
    };
    let mut out = io::stdout().lock();
    write_vulnerabilities(&mut out, args.format, &shown, &context)?;
    out.flush()?;
    let os = inventory
        .os
        .as_ref()
        .map_or_else(String::new, |o| format!(", {}", o.pretty_name));
    eprintln!(
        "parapet scan: {} packages in {} files{os}; {} advisories loaded; {} findings shown; {} unreadable",
        inventory.packages.len(),
        inventory.files,
        db.len(),
        shown.len(),
        inventory.errors.len()
    );
    if args.list_packages {
        for p in &inventory.packages {
            eprintln!(
                "  {} {} {} ({})",
                p.ecosystem, p.name, p.version, p.location.path
            );
        }
    }
    Ok(if failing {
        Outcome::Alerts
    } else if !inventory.errors.is_empty() {
        Outcome::Errors
    } else {
        Outcome::Clean
    })
}

fn target_label(path: &Path, inventory: &Inventory) -> String {
    inventory
        .tags
        .first()
        .cloned()
        .unwrap_or_else(|| path.display().to_string())
}

pub fn sbom(args: SbomArgs) -> Result<Outcome> {
    let target = if args.image || looks_like_image(&args.path) {
        Target::Image
    } else {
        Target::Fs
    };
    let inventory = inventory_of(&args.path, target)?;
    for error in &inventory.errors {
        eprintln!("parapet sbom: {error}");
    }
    let name = target_label(&args.path, &inventory);
    let generated_at = now_rfc3339();
    let document = match args.format.as_str() {
        "spdx" => spdx_sbom(&inventory.packages, &name, &generated_at),
        _ => cyclonedx_sbom(&inventory.packages, &name, &generated_at),
    };
    let mut out = io::stdout().lock();
    out.write_all(&sonic_rs::to_vec_pretty(&document)?)?;
    out.write_all(b"\n")?;
    eprintln!(
        "parapet sbom: {} packages in {} files",
        inventory.packages.len(),
        inventory.files
    );
    Ok(if inventory.errors.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Errors
    })
}
