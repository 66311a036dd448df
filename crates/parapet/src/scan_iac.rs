//! `parapet scan iac`: templates read into the Resource model and checked by
//! the same rules as a live account; findings point at file and line, and
//! inline `parapet:ignore` comments (with a reason) suppress them.

use std::collections::HashMap;

use anyhow::{bail, Result};
use parapet_core::{CheckStatus, Finding, Timestamp};
use parapet_iac::{scan_path, Declared, IacOptions, TerraformOptions};
use parapet_policy::{builtin_rules, evaluate, Inventory, RegisteredRule, ACCOUNT_KIND};

use crate::cli_posture::{parse_statuses, ScanIacArgs};
use crate::inventory::now_rfc3339;
use crate::scan::Shown;
use crate::Outcome;

/// Rules that judge what only a live account shows (key ages, last use,
/// object-level trail coverage of the whole account): not run on templates.
const LIVE_ONLY: [&str; 8] = [
    "AWS-S3-006",
    "AWS-S3-007",
    "AWS-IAM-005",
    "AWS-IAM-006",
    "AWS-IAM-007",
    "AWS-IAM-008",
    "AWS-IAM-009",
    "AWS-IAM-017",
];

pub fn iac(args: ScanIacArgs) -> Result<Outcome> {
    let statuses = parse_statuses(&args.status).map_err(anyhow::Error::msg)?;
    let rules = template_rules(&args.rule)?;
    let options = options(&args)?;
    if !args.path.exists() {
        bail!("{}: no such file or folder", args.path.display());
    }
    let scan = scan_path(&args.path, &options);
    for error in &scan.errors {
        eprintln!("parapet scan iac: {error}");
    }
    for notice in &scan.notices {
        eprintln!("parapet scan iac: note: {notice}");
    }
    let declared: HashMap<&str, &Declared> = scan
        .resources
        .iter()
        .map(|d| (d.resource.uid.as_str(), d))
        .collect();
    let resources = scan.resources.iter().map(|d| d.resource.clone()).collect();
    let inventory = Inventory::new(resources, Timestamp(0));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut findings: Vec<Finding> = evaluate(&inventory, &rules, threads)
        .into_iter()
        .filter(|f| declared.contains_key(f.resource.uid.as_str()))
        .collect();
    for finding in &mut findings {
        let Some(declared) = declared.get(finding.resource.uid.as_str()) else {
            continue;
        };
        finding.location = Some(declared.location.clone());
        if let Some(suppression) = scan.suppression(declared, &finding.rule_id) {
            finding.muted = Some(format!(
                "{} ({}:{})",
                suppression.reason, suppression.path, suppression.line
            ));
        }
    }
    let count = |status| findings.iter().filter(|f| f.status == status).count();
    eprintln!(
        "parapet scan iac: {} files, {} resources, {} rules: {} fail ({} suppressed), {} unknown, {} pass; {} file errors",
        scan.files,
        scan.resources.len(),
        rules.len(),
        count(CheckStatus::Fail),
        findings.iter().filter(|f| f.status == CheckStatus::Fail && f.muted.is_some()).count(),
        count(CheckStatus::Unknown),
        count(CheckStatus::Pass),
        scan.errors.len()
    );
    let shown = Shown {
        statuses: &statuses,
        format: args.format,
        output: args.output.as_deref(),
    };
    shown.write(&findings, &rules, &now_rfc3339())?;
    let failing = findings
        .iter()
        .any(|f| f.status == CheckStatus::Fail && f.muted.is_none() && f.severity >= args.fail_on);
    Ok(if !scan.errors.is_empty() {
        Outcome::Errors
    } else if failing {
        Outcome::Alerts
    } else {
        Outcome::Clean
    })
}

/// The rules that apply to templates, or the `wanted` ones among them.
pub fn template_rules(wanted: &[String]) -> Result<Vec<RegisteredRule>> {
    let mut rules = builtin_rules();
    rules.retain(|r| r.info().kind != ACCOUNT_KIND && !LIVE_ONLY.contains(&&*r.info().id));
    for id in wanted {
        if !rules.iter().any(|r| r.info().id == id.as_str()) {
            bail!("--rule {id}: no such rule for templates; see `parapet rules list --posture`");
        }
    }
    if !wanted.is_empty() {
        rules.retain(|r| wanted.iter().any(|id| r.info().id == id.as_str()));
    }
    Ok(rules)
}

fn options(args: &ScanIacArgs) -> Result<IacOptions> {
    let mut vars = Vec::new();
    for var in &args.vars {
        let Some((name, value)) = var.split_once('=') else {
            bail!("--var {var}: expected NAME=VALUE");
        };
        vars.push((name.trim().to_string(), value.to_string()));
    }
    for file in &args.var_files {
        if !file.is_file() {
            bail!("--var-file {}: no such file", file.display());
        }
    }
    Ok(IacOptions {
        terraform: TerraformOptions {
            vars,
            var_files: args.var_files.clone(),
        },
    })
}
