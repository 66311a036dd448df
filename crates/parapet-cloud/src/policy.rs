//! IAM-style policy documents: kept as parsed structure, and the principals
//! they grant to, which become relations.

use parapet_core::{AttrOrigin, AttrValue, Resource};
use sonic_rs::{JsonContainerTrait, JsonNumberTrait, JsonValueTrait, Value, ValueRef};

/// A JSON text as an attribute value (a string when it does not parse).
pub(crate) fn json_attr(text: &str) -> AttrValue {
    match sonic_rs::from_str::<Value>(text) {
        Ok(value) => value_to_attr(&value),
        Err(_) => AttrValue::Str(text.to_string()),
    }
}

pub(crate) fn value_to_attr(value: &Value) -> AttrValue {
    match value.as_ref() {
        ValueRef::Null => AttrValue::Null,
        ValueRef::Bool(b) => AttrValue::Bool(b),
        ValueRef::Number(n) => match n.as_i64() {
            Some(i) => AttrValue::Int(i),
            None => AttrValue::Float(n.as_f64().unwrap_or_default()),
        },
        ValueRef::String(s) => AttrValue::Str(s.to_string()),
        ValueRef::Array(items) => AttrValue::List(items.iter().map(value_to_attr).collect()),
        ValueRef::Object(obj) => AttrValue::Map(
            obj.iter()
                .map(|(k, v)| (k.to_string(), value_to_attr(v)))
                .collect(),
        ),
    }
}

/// Records a resource policy: the document as `policy`, the principals it
/// allows as `policy.principals` and as `grants-access-to` relations.
pub(crate) fn record_policy(r: &mut Resource, document: &str, origin: &AttrOrigin) {
    let principals = allowed_principals(document);
    for principal in &principals {
        r.relate("grants-access-to", principal.clone());
    }
    r.set("policy", json_attr(document), origin);
    r.set("policy.principals", principals, origin);
}

/// Principals (`AWS`, `Service`, `Federated`, or `*`) that Allow statements
/// of a policy or trust document name, sorted and unique.
pub(crate) fn allowed_principals(document: &str) -> Vec<String> {
    let Ok(policy) = sonic_rs::from_str::<Value>(document) else {
        return Vec::new();
    };
    let statements: Vec<&Value> = match policy.get("Statement") {
        Some(s) if s.is_array() => s.as_array().map(|a| a.iter().collect()).unwrap_or_default(),
        Some(s) => vec![s],
        None => Vec::new(),
    };
    let mut principals = Vec::new();
    for statement in statements {
        if statement.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
            continue;
        }
        match statement.get("Principal") {
            Some(p) if p.as_str() == Some("*") => principals.push("*".to_string()),
            Some(p) => {
                for kind in ["AWS", "Service", "Federated", "CanonicalUser"] {
                    match p.get(kind) {
                        Some(v) if v.is_array() => principals.extend(
                            v.as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|x| x.as_str())
                                .map(str::to_string),
                        ),
                        Some(v) => principals.extend(v.as_str().map(str::to_string)),
                        None => {}
                    }
                }
            }
            None => {}
        }
    }
    principals.sort();
    principals.dedup();
    principals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_allowed_principals() {
        let trust = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
            {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999:root","arn:aws:iam::888:role/x"]},"Action":"sts:AssumeRole"},
            {"Effect":"Deny","Principal":"*","Action":"*"}]}"#;
        assert_eq!(
            allowed_principals(trust),
            [
                "arn:aws:iam::888:role/x",
                "arn:aws:iam::999:root",
                "ec2.amazonaws.com"
            ]
        );
        assert_eq!(
            allowed_principals(r#"{"Statement":{"Effect":"Allow","Principal":"*"}}"#),
            ["*"]
        );
        assert!(allowed_principals("not json").is_empty());
        assert!(matches!(
            json_attr(r#"{"a":[1,true,"x"]}"#),
            AttrValue::Map(_)
        ));
    }
}
