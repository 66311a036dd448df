//! CloudFormation templates, YAML or JSON (JSON is read by the YAML parser
//! so every value keeps its line). Parameters take their defaults;
//! conditions are evaluated; a resource whose condition is false is not
//! deployed and not checked.

mod aws;
mod intrinsics;

use std::collections::BTreeMap;

use parapet_core::Span;

use crate::declared::Declared;
use crate::error::IacError;
use crate::scan::IacScan;
use crate::value::Value;
use crate::yaml::{read_documents, Node};
use intrinsics::Template;

pub(crate) fn is_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
}

/// One resource of the template, evaluated.
pub(crate) struct CfnResource<'a> {
    pub logical_id: String,
    pub kind: String,
    pub node: &'a Node,
    pub properties: Value,
    /// Line of each top-level property.
    pub lines: BTreeMap<String, u32>,
}

pub(crate) fn read_template(rel: &str, text: &str, scan: &mut IacScan) {
    let Some(documents) = read_documents(rel, text, &mut scan.errors) else {
        return;
    };
    let Some(root) = documents.first() else {
        return;
    };
    let Some(resources) = root.get("Resources") else {
        return;
    };
    let mut template = Template {
        parameters: BTreeMap::new(),
        mappings: root.get("Mappings"),
        conditions: BTreeMap::new(),
        condition_nodes: root.get("Conditions"),
        resources: resources.entries().iter().map(|(k, _)| k.clone()).collect(),
    };
    for (name, parameter) in root
        .get("Parameters")
        .map(Node::entries)
        .unwrap_or_default()
    {
        let value = match parameter.get("Default") {
            Some(default) => template.eval(default),
            None => Value::unknown(),
        };
        template.parameters.insert(name.clone(), value);
    }
    let names: Vec<String> = template
        .condition_nodes
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    for name in names {
        let value = template.condition(&name, 0);
        template.conditions.insert(name, value);
    }
    let mut evaluated = Vec::new();
    for (logical_id, node) in resources.entries() {
        let Some(kind) = node.get("Type").and_then(Node::as_str) else {
            scan.errors.push(IacError::new(
                rel,
                node.line,
                node.column,
                format!("resource `{logical_id}` has no Type"),
            ));
            continue;
        };
        let condition = node.get("Condition").and_then(Node::as_str);
        if condition.is_some_and(|c| template.condition(c, 0) == Some(false)) {
            continue;
        }
        let properties_node = node.get("Properties");
        let properties = properties_node
            .map(|p| template.eval(p))
            .unwrap_or(Value::Map(BTreeMap::new()));
        let lines = properties_node
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (k.clone(), v.line))
            .collect();
        evaluated.push(CfnResource {
            logical_id: logical_id.clone(),
            kind: kind.to_string(),
            node,
            properties,
            lines,
        });
    }
    for (resource, cfn) in aws::to_resources(rel, &evaluated) {
        scan.resources.push(Declared {
            resource,
            location: Span {
                path: rel.to_string(),
                line: cfn.node.line,
                column: cfn.node.column,
            },
            end_line: cfn.node.last_line(),
        });
    }
}
