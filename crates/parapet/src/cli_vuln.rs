//! Command-line arguments of the vulnerability commands.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use parapet_core::Level;
use parapet_report::VulnFormat;

use crate::cli::parse_level;

#[derive(Debug, Subcommand)]
pub enum VulnDbCommand {
    /// Import OSV advisories: a folder of OSV JSON (or PyPA YAML) files, an
    /// OSV `all.zip` export, or a folder holding several. An advisory
    /// already stored with the same or a newer `modified` is kept. Exit
    /// code 2 when some files could not be read (the rest is imported).
    Import(VulnDbImportArgs),
    /// Advisories per ecosystem, their newest modification and when they
    /// were imported.
    Status(VulnDbArgs),
}

#[derive(Debug, Args, Clone)]
pub struct VulnDbArgs {
    /// The advisory database (default: $PARAPET_HOME/vuln.db).
    #[arg(long = "vuln-db")]
    pub vuln_db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VulnDbImportArgs {
    /// Folders, zips or files of OSV advisories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub db: VulnDbArgs,
}

#[derive(Debug, Args)]
pub struct ScanVulnArgs {
    /// The image archive, folder, SBOM, lockfile, jar, zip or binary.
    pub path: PathBuf,
    #[arg(long, short = 'f', default_value = "table", value_parser = parse_vuln_format)]
    pub format: VulnFormat,
    /// VEX documents (CycloneDX or OpenVEX): not-affected statements
    /// suppress the matching findings.
    #[arg(long)]
    pub vex: Vec<PathBuf>,
    /// Also print the findings a VEX statement suppressed.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Print only findings at or above this severity.
    #[arg(long, default_value = "informational", value_parser = parse_level)]
    pub severity: Level,
    /// Exit with 1 when an unsuppressed finding is at or above this severity.
    #[arg(long, default_value = "informational", value_parser = parse_level)]
    pub fail_on: Level,
    /// Print the packages found (a table on stderr), not only the findings.
    #[arg(long)]
    pub list_packages: bool,
    #[command(flatten)]
    pub db: VulnDbArgs,
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// The image archive or OCI layout, folder, lockfile, jar, zip or binary.
    pub path: PathBuf,
    #[arg(long, short = 'f', default_value = "cyclonedx", value_parser = ["cyclonedx", "spdx"])]
    pub format: String,
    /// Read PATH as an image even when its name does not say so.
    #[arg(long)]
    pub image: bool,
}

#[derive(Debug, Args)]
pub struct BenchVulnArgs {
    /// The OSV advisories to import and match against.
    #[arg(long, default_value = "../shared/corpora/osv")]
    pub osv: PathBuf,
    /// A dpkg status file (this machine's by default).
    #[arg(long, default_value = "/var/lib/dpkg/status")]
    pub dpkg_status: PathBuf,
    /// Generated lockfile packages, drawn from the advisories' package names.
    #[arg(long, default_value_t = 2000)]
    pub lockfile_packages: usize,
    /// Advisories for the import measurement (the corpus is repeated under
    /// new ids to reach it).
    #[arg(long, default_value_t = 10_000)]
    pub import_advisories: usize,
    /// Match rounds (the best is reported).
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
}

fn parse_vuln_format(s: &str) -> Result<VulnFormat, String> {
    s.parse()
}
