//! `parapet`: parse the command line, run it, turn the outcome into an exit code.

mod bench;
mod cli;
mod detect;
mod license;
mod pipeline;
mod rules;
mod synth;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use cli::{BenchCommand, Cli, Command, RulesCommand};

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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Detect(args) => detect::run(args),
        Command::Rules(RulesCommand::List(args)) => rules::list(args),
        Command::Rules(RulesCommand::Explain(args)) => rules::explain(args),
        Command::Bench(BenchCommand::Detect(args)) => bench::detect(args),
        Command::Bench(BenchCommand::Generate(args)) => bench::generate(args),
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
