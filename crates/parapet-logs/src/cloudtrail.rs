//! What makes a JSON object a CloudTrail record, and the fields an analyst
//! reads first.

use parapet_core::EventSummary;
use sonic_rs::{JsonValueTrait, Value};

/// A CloudTrail record names at least the API call and the service.
pub fn is_cloudtrail_record(value: &Value) -> bool {
    value.get("eventName").is_some_and(|v| v.is_str())
        && value.get("eventSource").is_some_and(|v| v.is_str())
}

pub fn cloudtrail_summary(value: &Value) -> EventSummary {
    let text = |path: &[&str]| -> Option<String> {
        let found = path.iter().try_fold(value, |v, key| v.get(*key))?;
        found.as_str().map(str::to_string)
    };
    let actor = text(&["userIdentity", "arn"])
        .or_else(|| text(&["userIdentity", "invokedBy"]))
        .or_else(|| text(&["userIdentity", "principalId"]));
    EventSummary {
        event_id: text(&["eventID"]),
        time: text(&["eventTime"]),
        actor,
        source_ip: text(&["sourceIPAddress"]),
        service: text(&["eventSource"]),
        operation: text(&["eventName"]),
        account: text(&["recipientAccountId"]).or_else(|| text(&["userIdentity", "accountId"])),
        region: text(&["awsRegion"]),
        user_agent: text(&["userAgent"]),
        error_code: text(&["errorCode"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarizes_a_record() {
        let v: Value = sonic_rs::from_str(
            r#"{"eventID":"e1","eventTime":"2024-01-01T00:00:00Z","eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com",
            "userIdentity":{"arn":"arn:aws:iam::1:user/a","accountId":"1"},"sourceIPAddress":"1.2.3.4","awsRegion":"us-east-1"}"#,
        )
        .unwrap();
        assert!(is_cloudtrail_record(&v));
        let s = cloudtrail_summary(&v);
        assert_eq!(s.event_id.as_deref(), Some("e1"));
        assert_eq!(s.actor.as_deref(), Some("arn:aws:iam::1:user/a"));
        assert_eq!(s.account.as_deref(), Some("1"));
        assert_eq!(s.operation.as_deref(), Some("StopLogging"));
        assert!(!is_cloudtrail_record(
            &sonic_rs::from_str(r#"{"name":"x"}"#).unwrap()
        ));
    }
}
