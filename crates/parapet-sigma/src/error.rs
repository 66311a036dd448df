use thiserror::Error;

/// Why a rule file did not load. `construct` names the part of the rule at
/// fault (`detection.selection`, `logsource`, `condition`, ...).
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{source_name}: {construct}: {reason}")]
pub struct RuleError {
    pub source_name: String,
    pub construct: String,
    pub reason: String,
}

impl RuleError {
    pub fn new(source_name: &str, construct: impl Into<String>, reason: impl Into<String>) -> Self {
        RuleError {
            source_name: source_name.to_string(),
            construct: construct.into(),
            reason: reason.into(),
        }
    }
}
