//! `parapet respond run|resume|rollback|playbooks|validate|actions`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use parapet_respond::{
    alert_facts, bundled_playbooks, run_playbook, AuditRecord, Executor, Journal, Phase, Playbook,
    RunInput, RunReport, RunStatus, StepOutcome, StepStatus, ACTIONS,
};
use parapet_store::{AuditRow, RunRow, Store};
use sonic_rs::{json, Value};

use crate::case::{case_context, who};
use crate::cli_respond::{
    PlaybookArgs, RespondResumeArgs, RespondRollbackArgs, RespondRunArgs, ValidateArgs,
};
use crate::inventory::{database_path, now_rfc3339};
use crate::respond_exec::LocalExecutor;
use crate::Outcome;

/// Audit records and case timeline entries, in the state database.
struct StoreJournal<'a> {
    store: &'a mut Store,
    case: Option<i64>,
    who: String,
}

impl Journal for StoreJournal<'_> {
    fn audit(&mut self, record: &AuditRecord) -> Result<(), String> {
        let now = now_rfc3339();
        let phase = match record.phase {
            Phase::Before => "before",
            Phase::After => "after",
        };
        let row = AuditRow {
            time: now.clone(),
            who: self.who.clone(),
            run_id: record.run.clone(),
            step: record.step.clone(),
            action: record.action.clone(),
            phase: phase.into(),
            dry_run: record.dry_run,
            result: record.result.clone(),
            record: sonic_rs::to_string(record).map_err(|e| e.to_string())?,
        };
        self.store.add_audit(&row).map_err(|e| e.to_string())?;
        if let (Some(case), Phase::After) = (self.case, record.phase) {
            let mode = if record.dry_run { "planned" } else { "ran" };
            let text = format!(
                "{mode} {} ({}): {}",
                record.step,
                record.action,
                record.result.as_deref().unwrap_or("")
            );
            self.store
                .add_timeline(case, "action", &self.who, &text, &now)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            collect_files(&entry, out)?;
        }
    } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") || path.is_file() {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Parses playbook files; every problem of every file is collected.
fn parse_files(paths: &[PathBuf]) -> (Vec<Playbook>, Vec<String>) {
    let (mut playbooks, mut errors) = (Vec::new(), Vec::new());
    let mut files = Vec::new();
    for path in paths {
        if let Err(e) = collect_files(path, &mut files) {
            errors.push(format!("{}: {e}", path.display()));
        }
    }
    for file in files {
        let label = file.display().to_string();
        match std::fs::read_to_string(&file) {
            Ok(text) => match Playbook::parse(&text, &label) {
                Ok(p) => playbooks.push(p),
                Err(e) => errors.extend(e.iter().map(|e| e.to_string())),
            },
            Err(e) => errors.push(format!("{label}: {e}")),
        }
    }
    (playbooks, errors)
}

pub fn load_playbooks(args: &PlaybookArgs) -> Result<Vec<Playbook>> {
    let mut playbooks = if args.no_default_playbooks {
        Vec::new()
    } else {
        bundled_playbooks().map_err(|e| {
            anyhow::anyhow!(e
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"))
        })?
    };
    let (extra, errors) = parse_files(&args.playbooks);
    if !errors.is_empty() {
        bail!("invalid playbooks:\n{}", errors.join("\n"));
    }
    for p in extra {
        playbooks.retain(|q| q.id != p.id);
        playbooks.push(p);
    }
    Ok(playbooks)
}

fn print_report(
    run_id: &str,
    playbook: &Playbook,
    report: &RunReport,
    execute: bool,
) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let mode = if execute {
        "executed"
    } else {
        "dry run: nothing changed"
    };
    writeln!(
        out,
        "run {run_id}: playbook {} ({mode}): {:?}, {} changes (cap {})",
        playbook.id, report.status, report.changes, playbook.max_changes
    )?;
    for step in &report.steps {
        let status = match &step.status {
            StepStatus::Failed(m) => format!("failed: {m}"),
            other => format!("{other:?}"),
        };
        writeln!(out, "  {:<12} {:<32} {status}", step.id, step.action)?;
        for change in &step.changes {
            writeln!(
                out,
                "      {} {}: {}",
                if execute && step.status == StepStatus::Done {
                    "changed"
                } else {
                    "would change"
                },
                change.target,
                change.description
            )?;
        }
        if let Some(rollback) = &step.rollback {
            writeln!(out, "      rollback: {}", rollback.description)?;
        }
    }
    Ok(())
}

fn outcome(report: &RunReport) -> Outcome {
    match report.status {
        RunStatus::Failed => Outcome::Errors,
        _ => Outcome::Clean,
    }
}

fn parse_sets(sets: &[String]) -> Result<Value> {
    let mut run = json!({});
    for set in sets {
        let (name, value) = set
            .split_once('=')
            .with_context(|| format!("--set `{set}`: expected NAME=VALUE"))?;
        run.insert(name, json!(value));
    }
    Ok(run)
}

fn status_text(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Completed => "completed",
        RunStatus::AwaitingApproval => "awaiting_approval",
        RunStatus::Failed => "failed",
    }
}

pub fn run(args: RespondRunArgs) -> Result<Outcome> {
    let path = database_path(&args.acting.store)?;
    let mut store = Store::open(&path)?;
    let (case, alerts) = case_context(&store, args.case)?;
    let playbooks = load_playbooks(&args.acting.playbooks)?;
    let mut executor = LocalExecutor::new(
        path.clone(),
        args.acting.lake.clone(),
        args.acting.aws.clone(),
    );
    let who = who(&args.acting.who);
    let mut result = Outcome::Clean;
    let mut ran = 0;
    let mut reports: Vec<Value> = Vec::new();
    for playbook in playbooks
        .iter()
        .filter(|p| args.only.as_ref().is_none_or(|only| &p.id == only))
    {
        let Some(alert) = alerts
            .iter()
            .find(|a| playbook.trigger.matches(&alert_facts(a)))
        else {
            continue;
        };
        ran += 1;
        let started = now_rfc3339();
        let run_id = unique_run_id(&store, args.case, &playbook.id, &started);
        let mut run_values = parse_sets(&args.set)?;
        run_values.insert("id", json!(run_id));
        let context = json!({"alert": alert.clone(), "case": case.clone(), "run": run_values});
        let report = {
            let mut journal = StoreJournal {
                store: &mut store,
                case: Some(args.case),
                who: who.clone(),
            };
            let input = RunInput {
                run_id: &run_id,
                context: context.clone(),
                execute: args.acting.execute,
                approved: &[],
                previous: &[],
            };
            run_playbook(playbook, input, &mut executor, &mut journal)
        };
        if args.format == "json" {
            reports.push(json!({"run": run_id, "playbook": playbook.id, "execute": args.acting.execute, "report": report}));
        } else {
            print_report(&run_id, playbook, &report, args.acting.execute)?;
        }
        save(
            &mut store,
            &run_id,
            Some(args.case),
            playbook,
            &report,
            args.acting.execute,
            &context,
            Vec::new(),
            &started,
        )?;
        if report.status == RunStatus::AwaitingApproval && args.format != "json" {
            if let Some(step) = report.steps.last() {
                println!("  waiting: `parapet case approve {} --run {run_id} --step {}`, then `parapet respond resume {run_id} --execute`", args.case, step.id);
            }
        }
        if outcome(&report) == Outcome::Errors {
            result = Outcome::Errors;
        }
    }
    if args.format == "json" {
        println!("{}", sonic_rs::to_string_pretty(&reports)?);
    } else if ran == 0 {
        println!(
            "no playbook is triggered by the alerts of case {}",
            args.case
        );
    }
    Ok(result)
}

/// `case3-backdoor-iam-principal-20261129T145729Z`, with `-2`, `-3`...
/// when a run of the same case and playbook started in the same second.
fn unique_run_id(store: &Store, case: i64, playbook: &str, started: &str) -> String {
    let base = format!("case{case}-{playbook}-{}", started.replace([':', '-'], ""));
    let mut id = base.clone();
    let mut n = 1;
    while store.run(&id).is_ok() {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

#[allow(clippy::too_many_arguments)]
fn save(
    store: &mut Store,
    run_id: &str,
    case: Option<i64>,
    playbook: &Playbook,
    report: &RunReport,
    execute: bool,
    context: &Value,
    approved: Vec<String>,
    started: &str,
) -> Result<()> {
    let row = RunRow {
        id: run_id.to_string(),
        case_id: case,
        playbook: playbook.id.clone(),
        status: status_text(report.status).into(),
        execute,
        started_at: started.to_string(),
        updated_at: now_rfc3339(),
        context: sonic_rs::to_string(context)?,
        report: sonic_rs::to_string(report)?,
        approved,
    };
    store.save_run(&row)?;
    if let Some(case) = case {
        let mode = if execute { "executed" } else { "dry run" };
        store.add_timeline(
            case,
            "run",
            "parapet",
            &format!(
                "playbook {} {mode}: {} ({run_id})",
                playbook.id,
                status_text(report.status)
            ),
            &now_rfc3339(),
        )?;
    }
    Ok(())
}

pub fn resume(args: RespondResumeArgs) -> Result<Outcome> {
    let path = database_path(&args.acting.store)?;
    let mut store = Store::open(&path)?;
    let row = store.run(&args.run)?;
    let playbooks = load_playbooks(&args.acting.playbooks)?;
    let playbook = playbooks
        .iter()
        .find(|p| p.id == row.playbook)
        .with_context(|| {
            format!(
                "playbook `{}` of run {} is not loaded",
                row.playbook, row.id
            )
        })?;
    let context: Value = sonic_rs::from_str(&row.context)?;
    let previous: RunReport = sonic_rs::from_str(&row.report)?;
    let mut executor = LocalExecutor::new(
        path.clone(),
        args.acting.lake.clone(),
        args.acting.aws.clone(),
    );
    let report = {
        let mut journal = StoreJournal {
            store: &mut store,
            case: row.case_id,
            who: who(&args.acting.who),
        };
        let input = RunInput {
            run_id: &row.id,
            context: context.clone(),
            execute: args.acting.execute,
            approved: &row.approved,
            previous: &previous.steps,
        };
        run_playbook(playbook, input, &mut executor, &mut journal)
    };
    print_report(&row.id, playbook, &report, args.acting.execute)?;
    save(
        &mut store,
        &row.id,
        row.case_id,
        playbook,
        &report,
        args.acting.execute || row.execute,
        &context,
        row.approved.clone(),
        &row.started_at,
    )?;
    Ok(outcome(&report))
}

pub fn rollback(args: RespondRollbackArgs) -> Result<Outcome> {
    let path = database_path(&args.store)?;
    let mut store = Store::open(&path)?;
    let row = store.run(&args.run)?;
    let report: RunReport = sonic_rs::from_str(&row.report)?;
    let mut executor = LocalExecutor::new(path.clone(), None, args.aws.clone());
    let who = who(&args.who);
    let done: Vec<&StepOutcome> = report
        .steps
        .iter()
        .rev()
        .filter(|s| s.status == StepStatus::Done)
        .collect();
    let mut failed = false;
    let mode = if args.execute {
        "executed"
    } else {
        "dry run: nothing changed"
    };
    println!("rollback of run {} ({mode}):", row.id);
    for step in done {
        let Some(undo) = &step.rollback else {
            if !step.changes.is_empty() {
                println!(
                    "  {:<12} {:<32} cannot be rolled back",
                    step.id, step.action
                );
            }
            continue;
        };
        let result = executor.rollback(undo, args.execute);
        let text = match &result {
            Ok(changes) if changes.is_empty() => "nothing to undo (already as before)".to_string(),
            Ok(changes) => changes
                .iter()
                .map(|c| format!("{}: {}", c.target, c.description))
                .collect::<Vec<_>>()
                .join("; "),
            Err(e) => {
                failed = true;
                format!("failed: {e}")
            }
        };
        println!("  {:<12} {:<32} {text}", step.id, undo.action);
        let record = json!({"run": row.id, "step": step.id, "action": undo.action, "params": undo.params, "dry_run": !args.execute, "result": text});
        store.add_audit(&AuditRow {
            time: now_rfc3339(),
            who: who.clone(),
            run_id: row.id.clone(),
            step: step.id.clone(),
            action: undo.action.clone(),
            phase: "rollback".into(),
            dry_run: !args.execute,
            result: Some(text.clone()),
            record: record.to_string(),
        })?;
    }
    if args.execute {
        let mut rolled = row.clone();
        rolled.status = if failed {
            "rollback_failed".into()
        } else {
            "rolled_back".into()
        };
        rolled.updated_at = now_rfc3339();
        store.save_run(&rolled)?;
        if let Some(case) = row.case_id {
            store.add_timeline(
                case,
                "rollback",
                &who,
                &format!(
                    "run {} rolled back{}",
                    row.id,
                    if failed { " (with failures)" } else { "" }
                ),
                &now_rfc3339(),
            )?;
        }
    }
    Ok(if failed {
        Outcome::Errors
    } else {
        Outcome::Clean
    })
}

pub fn playbooks(args: PlaybookArgs) -> Result<Outcome> {
    let mut out = io::stdout().lock();
    for p in load_playbooks(&args)? {
        let t = &p.trigger;
        let level = t.level.map_or(String::new(), |l| format!(" level>={l}"));
        writeln!(
            out,
            "{:<30} {} step(s), cap {}: {}",
            p.id,
            p.steps.len(),
            p.max_changes,
            p.name
        )?;
        writeln!(
            out,
            "{:<30} trigger: {} rules, techniques [{}], tags [{}]{level}",
            "",
            t.rules.len(),
            t.techniques.join(", "),
            t.tags.join(", ")
        )?;
    }
    Ok(Outcome::Clean)
}

pub fn validate(args: ValidateArgs) -> Result<Outcome> {
    let (playbooks, errors) = parse_files(&args.paths);
    for error in &errors {
        eprintln!("{error}");
    }
    println!(
        "{} playbooks valid, {} problems",
        playbooks.len(),
        errors.len()
    );
    Ok(if errors.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Errors
    })
}

pub fn actions() -> Result<Outcome> {
    let mut out = io::stdout().lock();
    for a in ACTIONS {
        writeln!(
            out,
            "{} ({:?}{}): {}",
            a.name,
            a.kind,
            if a.reversible { ", reversible" } else { "" },
            a.summary
        )?;
        for p in a.params {
            writeln!(
                out,
                "    {}{}: {}",
                p.name,
                if p.required { "" } else { " (optional)" },
                p.help
            )?;
        }
        if !a.permissions.is_empty() {
            writeln!(out, "    IAM: {}", a.permissions.join(", "))?;
        }
    }
    Ok(Outcome::Clean)
}
