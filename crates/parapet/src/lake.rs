//! `parapet ingest`, `parapet hunt` and `parapet timeline`: the Parquet
//! security lake.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use parapet_core::{Alert, Level};
use parapet_lake::{HuntFormat, Subject, SAVED_HUNTS, WINDOW};
use parapet_report::{AlertWriter, Format};
use parapet_sigma::{CorrelationSet, Correlator, CorrelatorLimits, Detectors};

use crate::case::{case_importer, case_store};
use crate::cli::{parse_format, parse_level, CaseArgs, RuleArgs};
use crate::inventory::parapet_home;
use crate::raise::{Raised, Raiser};
use crate::{rules, Outcome};

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Log files or folders of any source `parapet detect` reads
    /// (CloudTrail `{"Records":[...]}` and S3 trees, Azure, GCP, Kubernetes,
    /// Okta, GitHub, ... as JSON, JSON arrays, JSONL, `.gz`).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The lake folder (default: $PARAPET_HOME/lake).
    #[arg(long)]
    pub lake: Option<PathBuf>,
    /// Also run the detection rules on every new event in the same pass;
    /// alerts go to stdout as with `parapet detect`.
    #[arg(long)]
    pub detect: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Alert format with --detect; default: table on a terminal, jsonl otherwise.
    #[arg(long, short = 'f', value_parser = parse_format)]
    pub format: Option<Format>,
    /// With --detect, only alerts at or above this level.
    #[arg(long, default_value = "informational", value_parser = parse_level)]
    pub min_level: Level,
    /// With --detect --cases: the alerts also go into cases.
    #[command(flatten)]
    pub cases: CaseArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HuntOutput {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct HuntArgs {
    /// A saved hunt's name (see --list) or SQL over table `events`, e.g.
    /// `SELECT api_operation, count(*) FROM events GROUP BY 1`.
    #[arg(required_unless_present = "list")]
    pub query: Option<String>,
    /// List the saved hunts and their parameters.
    #[arg(long)]
    pub list: bool,
    /// A saved hunt's parameter, NAME=VALUE; repeatable.
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Print the SQL a saved hunt runs instead of running it.
    #[arg(long)]
    pub show_sql: bool,
    #[command(flatten)]
    pub out: QueryOutput,
}

/// Which lake a query reads and where its rows go.
#[derive(Debug, Args)]
pub struct QueryOutput {
    /// The lake folder (default: $PARAPET_HOME/lake).
    #[arg(long)]
    pub lake: Option<PathBuf>,
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: HuntOutput,
    /// Write the rows here instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[group(skip)]
#[command(group = clap::ArgGroup::new("subject").required(true).multiple(false))]
pub struct TimelineArgs {
    /// A user, role or session ARN (or user name): what it did, what its
    /// role's sessions did, and what was done to it.
    #[arg(long, group = "subject")]
    pub identity: Option<String>,
    /// Everything from one source IP.
    #[arg(long, group = "subject")]
    pub ip: Option<String>,
    /// What one access key did, and the call that issued it.
    #[arg(long, group = "subject")]
    pub access_key: Option<String>,
    /// First day, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub to: Option<String>,
    /// Rows shown at most.
    #[arg(long, default_value_t = 10_000)]
    pub limit: u32,
    #[command(flatten)]
    pub out: QueryOutput,
}

fn parse_date(s: &str) -> Result<String, String> {
    parapet_lake::is_date(s)
        .then(|| s.to_string())
        .ok_or_else(|| format!("{s:?} is not a date YYYY-MM-DD"))
}

fn lake_dir(lake: &Option<PathBuf>) -> Result<PathBuf> {
    match lake {
        Some(lake) => Ok(lake.clone()),
        None => Ok(parapet_home()?.join("lake")),
    }
}

pub fn ingest(args: IngestArgs) -> Result<Outcome> {
    let lake = lake_dir(&args.lake)?;
    let loaded = if args.detect {
        let loaded = rules::load(&args.rules)?;
        rules::report_errors(&loaded.errors);
        Some(loaded)
    } else {
        None
    };
    let detectors = loaded
        .as_ref()
        .map(|l| Detectors::new(&l.rules, &l.pipelines));
    let empty = CorrelationSet::default();
    let correlations = loaded.as_ref().map_or(&empty, |l| &l.correlations);
    let mut correlator = Correlator::new(correlations, CorrelatorLimits::default());
    let format = args.format.unwrap_or(if io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    });
    if args.cases.cases && !args.detect {
        anyhow::bail!("--cases needs --detect (cases are made of the alerts detection raises)");
    }
    let mut case_store = case_store(&args.cases)?;
    let mut cases = case_importer(&mut case_store, &args.cases)?;
    let mut writer = AlertWriter::new(BufWriter::new(io::stdout().lock()), format);
    let mut alerts = 0u64;
    let mut sink_error = None;
    let mut fired = Vec::new();
    let min_level = args.min_level;
    let mut emit = |alert: &Alert, sink_error: &mut Option<io::Error>| {
        if alert.rule.level < min_level || sink_error.is_some() {
            return;
        }
        alerts += 1;
        let cased = match &mut cases {
            Some(cases) => cases.add_alert(alert),
            None => Ok(()),
        };
        if let Err(e) = cased.and_then(|()| writer.write(alert)) {
            *sink_error = Some(e);
        }
    };
    let raiser = detectors
        .as_ref()
        .map(|d| Raiser::new(d, Some(correlations), args.min_level, args.cases.cases));
    let mut matched = Vec::new();
    let mut raised = Raised::default();
    let mut observe = |event: &parapet_core::Event| {
        let Some(raiser) = &raiser else { return };
        raiser.raise(event, &mut matched, &mut raised);
        for alert in raised.alerts.drain(..) {
            emit(&alert, &mut sink_error);
        }
        for hit in raised.hits.drain(..) {
            correlator.push(hit, &mut fired);
        }
        for alert in fired.drain(..) {
            emit(&alert, &mut sink_error);
        }
    };
    let report = parapet_lake::ingest(&args.paths, &lake, &mut observe)
        .with_context(|| format!("ingest into {}", lake.display()))?;
    correlator.finish(&mut fired);
    for alert in fired.drain(..) {
        emit(&alert, &mut sink_error);
    }
    if let Some(error) = sink_error {
        return Err(anyhow::Error::new(error).context("cannot write alerts"));
    }
    writer.finish().context("cannot write alerts")?;
    if let Some(cases) = cases {
        eprintln!(
            "parapet ingest: {} alerts into cases ({} cases opened); see `parapet case list`",
            cases.done.added, cases.done.opened
        );
    }
    for error in report.errors.iter().take(50) {
        eprintln!("parapet ingest: {error}");
    }
    if report.errors.len() > 50 {
        eprintln!(
            "parapet ingest: {} more read errors not shown",
            report.errors.len() - 50
        );
    }
    let detected = match &detectors {
        Some(d) => format!(
            "; {alerts} alerts from {} rules and {} correlations",
            d.rule_count(),
            correlations.rules().len()
        ),
        None => String::new(),
    };
    eprintln!(
        "parapet ingest: {} files read ({} already in the lake), {:.1} MB; {} events written, {} duplicates skipped, {} records unusable; {} Parquet files; {} read errors{detected}; {:.2}s",
        report.files,
        report.skipped_files,
        report.bytes_in as f64 / 1e6,
        report.events,
        report.duplicates,
        report.unusable,
        report.parquet_files,
        report.errors.len(),
        report.seconds,
    );
    Ok(if !report.errors.is_empty() {
        Outcome::Errors
    } else if alerts > 0 {
        Outcome::Alerts
    } else {
        Outcome::Clean
    })
}

pub fn hunt(args: HuntArgs) -> Result<Outcome> {
    if args.list {
        list_hunts(&mut io::stdout().lock())?;
        return Ok(Outcome::Clean);
    }
    let query = args.query.as_deref().unwrap_or_default();
    let sql = match parapet_lake::find_saved_hunt(query) {
        Some(saved) => {
            let mut params = Vec::new();
            for param in &args.params {
                let Some((name, value)) = param.split_once('=') else {
                    bail!("--param {param:?}: expected NAME=VALUE");
                };
                params.push((name.trim().to_string(), value.to_string()));
            }
            saved.render(&params)?
        }
        None if !query.trim().contains(char::is_whitespace) => bail!(
            "no saved hunt named {query:?} (`parapet hunt --list` shows them; SQL needs a SELECT)"
        ),
        None if !args.params.is_empty() => bail!(
            "--param is for saved hunts, and {query:?} is not one (`parapet hunt --list` shows them)"
        ),
        None => query.to_string(),
    };
    if args.show_sql {
        println!("{}", sql.trim_end());
        return Ok(Outcome::Clean);
    }
    run_query(&sql, &args.out)
}

pub fn timeline(args: TimelineArgs) -> Result<Outcome> {
    let subject = match (args.identity, args.ip, args.access_key) {
        (Some(id), _, _) => Subject::Identity(id),
        (_, Some(ip), _) => Subject::Ip(ip),
        (_, _, Some(key)) => Subject::AccessKey(key),
        _ => bail!("give --identity, --ip or --access-key"),
    };
    let sql = parapet_lake::timeline_sql(
        &subject,
        args.from.as_deref(),
        args.to.as_deref(),
        args.limit,
    );
    run_query(&sql, &args.out)
}

fn run_query(sql: &str, out: &QueryOutput) -> Result<Outcome> {
    let batches = parapet_lake::hunt(&lake_dir(&out.lake)?, sql)?;
    let format = match out.format {
        HuntOutput::Table => HuntFormat::Table,
        HuntOutput::Csv => HuntFormat::Csv,
        HuntOutput::Json => HuntFormat::Json,
    };
    match &out.output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = BufWriter::new(file);
            parapet_lake::render(&batches, format, &mut out)?;
            out.flush()?;
        }
        None => parapet_lake::render(&batches, format, &mut io::stdout().lock())?,
    }
    Ok(Outcome::Clean)
}

fn list_hunts(out: &mut dyn Write) -> io::Result<()> {
    for hunt in SAVED_HUNTS {
        writeln!(out, "{:<28} {}", hunt.name, hunt.title)?;
        for param in hunt.params {
            let default = param
                .default
                .map_or(String::from("required"), |d| format!("default {d}"));
            writeln!(
                out,
                "{:<30}--param {}=...  {} ({default})",
                "", param.name, param.help
            )?;
        }
    }
    let window: Vec<String> = WINDOW
        .iter()
        .map(|p| format!("{} ({})", p.name, p.help))
        .collect();
    writeln!(out, "\nEvery saved hunt also takes: {}.", window.join("; "))?;
    writeln!(out, "`parapet hunt NAME --show-sql` prints the query.")
}
