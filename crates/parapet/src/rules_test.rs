//! `parapet rules test`: rules carry their own test events in a sidecar
//! file, `NAME.tests.yml` beside `NAME.yml`:
//!
//! ```yaml
//! <rule id or name>:
//!   positive: [ {event}, ... ]   # each must raise the rule
//!   negative: [ {event}, ... ]   # none may
//! ```
//!
//! For a correlation rule the events are one sequence: `positive` must make
//! it fire, `negative` must not. Every failure is reported with the file,
//! the rule and the event. A correlation may read rules of other files
//! (across log sources): the other rule files under the same paths are
//! loaded beside it.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use parapet_core::{Event, Level, LogKind, Origin};
use parapet_logs::detect_kind;
use parapet_sigma::{
    accepts, apply_filters, bundled_pipelines, parse_documents, CompiledRule, CorrelationSet,
    Correlator, CorrelatorLimits, Detectors, Placeholders, RuleSet,
};
use serde_yaml::Value as Yaml;
use sonic_rs::Value;

use crate::cli::RulesTestArgs;
use crate::raise::{Raised, Raiser};
use crate::Outcome;

pub const SIDECAR_SUFFIX: &str = ".tests.yml";

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    #[serde(default)]
    positive: Vec<Yaml>,
    #[serde(default)]
    negative: Vec<Yaml>,
}

pub fn test(args: RulesTestArgs) -> Result<Outcome> {
    let (mut sidecars, mut rule_files) = (Vec::new(), Vec::new());
    for path in &args.paths {
        find_files(path, &mut sidecars, &mut rule_files)
            .with_context(|| format!("cannot read {}", path.display()))?;
    }
    sidecars.sort();
    rule_files.sort();
    // Parsed once for all sidecars; those that do not load are left out
    // (their own sidecars, if any, report them).
    let companions: Vec<(PathBuf, RuleSet)> = rule_files
        .into_iter()
        .filter_map(|path| {
            let text = fs::read_to_string(&path).ok()?;
            let set = parse_documents(&path.display().to_string(), &text, &Placeholders::new());
            Some((path, set.ok()?))
        })
        .collect();
    if sidecars.is_empty() {
        bail!("no *{SIDECAR_SUFFIX} test files under the given paths");
    }
    let mut out = io::stdout().lock();
    let (mut passed, mut failures) = (0usize, Vec::new());
    for sidecar in &sidecars {
        match run_sidecar(sidecar, &companions) {
            Ok((ok, failed)) => {
                passed += ok;
                failures.extend(failed);
            }
            Err(error) => failures.push(format!("{}: {error:#}", sidecar.display())),
        }
    }
    for failure in &failures {
        writeln!(out, "FAIL {failure}")?;
    }
    writeln!(
        out,
        "parapet rules test: {} test files, {passed} cases passed, {} failed",
        sidecars.len(),
        failures.len()
    )?;
    Ok(if failures.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Alerts
    })
}

/// The sidecars under `path` (or `path` itself), and the rule files beside
/// them.
fn find_files(
    path: &Path,
    sidecars: &mut Vec<PathBuf>,
    rules: &mut Vec<PathBuf>,
) -> io::Result<()> {
    if fs::metadata(path)?.is_file() {
        sidecars.push(path.to_path_buf());
        return Ok(());
    }
    for entry in fs::read_dir(path)? {
        let entry = entry?;
        let path = entry.path();
        let name = path.to_string_lossy();
        if entry.file_type()?.is_dir() {
            find_files(&path, sidecars, rules)?;
        } else if name.ends_with(SIDECAR_SUFFIX) {
            sidecars.push(path);
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            rules.push(path);
        }
    }
    Ok(())
}

/// Runs one sidecar against its rule file and, for references that file
/// does not hold, the `companions` (the other rule files under the paths);
/// (cases passed, failures).
fn run_sidecar(sidecar: &Path, companions: &[(PathBuf, RuleSet)]) -> Result<(usize, Vec<String>)> {
    let name = sidecar.to_string_lossy();
    let rule_path = PathBuf::from(format!("{}.yml", name.trim_end_matches(SIDECAR_SUFFIX)));
    let rule_text = fs::read_to_string(&rule_path)
        .with_context(|| format!("its rule file {} cannot be read", rule_path.display()))?;
    let mut set: RuleSet = parse_documents(
        &rule_path.display().to_string(),
        &rule_text,
        &Placeholders::new(),
    )?;
    for (_, other) in companions.iter().filter(|(path, _)| *path != rule_path) {
        set.extend(other.clone());
    }
    let errors = apply_filters(&mut set.detections, &set.filters);
    anyhow::ensure!(errors.is_empty(), "filters: {errors:?}");
    let (correlations, errors) = CorrelationSet::new(set.correlations, &set.detections);
    anyhow::ensure!(errors.is_empty(), "correlations: {errors:?}");
    // A correlation under test alerts even when it only feeds another.
    let mut correlations = correlations.all_alerting();
    let pipelines = bundled_pipelines()?;
    correlations.map_fields(&pipelines, &set.detections);
    let detectors = Detectors::new(&set.detections, &pipelines);
    let text = fs::read_to_string(sidecar)?;
    let cases: BTreeMap<String, Cases> = serde_yaml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("not a map of rule -> positive/negative events: {e}"))?;
    let mut passed = 0;
    let mut failures = Vec::new();
    for (reference, cases) in &cases {
        let at = format!("{}: rule `{reference}`", sidecar.display());
        let events = |list: &[Yaml]| -> Result<Vec<Value>> {
            list.iter()
                .map(|e| Ok(sonic_rs::from_str(&sonic_rs::to_string(e)?)?))
                .collect()
        };
        let (positive, negative) = (events(&cases.positive)?, events(&cases.negative)?);
        if let Some(c) = correlations
            .rules()
            .iter()
            .find(|c| c.meta.id == *reference || c.name.as_deref() == Some(reference))
        {
            for (label, sequence, want) in [
                ("positive", &positive, true),
                ("negative", &negative, false),
            ] {
                if sequence.is_empty() {
                    continue;
                }
                let fired = correlation_fires(&c.meta.id, sequence, &detectors, &correlations);
                if fired == want {
                    passed += 1;
                } else {
                    failures.push(format!(
                        "{at}: the {label} sequence ({} events) {}",
                        sequence.len(),
                        if want {
                            "did not make the correlation fire"
                        } else {
                            "made the correlation fire"
                        }
                    ));
                }
            }
            continue;
        }
        let Some(rule) = set.detections.iter().find(|r| r.is_named(reference)) else {
            failures.push(format!(
                "{at}: no rule or correlation of that id or name in {}",
                rule_path.display()
            ));
            continue;
        };
        for (label, list, want) in [
            ("positive", &positive, true),
            ("negative", &negative, false),
        ] {
            for (n, event) in list.iter().enumerate() {
                if raises(rule, event, &detectors) == want {
                    passed += 1;
                } else {
                    failures.push(format!(
                        "{at}: {label}[{n}] {}: {}",
                        if want { "did not match" } else { "matched" },
                        sonic_rs::to_string(event).unwrap_or_default()
                    ));
                }
            }
        }
    }
    Ok((passed, failures))
}

/// The log kind of a test event: recognized by its fields, else the first
/// kind the rule's logsource runs on.
fn kind_of(event: &Value, rule: &CompiledRule) -> LogKind {
    detect_kind(event).unwrap_or_else(|| {
        LogKind::ALL
            .into_iter()
            .find(|k| accepts(&k.sigma(), &rule.logsource))
            .unwrap_or(LogKind::CloudTrail)
    })
}

fn raises(rule: &CompiledRule, event: &Value, detectors: &Detectors) -> bool {
    let detector = detectors.for_kind(kind_of(event, rule));
    let mut hits = Vec::new();
    detector.matches(event, &mut hits);
    hits.iter()
        .any(|&h| detector.rules()[h].meta.id == rule.meta.id)
}

fn correlation_fires(
    id: &str,
    events: &[Value],
    detectors: &Detectors,
    correlations: &CorrelationSet,
) -> bool {
    let raiser = Raiser::new(detectors, Some(correlations), Level::Informational, false);
    let mut correlator = Correlator::new(correlations, CorrelatorLimits::default());
    let (mut matched, mut raised, mut fired) = (Vec::new(), Raised::default(), Vec::new());
    for (n, value) in events.iter().enumerate() {
        let Some(kind) = detect_kind(value) else {
            continue;
        };
        let origin = Origin {
            source: Arc::from("test"),
            line: n as u64 + 1,
            index: 0,
        };
        raiser.raise(
            &Event::new(value.clone(), origin, kind),
            &mut matched,
            &mut raised,
        );
        for hit in raised.hits.drain(..) {
            correlator.push(hit, &mut fired);
        }
    }
    correlator.finish(&mut fired);
    fired.iter().any(|a| a.rule.id == id)
}
