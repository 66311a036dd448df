//! Command-line arguments of the posture commands: scan, findings, mute,
//! frameworks.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use parapet_core::{CheckStatus, Level};
use parapet_report::FindingFormat;

#[cfg(feature = "aws")]
use crate::cli::CollectAwsArgs;
use crate::cli::StoreArgs;

#[derive(Debug, Subcommand)]
pub enum ScanCommand {
    /// Check a stored inventory (or a fresh collection) against the posture
    /// rules. Exit code: 0 nothing failing, 1 unmuted failures at or above
    /// --fail-on, 2 an error.
    Cloud(Box<ScanCloudArgs>),
    /// Check Terraform (HCL, tfvars, local modules, plan JSON),
    /// CloudFormation and Kubernetes manifests before deploy, with the same
    /// rules. Never uses the network. Exit code: 0 nothing failing, 1
    /// unsuppressed failures at or above --fail-on, 2 a file could not be
    /// read or parsed (the rest is still scanned).
    Iac(ScanIacArgs),
    /// Find known-vulnerable packages in a container image: a `docker save`
    /// archive or an OCI layout (tar or folder); layers applied in order
    /// with whiteouts, each package with the layer that put it there.
    /// Exit code: 0 none, 1 an unsuppressed finding at or above --fail-on,
    /// 2 an error or an unreadable file (the rest is still scanned).
    Image(crate::cli_vuln::ScanVulnArgs),
    /// Match an SBOM (CycloneDX JSON or XML, SPDX JSON or tag-value)
    /// against the advisory database.
    Sbom(crate::cli_vuln::ScanVulnArgs),
    /// Scan a folder (a root filesystem or a project: OS package databases,
    /// lockfiles, installed Python and npm packages, jars, Go binaries), a
    /// zip package (AWS Lambda) or a single lockfile.
    Fs(crate::cli_vuln::ScanVulnArgs),
}

#[derive(Debug, Args)]
pub struct ScanIacArgs {
    /// A folder (scanned recursively) or one file.
    pub path: PathBuf,
    #[arg(long, short = 'f', default_value = "table", value_parser = parse_finding_format)]
    pub format: FindingFormat,
    /// Which verdicts to print (comma-separated: fail, unknown, pass, all).
    #[arg(long, value_delimiter = ',', default_value = "fail")]
    pub status: Vec<String>,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub rule: Vec<String>,
    /// Exit with 1 when an unsuppressed failure is at or above this severity.
    #[arg(long, default_value = "informational", value_parser = parse_level)]
    pub fail_on: Level,
    /// A Terraform input for root modules, `NAME=VALUE` (as `terraform -var`).
    #[arg(long = "var")]
    pub vars: Vec<String>,
    /// A tfvars file for root modules (as `terraform -var-file`).
    #[arg(long = "var-file")]
    pub var_files: Vec<PathBuf>,
    /// Write the findings here instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScanCloudArgs {
    /// Snapshots to scan together (`latest`, `previous` or an id; repeat for
    /// several accounts). Default: latest.
    #[arg(long)]
    pub snapshot: Vec<String>,
    /// Collect from AWS first (takes the `collect aws` options) and scan that.
    #[cfg(feature = "aws")]
    #[arg(long, conflicts_with = "snapshot")]
    pub collect: bool,
    /// Re-check only what these CloudTrail events changed: their collectors
    /// run again in their regions, the latest snapshot is updated, and the
    /// changed resources are evaluated.
    #[cfg(feature = "aws")]
    #[arg(long, conflicts_with = "collect")]
    pub changed_by: Vec<PathBuf>,
    #[cfg(feature = "aws")]
    #[command(flatten)]
    pub collect_args: CollectAwsArgs,
    #[cfg(not(feature = "aws"))]
    #[command(flatten)]
    pub store: StoreArgs,
    /// Run only the rules of this framework and report per control
    /// (see `parapet frameworks list`).
    #[arg(long)]
    pub framework: Option<String>,
    /// Add custom Rego rules from this folder (`.rego` files, one rule each).
    #[arg(long = "rules")]
    pub rego: Vec<PathBuf>,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub rule: Vec<String>,
    #[arg(long, short = 'f', default_value = "table", value_parser = parse_finding_format)]
    pub format: FindingFormat,
    /// Which verdicts to print (comma-separated: fail, unknown, pass, all).
    #[arg(long, value_delimiter = ',', default_value = "fail")]
    pub status: Vec<String>,
    /// Write the findings here instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Write the framework's compliance report here (.html or .json).
    #[arg(long, requires = "framework")]
    pub report: Option<PathBuf>,
    /// Exit with 1 when an unmuted failure is at or above this severity.
    #[arg(long, default_value = "informational", value_parser = parse_level)]
    pub fail_on: Level,
    /// Evaluate without recording findings in the store.
    #[arg(long)]
    pub no_store: bool,
    /// Worker threads (default: one per CPU).
    #[arg(long)]
    pub threads: Option<usize>,
}

impl ScanCloudArgs {
    pub fn store(&self) -> &StoreArgs {
        #[cfg(feature = "aws")]
        return &self.collect_args.store;
        #[cfg(not(feature = "aws"))]
        return &self.store;
    }

    /// The statuses to print.
    pub fn statuses(&self) -> Result<Vec<CheckStatus>, String> {
        parse_statuses(&self.status)
    }
}

/// `--status fail,unknown` (or `all`) as verdicts.
pub fn parse_statuses(status: &[String]) -> Result<Vec<CheckStatus>, String> {
    let mut out = Vec::new();
    for s in status {
        match s.as_str() {
            "all" => out.extend([CheckStatus::Fail, CheckStatus::Unknown, CheckStatus::Pass]),
            other => {
                out.push(other.parse().map_err(|_| {
                    format!("--status {other}: expected fail, unknown, pass or all")
                })?)
            }
        }
    }
    Ok(out)
}

#[derive(Debug, Args)]
pub struct FindingsArgs {
    /// open, resolved or all.
    #[arg(long, default_value = "open")]
    pub state: String,
    #[arg(long)]
    pub rule: Option<String>,
    #[arg(long)]
    pub account: Option<String>,
    /// Only findings at or above this severity.
    #[arg(long, default_value = "informational", value_parser = parse_level)]
    pub min_severity: Level,
    #[arg(long, short = 'f', default_value = "table", value_parser = parse_finding_format)]
    pub format: FindingFormat,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum MuteCommand {
    /// Mute a rule's failures (on one resource, a uid prefix ending in `*`,
    /// or every resource) until a date. A reason and an expiry are required.
    Add(MuteAddArgs),
    /// List mutes (active ones; --all for expired too).
    List(MuteListArgs),
    /// Remove a mute by id.
    Remove(MuteRemoveArgs),
}

#[derive(Debug, Args)]
pub struct MuteAddArgs {
    /// Rule id, or `*` for every rule.
    pub rule: String,
    #[arg(long, default_value = "*")]
    pub resource: String,
    #[arg(long)]
    pub reason: String,
    /// How long: `30d`, `12h`, or an RFC 3339 date. At most 365 days.
    #[arg(long)]
    pub expires: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct MuteListArgs {
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct MuteRemoveArgs {
    pub id: i64,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum FrameworksCommand {
    /// The bundled frameworks with their control counts.
    List,
}

#[derive(Debug, Args)]
pub struct BenchPostureArgs {
    /// Resources in the generated inventory.
    #[arg(long, default_value_t = 100_000)]
    pub resources: usize,
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct BenchIacArgs {
    /// The template tree to scan (`scripts/gen_tf_tree.py OUT` writes one).
    pub tree: PathBuf,
    #[arg(long, default_value_t = 5)]
    pub iterations: usize,
}

fn parse_finding_format(s: &str) -> Result<FindingFormat, String> {
    s.parse()
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
        .map_err(|e: parapet_core::ParseLevelError| e.to_string())
}
