//! The rule index: an event is tested only against rules that could match it.
//!
//! Most cloud rules pin `eventName` (or at least `eventSource`) to exact
//! values. For each rule we derive, from its condition, a set of values one of
//! which a matching event must carry in the key field; the rule is filed under
//! each. Rules with no such set are tested against every event.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use sonic_rs::{JsonValueTrait, Value};

use crate::condition::Cond;
use crate::rule::{CompiledRule, LogSource};
use crate::search::{CheckKind, Search};

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<rustc_hash::FxHasher>>;

/// The kind of events a detector sees: its Sigma log source and the fields
/// the index keys on (most selective first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventKind {
    pub product: &'static str,
    pub service: &'static str,
    pub category: Option<&'static str>,
    pub key_fields: &'static [&'static str],
}

impl EventKind {
    pub const CLOUDTRAIL: EventKind = EventKind {
        product: "aws",
        service: "cloudtrail",
        category: None,
        key_fields: &["eventName", "eventSource", "userIdentity.type"],
    };

    /// A rule runs on this kind when every part of its logsource it names agrees.
    pub fn accepts(&self, logsource: &LogSource) -> bool {
        let agrees = |want: &Option<String>, have: Option<&str>| match want {
            None => true,
            Some(w) => have.is_some_and(|h| h == w),
        };
        agrees(&logsource.product, Some(self.product))
            && agrees(&logsource.service, Some(self.service))
            && agrees(&logsource.category, self.category)
    }
}

struct KeyIndex {
    field: &'static str,
    path: Vec<&'static str>,
    rules: FastMap<Box<str>, Vec<u32>>,
}

/// Rules for one event kind, indexed.
pub struct Detector {
    rules: Vec<CompiledRule>,
    keyed: Vec<KeyIndex>,
    unkeyed: Vec<u32>,
}

impl Detector {
    /// Keeps the rules whose logsource fits `kind` and indexes them.
    pub fn new(rules: &[CompiledRule], kind: &EventKind) -> Detector {
        let rules: Vec<CompiledRule> = rules
            .iter()
            .filter(|r| kind.accepts(&r.logsource))
            .cloned()
            .collect();
        let mut keyed: Vec<KeyIndex> = kind
            .key_fields
            .iter()
            .map(|&field| KeyIndex {
                field,
                path: field.split('.').collect(),
                rules: FastMap::default(),
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
                Some((index, values)) => {
                    for value in values {
                        index
                            .rules
                            .entry(value.into_boxed_str())
                            .or_default()
                            .push(n);
                    }
                }
                None => unkeyed.push(n),
            }
        }
        Detector {
            rules,
            keyed,
            unkeyed,
        }
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
            let candidates = if value.len() <= buf.len() && value.is_ascii() {
                let lowered = &mut buf[..value.len()];
                lowered.copy_from_slice(value.as_bytes());
                lowered.make_ascii_lowercase();
                std::str::from_utf8(lowered)
                    .ok()
                    .and_then(|key| index.rules.get(key))
            } else {
                index.rules.get(value.to_lowercase().as_str())
            };
            for &n in candidates.into_iter().flatten() {
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
        out[start..].sort_unstable();
    }
}

/// Values of `field`, one of which every event matching `cond` carries; None
/// when the condition does not pin the field.
fn required_values(cond: &Cond, searches: &[Search], field: &str) -> Option<BTreeSet<String>> {
    let union = |sets: Vec<Option<BTreeSet<String>>>| -> Option<BTreeSet<String>> {
        sets.into_iter().try_fold(BTreeSet::new(), |mut acc, set| {
            acc.extend(set?);
            Some(acc)
        })
    };
    let smallest =
        |sets: Vec<Option<BTreeSet<String>>>| sets.into_iter().flatten().min_by_key(BTreeSet::len);
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

fn search_values(search: &Search, field: &str) -> Option<BTreeSet<String>> {
    match search {
        Search::AllOf(checks) => checks
            .iter()
            .filter(|c| c.field.name == field)
            .filter_map(|c| match &c.kind {
                CheckKind::Values {
                    values,
                    all: false,
                    negate: false,
                } => values
                    .iter()
                    .map(|v| v.exact_values())
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
