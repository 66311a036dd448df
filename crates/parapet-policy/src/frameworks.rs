//! Frameworks are data: each file under `frameworks/` lists a benchmark's
//! controls and, for the automated ones, the rule ids that decide them.
//! Rules know nothing of frameworks.

use std::collections::HashMap;

use parapet_core::{CheckStatus, ComplianceReport, ControlResult, ControlStatus, Finding};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub title: String,
    pub provider: String,
    pub controls: Vec<Control>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub section: String,
    #[serde(default)]
    pub profile: String,
    /// `automated` or `manual`.
    pub assessment: String,
    #[serde(default)]
    pub rules: Vec<String>,
}

impl Control {
    pub fn is_manual(&self) -> bool {
        self.assessment.eq_ignore_ascii_case("manual")
    }
}

const BUNDLED: [(&str, &str); 3] = [
    (
        "cis-aws-3.0",
        include_str!("../frameworks/cis-aws-3.0.json"),
    ),
    (
        "cis-aws-4.0",
        include_str!("../frameworks/cis-aws-4.0.json"),
    ),
    (
        "cis-aws-5.0",
        include_str!("../frameworks/cis-aws-5.0.json"),
    ),
];

/// The frameworks shipped in the binary, in id order.
pub fn frameworks() -> Vec<Framework> {
    BUNDLED
        .iter()
        .filter_map(|(_, text)| sonic_rs::from_str::<Framework>(text).ok())
        .collect()
}

/// A bundled framework by id (`cis-aws-5.0`).
pub fn framework(id: &str) -> Option<Framework> {
    let (_, text) = BUNDLED.iter().find(|(name, _)| *name == id)?;
    sonic_rs::from_str(text).ok()
}

/// Per control: pass, fail (with the failing findings), unknown, not
/// evaluated, or manual, from the findings of one scan.
pub fn compliance(
    framework: &Framework,
    findings: &[Finding],
    generated_at: &str,
) -> ComplianceReport {
    let mut by_rule: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in findings {
        by_rule.entry(&finding.rule_id).or_default().push(finding);
    }
    let controls = framework
        .controls
        .iter()
        .map(|control| {
            let relevant: Vec<&Finding> = control
                .rules
                .iter()
                .flat_map(|r| by_rule.get(r.as_str()).into_iter().flatten().copied())
                .collect();
            let count = |s: CheckStatus| relevant.iter().filter(|f| f.status == s).count();
            let (passed, failed, unknown) = (
                count(CheckStatus::Pass),
                count(CheckStatus::Fail),
                count(CheckStatus::Unknown),
            );
            let status = if control.is_manual() {
                ControlStatus::Manual
            } else if failed > 0 {
                ControlStatus::Fail
            } else if unknown > 0 {
                ControlStatus::Unknown
            } else if passed > 0 {
                ControlStatus::Pass
            } else {
                ControlStatus::NotEvaluated
            };
            ControlResult {
                id: control.id.clone(),
                title: control.title.clone(),
                section: control.section.clone(),
                assessment: control.assessment.clone(),
                rules: control.rules.clone(),
                status,
                passed,
                unknown,
                failing: relevant
                    .into_iter()
                    .filter(|f| f.status == CheckStatus::Fail)
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    ComplianceReport {
        framework: framework.id.clone(),
        title: framework.title.clone(),
        generated_at: generated_at.to_string(),
        controls,
    }
}
