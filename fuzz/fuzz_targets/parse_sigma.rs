//! Any text as a Sigma rule file: parse, compile, and run the result on a
//! fixed event. Errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parapet_sigma::{parse_rules, Detector, EventKind, Placeholders};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rules) = parse_rules("fuzz.yml", text, &Placeholders::new()) else { return };
    let event: sonic_rs::Value = sonic_rs::from_str(
        r#"{"eventName":"CreateUser","eventSource":"iam.amazonaws.com","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a"},"requestParameters":{"userName":"b","tags":[1,"x",null]}}"#,
    )
    .unwrap();
    let detector = Detector::new(&rules, &EventKind::CLOUDTRAIL);
    let mut hits = Vec::new();
    detector.matches(&event, &mut hits);
});
