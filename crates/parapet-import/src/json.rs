//! JSON helpers for exports: values that are sometimes objects and
//! sometimes JSON text, and conversion into attribute values.

use parapet_core::{too_deep, MAX_JSON_DEPTH};
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

/// Records of an export, each with its place, parsed or why not.
pub(crate) type Records = Vec<(String, Result<Value, String>)>;

/// The records of an export: a JSON array, an object holding the array
/// under one of `keys`, or one JSON object per line (JSONL). Each record
/// comes with its place (`data[3]`, `line 7`) for error messages.
pub(crate) fn records(
    source_name: &str,
    bytes: &[u8],
    keys: &[&str],
) -> Result<Records, crate::aws_config::ImportError> {
    use sonic_rs::JsonContainerTrait;
    // A document nested too deep is not parsed whole (it would overflow the
    // stack); read line by line, each line is judged on its own.
    let whole: Result<Value, _> = match too_deep(bytes) {
        true => Err(()),
        false => sonic_rs::from_slice(bytes).map_err(|_| ()),
    };
    if let Ok(value) = whole {
        if let Some(items) = value.as_array() {
            return Ok(items
                .iter()
                .enumerate()
                .map(|(n, v)| (format!("[{n}]"), Ok(v.clone())))
                .collect());
        }
        for key in keys {
            if let Some(items) = value.get(*key).and_then(|v| v.as_array()) {
                return Ok(items
                    .iter()
                    .enumerate()
                    .map(|(n, v)| (format!("{key}[{n}]"), Ok(v.clone())))
                    .collect());
            }
        }
        if value.is_object() && !bytes.contains(&b'\n') {
            return Ok(vec![("record".to_string(), Ok(value))]);
        }
    }
    let mut out = Vec::new();
    let mut parsed_any = false;
    for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if too_deep(line) {
            let reason = format!("JSON nested deeper than {MAX_JSON_DEPTH} levels");
            out.push((format!("line {}", n + 1), Err(reason)));
            continue;
        }
        match sonic_rs::from_slice::<Value>(line) {
            Ok(value) => {
                parsed_any = true;
                out.push((format!("line {}", n + 1), Ok(value)));
            }
            Err(e) => out.push((format!("line {}", n + 1), Err(format!("not JSON: {e}")))),
        }
    }
    if !parsed_any {
        let first = out
            .iter()
            .find_map(|(place, record)| record.as_ref().err().map(|e| format!(" ({place}: {e})")));
        return Err(crate::aws_config::ImportError::Json {
            source_name: source_name.to_string(),
            reason: format!(
                "neither a JSON document nor JSON lines{}",
                first.unwrap_or_default()
            ),
        });
    }
    Ok(out)
}

/// An object of string values (tags, labels) as a sorted map; other values
/// are left out.
pub(crate) fn string_map(value: Option<&Value>) -> std::collections::BTreeMap<String, String> {
    use sonic_rs::JsonContainerTrait;
    value
        .and_then(|v| v.as_object())
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Every field of an exported object as `PREFIX.field` attributes, so what
/// Parapet does not normalize is still there for custom rules.
pub(crate) fn keep_fields(
    r: &mut parapet_core::Resource,
    prefix: &str,
    value: &Value,
    origin: &parapet_core::AttrOrigin,
) {
    use sonic_rs::JsonContainerTrait;
    for (key, field) in value.as_object().into_iter().flat_map(|o| o.iter()) {
        r.set(
            &format!("{prefix}.{key}"),
            parapet_core::AttrValue::from_json(field),
            origin,
        );
    }
}

/// The normalized attributes of a table `(selector, attribute, path)` whose
/// selector is `selector`: each read from `path` in `source` (null when absent).
pub(crate) fn set_paths(
    r: &mut parapet_core::Resource,
    table: &[(&str, &str, &str)],
    selector: &str,
    source: &Value,
    origin: &parapet_core::AttrOrigin,
) {
    use parapet_core::AttrValue;
    for (_, attribute, path) in table.iter().filter(|(s, _, _)| *s == selector) {
        let value = at(source, path).map_or(AttrValue::Null, AttrValue::from_json);
        r.set(attribute, value, origin);
    }
}
