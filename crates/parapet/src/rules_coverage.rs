//! `parapet rules coverage`: the ATT&CK techniques the loaded rules detect,
//! as a Navigator layer, checked against the ATT&CK table Parapet ships.
//! Techniques newer than the table are kept (under the tactics the rule's
//! tags name) and reported.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};

use anyhow::{Context, Result};
use parapet_core::{attack_techniques, RuleMeta};
use sonic_rs::{json, Value};

use crate::cli::RulesCoverageArgs;
use crate::rules;
use crate::Outcome;

pub fn coverage(args: RulesCoverageArgs) -> Result<Outcome> {
    let loaded = rules::load(&args.rules)?;
    rules::report_errors(&loaded.errors);
    let correlations = &loaded.correlations;
    // Rules that raise alerts: detections not reserved for correlations,
    // and the outermost correlations.
    let alerting: Vec<&RuleMeta> = loaded
        .rules
        .iter()
        .filter(|r| correlations.alerts_alone(&r.meta.id))
        .map(|r| &*r.meta)
        .chain(
            correlations
                .rules()
                .iter()
                .filter(|c| c.name.is_none())
                .map(|c| &*c.meta),
        )
        .collect();
    let (version, table) = attack_techniques();
    let tactics_of: BTreeMap<&str, &[&str]> =
        table.iter().map(|t| (t.id, t.tactics.as_slice())).collect();
    // (technique, tactic) -> rule titles
    let mut cells: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut unknown: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for meta in &alerting {
        for technique in &meta.attack.techniques {
            let tactics: Vec<String> = match tactics_of.get(technique.as_str()) {
                Some(tactics) => tactics.iter().map(|t| t.to_string()).collect(),
                None => {
                    unknown
                        .entry(technique.clone())
                        .or_default()
                        .insert(meta.title.clone());
                    tactic_tags(meta)
                }
            };
            for tactic in tactics {
                cells
                    .entry((technique.clone(), tactic))
                    .or_default()
                    .insert(meta.title.clone());
            }
        }
    }
    let mut techniques = Vec::new();
    for ((technique, tactic), titles) in &cells {
        let mut entry = json!({
            "techniqueID": technique,
            "tactic": tactic,
            "score": titles.len(),
            "color": "",
            "comment": titles.iter().cloned().collect::<Vec<_>>().join("; "),
            "enabled": true,
            "showSubtechniques": true,
        });
        if unknown.contains_key(technique) {
            entry.insert(
                "metadata",
                json!([{"name": "note", "value": format!("not in {version}")}]),
            );
        }
        techniques.push(entry);
    }
    let max_score = cells.values().map(BTreeSet::len).max().unwrap_or(1);
    let layer: Value = json!({
        "name": "Parapet detection coverage",
        "versions": {"attack": "18", "navigator": "5.1.0", "layer": "4.5"},
        "domain": "enterprise-attack",
        "description": format!("{} alerting rules ({} detection, {} correlation); table: {version}",
            alerting.len(),
            loaded.rules.iter().filter(|r| correlations.alerts_alone(&r.meta.id)).count(),
            correlations.rules().iter().filter(|c| c.name.is_none()).count()),
        "filters": {"platforms": ["IaaS", "SaaS", "Office Suite", "Identity Provider", "Containers"]},
        "sorting": 3,
        "layout": {"layout": "side", "showID": true, "showName": true},
        "hideDisabled": false,
        "techniques": techniques,
        "gradient": {"colors": ["#ffe766", "#ff6666"], "minValue": 1, "maxValue": max_score},
        "legendItems": [],
        "showTacticRowBackground": false,
        "selectTechniquesAcrossTactics": true,
    });
    let text = sonic_rs::to_string_pretty(&layer)?;
    if args.attack_layer.as_os_str() == "-" {
        writeln!(io::stdout().lock(), "{text}")?;
    } else {
        fs::write(&args.attack_layer, text + "\n")
            .with_context(|| format!("cannot write {}", args.attack_layer.display()))?;
    }
    let covered: BTreeSet<&str> = cells.keys().map(|(t, _)| t.as_str()).collect();
    let tactics: BTreeSet<&str> = cells.keys().map(|(_, t)| t.as_str()).collect();
    let mut stderr = io::stderr().lock();
    writeln!(
        stderr,
        "parapet rules coverage: {} alerting rules cover {} techniques in {} tactics ({version})",
        alerting.len(),
        covered.len(),
        tactics.len()
    )?;
    for (technique, titles) in &unknown {
        writeln!(
            stderr,
            "parapet rules coverage: {technique} is not in the shipped ATT&CK table; kept under the tactics its rules name ({})",
            titles.iter().cloned().collect::<Vec<_>>().join("; ")
        )?;
    }
    Ok(Outcome::Clean)
}

/// The tactic names a rule's tags give, those newer than the shipped table
/// included (`attack.stealth`).
fn tactic_tags(meta: &RuleMeta) -> Vec<String> {
    meta.tags
        .iter()
        .filter_map(|tag| tag.strip_prefix("attack."))
        .filter(|rest| {
            rest.chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
        })
        .map(|rest| rest.replace('_', "-"))
        .collect()
}
