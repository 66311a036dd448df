//! The registry's invariants: ids unique and well formed, documentation in
//! its fixed sections with a CLI remediation and a Terraform fix, a fixture
//! per rule.

use std::collections::BTreeSet;

use parapet_policy::builtin_rules;

use crate::fixtures::fixture_path;

#[test]
fn ids_are_unique_and_docs_complete() {
    let rules = builtin_rules();
    assert!(rules.len() >= 60, "only {} rules", rules.len());
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut problems = Vec::new();
    for rule in &rules {
        let info = rule.info();
        let id = info.id.to_string();
        if !ids.insert(id.clone()) {
            problems.push(format!("{id}: duplicate id"));
        }
        if !names.insert(info.name.to_string()) {
            problems.push(format!("{id}: duplicate name {}", info.name));
        }
        let parts: Vec<&str> = id.split('-').collect();
        let parts: Vec<&str> = if parts.len() == 2 {
            // K8S-001: Kubernetes rules have no service part.
            vec![parts[0], "", parts[1]]
        } else {
            parts
        };
        if parts.len() != 3 || parts[2].len() != 3 || !parts[2].bytes().all(|b| b.is_ascii_digit())
        {
            problems.push(format!("{id}: ids look like AWS-S3-001"));
        }
        if info.name.starts_with("Ensure") || info.name.starts_with("Check") {
            problems.push(format!("{id}: name the bad pattern, not the check"));
        }
        for section in rule.docs.missing_sections() {
            problems.push(format!("{id}: docs lack `## {section}`"));
        }
        if rule.docs.remediation_cli().is_none() {
            problems.push(format!("{id}: Remediation has no ```sh block"));
        }
        if rule.docs.fix().is_none() {
            problems.push(format!(
                "{id}: Example has no ```hcl (or ```yaml) block after `Use instead:`"
            ));
        }
        if rule.docs.references().is_empty() {
            problems.push(format!("{id}: no references"));
        }
        if !fixture_path(&id).exists() {
            problems.push(format!("{id}: no fixture"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn frameworks_name_only_existing_rules_and_cover_every_automated_control() {
    let ids: BTreeSet<String> = builtin_rules()
        .iter()
        .map(|r| r.info().id.to_string())
        .collect();
    let frameworks = parapet_policy::frameworks();
    assert_eq!(frameworks.len(), 3, "every bundled framework parses");
    for framework in frameworks {
        for control in &framework.controls {
            for rule in &control.rules {
                assert!(
                    ids.contains(rule),
                    "{} {}: unknown rule {rule}",
                    framework.id,
                    control.id
                );
            }
            assert_eq!(
                control.is_manual(),
                control.rules.is_empty(),
                "{} {}: automated controls map to rules, manual ones to none",
                framework.id,
                control.id
            );
        }
    }
}
