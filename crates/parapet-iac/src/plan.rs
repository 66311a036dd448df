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
use crate::terraform::{normalize, to_resources, TfResource};
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
    let sources = source_lines(file, rel, &plan["configuration"]["root_module"]);
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

/// Where each `resource "TYPE" "NAME"` block starts, by address without
/// instance keys: the plan's folder, then the local modules its
/// configuration calls (a source outside the scanned folder is not read).
fn source_lines(
    plan: &Path,
    rel: &str,
    configuration: &sonic_rs::Value,
) -> BTreeMap<String, (String, u32)> {
    let mut out = BTreeMap::new();
    let (Some(dir), Some(rel_dir)) = (plan.parent(), Path::new(rel).parent()) else {
        return out;
    };
    module_lines(dir, rel_dir, "", configuration, 0, &mut out);
    out
}

fn module_lines(
    dir: &Path,
    rel_dir: &Path,
    prefix: &str,
    module: &sonic_rs::Value,
    depth: usize,
    out: &mut BTreeMap<String, (String, u32)>,
) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    paths.sort();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let file = rel_dir.join(name).to_string_lossy().replace('\\', "/");
        for (n, line) in text.lines().enumerate() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["resource", kind, name, ..] = words.as_slice() {
                let address = format!(
                    "{prefix}{}.{}",
                    kind.trim_matches('"'),
                    name.trim_matches('"')
                );
                out.entry(address).or_insert((file.clone(), n as u32 + 1));
            }
        }
    }
    let Some(calls) = module["module_calls"].as_object() else {
        return;
    };
    for (name, call) in calls.iter() {
        let Some(source) = call["source"].as_str() else {
            continue;
        };
        if !(source.starts_with("./") || source.starts_with("../")) {
            continue;
        }
        let child_rel = normalize(&rel_dir.join(source));
        if child_rel.starts_with("..") || child_rel.is_absolute() {
            continue;
        }
        let child_dir = normalize(&dir.join(source));
        let child_prefix = format!("{prefix}module.{name}.");
        module_lines(
            &child_dir,
            &child_rel,
            &child_prefix,
            &call["module"],
            depth + 1,
            out,
        );
    }
}

/// `module.db[0].aws_x.y["a"]` as `module.db.aws_x.y`.
fn without_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
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
            let base_address = without_keys(address);
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
