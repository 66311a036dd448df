//! Running a playbook: each step's condition, parameters rendered from the
//! context, approval gates, the cap on changes, dry-run unless told to
//! execute, an audit record before and after every action, and what it
//! takes to roll back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sonic_rs::{json, JsonValueMutTrait, JsonValueTrait, Value};

use crate::catalog::{action, ActionKind, ActionSpec};
use crate::playbook::{OnError, Playbook, Step};
use crate::template::{condition, render};

/// One resource an action changes (or would).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub target: String,
    pub description: String,
}

/// How to undo what an action did: the executor knows how to run it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollback {
    pub action: String,
    pub params: BTreeMap<String, String>,
    pub description: String,
}

/// What an action returns.
#[derive(Debug, Clone, Default)]
pub struct ActionResult {
    /// Readable by later steps as `steps.ID.output`.
    pub output: Value,
    /// What it changed; in a dry run, what it would change.
    pub changes: Vec<Change>,
    pub rollback: Option<Rollback>,
}

/// An action's rendered parameters, by name.
pub type Params = BTreeMap<String, String>;

/// A parameter an action needs: missing or empty is an error naming it.
pub fn param<'p>(params: &'p Params, name: &str) -> Result<&'p str, String> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("parameter `{name}` is empty"))
}

/// The edge that acts: cloud APIs, the lake, webhooks. With `execute`
/// false it must change nothing (reads are allowed, to plan precisely).
pub trait Executor {
    fn run(
        &mut self,
        action: &ActionSpec,
        params: &Params,
        execute: bool,
    ) -> Result<ActionResult, String>;
    fn rollback(&mut self, rollback: &Rollback, execute: bool) -> Result<Vec<Change>, String>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Before,
    After,
}

/// Written before an action is attempted and after it returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub run: String,
    pub step: String,
    pub action: String,
    pub params: BTreeMap<String, String>,
    pub phase: Phase,
    pub dry_run: bool,
    /// After: `ok`, `failed: ...`.
    pub result: Option<String>,
    pub changes: Vec<Change>,
}

pub trait Journal {
    fn audit(&mut self, record: &AuditRecord) -> Result<(), String>;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "detail")]
pub enum StepStatus {
    Done,
    Planned,
    Skipped,
    AwaitingApproval,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepOutcome {
    pub id: String,
    pub action: String,
    pub status: StepStatus,
    pub params: BTreeMap<String, String>,
    pub changes: Vec<Change>,
    pub output: Value,
    pub rollback: Option<Rollback>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Completed,
    AwaitingApproval,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub status: RunStatus,
    pub steps: Vec<StepOutcome>,
    pub changes: usize,
}

/// What a run needs besides the playbook.
pub struct RunInput<'a> {
    pub run_id: &'a str,
    /// `{"alert": ..., "case": ...}`; step outputs are added as steps run.
    pub context: Value,
    pub execute: bool,
    /// Steps an analyst approved (`parapet case approve`).
    pub approved: &'a [String],
    /// Outcomes of an earlier run of the same playbook (before an
    /// approval): done steps are not run again.
    pub previous: &'a [StepOutcome],
}

pub fn run_playbook(
    playbook: &Playbook,
    mut input: RunInput<'_>,
    executor: &mut dyn Executor,
    journal: &mut dyn Journal,
) -> RunReport {
    let mut context = std::mem::take(&mut input.context);
    if context.get("steps").is_none() {
        context.insert("steps", json!({}));
    }
    let mut report = RunReport {
        status: RunStatus::Completed,
        steps: Vec::new(),
        changes: 0,
    };
    for step in &playbook.steps {
        if let Some(done) = input
            .previous
            .iter()
            .find(|o| o.id == step.id && o.status == StepStatus::Done)
        {
            report.changes += done.changes.len();
            remember(&mut context, done);
            report.steps.push(done.clone());
            continue;
        }
        let outcome = run_step(
            playbook,
            step,
            &input,
            &context,
            report.changes,
            executor,
            journal,
        );
        report.changes += outcome.changes.len();
        remember(&mut context, &outcome);
        let status = outcome.status.clone();
        report.steps.push(outcome);
        match status {
            StepStatus::AwaitingApproval => {
                report.status = RunStatus::AwaitingApproval;
                break;
            }
            StepStatus::Failed(_) if step.on_error == OnError::Stop => {
                report.status = RunStatus::Failed;
                break;
            }
            StepStatus::Failed(_) => report.status = RunStatus::Failed,
            _ => {}
        }
    }
    report
}

fn remember(context: &mut Value, outcome: &StepOutcome) {
    let status = match &outcome.status {
        StepStatus::Done => "done",
        StepStatus::Planned => "planned",
        StepStatus::Skipped => "skipped",
        StepStatus::AwaitingApproval => "awaiting_approval",
        StepStatus::Failed(_) => "failed",
    };
    if let Some(steps) = context.get_mut("steps") {
        steps.insert(
            &outcome.id,
            json!({"status": status, "output": outcome.output.clone()}),
        );
    }
}

fn run_step(
    playbook: &Playbook,
    step: &Step,
    input: &RunInput<'_>,
    context: &Value,
    changes_so_far: usize,
    executor: &mut dyn Executor,
    journal: &mut dyn Journal,
) -> StepOutcome {
    let mut outcome = StepOutcome {
        id: step.id.clone(),
        action: step.action.clone(),
        status: StepStatus::Skipped,
        params: BTreeMap::new(),
        changes: Vec::new(),
        output: Value::new(),
        rollback: None,
    };
    let Some(spec) = action(&step.action) else {
        outcome.status = StepStatus::Failed(format!("unknown action `{}`", step.action));
        return outcome;
    };
    if let Some(when) = &step.when {
        match condition(when, context) {
            Ok(true) => {}
            Ok(false) => return outcome,
            Err(e) => {
                outcome.status = StepStatus::Failed(format!("when: {e}"));
                return outcome;
            }
        }
    }
    let mut params = BTreeMap::new();
    for (key, text) in &step.params {
        match render(text, context) {
            Ok(value) => {
                params.insert(key.clone(), value);
            }
            Err(e) => {
                outcome.status = StepStatus::Failed(format!("with.{key}: {e}"));
                return outcome;
            }
        }
    }
    outcome.params = spec.shown_params(&params);
    // Only enrichment (reads) runs in a dry run; a notification is shown,
    // not sent. Contain steps plan first, to check the cap before anything
    // changes.
    if spec.kind == ActionKind::Notify && !input.execute {
        outcome.output = json!({"dry_run": true});
        outcome.status = StepStatus::Planned;
        return outcome;
    }
    if spec.kind == ActionKind::Contain {
        let plan = match executor.run(spec, &params, false) {
            Ok(plan) => plan,
            Err(e) => return failed(outcome, journal, input, spec, e),
        };
        if changes_so_far + plan.changes.len() > playbook.max_changes {
            let message = format!(
                "would change {} more resources ({} so far); playbook `{}` allows {} per run",
                plan.changes.len(),
                changes_so_far,
                playbook.id,
                playbook.max_changes
            );
            return failed(outcome, journal, input, spec, message);
        }
        if step.approval && !input.approved.contains(&step.id) && input.execute {
            outcome.changes = plan.changes;
            outcome.status = StepStatus::AwaitingApproval;
            return outcome;
        }
        if !input.execute {
            outcome.output = plan.output;
            outcome.changes = plan.changes;
            outcome.status = StepStatus::Planned;
            let _ = audit(
                journal,
                input,
                &outcome,
                spec,
                Phase::After,
                Some("planned (dry run)".into()),
            );
            return outcome;
        }
    }
    if let Err(e) = audit(journal, input, &outcome, spec, Phase::Before, None) {
        outcome.status = StepStatus::Failed(format!(
            "audit record not written, action not attempted: {e}"
        ));
        return outcome;
    }
    match executor.run(spec, &params, true) {
        Ok(result) => {
            outcome.output = result.output;
            outcome.changes = result.changes;
            outcome.rollback = result.rollback;
            outcome.status = StepStatus::Done;
            // The action happened; a trail that lost its record stops the run.
            if let Err(e) = audit(
                journal,
                input,
                &outcome,
                spec,
                Phase::After,
                Some("ok".into()),
            ) {
                outcome.status = StepStatus::Failed(format!(
                    "done, but the audit record after it was not written: {e}"
                ));
            }
            outcome
        }
        Err(e) => failed(outcome, journal, input, spec, e),
    }
}

fn failed(
    mut outcome: StepOutcome,
    journal: &mut dyn Journal,
    input: &RunInput<'_>,
    spec: &ActionSpec,
    message: String,
) -> StepOutcome {
    let _ = audit(
        journal,
        input,
        &outcome,
        spec,
        Phase::After,
        Some(format!("failed: {message}")),
    );
    outcome.status = StepStatus::Failed(message);
    outcome
}

fn audit(
    journal: &mut dyn Journal,
    input: &RunInput<'_>,
    outcome: &StepOutcome,
    spec: &ActionSpec,
    phase: Phase,
    result: Option<String>,
) -> Result<(), String> {
    journal.audit(&AuditRecord {
        run: input.run_id.to_string(),
        step: outcome.id.clone(),
        action: spec.name.to_string(),
        params: outcome.params.clone(),
        phase,
        dry_run: !input.execute,
        result,
        changes: outcome.changes.clone(),
    })
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
