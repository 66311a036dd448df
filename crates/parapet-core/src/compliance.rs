//! What sinks need to render posture results: each rule's documentation in
//! short, and a framework's controls with their verdicts.

use serde::Serialize;

use crate::{Finding, Level};

/// A posture rule as sinks describe it (SARIF rules, ASFF remediation).
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRuleMeta {
    pub id: String,
    pub name: String,
    pub title: String,
    pub severity: Level,
    pub kind: String,
    pub summary: String,
    pub remediation: Option<String>,
    pub terraform: Option<String>,
    pub references: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Pass,
    Fail,
    /// Some resources could not be judged and none failed.
    Unknown,
    /// Automated, but nothing in the inventory was of a kind its rules check.
    NotEvaluated,
    /// The framework marks it Manual: a person decides.
    Manual,
}

impl ControlStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Pass => "pass",
            ControlStatus::Fail => "fail",
            ControlStatus::Unknown => "unknown",
            ControlStatus::NotEvaluated => "not evaluated",
            ControlStatus::Manual => "manual",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlResult {
    pub id: String,
    pub title: String,
    pub section: String,
    pub assessment: String,
    pub rules: Vec<String>,
    pub status: ControlStatus,
    pub passed: usize,
    pub unknown: usize,
    /// The failing findings, resources and evidence.
    pub failing: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComplianceReport {
    pub framework: String,
    pub title: String,
    pub generated_at: String,
    pub controls: Vec<ControlResult>,
}

impl ComplianceReport {
    /// How many controls have each status.
    pub fn count(&self, status: ControlStatus) -> usize {
        self.controls.iter().filter(|c| c.status == status).count()
    }
}
