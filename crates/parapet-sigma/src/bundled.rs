//! Parapet's own Sigma rules, compiled into the binary and on by default.
//! Adding a rule: its YAML file under `rules/` and one line here.

use crate::error::RuleError;
use crate::rule::{parse_rules, CompiledRule};
use crate::value::Placeholders;

macro_rules! bundled {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../rules/", $path)))),*]
    };
}

/// (path under `rules/`, YAML text) of every bundled rule.
pub const BUNDLED_RULES: &[(&str, &str)] = bundled![
];

/// Compiles the bundled rules. They are tested to load, so an error here is a
/// build defect, reported like any other rule error.
pub fn bundled_rules() -> Result<Vec<CompiledRule>, RuleError> {
    let placeholders = Placeholders::new();
    let mut rules = Vec::new();
    for (path, text) in BUNDLED_RULES {
        rules.extend(parse_rules(&format!("bundled:{path}"), text, &placeholders)?);
    }
    Ok(rules)
}
