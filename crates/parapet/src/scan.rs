//! `parapet scan cloud`: the posture rules over stored inventory snapshots,
//! findings recorded with their lifecycle, a compliance report per
//! framework.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use parapet_core::{parse_rfc3339, CheckStatus, Finding, PolicyRuleMeta, Resource, Timestamp};
use parapet_policy::{
    builtin_rules, compliance, evaluate, framework, load_rego_rules, rule_meta, Inventory,
    RegisteredRule,
};
use parapet_report::{compliance_html, compliance_json, write_findings, FindingContext};
use parapet_store::{ScanScope, Store};

use crate::cli_posture::ScanCloudArgs;
use crate::inventory::{now_rfc3339, open_store};
use crate::Outcome;

pub fn cloud(args: ScanCloudArgs) -> Result<Outcome> {
    // Every argument is checked before anything is collected or recorded.
    let statuses = args.statuses().map_err(anyhow::Error::msg)?;
    let report = args.report.as_deref().map(ReportFormat::of).transpose()?;
    let rules = select_rules(&args)?;
    let mut store = open_store(args.store())?;
    let ToScan {
        resources,
        gaps,
        taken_at,
        scope,
        input_errors,
    } = inventory_to_scan(&args, &mut store)?;
    let now = parse_rfc3339(&taken_at).unwrap_or(Timestamp(0));
    let accounts: BTreeSet<String> = resources.iter().map(|r| r.account.clone()).collect();
    let inventory = Inventory::new(resources, now).with_gaps(gaps);
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut findings = evaluate(&inventory, &rules, threads);
    if let Some(scope) = &scope {
        findings.retain(|f| scope.contains(&f.resource.uid));
    }
    let generated_at = now_rfc3339();
    if !args.no_store {
        let rule_ids: Vec<String> = rules.iter().map(|r| r.info().id.to_string()).collect();
        let accounts: Vec<String> = accounts.into_iter().collect();
        let scan_time = parse_rfc3339(&generated_at).unwrap_or(now);
        let scan_scope = ScanScope {
            rules: rule_ids,
            accounts,
            resources: scope,
        };
        let changes = store.record_scan(&mut findings, &scan_scope, scan_time)?;
        eprintln!(
            "parapet scan cloud: findings store: {} new, {} still failing, {} reopened, {} resolved",
            changes.new, changes.still_failing, changes.reopened, changes.resolved
        );
    }
    summarize(&inventory, &rules, &findings);
    let shown = Shown {
        statuses: &statuses,
        format: args.format,
        output: args.output.as_deref(),
    };
    shown.write(&findings, &rules, &generated_at)?;
    if let Some(id) = &args.framework {
        let report = args.report.as_deref().zip(report);
        report_compliance(id, &findings, &generated_at, report)?;
    }
    let failing = findings
        .iter()
        .any(|f| f.status == CheckStatus::Fail && f.muted.is_none() && f.severity >= args.fail_on);
    Ok(if input_errors > 0 {
        eprintln!("parapet scan cloud: {input_errors} input errors");
        Outcome::Errors
    } else if failing {
        Outcome::Alerts
    } else {
        Outcome::Clean
    })
}

/// Which findings a scan prints, how, and where.
pub struct Shown<'a> {
    pub statuses: &'a [CheckStatus],
    pub format: parapet_report::FindingFormat,
    /// A file, or stdout.
    pub output: Option<&'a Path>,
}

impl Shown<'_> {
    pub fn write(
        &self,
        findings: &[Finding],
        rules: &[RegisteredRule],
        generated_at: &str,
    ) -> Result<()> {
        let metas = rule_metas(rules);
        let context = FindingContext {
            rules: &metas,
            generated_at,
        };
        let shown: Vec<Finding> = findings
            .iter()
            .filter(|f| self.statuses.contains(&f.status))
            .cloned()
            .collect();
        match self.output {
            Some(path) => {
                let file = File::create(path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                let mut out = BufWriter::new(file);
                write_findings(&mut out, self.format, &shown, &context)?;
                out.flush()?;
            }
            None => write_findings(&mut io::stdout().lock(), self.format, &shown, &context)?,
        }
        Ok(())
    }
}

/// The sinks' view of each rule, by id.
pub fn rule_metas(rules: &[RegisteredRule]) -> BTreeMap<String, PolicyRuleMeta> {
    rules
        .iter()
        .map(|r| (r.info().id.to_string(), rule_meta(r)))
        .collect()
}

/// What a scan evaluates.
pub struct ToScan {
    pub resources: Vec<Resource>,
    pub gaps: Vec<parapet_core::CoverageGap>,
    /// When the state was observed.
    pub taken_at: String,
    /// The uids whose findings count (None: all).
    pub scope: Option<std::collections::HashSet<String>>,
    /// Unreadable input (`--changed-by` events), reported as it was met.
    pub input_errors: usize,
}

fn inventory_to_scan(args: &ScanCloudArgs, store: &mut Store) -> Result<ToScan> {
    #[cfg(feature = "aws")]
    if !args.changed_by.is_empty() {
        return crate::rescan::rescan(args, store);
    }
    let snapshot_ids = snapshots_to_scan(args, store)?;
    let (resources, gaps, taken_at) = load(store, &snapshot_ids)?;
    Ok(ToScan {
        resources,
        gaps,
        taken_at,
        scope: None,
        input_errors: 0,
    })
}

fn snapshots_to_scan(args: &ScanCloudArgs, store: &Store) -> Result<Vec<i64>> {
    #[cfg(feature = "aws")]
    if args.collect {
        let (ids, failed) = crate::collect::collect_snapshots(args.collect_args.clone())?;
        if ids.is_empty() {
            bail!("the collection stored no snapshot ({failed} accounts failed)");
        }
        return Ok(ids);
    }
    let specs = if args.snapshot.is_empty() {
        vec!["latest".to_string()]
    } else {
        args.snapshot.clone()
    };
    let mut ids = Vec::new();
    for spec in specs {
        ids.push(store.resolve(&spec).with_context(|| {
            "nothing to scan: run `parapet collect aws` or `parapet import aws-config FILE` first"
        })?);
    }
    Ok(ids)
}

/// The resources and coverage gaps of the snapshots, and the time of the
/// newest (ages such as "unused for 45 days" count from it).
fn load(
    store: &Store,
    ids: &[i64],
) -> Result<(Vec<Resource>, Vec<parapet_core::CoverageGap>, String)> {
    let infos = store.snapshots()?;
    let mut resources = Vec::new();
    let mut gaps = Vec::new();
    let mut taken_at = String::new();
    for id in ids {
        let info = infos
            .iter()
            .find(|s| s.id == *id)
            .context("snapshot vanished")?;
        gaps.extend(info.meta.gaps.iter().cloned());
        taken_at = taken_at.max(info.meta.taken_at.clone());
        resources.extend(store.resources(*id)?);
    }
    Ok((resources, gaps, taken_at))
}

fn select_rules(args: &ScanCloudArgs) -> Result<Vec<RegisteredRule>> {
    let mut rules = builtin_rules();
    for dir in &args.rego {
        if !dir.is_dir() {
            bail!("--rules {}: not a folder of .rego rules", dir.display());
        }
        let (custom, errors) = load_rego_rules(dir);
        for error in &errors {
            eprintln!("parapet: rule not loaded: {error}");
        }
        for rule in custom {
            if rules.iter().any(|r| r.info().id == rule.info().id) {
                eprintln!(
                    "parapet: rule not loaded: {}: id {} is already taken",
                    rule.source,
                    rule.info().id
                );
                continue;
            }
            rules.push(rule);
        }
    }
    if let Some(id) = &args.framework {
        let Some(framework) = framework(id) else {
            bail!("no framework `{id}`; see `parapet frameworks list`");
        };
        let wanted: BTreeSet<&str> = framework
            .controls
            .iter()
            .flat_map(|c| c.rules.iter().map(String::as_str))
            .collect();
        rules.retain(|r| wanted.contains(&*r.info().id));
    }
    if !args.rule.is_empty() {
        for id in &args.rule {
            if !rules.iter().any(|r| r.info().id == id.as_str()) {
                bail!("--rule {id}: no such rule; see `parapet rules list --posture`");
            }
        }
        rules.retain(|r| args.rule.iter().any(|id| r.info().id == id.as_str()));
    }
    Ok(rules)
}

fn summarize(inventory: &Inventory, rules: &[RegisteredRule], findings: &[Finding]) {
    let count = |s: CheckStatus| findings.iter().filter(|f| f.status == s).count();
    let muted = findings.iter().filter(|f| f.muted.is_some()).count();
    eprintln!(
        "parapet scan cloud: {} resources, {} rules: {} fail ({} muted), {} unknown, {} pass",
        inventory.len(),
        rules.len(),
        count(CheckStatus::Fail),
        muted,
        count(CheckStatus::Unknown),
        count(CheckStatus::Pass)
    );
}

/// The compliance report's format, from its file name.
#[derive(Debug, Clone, Copy)]
enum ReportFormat {
    Html,
    Json,
}

impl ReportFormat {
    fn of(path: &Path) -> Result<ReportFormat> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Ok(ReportFormat::Json),
            Some("html" | "htm") => Ok(ReportFormat::Html),
            _ => bail!("--report {}: name it .html or .json", path.display()),
        }
    }
}

fn report_compliance(
    id: &str,
    findings: &[Finding],
    generated_at: &str,
    report: Option<(&Path, ReportFormat)>,
) -> Result<()> {
    let framework = framework(id).context("framework vanished")?;
    let compliance = compliance(&framework, findings, generated_at);
    use parapet_core::ControlStatus as S;
    eprintln!(
        "parapet scan cloud: {}: {} pass, {} fail, {} unknown, {} not evaluated, {} manual",
        compliance.framework,
        compliance.count(S::Pass),
        compliance.count(S::Fail),
        compliance.count(S::Unknown),
        compliance.count(S::NotEvaluated),
        compliance.count(S::Manual)
    );
    if let Some((path, format)) = report {
        let text = match format {
            ReportFormat::Json => sonic_rs::to_string_pretty(&compliance_json(&compliance))?,
            ReportFormat::Html => compliance_html(&compliance),
        };
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
