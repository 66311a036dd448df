//! Posture rules over Parapet's Resource model. Native rules, one file per
//! rule under `aws/`, check one resource at a time (PASS, FAIL or UNKNOWN
//! with evidence); frameworks are data files that map control ids to rule
//! ids; custom rules are Rego over the same model's JSON.
//!
//! The engine is pure: it reads an [`Inventory`] and returns findings.

mod aws;
mod changes;
mod credentials;
mod data_events;
mod docs;
mod document;
mod engine;
mod frameworks;
mod inventory;
mod k8s;
mod monitoring;
mod network;
mod pod;
mod public_access_block;
mod registry;
mod rego;
mod rule;

pub use changes::{changed_resources, ChangedResource};
pub use docs::{RuleDocs, SECTIONS};
pub use engine::evaluate;
pub use frameworks::{compliance, framework, frameworks, Control, Framework};
pub use inventory::{Inventory, ACCOUNT_KIND};
pub use rego::{load_rego_rules, rego_input, RegoError};
pub use rule::{Check, RegisteredRule, Rule, RuleInfo, Unknown, Verdict};

/// Every built-in rule, sorted by id.
pub fn builtin_rules() -> Vec<RegisteredRule> {
    let mut rules = aws::rules();
    rules.extend(k8s::rules());
    rules.sort_by(|a, b| a.info().id.cmp(&b.info().id));
    rules
}

/// A rule's metadata and documentation as sinks need it.
pub fn rule_meta(rule: &RegisteredRule) -> parapet_core::PolicyRuleMeta {
    let info = rule.info();
    parapet_core::PolicyRuleMeta {
        id: info.id.to_string(),
        name: info.name.to_string(),
        title: info.title.to_string(),
        severity: info.severity,
        kind: info.kind.to_string(),
        summary: rule.docs.summary(),
        remediation: rule.docs.remediation_cli(),
        terraform: rule.docs.terraform_fix(),
        references: rule.docs.references(),
    }
}
