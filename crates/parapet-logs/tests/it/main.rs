//! Reading CloudTrail in every shape it is delivered, and bad input.

use std::io::{Cursor, Write};
use std::sync::Arc;

use flate2::write::GzEncoder;
use flate2::Compression;
use parapet_core::{parse_rfc3339, Event};
use parapet_logs::{discover_files, open_path, parse_chunk, ChunkReader, ReadError, TimeRange};
use proptest::prelude::*;

fn record(id: &str, time: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.09","eventID":"{id}","eventTime":"{time}","eventName":"GetObject","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1"}}"#
    )
}

fn read_all(reader: ChunkReader, range: &TimeRange) -> (Vec<Event>, Vec<ReadError>) {
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for chunk in reader {
        match chunk {
            Ok(chunk) => {
                let parsed = parse_chunk(chunk, range);
                events.extend(parsed.events);
                errors.extend(parsed.errors);
            }
            Err(e) => errors.push(e),
        }
    }
    (events, errors)
}

fn read_bytes(bytes: Vec<u8>) -> (Vec<Event>, Vec<ReadError>) {
    read_all(
        ChunkReader::new(Arc::from("input"), Cursor::new(bytes)),
        &TimeRange::default(),
    )
}

fn ids(events: &[Event]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e.str_field("eventID").unwrap())
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn reads_a_records_file_on_one_line_and_pretty_printed() {
    let one_line = format!(
        r#"{{"Records":[{},{}]}}"#,
        record("a", "2024-01-01T00:00:00Z"),
        record("b", "2024-01-01T00:00:01Z")
    );
    let (events, errors) = read_bytes(one_line.clone().into_bytes());
    assert_eq!((ids(&events), errors.len()), (vec!["a", "b"], 0));
    let pretty = format!(
        "\u{feff}\n{{\n  \"Records\": [\n    {},\n    {}\n  ]\n}}\n",
        record("a", "t"),
        record("b", "t")
    );
    let (events, errors) = read_bytes(pretty.into_bytes());
    assert_eq!((ids(&events), errors.len()), (vec!["a", "b"], 0));
}

#[test]
fn reads_arrays_jsonl_and_gzip() {
    let array = format!("[\n{},\n{}\n]", record("a", "t"), record("b", "t"));
    assert_eq!(ids(&read_bytes(array.clone().into_bytes()).0), ["a", "b"]);
    let jsonl = format!(
        "{}\r\n\n{}\n{}",
        record("a", "t"),
        record("b", "t"),
        record("c", "t")
    );
    let (events, errors) = read_bytes(jsonl.clone().into_bytes());
    assert_eq!((ids(&events), errors.len()), (vec!["a", "b", "c"], 0));
    assert_eq!(events[2].origin.line, 4);
    assert_eq!(ids(&read_bytes(gzip(jsonl.as_bytes())).0), ["a", "b", "c"]);
    assert_eq!(ids(&read_bytes(gzip(array.as_bytes())).0), ["a", "b"]);
}

#[test]
fn many_chunks_keep_every_line_and_its_number() {
    let line = record("x", "2024-01-01T00:00:00Z");
    let count = (parapet_logs::CHUNK_BYTES / line.len()) * 3 + 7;
    let text: String = (0..count).map(|_| format!("{line}\n")).collect();
    let reader = ChunkReader::new(Arc::from("big"), Cursor::new(text.into_bytes()));
    let chunks: Vec<_> = reader.map(Result::unwrap).collect();
    assert!(chunks.len() >= 3);
    let mut expected_line = 1;
    let mut total = 0;
    for chunk in chunks {
        assert_eq!(chunk.first_line, expected_line);
        let parsed = parse_chunk(chunk, &TimeRange::default());
        assert!(parsed.errors.is_empty());
        for event in &parsed.events {
            assert_eq!(event.origin.line, expected_line);
            expected_line += 1;
        }
        total += parsed.events.len();
    }
    assert_eq!(total, count);
}

#[test]
fn bad_lines_are_reported_and_the_rest_is_read() {
    let text = format!(
        "{}\n{{\"eventName\": broken\n{{\"hello\":\"world\"}}\n42\n{}\n[{},{{\"x\":1}}]\n",
        record("a", "t"),
        record("b", "t"),
        record("c", "t")
    );
    let (events, errors) = read_bytes(text.into_bytes());
    assert_eq!(ids(&events), ["a", "b", "c"]);
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(
        messages[0].starts_with("input:2: invalid JSON at column"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].starts_with("input:3: not a record of a known log source"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].starts_with("input:4: expected a JSON object or array"),
        "{}",
        messages[2]
    );
    assert!(
        messages[3].starts_with("input:6: record 1: not a record of a known log source"),
        "{}",
        messages[3]
    );
}

#[test]
fn truncated_gzip_keeps_what_came_before() {
    let text: String = (0..2000)
        .map(|i| format!("{}\n", record(&format!("e{i}"), "t")))
        .collect();
    let mut gz = gzip(text.as_bytes());
    gz.truncate(gz.len() / 2);
    let (events, errors) = read_bytes(gz);
    assert!(
        !events.is_empty() && events.len() < 2000,
        "{}",
        events.len()
    );
    assert_eq!(errors.len(), 1);
    assert!(errors[0].to_string().contains("truncated"), "{}", errors[0]);
}

#[test]
fn empty_and_broken_documents_are_errors() {
    let (_, errors) = read_bytes(Vec::new());
    assert_eq!(errors[0].to_string(), "input: empty input");
    let (_, errors) = read_bytes(b"  \n ".to_vec());
    assert_eq!(errors[0].to_string(), "input: only white space");
    let (_, errors) = read_bytes(b"{\n \"Records\": [\n {\"a\": }\n".to_vec());
    assert!(
        errors[0].to_string().starts_with("input:3:"),
        "{}",
        errors[0]
    );
    let (_, errors) = read_bytes(br#"{"Records": 5}"#.to_vec());
    assert!(errors[0].to_string().contains("`Records` is not an array"));
}

#[test]
fn time_range_filters_on_event_time() {
    let text = format!(
        "{}\n{}\n{}\n",
        record("a", "2024-01-01T00:00:00Z"),
        record("b", "2024-01-02T00:00:00Z"),
        record("c", "nope")
    );
    let range = TimeRange {
        since: parse_rfc3339("2024-01-01T12:00:00Z"),
        until: None,
    };
    let (events, errors) = read_all(
        ChunkReader::new(Arc::from("t"), Cursor::new(text.clone().into_bytes())),
        &range,
    );
    assert_eq!(ids(&events), ["b"]);
    assert!(errors[0].to_string().contains("eventTime"));
    let range = TimeRange {
        since: None,
        until: parse_rfc3339("2024-01-02"),
    };
    let (events, _) = read_all(
        ChunkReader::new(Arc::from("t"), Cursor::new(text.into_bytes())),
        &range,
    );
    assert_eq!(ids(&events), ["a"]);
}

#[test]
fn reads_a_cloudtrail_s3_tree() {
    let dir = tempfile::tempdir().unwrap();
    let day = dir
        .path()
        .join("AWSLogs/123456789012/CloudTrail/eu-west-1/2024/07/30");
    std::fs::create_dir_all(&day).unwrap();
    for (name, id) in [("f2.json.gz", "b"), ("f1.json.gz", "a")] {
        let body = format!(r#"{{"Records":[{}]}}"#, record(id, "t"));
        std::fs::write(day.join(name), gzip(body.as_bytes())).unwrap();
    }
    let (files, errors) = discover_files(&[dir.path().to_path_buf()]);
    assert!(errors.is_empty());
    let mut all = Vec::new();
    for file in files {
        all.extend(read_all(open_path(&file).unwrap(), &TimeRange::default()).0);
    }
    assert_eq!(ids(&all), ["a", "b"]);
}

#[test]
fn reads_the_stratus_captures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/cloudtrail/stratus-detonations");
    let (files, errors) = discover_files(&[dir]);
    assert!(errors.is_empty() && files.len() >= 35, "{errors:?}");
    let mut total = 0;
    for file in files {
        let (events, errors) = read_all(open_path(&file).unwrap(), &TimeRange::default());
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
        total += events.len();
    }
    assert!(total > 300, "{total}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_bytes(bytes.clone());
        let _ = read_bytes(gzip(&bytes));
    }

    #[test]
    fn never_panics_on_json_like_text(text in r#"[\[\]{}",:a-z0-9 \n]{0,200}"#) {
        let _ = read_bytes(text.into_bytes());
    }
}

#[test]
fn deeply_nested_json_is_refused_not_a_stack_overflow() {
    // Regression: sonic-rs parses recursively; 100k open brackets crashed the process.
    let deep = "[".repeat(100_000);
    let text = format!("{}\n{deep}\n{}\n", record("a", "t"), record("b", "t"));
    let (events, errors) = read_bytes(text.into_bytes());
    assert_eq!(ids(&events), ["a", "b"]);
    assert!(
        errors[0]
            .to_string()
            .starts_with("input:2: JSON nested deeper than 256"),
        "{}",
        errors[0]
    );
    let (_, errors) = read_bytes(format!("[\n{}", "{\"a\":".repeat(100_000)).into_bytes());
    assert!(
        errors[0].to_string().contains("nested deeper"),
        "{}",
        errors[0]
    );
}

#[test]
fn api_pages_are_unwrapped_wherever_the_api_puts_its_records() {
    let onelogin = r#"{"status":{"error":false,"code":200},"pagination":{"next_link":null},"data":[
        {"id":1,"created_at":"2026-11-20T08:00:00Z","account_id":7,"user_id":2,"event_type_id":5},
        {"id":2,"created_at":"2026-11-20T08:01:00Z","account_id":7,"user_id":2,"event_type_id":6}]}"#;
    let (events, errors) = read_bytes(onelogin.as_bytes().to_vec());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 2);
    assert!(events
        .iter()
        .all(|e| e.kind == parapet_core::LogKind::OneLogin));

    let duo = r#"{"stat":"OK","response":{"authlogs":[
        {"txid":"a","event_type":"authentication","access_device":{"ip":"192.0.2.1"},"result":"success","timestamp":1795165331},
        {"txid":"b","event_type":"authentication","auth_device":{},"result":"fraud","isotimestamp":"2026-11-20T10:01:06+00:00"},
        {"not":"a duo record"}],"metadata":{"total_objects":3}}}"#;
    let (events, errors) = read_bytes(duo.as_bytes().to_vec());
    assert_eq!(events.len(), 2);
    assert_eq!(errors.len(), 1, "the stray entry is named, the rest kept");
    assert!(
        errors[0]
            .to_string()
            .starts_with("input: record 2: not a record"),
        "{}",
        errors[0]
    );
    // Duo's v1 API returned the records straight under `response`.
    let v1 = r#"{"stat":"OK","response":[{"txid":"c","event_type":"authentication","access_device":{},"timestamp":1795165331}]}"#;
    let (events, errors) = read_bytes(v1.as_bytes().to_vec());
    assert_eq!((events.len(), errors.len()), (1, 0));
}

#[test]
fn pim_alerts_are_read_as_one_record_per_incident() {
    let page = r##"{"value":[
        {"id":"a1","alertDefinitionId":"DirectoryRole_t-1_StaleSignInAlert","scopeType":"DirectoryRole","incidentCount":2,"lastModifiedDateTime":"2026-11-20T06:00:00Z","alertIncidents":[
            {"@odata.type":"#microsoft.graph.staleSignInAlertIncident","id":"i1","assigneeUserPrincipalName":"a@contoso.com"},
            {"@odata.type":"#microsoft.graph.staleSignInAlertIncident","id":"i2","assigneeUserPrincipalName":"b@contoso.com"}]},
        {"id":"a2","alertDefinitionId":"not-a-definition","scopeType":"DirectoryRole"}]}"##;
    let (events, errors) = read_bytes(page.as_bytes().to_vec());
    assert_eq!(events.len(), 2);
    assert!(events
        .iter()
        .all(|e| e.kind == parapet_core::LogKind::AzurePim
            && e.str_field("riskEventType") == Some("staleSignInAlertIncident")));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .to_string()
            .contains("record 1: PIM alert: alertDefinitionId `not-a-definition`"),
        "{}",
        errors[0]
    );
}

#[test]
fn an_api_error_page_saved_as_a_log_is_named_with_its_message() {
    for (page, message) in [
        (
            r#"{"stat":"FAIL","code":40103,"message":"Invalid signature in request credentials"}"#,
            "Invalid signature in request credentials",
        ),
        (
            r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#,
            "Insufficient privileges",
        ),
        (
            r#"{"status":{"error":true,"code":401,"type":"Unauthorized","message":"Authentication Failure"}}"#,
            "Authentication Failure",
        ),
    ] {
        let (events, errors) = read_bytes(page.as_bytes().to_vec());
        assert!(events.is_empty());
        let error = errors[0].to_string();
        assert!(
            error.contains("an API error response, not records") && error.contains(message),
            "{error}"
        );
    }
}

#[test]
fn eventbridge_envelopes_are_read_as_the_event_they_carry() {
    let onelogin = r#"{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"OneLogin Event","source":"aws.partner/onelogin.com/us-123/abc","account":"111122223333","time":"2026-11-20T08:05:19Z","region":"us-east-1","resources":[],"detail":{"id":1,"created_at":"2026-11-20T08:05:19Z","account_id":52741,"user_id":2,"event_type_id":24}}
{"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail","source":"aws.iam","account":"1","time":"2026-11-20T08:00:00Z","region":"us-east-1","resources":[],"detail":{"eventVersion":"1.09","eventID":"e1","eventTime":"2026-11-20T08:00:00Z","eventName":"CreateUser","eventSource":"iam.amazonaws.com","awsRegion":"us-east-1"}}
"#;
    let (events, errors) = read_bytes(onelogin.as_bytes().to_vec());
    assert!(errors.is_empty(), "{errors:?}");
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            parapet_core::LogKind::OneLogin,
            parapet_core::LogKind::CloudTrail
        ]
    );
    let unknown = r#"{"version":"0","detail-type":"Something Else","source":"aws.partner/x","detail":{"nope":1}}"#;
    let (events, errors) = read_bytes(unknown.as_bytes().to_vec());
    assert!(events.is_empty());
    let error = errors[0].to_string();
    assert!(
        error.contains(
            "EventBridge event `Something Else`: its detail is not a record of a known log source"
        ),
        "{error}"
    );
}
