//! `terraform show -json PLAN`: planned values are what will be deployed,
//! `after_unknown` marks what only apply will know, and the configuration's
//! references tie a `bucket = aws_s3_bucket.b.id` to its bucket. A resource
//! points back at its `resource` block when the `.tf` files sit beside the
//! plan.

use std::collections::BTreeMap;
use std::path::Path;

use sonic_rs::{JsonContainerTrait, JsonValueTrait};

use crate::error::IacError;
use crate::scan::IacScan;
use crate::terraform::{to_resources, TfResource};
use crate::value::Value;

pub(crate) fn is_plan(text: &str) -> bool {
    text.contains("\"planned_values\"") && text.contains("\"terraform_version\"")
}

pub(crate) fn read_plan(file: &Path, rel: &str, text: &str, scan: &mut IacScan) {
    if parapet_core::too_deep(text.as_bytes()) {
        scan.errors
            .push(IacError::new(rel, 0, 0, "JSON nested too deeply"));
        return;
    }
    let plan: sonic_rs::Value = match sonic_rs::from_str(text) {
        Ok(plan) => plan,
        Err(e) => {
            scan.errors
                .push(IacError::new(rel, 0, 0, format!("plan JSON: {e}")));
            return;
        }
    };
    let unknown = after_unknown(&plan);
    let references = references(&plan["configuration"]["root_module"], "");
    let sources = source_lines(file, rel);
    let mut resources = Vec::new();
    collect(
        &plan["planned_values"]["root_module"],
        rel,
        &unknown,
        &references,
        &sources,
        &mut resources,
    );
    scan.resources.extend(to_resources(&resources));
}

/// `after_unknown` of each resource change, by address.
fn after_unknown(plan: &sonic_rs::Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if let Some(changes) = plan["resource_changes"].as_array() {
        for change in changes.iter() {
            if let Some(address) = change["address"].as_str() {
                out.insert(
                    address.to_string(),
                    Value::from_json(&change["change"]["after_unknown"]),
                );
            }
        }
    }
    out
}

/// For each (resource address without instance key, argument): the
/// resource it references.
fn references(module: &sonic_rs::Value, prefix: &str) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    if let Some(resources) = module["resources"].as_array() {
        for resource in resources.iter() {
            let Some(address) = resource["address"].as_str() else {
                continue;
            };
            let Some(expressions) = resource["expressions"].as_object() else {
                continue;
            };
            for (argument, expression) in expressions.iter() {
                let target = expression["references"].as_array().and_then(|refs| {
                    refs.iter()
                        .filter_map(|r| r.as_str())
                        .find(|r| r.split('.').count() == 2)
                });
                if let Some(target) = target {
                    out.insert(
                        (format!("{prefix}{address}"), argument.to_string()),
                        format!("{prefix}{target}"),
                    );
                }
            }
        }
    }
    if let Some(calls) = module["module_calls"].as_object() {
        for (name, call) in calls.iter() {
            out.extend(references(
                &call["module"],
                &format!("{prefix}module.{name}."),
            ));
        }
    }
    out
}

/// Where each root `resource "TYPE" "NAME"` block starts in the `.tf`
/// files beside the plan.
fn source_lines(plan: &Path, rel: &str) -> BTreeMap<String, (String, u32)> {
    let mut out = BTreeMap::new();
    let Some(dir) = plan.parent() else { return out };
    let rel_dir = Path::new(rel)
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = entry.file_name().to_string_lossy().to_string();
        let file = if rel_dir.is_empty() {
            name
        } else {
            format!("{rel_dir}/{name}")
        };
        for (n, line) in text.lines().enumerate() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["resource", kind, name, ..] = words.as_slice() {
                let address = format!("{}.{}", kind.trim_matches('"'), name.trim_matches('"'));
                out.entry(address).or_insert((file.clone(), n as u32 + 1));
            }
        }
    }
    out
}

fn collect(
    module: &sonic_rs::Value,
    rel: &str,
    unknown: &BTreeMap<String, Value>,
    references: &BTreeMap<(String, String), String>,
    sources: &BTreeMap<String, (String, u32)>,
    out: &mut Vec<TfResource>,
) {
    if let Some(resources) = module["resources"].as_array() {
        for resource in resources.iter() {
            if resource["mode"].as_str() != Some("managed") {
                continue;
            }
            let (Some(address), Some(kind)) =
                (resource["address"].as_str(), resource["type"].as_str())
            else {
                continue;
            };
            let base_address = address.split('[').next().unwrap_or(address).to_string();
            let mut values = match Value::from_json(&resource["values"]) {
                Value::Map(map) => map,
                _ => BTreeMap::new(),
            };
            if let Some(Value::Map(unknowns)) = unknown.get(address) {
                for (key, flag) in unknowns {
                    if *flag == Value::Bool(true) {
                        let target = references
                            .get(&(base_address.clone(), key.clone()))
                            .cloned();
                        values.insert(key.clone(), Value::Unknown(target));
                    }
                }
            }
            let (path, line) = sources
                .get(&base_address)
                .cloned()
                .unwrap_or_else(|| (rel.to_string(), 1));
            out.push(TfResource {
                address: address.to_string(),
                base_address,
                kind: kind.to_string(),
                root: Path::new(rel)
                    .parent()
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| ".".to_string()),
                path,
                line,
                column: 1,
                end_line: line,
                values,
                lines: BTreeMap::new(),
            });
        }
    }
    if let Some(children) = module["child_modules"].as_array() {
        for child in children.iter() {
            collect(child, rel, unknown, references, sources, out);
        }
    }
}
