//! Playbooks as YAML: a trigger, a cap on changes, and steps. Parsing is
//! strict (unknown keys are errors) and validation collects every problem,
//! each with the file, the step and the field, and what was expected.

use std::collections::BTreeMap;
use std::fmt;

use parapet_core::Level;
use serde::Deserialize;

use crate::catalog::{action, action_names, ActionKind};
use crate::template::references;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub trigger: Trigger,
    /// Most resources one run may change (contain steps count one each).
    #[serde(default = "default_cap")]
    pub max_changes: usize,
    pub steps: Vec<Step>,
}

fn default_cap() -> usize {
    5
}

/// Which alerts start this playbook: any listed rule id, tag or ATT&CK
/// technique, at or above `level`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub techniques: Vec<String>,
    #[serde(default)]
    pub level: Option<Level>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    #[default]
    Stop,
    Continue,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub action: String,
    /// Parameters; values may hold `{{ alert.x }}`, `{{ steps.ID.output.y }}`.
    #[serde(default, rename = "with")]
    pub params: BTreeMap<String, String>,
    /// Run only when this renders truthy (`a == b`, `a != b`, or a value
    /// that is not empty, `false`, `0` or `null`).
    #[serde(default)]
    pub when: Option<String>,
    /// Wait for `parapet case approve` before this step acts.
    #[serde(default)]
    pub approval: bool,
    #[serde(default)]
    pub on_error: OnError,
}

/// One problem in a playbook, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybookError {
    pub file: String,
    /// `steps[2].action`, `trigger`, or the YAML position.
    pub path: String,
    pub message: String,
}

impl fmt::Display for PlaybookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.path, self.message)
    }
}

impl Playbook {
    /// Parses and validates; every problem is returned, not just the first.
    pub fn parse(text: &str, file: &str) -> Result<Playbook, Vec<PlaybookError>> {
        let playbook: Playbook = serde_yaml::from_str(text).map_err(|e| {
            let at = e
                .location()
                .map_or_else(|| "document".to_string(), |l| format!("line {}", l.line()));
            vec![PlaybookError {
                file: file.into(),
                path: at,
                message: e.to_string(),
            }]
        })?;
        let errors = playbook.validate(file);
        if errors.is_empty() {
            Ok(playbook)
        } else {
            Err(errors)
        }
    }

    fn validate(&self, file: &str) -> Vec<PlaybookError> {
        let mut errors = Vec::new();
        let mut error = |path: String, message: String| {
            errors.push(PlaybookError {
                file: file.into(),
                path,
                message,
            })
        };
        if self.id.trim().is_empty() {
            error("id".into(), "must not be empty".into());
        }
        let t = &self.trigger;
        if t.rules.is_empty() && t.tags.is_empty() && t.techniques.is_empty() && t.level.is_none() {
            error(
                "trigger".into(),
                "names no rule, tag, technique or level; expected at least one".into(),
            );
        }
        if self.steps.is_empty() {
            error("steps".into(), "no steps".into());
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let at = |field: &str| format!("steps[{i}].{field}");
            if seen.contains(&step.id.as_str()) {
                error(
                    at("id"),
                    format!(
                        "`{}` is used by an earlier step; step ids are unique",
                        step.id
                    ),
                );
            }
            let Some(spec) = action(&step.action) else {
                error(
                    at("action"),
                    format!(
                        "unknown action `{}`; expected one of {}",
                        step.action,
                        action_names()
                    ),
                );
                seen.push(&step.id);
                continue;
            };
            for param in spec.params.iter().filter(|p| p.required) {
                if !step.params.contains_key(param.name) {
                    error(
                        at(&format!("with.{}", param.name)),
                        format!("missing; `{}` needs it ({})", spec.name, param.help),
                    );
                }
            }
            let known: Vec<&str> = spec.params.iter().map(|p| p.name).collect();
            for key in step.params.keys() {
                if !known.contains(&key.as_str()) {
                    error(
                        at(&format!("with.{key}")),
                        format!(
                            "unknown parameter of `{}`; expected {}",
                            spec.name,
                            known.join(", ")
                        ),
                    );
                }
            }
            for param in spec.params.iter().filter(|p| !p.choices.is_empty()) {
                let Some(value) = step.params.get(param.name) else {
                    continue;
                };
                if !value.contains("{{") && !param.choices.contains(&value.as_str()) {
                    error(
                        at(&format!("with.{}", param.name)),
                        format!("`{value}`; expected one of {}", param.choices.join(", ")),
                    );
                }
            }
            if spec.name == "notify.email"
                && step.params.contains_key("username")
                && !step.params.contains_key("password_env")
            {
                error(
                    at("with.password_env"),
                    "missing; `username` needs the environment variable holding the password"
                        .into(),
                );
            }
            if spec.name == "aws.iam.attach_deny_all"
                && step.params.contains_key("user") == step.params.contains_key("role")
            {
                error(at("with"), "give exactly one of `user` or `role`".into());
            }
            let texts = step
                .params
                .iter()
                .map(|(k, v)| (format!("with.{k}"), v))
                .chain(step.when.iter().map(|w| ("when".to_string(), w)));
            for (field, text) in texts {
                for reference in references(text) {
                    if let Err(message) = check_reference(&reference, &seen) {
                        error(at(&field), message);
                    }
                }
            }
            if step.approval && spec.kind != ActionKind::Contain {
                error(
                    at("approval"),
                    format!(
                        "`{}` changes nothing; approval is for contain actions",
                        spec.name
                    ),
                );
            }
            seen.push(&step.id);
        }
        errors
    }
}

/// `alert.*`, `case.*` and `steps.<earlier step>.output.*` may be used.
fn check_reference(reference: &str, earlier: &[&str]) -> Result<(), String> {
    let mut parts = reference.split('.');
    match parts.next() {
        Some("alert" | "case" | "run") => Ok(()),
        Some("steps") => {
            let step = parts.next().unwrap_or_default();
            if !earlier.contains(&step) {
                return Err(format!("`{{{{ {reference} }}}}` names step `{step}`, which does not run before this one; expected one of {}", if earlier.is_empty() { "(no earlier step)".to_string() } else { earlier.join(", ") }));
            }
            match parts.next() {
                Some("output" | "status") => Ok(()),
                other => Err(format!("`{{{{ {reference} }}}}`: expected steps.{step}.output.FIELD or steps.{step}.status, not `{}`", other.unwrap_or(""))),
            }
        }
        other => Err(format!(
            "`{{{{ {reference} }}}}`: unknown root `{}`; expected alert, case, run or steps",
            other.unwrap_or("")
        )),
    }
}

#[cfg(test)]
#[path = "playbook_tests.rs"]
mod tests;
