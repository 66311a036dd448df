use std::sync::Arc;

use sonic_rs::Value;

use crate::{LogKind, Origin, RuleMeta, Timestamp};

/// The fields of an event an analyst reads first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryField {
    EventId,
    Time,
    Actor,
    SourceIp,
    Service,
    Operation,
    Account,
    Region,
    UserAgent,
    ErrorCode,
}

const FIELDS: usize = 10;
const ABSENT: (u32, u32) = (u32::MAX, 0);

/// The summary of one event, filled by source-specific readers (for
/// CloudTrail: eventID, eventTime, userIdentity.arn, ...). Every alert has
/// one, so all fields share one buffer: one allocation per alert, not ten.
#[derive(Clone, PartialEq, Eq)]
pub struct EventSummary {
    text: String,
    spans: [(u32, u32); FIELDS],
}

impl Default for EventSummary {
    fn default() -> Self {
        EventSummary {
            text: String::new(),
            spans: [ABSENT; FIELDS],
        }
    }
}

impl EventSummary {
    pub fn with_capacity(bytes: usize) -> Self {
        EventSummary {
            text: String::with_capacity(bytes),
            spans: [ABSENT; FIELDS],
        }
    }

    pub fn set(&mut self, field: SummaryField, value: &str) {
        let start = self.text.len();
        self.text.push_str(value);
        self.spans[field as usize] = (start as u32, value.len() as u32);
    }

    pub fn get(&self, field: SummaryField) -> Option<&str> {
        let (start, len) = self.spans[field as usize];
        if start == u32::MAX {
            return None;
        }
        self.text.get(start as usize..(start + len) as usize)
    }

    pub fn event_id(&self) -> Option<&str> {
        self.get(SummaryField::EventId)
    }
    pub fn time(&self) -> Option<&str> {
        self.get(SummaryField::Time)
    }
    pub fn actor(&self) -> Option<&str> {
        self.get(SummaryField::Actor)
    }
    pub fn source_ip(&self) -> Option<&str> {
        self.get(SummaryField::SourceIp)
    }
    pub fn service(&self) -> Option<&str> {
        self.get(SummaryField::Service)
    }
    pub fn operation(&self) -> Option<&str> {
        self.get(SummaryField::Operation)
    }
    pub fn account(&self) -> Option<&str> {
        self.get(SummaryField::Account)
    }
    pub fn region(&self) -> Option<&str> {
        self.get(SummaryField::Region)
    }
    pub fn user_agent(&self) -> Option<&str> {
        self.get(SummaryField::UserAgent)
    }
    pub fn error_code(&self) -> Option<&str> {
        self.get(SummaryField::ErrorCode)
    }
}

impl std::fmt::Debug for EventSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSummary")
            .field("event_id", &self.event_id())
            .field("time", &self.time())
            .field("actor", &self.actor())
            .field("operation", &self.operation())
            .finish_non_exhaustive()
    }
}

/// One rule matching one event, or a correlation rule firing on the event
/// that completed it.
#[derive(Debug, Clone)]
pub struct Alert {
    pub rule: Arc<RuleMeta>,
    /// The log the event came from.
    pub log: LogKind,
    pub event: EventSummary,
    pub origin: Origin,
    /// The whole event, when the user asked for it (`--raw`).
    pub raw: Option<Value>,
    /// What a correlation saw; None for a detection rule's alert.
    pub correlation: Option<Box<CorrelationContext>>,
}

/// The window a correlation rule fired on.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationContext {
    /// `event_count`, `value_count`, `temporal`, ...
    pub kind: &'static str,
    /// The group-by fields and this group's values (empty text when absent).
    pub group: Vec<(String, String)>,
    /// The count, distinct count, sum, average, percentage or number of rules
    /// seen, as the type measures.
    pub value: f64,
    /// Events (or rule hits) in the window when it fired.
    pub events: u64,
    pub first_time: Timestamp,
    pub last_time: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_share_one_buffer_and_absent_is_none() {
        let mut s = EventSummary::default();
        s.set(SummaryField::Operation, "StopLogging");
        s.set(SummaryField::EventId, "");
        s.set(SummaryField::Region, "eu-west-1");
        assert_eq!(s.operation(), Some("StopLogging"));
        assert_eq!(s.event_id(), Some(""));
        assert_eq!(s.region(), Some("eu-west-1"));
        assert_eq!(s.actor(), None);
    }
}
