//! `parapet case import|list|show|update|export|approve`.

use std::io::{self, BufRead, Read, Write};

use anyhow::{bail, Context, Result};
use parapet_core::Alert;
use parapet_respond::{alert_facts, assign_case, finding_as_alert, FindingRecord, OpenCase};
use parapet_store::{NewAlert, Store};
use sonic_rs::{json, JsonValueTrait, Value};

use crate::cli::CaseArgs;
use crate::cli_respond::{
    CaseApproveArgs, CaseExportArgs, CaseIdArgs, CaseImportArgs, CaseListArgs, CaseUpdateArgs,
};
use crate::inventory::{now_rfc3339, open_store};
use crate::Outcome;

pub fn who(given: &Option<String>) -> String {
    given
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into())
}

fn read_lines(path: &std::path::Path) -> Result<Box<dyn BufRead>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(io::BufReader::new(io::stdin())));
    }
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Box::new(io::BufReader::new(file)))
}

/// The open cases with every identity and resource their alerts named.
fn open_cases(store: &Store) -> Result<Vec<OpenCase>> {
    let mut out = Vec::new();
    for case in store.open_cases()? {
        let mut open = OpenCase {
            id: case.id,
            last_alert: case.last_alert,
            ..OpenCase::default()
        };
        for alert in store.case_alerts(case.id)? {
            open.absorb(&alert_facts(
                &sonic_rs::from_str(&alert).unwrap_or_default(),
            ));
        }
        out.push(open);
    }
    Ok(out)
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    pub added: usize,
    pub opened: usize,
    pub bad: usize,
    /// Findings read that open nothing (passed, muted, not affected).
    pub settled: usize,
}

/// The state database `--cases` writes to; None without `--cases`.
pub fn case_store(args: &CaseArgs) -> Result<Option<Store>> {
    args.cases.then(|| open_store(&args.store)).transpose()
}

/// The importer `detect --cases` and `ingest --detect --cases` stream their
/// alerts into; None without a store.
pub fn case_importer<'s>(
    store: &'s mut Option<Store>,
    args: &CaseArgs,
) -> Result<Option<CaseImporter<'s>>> {
    store
        .as_mut()
        .map(|store| CaseImporter::new(store, args.case_window))
        .transpose()
}

/// Groups alert records (Parapet's JSON alert lines) and findings (posture
/// failures, vulnerabilities: see `finding_as_alert`) into cases, one
/// record at a time (detection streams its alerts in as they are raised).
pub struct CaseImporter<'s> {
    store: &'s mut Store,
    open: Vec<OpenCase>,
    window: i64,
    raised: usize,
    pub done: Imported,
}

impl<'s> CaseImporter<'s> {
    pub fn new(store: &'s mut Store, window: i64) -> Result<Self> {
        let open = open_cases(store)?;
        Ok(CaseImporter {
            store,
            open,
            window,
            raised: 0,
            done: Imported::default(),
        })
    }

    /// An alert as detection raises it (with its raw event when the
    /// detector keeps them); for sinks that speak io::Result.
    pub fn add_alert(&mut self, alert: &Alert) -> io::Result<()> {
        self.raised += 1;
        let record =
            sonic_rs::to_value(&parapet_report::alert_to_json(alert)).map_err(io::Error::other)?;
        let n = self.raised;
        self.add_record("detect", n, record, None, "")
            .map_err(|e| io::Error::other(format!("cases: {e:#}")))
    }

    /// One record; `label` and `n` name it when it is not one, `scanned`
    /// names what a vulnerability scan read.
    pub fn add(&mut self, label: &str, n: usize, line: &str, scanned: &str) -> Result<()> {
        if line.trim().is_empty() {
            return Ok(());
        }
        match sonic_rs::from_str(line) {
            Ok(record) => self.add_record(label, n, record, Some(line), scanned),
            Err(e) => {
                eprintln!("parapet case import: {label}:{n}: not an alert: {e}");
                self.done.bad += 1;
                Ok(())
            }
        }
    }

    /// One parsed record; `text` is its JSON as read, when there is one.
    pub fn add_record(
        &mut self,
        label: &str,
        n: usize,
        record: Value,
        text: Option<&str>,
        scanned: &str,
    ) -> Result<()> {
        let now = now_rfc3339();
        let (alert, stored) = match finding_as_alert(&record, scanned, &now) {
            FindingRecord::NotAFinding => {
                let stored = text.map_or_else(|| record.to_string(), str::to_string);
                (record, stored)
            }
            FindingRecord::Settled => {
                self.done.settled += 1;
                return Ok(());
            }
            FindingRecord::Alert(alert) => {
                let stored = alert.to_string();
                (alert, stored)
            }
        };
        let facts = alert_facts(&alert);
        if facts.rule_id.is_empty() {
            eprintln!("parapet case import: {label}:{n}: no `rule_id`; expected parapet detect --format jsonl output or parapet scan findings");
            self.done.bad += 1;
            return Ok(());
        }
        let case = match assign_case(&facts, &self.open, self.window) {
            Some(id) => id,
            None => {
                self.done.opened += 1;
                let title = format!(
                    "{} ({})",
                    facts.title,
                    facts
                        .identity
                        .as_deref()
                        .or(facts.resource.as_deref())
                        .unwrap_or("unknown identity")
                );
                let id = self.store.create_case(
                    &title,
                    facts.identity.as_deref(),
                    facts.resource.as_deref(),
                    &now,
                )?;
                self.open.push(OpenCase {
                    id,
                    ..OpenCase::default()
                });
                id
            }
        };
        if let Some(entry) = self.open.iter_mut().find(|c| c.id == case) {
            entry.absorb(&facts);
        }
        let event_id = alert
            .get("event_id")
            .and_then(|v| v.as_str())
            .map_or_else(|| format!("{label}:{n}"), str::to_string);
        let time = alert
            .get("event_time")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let new = NewAlert {
            rule_id: &facts.rule_id,
            event_id: &event_id,
            time: &time,
            time_ms: facts.time,
            severity: facts.level.as_str(),
            json: &stored,
        };
        if self.store.add_case_alert(case, &new, &now)? {
            self.done.added += 1;
        }
        Ok(())
    }
}

/// A JSON array input (`parapet scan ... --format json`) is read whole; past
/// this size, JSON lines are the way (`--format jsonl`).
const MAX_ARRAY_BYTES: u64 = 256 << 20;

/// Feeds the records of one input to `importer`: JSON lines, streamed, or
/// one JSON array, each element numbered from 1.
fn import_input(
    path: &std::path::Path,
    importer: &mut CaseImporter<'_>,
    scanned: &str,
) -> Result<()> {
    let label = path.display().to_string();
    let cannot = || format!("cannot read {label}");
    let mut reader = read_lines(path)?;
    // Blank lines before the first record are skipped, and counted.
    let mut skipped_lines = 0;
    let first = loop {
        let buf = reader.fill_buf().with_context(cannot)?;
        if buf.is_empty() {
            break None;
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let byte = buf[i];
                skipped_lines += buf[..i].iter().filter(|b| **b == b'\n').count();
                reader.consume(i);
                break Some(byte);
            }
            None => {
                let all = buf.len();
                skipped_lines += buf.iter().filter(|b| **b == b'\n').count();
                reader.consume(all);
            }
        }
    };
    if first == Some(b'[') {
        let mut text = String::new();
        reader
            .take(MAX_ARRAY_BYTES + 1)
            .read_to_string(&mut text)
            .with_context(cannot)?;
        if text.len() as u64 > MAX_ARRAY_BYTES {
            bail!("{label}: a JSON array over 256 MiB; write JSON lines instead (--format jsonl)");
        }
        let all: Vec<Value> = sonic_rs::from_str(&text)
            .with_context(|| format!("{label}: not a JSON array of alerts or findings"))?;
        for (i, record) in all.into_iter().enumerate() {
            importer.add_record(&label, i + 1, record, None, scanned)?;
        }
        return Ok(());
    }
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(cannot)?;
        importer.add(&label, skipped_lines + i + 1, &line, scanned)?;
    }
    Ok(())
}

pub fn import(args: CaseImportArgs) -> Result<Outcome> {
    let mut store = open_store(&args.store)?;
    let mut total = Imported::default();
    for path in &args.alerts {
        let scanned = match &args.resource {
            Some(name) => name.clone(),
            None => path
                .file_stem()
                .map_or_else(|| "stdin".to_string(), |s| s.to_string_lossy().into_owned()),
        };
        let mut importer = CaseImporter::new(&mut store, args.window)?;
        import_input(path, &mut importer, &scanned)?;
        let done = importer.done;
        total.added += done.added;
        total.opened += done.opened;
        total.bad += done.bad;
        total.settled += done.settled;
    }
    println!(
        "{} alerts and findings added, {} cases opened, {} findings needing no case, {} records not read",
        total.added, total.opened, total.settled, total.bad
    );
    Ok(if total.bad > 0 {
        Outcome::Errors
    } else {
        Outcome::Clean
    })
}

pub fn list(args: CaseListArgs) -> Result<Outcome> {
    let store = open_store(&args.store)?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:>4}  {:<14} {:<13} {:>6}  {:<12} {:<20} TITLE",
        "ID", "STATUS", "SEVERITY", "ALERTS", "ASSIGNEE", "UPDATED"
    )?;
    for c in store.cases(args.status.as_deref())? {
        writeln!(
            out,
            "{:>4}  {:<14} {:<13} {:>6}  {:<12} {:<20} {}",
            c.id,
            c.status,
            c.severity,
            c.alerts,
            c.assignee.as_deref().unwrap_or("-"),
            c.updated_at,
            c.title
        )?;
    }
    Ok(Outcome::Clean)
}

pub fn show(args: CaseIdArgs) -> Result<Outcome> {
    let store = open_store(&args.store)?;
    let case = store.case(args.id)?;
    let mut out = io::stdout().lock();
    writeln!(out, "case {}: {}", case.id, case.title)?;
    writeln!(
        out,
        "status {}, severity {}, assignee {}, opened {}",
        case.status,
        case.severity,
        case.assignee.as_deref().unwrap_or("-"),
        case.opened_at
    )?;
    writeln!(
        out,
        "identity {}, resource {}",
        case.identity.as_deref().unwrap_or("-"),
        case.resource.as_deref().unwrap_or("-")
    )?;
    writeln!(out, "\nalerts:")?;
    for alert in store.case_alerts(case.id)? {
        let a: Value = sonic_rs::from_str(&alert).unwrap_or_default();
        let s = |k: &str| a.get(k).and_then(|v| v.as_str()).unwrap_or("-").to_string();
        writeln!(
            out,
            "  {}  {}  {}  {}  {}",
            s("event_time"),
            s("level"),
            s("rule_title"),
            s("event_name"),
            s("actor")
        )?;
    }
    writeln!(out, "\nruns:")?;
    for id in store.runs_of_case(case.id)? {
        let run = store.run(&id)?;
        writeln!(
            out,
            "  {}  {}  {}  {}",
            run.id,
            run.playbook,
            run.status,
            if run.execute { "executed" } else { "dry run" }
        )?;
    }
    writeln!(out, "\ntimeline:")?;
    for entry in store.timeline(case.id)? {
        writeln!(
            out,
            "  {}  {:<9} {:<10} {}",
            entry.time, entry.kind, entry.actor, entry.text
        )?;
    }
    Ok(Outcome::Clean)
}

pub fn update(args: CaseUpdateArgs) -> Result<Outcome> {
    if args.status.is_none() && args.assignee.is_none() && args.note.is_none() {
        bail!("nothing to update: give --status, --assignee or --note");
    }
    let mut store = open_store(&args.store)?;
    store.update_case(
        args.id,
        args.status.as_deref(),
        args.assignee.as_deref(),
        args.note.as_deref(),
        &who(&args.who),
        &now_rfc3339(),
    )?;
    println!("case {} updated", args.id);
    Ok(Outcome::Clean)
}

pub fn export(args: CaseExportArgs) -> Result<Outcome> {
    let store = open_store(&args.store)?;
    let case = store.case(args.id)?;
    let alerts: Vec<Value> = store
        .case_alerts(case.id)?
        .iter()
        .map(|a| sonic_rs::from_str(a).unwrap_or_default())
        .collect();
    let timeline: Vec<Value> = store
        .timeline(case.id)?
        .into_iter()
        .map(|t| json!({"time": t.time, "kind": t.kind, "actor": t.actor, "text": t.text}))
        .collect();
    let mut runs = Vec::new();
    for id in store.runs_of_case(case.id)? {
        let run = store.run(&id)?;
        let audit: Vec<Value> = store
            .audit_of_run(&id)?
            .into_iter()
            .map(|a| {
                sonic_rs::from_str(&a.record)
                    .map(|mut r: Value| {
                        r.insert("time", json!(a.time));
                        r.insert("who", json!(a.who));
                        r
                    })
                    .unwrap_or_default()
            })
            .collect();
        runs.push(json!({
            "id": run.id, "playbook": run.playbook, "status": run.status, "execute": run.execute,
            "started_at": run.started_at, "updated_at": run.updated_at, "approved": run.approved,
            "report": sonic_rs::from_str::<Value>(&run.report).unwrap_or_default(), "audit": audit,
        }));
    }
    let bundle = json!({
        "case": {"id": case.id, "title": case.title, "status": case.status, "severity": case.severity, "assignee": case.assignee,
                 "identity": case.identity, "resource": case.resource, "opened_at": case.opened_at, "updated_at": case.updated_at},
        "alerts": alerts, "timeline": timeline, "runs": runs,
    });
    let bytes = sonic_rs::to_vec_pretty(&bundle)?;
    match &args.output {
        Some(path) => std::fs::write(path, &bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            io::stdout().write_all(&bytes)?;
            println!();
        }
    }
    Ok(Outcome::Clean)
}

pub fn approve(args: CaseApproveArgs) -> Result<Outcome> {
    let mut store = open_store(&args.store)?;
    let mut run = store.run(&args.run)?;
    if run.case_id != Some(args.id) {
        bail!("run {} is not a run of case {}", args.run, args.id);
    }
    if !run.approved.contains(&args.step) {
        run.approved.push(args.step.clone());
    }
    let now = now_rfc3339();
    run.updated_at = now.clone();
    store.save_run(&run)?;
    let who = who(&args.who);
    store.add_timeline(
        args.id,
        "approval",
        &who,
        &format!("approved step {} of run {}", args.step, args.run),
        &now,
    )?;
    println!(
        "step {} of run {} approved; continue with `parapet respond resume {} --execute`",
        args.step, args.run, args.run
    );
    Ok(Outcome::Clean)
}

/// The case as playbooks see it (`{{ case.id }}`, ...).
pub fn case_context(store: &Store, id: i64) -> Result<(Value, Vec<Value>)> {
    let case = store.case(id)?;
    let alerts = store
        .case_alerts(id)?
        .iter()
        .map(|a| sonic_rs::from_str(a).unwrap_or_default())
        .collect();
    Ok((
        json!({"id": case.id, "title": case.title, "status": case.status, "identity": case.identity, "resource": case.resource}),
        alerts,
    ))
}
