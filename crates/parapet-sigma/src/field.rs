//! Field paths into JSON events: `requestParameters.ipPermissions.items.cidrIp`
//! walks nested objects, and every array on the way fans out to its elements.

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value, ValueRef};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldPath {
    pub(crate) name: String,
    segments: Vec<String>,
}

impl FieldPath {
    pub(crate) fn new(name: &str) -> Self {
        FieldPath {
            name: name.to_string(),
            segments: name.split('.').map(str::to_string).collect(),
        }
    }

    /// Calls `visit` on each scalar (or object) the path reaches, arrays
    /// flattened, until it returns true. A key that itself contains dots
    /// (`"a.b": 1`) is found too, when the nested walk finds nothing.
    pub(crate) fn any(&self, event: &Value, visit: &mut dyn FnMut(&Value) -> bool) -> bool {
        let mut reached = false;
        let found = walk(event, &self.segments, &mut |v| {
            reached = true;
            visit(v)
        });
        if found || reached || self.segments.len() == 1 {
            return found;
        }
        match event.get(self.name.as_str()) {
            Some(v) => visit_flat(v, visit),
            None => false,
        }
    }

    /// True when the path reaches any value, null included.
    pub(crate) fn exists(&self, event: &Value) -> bool {
        self.any(event, &mut |_| true)
    }

    /// The first string-like value at the path, as text.
    pub(crate) fn first_text(&self, event: &Value) -> Option<String> {
        let mut out = None;
        self.any(event, &mut |v| {
            out = with_text(v, |s| s.to_string());
            out.is_some()
        });
        out
    }
}

fn walk(value: &Value, segments: &[String], visit: &mut dyn FnMut(&Value) -> bool) -> bool {
    let Some((head, rest)) = segments.split_first() else {
        return visit_flat(value, visit);
    };
    match value.as_ref() {
        ValueRef::Object(obj) => match obj.get(head) {
            Some(child) => walk(child, rest, visit),
            None => false,
        },
        ValueRef::Array(items) => items.iter().any(|item| walk(item, segments, visit)),
        _ => false,
    }
}

fn visit_flat(value: &Value, visit: &mut dyn FnMut(&Value) -> bool) -> bool {
    match value.as_array() {
        Some(items) => items.iter().any(|item| visit_flat(item, visit)),
        None => visit(value),
    }
}

/// Runs `f` on the text of a scalar: strings as they are, numbers and booleans
/// in their JSON spelling. Null, objects and arrays have no text.
pub(crate) fn with_text<R>(value: &Value, f: impl FnOnce(&str) -> R) -> Option<R> {
    match value.as_ref() {
        ValueRef::String(s) => Some(f(s)),
        ValueRef::Number(n) => Some(f(&n.to_string())),
        ValueRef::Bool(true) => Some(f("true")),
        ValueRef::Bool(false) => Some(f("false")),
        _ => None,
    }
}

/// Every scalar of the event, depth first: what keyword searches look at.
pub(crate) fn any_scalar(value: &Value, visit: &mut dyn FnMut(&Value) -> bool) -> bool {
    match value.as_ref() {
        ValueRef::Object(obj) => obj.iter().any(|(_, v)| any_scalar(v, visit)),
        ValueRef::Array(items) => items.iter().any(|v| any_scalar(v, visit)),
        _ => visit(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(path: &str, json: &str) -> Vec<String> {
        let event: Value = sonic_rs::from_str(json).unwrap();
        let mut out = Vec::new();
        FieldPath::new(path).any(&event, &mut |v| {
            out.push(with_text(v, str::to_string).unwrap_or_else(|| "<none>".into()));
            false
        });
        out
    }

    #[test]
    fn walks_objects_and_fans_out_over_arrays() {
        let json = r#"{"a":{"items":[{"ip":"1.1.1.1"},{"ip":["2.2.2.2","3.3.3.3"]}]},"n":5,"b":true,"x.y":"dotted"}"#;
        assert_eq!(texts("a.items.ip", json), ["1.1.1.1", "2.2.2.2", "3.3.3.3"]);
        assert_eq!(texts("n", json), ["5"]);
        assert_eq!(texts("b", json), ["true"]);
        assert_eq!(texts("x.y", json), ["dotted"]);
        assert!(texts("a.missing", json).is_empty());
    }
}
