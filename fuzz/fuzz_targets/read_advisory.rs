//! Any bytes as an OSV advisory (JSON, or YAML when the first byte is odd),
//! then matched against a package: no panic whatever the ranges say.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parapet_vuln::{is_affected, Advisory, Ecosystem};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = if pick % 2 == 1 { "a.yaml" } else { "a.json" };
    if let Ok(advisory) = Advisory::from_osv(bytes, name) {
        for affected in &advisory.affected {
            let scheme = Ecosystem::parse(&affected.ecosystem).scheme();
            let _ = is_affected(scheme, affected, "1.2.3-rc.1");
        }
    }
});
