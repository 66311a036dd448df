//! The rule index: an event is tested only against rules that could match it.
//!
//! Most cloud rules pin `eventName` (or at least `eventSource`) to exact
//! values, some to prefixes (`eventName|startswith: [List, Describe]`). For
//! each rule we derive, from its condition, a set of values or prefixes one
//! of which a matching event's key field must equal or start with; the rule
//! is filed under each. Rules with no such set are tested against every
//! event.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use parapet_core::{LogKind, SigmaSource};
use sonic_rs::{JsonValueTrait, Value};

use crate::condition::Cond;
use crate::pipeline::Pipeline;
use crate::rule::{CompiledRule, LogSource};
use crate::search::{CheckKind, Search};
use crate::value::IndexKey;

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<rustc_hash::FxHasher>>;

/// A rule runs on a log kind when every part of its logsource it names
/// agrees with the kind's Sigma source.
pub fn accepts(source: &SigmaSource, logsource: &LogSource) -> bool {
    let agrees = |want: &Option<String>, have: &[&str]| match want {
        None => true,
        Some(w) => have.contains(&w.as_str()),
    };
    agrees(&logsource.product, &[source.product])
        && agrees(&logsource.service, source.services)
        && agrees(&logsource.category, source.categories)
}

struct KeyIndex {
    field: &'static str,
    path: Vec<&'static str>,
    rules: FastMap<Box<str>, Vec<u32>>,
    /// Rules filed under a prefix of the key (few: checked one by one).
    prefixes: Vec<(Box<str>, Vec<u32>)>,
}

/// Rules for one log kind, indexed.
pub struct Detector {
    kind: LogKind,
    rules: Vec<CompiledRule>,
    keyed: Vec<KeyIndex>,
    unkeyed: Vec<u32>,
}

impl Detector {
    /// Keeps the rules whose logsource fits `kind`, rewrites their field
    /// names with `pipelines` (in priority order) and indexes them.
    pub fn new(rules: &[CompiledRule], kind: LogKind, pipelines: &[Pipeline]) -> Detector {
        let source = kind.sigma();
        let mut ordered: Vec<&Pipeline> = pipelines.iter().collect();
        ordered.sort_by_key(|p| p.priority);
        let rules: Vec<CompiledRule> = rules
            .iter()
            .filter(|r| accepts(&source, &r.logsource))
            .map(|rule| {
                let mut rule = rule.clone();
                for pipeline in &ordered {
                    pipeline.apply(&mut rule);
                }
                if source.fold_field_case {
                    rule.for_each_field(&mut |field| field.fold_case());
                }
                rule
            })
            .collect();
        let mut keyed: Vec<KeyIndex> = source
            .key_fields
            .iter()
            .map(|&field| KeyIndex {
                field,
                path: field.split('.').collect(),
                rules: FastMap::default(),
                prefixes: Vec::new(),
            })
            .collect();
        let mut unkeyed = Vec::new();
        for (n, rule) in rules.iter().enumerate() {
            let n = n as u32;
            let slot = keyed.iter_mut().find_map(|index| {
                required_values(&rule.condition, &rule.searches, index.field)
                    .map(|values| (index, values))
            });
            match slot {
                Some((index, keys)) => {
                    for key in keys {
                        match key {
                            IndexKey::Exact(value) => index
                                .rules
                                .entry(value.into_boxed_str())
                                .or_default()
                                .push(n),
                            IndexKey::Prefix(prefix) => {
                                match index.prefixes.iter_mut().find(|(p, _)| **p == *prefix) {
                                    Some((_, rules)) => rules.push(n),
                                    None => index.prefixes.push((prefix.into_boxed_str(), vec![n])),
                                }
                            }
                        }
                    }
                }
                None => unkeyed.push(n),
            }
        }
        Detector {
            kind,
            rules,
            keyed,
            unkeyed,
        }
    }

    pub fn kind(&self) -> LogKind {
        self.kind
    }

    pub fn rules(&self) -> &[CompiledRule] {
        &self.rules
    }

    /// How many rules every event is tested against, whatever its keys.
    pub fn unindexed_count(&self) -> usize {
        self.unkeyed.len()
    }

    /// Pushes the index (into [`Detector::rules`]) of every rule that matches.
    pub fn matches(&self, event: &Value, out: &mut Vec<usize>) {
        let start = out.len();
        let mut buf = [0u8; 96];
        for index in &self.keyed {
            let found = index.path.iter().try_fold(event, |v, key| v.get(*key));
            let Some(value) = found.and_then(|v| v.as_str()) else {
                continue;
            };
            let owned;
            let key: &str = if value.len() <= buf.len() && value.is_ascii() {
                let lowered = &mut buf[..value.len()];
                lowered.copy_from_slice(value.as_bytes());
                lowered.make_ascii_lowercase();
                match std::str::from_utf8(lowered) {
                    Ok(key) => key,
                    Err(_) => continue,
                }
            } else {
                owned = value.to_lowercase();
                &owned
            };
            let exact = index.rules.get(key).into_iter().flatten();
            let by_prefix = index
                .prefixes
                .iter()
                .filter(|(prefix, _)| key.starts_with(&**prefix))
                .flat_map(|(_, rules)| rules);
            for &n in exact.chain(by_prefix) {
                if self.rules[n as usize].matches(event) {
                    out.push(n as usize);
                }
            }
        }
        for &n in &self.unkeyed {
            if self.rules[n as usize].matches(event) {
                out.push(n as usize);
            }
        }
        // A rule filed under a value and a prefix (or two prefixes) of
        // the same key is found twice.
        out[start..].sort_unstable();
        let mut kept = start;
        for i in start..out.len() {
            if i == start || out[i] != out[kept - 1] {
                out[kept] = out[i];
                kept += 1;
            }
        }
        out.truncate(kept);
    }
}

/// Values of `field`, one of which every event matching `cond` carries; None
/// when the condition does not pin the field.
fn required_values(cond: &Cond, searches: &[Search], field: &str) -> Option<BTreeSet<IndexKey>> {
    let union = |sets: Vec<Option<BTreeSet<IndexKey>>>| -> Option<BTreeSet<IndexKey>> {
        sets.into_iter().try_fold(BTreeSet::new(), |mut acc, set| {
            acc.extend(set?);
            Some(acc)
        })
    };
    let smallest = |sets: Vec<Option<BTreeSet<IndexKey>>>| {
        sets.into_iter().flatten().min_by_key(BTreeSet::len)
    };
    match cond {
        Cond::Search(i) => search_values(&searches[*i], field),
        Cond::Not(_) => None,
        Cond::And(items) => smallest(
            items
                .iter()
                .map(|c| required_values(c, searches, field))
                .collect(),
        ),
        Cond::Or(items) => union(
            items
                .iter()
                .map(|c| required_values(c, searches, field))
                .collect(),
        ),
        Cond::All(targets) => smallest(
            targets
                .iter()
                .map(|&i| search_values(&searches[i], field))
                .collect(),
        ),
        Cond::AtLeast(_, targets) => union(
            targets
                .iter()
                .map(|&i| search_values(&searches[i], field))
                .collect(),
        ),
    }
}

fn search_values(search: &Search, field: &str) -> Option<BTreeSet<IndexKey>> {
    match search {
        Search::AllOf(checks) => checks
            .iter()
            .filter(|c| c.field.single_place() == Some(field))
            .filter_map(|c| match &c.kind {
                CheckKind::Values {
                    values,
                    all: false,
                    negate: false,
                } => values
                    .iter()
                    .map(|v| v.index_keys())
                    .collect::<Option<Vec<_>>>()
                    .map(|lists| lists.into_iter().flatten().collect::<BTreeSet<_>>()),
                _ => None,
            })
            .min_by_key(BTreeSet::len),
        Search::AnyOf(items) => items.iter().map(|s| search_values(s, field)).try_fold(
            BTreeSet::new(),
            |mut acc, set| {
                acc.extend(set?);
                Some(acc)
            },
        ),
        Search::Keywords { .. } => None,
    }
}

/// One detector per log kind, built from the same rules.
pub struct Detectors {
    by_kind: Vec<Detector>,
}

impl Detectors {
    pub fn new(rules: &[CompiledRule], pipelines: &[Pipeline]) -> Detectors {
        Detectors {
            by_kind: LogKind::ALL
                .iter()
                .map(|&kind| Detector::new(rules, kind, pipelines))
                .collect(),
        }
    }

    pub fn for_kind(&self, kind: LogKind) -> &Detector {
        let at = LogKind::ALL.iter().position(|&k| k == kind).unwrap_or(0);
        &self.by_kind[at]
    }

    pub fn iter(&self) -> impl Iterator<Item = &Detector> {
        self.by_kind.iter()
    }

    /// Rules that run on at least one log kind.
    pub fn rule_count(&self) -> usize {
        let mut ids: Vec<&str> = self
            .by_kind
            .iter()
            .flat_map(|d| d.rules().iter().map(|r| r.meta.id.as_str()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}
