//! Loading rules (bundled and `--rules` folders) and the `rules` commands.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use parapet_sigma::{
    apply_filters, bundled_pipelines, bundled_rules, parse_documents, CompiledRule, CorrelationSet,
    Pipeline, Placeholders, RuleError, RuleSet, BUNDLED_RULES, MAX_RULE_BYTES,
};

use parapet_policy::builtin_rules;

use crate::cli::{RuleArgs, RulesExplainArgs, RulesListArgs};
use crate::license::LicenseFinder;
use crate::Outcome;

pub struct LoadedRules {
    /// Detection rules, with the filters that name them applied.
    pub rules: Vec<CompiledRule>,
    /// Correlation rules, resolved against `rules` and each other.
    pub correlations: CorrelationSet,
    /// The bundled field-mapping pipelines, then the user's.
    pub pipelines: Vec<Pipeline>,
    /// Rules that did not load; the others still run.
    pub errors: Vec<RuleError>,
}

pub fn load(args: &RuleArgs) -> Result<LoadedRules> {
    let placeholders = parse_placeholders(&args.placeholders)?;
    let mut set = RuleSet::default();
    let mut loaded = LoadedRules {
        rules: Vec::new(),
        correlations: CorrelationSet::default(),
        pipelines: bundled_pipelines()
            .context("the bundled pipelines do not load (a build defect)")?,
        errors: Vec::new(),
    };
    for path in &args.pipelines {
        let text = fs::read_to_string(path)
            .with_context(|| format!("cannot read pipeline {}", path.display()))?;
        let pipeline = Pipeline::parse(&path.display().to_string(), &text)?;
        loaded.pipelines.push(pipeline);
    }
    if !args.no_default_rules {
        set = bundled_rules().context("the bundled rules do not load (a build defect)")?;
    }
    let mut licenses = LicenseFinder::default();
    for path in &args.rules {
        let files = rule_files(path)
            .with_context(|| format!("cannot read rules from {}", path.display()))?;
        for file in files {
            let name = file.display().to_string();
            match read_rule_file(&file)
                .and_then(|text| parse_documents(&name, &text, &placeholders))
            {
                Ok(mut found) => {
                    let metas = found
                        .detections
                        .iter_mut()
                        .map(|r| &mut r.meta)
                        .chain(found.correlations.iter_mut().map(|c| &mut c.meta));
                    for meta in metas.filter(|m| m.license.is_none()) {
                        std::sync::Arc::make_mut(meta).license = licenses.license_for(&file);
                    }
                    set.extend(found);
                }
                Err(error) => loaded.errors.push(error),
            }
        }
    }
    loaded.rules = std::mem::take(&mut set.detections);
    drop_duplicate_ids(&mut loaded);
    loaded
        .errors
        .extend(apply_filters(&mut loaded.rules, &set.filters));
    let (mut correlations, errors) = CorrelationSet::new(set.correlations, &loaded.rules);
    correlations.map_fields(&loaded.pipelines, &loaded.rules);
    loaded.correlations = correlations;
    loaded.errors.extend(errors);
    if loaded.rules.is_empty() {
        report_errors(&loaded.errors);
        bail!("no rules to run: --no-default-rules without --rules, or none of them loaded");
    }
    Ok(loaded)
}

fn parse_placeholders(specs: &[String]) -> Result<Placeholders> {
    let mut placeholders = Placeholders::new();
    for spec in specs {
        let Some((name, values)) = spec.split_once('=') else {
            bail!("--placeholder `{spec}`: expected NAME=VALUE[,VALUE...]");
        };
        let name = name.trim().trim_matches('%');
        placeholders
            .entry(name.to_string())
            .or_default()
            .extend(values.split(',').map(|v| v.trim().to_string()));
    }
    Ok(placeholders)
}

fn read_rule_file(path: &Path) -> Result<String, RuleError> {
    let name = path.display().to_string();
    let size = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_RULE_BYTES as u64 {
        return Err(RuleError::new(
            &name,
            "file",
            format!("larger than {MAX_RULE_BYTES} bytes"),
        ));
    }
    fs::read_to_string(path).map_err(|e| RuleError::new(&name, "file", format!("cannot read: {e}")))
}

/// `.yml`/`.yaml` files below `path` (test sidecars left out), sorted;
/// symlinked folders not followed.
pub(crate) fn rule_files(path: &Path) -> io::Result<Vec<PathBuf>> {
    if !fs::metadata(path)?.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let file_type = entry.file_type()?;
            let path = entry.path();
            if file_type.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml")
                && !path
                    .to_string_lossy()
                    .ends_with(crate::rules_test::SIDECAR_SUFFIX)
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn drop_duplicate_ids(loaded: &mut LoadedRules) {
    let mut first_source: HashMap<String, String> = HashMap::new();
    let mut kept = Vec::with_capacity(loaded.rules.len());
    for rule in loaded.rules.drain(..) {
        match first_source.get(&rule.meta.id) {
            Some(first) => loaded.errors.push(RuleError::new(
                &rule.meta.source,
                "id",
                format!(
                    "duplicate rule id {}, already loaded from {first}",
                    rule.meta.id
                ),
            )),
            None => {
                first_source.insert(rule.meta.id.clone(), rule.meta.source.clone());
                kept.push(rule);
            }
        }
    }
    loaded.rules = kept;
}

pub fn report_errors(errors: &[RuleError]) {
    let mut stderr = io::stderr().lock();
    for error in errors {
        let _ = writeln!(stderr, "parapet: rule not loaded: {error}");
    }
}

pub fn list(args: RulesListArgs) -> Result<Outcome> {
    if args.posture {
        return list_posture();
    }
    let loaded = load(&args.rules)?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<38}  {:<13}  {:<22}  TITLE",
        "ID", "LEVEL", "TECHNIQUES"
    )?;
    let correlations = loaded
        .correlations
        .rules()
        .iter()
        .map(|c| (&c.meta, Some(c.kind.as_str())));
    for (m, kind) in loaded
        .rules
        .iter()
        .map(|r| (&r.meta, None))
        .chain(correlations)
    {
        let title = match kind {
            Some(kind) => format!("{} (correlation: {kind})", m.title),
            None => m.title.clone(),
        };
        writeln!(
            out,
            "{:<38}  {:<13}  {:<22}  {}",
            m.id,
            m.level.as_str(),
            m.attack.techniques.join(","),
            title
        )?;
    }
    report_errors(&loaded.errors);
    Ok(if loaded.errors.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Errors
    })
}

fn list_posture() -> Result<Outcome> {
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<15}  {:<9}  {:<28}  TITLE",
        "ID", "SEVERITY", "RESOURCE KIND"
    )?;
    for rule in builtin_rules() {
        let info = rule.info();
        writeln!(
            out,
            "{:<15}  {:<9}  {:<28}  {}",
            info.id,
            info.severity.as_str(),
            info.kind,
            info.title
        )?;
    }
    Ok(Outcome::Clean)
}

/// A posture rule's documentation, metadata first.
fn explain_posture(id: &str) -> Result<Option<Outcome>> {
    let rules = builtin_rules();
    let Some(rule) = rules.iter().find(|r| r.info().id.eq_ignore_ascii_case(id)) else {
        return Ok(None);
    };
    let info = rule.info();
    let frameworks: Vec<String> = parapet_policy::frameworks()
        .iter()
        .flat_map(|f| {
            f.controls
                .iter()
                .filter(|c| c.rules.iter().any(|r| r == info.id.as_ref()))
                .map(move |c| format!("{} {}", f.id, c.id))
        })
        .collect();
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{} ({})

id: {}
severity: {}
resource kind: {}
frameworks: {}
",
        info.title,
        info.name,
        info.id,
        info.severity,
        info.kind,
        if frameworks.is_empty() {
            "-".to_string()
        } else {
            frameworks.join(", ")
        }
    )?;
    writeln!(out, "{}", rule.docs.text.trim_end())?;
    Ok(Some(Outcome::Clean))
}

pub fn explain(args: RulesExplainArgs) -> Result<Outcome> {
    if let Some(outcome) = explain_posture(&args.id)? {
        return Ok(outcome);
    }
    let loaded = load(&args.rules)?;
    let found: Vec<&CompiledRule> = loaded
        .rules
        .iter()
        .filter(|r| r.meta.id.starts_with(&args.id))
        .collect();
    let rule = match found.as_slice() {
        [rule] => rule,
        [] => bail!("no rule with id `{}`; see `parapet rules list`", args.id),
        many => bail!(
            "`{}` names {} rules; give more of the id",
            args.id,
            many.len()
        ),
    };
    let m = &rule.meta;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{}\n\nid: {}\nlevel: {}\nstatus: {}",
        m.title,
        m.id,
        m.level,
        m.status.as_deref().unwrap_or("-")
    )?;
    writeln!(
        out,
        "author: {}\nlicense: {}\nsource: {}",
        m.author.as_deref().unwrap_or("-"),
        m.license.as_deref().unwrap_or("-"),
        m.source
    )?;
    let tactics: Vec<String> = m
        .attack
        .tactics
        .iter()
        .map(|t| format!("{} {}", t.id, t.name))
        .collect();
    writeln!(
        out,
        "tactics: {}\ntechniques: {}",
        tactics.join(", "),
        m.attack.techniques.join(", ")
    )?;
    if let Some(description) = &m.description {
        writeln!(out, "\n{}", description.trim())?;
    }
    for (heading, items) in [
        ("False positives", &m.falsepositives),
        ("References", &m.references),
    ] {
        if !items.is_empty() {
            writeln!(out, "\n{heading}:")?;
            for item in items {
                writeln!(out, "  - {item}")?;
            }
        }
    }
    let text = match m.source.strip_prefix("bundled:") {
        Some(path) => BUNDLED_RULES
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, t)| t.to_string()),
        None => fs::read_to_string(&m.source).ok(),
    };
    if let Some(text) = text {
        writeln!(out, "\nRule:\n{}", text.trim_end())?;
    }
    Ok(Outcome::Clean)
}
