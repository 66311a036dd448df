//! Matching packages against advisories: an index by (ecosystem, name),
//! then OSV's range evaluation in the ecosystem's own version order.

use std::cmp::Ordering;
use std::collections::HashMap;

use parapet_core::{Level, Package, VulnerabilityFinding};

use crate::advisory::{Advisory, Affected, Range, RangeEvent, RangeKind, SeverityEntry};
use crate::cvss;
use crate::ecosystem::{normalize_name, Ecosystem, VersionScheme};

/// Advisories indexed for matching. Withdrawn advisories are left out.
pub struct VulnDb {
    advisories: Vec<Advisory>,
    /// (ecosystem without release, normalized name) -> (advisory, affected) indexes.
    index: HashMap<(String, String), Vec<(u32, u32)>>,
    withdrawn: usize,
}

impl VulnDb {
    pub fn new(advisories: impl IntoIterator<Item = Advisory>) -> VulnDb {
        let mut db = VulnDb {
            advisories: Vec::new(),
            index: HashMap::new(),
            withdrawn: 0,
        };
        for advisory in advisories {
            if advisory.withdrawn.is_some() {
                db.withdrawn += 1;
                continue;
            }
            let at = db.advisories.len() as u32;
            for (i, affected) in advisory.affected.iter().enumerate() {
                let base = Ecosystem::parse(&affected.ecosystem).base;
                let key = (base.to_string(), normalize_name(base, &affected.name));
                db.index.entry(key).or_default().push((at, i as u32));
            }
            db.advisories.push(advisory);
        }
        db
    }

    pub fn len(&self) -> usize {
        self.advisories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty()
    }

    /// How many withdrawn advisories were left out.
    pub fn withdrawn(&self) -> usize {
        self.withdrawn
    }

    /// Every advisory affecting `package`, once each.
    pub fn match_package(&self, package: &Package) -> Vec<VulnerabilityFinding> {
        let ecosystem = Ecosystem::parse(&package.ecosystem);
        let scheme = ecosystem.scheme();
        let mut names = vec![(package.name.as_str(), package.version.as_str())];
        if let Some(source) = package.source_name.as_deref() {
            if ecosystem.is_os() && source != package.name {
                let version = package
                    .source_version
                    .as_deref()
                    .unwrap_or(&package.version);
                names.insert(0, (source, version));
            }
        }
        let mut out: Vec<VulnerabilityFinding> = Vec::new();
        for (name, version) in names {
            let key = (
                ecosystem.base.to_string(),
                normalize_name(ecosystem.base, name),
            );
            let Some(entries) = self.index.get(&key) else {
                continue;
            };
            for &(a, i) in entries {
                let advisory = &self.advisories[a as usize];
                let affected = &advisory.affected[i as usize];
                if !same_release(&ecosystem, &Ecosystem::parse(&affected.ecosystem))
                    || !is_affected(scheme, affected, version)
                    || out.iter().any(|f| f.advisory_id == advisory.id)
                {
                    continue;
                }
                out.push(finding(advisory, affected, package, scheme, version));
            }
        }
        out
    }

    /// Every finding for every package, sorted by package then advisory.
    pub fn match_all(&self, packages: &[Package]) -> Vec<VulnerabilityFinding> {
        let mut out: Vec<VulnerabilityFinding> = packages
            .iter()
            .flat_map(|p| self.match_package(p))
            .collect();
        out.sort_by(|a, b| (&a.package, &a.advisory_id).cmp(&(&b.package, &b.advisory_id)));
        out.dedup_by(|a, b| a.package == b.package && a.advisory_id == b.advisory_id);
        out
    }
}

/// An advisory without a release (`Debian`) covers every release; one with
/// a release covers that release and its flavours (`Ubuntu:22.04:LTS`
/// covers a package from 22.04).
fn same_release(package: &Ecosystem<'_>, advisory: &Ecosystem<'_>) -> bool {
    match (package.release, advisory.release) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(p), Some(a)) => a == p || a.strip_prefix(p).is_some_and(|rest| rest.starts_with(':')),
    }
}

/// Whether `version` is affected: listed explicitly, or inside a SEMVER or
/// ECOSYSTEM range.
pub fn is_affected(scheme: Option<VersionScheme>, affected: &Affected, version: &str) -> bool {
    let listed = affected
        .versions
        .iter()
        .any(|v| v == version || scheme.is_some_and(|s| s.compare(v, version) == Ordering::Equal));
    if listed {
        return true;
    }
    let Some(scheme) = scheme else {
        return false;
    };
    affected
        .ranges
        .iter()
        .filter(|r| r.kind != RangeKind::Git)
        .any(|r| range_contains(scheme, r, version))
}

/// OSV's evaluation: walk the events in version order; an `introduced` at
/// or below the version opens, a `fixed` or `limit` at or below it (or a
/// `last_affected` below it) closes.
fn range_contains(scheme: VersionScheme, range: &Range, version: &str) -> bool {
    let mut events: Vec<&RangeEvent> = range.events.iter().collect();
    events.sort_by(|a, b| compare_events(scheme, a, b));
    let mut affected = false;
    for event in events {
        match event {
            RangeEvent::Introduced(v) => {
                if v == "0" || scheme.compare(version, v) != Ordering::Less {
                    affected = true;
                }
            }
            RangeEvent::Fixed(v) | RangeEvent::Limit(v) => {
                if scheme.compare(version, v) != Ordering::Less {
                    affected = false;
                }
            }
            RangeEvent::LastAffected(v) => {
                if scheme.compare(version, v) == Ordering::Greater {
                    affected = false;
                }
            }
        }
    }
    affected
}

fn event_version(event: &RangeEvent) -> &str {
    match event {
        RangeEvent::Introduced(v)
        | RangeEvent::Fixed(v)
        | RangeEvent::LastAffected(v)
        | RangeEvent::Limit(v) => v,
    }
}

/// `introduced: "0"` is below every version; among equal versions a
/// closing event comes after the opening one it closes.
fn compare_events(scheme: VersionScheme, a: &RangeEvent, b: &RangeEvent) -> Ordering {
    let zero = |e: &RangeEvent| matches!(e, RangeEvent::Introduced(v) if v == "0");
    match (zero(a), zero(b)) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    let rank = |e: &RangeEvent| match e {
        RangeEvent::Introduced(_) => 0,
        RangeEvent::LastAffected(_) => 1,
        RangeEvent::Fixed(_) | RangeEvent::Limit(_) => 2,
    };
    scheme
        .compare(event_version(a), event_version(b))
        .then_with(|| rank(a).cmp(&rank(b)))
}

/// The fixed versions above the installed one, lowest first: the upgrades
/// that help.
fn upgrades(affected: &Affected, scheme: Option<VersionScheme>, version: &str) -> Vec<String> {
    let all = Advisory::fixed_versions(affected);
    let Some(scheme) = scheme else {
        return all;
    };
    let mut above: Vec<String> = all
        .into_iter()
        .filter(|fixed| scheme.compare(fixed, version) == Ordering::Greater)
        .collect();
    above.sort_by(|a, b| scheme.compare(a, b));
    above
}

fn finding(
    advisory: &Advisory,
    affected: &Affected,
    package: &Package,
    scheme: Option<VersionScheme>,
    version: &str,
) -> VulnerabilityFinding {
    let entries: &[SeverityEntry] = if affected.severity.is_empty() {
        &advisory.severity
    } else {
        &affected.severity
    };
    let scores: Vec<_> = entries
        .iter()
        .filter_map(|s| cvss::parse_vector(&s.kind, &s.score))
        .collect();
    let severity = scores
        .iter()
        .filter_map(|s| s.base_score)
        .fold(None, |best: Option<f64>, s| {
            Some(best.map_or(s, |b| b.max(s)))
        })
        .map(cvss::level_of_score)
        .or_else(|| {
            advisory
                .database_severity
                .as_deref()
                .and_then(cvss::level_of_word)
        })
        // A known flaw without a rating is not dismissed as low.
        .unwrap_or(Level::Medium);
    VulnerabilityFinding {
        advisory_id: advisory.id.clone(),
        aliases: advisory.aliases.clone(),
        summary: if advisory.summary.is_empty() {
            advisory
                .details
                .lines()
                .next()
                .unwrap_or_default()
                .to_string()
        } else {
            advisory.summary.clone()
        },
        severity,
        cvss: scores,
        package: package.clone(),
        fixed_versions: upgrades(affected, scheme, version),
        published: advisory.published.clone(),
        modified: Some(advisory.modified.clone()).filter(|m| !m.is_empty()),
        references: advisory.references.clone(),
        suppressed: None,
    }
}

#[cfg(test)]
#[path = "matcher_tests.rs"]
mod tests;
