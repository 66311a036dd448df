//! The state of one group of one correlation: a sliding window over the
//! hits seen in event time, kept so every update costs O(1) amortized
//! whatever the number of distinct values.

use std::collections::VecDeque;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use super::{CorrelationRule, CorrelationType};

type FastMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<rustc_hash::FxHasher>>;

/// What a firing window reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fired {
    /// The count, distinct count, sum, average, percentage or number of
    /// rules seen, as the type measures.
    pub(crate) value: f64,
    pub(crate) events: u64,
    pub(crate) first_time: i64,
}

#[derive(Debug)]
pub(crate) enum Window {
    Count(VecDeque<i64>),
    /// Values are kept as 64-bit keyed hashes (aHash with keys drawn per
    /// process, so no input can be crafted to collide): no allocation per
    /// hit, and a map of small entries whatever the values' length.
    Values {
        items: VecDeque<(i64, u64)>,
        counts: FastMap<u64, u32>,
    },
    Numbers {
        items: VecDeque<(i64, f64)>,
        sum: f64,
    },
    /// Per step of `rules`: the latest time that rule was seen.
    Temporal(Vec<Option<i64>>),
    /// Per step: the start time of the latest chain of steps 0..=i in order.
    Ordered(Vec<Option<i64>>),
}

impl Window {
    pub(crate) fn new(rule: &CorrelationRule) -> Window {
        match rule.kind {
            CorrelationType::EventCount => Window::Count(VecDeque::new()),
            CorrelationType::ValueCount | CorrelationType::ValuePercentile => Window::Values {
                items: VecDeque::new(),
                counts: FastMap::default(),
            },
            CorrelationType::ValueSum | CorrelationType::ValueAvg => Window::Numbers {
                items: VecDeque::new(),
                sum: 0.0,
            },
            CorrelationType::Temporal => Window::Temporal(vec![None; rule.rules.len()]),
            CorrelationType::TemporalOrdered => Window::Ordered(vec![None; rule.rules.len()]),
        }
    }

    /// Adds a hit at `time` (never earlier than the hits before it) from the
    /// inputs at `steps` of the rule, with `value` for the value_* types;
    /// returns what fired, and then starts the window afresh.
    pub(crate) fn add(
        &mut self,
        rule: &CorrelationRule,
        time: i64,
        steps: &[usize],
        value: Option<&str>,
    ) -> Option<Fired> {
        let span = rule.timespan_ms;
        let holds = |x: f64| rule.condition.iter().all(|c| c.holds(x));
        match self {
            Window::Count(times) => {
                times.push_back(time);
                expire(times, time - span, |t| *t);
                let count = times.len() as f64;
                holds(count).then(|| {
                    let fired = Fired {
                        value: count,
                        events: times.len() as u64,
                        first_time: times[0],
                    };
                    times.clear();
                    fired
                })
            }
            Window::Values { items, counts } => {
                let value = value_key(value?);
                *counts.entry(value).or_default() += 1;
                items.push_back((time, value));
                while items.front().is_some_and(|(t, _)| *t < time - span) {
                    if let Some((_, old)) = items.pop_front() {
                        if let Some(n) = counts.get_mut(&old) {
                            *n -= 1;
                            if *n == 0 {
                                counts.remove(&old);
                            }
                        }
                    }
                }
                let measured = if rule.kind == CorrelationType::ValuePercentile {
                    100.0 * f64::from(counts[&value]) / items.len() as f64
                } else {
                    counts.len() as f64
                };
                let fired = holds(measured).then(|| Fired {
                    value: measured,
                    events: items.len() as u64,
                    first_time: items[0].0,
                });
                // A percentile judges each value against the window's
                // history, which firing must not erase.
                if fired.is_some() && rule.kind == CorrelationType::ValueCount {
                    items.clear();
                    counts.clear();
                }
                fired
            }
            Window::Numbers { items, sum } => {
                let number: f64 = value?.trim().parse().ok()?;
                items.push_back((time, number));
                *sum += number;
                while items.front().is_some_and(|(t, _)| *t < time - span) {
                    if let Some((_, old)) = items.pop_front() {
                        *sum -= old;
                    }
                }
                let measured = if rule.kind == CorrelationType::ValueAvg {
                    *sum / items.len() as f64
                } else {
                    *sum
                };
                holds(measured).then(|| {
                    let fired = Fired {
                        value: measured,
                        events: items.len() as u64,
                        first_time: items[0].0,
                    };
                    items.clear();
                    *sum = 0.0;
                    fired
                })
            }
            Window::Temporal(last) => {
                for &step in steps {
                    last[step] = Some(time);
                }
                // The rules seen within the span, and the earliest of them:
                // counted in place, no allocation per hit.
                let (live, first_time) = last
                    .iter()
                    .flatten()
                    .filter(|t| **t >= time - span)
                    .fold((0usize, time), |(n, first), t| (n + 1, first.min(*t)));
                let seen = live as f64;
                let complete = if rule.condition.is_empty() {
                    live == last.len()
                } else {
                    holds(seen)
                };
                complete.then(|| {
                    last.iter_mut().for_each(|t| *t = None);
                    Fired {
                        value: seen,
                        events: live as u64,
                        first_time,
                    }
                })
            }
            Window::Ordered(chain) => {
                // Later steps first, so one hit never advances two steps.
                for &step in steps.iter().rev() {
                    let start = if step == 0 {
                        Some(time)
                    } else {
                        chain[step - 1].filter(|start| time - start <= span)
                    };
                    if let Some(start) = start {
                        chain[step] = Some(chain[step].map_or(start, |s| s.max(start)));
                    }
                }
                let last = chain.len() - 1;
                let start = chain[last].filter(|start| time - start <= span)?;
                chain.iter_mut().for_each(|t| *t = None);
                Some(Fired {
                    value: (last + 1) as f64,
                    events: (last + 1) as u64,
                    first_time: start,
                })
            }
        }
    }

    /// True when nothing in the window can count again once event time is
    /// past `time`.
    pub(crate) fn is_stale(&self, oldest_live: i64) -> bool {
        match self {
            Window::Count(times) => times.back().is_none_or(|t| *t < oldest_live),
            Window::Values { items, .. } => items.back().is_none_or(|(t, _)| *t < oldest_live),
            Window::Numbers { items, .. } => items.back().is_none_or(|(t, _)| *t < oldest_live),
            Window::Temporal(times) | Window::Ordered(times) => {
                times.iter().flatten().all(|t| *t < oldest_live)
            }
        }
    }
}

/// The keyed hash a value is counted by: aHash with keys drawn at random
/// once per process (DoS-resistant like SipHash when the keys are secret,
/// and several times faster on the short strings counted here).
fn value_key(text: &str) -> u64 {
    static KEYS: OnceLock<ahash::RandomState> = OnceLock::new();
    KEYS.get_or_init(ahash::RandomState::new).hash_one(text)
}

fn expire<T>(items: &mut VecDeque<T>, oldest: i64, time_of: impl Fn(&T) -> i64) {
    while items.front().is_some_and(|item| time_of(item) < oldest) {
        items.pop_front();
    }
}
