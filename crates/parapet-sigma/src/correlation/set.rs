//! Resolving what correlations refer to: detection rules and other
//! correlations, by id or name; which fields each hit must carry.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;

use sonic_rs::Value;

use super::engine::HitValues;
use super::CorrelationRule;
use crate::error::RuleError;
use crate::field::FieldPath;
use crate::pipeline::Pipeline;
use crate::rule::CompiledRule;

/// Where a correlation's input comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Input {
    /// A detection rule, by slot.
    Detection(usize),
    /// Another correlation, by index.
    Correlation(usize),
}

/// One correlation an input feeds: the steps of its `rules` the input is,
/// and where its group-by and value fields sit among the input's values.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) correlation: usize,
    pub(crate) steps: Vec<usize>,
    pub(crate) group_at: Vec<Option<usize>>,
    pub(crate) value_at: Vec<Option<usize>>,
    /// An earlier route of the same input grouping by the same values: its
    /// group hash serves this one too.
    pub(crate) same_group_as: Option<usize>,
}

/// Positions (among the values an input carries) of a correlation's
/// group-by values, then of its condition fields; None: the input has none.
pub(crate) type Picks = (Vec<Option<usize>>, Vec<Option<usize>>);

#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub(crate) rule_id: String,
    /// Fields a hit of this rule carries, in order.
    pub(crate) fields: Vec<String>,
    paths: Vec<FieldPath>,
    folded: Vec<FieldPath>,
}

/// A detection rule's part in the correlations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleRole {
    /// [`CorrelationSet::slot_of`] the rule, when a correlation reads it.
    pub slot: Option<usize>,
    pub alerts_alone: bool,
}

/// Correlations ready to run, with what each input must carry.
#[derive(Debug, Clone, Default)]
pub struct CorrelationSet {
    pub(crate) rules: Vec<CorrelationRule>,
    /// Each correlation's inputs, in the order of its `rules`.
    pub(crate) steps: Vec<Vec<Input>>,
    pub(crate) slots: Vec<Slot>,
    slot_of_rule: HashMap<String, usize>,
    /// Correlations fed by each input.
    pub(crate) consumers: HashMap<Input, Vec<usize>>,
    /// (correlation, input) -> positions of its group-by values, then of its
    /// condition fields, among the values the input carries.
    picks: HashMap<(usize, Input), Picks>,
    /// Per input: every correlation it feeds, with where to find what.
    pub(crate) routes: FxHashMap<Input, Vec<Route>>,
    quiet: HashSet<String>,
    /// Correlations only other correlations read (none with `generate`).
    pub(crate) quiet_correlations: Vec<bool>,
}

impl CorrelationSet {
    /// Resolves `correlations` against each other and `detections`. A
    /// correlation naming nothing loaded, or in a cycle, is reported and left
    /// out with those that depend on it.
    pub fn new(
        correlations: Vec<CorrelationRule>,
        detections: &[CompiledRule],
    ) -> (CorrelationSet, Vec<RuleError>) {
        let mut errors = Vec::new();
        let err = |c: &CorrelationRule, reason: String| {
            RuleError::new(&c.meta.source, "correlation.rules", reason)
        };
        // Resolve references; unresolved correlations drop out, repeatedly,
        // so that a chain over a dropped one drops too.
        let mut alive: Vec<bool> = vec![true; correlations.len()];
        let resolved: Vec<Vec<Result<Input, String>>> = loop {
            let resolved: Vec<Vec<Result<Input, String>>> = correlations
                .iter()
                .map(|c| {
                    c.rules
                        .iter()
                        .map(|reference| resolve(reference, &correlations, &alive, detections))
                        .collect()
                })
                .collect();
            let mut changed = false;
            for (n, refs) in resolved.iter().enumerate() {
                if alive[n] {
                    if let Some(Err(missing)) = refs.iter().find(|r| r.is_err()) {
                        errors.push(err(
                            &correlations[n],
                            format!(
                                "`{missing}` names no loaded rule or correlation (by id or name)"
                            ),
                        ));
                        alive[n] = false;
                        changed = true;
                    }
                }
            }
            if !changed {
                break resolved;
            }
        };
        for n in 0..correlations.len() {
            if alive[n] && in_cycle(n, &resolved, &alive) {
                errors.push(err(
                    &correlations[n],
                    "correlations refer to each other in a cycle".into(),
                ));
                alive[n] = false;
            }
        }
        let mut set = CorrelationSet::default();
        let mut index_of = HashMap::new();
        for (n, c) in correlations.iter().enumerate() {
            if alive[n] {
                index_of.insert(n, set.rules.len());
                set.rules.push(c.clone());
            }
        }
        let mut generate: HashMap<String, bool> = HashMap::new();
        let mut generate_correlation: HashMap<usize, bool> = HashMap::new();
        for (n, refs) in resolved.iter().enumerate() {
            let Some(&me) = index_of.get(&n) else {
                continue;
            };
            let mut steps = Vec::new();
            for r in refs.iter().flatten() {
                let input = match *r {
                    Input::Detection(rule) => {
                        let id = detections[rule].meta.id.clone();
                        let entry = generate.entry(id.clone()).or_insert(false);
                        *entry |= correlations[n].generate;
                        let next = set.slots.len();
                        let slot = *set.slot_of_rule.entry(id.clone()).or_insert(next);
                        if slot == next {
                            set.slots.push(Slot {
                                rule_id: id,
                                fields: Vec::new(),
                                paths: Vec::new(),
                                folded: Vec::new(),
                            });
                        }
                        Input::Detection(slot)
                    }
                    Input::Correlation(other) => {
                        let entry = generate_correlation
                            .entry(index_of[&other])
                            .or_insert(false);
                        *entry |= correlations[n].generate;
                        Input::Correlation(index_of[&other])
                    }
                };
                steps.push(input);
                let consumers = set.consumers.entry(input).or_default();
                if !consumers.contains(&me) {
                    consumers.push(me);
                }
            }
            set.steps.push(steps);
        }
        set.quiet = generate
            .into_iter()
            .filter(|(_, generate)| !generate)
            .map(|(id, _)| id)
            .collect();
        set.quiet_correlations = (0..set.rules.len())
            .map(|c| generate_correlation.get(&c) == Some(&false))
            .collect();
        set.plan_fields(detections);
        set.plan_routes();
        (set, errors)
    }

    /// Decides which fields each input carries and where each correlation
    /// finds its group-by and value fields among them.
    fn plan_fields(&mut self, detections: &[CompiledRule]) {
        let name_of = |id: &str| -> Vec<String> {
            let mut names = vec![id.to_string()];
            if let Some(rule) = detections.iter().find(|r| r.meta.id == id) {
                names.extend(rule.name.clone());
            }
            names
        };
        for (c, steps) in self.steps.iter().enumerate() {
            let rule = &self.rules[c];
            for &input in steps {
                let names = match input {
                    Input::Detection(slot) => name_of(&self.slots[slot].rule_id),
                    Input::Correlation(other) => {
                        let o = &self.rules[other];
                        std::iter::once(o.meta.id.clone())
                            .chain(o.name.clone())
                            .collect()
                    }
                };
                let field_for = |group: &str| -> String {
                    rule.aliases
                        .get(group)
                        .and_then(|per_rule| names.iter().find_map(|n| per_rule.get(n)))
                        .cloned()
                        .unwrap_or_else(|| group.to_string())
                };
                let wanted_group: Vec<String> =
                    rule.group_by.iter().map(|g| field_for(g)).collect();
                let wanted_values: Vec<String> = rule.fields.clone();
                let picks = match input {
                    Input::Detection(slot) => {
                        let slot = &mut self.slots[slot];
                        let mut position = |field: &String| {
                            Some(match slot.fields.iter().position(|f| f == field) {
                                Some(at) => at,
                                None => {
                                    slot.fields.push(field.clone());
                                    slot.paths.push(FieldPath::new(field));
                                    let mut folded = FieldPath::new(field);
                                    folded.fold_case();
                                    slot.folded.push(folded);
                                    slot.fields.len() - 1
                                }
                            })
                        };
                        let group = wanted_group.iter().map(&mut position).collect();
                        let values = wanted_values.iter().map(&mut position).collect();
                        (group, values)
                    }
                    Input::Correlation(other) => {
                        // A correlation's hit carries its own group-by values.
                        let carried = &self.rules[other].group_by;
                        let at = |field: &String| carried.iter().position(|f| f == field);
                        (
                            wanted_group.iter().map(at).collect(),
                            wanted_values.iter().map(at).collect(),
                        )
                    }
                };
                self.picks.insert((c, input), picks);
            }
        }
    }

    fn plan_routes(&mut self) {
        for (input, consumers) in &self.consumers {
            let routes = consumers
                .iter()
                .filter_map(|&c| {
                    let (group_at, value_at) = self.picks.get(&(c, *input))?.clone();
                    let steps = self.steps[c]
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| *i == input)
                        .map(|(n, _)| n)
                        .collect();
                    Some(Route {
                        correlation: c,
                        steps,
                        group_at,
                        value_at,
                        same_group_as: None,
                    })
                })
                .collect();
            let mut routes: Vec<Route> = routes;
            for n in 0..routes.len() {
                routes[n].same_group_as =
                    (0..n).find(|&m| routes[m].group_at == routes[n].group_at);
            }
            self.routes.insert(*input, routes);
        }
    }

    /// The same set with every correlation alerting, chained ones included:
    /// for testing a correlation that is a building block of another.
    pub fn all_alerting(mut self) -> Self {
        self.quiet_correlations.iter_mut().for_each(|q| *q = false);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn rules(&self) -> &[CorrelationRule] {
        &self.rules
    }

    /// The slot of a detection rule some correlation reads, by rule id.
    pub fn slot_of(&self, rule_id: &str) -> Option<usize> {
        self.slot_of_rule.get(rule_id).copied()
    }

    /// Reads the fields hits carry where the field-mapping `pipelines` put
    /// them for each rule's logsource (in priority order), as the rules'
    /// own fields are read.
    pub fn map_fields(&mut self, pipelines: &[Pipeline], detections: &[CompiledRule]) {
        let mut ordered: Vec<&Pipeline> = pipelines.iter().collect();
        ordered.sort_by_key(|p| p.priority);
        for slot in &mut self.slots {
            let Some(rule) = detections.iter().find(|r| r.meta.id == slot.rule_id) else {
                continue;
            };
            for path in slot.paths.iter_mut().chain(slot.folded.iter_mut()) {
                for pipeline in &ordered {
                    pipeline.relocate(&rule.logsource, path);
                }
            }
        }
    }

    /// What each rule of `rules` (a detector's, in its order) is to the
    /// correlations: the slot its hits go to, and whether it also alerts on
    /// its own. Computed once, so the hot path does no lookup by id.
    pub fn roles(&self, rules: &[CompiledRule]) -> Vec<RuleRole> {
        rules
            .iter()
            .map(|rule| RuleRole {
                slot: self.slot_of(&rule.meta.id),
                alerts_alone: self.alerts_alone(&rule.meta.id),
            })
            .collect()
    }

    /// False for a rule only correlations read (none of them sets
    /// `generate: true`): its hits are not alerts of their own.
    pub fn alerts_alone(&self, rule_id: &str) -> bool {
        !self.quiet.contains(rule_id)
    }

    /// The values a hit of `slot` carries, read from the event; field names
    /// compared without case when `fold_case`.
    pub fn extract(&self, slot: usize, event: &Value, fold_case: bool) -> HitValues {
        let slot = &self.slots[slot];
        let paths = if fold_case { &slot.folded } else { &slot.paths };
        // Built in a buffer kept per thread, then copied out at its exact
        // size: two allocations per hit, not one per doubling, and no
        // slack held while hits wait to be ordered.
        thread_local! {
            static SCRATCH: std::cell::RefCell<HitValues> = std::cell::RefCell::new(HitValues::default());
        }
        SCRATCH.with(|scratch| {
            let mut values = scratch.borrow_mut();
            values.clear();
            for path in paths {
                values.push_with(|out| path.append_text(event, out));
            }
            values.to_exact()
        })
    }
}

fn resolve(
    reference: &str,
    correlations: &[CorrelationRule],
    alive: &[bool],
    detections: &[CompiledRule],
) -> Result<Input, String> {
    if let Some(n) = correlations.iter().enumerate().position(|(n, c)| {
        alive[n] && (c.meta.id == reference || c.name.as_deref() == Some(reference))
    }) {
        return Ok(Input::Correlation(n));
    }
    detections
        .iter()
        .position(|r| r.is_named(reference))
        .map(Input::Detection)
        .ok_or_else(|| reference.to_string())
}

fn in_cycle(start: usize, resolved: &[Vec<Result<Input, String>>], alive: &[bool]) -> bool {
    let mut stack = vec![start];
    let mut seen = HashSet::new();
    while let Some(n) = stack.pop() {
        for r in resolved[n].iter().flatten() {
            if let Input::Correlation(next) = *r {
                if next == start {
                    return true;
                }
                if alive[next] && seen.insert(next) {
                    stack.push(next);
                }
            }
        }
    }
    false
}
