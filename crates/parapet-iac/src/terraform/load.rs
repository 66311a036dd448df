//! A tree's Terraform: every folder with `.tf` files parsed once; folders
//! no one calls as a module are root modules, evaluated with their tfvars.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl_edit::structure::Body;

use super::eval::{Evaluator, Scope};
use super::module::{relative, Output, TfResource, Tree};
use crate::error::IacError;
use crate::read::read_text;
use crate::value::Value;

/// Inputs for root modules, as `terraform plan` takes them.
#[derive(Debug, Clone, Default)]
pub struct TerraformOptions {
    /// `-var NAME=VALUE`; the value is read as HCL when it parses, else as
    /// a string.
    pub vars: Vec<(String, String)>,
    /// `-var-file FILE`, applied after the folder's own tfvars.
    pub var_files: Vec<PathBuf>,
}

#[derive(Default)]
pub struct TerraformOutput {
    pub resources: Vec<TfResource>,
    pub errors: Vec<IacError>,
    /// What was not scanned and why (remote modules, ...).
    pub notices: Vec<String>,
}

/// Parses `files` (`.tf`) under `root` and evaluates every root module.
pub fn load_terraform(
    root: &Path,
    files: &[PathBuf],
    options: &TerraformOptions,
) -> TerraformOutput {
    let mut output = TerraformOutput::default();
    let tree = Tree::new(root, files);
    let mut evaluated = Output::default();
    let mut as_root = |dir: &PathBuf, evaluated: &mut Output| {
        let inputs = root_inputs(root, dir, options, &mut output.errors);
        let folder = relative(root, dir);
        tree.instantiate(dir, inputs, "", &folder, &mut Vec::new(), evaluated);
    };
    for dir in tree.dirs.keys().filter(|d| !tree.is_called(d)) {
        as_root(dir, &mut evaluated);
    }
    // Modules only reachable through a cycle of calls: scanned on their own
    // rather than silently skipped.
    for dir in tree.dirs.keys() {
        if !evaluated.visited.contains(dir) {
            as_root(dir, &mut evaluated);
        }
    }
    output.errors.extend(tree.errors.into_inner());
    output.resources = evaluated.resources;
    output.notices = evaluated.notices;
    output
}

/// tfvars of a root folder (`terraform.tfvars`, `*.auto.tfvars`, their
/// `.json` forms), then `-var-file`s, then `-var`s: later wins.
fn root_inputs(
    root: &Path,
    dir: &Path,
    options: &TerraformOptions,
    errors: &mut Vec<IacError>,
) -> BTreeMap<String, Value> {
    let mut files: Vec<PathBuf> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        names.sort();
        let name = |p: &PathBuf| {
            p.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        };
        files.extend(
            names
                .iter()
                .filter(|p| {
                    matches!(
                        name(p).as_str(),
                        "terraform.tfvars" | "terraform.tfvars.json"
                    )
                })
                .cloned(),
        );
        files.extend(
            names
                .iter()
                .filter(|p| {
                    name(p).ends_with(".auto.tfvars") || name(p).ends_with(".auto.tfvars.json")
                })
                .cloned(),
        );
    }
    files.extend(options.var_files.iter().cloned());
    let mut inputs = BTreeMap::new();
    for file in files {
        let rel = relative(root, &file);
        let Some(text) = read_text(&file, &rel, errors) else {
            continue;
        };
        if rel.ends_with(".json") {
            match sonic_rs::from_str::<sonic_rs::Value>(&text) {
                Ok(json) if !parapet_core::too_deep(text.as_bytes()) => {
                    if let Value::Map(map) = Value::from_json(&json) {
                        inputs.extend(map);
                    }
                }
                _ => errors.push(IacError::new(
                    &rel,
                    0,
                    0,
                    "not a JSON object of variable values",
                )),
            }
            continue;
        }
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => inputs.extend(constants(&body)),
            Err(e) => errors.push(IacError::new(
                &rel,
                e.location().line() as u32,
                e.location().column() as u32,
                format!("HCL syntax: {}", e.message()),
            )),
        }
    }
    for (name, text) in &options.vars {
        let value = match hcl_edit::parser::parse_expr(text) {
            Ok(expr) => Evaluator::new(&Scope::default()).value(&expr),
            Err(_) => Value::str(text),
        };
        let value = if value.is_unknown() {
            Value::str(text)
        } else {
            value
        };
        inputs.insert(name.clone(), value);
    }
    inputs
}

fn constants(body: &Body) -> BTreeMap<String, Value> {
    let scope = Scope::default();
    let mut evaluator = Evaluator::new(&scope);
    body.attributes()
        .map(|a| (a.key.as_str().to_string(), evaluator.value(&a.value)))
        .collect()
}
