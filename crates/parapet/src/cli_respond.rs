//! Command-line arguments of `parapet case` and `parapet respond`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::StoreArgs;

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Group alerts (`parapet detect --format jsonl --raw` output) into
    /// cases: an alert joins the open case of the same identity or resource
    /// whose latest alert is within --window, else opens a new one.
    Import(CaseImportArgs),
    /// Cases, newest first.
    List(CaseListArgs),
    /// One case: its alerts, runs and timeline.
    Show(CaseIdArgs),
    /// Change a case's status or assignee, or add a note.
    Update(CaseUpdateArgs),
    /// A JSON bundle of the case: alerts with their raw events, timeline,
    /// runs and their audit records.
    Export(CaseExportArgs),
    /// Approve a step of a run that waits for it; then `parapet respond
    /// resume RUN --execute`.
    Approve(CaseApproveArgs),
}

#[derive(Debug, Args)]
pub struct CaseImportArgs {
    /// Files of alerts (`parapet detect --format jsonl --raw`) or findings
    /// (`parapet scan --format jsonl|json`: posture failures and
    /// vulnerabilities), one JSON object per line or one JSON array (`-` for
    /// stdin).
    #[arg(required = true)]
    pub alerts: Vec<PathBuf>,
    /// What a vulnerability scan read (an image, a host): its findings
    /// group under this resource. Default: the input file's name.
    #[arg(long)]
    pub resource: Option<String>,
    /// How far apart alerts of one identity or resource may be and still
    /// share a case (e.g. 30m, 2h, 1d).
    #[arg(long, default_value = "1h", value_parser = crate::cli::parse_duration)]
    pub window: i64,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct CaseListArgs {
    /// Only cases in this status.
    #[arg(long)]
    pub status: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct CaseIdArgs {
    pub id: i64,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct CaseUpdateArgs {
    pub id: i64,
    /// new, triage, contained, resolved, false_positive.
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub assignee: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
    /// Who does it (default: $USER).
    #[arg(long = "as")]
    pub who: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct CaseExportArgs {
    pub id: i64,
    /// Write here instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct CaseApproveArgs {
    pub id: i64,
    #[arg(long)]
    pub run: String,
    #[arg(long)]
    pub step: String,
    #[arg(long = "as")]
    pub who: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum RespondCommand {
    /// Run the playbooks a case's alerts trigger. A dry run (the plan, with
    /// what each step would change) unless --execute.
    Run(RespondRunArgs),
    /// Continue a run that waited for an approval.
    Resume(RespondResumeArgs),
    /// Undo what a run did, last step first, where its actions recorded how.
    Rollback(RespondRollbackArgs),
    /// The bundled and given playbooks, with their triggers.
    Playbooks(PlaybookArgs),
    /// Validate playbook files; every problem is printed with file, step and field.
    Validate(ValidateArgs),
    /// The actions playbooks may use: parameters and IAM permissions.
    Actions,
}

#[derive(Debug, Args, Clone)]
pub struct PlaybookArgs {
    /// Playbook files or folders besides the bundled ones.
    #[arg(long = "playbooks")]
    pub playbooks: Vec<PathBuf>,
    /// Leave the bundled playbooks out.
    #[arg(long)]
    pub no_default_playbooks: bool,
}

#[derive(Debug, Args, Clone)]
pub struct AwsTargetArgs {
    /// An endpoint for every AWS service (an emulator such as moto).
    #[arg(long)]
    pub endpoint_url: Option<String>,
    #[arg(long)]
    pub profile: Option<String>,
    /// The default region of actions whose alert names none.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
}

#[derive(Debug, Args)]
pub struct RespondRunArgs {
    #[arg(long)]
    pub case: i64,
    /// Run only this playbook (an id).
    #[arg(long)]
    pub only: Option<String>,
    /// `text`, or `json`: one object per run (id, playbook, execute, and
    /// the report: each step's status, parameters, changes and rollback).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Values playbooks read as `{{ run.NAME }}` (e.g. webhook=https://...).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub acting: ActingArgs,
}

/// What running or resuming a playbook acts with.
#[derive(Debug, Args)]
pub struct ActingArgs {
    /// Act. Without it nothing changes: the plan is printed and recorded.
    #[arg(long)]
    pub execute: bool,
    #[command(flatten)]
    pub playbooks: PlaybookArgs,
    #[command(flatten)]
    pub aws: AwsTargetArgs,
    /// The lake `enrich.activity` reads (default: $PARAPET_HOME/lake).
    #[arg(long)]
    pub lake: Option<PathBuf>,
    /// Who acts, for the audit records (default: $USER).
    #[arg(long = "as")]
    pub who: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct RespondResumeArgs {
    pub run: String,
    #[command(flatten)]
    pub acting: ActingArgs,
}

#[derive(Debug, Args)]
pub struct RespondRollbackArgs {
    pub run: String,
    #[arg(long)]
    pub execute: bool,
    #[command(flatten)]
    pub aws: AwsTargetArgs,
    #[arg(long = "as")]
    pub who: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}
