//! CloudFormation intrinsic functions, long (`Fn::Sub`) and short (`!Sub`)
//! form, resolved against parameter defaults, mappings and conditions.
//! What only a deployed stack knows (resource ids, attributes, imports,
//! the account and region) is Unknown.

use std::collections::BTreeMap;

use crate::value::{number_text, Value};
use crate::yaml::{Node, Yaml};

/// Nesting of intrinsic evaluation past which a value is Unknown.
const MAX_DEPTH: u32 = 64;

pub(crate) struct Template<'a> {
    pub parameters: BTreeMap<String, Value>,
    pub mappings: Option<&'a Node>,
    pub conditions: BTreeMap<String, Option<bool>>,
    pub condition_nodes: Option<&'a Node>,
    pub resources: Vec<String>,
}

/// `AWS::NoValue`: the property is removed.
pub(crate) const NO_VALUE: &str = "\u{0}AWS::NoValue";

impl Template<'_> {
    pub fn eval(&self, node: &Node) -> Value {
        self.eval_at(node, 0)
    }

    fn eval_at(&self, node: &Node, depth: u32) -> Value {
        if depth > MAX_DEPTH {
            return Value::unknown();
        }
        if let Some(tag) = &node.tag {
            let name = if tag == "Ref" || tag == "Condition" {
                tag.clone()
            } else {
                format!("Fn::{tag}")
            };
            return self.function(&name, node, depth);
        }
        match &node.value {
            Yaml::Null => Value::Null,
            Yaml::Bool(b) => Value::Bool(*b),
            Yaml::Int(n) => Value::Number(*n as f64),
            Yaml::Float(x) => Value::Number(*x),
            Yaml::Str(s) => Value::Str(s.clone()),
            Yaml::Seq(items) => Value::List(
                items
                    .iter()
                    .map(|i| self.eval_at(i, depth + 1))
                    .filter(|v| v.as_str() != Some(NO_VALUE))
                    .collect(),
            ),
            Yaml::Map(entries) => {
                if let [(key, arg)] = entries.as_slice() {
                    if key == "Ref" || key.starts_with("Fn::") {
                        return self.function(key, arg, depth);
                    }
                }
                Value::Map(
                    entries
                        .iter()
                        .map(|(k, v)| (k.clone(), self.eval_at(v, depth + 1)))
                        .filter(|(_, v)| v.as_str() != Some(NO_VALUE))
                        .collect(),
                )
            }
        }
    }

    /// An intrinsic applied to its argument node.
    fn function(&self, name: &str, arg: &Node, depth: u32) -> Value {
        let plain = Node {
            tag: None,
            ..arg.clone()
        };
        let value = || self.eval_at(&plain, depth + 1);
        match name {
            "Ref" => match arg.as_str() {
                Some(name) => self.reference(name),
                None => Value::unknown(),
            },
            "Fn::GetAtt" => {
                let target = match &arg.value {
                    Yaml::Str(s) => s.split('.').next().map(str::to_string),
                    Yaml::Seq(items) => items.first().and_then(Node::as_str).map(str::to_string),
                    _ => None,
                };
                Value::Unknown(target)
            }
            "Fn::Sub" => self.sub(&plain, depth),
            "Fn::Join" => match value() {
                Value::List(parts) if parts.len() == 2 => {
                    let (Some(sep), Some(items)) = (parts[0].to_text(), parts[1].as_list()) else {
                        return Value::unknown();
                    };
                    let texts: Option<Vec<String>> = items.iter().map(Value::to_text).collect();
                    texts
                        .map(|t| Value::Str(t.join(&sep)))
                        .unwrap_or_else(Value::unknown)
                }
                _ => Value::unknown(),
            },
            "Fn::Select" => match value() {
                Value::List(parts) if parts.len() == 2 => {
                    match (parts[0].as_i64(), parts[1].as_list()) {
                        (Some(n), Some(items)) if n >= 0 => items
                            .get(n as usize)
                            .cloned()
                            .unwrap_or_else(Value::unknown),
                        _ => Value::unknown(),
                    }
                }
                _ => Value::unknown(),
            },
            "Fn::Split" => match value() {
                Value::List(parts) if parts.len() == 2 => {
                    match (parts[0].as_str(), parts[1].as_str()) {
                        (Some(sep), Some(text)) if !sep.is_empty() => {
                            Value::List(text.split(sep).map(Value::str).collect())
                        }
                        _ => Value::unknown(),
                    }
                }
                _ => Value::unknown(),
            },
            "Fn::If" => {
                let items = arg.items();
                let (Some(cond), Some(yes), Some(no)) = (
                    items.first().and_then(Node::as_str),
                    items.get(1),
                    items.get(2),
                ) else {
                    return Value::unknown();
                };
                match self.condition(cond, depth) {
                    Some(true) => self.eval_at(yes, depth + 1),
                    Some(false) => self.eval_at(no, depth + 1),
                    None => {
                        let (a, b) = (self.eval_at(yes, depth + 1), self.eval_at(no, depth + 1));
                        if a == b {
                            a
                        } else {
                            Value::unknown()
                        }
                    }
                }
            }
            "Fn::FindInMap" => match value() {
                Value::List(parts) if parts.len() >= 3 => {
                    let keys: Option<Vec<String>> = parts[..3].iter().map(Value::to_text).collect();
                    let found = keys.and_then(|k| {
                        self.mappings?
                            .get(&k[0])?
                            .get(&k[1])?
                            .get(&k[2])
                            .map(|n| self.eval_at(n, depth + 1))
                    });
                    found
                        .or_else(|| parts.get(3).and_then(|d| d.get("DefaultValue").cloned()))
                        .unwrap_or_else(Value::unknown)
                }
                _ => Value::unknown(),
            },
            "Fn::Base64" => value(),
            "Condition" => match arg.as_str().and_then(|c| self.condition(c, depth)) {
                Some(b) => Value::Bool(b),
                None => Value::unknown(),
            },
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => match self.logic(name, arg, depth) {
                Some(b) => Value::Bool(b),
                None => Value::unknown(),
            },
            // Fn::ImportValue, Fn::GetAZs, Fn::Cidr, Fn::Transform, ...
            _ => Value::unknown(),
        }
    }

    fn reference(&self, name: &str) -> Value {
        match name {
            "AWS::NoValue" => Value::str(NO_VALUE),
            "AWS::Partition" => Value::str("aws"),
            "AWS::URLSuffix" => Value::str("amazonaws.com"),
            _ if self.parameters.contains_key(name) => self.parameters[name].clone(),
            _ if self.resources.iter().any(|r| r == name) => Value::Unknown(Some(name.to_string())),
            // AWS::Region, AWS::AccountId, AWS::StackName, ...
            _ => Value::unknown(),
        }
    }

    /// `${Param}`, `${Resource.Attr}`, `${AWS::Region}`, `${!Literal}`.
    fn sub(&self, arg: &Node, depth: u32) -> Value {
        let (text, vars) = match &arg.value {
            Yaml::Str(s) => (s.clone(), BTreeMap::new()),
            Yaml::Seq(items) if items.len() == 2 => {
                let Some(text) = items[0].as_str() else {
                    return Value::unknown();
                };
                let vars = match self.eval_at(&items[1], depth + 1) {
                    Value::Map(map) => map,
                    _ => BTreeMap::new(),
                };
                (text.to_string(), vars)
            }
            _ => return Value::unknown(),
        };
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let value = match vars.get(name) {
                    Some(v) => v.clone(),
                    None if name.contains('.') && !name.starts_with("AWS::") => Value::unknown(),
                    None => self.reference(name),
                };
                match value.to_text() {
                    Some(text) => out.push_str(&text),
                    None => return Value::unknown(),
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Value::Str(out)
    }

    pub fn condition(&self, name: &str, depth: u32) -> Option<bool> {
        if let Some(known) = self.conditions.get(name) {
            return *known;
        }
        let node = self.condition_nodes?.get(name)?;
        self.truth(node, depth + 1)
    }

    fn truth(&self, node: &Node, depth: u32) -> Option<bool> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eval_at(node, depth).as_bool()
    }

    fn logic(&self, name: &str, arg: &Node, depth: u32) -> Option<bool> {
        let items = arg.items();
        match name {
            "Fn::Equals" => {
                let (a, b) = (
                    self.eval_at(items.first()?, depth + 1),
                    self.eval_at(items.get(1)?, depth + 1),
                );
                if a.has_unknown() || b.has_unknown() {
                    return None;
                }
                Some(text_of(&a) == text_of(&b))
            }
            "Fn::Not" => self.truth(items.first()?, depth + 1).map(|b| !b),
            "Fn::And" => {
                let values: Vec<Option<bool>> =
                    items.iter().map(|i| self.truth(i, depth + 1)).collect();
                if values.contains(&Some(false)) {
                    Some(false)
                } else if values.iter().all(Option::is_some) {
                    Some(true)
                } else {
                    None
                }
            }
            "Fn::Or" => {
                let values: Vec<Option<bool>> =
                    items.iter().map(|i| self.truth(i, depth + 1)).collect();
                if values.contains(&Some(true)) {
                    Some(true)
                } else if values.iter().all(Option::is_some) {
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

/// CloudFormation compares scalars as strings (`"22" == 22`).
fn text_of(value: &Value) -> String {
    match value {
        Value::Number(n) => number_text(*n),
        other => other.to_text().unwrap_or_default(),
    }
}
