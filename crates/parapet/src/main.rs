//! `parapet`: parse the command line, run it, turn the outcome into an exit code.

mod bench;
mod bench_correlate;
mod bench_iac;
mod bench_lake;
mod bench_posture;
mod bench_vuln;
mod case;
mod cli;
mod cli_posture;
mod cli_respond;
mod cli_vuln;
#[cfg(feature = "aws")]
mod collect;
mod detect;
mod events;
mod findings;
mod import;
mod inventory;
mod lake;
mod license;
mod notify;
mod pipeline;
mod raise;
#[cfg(feature = "aws")]
mod rescan;
mod respond;
mod respond_exec;
mod rules;
mod rules_coverage;
mod rules_lint;
mod rules_test;
mod scan;
mod scan_iac;
mod synth;
mod vuln;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

#[cfg(feature = "aws")]
use cli::CollectCommand;
use cli::{BenchCommand, Cli, Command, ImportCommand, InventoryCommand, RulesCommand};
use cli_posture::{FrameworksCommand, MuteCommand, ScanCommand};

// Parsing allocates a DOM per event on every worker thread; mimalloc's
// thread-local heaps cut the allocator's share of detection time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 0: clean; 1: alerts at or above --fail-on; 2: an error (including input
/// that could not be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    Alerts,
    Errors,
}

/// `mi_option_purge_delay` in mimalloc.h (the -sys crate has no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Workers free each event's DOM as fast as they allocate the next; with the
    // default 10 ms delay mimalloc hands the pages back to the kernel and
    // faults them in again (measured: a fifth of detection CPU). Keep them 1 s.
    // SAFETY: sets a plain integer option before any worker thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000) };
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Detect(args) => detect::run(args),
        Command::Ingest(args) => lake::ingest(args),
        Command::Events(args) => events::run(args),
        Command::Hunt(args) => lake::hunt(args),
        Command::Timeline(args) => lake::timeline(args),
        Command::Rules(RulesCommand::List(args)) => rules::list(args),
        Command::Rules(RulesCommand::Test(args)) => rules_test::test(args),
        Command::Rules(RulesCommand::Lint(args)) => rules_lint::run(args),
        Command::Rules(RulesCommand::Coverage(args)) => rules_coverage::coverage(args),
        Command::Rules(RulesCommand::Explain(args)) => rules::explain(args),
        Command::Bench(BenchCommand::Detect(args)) => bench::detect(args),
        Command::Bench(BenchCommand::Generate(args)) => bench::generate(args),
        Command::Bench(BenchCommand::Posture(args)) => bench_posture::posture(args),
        Command::Bench(BenchCommand::Iac(args)) => bench_iac::iac(args),
        Command::Bench(BenchCommand::Lake(args)) => bench_lake::run(args),
        Command::Bench(BenchCommand::Correlate(args)) => bench_correlate::correlate(args),
        #[cfg(feature = "aws")]
        Command::Collect(CollectCommand::Aws(args)) => collect::aws(args),
        Command::Import(ImportCommand::AwsConfig(args)) => import::aws_config(args),
        Command::Import(ImportCommand::AzureResourceGraph(args)) => {
            import::azure_resource_graph(args)
        }
        Command::Import(ImportCommand::GcpAssetInventory(args)) => {
            import::gcp_asset_inventory(args)
        }
        Command::Inventory(InventoryCommand::Snapshots(args)) => inventory::snapshots(args),
        Command::Inventory(InventoryCommand::List(args)) => inventory::list(args),
        Command::Inventory(InventoryCommand::Show(args)) => inventory::show(args),
        Command::Inventory(InventoryCommand::Diff(args)) => inventory::diff(args),
        Command::Scan(ScanCommand::Cloud(args)) => scan::cloud(*args),
        Command::Scan(ScanCommand::Iac(args)) => scan_iac::iac(args),
        Command::Scan(ScanCommand::Image(args)) => vuln::scan(args, vuln::Target::Image),
        Command::Scan(ScanCommand::Sbom(args)) => vuln::scan(args, vuln::Target::Sbom),
        Command::Scan(ScanCommand::Fs(args)) => vuln::scan(args, vuln::Target::Fs),
        Command::VulnDb(cli_vuln::VulnDbCommand::Import(args)) => vuln::import(args),
        Command::VulnDb(cli_vuln::VulnDbCommand::Status(args)) => vuln::status(args),
        Command::Sbom(args) => vuln::sbom(args),
        Command::Case(cli_respond::CaseCommand::Import(args)) => case::import(args),
        Command::Case(cli_respond::CaseCommand::List(args)) => case::list(args),
        Command::Case(cli_respond::CaseCommand::Show(args)) => case::show(args),
        Command::Case(cli_respond::CaseCommand::Update(args)) => case::update(args),
        Command::Case(cli_respond::CaseCommand::Export(args)) => case::export(args),
        Command::Case(cli_respond::CaseCommand::Approve(args)) => case::approve(args),
        Command::Respond(cli_respond::RespondCommand::Run(args)) => respond::run(args),
        Command::Respond(cli_respond::RespondCommand::Resume(args)) => respond::resume(args),
        Command::Respond(cli_respond::RespondCommand::Rollback(args)) => respond::rollback(args),
        Command::Respond(cli_respond::RespondCommand::Playbooks(args)) => respond::playbooks(args),
        Command::Respond(cli_respond::RespondCommand::Validate(args)) => respond::validate(args),
        Command::Respond(cli_respond::RespondCommand::Actions) => respond::actions(),
        Command::Bench(BenchCommand::Vuln(args)) => bench_vuln::run(args),
        Command::Findings(args) => findings::list(args),
        Command::Mute(MuteCommand::Add(args)) => findings::mute_add(args),
        Command::Mute(MuteCommand::List(args)) => findings::mute_list(args),
        Command::Mute(MuteCommand::Remove(args)) => findings::mute_remove(args),
        Command::Frameworks(FrameworksCommand::List) => findings::frameworks_list(),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Alerts) => ExitCode::from(1),
        Ok(Outcome::Errors) => ExitCode::from(2),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(io::stderr(), "parapet: error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
