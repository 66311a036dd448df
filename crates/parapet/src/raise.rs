//! What one event raises: the alerts of the detection rules it matches,
//! and the hits of the rules correlations read (those rules stay quiet
//! unless a correlation says `generate`). Shared by `detect`, `ingest
//! --detect` and `rules test`.

use std::sync::Arc;

use parapet_core::{Alert, Event, EventSummary, Level, LogKind};
use parapet_logs::{event_time, summarize};
use parapet_sigma::{CorrelationSet, Detectors, Hit, RuleRole};

/// What events raised, in the order they were seen.
#[derive(Default)]
pub struct Raised {
    pub alerts: Vec<Alert>,
    pub hits: Vec<Hit>,
}

pub struct Raiser<'a> {
    detectors: &'a Detectors,
    correlations: Option<&'a CorrelationSet>,
    /// Per log kind (`kind as usize`), per rule index: its part in the
    /// correlations, computed once so no hit looks a rule up by id.
    roles: Vec<Vec<RuleRole>>,
    min_level: Level,
    raw: bool,
}

impl<'a> Raiser<'a> {
    pub fn new(
        detectors: &'a Detectors,
        correlations: Option<&'a CorrelationSet>,
        min_level: Level,
        raw: bool,
    ) -> Self {
        let roles = correlations.map_or_else(Vec::new, |set| {
            LogKind::ALL
                .iter()
                .map(|&kind| set.roles(detectors.for_kind(kind).rules()))
                .collect()
        });
        Raiser {
            detectors,
            correlations,
            roles,
            min_level,
            raw,
        }
    }

    /// Matches `event` and appends what it raises to `out`; `matched` is
    /// scratch space reused from event to event.
    pub fn raise(&self, event: &Event, matched: &mut Vec<usize>, out: &mut Raised) {
        let detector = self.detectors.for_kind(event.kind);
        matched.clear();
        detector.matches(&event.value, matched);
        if matched.is_empty() {
            return;
        }
        // One summary and one time per event, however many rules matched.
        let summary = Arc::new(summarize(event.kind, &event.value));
        let mut time = None;
        for &n in matched.iter() {
            let rule = &detector.rules()[n];
            if let Some(correlations) = self.correlations {
                let role = self.roles[event.kind as usize][n];
                if let Some(slot) = role.slot {
                    let time = *time.get_or_insert_with(|| event_time(event.kind, &event.value));
                    if let Some(time) = time {
                        let fold = event.kind.sigma().fold_field_case;
                        out.hits.push(Hit {
                            slot,
                            time: time.0,
                            values: correlations.extract(slot, &event.value, fold),
                            summary: Arc::clone(&summary),
                            origin: event.origin.clone(),
                            log: event.kind,
                        });
                    }
                    if !role.alerts_alone {
                        continue;
                    }
                }
            }
            if rule.meta.level < self.min_level {
                continue;
            }
            out.alerts.push(Alert {
                rule: rule.meta.clone(),
                log: event.kind,
                event: EventSummary::clone(&summary),
                origin: event.origin.clone(),
                raw: self.raw.then(|| event.value.clone()),
                correlation: None,
            });
        }
    }
}
