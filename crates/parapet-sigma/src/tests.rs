//! Behaviour of the engine, one Sigma construct at a time.

use base64::Engine as _;
use sonic_rs::Value;

use crate::{parse_rules, CompiledRule, Detector, Placeholders};
use parapet_core::LogKind;

fn rule_with(detection: &str, placeholders: &Placeholders) -> Result<CompiledRule, String> {
    let indented: String = detection.lines().map(|l| format!("    {l}\n")).collect();
    let text = format!("title: t\nid: r1\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n{indented}");
    parse_rules("test.yml", &text, placeholders)
        .map(|mut r| r.remove(0))
        .map_err(|e| e.to_string())
}

fn rule(detection: &str) -> CompiledRule {
    rule_with(detection, &Placeholders::new()).unwrap()
}

fn hit(rule: &CompiledRule, json: &str) -> bool {
    let event: Value = sonic_rs::from_str(json).unwrap();
    rule.matches(&event)
}

#[test]
fn plain_values_are_case_insensitive_and_lists_are_or() {
    let r = rule("selection:\n    eventName:\n        - CreateUser\n        - DeleteUser\ncondition: selection");
    assert!(hit(&r, r#"{"eventName":"createuser"}"#));
    assert!(hit(&r, r#"{"eventName":"DELETEUSER"}"#));
    assert!(!hit(&r, r#"{"eventName":"CreateUserX"}"#));
    assert!(!hit(&r, r#"{}"#));
}

#[test]
fn maps_are_and_and_lists_of_maps_are_or() {
    let r = rule("selection:\n    - a: 1\n      b: x\n    - c: y\ncondition: selection");
    assert!(hit(&r, r#"{"a":1,"b":"X"}"#));
    assert!(hit(&r, r#"{"a":"1","b":"x"}"#));
    assert!(!hit(&r, r#"{"a":1}"#));
    assert!(hit(&r, r#"{"c":"Y"}"#));
}

#[test]
fn contains_startswith_endswith_all_and_cased() {
    let r = rule("sel:\n    f|contains|all:\n        - admin\n        - policy\ncondition: sel");
    assert!(hit(
        &r,
        r#"{"f":"arn:aws:iam::aws:policy/AdministratorAccess"}"#
    ));
    assert!(!hit(&r, r#"{"f":"AdministratorAccess"}"#));
    let r = rule("sel:\n    f|startswith: 'Get'\n    g|endswith: '.AMAZONAWS.COM'\ncondition: sel");
    assert!(hit(&r, r#"{"f":"getSecret","g":"iam.amazonaws.com"}"#));
    let r = rule("sel:\n    f|cased: Get\ncondition: sel");
    assert!(hit(&r, r#"{"f":"Get"}"#) && !hit(&r, r#"{"f":"get"}"#));
    let r = rule("sel:\n    f|contains|cased: Admin\ncondition: sel");
    assert!(hit(&r, r#"{"f":"xAdminx"}"#) && !hit(&r, r#"{"f":"xadminx"}"#));
}

#[test]
fn wildcards_and_escapes() {
    let r = rule("sel:\n    f: 'prog?.exe'\ncondition: sel");
    assert!(hit(&r, r#"{"f":"progA.exe"}"#) && !hit(&r, r#"{"f":"prog.exe"}"#));
    let r = rule("sel:\n    f: 'a\\*b'\ncondition: sel");
    assert!(hit(&r, r#"{"f":"a*b"}"#) && !hit(&r, r#"{"f":"axb"}"#));
    // `\*` escapes the star: a literal star after a plain backslash.
    let r = rule("sel:\n    f: 'C:\\Windows\\*'\ncondition: sel");
    assert!(hit(&r, r#"{"f":"c:\\windows*"}"#) && !hit(&r, r#"{"f":"c:\\windows\\x"}"#));
    let r = rule("sel:\n    f: 'a\\\\*'\ncondition: sel");
    assert!(hit(&r, r#"{"f":"a\\anything"}"#) && !hit(&r, r#"{"f":"ab"}"#));
}

#[test]
fn null_empty_and_exists() {
    let r = rule("sel:\n    f: null\ncondition: sel");
    assert!(hit(&r, r#"{}"#) && hit(&r, r#"{"f":null}"#) && !hit(&r, r#"{"f":""}"#));
    let r = rule("sel:\n    f: ''\ncondition: sel");
    assert!(hit(&r, r#"{"f":""}"#) && !hit(&r, r#"{}"#));
    let r = rule("sel:\n    f|exists: true\ncondition: sel");
    assert!(hit(&r, r#"{"f":null}"#) && !hit(&r, r#"{"g":1}"#));
    let r = rule("sel:\n    a.b|exists: false\ncondition: sel");
    assert!(hit(&r, r#"{"a":{}}"#) && !hit(&r, r#"{"a":{"b":""}}"#));
    assert!(rule_with(
        "sel:\n    f|exists: maybe\ncondition: sel",
        &Placeholders::new()
    )
    .is_err());
}

#[test]
fn dotted_paths_reach_into_arrays() {
    let r = rule("sel:\n    requestParameters.ipPermissions.items.ipRanges.items.cidrIp: 0.0.0.0/0\ncondition: sel");
    let event = r#"{"requestParameters":{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"},{"cidrIp":"0.0.0.0/0"}]}}]}}}"#;
    assert!(hit(&r, event));
}

#[test]
fn neq_negates_each_value() {
    let r = rule("sel:\n    a: x\n    b|neq: y\ncondition: sel");
    assert!(hit(&r, r#"{"a":"x","b":"z"}"#) && !hit(&r, r#"{"a":"x","b":"Y"}"#));
}

#[test]
fn regex_with_flags() {
    let r = rule("sel:\n    f|re: '^Get[A-Z]'\ncondition: sel");
    assert!(hit(&r, r#"{"f":"GetObject"}"#) && !hit(&r, r#"{"f":"getObject"}"#));
    let r = rule("sel:\n    f|re|i: '^get[a-z]+$'\ncondition: sel");
    assert!(hit(&r, r#"{"f":"GETOBJECT"}"#));
    let r = rule("sel:\n    f|re|m: '^b$'\ncondition: sel");
    assert!(hit(&r, r#"{"f":"a\nb\nc"}"#));
    let r = rule("sel:\n    f|re|s: 'a.b'\ncondition: sel");
    assert!(hit(&r, r#"{"f":"a\nb"}"#));
    assert!(
        rule_with("sel:\n    f|re: '('\ncondition: sel", &Placeholders::new())
            .unwrap_err()
            .contains("invalid regular expression")
    );
}

#[test]
fn base64_and_base64offset() {
    let b64 = base64::engine::general_purpose::STANDARD;
    let r = rule("sel:\n    f|base64: 'secret'\ncondition: sel");
    assert!(hit(&r, &format!(r#"{{"f":"{}"}}"#, b64.encode("secret"))));
    let r = rule("sel:\n    f|base64offset|contains: 'http://'\ncondition: sel");
    for prefix in ["", "a", "ab", "abc"] {
        let encoded = b64.encode(format!("{prefix}http://evil.example/x"));
        assert!(
            hit(&r, &format!(r#"{{"f":"{encoded}"}}"#)),
            "offset {}",
            prefix.len()
        );
    }
    assert!(!hit(
        &r,
        &format!(r#"{{"f":"{}"}}"#, b64.encode("nothing here at all"))
    ));
}

#[test]
fn utf16_encodings_then_base64() {
    let b64 = base64::engine::general_purpose::STANDARD;
    let wide: Vec<u8> = "cmd".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let r = rule("sel:\n    f|wide|base64: 'cmd'\ncondition: sel");
    assert!(hit(&r, &format!(r#"{{"f":"{}"}}"#, b64.encode(&wide))));
    let be: Vec<u8> = "cmd".encode_utf16().flat_map(u16::to_be_bytes).collect();
    let r = rule("sel:\n    f|utf16be|base64: 'cmd'\ncondition: sel");
    assert!(hit(&r, &format!(r#"{{"f":"{}"}}"#, b64.encode(&be))));
    let bom: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(wide.iter().copied())
        .collect();
    let r = rule("sel:\n    f|utf16|base64: 'cmd'\ncondition: sel");
    assert!(hit(&r, &format!(r#"{{"f":"{}"}}"#, b64.encode(&bom))));
    let r = rule("sel:\n    f|utf16le: 'ab'\ncondition: sel");
    assert!(hit(&r, r#"{"f":"a\u0000b\u0000"}"#));
}

#[test]
fn windash_permutes_dashes() {
    let r = rule("sel:\n    f|windash|contains: ' -enc '\ncondition: sel");
    for dash in ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"] {
        assert!(
            hit(&r, &format!(r#"{{"f":"powershell {dash}enc AAA"}}"#)),
            "{dash}"
        );
    }
    assert!(!hit(&r, r#"{"f":"powershell +enc AAA"}"#));
}

#[test]
fn numeric_comparisons() {
    let r = rule("sel:\n    n|gte: 10\n    m|lt: 2.5\ncondition: sel");
    assert!(hit(&r, r#"{"n":10,"m":2}"#) && hit(&r, r#"{"n":"11","m":-1}"#));
    assert!(
        !hit(&r, r#"{"n":9,"m":2}"#)
            && !hit(&r, r#"{"n":10,"m":2.5}"#)
            && !hit(&r, r#"{"n":"x","m":1}"#)
    );
    let r = rule("sel:\n    n|gt: 1\n    k|lte: 1\ncondition: sel");
    assert!(hit(&r, r#"{"n":2,"k":1}"#) && !hit(&r, r#"{"n":1,"k":1}"#));
    assert!(
        rule_with("sel:\n    n|gt: lots\ncondition: sel", &Placeholders::new())
            .unwrap_err()
            .contains("not a number")
    );
}

#[test]
fn cidr_v4_and_v6() {
    let r = rule("sel:\n    sourceIPAddress|cidr:\n        - 10.0.0.0/8\n        - 2001:db8::/32\ncondition: sel");
    assert!(
        hit(&r, r#"{"sourceIPAddress":"10.9.8.7"}"#)
            && hit(&r, r#"{"sourceIPAddress":"2001:db8:1::5"}"#)
    );
    assert!(
        !hit(&r, r#"{"sourceIPAddress":"8.8.8.8"}"#)
            && !hit(&r, r#"{"sourceIPAddress":"cloudtrail.amazonaws.com"}"#)
    );
}

#[test]
fn fieldref_compares_two_fields() {
    let r = rule("sel:\n    a|fieldref: b\ncondition: sel");
    assert!(
        hit(&r, r#"{"a":"Bob","b":"bob"}"#)
            && !hit(&r, r#"{"a":"bob","b":"alice"}"#)
            && !hit(&r, r#"{"a":"bob"}"#)
    );
    let r = rule(
        "sel:\n    userIdentity.arn|fieldref|endswith: requestParameters.userName\ncondition: sel",
    );
    assert!(hit(
        &r,
        r#"{"userIdentity":{"arn":"arn:aws:iam::1:user/bob"},"requestParameters":{"userName":"bob"}}"#
    ));
    let r = rule("sel:\n    a|fieldref|neq: b\ncondition: sel");
    assert!(hit(&r, r#"{"a":"x","b":"y"}"#) && !hit(&r, r#"{"a":"x","b":"X"}"#));
}

#[test]
fn expand_uses_placeholders_or_refuses_the_rule() {
    let mut placeholders = Placeholders::new();
    placeholders.insert("Admins".into(), vec!["alice".into(), "bob*".into()]);
    let r = rule_with(
        "sel:\n    user|expand: '%Admins%'\ncondition: sel",
        &placeholders,
    )
    .unwrap();
    assert!(
        hit(&r, r#"{"user":"alice"}"#)
            && hit(&r, r#"{"user":"bobby"}"#)
            && !hit(&r, r#"{"user":"carol"}"#)
    );
    let err = rule_with(
        "sel:\n    user|expand: '%Servers%'\ncondition: sel",
        &placeholders,
    )
    .unwrap_err();
    assert!(
        err.contains("%Servers%") && err.contains("detection.sel"),
        "{err}"
    );
    let r = rule_with(
        "sel:\n    f|expand: '\\%plain%Admins%'\ncondition: sel",
        &placeholders,
    )
    .unwrap();
    assert!(hit(&r, r#"{"f":"%plainalice"}"#));
}

#[test]
fn time_modifiers_extract_parts() {
    let r = rule("sel:\n    eventTime|hour|gte: 22\ncondition: sel");
    assert!(
        hit(&r, r#"{"eventTime":"2024-07-30T23:10:00Z"}"#)
            && !hit(&r, r#"{"eventTime":"2024-07-30T12:00:00Z"}"#)
    );
    let r = rule("sel:\n    eventTime|month: 7\n    eventTime|year: 2024\n    eventTime|day: 30\n    eventTime|week: 31\n    eventTime|minute: 10\ncondition: sel");
    assert!(hit(&r, r#"{"eventTime":"2024-07-30T23:10:00Z"}"#));
}

#[test]
fn keywords_search_every_field() {
    let r = rule("keywords:\n    - 'evil.example'\n    - 'mimikatz'\ncondition: keywords");
    assert!(
        hit(&r, r#"{"a":{"b":["x","see EVIL.example now"]}}"#) && !hit(&r, r#"{"a":"benign"}"#)
    );
    let r =
        rule("keywords:\n    '|all':\n        - 'alpha'\n        - 'beta'\ncondition: keywords");
    assert!(hit(&r, r#"{"x":"alpha","y":{"z":"beta"}}"#) && !hit(&r, r#"{"x":"alpha"}"#));
}

#[test]
fn conditions_with_quantifiers_and_lists() {
    let r = rule("selection_a:\n    a: 1\nselection_b:\n    b: 1\nfilter_x:\n    c: 1\ncondition:\n    - all of selection_* and not 1 of filter_*\n    - filter_x and selection_a");
    assert!(hit(&r, r#"{"a":1,"b":1}"#) && hit(&r, r#"{"a":1,"c":1}"#));
    assert!(!hit(&r, r#"{"b":1,"c":1}"#) && !hit(&r, r#"{"a":1}"#));
}

#[test]
fn rule_errors_name_file_construct_and_reason() {
    let err = rule_with(
        "sel:\n    f|contians: x\ncondition: sel",
        &Placeholders::new(),
    )
    .unwrap_err();
    assert!(
        err.starts_with("test.yml: detection.sel:") && err.contains("unknown modifier `contians`"),
        "{err}"
    );
    let err = rule_with(
        "sel:\n    f: x\ncondition: sel | count() > 3",
        &Placeholders::new(),
    )
    .unwrap_err();
    assert!(
        err.contains("detection.condition") && err.contains("correlation rule"),
        "{err}"
    );
    let err = parse_rules(
        "c.yml",
        "title: c\ncorrelation:\n    type: event_count\n    rules: [a]\n    timespan: 1h\n    condition: {gte: 1}\n",
        &Placeholders::new(),
    )
    .unwrap_err();
    assert_eq!(err.construct, "correlation");
    let err = parse_rules("bad.yml", "title: [unclosed", &Placeholders::new()).unwrap_err();
    assert_eq!(err.construct, "yaml");
}

#[test]
fn detector_runs_only_rules_of_the_event_logsource_and_uses_the_index() {
    let text = |id: &str, product: &str, detection: &str| {
        format!("title: {id}\nid: {id}\nlogsource:\n    product: {product}\n    service: cloudtrail\ndetection:\n{detection}")
    };
    let mut rules = Vec::new();
    let by_name = text(
        "by-name",
        "aws",
        "    sel:\n        eventName: StopLogging\n    condition: sel\n",
    );
    let by_source = text("by-source", "aws", "    sel:\n        eventSource: iam.amazonaws.com\n        eventName|startswith: Create\n    condition: sel\n");
    let unkeyed = text(
        "unkeyed",
        "aws",
        "    sel:\n        errorCode: AccessDenied\n    condition: sel\n",
    );
    let other = text(
        "azure",
        "azure",
        "    sel:\n        eventName: StopLogging\n    condition: sel\n",
    );
    for t in [by_name, by_source, unkeyed, other] {
        rules.extend(parse_rules("t.yml", &t, &Placeholders::new()).unwrap());
    }
    let detector = Detector::new(&rules, LogKind::CloudTrail, &[]);
    assert_eq!(detector.rules().len(), 3);
    assert_eq!(detector.unindexed_count(), 1);
    let ids = |json: &str| {
        let mut out = Vec::new();
        detector.matches(&sonic_rs::from_str(json).unwrap(), &mut out);
        out.iter()
            .map(|&i| detector.rules()[i].meta.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(r#"{"eventName":"stoplogging","errorCode":"AccessDenied"}"#),
        ["by-name", "unkeyed"]
    );
    assert_eq!(
        ids(r#"{"eventName":"CreateUser","eventSource":"iam.amazonaws.com"}"#),
        ["by-source"]
    );
    assert!(ids(r#"{"eventName":"CreateUser","eventSource":"s3.amazonaws.com"}"#).is_empty());
}

#[test]
fn prefix_rules_are_indexed_and_a_rule_reached_twice_is_reported_once() {
    let text = |id: &str, detection: &str| {
        format!("title: {id}\nid: {id}\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n{detection}")
    };
    let mut rules = Vec::new();
    for t in [
        text("reads", "    sel:\n        eventName|startswith: [List, Get, GetBucket]\n    condition: sel\n"),
        text("either", "    a:\n        eventName: ListUsers\n    b:\n        eventName|startswith: list\n    condition: a or b\n"),
        text("exact", "    sel:\n        eventName: DeleteUser\n    condition: sel\n"),
    ] {
        rules.extend(parse_rules("t.yml", &t, &Placeholders::new()).unwrap());
    }
    let detector = Detector::new(&rules, LogKind::CloudTrail, &[]);
    assert_eq!(detector.unindexed_count(), 0, "prefixes index the rules");
    let ids = |json: &str| {
        let mut out = Vec::new();
        detector.matches(&sonic_rs::from_str(json).unwrap(), &mut out);
        out.iter()
            .map(|&i| detector.rules()[i].meta.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(r#"{"eventName":"ListUsers"}"#), ["reads", "either"]);
    assert_eq!(ids(r#"{"eventName":"getBucketAcl"}"#), ["reads"]);
    assert_eq!(ids(r#"{"eventName":"DeleteUser"}"#), ["exact"]);
    assert!(ids(r#"{"eventName":"PutObject"}"#).is_empty());
    assert!(ids(r#"{"eventName":"Lis"}"#).is_empty());
}

#[test]
fn bundled_rules_load_with_unique_ids_and_complete_docs() {
    let set = crate::bundled_rules().unwrap();
    let (correlations, errors) =
        crate::CorrelationSet::new(set.correlations.clone(), &set.detections);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(correlations.rules().len(), set.correlations.len());
    let rules = set.detections;
    let mut ids = std::collections::BTreeSet::new();
    // The outermost rule of a correlation carries the documentation; the
    // rules it is built from (named, quiet) carry only a description.
    let documented = rules
        .iter()
        .filter(|r| correlations.alerts_alone(&r.meta.id))
        .map(|r| (&r.meta, Some(&r.logsource)))
        .chain(
            correlations
                .rules()
                .iter()
                .filter(|c| c.name.is_none())
                .map(|c| (&c.meta, None)),
        );
    for m in rules
        .iter()
        .map(|r| &r.meta)
        .chain(correlations.rules().iter().map(|c| &c.meta))
    {
        assert!(ids.insert(m.id.clone()), "duplicate id {}", m.id);
        assert_eq!(m.id.len(), 36, "{}: id must be a UUID", m.source);
        assert!(m.description.is_some(), "{}: description", m.source);
    }
    for (m, logsource) in documented {
        assert!(
            m.description.as_deref().is_some_and(|d| d.len() > 40),
            "{}: description",
            m.source
        );
        assert!(
            !m.attack.techniques.is_empty() && !m.attack.tactics.is_empty(),
            "{}: ATT&CK tags",
            m.source
        );
        assert!(
            !m.references.is_empty() && !m.falsepositives.is_empty(),
            "{}: references, falsepositives",
            m.source
        );
        assert_eq!(
            (m.author.as_deref(), m.license.as_deref()),
            (Some("Parapet"), Some("Apache-2.0")),
            "{}",
            m.source
        );
        if let Some(logsource) = logsource {
            let kinds = LogKind::ALL
                .iter()
                .filter(|k| crate::accepts(&k.sigma(), logsource))
                .count();
            assert!(kinds >= 1, "{}: runs on no log kind", m.source);
        }
    }
    let pipelines = crate::bundled_pipelines().unwrap();
    let detectors = crate::Detectors::new(&rules, &pipelines);
    assert_eq!(
        detectors.rule_count(),
        rules.len(),
        "every bundled rule runs on some log kind"
    );
    // Only one correlation input (any call with a long-term key) pins
    // none of eventName, eventSource, userIdentity.type.
    let cloudtrail = detectors.for_kind(LogKind::CloudTrail);
    assert_eq!(
        cloudtrail.unindexed_count(),
        1,
        "every other bundled CloudTrail rule pins eventName or eventSource"
    );
}

mod never_panics {
    use proptest::prelude::*;

    use crate::{parse_rules, Detector, Placeholders};
    use parapet_core::LogKind;

    const EVENT: &str = r#"{"eventName":"CreateUser","eventSource":"iam.amazonaws.com","eventTime":"2024-07-30T21:53:13Z","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a"},"requestParameters":{"userName":"b","n":5,"tags":[1,"x",null]}}"#;

    fn run(text: &str) {
        let mut placeholders = Placeholders::new();
        placeholders.insert("p".into(), vec!["x*".into()]);
        if let Ok(rules) = parse_rules("p.yml", text, &placeholders) {
            let detector = Detector::new(&rules, LogKind::CloudTrail, &[]);
            let mut hits = Vec::new();
            detector.matches(&sonic_rs::from_str(EVENT).unwrap(), &mut hits);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn on_arbitrary_text(text in "\\PC{0,300}") {
            run(&text);
        }

        #[test]
        fn on_rules_with_arbitrary_fields_modifiers_values_and_conditions(
            field in "[a-zA-Z.]{0,30}",
            modifiers in proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(vec!["contains", "all", "re", "i", "base64offset", "wide", "windash", "cidr",
                        "gt", "exists", "fieldref", "expand", "hour", "neq", "cased", "startswith", "utf16be"]).prop_map(String::from),
                    "[a-z]{1,6}",
                ],
                0..4),
            value in "[ -~]{0,20}",
            condition in "[a-z_ ()*0-9]{0,40}",
        ) {
            let key = format!("{field}|{}", modifiers.join("|"));
            let text = format!(
                "title: t\nlogsource:\n    product: aws\ndetection:\n    sel:\n        '{}': '{}'\n    condition: {}\n",
                key.replace('\'', "''"), value.replace('\'', "''"), if condition.trim().is_empty() { "sel".to_string() } else { condition });
            run(&text);
        }
    }
}

#[test]
fn filters_apply_to_the_rules_they_name_and_wrong_targets_are_reported() {
    let text = r#"
title: role assumed
id: assume
name: assume_role
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {eventName: AssumeRole}
    condition: sel
---
title: not our automation
id: f1
logsource: {product: aws, service: cloudtrail}
filter:
    rules: [assume_role]
    automation:
        userIdentity.arn|endswith: ':role/deployer'
    condition: automation
---
title: wrong product
id: f2
logsource: {product: okta}
filter:
    rules: [assume, nothing_by_this_name]
    sel: {x: y}
    condition: sel
"#;
    let mut set = crate::parse_documents("f.yml", text, &Placeholders::new()).unwrap();
    assert_eq!((set.detections.len(), set.filters.len()), (1, 2));
    let errors = crate::apply_filters(&mut set.detections, &set.filters);
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0]
            .contains("filter `wrong product` is for okta, rule `assume` reads aws/cloudtrail"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("`nothing_by_this_name` names no loaded rule"),
        "{}",
        messages[1]
    );
    let rule = &set.detections[0];
    assert!(hit(
        rule,
        r#"{"eventName":"AssumeRole","userIdentity":{"arn":"arn:aws:iam::1:user/eve"}}"#
    ));
    assert!(!hit(
        rule,
        r#"{"eventName":"AssumeRole","userIdentity":{"arn":"arn:aws:iam::1:role/deployer"}}"#
    ));
    let err = crate::parse_documents(
        "f.yml",
        "title: f\nlogsource: {product: aws}\nfilter:\n    sel: {a: b}\n    condition: sel\n",
        &Placeholders::new(),
    )
    .unwrap_err();
    assert_eq!(err.construct, "filter.rules");
}
