//! Sigma detection rules (specification 2.1): parse, compile into an index,
//! evaluate against JSON events. Pure and synchronous: callers bring the rule
//! text and the events.

mod bundled;
mod cidr;
mod condition;
mod error;
mod field;
mod index;
mod matcher;
mod modifier;
mod pipeline;
mod rule;
mod search;
mod value;

pub use bundled::{bundled_pipelines, bundled_rules, BUNDLED_PIPELINES, BUNDLED_RULES};
pub use error::RuleError;
pub use index::{accepts, Detector, Detectors};
pub use pipeline::Pipeline;
pub use rule::{parse_rules, CompiledRule, LogSource, MAX_RULE_BYTES};
pub use value::Placeholders;

#[cfg(test)]
mod tests;
