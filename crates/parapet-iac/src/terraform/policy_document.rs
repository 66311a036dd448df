//! `data "aws_iam_policy_document"`: the statement blocks rendered as the
//! JSON policy AWS receives, so policy rules read it like any other policy.

use std::collections::BTreeMap;

use crate::value::Value;

/// The `json` attribute of the data source; unknown parts are written as
/// "(known after apply)" and judged by `Draft::put_policy`.
pub(crate) fn build(body: &BTreeMap<String, Value>) -> Value {
    let body = Value::Map(body.clone());
    let mut statements = Vec::new();
    for statement in body.blocks("statement") {
        let mut out = BTreeMap::new();
        if let Some(sid) = statement.get("sid") {
            out.insert("Sid".to_string(), sid.clone());
        }
        let effect = statement
            .get("effect")
            .cloned()
            .unwrap_or(Value::str("Allow"));
        out.insert("Effect".to_string(), effect);
        for (key, name) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(value) = statement.get(key) {
                out.insert(name.to_string(), value.clone());
            }
        }
        for (key, name) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let blocks = statement.blocks(key);
            if !blocks.is_empty() {
                out.insert(name.to_string(), principals(&blocks));
            }
        }
        let conditions = statement.blocks("condition");
        if !conditions.is_empty() {
            out.insert("Condition".to_string(), condition(&conditions));
        }
        statements.push(Value::Map(out));
    }
    let document = Value::Map(BTreeMap::from([
        ("Version".to_string(), Value::str("2012-10-17")),
        ("Statement".to_string(), Value::List(statements)),
    ]));
    Value::Str(document.to_json_lossy())
}

fn principals(blocks: &[&Value]) -> Value {
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    for block in blocks {
        let kind = block.get("type").and_then(Value::as_str).unwrap_or("AWS");
        let identifiers = block
            .get("identifiers")
            .cloned()
            .unwrap_or(Value::List(Vec::new()));
        // `type = "*"` with `identifiers = ["*"]` is the anonymous principal.
        if kind == "*" {
            return Value::str("*");
        }
        if let Value::List(list) = out
            .entry(kind.to_string())
            .or_insert(Value::List(Vec::new()))
        {
            match identifiers {
                Value::List(items) => list.extend(items),
                other => list.push(other),
            }
        }
    }
    Value::Map(out)
}

fn condition(blocks: &[&Value]) -> Value {
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    for block in blocks {
        let (Some(test), Some(variable)) = (
            block.get("test").and_then(Value::to_text),
            block.get("variable").and_then(Value::to_text),
        ) else {
            return Value::unknown();
        };
        let values = block
            .get("values")
            .cloned()
            .unwrap_or(Value::List(Vec::new()));
        if let Value::Map(tests) = out.entry(test).or_insert(Value::Map(BTreeMap::new())) {
            tests.insert(variable, values);
        }
    }
    Value::Map(out)
}
