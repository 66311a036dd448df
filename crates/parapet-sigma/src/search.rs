//! Search identifiers of a rule's `detection`: maps of field checks (AND),
//! lists of maps (OR) and keyword lists.

use serde_yaml::Value as Yaml;
use sonic_rs::Value;

use crate::field::{any_scalar, with_text, FieldPath};
use crate::modifier::{Modifier, KNOWN};
use crate::value::{build_value, yaml_kind, Placeholders, ValueSpec};

#[derive(Debug, Clone)]
pub(crate) enum Search {
    /// A map: every check must hold.
    AllOf(Vec<FieldCheck>),
    /// A list of maps or of keywords: any item must hold.
    AnyOf(Vec<Search>),
    /// Keywords: values searched for in every field of the event.
    Keywords { values: Vec<ValueSpec>, all: bool },
}

#[derive(Debug, Clone)]
pub(crate) struct FieldCheck {
    pub(crate) field: FieldPath,
    pub(crate) kind: CheckKind,
}

#[derive(Debug, Clone)]
pub(crate) enum CheckKind {
    /// The field matches the values: any of them, or all with `|all`;
    /// `neq` negates each value.
    Values {
        values: Vec<ValueSpec>,
        all: bool,
        negate: bool,
    },
    Exists(bool),
    /// The field's value compared with another field's (`fieldref`).
    FieldRef {
        others: Vec<FieldPath>,
        shape: RefShape,
        cased: bool,
        negate: bool,
    },
    /// A keyword entry inside a map (`'|all': [...]`).
    Keywords(Box<Search>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefShape {
    Equal,
    StartsWith,
    EndsWith,
    Contains,
}

impl Search {
    pub(crate) fn compile(body: &Yaml, placeholders: &Placeholders) -> Result<Search, String> {
        match body {
            Yaml::Mapping(map) => {
                let mut checks = Vec::with_capacity(map.len());
                for (key, value) in map {
                    let key = match key {
                        Yaml::String(s) => s.clone(),
                        Yaml::Number(n) => n.to_string(),
                        other => {
                            return Err(format!(
                                "field names must be strings, found {}",
                                yaml_kind(other)
                            ))
                        }
                    };
                    checks.push(compile_entry(&key, value, placeholders)?);
                }
                Ok(Search::AllOf(checks))
            }
            Yaml::Sequence(items) if items.iter().all(|i| matches!(i, Yaml::Mapping(_))) => {
                Ok(Search::AnyOf(
                    items
                        .iter()
                        .map(|i| Search::compile(i, placeholders))
                        .collect::<Result<_, _>>()?,
                ))
            }
            Yaml::Sequence(items) => {
                let values = items
                    .iter()
                    .map(|item| match item {
                        Yaml::Mapping(_) => Err(
                            "a list mixes keywords and maps; split it into two search identifiers"
                                .to_string(),
                        ),
                        other => keyword_value(other, &[], placeholders),
                    })
                    .collect::<Result<_, _>>()?;
                Ok(Search::Keywords { values, all: false })
            }
            Yaml::String(_) | Yaml::Number(_) | Yaml::Bool(_) => Ok(Search::Keywords {
                values: vec![keyword_value(body, &[], placeholders)?],
                all: false,
            }),
            other => Err(format!(
                "a search identifier must be a map or a list, found {}",
                yaml_kind(other)
            )),
        }
    }

    pub(crate) fn matches(&self, event: &Value) -> bool {
        match self {
            Search::AllOf(checks) => checks.iter().all(|c| c.matches(event)),
            Search::AnyOf(items) => items.iter().any(|s| s.matches(event)),
            Search::Keywords { values, all } => {
                let found =
                    |spec: &ValueSpec| any_scalar(event, &mut |leaf| spec.matches_leaf(leaf));
                if *all {
                    values.iter().all(found)
                } else {
                    values.iter().any(found)
                }
            }
        }
    }
}

/// A keyword is searched anywhere in a field: an unmodified keyword without
/// wildcards behaves as `contains`.
fn keyword_value(
    raw: &Yaml,
    modifiers: &[Modifier],
    placeholders: &Placeholders,
) -> Result<ValueSpec, String> {
    let positional = [
        Modifier::Contains,
        Modifier::StartsWith,
        Modifier::EndsWith,
        Modifier::Re,
        Modifier::Cidr,
    ];
    if modifiers.iter().any(|m| positional.contains(m)) || matches!(raw, Yaml::Null) {
        return build_value(raw, modifiers, placeholders);
    }
    let mut with_contains = modifiers.to_vec();
    with_contains.push(Modifier::Contains);
    build_value(raw, &with_contains, placeholders)
}

/// One `field|mod|mod: value(s)` entry. Keys with no field (`'|all'`) are
/// keyword searches.
fn compile_entry(
    key: &str,
    value: &Yaml,
    placeholders: &Placeholders,
) -> Result<FieldCheck, String> {
    let mut parts = key.split('|');
    let field = parts.next().unwrap_or_default().trim().to_string();
    let mut modifiers = Vec::new();
    for name in parts {
        let modifier = Modifier::parse(name.trim()).ok_or_else(|| {
            format!("`{key}`: unknown modifier `{name}`; expected one of {KNOWN}")
        })?;
        modifiers.push(modifier);
    }
    let has = |m: Modifier| modifiers.contains(&m);
    let values: Vec<&Yaml> = match value {
        Yaml::Sequence(items) => items.iter().collect(),
        single => vec![single],
    };
    if values.is_empty() {
        return Err(format!("`{key}`: empty list of values"));
    }
    let ctx = |e: String| format!("`{key}`: {e}");
    if field.is_empty() {
        let specs = values
            .iter()
            .map(|v| keyword_value(v, &modifiers, placeholders))
            .collect::<Result<_, _>>()
            .map_err(ctx)?;
        let keywords = Search::Keywords {
            values: specs,
            all: has(Modifier::All),
        };
        return Ok(FieldCheck {
            field: FieldPath::new(""),
            kind: CheckKind::Keywords(Box::new(keywords)),
        });
    }
    let path = FieldPath::new(&field);
    if has(Modifier::Exists) {
        let Some(Yaml::Bool(want)) = values.first().filter(|_| values.len() == 1) else {
            return Err(format!("`{key}`: `exists` takes true or false"));
        };
        return Ok(FieldCheck {
            field: path,
            kind: CheckKind::Exists(*want),
        });
    }
    if has(Modifier::FieldRef) {
        let others = values
            .iter()
            .map(|v| match v {
                Yaml::String(s) => Ok(FieldPath::new(s)),
                other => Err(format!(
                    "`{key}`: fieldref takes field names, found {}",
                    yaml_kind(other)
                )),
            })
            .collect::<Result<_, _>>()?;
        let shape = if has(Modifier::Contains) {
            RefShape::Contains
        } else if has(Modifier::StartsWith) {
            RefShape::StartsWith
        } else if has(Modifier::EndsWith) {
            RefShape::EndsWith
        } else {
            RefShape::Equal
        };
        let kind = CheckKind::FieldRef {
            others,
            shape,
            cased: has(Modifier::Cased),
            negate: has(Modifier::Neq),
        };
        return Ok(FieldCheck { field: path, kind });
    }
    let specs: Vec<ValueSpec> = values
        .iter()
        .map(|v| build_value(v, &modifiers, placeholders))
        .collect::<Result<_, _>>()
        .map_err(ctx)?;
    let kind = CheckKind::Values {
        values: specs,
        all: has(Modifier::All),
        negate: has(Modifier::Neq),
    };
    Ok(FieldCheck { field: path, kind })
}

impl FieldCheck {
    pub(crate) fn matches(&self, event: &Value) -> bool {
        match &self.kind {
            CheckKind::Values {
                values,
                all,
                negate,
            } => {
                let one = |spec: &ValueSpec| {
                    let hit = if spec.is_null() {
                        !self
                            .field
                            .any(event, &mut |leaf| !sonic_rs::JsonValueTrait::is_null(leaf))
                    } else {
                        self.field.any(event, &mut |leaf| spec.matches_leaf(leaf))
                    };
                    hit != *negate
                };
                if *all {
                    values.iter().all(one)
                } else {
                    values.iter().any(one)
                }
            }
            CheckKind::Exists(want) => self.field.exists(event) == *want,
            CheckKind::Keywords(search) => search.matches(event),
            CheckKind::FieldRef {
                others,
                shape,
                cased,
                negate,
            } => others.iter().any(|other| {
                let Some(reference) = other.first_text(event) else {
                    return *negate;
                };
                let reference = if *cased {
                    reference
                } else {
                    reference.to_lowercase()
                };
                let hit = self.field.any(event, &mut |leaf| {
                    with_text(leaf, |text| {
                        let text = if *cased {
                            text.to_string()
                        } else {
                            text.to_lowercase()
                        };
                        match shape {
                            RefShape::Equal => text == reference,
                            RefShape::StartsWith => text.starts_with(&reference),
                            RefShape::EndsWith => text.ends_with(&reference),
                            RefShape::Contains => text.contains(&reference),
                        }
                    })
                    .unwrap_or(false)
                });
                hit != *negate
            }),
        }
    }
}
