//! What makes a JSON object a CloudTrail record, and the fields an analyst
//! reads first.

use parapet_core::EventSummary;
use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

/// A CloudTrail record names at least the API call and the service.
pub fn is_cloudtrail_record(value: &Value) -> bool {
    value.get("eventName").is_some_and(|v| v.is_str())
        && value.get("eventSource").is_some_and(|v| v.is_str())
}

/// The analyst's first fields, read in one pass over the record's keys (this
/// runs for every alert; a lookup per field was a fifth of detection time).
pub fn cloudtrail_summary(value: &Value) -> EventSummary {
    let mut summary = EventSummary::default();
    let Some(record) = value.as_object() else {
        return summary;
    };
    let text = |v: &Value| v.as_str().map(str::to_string);
    let mut identity_account = None;
    for (key, field) in record.iter() {
        match key {
            "eventID" => summary.event_id = text(field),
            "eventTime" => summary.time = text(field),
            "sourceIPAddress" => summary.source_ip = text(field),
            "eventSource" => summary.service = text(field),
            "eventName" => summary.operation = text(field),
            "recipientAccountId" => summary.account = text(field),
            "awsRegion" => summary.region = text(field),
            "userAgent" => summary.user_agent = text(field),
            "errorCode" => summary.error_code = text(field),
            "userIdentity" => {
                let Some(identity) = field.as_object() else { continue };
                let (mut arn, mut invoked_by, mut principal) = (None, None, None);
                for (key, v) in identity.iter() {
                    match key {
                        "arn" => arn = text(v),
                        "invokedBy" => invoked_by = text(v),
                        "principalId" => principal = text(v),
                        "accountId" => identity_account = text(v),
                        _ => {}
                    }
                }
                summary.actor = arn.or(invoked_by).or(principal);
            }
            _ => {}
        }
    }
    if summary.account.is_none() {
        summary.account = identity_account;
    }
    summary
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
