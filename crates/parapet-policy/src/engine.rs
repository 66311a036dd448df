//! Runs rules over an inventory: every rule on every resource of its kind,
//! spread over threads, findings sorted so output never depends on them.

use std::collections::HashMap;
use std::thread;

use parapet_core::{CheckStatus, Finding, Resource, ResourceRef};

use crate::inventory::Inventory;
use crate::rule::{Check, RegisteredRule};

/// Findings of `rules` on `inventory`, sorted by rule id then resource uid.
pub fn evaluate(inventory: &Inventory, rules: &[RegisteredRule], threads: usize) -> Vec<Finding> {
    let mut by_kind: HashMap<&str, Vec<&RegisteredRule>> = HashMap::new();
    for rule in rules {
        by_kind.entry(&rule.info().kind).or_default().push(rule);
    }
    let resources = inventory.resources();
    let threads = threads.clamp(1, 64);
    let chunk = resources.len().div_ceil(threads).max(1);
    let mut findings: Vec<Finding> = thread::scope(|scope| {
        let workers: Vec<_> = resources
            .chunks(chunk)
            .map(|part| scope.spawn(|| check_all(part, &by_kind, inventory)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    findings.sort_by(|a, b| {
        (a.rule_id.as_str(), a.resource.uid.as_str())
            .cmp(&(b.rule_id.as_str(), b.resource.uid.as_str()))
    });
    findings
}

fn check_all(
    resources: &[Resource],
    by_kind: &HashMap<&str, Vec<&RegisteredRule>>,
    inventory: &Inventory,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for resource in resources {
        let Some(rules) = by_kind.get(resource.kind.as_str()) else {
            continue;
        };
        for rule in rules {
            let info = rule.info();
            let (status, evidence) = match rule.rule.check(resource, inventory) {
                Ok(Check::Pass(e)) => (CheckStatus::Pass, e),
                Ok(Check::Fail(e)) => (CheckStatus::Fail, e),
                Ok(Check::Skip) => continue,
                Err(unknown) => (CheckStatus::Unknown, unknown.0),
            };
            findings.push(Finding {
                rule_id: info.id.to_string(),
                title: info.title.to_string(),
                severity: info.severity,
                status,
                resource: ResourceRef::of(resource),
                evidence,
                location: None,
                first_seen: None,
                muted: None,
            });
        }
    }
    findings
}
