//! JSON helpers for exports: values that are sometimes objects and
//! sometimes JSON text, and conversion into attribute values.

use sonic_rs::{JsonValueTrait, Value};

/// AWS Config writes some nested documents as JSON strings: parse those.
pub(crate) fn object_or_text(value: Option<&Value>) -> Option<Value> {
    let value = value?;
    match value.as_str() {
        Some(text) => sonic_rs::from_str::<Value>(text)
            .ok()
            .filter(|v| v.is_object() || v.is_array()),
        None => Some(value.clone()),
    }
}

/// A value at a dotted path of object keys.
pub(crate) fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

pub(crate) fn text(value: &Value, path: &str) -> Option<String> {
    at(value, path).and_then(|v| v.as_str()).map(str::to_string)
}

pub(crate) fn flag(value: &Value, path: &str) -> Option<bool> {
    at(value, path).and_then(|v| v.as_bool())
}
