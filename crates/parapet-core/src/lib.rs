//! Parapet's shared model: the types every engine and sink agree on.
//!
//! An [`Event`] is one raw log record (a sonic-rs DOM, chosen for parse speed) with
//! the place it was read from; an [`Alert`] is what the detection engine says about
//! one event. Engines depend on these types, never on each other.

mod alert;
mod attack;
mod compliance;
mod coverage;
mod event;
mod finding;
mod json_depth;
mod level;
mod log_kind;
mod policy_document;
mod resource;
mod rule_meta;
mod timestamp;
mod vulnerability;

pub use alert::{Alert, CorrelationContext, EventSummary, SummaryField};
pub use attack::{
    attack_techniques, is_attack_technique_id, parse_attack_tags, tactic_by_short_name, AttackTags,
    Tactic, Technique, ATTACK_TABLE,
};
pub use compliance::{ComplianceReport, ControlResult, ControlStatus, PolicyRuleMeta};
pub use coverage::CoverageGap;
pub use event::{Event, Origin};
pub use finding::{CheckStatus, Finding, ResourceRef, Span};
pub use json_depth::{too_deep, MAX_JSON_DEPTH};
pub use level::{Level, ParseLevelError};
pub use log_kind::{LogKind, SigmaSource};
pub use policy_document::{allowed_principals, percent_decode};
pub use resource::{AttrOrigin, AttrValue, Attribute, Provider, Relation, Resource};
pub use rule_meta::RuleMeta;
pub use timestamp::{parse_rfc3339, CivilTime, Timestamp};
pub use vulnerability::{CvssScore, Package, PackageLocation, VulnerabilityFinding};
