//! `parapet rules lint`: rule files against the Sigma specification, one
//! line per problem: `file:line: error|warning: message`.

use std::fs;
use std::io::{self, Write};

use anyhow::{Context, Result};
use parapet_sigma::{lint, Severity};

use crate::cli::RulesLintArgs;
use crate::rules::rule_files;
use crate::Outcome;

pub fn run(args: RulesLintArgs) -> Result<Outcome> {
    let mut out = io::stdout().lock();
    let (mut files, mut errors, mut warnings) = (0usize, 0usize, 0usize);
    for path in &args.paths {
        let found = rule_files(path)
            .with_context(|| format!("cannot read rules from {}", path.display()))?;
        for file in found {
            files += 1;
            let name = file.display().to_string();
            let text = match fs::read_to_string(&file) {
                Ok(text) => text,
                Err(e) => {
                    errors += 1;
                    writeln!(out, "{name}:1: error: cannot read: {e}")?;
                    continue;
                }
            };
            for finding in lint(&name, &text) {
                let label = match finding.severity {
                    Severity::Error => {
                        errors += 1;
                        "error"
                    }
                    Severity::Warning => {
                        warnings += 1;
                        "warning"
                    }
                };
                writeln!(out, "{name}:{}: {label}: {}", finding.line, finding.message)?;
            }
        }
    }
    writeln!(
        out,
        "parapet rules lint: {files} files, {errors} errors, {warnings} warnings"
    )?;
    Ok(if errors > 0 || (args.strict && warnings > 0) {
        Outcome::Alerts
    } else {
        Outcome::Clean
    })
}
