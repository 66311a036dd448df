//! What changed between two inventories, attribute by attribute.

use std::collections::BTreeMap;

use parapet_core::Resource;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrChange {
    /// Attribute name, `tag:KEY`, `relation:KIND` or `name`.
    pub field: String,
    /// Rendered values; None where the field is absent. `(unknown)` where the
    /// attribute exists but could not be learned.
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceChange {
    pub uid: String,
    pub kind: String,
    pub changes: Vec<AttrChange>,
}

#[derive(Debug, Default)]
pub struct InventoryDiff<'a> {
    pub added: Vec<&'a Resource>,
    pub removed: Vec<&'a Resource>,
    pub changed: Vec<ResourceChange>,
}

impl InventoryDiff<'_> {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Attributes under this prefix are observations (last used, latest
/// delivery, counters) that move without anyone changing anything.
pub const OBSERVED_PREFIX: &str = "observed.";

/// Compares two inventories by uid. Attribute origins are not compared (the
/// same value learned through another call is no change), nor observations.
pub fn diff_inventories<'a>(before: &'a [Resource], after: &'a [Resource]) -> InventoryDiff<'a> {
    let old: BTreeMap<&str, &Resource> = before.iter().map(|r| (r.uid.as_str(), r)).collect();
    let new: BTreeMap<&str, &Resource> = after.iter().map(|r| (r.uid.as_str(), r)).collect();
    let mut diff = InventoryDiff::default();
    for (uid, resource) in &new {
        match old.get(uid) {
            None => diff.added.push(resource),
            Some(previous) => {
                let changes = resource_changes(previous, resource);
                if !changes.is_empty() {
                    diff.changed.push(ResourceChange {
                        uid: uid.to_string(),
                        kind: resource.kind.clone(),
                        changes,
                    });
                }
            }
        }
    }
    diff.removed = old
        .iter()
        .filter(|(uid, _)| !new.contains_key(*uid))
        .map(|(_, r)| *r)
        .collect();
    diff
}

fn resource_changes(before: &Resource, after: &Resource) -> Vec<AttrChange> {
    let mut fields: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    let render = |a: &parapet_core::Attribute| {
        if a.known {
            a.value.to_string()
        } else {
            "(unknown)".to_string()
        }
    };
    let state = |name: &&String| !name.starts_with(OBSERVED_PREFIX);
    for (name, attribute) in before.attributes.iter().filter(|(n, _)| state(n)) {
        fields.entry(name.clone()).or_default().0 = Some(render(attribute));
    }
    for (name, attribute) in after.attributes.iter().filter(|(n, _)| state(n)) {
        fields.entry(name.clone()).or_default().1 = Some(render(attribute));
    }
    for (key, value) in &before.tags {
        fields.entry(format!("tag:{key}")).or_default().0 = Some(format!("{value:?}"));
    }
    for (key, value) in &after.tags {
        fields.entry(format!("tag:{key}")).or_default().1 = Some(format!("{value:?}"));
    }
    let relations = |r: &Resource| {
        let mut by_kind: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for relation in &r.relations {
            by_kind
                .entry(format!("relation:{}", relation.kind))
                .or_default()
                .push(relation.target.clone());
        }
        by_kind.into_iter().map(|(kind, mut targets)| {
            targets.sort();
            (kind, targets.join(", "))
        })
    };
    for (kind, targets) in relations(before) {
        fields.entry(kind).or_default().0 = Some(targets);
    }
    for (kind, targets) in relations(after) {
        fields.entry(kind).or_default().1 = Some(targets);
    }
    if before.name != after.name {
        fields.insert(
            "name".into(),
            (Some(before.name.clone()), Some(after.name.clone())),
        );
    }
    fields
        .into_iter()
        .filter(|(_, (b, a))| b != a)
        .map(|(field, (before, after))| AttrChange {
            field,
            before,
            after,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use parapet_core::{AttrOrigin, Provider};

    use super::*;

    fn bucket(name: &str) -> Resource {
        Resource::new(
            Provider::Aws,
            "aws.s3.bucket",
            format!("arn:aws:s3:::{name}"),
            name,
        )
    }

    #[test]
    fn reports_added_removed_and_changed_attributes() {
        let api = AttrOrigin::Api("x".into());
        let mut a = bucket("a");
        a.set("versioning.enabled", false, &api);
        a.tags.insert("env".into(), "dev".into());
        let mut a2 = a.clone();
        a2.set(
            "versioning.enabled",
            true,
            &AttrOrigin::Api("other call".into()),
        );
        a2.unknown("policy", &api);
        a2.tags.insert("env".into(), "prod".into());
        a2.set("observed.last_access", "2026-11-28", &api);
        a2.relate("logs-to", "arn:aws:s3:::logs");
        let (b, c) = (bucket("b"), bucket("c"));
        let before = vec![a, b.clone()];
        let after = vec![a2, c.clone()];
        let diff = diff_inventories(&before, &after);
        assert_eq!(diff.added, vec![&c]);
        assert_eq!(diff.removed, vec![&b]);
        let fields: Vec<(&str, Option<&str>, Option<&str>)> = diff.changed[0]
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.before.as_deref(), c.after.as_deref()))
            .collect();
        assert_eq!(
            fields,
            [
                ("policy", None, Some("(unknown)")),
                ("relation:logs-to", None, Some("arn:aws:s3:::logs")),
                ("tag:env", Some("\"dev\""), Some("\"prod\"")),
                ("versioning.enabled", Some("false"), Some("true")),
            ]
        );
        assert!(diff_inventories(&before, &before).is_empty());
    }
}
