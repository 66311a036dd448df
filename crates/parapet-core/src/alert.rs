use std::sync::Arc;

use sonic_rs::Value;

use crate::{Origin, RuleMeta};

/// The fields of an event an analyst reads first. Source-specific readers fill
/// it (for CloudTrail: eventID, eventTime, userIdentity.arn, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventSummary {
    pub event_id: Option<String>,
    pub time: Option<String>,
    pub actor: Option<String>,
    pub source_ip: Option<String>,
    pub service: Option<String>,
    pub operation: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub user_agent: Option<String>,
    pub error_code: Option<String>,
}

/// One rule matching one event.
#[derive(Debug, Clone)]
pub struct Alert {
    pub rule: Arc<RuleMeta>,
    pub event: EventSummary,
    pub origin: Origin,
    /// The whole event, when the user asked for it (`--raw`).
    pub raw: Option<Value>,
}
