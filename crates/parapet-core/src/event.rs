use std::fmt;
use std::sync::Arc;

use sonic_rs::{JsonValueTrait, Value};

use crate::LogKind;

/// Where a record was read from: the source (a path, or `-` for stdin), the
/// 1-based line of the JSON value holding it (0 inside a multi-line document),
/// and its 0-based index among the records of that value (a `Records` array).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub source: Arc<str>,
    pub line: u64,
    pub index: u64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{} (record {})", self.source, self.line, self.index)
        } else {
            write!(f, "{} (record {})", self.source, self.index)
        }
    }
}

/// One raw log record as read, before any normalization.
#[derive(Debug, Clone)]
pub struct Event {
    pub value: Value,
    pub origin: Origin,
    pub kind: LogKind,
}

impl Event {
    pub fn new(value: Value, origin: Origin, kind: LogKind) -> Self {
        Event {
            value,
            origin,
            kind,
        }
    }

    /// A top-level string field, e.g. `eventName`.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(|v| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_top_level_and_nested_strings() {
        let value: Value = sonic_rs::from_str(
            r#"{"eventName":"X","userIdentity":{"arn":"arn:aws:iam::1:user/a"}}"#,
        )
        .unwrap();
        let origin = Origin {
            source: Arc::from("f.json"),
            line: 3,
            index: 0,
        };
        let event = Event::new(value, origin, LogKind::CloudTrail);
        assert_eq!(event.str_field("eventName"), Some("X"));
        assert_eq!(event.origin.to_string(), "f.json:3 (record 0)");
    }
}
