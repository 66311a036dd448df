//! One event as a lake row: the OCSF columns hunts filter and group on, and
//! the raw record for everything else. Partitions are `source=`,
//! `account=`, `date=` folders (Hive style), so they are not columns of the
//! files themselves.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parapet_core::{parse_rfc3339, Event};
use sonic_rs::{JsonContainerTrait, JsonValueMutTrait, JsonValueTrait, Value};

/// The partition columns, in folder order.
pub const PARTITIONS: [&str; 3] = ["source", "account", "date"];

/// The columns stored in each Parquet file.
pub fn file_schema() -> SchemaRef {
    let text = |name: &str| Field::new(name, DataType::Utf8, true);
    Arc::new(Schema::new(vec![
        Field::new(
            "time",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            false,
        ),
        Field::new("class_uid", DataType::Int32, false),
        Field::new("activity_id", DataType::Int32, false),
        text("api_operation"),
        text("api_service_name"),
        text("actor_user_uid"),
        text("actor_user_type"),
        text("actor_user_name"),
        text("actor_session_issuer"),
        text("actor_credential_uid"),
        text("src_ip"),
        text("user_agent"),
        text("cloud_account_uid"),
        text("cloud_region"),
        text("status"),
        text("error_code"),
        Field::new(
            "resources",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            true,
        ),
        text("event_uid"),
        Field::new("raw", DataType::Utf8, false),
    ]))
}

/// Where a row goes: its partition folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Partition {
    pub source: String,
    pub account: String,
    pub date: String,
}

impl Partition {
    /// The partition of an event of `source` at `time` in `account` (an
    /// unsafe or missing account becomes `unknown`).
    pub fn of(source: &str, account: Option<&str>, time: parapet_core::Timestamp) -> Partition {
        let stamp = time.to_string();
        Partition {
            source: source.to_string(),
            account: safe_segment(account),
            date: stamp.get(..10).unwrap_or("1970-01-01").to_string(),
        }
    }

    pub fn folder(&self) -> String {
        format!(
            "source={}/account={}/date={}",
            self.source, self.account, self.date
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub time_ms: i64,
    pub class_uid: i32,
    pub activity_id: i32,
    /// api_operation .. error_code, in schema order.
    pub text: [Option<String>; 13],
    pub resources: Vec<String>,
    pub event_uid: Option<String>,
    /// Where the raw record lies in its partition's text buffer
    /// ([`write_raw`]): records share one buffer, reused from flush to flush.
    pub raw: std::ops::Range<usize>,
}

/// OCSF classes the lake uses.
pub const API_ACTIVITY: i32 = 6003;
pub const AUTHENTICATION: i32 = 3002;
pub const ACCOUNT_CHANGE: i32 = 3001;

/// A CloudTrail record as a row and its partition; None when it has no
/// usable time (it could not be placed in a date partition).
pub fn cloudtrail_row(event: &Event) -> Option<(Partition, Row)> {
    let value = &event.value;
    let text = |v: &Value, key: &str| v.get(key).and_then(|f| f.as_str()).map(str::to_string);
    let time = parse_rfc3339(value.get("eventTime")?.as_str()?)?;
    let operation = text(value, "eventName");
    let identity = value.get("userIdentity");
    let identity_text = |key: &str| identity.and_then(|i| text(i, key));
    let issuer = identity
        .and_then(|i| i.get("sessionContext"))
        .and_then(|c| c.get("sessionIssuer"))
        .and_then(|s| text(s, "arn"));
    let arn = identity_text("arn");
    let user_name = identity_text("userName").or_else(|| {
        arn.as_deref()
            .and_then(|a| a.rsplit('/').next())
            .map(str::to_string)
    });
    let account = text(value, "recipientAccountId").or_else(|| identity_text("accountId"));
    let error_code = text(value, "errorCode");
    // A refused console sign-in has no errorCode, only its response.
    let failed = error_code.is_some()
        || value
            .get("responseElements")
            .and_then(|r| r.get("ConsoleLogin"))
            .and_then(|r| r.as_str())
            == Some("Failure");
    let (class_uid, activity_id) = classify(operation.as_deref().unwrap_or_default());
    let resources = value
        .get("resources")
        .and_then(|r| r.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|r| r.get("ARN").and_then(|a| a.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let partition = Partition::of("cloudtrail", account.as_deref(), time);
    let row = Row {
        time_ms: time.0,
        class_uid,
        activity_id,
        text: [
            operation,
            text(value, "eventSource"),
            arn.or_else(|| identity_text("principalId"))
                .or_else(|| identity_text("invokedBy")),
            identity_text("type"),
            user_name,
            issuer,
            identity_text("accessKeyId"),
            text(value, "sourceIPAddress"),
            text(value, "userAgent"),
            account,
            text(value, "awsRegion"),
            Some(if failed { "Failure" } else { "Success" }.to_string()),
            error_code,
        ],
        resources,
        event_uid: text(value, "eventID"),
        raw: 0..0,
    };
    Some((partition, row))
}

/// Appends the record as compact JSON to `out`, with the session token of
/// issued credentials (AssumeRole, GetSessionToken responses) redacted: the
/// lake keeps evidence, not credentials. Returns where it lies.
pub fn write_raw(value: &Value, out: &mut Vec<u8>) -> std::ops::Range<usize> {
    let start = out.len();
    let token = value
        .get("responseElements")
        .and_then(|r| r.get("credentials"))
        .and_then(|c| c.get("sessionToken"));
    let written = if token.is_none() {
        write_json(value, out)
    } else {
        let mut copy = value.clone();
        if let Some(credentials) = copy
            .get_mut("responseElements")
            .and_then(|r| r.get_mut("credentials"))
            .and_then(|c| c.as_object_mut())
        {
            credentials.insert("sessionToken", Value::from(REDACTED));
        }
        write_json(&copy, out)
    };
    if written.is_err() {
        // A parsed value always serializes; should it not, store no text
        // rather than half of one.
        out.truncate(start);
        out.extend_from_slice(b"{}");
    }
    start..out.len()
}

pub const REDACTED: &str = "REDACTED";

/// Compact JSON with keys in the record's own order. (sonic-rs sorts keys
/// when serializing a `Value` once any crate enables its `sort_keys`
/// feature, as parapet-report does for stable reports; the lake keeps the
/// record as it came, and sorting cost ~8% of ingest.) Nesting is bounded
/// by the reader's depth limit.
fn write_json(value: &Value, out: &mut Vec<u8>) -> sonic_rs::Result<()> {
    if let Some(object) = value.as_object() {
        out.push(b'{');
        for (i, (key, item)) in object.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            sonic_rs::to_writer(&mut *out, key)?;
            out.push(b':');
            write_json(item, out)?;
        }
        out.push(b'}');
    } else if let Some(array) = value.as_array() {
        out.push(b'[');
        for (i, item) in array.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json(item, out)?;
        }
        out.push(b']');
    } else {
        sonic_rs::to_writer(&mut *out, value)?;
    }
    Ok(())
}

/// OCSF class and activity of an API call by its name: a console login is
/// Authentication (Logon); everything else API Activity, by verb.
pub(crate) fn classify(operation: &str) -> (i32, i32) {
    if operation == "ConsoleLogin" {
        return (AUTHENTICATION, 1);
    }
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| operation.starts_with(p));
    let activity = if starts(&["Create", "Run", "Put", "Import", "Allocate", "Register"]) {
        1
    } else if starts(&["Get", "List", "Describe", "Head", "Lookup", "Search"]) {
        2
    } else if starts(&[
        "Update",
        "Modify",
        "Attach",
        "Set",
        "Enable",
        "Disable",
        "Add",
        "Associate",
        "Start",
        "Stop",
        "Reboot",
        "Tag",
        "Untag",
    ]) {
        3
    } else if starts(&[
        "Delete",
        "Remove",
        "Detach",
        "Terminate",
        "Deregister",
        "Disassociate",
        "Revoke",
        "Release",
    ]) {
        4
    } else {
        99
    };
    (API_ACTIVITY, activity)
}

/// A value safe as one folder name: account ids are digits; anything else
/// (a crafted record) becomes `unknown` rather than a path.
fn safe_segment(value: Option<&str>) -> String {
    match value {
        Some(v)
            if !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            v.to_string()
        }
        _ => "unknown".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parapet_core::Origin;

    fn event(json: &str) -> Event {
        let origin = Origin {
            source: "test".into(),
            line: 1,
            index: 0,
        };
        Event::new(
            sonic_rs::from_str(json).unwrap(),
            origin,
            parapet_core::LogKind::CloudTrail,
        )
    }

    #[test]
    fn cloudtrail_fields_become_ocsf_columns() {
        let e = event(
            r#"{"eventTime":"2024-05-01T10:00:00Z","eventName":"DeleteBucket","eventSource":"s3.amazonaws.com","eventID":"e1","recipientAccountId":"111122223333","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.9","errorCode":"AccessDenied","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/dev/alice","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/dev"}}},"resources":[{"ARN":"arn:aws:s3:::b"}]}"#,
        );
        let (partition, row) = cloudtrail_row(&e).unwrap();
        assert_eq!(
            partition.folder(),
            "source=cloudtrail/account=111122223333/date=2024-05-01"
        );
        assert_eq!((row.class_uid, row.activity_id), (API_ACTIVITY, 4));
        assert_eq!(row.text[4].as_deref(), Some("alice"));
        assert_eq!(
            row.text[5].as_deref(),
            Some("arn:aws:iam::111122223333:role/dev")
        );
        assert_eq!(row.text[11].as_deref(), Some("Failure"));
        assert_eq!(row.resources, vec!["arn:aws:s3:::b".to_string()]);
    }

    #[test]
    fn raw_keeps_the_record_order_and_escapes() {
        let text = r#"{"z":1,"a":{"y":"q\"uote","b":[true,null,2.5,"\u00e9"]},"e":[]}"#;
        let mut out = Vec::new();
        let range = write_raw(&sonic_rs::from_str(text).unwrap(), &mut out);
        let written = std::str::from_utf8(&out[range]).unwrap();
        assert_eq!(
            written,
            r#"{"z":1,"a":{"y":"q\"uote","b":[true,null,2.5,"é"]},"e":[]}"#
        );
        let again: Value = sonic_rs::from_str(written).unwrap();
        assert_eq!(again, sonic_rs::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn a_crafted_account_never_becomes_a_path() {
        let e = event(
            r#"{"eventTime":"2024-05-01T10:00:00Z","eventName":"X","eventSource":"s","recipientAccountId":"../../etc"}"#,
        );
        assert_eq!(cloudtrail_row(&e).unwrap().0.account, "unknown");
        let no_time = event(r#"{"eventName":"X","eventSource":"s"}"#);
        assert!(cloudtrail_row(&no_time).is_none());
    }
}
