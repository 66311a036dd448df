//! Any bytes as any package file Parapet reads (the first byte picks the
//! kind: lockfiles, OS databases, SBOMs, jars, Go binaries): extraction must
//! not panic, hang or blow up memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parapet_vuln::{extract, FileKind, FileOrigin};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let kind = FileKind::ALL[pick as usize % FileKind::ALL.len()];
    let origin = FileOrigin { path: "fuzz", layer: None };
    let _ = extract(kind, bytes, origin, None);
});
