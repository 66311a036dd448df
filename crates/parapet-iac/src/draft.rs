//! A Resource being built from a template: every attribute carries the line
//! it was written on (or the resource's line, for a provider default), and
//! a value the template cannot resolve is recorded as unknown.

use std::collections::BTreeMap;

use parapet_core::{AttrOrigin, AttrValue, Provider, Resource};

use crate::value::{Value, KNOWN_AFTER_APPLY};

pub(crate) struct Draft {
    pub resource: Resource,
    path: String,
    line: u32,
    lines: BTreeMap<String, u32>,
}

impl Draft {
    pub fn new(
        provider: Provider,
        kind: &str,
        uid: String,
        name: String,
        path: &str,
        line: u32,
        lines: BTreeMap<String, u32>,
    ) -> Draft {
        Draft {
            resource: Resource::new(provider, kind, uid, name),
            path: path.to_string(),
            line,
            lines,
        }
    }

    /// Where `key` was written, or the resource itself for a default.
    pub fn origin(&self, key: &str) -> AttrOrigin {
        AttrOrigin::File {
            path: self.path.clone(),
            line: self.lines.get(key).copied().unwrap_or(self.line),
            column: 1,
        }
    }

    /// `attr` from the template's `key`; absent or null is the provider's
    /// `default`; unresolvable is unknown.
    pub fn put(
        &mut self,
        attr: &str,
        key: &str,
        value: Option<&Value>,
        default: impl Into<AttrValue>,
    ) {
        match value {
            None | Some(Value::Null) => self.known(attr, key, default.into()),
            Some(value) => self.put_value(attr, key, value),
        }
    }

    /// An identifier argument (a key, a profile): a reference to a resource
    /// of the template is set even though its value comes after apply.
    pub fn put_reference(
        &mut self,
        attr: &str,
        key: &str,
        value: Option<&Value>,
        default: impl Into<AttrValue>,
    ) {
        match value {
            Some(Value::Unknown(Some(address))) => {
                let text = format!("{address} {KNOWN_AFTER_APPLY}");
                self.known(attr, key, AttrValue::Str(text));
            }
            other => self.put(attr, key, other, default),
        }
    }

    /// `attr` as the template computes it, known or not.
    pub fn put_value(&mut self, attr: &str, key: &str, value: &Value) {
        let origin = self.origin(key);
        match value.to_attr() {
            Some(v) => self.resource.set(attr, v, &origin),
            None => self.resource.unknown(attr, &origin),
        }
    }

    pub fn known(&mut self, attr: &str, key: &str, value: AttrValue) {
        let origin = self.origin(key);
        self.resource.set(attr, value, &origin);
    }

    pub fn unknown(&mut self, attr: &str, key: &str) {
        let origin = self.origin(key);
        self.resource.unknown(attr, &origin);
    }

    /// A boolean setting; strings `"true"`/`"Enabled"` count as on.
    pub fn put_bool(&mut self, attr: &str, key: &str, value: Option<&Value>, default: bool) {
        match value {
            None | Some(Value::Null) => self.known(attr, key, AttrValue::Bool(default)),
            Some(v) if v.is_unknown() => self.unknown(attr, key),
            Some(v) => match v.as_bool().or_else(|| enabled_word(v)) {
                Some(b) => self.known(attr, key, AttrValue::Bool(b)),
                None => self.unknown(attr, key),
            },
        }
    }

    /// A resource policy given as JSON text (or a map): the document and
    /// the principals it allows, as the live collectors record them.
    pub fn put_policy(&mut self, attr: &str, key: &str, value: Option<&Value>) {
        let principals_attr = format!("{attr}.principals");
        let document = match value {
            None | Some(Value::Null) => {
                self.known(attr, key, AttrValue::Null);
                self.known(&principals_attr, key, AttrValue::List(Vec::new()));
                return;
            }
            Some(Value::Str(text)) => text.clone(),
            Some(map @ Value::Map(_)) => map.to_json_lossy(),
            Some(_) => String::new(),
        };
        let parsed = sonic_rs::from_str::<sonic_rs::Value>(&document)
            .ok()
            .filter(|_| !parapet_core::too_deep(document.as_bytes()))
            .filter(decidable);
        match parsed {
            Some(json) => {
                let principals = parapet_core::allowed_principals(&document);
                for principal in &principals {
                    self.resource.relate("grants-access-to", principal.clone());
                }
                self.known(attr, key, AttrValue::from_json(&json));
                self.known(&principals_attr, key, principals.into());
            }
            None => {
                self.unknown(attr, key);
                self.unknown(&principals_attr, key);
            }
        }
    }

    pub fn finish(mut self) -> Resource {
        self.resource.normalize();
        self.resource
    }
}

/// Whether a policy can be judged: wholly unknown values only in `Resource`
/// / `NotResource` (ARNs of resources not yet created) are fine; a wholly
/// unknown principal, action, effect or condition is not.
fn decidable(policy: &sonic_rs::Value) -> bool {
    use sonic_rs::{JsonContainerTrait, JsonValueTrait};
    // A whole value unknown (`"(known after apply)"`); text around an
    // unknown part (`arn:aws:iam::(known after apply):root`) still says what
    // kind of principal it is.
    let whole = format!("{KNOWN_AFTER_APPLY:?}");
    let unknown_inside = |v: &sonic_rs::Value| v.to_string().contains(&whole);
    let statements: Vec<&sonic_rs::Value> = match policy.get("Statement") {
        Some(list) if list.is_array() => list
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        Some(one) => vec![one],
        None => return !unknown_inside(policy),
    };
    statements
        .iter()
        .all(|statement| match statement.as_object() {
            Some(fields) => fields.iter().all(|(key, value)| {
                matches!(key, "Resource" | "NotResource") || !unknown_inside(value)
            }),
            None => !unknown_inside(statement),
        })
}

fn enabled_word(value: &Value) -> Option<bool> {
    match value.as_str()? {
        "Enabled" | "ENABLED" | "enabled" => Some(true),
        "Disabled" | "DISABLED" | "disabled" | "Suspended" => Some(false),
        _ => None,
    }
}
