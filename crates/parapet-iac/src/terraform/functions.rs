//! Terraform's built-in functions that templates use to compute settings.
//! Functions that read files, the clock, randomness or need crypto return
//! Unknown: a scan never reads outside the tree nor depends on the time.

use std::collections::BTreeMap;

use super::eval::{Eval, Invalid, MAX_ELEMENTS};
use crate::value::Value;

pub(crate) fn call(name: &str, args: Vec<Value>) -> Eval {
    // Any unknown argument makes the result unknown, except for the
    // functions that pass unknown elements through untouched.
    if name == "jsonencode" {
        // Policies reference ARNs only apply knows; the document is still
        // worth reading (see `Draft::put_policy`).
        return match args.first() {
            Some(value) if !value.is_unknown() => Ok(Value::Str(value.to_json_lossy())),
            _ => Ok(Value::unknown()),
        };
    }
    let passes_unknown = matches!(
        name,
        "concat"
            | "merge"
            | "tolist"
            | "toset"
            | "tomap"
            | "length"
            | "coalesce"
            | "compact"
            | "flatten"
    );
    if args.iter().any(Value::is_unknown)
        || (!passes_unknown && args.iter().any(Value::has_unknown))
    {
        return Ok(Value::unknown());
    }
    let mut args = args.into_iter();
    let mut next = || args.next().ok_or(Invalid);
    Ok(match name {
        "lower" => Value::Str(text(next()?)?.to_lowercase()),
        "upper" => Value::Str(text(next()?)?.to_uppercase()),
        "title" => Value::Str(title(&text(next()?)?)),
        "trimspace" => Value::str(text(next()?)?.trim()),
        "chomp" => Value::str(text(next()?)?.trim_end_matches(['\n', '\r'])),
        "trim" => {
            let (s, cut) = (text(next()?)?, text(next()?)?);
            Value::str(s.trim_matches(|c| cut.contains(c)))
        }
        "trimprefix" => {
            let (s, p) = (text(next()?)?, text(next()?)?);
            Value::str(s.strip_prefix(p.as_str()).unwrap_or(&s))
        }
        "trimsuffix" => {
            let (s, p) = (text(next()?)?, text(next()?)?);
            Value::str(s.strip_suffix(p.as_str()).unwrap_or(&s))
        }
        "startswith" => Value::Bool(text(next()?)?.starts_with(&text(next()?)?)),
        "endswith" => Value::Bool(text(next()?)?.ends_with(&text(next()?)?)),
        "strrev" => Value::Str(text(next()?)?.chars().rev().collect()),
        "substr" => {
            let (s, offset, length) = (text(next()?)?, int(next()?)?, int(next()?)?);
            let chars: Vec<char> = s.chars().collect();
            let start = if offset < 0 {
                chars.len() as i64 + offset
            } else {
                offset
            }
            .max(0) as usize;
            let start = start.min(chars.len());
            let end = if length < 0 {
                chars.len()
            } else {
                (start + length as usize).min(chars.len())
            };
            Value::Str(chars[start..end].iter().collect())
        }
        "replace" => {
            let (s, from, to) = (text(next()?)?, text(next()?)?, text(next()?)?);
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                return Ok(Value::unknown()); // regular expressions: not evaluated
            }
            Value::Str(s.replace(&from, &to))
        }
        "split" => {
            let (sep, s) = (text(next()?)?, text(next()?)?);
            Value::List(s.split(sep.as_str()).map(Value::str).collect())
        }
        "join" => {
            let sep = text(next()?)?;
            let mut parts = Vec::new();
            for list in args_rest(next)? {
                for item in list_of(list)? {
                    parts.push(item.to_text().ok_or(Invalid)?);
                }
            }
            Value::Str(parts.join(&sep))
        }
        "format" => format(text(next()?)?, args_rest(next)?)?,
        "tostring" => match next()? {
            Value::Null => Value::Null,
            v => Value::Str(v.to_text().ok_or(Invalid)?),
        },
        "tonumber" => match next()? {
            Value::Null => Value::Null,
            v => Value::Number(v.as_f64().ok_or(Invalid)?),
        },
        "tobool" => match next()? {
            Value::Null => Value::Null,
            v => Value::Bool(v.as_bool().ok_or(Invalid)?),
        },
        "tolist" => Value::List(list_of(next()?)?),
        "toset" => Value::List(distinct(list_of(next()?)?)),
        "tomap" => match next()? {
            v @ Value::Map(_) => v,
            _ => return Err(Invalid),
        },
        "length" => match next()? {
            Value::List(items) => Value::Number(items.len() as f64),
            Value::Map(map) => Value::Number(map.len() as f64),
            Value::Str(s) => Value::Number(s.chars().count() as f64),
            _ => return Err(Invalid),
        },
        "concat" => {
            let mut out = Vec::new();
            for list in args_rest(next)? {
                out.extend(list_of(list)?);
            }
            Value::List(out)
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for map in args_rest(next)? {
                match map {
                    Value::Map(map) => out.extend(map),
                    Value::Null => {}
                    _ => return Err(Invalid),
                }
            }
            Value::Map(out)
        }
        "lookup" => {
            let (map, key) = (next()?, text(next()?)?);
            let default = next().ok();
            match (map.get(&key), default) {
                (Some(value), _) => value.clone(),
                (None, Some(default)) => default,
                (None, None) => return Err(Invalid),
            }
        }
        "element" => {
            let (items, n) = (list_of(next()?)?, int(next()?)?);
            if items.is_empty() || n < 0 {
                return Err(Invalid);
            }
            items[n as usize % items.len()].clone()
        }
        "index" => {
            let (items, wanted) = (list_of(next()?)?, next()?);
            let at = items.iter().position(|i| *i == wanted).ok_or(Invalid)?;
            Value::Number(at as f64)
        }
        "contains" => {
            let (items, wanted) = (list_of(next()?)?, next()?);
            Value::Bool(items.contains(&wanted))
        }
        "keys" => match next()? {
            Value::Map(map) => Value::List(map.into_keys().map(Value::Str).collect()),
            _ => return Err(Invalid),
        },
        "values" => match next()? {
            Value::Map(map) => Value::List(map.into_values().collect()),
            _ => return Err(Invalid),
        },
        "zipmap" => {
            let (keys, values) = (list_of(next()?)?, list_of(next()?)?);
            let mut out = BTreeMap::new();
            for (key, value) in keys.into_iter().zip(values) {
                out.insert(key.to_text().ok_or(Invalid)?, value);
            }
            Value::Map(out)
        }
        "coalesce" => args_rest(next)?
            .into_iter()
            .find(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
            .ok_or(Invalid)?,
        "coalescelist" => args_rest(next)?
            .into_iter()
            .find(|v| v.as_list().is_some_and(|l| !l.is_empty()))
            .ok_or(Invalid)?,
        "compact" => Value::List(
            list_of(next()?)?
                .into_iter()
                .filter(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
                .collect(),
        ),
        "distinct" => Value::List(distinct(list_of(next()?)?)),
        "flatten" => {
            let mut out = Vec::new();
            flatten(next()?, &mut out, 0)?;
            Value::List(out)
        }
        "reverse" => Value::List(list_of(next()?)?.into_iter().rev().collect()),
        "slice" => {
            let (items, from, to) = (list_of(next()?)?, int(next()?)?, int(next()?)?);
            if from < 0 || to < from || to as usize > items.len() {
                return Err(Invalid);
            }
            Value::List(items[from as usize..to as usize].to_vec())
        }
        "sort" => {
            let mut items: Vec<String> = list_of(next()?)?
                .iter()
                .map(|v| v.to_text().ok_or(Invalid))
                .collect::<Result<_, _>>()?;
            items.sort();
            Value::List(items.into_iter().map(Value::Str).collect())
        }
        "one" => {
            let items = list_of(next()?)?;
            match items.len() {
                0 => Value::Null,
                1 => items.into_iter().next().unwrap_or(Value::Null),
                _ => return Err(Invalid),
            }
        }
        "range" => range(args_rest(next)?)?,
        "alltrue" => Value::Bool(list_of(next()?)?.iter().all(|v| v.as_bool() == Some(true))),
        "anytrue" => Value::Bool(list_of(next()?)?.iter().any(|v| v.as_bool() == Some(true))),
        "sum" => Value::Number(
            list_of(next()?)?
                .iter()
                .map(|v| v.as_f64().ok_or(Invalid))
                .sum::<Result<f64, _>>()?,
        ),
        "max" | "min" => {
            let numbers: Vec<f64> = args_rest(next)?
                .iter()
                .map(|v| v.as_f64().ok_or(Invalid))
                .collect::<Result<_, _>>()?;
            let pick = if name == "max" { f64::max } else { f64::min };
            Value::Number(numbers.into_iter().reduce(pick).ok_or(Invalid)?)
        }
        "abs" => Value::Number(number(next()?)?.abs()),
        "ceil" => Value::Number(number(next()?)?.ceil()),
        "floor" => Value::Number(number(next()?)?.floor()),
        "signum" => Value::Number(number(next()?)?.signum()),
        "pow" => Value::Number(number(next()?)?.powf(number(next()?)?)),
        "jsondecode" => {
            let text = text(next()?)?;
            match sonic_rs::from_str::<sonic_rs::Value>(&text) {
                Ok(json) if !parapet_core::too_deep(text.as_bytes()) => Value::from_json(&json),
                _ => return Err(Invalid),
            }
        }
        // Files, templates, time, randomness, hashes, encodings and network
        // maths: not evaluated here.
        _ => Value::unknown(),
    })
}

fn args_rest(mut next: impl FnMut() -> Result<Value, Invalid>) -> Result<Vec<Value>, Invalid> {
    let mut out = Vec::new();
    while let Ok(value) = next() {
        out.push(value);
    }
    Ok(out)
}

fn text(value: Value) -> Result<String, Invalid> {
    value.to_text().ok_or(Invalid)
}

fn number(value: Value) -> Result<f64, Invalid> {
    value.as_f64().ok_or(Invalid)
}

fn int(value: Value) -> Result<i64, Invalid> {
    value.as_i64().ok_or(Invalid)
}

fn list_of(value: Value) -> Result<Vec<Value>, Invalid> {
    match value {
        Value::List(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        _ => Err(Invalid),
    }
}

fn distinct(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn flatten(value: Value, out: &mut Vec<Value>, depth: u32) -> Result<(), Invalid> {
    if depth > 64 {
        return Err(Invalid);
    }
    match value {
        Value::List(items) => {
            for item in items {
                flatten(item, out, depth + 1)?;
            }
        }
        // `flatten` takes a list.
        _ if depth == 0 => return Err(Invalid),
        other => out.push(other),
    }
    Ok(())
}

fn title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c.is_whitespace();
    }
    out
}

fn range(args: Vec<Value>) -> Eval {
    let numbers: Vec<f64> = args
        .iter()
        .map(|v| v.as_f64().ok_or(Invalid))
        .collect::<Result<_, _>>()?;
    let (start, end, step) = match numbers.as_slice() {
        [end] => (0.0, *end, 1.0),
        [start, end] => (*start, *end, if start <= end { 1.0 } else { -1.0 }),
        [start, end, step] => (*start, *end, *step),
        _ => return Err(Invalid),
    };
    if step == 0.0 || ((end - start) / step) > MAX_ELEMENTS as f64 {
        return Err(Invalid);
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        out.push(Value::Number(x));
        x += step;
    }
    Ok(Value::List(out))
}

/// `format` with the verbs templates use: `%s`, `%d`, `%v`, `%q`, `%%`.
fn format(spec: String, args: Vec<Value>) -> Eval {
    let mut args = args.into_iter();
    let mut out = String::new();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'd' | 'v') => {
                out.push_str(&args.next().and_then(|v| v.to_text()).ok_or(Invalid)?)
            }
            Some('q') => {
                let text = args.next().and_then(|v| v.to_text()).ok_or(Invalid)?;
                out.push_str(&format!("{text:?}"));
            }
            _ => return Ok(Value::unknown()),
        }
    }
    Ok(Value::Str(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::str(text)
    }

    #[test]
    fn string_and_collection_functions() {
        assert_eq!(
            call(
                "format",
                vec![s("%s-logs-%d"), s("prod"), Value::Number(3.0)]
            ),
            Ok(s("prod-logs-3"))
        );
        assert_eq!(
            call("join", vec![s(","), Value::List(vec![s("a"), s("b")])]),
            Ok(s("a,b"))
        );
        let merged = call(
            "merge",
            vec![
                Value::Map(BTreeMap::from([("a".into(), s("1"))])),
                Value::Map(BTreeMap::from([("a".into(), s("2")), ("b".into(), s("3"))])),
            ],
        )
        .unwrap();
        assert_eq!(merged.get("a"), Some(&s("2")));
        assert_eq!(
            call("toset", vec![Value::List(vec![s("a"), s("a")])]),
            Ok(Value::List(vec![s("a")]))
        );
        assert_eq!(
            call("lookup", vec![Value::Map(BTreeMap::new()), s("k"), s("d")]),
            Ok(s("d"))
        );
        assert_eq!(
            call("lookup", vec![Value::Map(BTreeMap::new()), s("k")]),
            Err(Invalid)
        );
        assert_eq!(
            call("range", vec![Value::Number(3.0)])
                .unwrap()
                .as_list()
                .map(|l| l.len()),
            Some(3)
        );
    }

    #[test]
    fn unknown_in_unknown_out_and_no_file_reads() {
        assert_eq!(call("lower", vec![Value::unknown()]), Ok(Value::unknown()));
        assert_eq!(call("file", vec![s("/etc/passwd")]), Ok(Value::unknown()));
        assert_eq!(call("range", vec![Value::Number(1e12)]), Err(Invalid));
    }
}
