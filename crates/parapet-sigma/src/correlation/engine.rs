//! Running correlations over hits that arrive in any order.
//!
//! Hits wait in a buffer ordered by event time (ties broken by where the
//! event was read, so the order files are read in changes nothing) until
//! the allowed lateness has passed, then go through the windows in order.
//! With no lateness bound, everything is ordered before any window runs:
//! the whole input is one batch. State is bounded: groups that can no
//! longer count are dropped, and past `max_groups` the least recently seen
//! are evicted and counted.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::Arc;

use parapet_core::{Alert, CorrelationContext, EventSummary, LogKind, Origin, Timestamp};

use super::set::{CorrelationSet, Input};
use super::window::Window;

type FastMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<rustc_hash::FxHasher>>;

/// The field values a hit carries, packed in one buffer (one allocation
/// however many fields the correlations read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HitValues {
    text: String,
    /// (start, end) in `text`; `ABSENT` start for a field the event lacks.
    spans: Vec<(u32, u32)>,
}

const ABSENT: u32 = u32::MAX;

impl HitValues {
    pub fn with_capacity(fields: usize) -> Self {
        HitValues {
            text: String::new(),
            spans: Vec::with_capacity(fields),
        }
    }

    /// Appends the next value through `write`, which returns false when the
    /// field is absent.
    pub fn push_with(&mut self, write: impl FnOnce(&mut String) -> bool) {
        let start = self.text.len();
        if write(&mut self.text) {
            self.spans.push((start as u32, self.text.len() as u32));
        } else {
            self.text.truncate(start);
            self.spans.push((ABSENT, 0));
        }
    }

    pub fn push(&mut self, value: Option<&str>) {
        self.push_with(|out| match value {
            Some(v) => {
                out.push_str(v);
                true
            }
            None => false,
        });
    }

    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
    }

    /// A copy holding exactly its bytes.
    pub(crate) fn to_exact(&self) -> HitValues {
        HitValues {
            text: self.text.as_str().into(),
            spans: self.spans.as_slice().into(),
        }
    }

    pub fn get(&self, at: usize) -> Option<&str> {
        let &(start, end) = self.spans.get(at)?;
        (start != ABSENT).then(|| &self.text[start as usize..end as usize])
    }
}

impl<'a> FromIterator<Option<&'a str>> for HitValues {
    fn from_iter<I: IntoIterator<Item = Option<&'a str>>>(values: I) -> Self {
        let mut packed = HitValues::default();
        for value in values {
            packed.push(value);
        }
        packed
    }
}

/// One hit of a detection rule a correlation reads.
#[derive(Debug, Clone)]
pub struct Hit {
    /// [`CorrelationSet::slot_of`] the rule.
    pub slot: usize,
    /// Event time, milliseconds since the epoch.
    pub time: i64,
    /// [`CorrelationSet::extract`] of the event.
    pub values: HitValues,
    /// Shared with the event's other hits and alerts.
    pub summary: Arc<EventSummary>,
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
    /// Hits waiting to be ordered at most; past it the oldest half goes
    /// through early (counted as `forced`).
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

/// The order hits go through the windows in: event time, then where the
/// event was read (never the order files happened to be read in). Hits of
/// one file share its name, so the name is compared only when the two
/// differ.
fn order(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    a.time
        .cmp(&b.time)
        .then_with(|| {
            if Arc::ptr_eq(&a.origin.source, &b.origin.source) {
                std::cmp::Ordering::Equal
            } else {
                a.origin.source.cmp(&b.origin.source)
            }
        })
        .then_with(|| {
            (a.origin.line, a.origin.index, a.slot).cmp(&(b.origin.line, b.origin.index, b.slot))
        })
}

/// A run's head in the k-way merge, ordered as [`order`] orders hits.
struct Head {
    hit: Hit,
    run: usize,
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Head {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        order(&self.hit, &other.hit).then(self.run.cmp(&other.run))
    }
}

/// Hits gathered before a bounded lateness sorts and releases them.
const RELEASE_BATCH: usize = 16_384;

/// A group's state. Groups are found by a 64-bit keyed hash of their
/// group-by values rather than the values themselves: no key held per group
/// and no key compared per hit (the alert takes the values from the hit that
/// fires). Two groups share state only if their values collide under keys
/// the input cannot know: about 3 in 10^8 with a million live groups.
struct Group {
    last_seen: i64,
    window: Window,
}

/// Correlations in progress.
pub struct Correlator<'a> {
    set: &'a CorrelationSet,
    limits: CorrelatorLimits,
    /// Hits not yet released, in arrival order; sorted when released (input
    /// is mostly in time order, so the sort is close to linear).
    pending: Vec<Hit>,
    /// With no lateness bound: full batches, each sorted, merged at the end.
    runs: Vec<Vec<Hit>>,
    held: usize,
    /// Pending length that triggers the next release.
    release_at: usize,
    newest: i64,
    released: i64,
    /// Per correlation, its groups by the keyed hash of their group-by
    /// values (see [`Group`]).
    groups: Vec<FastMap<u64, Group>>,
    /// Keys of the group hash, drawn at random per correlator.
    group_keys: ahash::RandomState,
    live: usize,
    since_sweep: usize,
    stats: CorrelationStats,
    /// The routes' group hashes and the joined value of a multi-field
    /// value_count, buffers reused from hit to hit.
    scratch: (Vec<u64>, String),
    /// Hits being released, a buffer reused (see `release_until`).
    ready: Vec<Hit>,
}

/// Joins the fields of a value counted over several fields (a control
/// character no field holds).
const GROUP_SEPARATOR: char = '\u{1f}';

/// Hits between sweeps of stale groups, at least; a sweep visits every
/// live group, so it waits for as many hits as there are groups (one visit
/// per hit, amortized).
const SWEEP_EVERY: usize = 65_536;

impl<'a> Correlator<'a> {
    pub fn new(set: &'a CorrelationSet, limits: CorrelatorLimits) -> Self {
        Correlator {
            set,
            limits,
            pending: Vec::new(),
            runs: Vec::new(),
            held: 0,
            release_at: RELEASE_BATCH,
            newest: i64::MIN,
            released: i64::MIN,
            groups: set.rules.iter().map(|_| FastMap::default()).collect(),
            group_keys: ahash::RandomState::new(),
            live: 0,
            since_sweep: 0,
            stats: CorrelationStats::default(),
            scratch: (Vec::new(), String::new()),
            ready: Vec::new(),
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
        // Late is decided against the newest time seen, not against what
        // was released, so batching never changes which hits count.
        let late = match self.limits.lateness_ms {
            Some(lateness) => hit.time < self.newest.saturating_sub(lateness),
            None => hit.time < self.released,
        };
        if late {
            self.stats.late += 1;
            return;
        }
        self.newest = self.newest.max(hit.time);
        self.pending.push(hit);
        // Release once a batch has arrived since the last release: the
        // hits still inside the lateness stay and must not be sorted again
        // on every arrival.
        if self.pending.len() < self.release_at {
            return;
        }
        match self.limits.lateness_ms {
            Some(lateness) => {
                let watermark = self.newest.saturating_sub(lateness);
                self.release_until(Some(watermark), out);
            }
            None => {
                // No bound: keep sorted runs, merged at the end; no copy
                // of everything held, whatever its size.
                self.sort_pending();
                let run = std::mem::replace(&mut self.pending, Vec::with_capacity(RELEASE_BATCH));
                self.held += run.len();
                self.runs.push(run);
            }
        }
        if self.held + self.pending.len() > self.limits.max_pending {
            // Full: everything held goes through before its lateness passed.
            self.stats.forced += (self.held + self.pending.len()) as u64;
            self.release_until(None, out);
        }
        self.release_at = self.pending.len() + RELEASE_BATCH;
    }

    /// Runs every waiting hit; call at the end of the input.
    pub fn finish(&mut self, out: &mut Vec<Alert>) {
        self.release_until(None, out);
    }

    fn sort_pending(&mut self) {
        self.pending.sort_by(order);
    }

    fn release_until(&mut self, watermark: Option<i64>, out: &mut Vec<Alert>) {
        self.sort_pending();
        let end = match watermark {
            // Strictly before the watermark: a hit still allowed in (at or
            // after it) can never precede one already released.
            Some(w) => self.pending.partition_point(|h| h.time < w),
            None => self.pending.len(),
        };
        // Moved out through a buffer kept from release to release: the
        // hits still inside the lateness stay where they are, and no
        // vector is allocated (and faulted in) per release.
        let mut ready = std::mem::take(&mut self.ready);
        ready.extend(self.pending.drain(..end));
        if self.runs.is_empty() {
            for hit in ready.drain(..) {
                self.release(hit, out);
            }
            self.ready = ready;
            return;
        }
        let mut runs = std::mem::take(&mut self.runs);
        self.held = 0;
        runs.push(ready);
        self.merge_runs(runs, out);
    }

    /// Releases sorted runs in one order. Runs that follow one another
    /// (input read in time order, the usual case) are chained and go
    /// straight through; only chains that overlap are merged by their heads.
    fn merge_runs(&mut self, runs: Vec<Vec<Hit>>, out: &mut Vec<Alert>) {
        let mut chains: Vec<Vec<Vec<Hit>>> = Vec::new();
        for run in runs.into_iter().filter(|r| !r.is_empty()) {
            let follows = |chain: &Vec<Vec<Hit>>| {
                chain
                    .last()
                    .and_then(|r| r.last())
                    .is_some_and(|last| order(last, &run[0]).is_le())
            };
            match chains.iter_mut().find(|c| follows(c)) {
                Some(chain) => chain.push(run),
                None => chains.push(vec![run]),
            }
        }
        if chains.len() == 1 {
            for hit in chains.into_iter().flatten().flatten() {
                self.release(hit, out);
            }
            return;
        }
        let mut iters: Vec<_> = chains
            .into_iter()
            .map(|chain| chain.into_iter().flatten())
            .collect();
        let mut queue: BinaryHeap<Reverse<Head>> = iters
            .iter_mut()
            .enumerate()
            .filter_map(|(run, it)| it.next().map(|hit| Reverse(Head { hit, run })))
            .collect();
        while let Some(Reverse(Head { hit, run })) = queue.pop() {
            if let Some(next) = iters[run].next() {
                queue.push(Reverse(Head { hit: next, run }));
            }
            self.release(hit, out);
        }
    }

    fn release(&mut self, hit: Hit, out: &mut Vec<Alert>) {
        self.released = self.released.max(hit.time);
        self.feed(Input::Detection(hit.slot), &hit.values, &hit, out);
        self.since_sweep += 1;
        if self.since_sweep >= SWEEP_EVERY.max(self.live) || self.live > self.limits.max_groups {
            self.sweep();
        }
    }

    /// Feeds one input's hit into every correlation reading that input.
    fn feed(&mut self, input: Input, values: &HitValues, hit: &Hit, out: &mut Vec<Alert>) {
        let set = self.set;
        let Some(routes) = set.routes.get(&input) else {
            return;
        };
        let pick = |at: &Option<usize>| -> &str { at.and_then(|i| values.get(i)).unwrap_or("") };
        // Scratch buffers kept between hits (a chained call below starts
        // with fresh ones).
        let (mut hashes, mut joined) = std::mem::take(&mut self.scratch);
        hashes.clear();
        for route in routes {
            let c = route.correlation;
            let rule = &set.rules[c];
            // Hashed straight from the hit's values (no key built), once
            // per distinct group-by among the routes.
            let hash = match route.same_group_as {
                Some(earlier) => hashes[earlier],
                None => {
                    let mut hasher = self.group_keys.build_hasher();
                    for at in &route.group_at {
                        hasher.write(pick(at).as_bytes());
                        hasher.write_u8(0xff);
                    }
                    hasher.finish()
                }
            };
            hashes.push(hash);
            let value = match route.value_at.as_slice() {
                [] => None,
                [one] => Some(pick(one)).filter(|v| !v.is_empty()),
                many => {
                    joined.clear();
                    for (n, at) in many.iter().enumerate() {
                        if n > 0 {
                            joined.push(GROUP_SEPARATOR);
                        }
                        joined.push_str(pick(at));
                    }
                    Some(joined.as_str()).filter(|v| v.len() >= many.len())
                }
            };
            let groups = &mut self.groups[c];
            let group = match groups.get_mut(&hash) {
                Some(group) => group,
                None => {
                    self.live += 1;
                    self.stats.peak_groups = self.stats.peak_groups.max(self.live as u64);
                    groups.entry(hash).or_insert(Group {
                        last_seen: hit.time,
                        window: Window::new(rule),
                    })
                }
            };
            group.last_seen = hit.time;
            let Some(fired) = group.window.add(rule, hit.time, &route.steps, value) else {
                continue;
            };
            let group_values: Vec<&str> = route.group_at.iter().map(pick).collect();
            if !set.quiet_correlations[c] {
                self.stats.alerts += 1;
                let context = CorrelationContext {
                    kind: rule.kind.as_str(),
                    group: rule
                        .group_by
                        .iter()
                        .zip(&group_values)
                        .map(|(name, value)| (name.clone(), value.to_string()))
                        .collect(),
                    value: fired.value,
                    events: fired.events,
                    first_time: Timestamp(fired.first_time),
                    last_time: Timestamp(hit.time),
                };
                out.push(Alert {
                    rule: Arc::clone(&rule.meta),
                    log: hit.log,
                    event: EventSummary::clone(&hit.summary),
                    origin: hit.origin.clone(),
                    raw: None,
                    correlation: Some(Box::new(context)),
                });
            }
            // A chained correlation reads this one's group values.
            let carried: HitValues = group_values.iter().map(|v| Some(*v)).collect();
            self.feed(Input::Correlation(c), &carried, hit, out);
        }
        self.scratch = (hashes, joined);
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
