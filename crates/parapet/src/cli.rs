//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use parapet_core::Level;
use parapet_report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "parapet",
    version,
    about = "Cloud security operations in one binary"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Detect threats in cloud audit logs with Sigma rules.
    ///
    /// Reads CloudTrail, Azure Activity / Entra ID sign-in, audit and risk
    /// logs and PIM alerts, GCP Cloud Audit Logs, Google Workspace,
    /// Kubernetes audit, Okta, GitHub, Bitbucket and M365 audit logs,
    /// OneLogin events and Cisco Duo authentication logs; each record's
    /// source is told by its fields (or forced with --source). Takes
    /// `{"Records":[...]}` and `{"records":[...]}` files, API pages, JSON
    /// arrays, JSONL, `.gz`, folders (recursively), or `-` for stdin. Exit code:
    /// 0 no alerts, 1 alerts at or above --fail-on, 2 an error or unreadable input.
    Detect(DetectArgs),
    /// List or explain the detection rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Measure detection speed on generated CloudTrail events.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Discover cloud assets through the provider APIs into a stored snapshot.
    #[cfg(feature = "aws")]
    #[command(subcommand)]
    Collect(CollectCommand),
    /// Import an inventory export into a stored snapshot.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Browse stored inventory snapshots and what changed between them.
    #[command(subcommand)]
    Inventory(InventoryCommand),
    /// Check cloud posture against the rules and frameworks.
    #[command(subcommand)]
    Scan(crate::cli_posture::ScanCommand),
    /// Read audit logs into the Parquet security lake (idempotent: a file or
    /// an event already in the lake adds nothing). Exit code 2 when some
    /// input could not be read (the rest is ingested).
    Ingest(crate::lake::IngestArgs),
    /// Print the records of any audit log as OCSF events (the lake's
    /// normalized view: API Activity 6003, Authentication 3002, Account
    /// Change 3001), one JSON object per line, or as read (`--format raw`).
    Events(crate::events::EventsArgs),
    /// SQL or a saved hunt over the lake: table `events` (OCSF columns,
    /// `raw`, and the partition columns `source`, `account`, `date`);
    /// `json_get(raw, 'a.b')` reads any field of the raw record.
    Hunt(crate::lake::HuntArgs),
    /// Everything one identity, IP or access key did, across all sources
    /// in the lake, in time order.
    Timeline(crate::lake::TimelineArgs),
    /// List the posture findings kept across scans.
    Findings(crate::cli_posture::FindingsArgs),
    /// Mute posture findings, with a reason and an expiry.
    #[command(subcommand)]
    Mute(crate::cli_posture::MuteCommand),
    /// The compliance frameworks shipped with Parapet.
    #[command(subcommand)]
    Frameworks(crate::cli_posture::FrameworksCommand),
    /// The offline vulnerability database (OSV advisories).
    #[command(subcommand, name = "vuln-db")]
    VulnDb(crate::cli_vuln::VulnDbCommand),
    /// Write an SBOM (CycloneDX or SPDX JSON) of the packages in an image,
    /// folder, zip package or lockfile.
    Sbom(crate::cli_vuln::SbomArgs),
    /// Cases: alerts grouped by identity or resource, with status,
    /// assignee, notes, runs and a timeline.
    #[command(subcommand)]
    Case(crate::cli_respond::CaseCommand),
    /// Response playbooks: plan (dry run by default), execute, resume after
    /// approval, roll back.
    #[command(subcommand)]
    Respond(crate::cli_respond::RespondCommand),
}

#[derive(Debug, Subcommand)]
pub enum CollectCommand {
    /// One AWS account: IAM, S3, EC2, CloudTrail in every enabled region.
    Aws(CollectAwsArgs),
}

#[derive(Debug, Args, Clone)]
pub struct CollectAwsArgs {
    /// Regions to read, comma-separated (default: every region enabled for the account).
    #[arg(long, value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Region for global calls and region discovery.
    #[arg(long, default_value = "us-east-1")]
    pub home_region: String,
    /// Send every API call to this endpoint (an emulator, a VPC endpoint).
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// Named profile from the AWS config files.
    #[arg(long)]
    pub profile: Option<String>,
    /// API calls in flight at once.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Collect these accounts (one id per line, `#` comments) by assuming
    /// --role-name in each, one snapshot per account.
    #[arg(long)]
    pub accounts: Option<PathBuf>,
    /// Collect every active account of the caller's AWS Organization: the
    /// caller's own with its credentials, the others through --role-name.
    #[arg(long, conflicts_with = "accounts")]
    pub organization: bool,
    /// The role to assume in each account of --accounts or --organization.
    #[arg(long, default_value = "OrganizationAccountAccessRole")]
    pub role_name: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// An AWS Config snapshot (`{"configurationItems": [...]}`, JSON or .gz).
    AwsConfig(ImportArgs),
    /// An Azure Resource Graph export (`az graph query -q Resources` JSON,
    /// the REST API's `{"value": [...]}`, or JSON lines; or .gz).
    AzureResourceGraph(ImportArgs),
    /// A GCP Cloud Asset Inventory export (`gcloud asset export` JSON lines
    /// or `gcloud asset list --format=json`; resources and IAM policies).
    GcpAssetInventory(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    pub file: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Alerts into cases as they are raised (`detect`, `ingest --detect`).
#[derive(Debug, Args, Clone)]
pub struct CaseArgs {
    /// Group the alerts into cases in the state database (as `parapet
    /// case import` does), each with its raw event.
    #[arg(long)]
    pub cases: bool,
    /// With --cases: how far apart alerts of one identity or resource may
    /// be and still share a case.
    #[arg(long, default_value = "1h", value_parser = parse_duration)]
    pub case_window: i64,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args, Clone)]
pub struct StoreArgs {
    /// The state database (default: $PARAPET_HOME/parapet.db, PARAPET_HOME
    /// defaulting to ~/.local/share/parapet).
    #[arg(long)]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum InventoryCommand {
    /// List stored snapshots.
    Snapshots(StoreArgs),
    /// List the resources of a snapshot.
    List(InventoryListArgs),
    /// Show one resource with every attribute and where it came from.
    Show(InventoryShowArgs),
    /// What changed between two snapshots, attribute by attribute.
    Diff(InventoryDiffArgs),
}

#[derive(Debug, Args)]
pub struct InventoryListArgs {
    /// Snapshot id, `latest` or `previous`.
    #[arg(long, default_value = "latest")]
    pub snapshot: String,
    /// Only this kind, e.g. aws.s3.bucket.
    #[arg(long)]
    pub kind: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct InventoryShowArgs {
    /// The resource's uid (ARN).
    pub uid: String,
    #[arg(long, default_value = "latest")]
    pub snapshot: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct InventoryDiffArgs {
    /// The older snapshot (id, `latest`, `previous`).
    #[arg(default_value = "previous")]
    pub before: String,
    /// The newer snapshot.
    #[arg(default_value = "latest")]
    pub after: String,
    /// `text` or `json`.
    #[arg(long, default_value = "text")]
    pub format: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args, Clone)]
pub struct RuleArgs {
    /// Add Sigma rules from a folder (recursively) or a file; repeatable.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Turn off the rules bundled with Parapet.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Values for a Sigma `expand` placeholder: NAME=VALUE[,VALUE...]; repeatable.
    #[arg(long = "placeholder", value_name = "NAME=VALUES")]
    pub placeholders: Vec<String>,
    /// A field-mapping pipeline (pySigma processing-pipeline YAML) applied
    /// after the bundled ones; repeatable.
    #[arg(long = "pipeline", value_name = "FILE")]
    pub pipelines: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Files or folders to read; `-` (or nothing) reads stdin.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub cases: CaseArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Output format; default: table on a terminal, jsonl otherwise.
    #[arg(long, short = 'f', value_parser = parse_format)]
    pub format: Option<Format>,
    /// Exit with 1 when an alert is at or above this level.
    #[arg(long, default_value = "informational", value_parser = parse_level)]
    pub fail_on: Level,
    /// Report only alerts at or above this level.
    #[arg(long, default_value = "informational", value_parser = parse_level)]
    pub min_level: Level,
    /// Only events at or after this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = parse_time)]
    pub since: Option<parapet_core::Timestamp>,
    /// Only events before this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = parse_time)]
    pub until: Option<parapet_core::Timestamp>,
    /// Include the whole event in each alert.
    #[arg(long)]
    pub raw: bool,
    /// Read every record as this source instead of recognizing it:
    /// cloudtrail, azure-activity, azure-signin, azure-audit, azure-risk,
    /// azure-pim, gcp-audit, workspace-admin, workspace-login, k8s-audit,
    /// okta, github, bitbucket, m365, onelogin, duo.
    #[arg(long, value_parser = parse_log_kind)]
    pub source: Option<parapet_core::LogKind>,
    /// Correlations: how late (event time) a record may arrive after a later
    /// one, e.g. 15m; records later than that are counted and dropped. Default:
    /// no bound, the whole input is ordered before correlating.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub lateness: Option<i64>,
    /// Correlations: live groups held at most; past it the least recently
    /// seen are evicted (counted in the summary).
    #[arg(long, default_value_t = 1_000_000)]
    pub max_groups: usize,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print no summary and at most the first input error of each file.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules that would run, and any that failed to load.
    List(RulesListArgs),
    /// Run the test events rules carry in `NAME.tests.yml` sidecars.
    Test(RulesTestArgs),
    /// Check rule files against the Sigma specification, with file and line.
    Lint(RulesLintArgs),
    /// Write an ATT&CK Navigator layer of the techniques the rules detect.
    Coverage(RulesCoverageArgs),
    /// Print a rule's documentation: a detection rule's description, ATT&CK
    /// and references, or a posture rule's documentation and fixes.
    Explain(RulesExplainArgs),
}

#[derive(Debug, Args)]
pub struct RulesTestArgs {
    /// Sidecar files, or folders searched for `*.tests.yml`.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesLintArgs {
    /// Rule files or folders (recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Exit 1 on warnings too, not only errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct RulesCoverageArgs {
    /// Where to write the layer (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub attack_layer: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Args)]
pub struct RulesListArgs {
    /// List the posture rules (what `scan cloud` runs) instead of the
    /// detection rules.
    #[arg(long)]
    pub posture: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Args)]
pub struct RulesExplainArgs {
    /// Rule id (or a unique prefix of it).
    pub id: String,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Parse-only and parse+detect throughput, on one core and on all.
    Detect(BenchDetectArgs),
    /// Write generated CloudTrail events (JSONL, or gzip with a .gz name).
    Generate(GenerateArgs),
    /// Every posture rule over a generated inventory, on one thread and on all.
    Posture(crate::cli_posture::BenchPostureArgs),
    /// `scan iac` over a template tree: read, evaluate, every rule.
    Iac(crate::cli_posture::BenchIacArgs),
    /// Generated CloudTrail into a lake (ingest speed, lake size), then
    /// group-by hunts over it.
    Lake(crate::bench_lake::BenchLakeArgs),
    /// Correlation cost: detection with and without ten correlation rules,
    /// the memory of many live groups, value_count as distinct values grow.
    Correlate(BenchCorrelateArgs),
    /// Advisory import speed, and matching this machine's dpkg packages
    /// plus a generated lockfile set against the whole OSV corpus.
    Vuln(crate::cli_vuln::BenchVulnArgs),
}

#[derive(Debug, Args)]
pub struct BenchCorrelateArgs {
    /// Generated CloudTrail events for the detection comparison.
    #[arg(long, default_value_t = 1_000_000)]
    pub events: u64,
    /// Live groups for the memory measurement.
    #[arg(long, default_value_t = 1_000_000)]
    pub groups: u64,
    /// Hits per value_count run.
    #[arg(long, default_value_t = 2_000_000)]
    pub hits: u64,
    /// Rounds of each detection mode; the best CPU time of each is compared
    /// (this machine's run-to-run noise is about 10%).
    #[arg(long, default_value_t = 3)]
    pub rounds: u32,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Args)]
pub struct BenchDetectArgs {
    /// Read this file instead of generating events.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Events to generate when no --input is given.
    #[arg(long, default_value_t = 1_000_000)]
    pub events: u64,
    /// Also measure the same events gzip-compressed.
    #[arg(long)]
    pub gzip: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Cores for the multi-core run (default: all).
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Output file; gzip-compressed when it ends in `.gz`.
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    #[arg(long, default_value_t = 1_000_000)]
    pub events: u64,
    /// Seed for the generator (same seed, same events).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

pub fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
        .map_err(|e: parapet_core::ParseLevelError| e.to_string())
}

fn parse_time(s: &str) -> Result<parapet_core::Timestamp, String> {
    parapet_core::parse_rfc3339(s).ok_or_else(|| {
        format!("`{s}` is not a time; use RFC 3339 (2024-07-30T21:53:13Z) or YYYY-MM-DD")
    })
}

pub(crate) fn parse_log_kind(text: &str) -> Result<parapet_core::LogKind, String> {
    text.parse()
}

pub fn parse_duration(text: &str) -> Result<i64, String> {
    parapet_sigma::parse_timespan(text)
        .ok_or_else(|| format!("`{text}`: expected a number and s, m, h, d or w, e.g. 15m"))
}
