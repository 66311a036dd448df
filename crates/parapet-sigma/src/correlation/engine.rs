//! Running correlations over hits that arrive in any order.
//!
//! Hits wait in a buffer ordered by event time (ties broken by where the
//! event was read, so the order files are read in changes nothing) until
//! the allowed lateness has passed, then go through the windows in order.
//! With no lateness bound, everything is ordered before any window runs:
//! the whole input is one batch. State is bounded: groups that can no
//! longer count are dropped, and past `max_groups` the least recently seen
//! are evicted and counted.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use parapet_core::{Alert, CorrelationContext, EventSummary, LogKind, Origin, Timestamp};

use super::set::{CorrelationSet, Input};
use super::window::Window;

type FastMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<rustc_hash::FxHasher>>;

/// One hit of a detection rule a correlation reads.
#[derive(Debug, Clone)]
pub struct Hit {
    /// [`CorrelationSet::slot_of`] the rule.
    pub slot: usize,
    /// Event time, milliseconds since the epoch.
    pub time: i64,
    /// [`CorrelationSet::extract`] of the event.
    pub values: Vec<Option<Box<str>>>,
    pub summary: EventSummary,
    pub origin: Origin,
    pub log: LogKind,
}

#[derive(Debug, Clone, Copy)]
pub struct CorrelatorLimits {
    /// How late (in event time) a hit may arrive after a later one; None:
    /// no bound, hits are ordered over the whole input.
    pub lateness_ms: Option<i64>,
    /// Live groups held at most, over all correlations.
    pub max_groups: usize,
    /// Hits waiting to be ordered at most; past it the oldest go through
    /// early (counted as `forced`).
    pub max_pending: usize,
}

impl Default for CorrelatorLimits {
    fn default() -> Self {
        CorrelatorLimits {
            lateness_ms: None,
            max_groups: 1_000_000,
            max_pending: 4_000_000,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CorrelationStats {
    pub hits: u64,
    /// Hits later than the allowed lateness: dropped.
    pub late: u64,
    /// Hits released before their lateness passed, the buffer being full.
    pub forced: u64,
    /// Groups evicted while they could still have fired.
    pub evicted: u64,
    pub live_groups: u64,
    pub peak_groups: u64,
    pub alerts: u64,
}

struct Pending(Hit);

impl Pending {
    fn key(&self) -> (i64, &str, u64, u64, usize) {
        let h = &self.0;
        (
            h.time,
            &h.origin.source,
            h.origin.line,
            h.origin.index,
            h.slot,
        )
    }
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

struct Group {
    last_seen: i64,
    window: Window,
}

/// Correlations in progress.
pub struct Correlator<'a> {
    set: &'a CorrelationSet,
    limits: CorrelatorLimits,
    pending: BinaryHeap<Reverse<Pending>>,
    newest: i64,
    released: i64,
    groups: Vec<FastMap<Box<str>, Group>>,
    live: usize,
    since_sweep: usize,
    stats: CorrelationStats,
}

/// Hits between sweeps of stale groups.
const SWEEP_EVERY: usize = 65_536;

impl<'a> Correlator<'a> {
    pub fn new(set: &'a CorrelationSet, limits: CorrelatorLimits) -> Self {
        Correlator {
            set,
            limits,
            pending: BinaryHeap::new(),
            newest: i64::MIN,
            released: i64::MIN,
            groups: set.rules.iter().map(|_| FastMap::default()).collect(),
            live: 0,
            since_sweep: 0,
            stats: CorrelationStats::default(),
        }
    }

    pub fn stats(&self) -> CorrelationStats {
        CorrelationStats {
            live_groups: self.live as u64,
            ..self.stats
        }
    }

    /// Takes a hit; pushes onto `out` the alerts of correlations it (or a hit
    /// released by its arrival) completes.
    pub fn push(&mut self, hit: Hit, out: &mut Vec<Alert>) {
        self.stats.hits += 1;
        if hit.time < self.released {
            self.stats.late += 1;
            return;
        }
        self.newest = self.newest.max(hit.time);
        self.pending.push(Reverse(Pending(hit)));
        if let Some(lateness) = self.limits.lateness_ms {
            let watermark = self.newest.saturating_sub(lateness);
            self.release_until(Some(watermark), out);
        }
        while self.pending.len() > self.limits.max_pending {
            self.stats.forced += 1;
            self.release_one(out);
        }
    }

    /// Runs every waiting hit; call at the end of the input.
    pub fn finish(&mut self, out: &mut Vec<Alert>) {
        self.release_until(None, out);
    }

    fn release_until(&mut self, watermark: Option<i64>, out: &mut Vec<Alert>) {
        while let Some(Reverse(next)) = self.pending.peek() {
            if watermark.is_some_and(|w| next.0.time > w) {
                break;
            }
            self.release_one(out);
        }
    }

    fn release_one(&mut self, out: &mut Vec<Alert>) {
        let Some(Reverse(Pending(hit))) = self.pending.pop() else {
            return;
        };
        self.released = self.released.max(hit.time);
        let input = Input::Detection(hit.slot);
        let values = hit.values.clone();
        self.feed(input, &values, &hit, out);
        self.since_sweep += 1;
        if self.since_sweep >= SWEEP_EVERY || self.live > self.limits.max_groups {
            self.sweep();
        }
    }

    /// Feeds one input's hit into every correlation reading that input.
    fn feed(&mut self, input: Input, values: &[Option<Box<str>>], hit: &Hit, out: &mut Vec<Alert>) {
        let set = self.set;
        let Some(consumers) = set.consumers.get(&input) else {
            return;
        };
        for &c in consumers {
            let rule = &set.rules[c];
            let Some((group_at, value_at)) = set.picks.get(&(c, input)) else {
                continue;
            };
            let pick = |at: &Option<usize>| -> &str {
                at.and_then(|i| values.get(i))
                    .and_then(|v| v.as_deref())
                    .unwrap_or("")
            };
            let group: Vec<&str> = group_at.iter().map(pick).collect();
            let key: Box<str> = group.join("\u{1f}").into();
            let value_parts: Vec<&str> = value_at.iter().map(pick).collect();
            let value =
                (!value_parts.iter().all(|v| v.is_empty())).then(|| value_parts.join("\u{1f}"));
            let steps: Vec<usize> = set.steps[c]
                .iter()
                .enumerate()
                .filter(|(_, i)| **i == input)
                .map(|(n, _)| n)
                .collect();
            let groups = &mut self.groups[c];
            let entry = match groups.get_mut(&key) {
                Some(entry) => entry,
                None => {
                    self.live += 1;
                    self.stats.peak_groups = self.stats.peak_groups.max(self.live as u64);
                    groups.entry(key).or_insert(Group {
                        last_seen: hit.time,
                        window: Window::new(rule),
                    })
                }
            };
            entry.last_seen = hit.time;
            let Some(fired) = entry.window.add(rule, hit.time, &steps, value.as_deref()) else {
                continue;
            };
            let context = CorrelationContext {
                kind: rule.kind.as_str(),
                group: rule
                    .group_by
                    .iter()
                    .zip(&group)
                    .map(|(name, value)| (name.clone(), value.to_string()))
                    .collect(),
                value: fired.value,
                events: fired.events,
                first_time: Timestamp(fired.first_time),
                last_time: Timestamp(hit.time),
            };
            if !set.quiet_correlations[c] {
                self.stats.alerts += 1;
                out.push(Alert {
                    rule: Arc::clone(&rule.meta),
                    log: hit.log,
                    event: hit.summary.clone(),
                    origin: hit.origin.clone(),
                    raw: None,
                    correlation: Some(Box::new(context)),
                });
            }
            // A chained correlation reads this one's group values.
            let carried: Vec<Option<Box<str>>> =
                group.iter().map(|v| Some(Box::from(*v))).collect();
            self.feed(Input::Correlation(c), &carried, hit, out);
        }
    }

    /// Drops groups whose windows hold nothing the current event time can
    /// still count; then, past `max_groups`, the least recently seen.
    fn sweep(&mut self) {
        self.since_sweep = 0;
        let now = self.released;
        for (c, groups) in self.groups.iter_mut().enumerate() {
            let oldest_live = now.saturating_sub(self.set.rules[c].timespan_ms);
            groups.retain(|_, g| !g.window.is_stale(oldest_live));
        }
        self.live = self.groups.iter().map(|g| g.len()).sum();
        if self.live <= self.limits.max_groups {
            return;
        }
        // Evict down to 90% of the bound, oldest first.
        let target = self.limits.max_groups / 10 * 9;
        let mut seen: Vec<i64> = self
            .groups
            .iter()
            .flat_map(|g| g.values().map(|g| g.last_seen))
            .collect();
        let cut = self.live - target;
        seen.select_nth_unstable(cut.saturating_sub(1));
        let threshold = seen[cut.saturating_sub(1)];
        let mut to_drop = cut;
        for groups in &mut self.groups {
            groups.retain(|_, g| {
                if to_drop > 0 && g.last_seen <= threshold {
                    to_drop -= 1;
                    false
                } else {
                    true
                }
            });
        }
        self.stats.evicted += (cut - to_drop) as u64;
        self.live = self.groups.iter().map(|g| g.len()).sum();
    }
}
