//! The value of an IaC expression once evaluated. Unlike JSON it can be
//! `Unknown`: a reference to something only known after apply (an id, an
//! ARN), an input nobody set, a function Parapet does not evaluate. Unknown
//! remembers which resource it points at, so a bucket policy written as
//! `bucket = aws_s3_bucket.logs.id` still finds its bucket.

use std::collections::BTreeMap;

use parapet_core::AttrValue;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    /// Not known before apply; `Some(address)` when it is an attribute of
    /// that resource (`aws_s3_bucket.logs`).
    Unknown(Option<String>),
}

impl Value {
    pub fn unknown() -> Value {
        Value::Unknown(None)
    }

    pub fn str(text: impl Into<String>) -> Value {
        Value::Str(text.into())
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// Whether an unknown hides anywhere inside.
    pub fn has_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::List(items) => items.iter().any(Value::has_unknown),
            Value::Map(map) => map.values().any(Value::has_unknown),
            _ => false,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Terraform converts freely between strings, numbers and bools.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        let n = self.as_f64()?;
        (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?.get(key)
    }

    /// The first map of a nested block (`metadata_options { ... }` is a
    /// one-element list), or the value itself when it is a map.
    pub fn block(&self, key: &str) -> Option<&Value> {
        match self.get(key)? {
            Value::List(items) => items.first(),
            other @ Value::Map(_) => Some(other),
            _ => None,
        }
    }

    /// All maps of a repeated nested block.
    pub fn blocks(&self, key: &str) -> Vec<&Value> {
        match self.get(key) {
            Some(Value::List(items)) => items.iter().collect(),
            Some(other @ Value::Map(_)) => vec![other],
            _ => Vec::new(),
        }
    }

    /// The value as text for templates and map keys; None for what has no
    /// string form (lists, maps, unknown).
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Null => Some(String::new()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(number_text(*n)),
            Value::Str(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// The attribute value a rule reads; None when anything inside is
    /// unknown (partly known lists stay unknown as a whole: a rule must not
    /// pass a group because the one unresolved CIDR was left out).
    pub fn to_attr(&self) -> Option<AttrValue> {
        Some(match self {
            Value::Null => AttrValue::Null,
            Value::Bool(b) => AttrValue::Bool(*b),
            Value::Number(n) => match self.as_i64() {
                Some(i) => AttrValue::Int(i),
                None => AttrValue::Float(*n),
            },
            Value::Str(s) => AttrValue::Str(s.clone()),
            Value::List(items) => {
                AttrValue::List(items.iter().map(Value::to_attr).collect::<Option<_>>()?)
            }
            Value::Map(map) => AttrValue::Map(
                map.iter()
                    .map(|(k, v)| Some((k.clone(), v.to_attr()?)))
                    .collect::<Option<_>>()?,
            ),
            Value::Unknown(_) => return None,
        })
    }

    /// A JSON document as a value.
    pub fn from_json(value: &sonic_rs::Value) -> Value {
        use sonic_rs::{JsonNumberTrait, ValueRef};
        match value.as_ref() {
            ValueRef::Null => Value::Null,
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Number(n) => Value::Number(n.as_f64().unwrap_or_default()),
            ValueRef::String(s) => Value::str(s),
            ValueRef::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            ValueRef::Object(obj) => Value::Map(
                obj.iter()
                    .map(|(k, v)| (k.to_string(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// The value as JSON text; None when unknown inside.
    pub fn to_json(&self) -> Option<String> {
        let mut out = String::new();
        write_json(self, &mut out, false)?;
        Some(out)
    }

    /// The value as JSON text with each unknown written as
    /// [`KNOWN_AFTER_APPLY`] (`jsonencode` of a policy whose resource ARNs
    /// only exist after apply).
    pub fn to_json_lossy(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out, true);
        out
    }
}

/// What an unknown becomes in JSON text, as Terraform shows it.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// `3` rather than `3.0`, as Terraform prints whole numbers.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn write_json(value: &Value, out: &mut String, lossy: bool) -> Option<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_text(*n)),
        Value::Str(s) => out.push_str(&sonic_rs::to_string(s).ok()?),
        Value::List(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write_json(item, out, lossy)?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (n, (key, item)) in map.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&sonic_rs::to_string(key).ok()?);
                out.push(':');
                write_json(item, out, lossy)?;
            }
            out.push('}');
        }
        Value::Unknown(_) if lossy => out.push_str(&format!("{KNOWN_AFTER_APPLY:?}")),
        Value::Unknown(_) => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_anywhere_makes_the_attribute_unknown() {
        let known = Value::List(vec![Value::str("10.0.0.0/8"), Value::Number(22.0)]);
        assert_eq!(
            known.to_attr(),
            Some(AttrValue::List(vec![
                AttrValue::Str("10.0.0.0/8".into()),
                AttrValue::Int(22)
            ]))
        );
        let partly = Value::List(vec![Value::str("10.0.0.0/8"), Value::unknown()]);
        assert_eq!(partly.to_attr(), None);
    }

    #[test]
    fn json_round_trip_keeps_numbers_whole() {
        let doc = Value::Map(BTreeMap::from([
            ("Version".to_string(), Value::str("2012-10-17")),
            ("n".to_string(), Value::Number(3.0)),
        ]));
        assert_eq!(
            doc.to_json().as_deref(),
            Some(r#"{"Version":"2012-10-17","n":3}"#)
        );
    }
}
