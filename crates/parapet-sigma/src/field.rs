//! Field paths into JSON events: `requestParameters.ipPermissions.items.cidrIp`
//! walks nested objects, and every array on the way fans out to its elements.

use sonic_rs::{JsonContainerTrait, Value, ValueRef};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldPath {
    /// The name as the rule writes it.
    pub(crate) name: String,
    /// Where the event keeps it: the name itself, or what a field-mapping
    /// pipeline turned it into (one or more fields, any of which may hold it).
    places: Vec<Place>,
    /// Object keys are compared without regard to ASCII case.
    fold_case: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    name: String,
    segments: Vec<String>,
}

impl Place {
    fn new(name: &str) -> Self {
        Place {
            name: name.to_string(),
            segments: name.split('.').map(str::to_string).collect(),
        }
    }
}

impl FieldPath {
    pub(crate) fn new(name: &str) -> Self {
        FieldPath {
            name: name.to_string(),
            places: vec![Place::new(name)],
            fold_case: false,
        }
    }

    /// The event field this path reads, when it reads exactly one.
    pub(crate) fn single_place(&self) -> Option<&str> {
        match self.places.as_slice() {
            [one] if !self.fold_case => Some(&one.name),
            _ => None,
        }
    }

    /// Names of the event fields this path reads.
    pub(crate) fn place_names(&self) -> impl Iterator<Item = &str> {
        self.places.iter().map(|p| p.name.as_str())
    }

    /// Reads the field from `names` instead (a field-mapping pipeline).
    pub(crate) fn relocate(&mut self, names: &[String]) {
        self.places = names.iter().map(|n| Place::new(n)).collect();
    }

    pub(crate) fn fold_case(&mut self) {
        self.fold_case = true;
    }

    /// Calls `visit` on each scalar (or object) the path reaches, arrays
    /// flattened, until it returns true. A key that itself contains dots
    /// (`"a.b": 1`) is found too, when the nested walk finds nothing.
    pub(crate) fn any(&self, event: &Value, visit: &mut dyn FnMut(&Value) -> bool) -> bool {
        self.places
            .iter()
            .any(|place| self.any_at(place, event, visit))
    }

    fn any_at(&self, place: &Place, event: &Value, visit: &mut dyn FnMut(&Value) -> bool) -> bool {
        let mut reached = false;
        let found = walk(event, &place.segments, self.fold_case, &mut |v| {
            reached = true;
            visit(v)
        });
        if found || reached || place.segments.len() == 1 {
            return found;
        }
        match child(event, &place.name, self.fold_case) {
            Some(v) => visit_flat(v, visit),
            None => false,
        }
    }

    /// True when the path reaches any value, null included.
    pub(crate) fn exists(&self, event: &Value) -> bool {
        self.any(event, &mut |_| true)
    }

    /// Appends the first string-like value at the path to `out`; false when
    /// there is none.
    pub(crate) fn append_text(&self, event: &Value, out: &mut String) -> bool {
        self.any(event, &mut |v| with_text(v, |s| out.push_str(s)).is_some())
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

fn child<'a>(value: &'a Value, key: &str, fold_case: bool) -> Option<&'a Value> {
    let obj = value.as_object()?;
    match obj.get(&key) {
        Some(found) => Some(found),
        None if fold_case => obj
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v),
        None => None,
    }
}

fn walk(
    value: &Value,
    segments: &[String],
    fold_case: bool,
    visit: &mut dyn FnMut(&Value) -> bool,
) -> bool {
    let Some((head, rest)) = segments.split_first() else {
        return visit_flat(value, visit);
    };
    match value.as_ref() {
        ValueRef::Object(_) => match child(value, head, fold_case) {
            Some(next) => walk(next, rest, fold_case, visit),
            None => false,
        },
        ValueRef::Array(items) => items
            .iter()
            .any(|item| walk(item, segments, fold_case, visit)),
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

    #[test]
    fn relocated_and_case_folded_paths() {
        let event: Value =
            sonic_rs::from_str(r#"{"Properties":{"Message":"m"},"other":"o"}"#).unwrap();
        let mut path = FieldPath::new("properties.message");
        assert!(!path.exists(&event));
        path.fold_case();
        assert!(path.exists(&event));
        let mut path = FieldPath::new("msg");
        path.relocate(&["nowhere".into(), "other".into()]);
        assert_eq!(path.first_text(&event).as_deref(), Some("o"));
        assert_eq!(path.single_place(), None);
    }
}
