//! Correlations on hand-made hit streams, in order and shuffled.

use std::sync::Arc;

use parapet_core::{parse_rfc3339, Alert, EventSummary, Origin};
use sonic_rs::Value;

use crate::{parse_documents, CorrelationSet, Correlator, CorrelatorLimits, Hit, Placeholders};

const BASE: &str = r#"
title: failed login
id: failed
name: failed_login
logsource: {product: test}
detection:
    sel: {action: fail}
    condition: sel
---
title: good login
id: good
name: good_login
logsource: {product: test}
detection:
    sel: {action: ok}
    condition: sel
---
title: download
id: download
name: download
logsource: {product: test}
detection:
    sel: {action: get}
    condition: sel
"#;

struct Run {
    alerts: Vec<Alert>,
    late: u64,
    evicted: u64,
}

/// Events: (minute, json). Each event is offered to every detection rule;
/// hits go to the correlator in the given order.
fn run(correlations: &str, events: &[(i64, &str)], limits: CorrelatorLimits) -> Run {
    let text = format!("{BASE}\n---\n{correlations}");
    let set = parse_documents("t.yml", &text, &Placeholders::new()).unwrap();
    let (correlation_set, errors) = CorrelationSet::new(set.correlations, &set.detections);
    assert!(errors.is_empty(), "{errors:?}");
    let mut correlator = Correlator::new(&correlation_set, limits);
    let mut alerts = Vec::new();
    let start = parse_rfc3339("2026-11-20T00:00:00Z").unwrap().0;
    for (n, (minute, json)) in events.iter().enumerate() {
        let event: Value = sonic_rs::from_str(json).unwrap();
        for rule in set.detections.iter().filter(|r| r.matches(&event)) {
            let Some(slot) = correlation_set.slot_of(&rule.meta.id) else {
                continue;
            };
            let hit = Hit {
                slot,
                time: start + minute * 60_000,
                values: correlation_set.extract(slot, &event, false),
                summary: Arc::new(EventSummary::default()),
                origin: Origin {
                    source: Arc::from("e"),
                    line: n as u64 + 1,
                    index: 0,
                },
                log: parapet_core::LogKind::CloudTrail,
            };
            correlator.push(hit, &mut alerts);
        }
    }
    correlator.finish(&mut alerts);
    let stats = correlator.stats();
    Run {
        alerts,
        late: stats.late,
        evicted: stats.evicted,
    }
}

fn summary(alerts: &[Alert]) -> Vec<String> {
    let mut out: Vec<String> = alerts
        .iter()
        .map(|a| {
            let c = a.correlation.as_ref().unwrap();
            let group: Vec<String> = c.group.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!(
                "{} [{}] {} @{}",
                a.rule.id,
                group.join(","),
                c.value,
                (c.last_time.0 % 86_400_000) / 60_000
            )
        })
        .collect();
    out.sort();
    out
}

fn ev(action: &str, user: &str, ip: &str) -> String {
    format!(r#"{{"action":"{action}","user":"{user}","ip":"{ip}","bytes":"100"}}"#)
}

const BRUTE: &str = r#"
title: brute force
id: brute
name: brute
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [user]
    timespan: 10m
    condition: {gte: 3}
"#;

#[test]
fn event_count_slides_in_event_time_not_in_buckets() {
    let f = ev("fail", "alice", "1.1.1.1");
    // 09, 11, 13 straddle the 10-minute bucket boundary: a sliding window sees 3.
    let events = [
        (9, f.as_str()),
        (11, f.as_str()),
        (13, f.as_str()),
        (30, f.as_str()),
        (45, f.as_str()),
    ];
    let run = run(BRUTE, &events, CorrelatorLimits::default());
    assert_eq!(summary(&run.alerts), ["brute [user=alice] 3 @13"]);
    // Spread over 20 minutes: never 3 within 10.
    let events = [(0, f.as_str()), (8, f.as_str()), (19, f.as_str())];
    assert!(run_default(BRUTE, &events).is_empty());
}

fn run_default(correlations: &str, events: &[(i64, &str)]) -> Vec<String> {
    summary(&run(correlations, events, CorrelatorLimits::default()).alerts)
}

#[test]
fn groups_are_separate_and_the_window_restarts_after_firing() {
    let a = ev("fail", "alice", "1.1.1.1");
    let b = ev("fail", "bob", "1.1.1.1");
    let events: Vec<(i64, &str)> = (0..6)
        .map(|m| (m, a.as_str()))
        .chain([(2, b.as_str()), (3, b.as_str())])
        .collect();
    assert_eq!(
        run_default(BRUTE, &events),
        ["brute [user=alice] 3 @2", "brute [user=alice] 3 @5"]
    );
}

#[test]
fn shuffled_and_late_input_gives_the_same_alerts() {
    let users = ["alice", "bob", "carol"];
    let texts: Vec<String> = (0..60)
        .map(|i| {
            ev(
                if i % 7 == 0 { "ok" } else { "fail" },
                users[i % 3],
                "1.1.1.1",
            )
        })
        .collect();
    let ordered: Vec<(i64, &str)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| ((i as i64 * 7) % 120, t.as_str()))
        .collect();
    let mut sorted = ordered.clone();
    sorted.sort_by_key(|(m, _)| *m);
    let want = run_default(BRUTE, &sorted);
    assert!(!want.is_empty());
    let mut shuffled = ordered.clone();
    shuffled.reverse();
    assert_eq!(run_default(BRUTE, &shuffled), want);
    shuffled.rotate_left(17);
    assert_eq!(run_default(BRUTE, &shuffled), want);
    // A bounded lateness gives the same answer while arrivals stay within it...
    let limits = CorrelatorLimits {
        lateness_ms: Some(121 * 60_000),
        ..CorrelatorLimits::default()
    };
    let bounded = run(BRUTE, &shuffled, limits);
    assert_eq!((summary(&bounded.alerts), bounded.late), (want.clone(), 0));
    // ... and counts what arrives later than allowed.
    let limits = CorrelatorLimits {
        lateness_ms: Some(5 * 60_000),
        ..CorrelatorLimits::default()
    };
    assert!(run(BRUTE, &shuffled, limits).late > 0);
}

#[test]
fn temporal_ordered_chains_on_a_named_event_count() {
    let chain = format!(
        "{BRUTE}\n---\n{}",
        r#"
title: brute force then success
id: brute-then-success
correlation:
    type: temporal_ordered
    rules: [brute, good_login]
    group-by: [user]
    timespan: 30m
"#
    );
    let f = ev("fail", "alice", "1.1.1.1");
    let ok = ev("ok", "alice", "1.1.1.1");
    let bob_ok = ev("ok", "bob", "1.1.1.1");
    // Success before the failures: no sequence; after: yes.
    let events = [
        (0, ok.as_str()),
        (1, f.as_str()),
        (2, f.as_str()),
        (3, f.as_str()),
        (4, bob_ok.as_str()),
        (20, ok.as_str()),
    ];
    assert_eq!(
        run_default(&chain, &events),
        ["brute-then-success [user=alice] 2 @20"]
    );
    // Success too long after.
    let events = [
        (1, f.as_str()),
        (2, f.as_str()),
        (3, f.as_str()),
        (50, ok.as_str()),
    ];
    assert!(run_default(&chain, &events).is_empty());
    // With generate, the inner correlation alerts too.
    let generating = chain.replace("timespan: 30m", "timespan: 30m\n    generate: true");
    assert_eq!(
        run_default(&generating, &events),
        ["brute [user=alice] 3 @3"]
    );
}

#[test]
fn temporal_in_any_order_with_aliases() {
    let rule = r#"
title: fail and download from one address
id: fail-download
correlation:
    type: temporal
    rules: [failed_login, download]
    group-by: [address]
    timespan: 5m
    aliases:
        address:
            failed_login: ip
            download: src
"#;
    let f = ev("fail", "alice", "9.9.9.9");
    let d = r#"{"action":"get","src":"9.9.9.9"}"#;
    let other = r#"{"action":"get","src":"8.8.8.8"}"#;
    assert_eq!(
        run_default(rule, &[(0, d), (3, f.as_str())]),
        ["fail-download [address=9.9.9.9] 2 @3"]
    );
    assert!(run_default(rule, &[(0, other), (3, f.as_str())]).is_empty());
    assert!(run_default(rule, &[(0, d), (9, f.as_str())]).is_empty());
}

#[test]
fn value_count_sum_avg_and_percentile() {
    let spray = r#"
title: one address, many users
id: spray
correlation:
    type: value_count
    rules: [failed_login]
    group-by: [ip]
    timespan: 10m
    condition: {field: user, gte: 3}
"#;
    let events: Vec<String> = ["a", "a", "b", "a", "c"]
        .iter()
        .map(|u| ev("fail", u, "7.7.7.7"))
        .collect();
    let timed: Vec<(i64, &str)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| (i as i64, e.as_str()))
        .collect();
    assert_eq!(run_default(spray, &timed), ["spray [ip=7.7.7.7] 3 @4"]);
    let sum = r#"
title: big downloads
id: sum
correlation:
    type: value_sum
    rules: [download]
    group-by: [user]
    timespan: 1h
    condition: {field: bytes, gt: 250}
"#;
    let d = r#"{"action":"get","user":"u","bytes":100}"#;
    assert_eq!(
        run_default(sum, &[(0, d), (10, d), (20, d)]),
        ["sum [user=u] 300 @20"]
    );
    let avg = sum
        .replace("value_sum", "value_avg")
        .replace("gt: 250", "gte: 100")
        .replace("id: sum", "id: avg");
    assert_eq!(run_default(&avg, &[(0, d)]), ["avg [user=u] 100 @0"]);
    let rare = r#"
title: rare user agent per account
id: rare
correlation:
    type: value_percentile
    rules: [download]
    group-by: [account]
    timespan: 1d
    condition: {field: agent, lte: 10}
"#;
    let common = r#"{"action":"get","account":"1","agent":"aws-cli"}"#;
    let odd = r#"{"action":"get","account":"1","agent":"curl"}"#;
    let mut events: Vec<(i64, &str)> = (0..19).map(|m| (m, common)).collect();
    events.push((30, odd));
    assert_eq!(run_default(rare, &events), ["rare [account=1] 5 @30"]);
}

#[test]
fn value_count_state_is_bounded_and_evictions_counted() {
    let spray = r#"
title: per user
id: per-user
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [user]
    timespan: 1d
    condition: {gte: 2}
"#;
    let events: Vec<String> = (0..500)
        .map(|i| ev("fail", &format!("u{i}"), "1.1.1.1"))
        .collect();
    let timed: Vec<(i64, &str)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| (i as i64, e.as_str()))
        .collect();
    let limits = CorrelatorLimits {
        max_groups: 100,
        ..CorrelatorLimits::default()
    };
    let run = run(spray, &timed, limits);
    assert!(run.evicted >= 400, "{}", run.evicted);
    assert!(run.alerts.is_empty());
}

#[test]
fn referenced_rules_are_quiet_unless_generate_and_bad_references_are_named() {
    let text = format!(
        "{BASE}\n---\n{BRUTE}\n---\n{}",
        r#"
title: broken
correlation:
    type: event_count
    rules: [no_such_rule]
    timespan: 1h
    condition: {gte: 1}
"#
    );
    let set = parse_documents("t.yml", &text, &Placeholders::new()).unwrap();
    let (correlations, errors) = CorrelationSet::new(set.correlations, &set.detections);
    assert_eq!(correlations.rules().len(), 1);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .to_string()
            .contains("`no_such_rule` names no loaded rule"),
        "{}",
        errors[0]
    );
    assert!(!correlations.alerts_alone("failed"));
    assert!(correlations.alerts_alone("good"));
    let generating = text.replace(
        "condition: {gte: 3}",
        "condition: {gte: 3}\n    generate: true",
    );
    let set = parse_documents("t.yml", &generating, &Placeholders::new()).unwrap();
    let (correlations, _) = CorrelationSet::new(set.correlations, &set.detections);
    assert!(correlations.alerts_alone("failed"));
}

#[test]
fn malformed_correlations_are_refused_with_the_construct() {
    let cases = [
        (
            "type: event_count\n    rules: [a]\n    timespan: 1h\n",
            "correlation.condition",
        ),
        (
            "type: event_count\n    rules: [a]\n    timespan: 1 hour\n    condition: {gte: 1}\n",
            "correlation.timespan",
        ),
        (
            "type: value_count\n    rules: [a]\n    timespan: 1h\n    condition: {gte: 1}\n",
            "correlation.condition.field",
        ),
        (
            "type: count\n    rules: [a]\n    timespan: 1h\n",
            "correlation.type",
        ),
        (
            "type: temporal\n    rules: [a]\n    timespan: 1h\n    groupby: [x]\n",
            "correlation.groupby",
        ),
        (
            "type: event_count\n    rules: [a]\n    timespan: 1h\n    condition: {more: 1}\n",
            "correlation.condition",
        ),
    ];
    for (body, construct) in cases {
        let text = format!("title: c\ncorrelation:\n    {body}");
        let error = parse_documents("c.yml", &text, &Placeholders::new()).unwrap_err();
        assert_eq!(error.construct, construct, "{error}");
    }
}

#[test]
fn many_hits_in_sorted_runs_merge_to_the_same_alerts_as_ordered_input() {
    // More hits than one release batch, so they are held as sorted runs
    // and merged.
    let texts: Vec<String> = (0..40_000)
        .map(|i| ev("fail", &format!("u{}", i % 97), "1.1.1.1"))
        .collect();
    let timed: Vec<(i64, &str)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (((i * 7919) % 40_000) as i64 / 20, t.as_str()))
        .collect();
    let mut sorted = timed.clone();
    sorted.sort_by_key(|(m, _)| *m);
    let shuffled = run_default(BRUTE, &timed);
    assert!(!shuffled.is_empty());
    assert_eq!(shuffled, run_default(BRUTE, &sorted));
    // Ordered blocks read in reverse: runs that chain inside a block and
    // overlap across blocks, so chains of several runs are merged.
    let blocks: Vec<(i64, &str)> = sorted.chunks(7_000).rev().flatten().copied().collect();
    assert_eq!(shuffled, run_default(BRUTE, &blocks));
}

#[test]
fn a_bounded_lateness_keeps_work_linear_when_many_hits_stay_pending() {
    // 60,000 hits in 10 minutes of event time with a 1-hour lateness: all
    // stay pending until the end. Sorting them again on every arrival was
    // quadratic (minutes); this must take well under a second.
    let texts: Vec<String> = (0..60_000)
        .map(|i| ev("fail", &format!("u{}", i % 50), "1.1.1.1"))
        .collect();
    let timed: Vec<(i64, &str)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| ((i / 6_000) as i64, t.as_str()))
        .collect();
    let limits = CorrelatorLimits {
        lateness_ms: Some(3_600_000),
        ..CorrelatorLimits::default()
    };
    let started = std::time::Instant::now();
    let bounded = run(BRUTE, &timed, limits);
    assert_eq!(summary(&bounded.alerts), run_default(BRUTE, &timed));
    assert!(
        started.elapsed().as_secs_f64() < 20.0,
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn group_by_fields_are_read_where_the_pipelines_put_them() {
    let text = format!("{BASE}\n---\n{BRUTE}");
    let set = parse_documents("t.yml", &text, &Placeholders::new()).unwrap();
    let pipeline = crate::Pipeline::parse(
        "p.yml",
        "transformations:\n  - type: field_name_mapping\n    mapping:\n      user: [actor.name, user]\n    rule_conditions:\n      - type: logsource\n        product: test\n",
    )
    .unwrap();
    let (mut correlations, _) = CorrelationSet::new(set.correlations, &set.detections);
    let slot = correlations.slot_of("failed").unwrap();
    let event: Value = sonic_rs::from_str(r#"{"action":"fail","actor":{"name":"eve"}}"#).unwrap();
    assert_eq!(correlations.extract(slot, &event, false).get(0), None);
    correlations.map_fields(&[pipeline], &set.detections);
    assert_eq!(
        correlations.extract(slot, &event, false).get(0),
        Some("eve")
    );
    let plain: Value = sonic_rs::from_str(r#"{"action":"fail","user":"bob"}"#).unwrap();
    assert_eq!(
        correlations.extract(slot, &plain, false).get(0),
        Some("bob")
    );
}

#[test]
fn correlations_sharing_a_group_by_keep_their_own_windows() {
    // Three correlations read failed logins: two group by user (their
    // group hash is computed once), one by address, and one by both.
    let correlations = r#"
title: per user three
id: user3
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [user]
    timespan: 10m
    condition: {gte: 3}
---
title: per user five
id: user5
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [user]
    timespan: 10m
    condition: {gte: 5}
---
title: users per address
id: ipusers
correlation:
    type: value_count
    rules: [failed_login]
    group-by: [ip]
    timespan: 10m
    condition: {field: user, gte: 2}
---
title: per user and address
id: both
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [user, ip]
    timespan: 10m
    condition: {gte: 4}
"#;
    let a1 = ev("fail", "alice", "1.1.1.1");
    let a2 = ev("fail", "alice", "2.2.2.2");
    let b1 = ev("fail", "bob", "1.1.1.1");
    let events = [
        (0, a1.as_str()),
        (1, a1.as_str()),
        (2, a2.as_str()),
        (3, a1.as_str()),
        (4, a1.as_str()),
        (5, b1.as_str()),
    ];
    assert_eq!(
        run_default(correlations, &events),
        [
            "both [user=alice,ip=1.1.1.1] 4 @4",
            "ipusers [ip=1.1.1.1] 2 @5",
            "user3 [user=alice] 3 @2",
            "user5 [user=alice] 5 @4",
        ]
    );
}
