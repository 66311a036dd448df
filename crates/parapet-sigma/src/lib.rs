//! Sigma detection rules (specification 2.1): parse, compile into an index,
//! evaluate against JSON events. Pure and synchronous: callers bring the rule
//! text and the events.

mod bundled;
mod cidr;
mod condition;
mod correlation;
mod error;
mod field;
mod filter;
mod index;
mod lint;
mod matcher;
mod modifier;
mod pipeline;
mod rule;
mod search;
mod value;

pub use bundled::{bundled_pipelines, bundled_rules, BUNDLED_PIPELINES, BUNDLED_RULES};
pub use correlation::{
    parse_timespan, Comparison, CorrelationRule, CorrelationSet, CorrelationStats, CorrelationType,
    Correlator, CorrelatorLimits, Hit, HitValues, RuleRole,
};
pub use error::RuleError;
pub use filter::{apply_filters, FilterRule};
pub use index::{accepts, Detector, Detectors};
pub use lint::{lint, LintFinding, Severity};
pub use pipeline::Pipeline;
pub use rule::{parse_documents, parse_rules, CompiledRule, LogSource, RuleSet, MAX_RULE_BYTES};
pub use value::Placeholders;

#[cfg(test)]
mod tests;
