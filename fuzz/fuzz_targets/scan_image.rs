//! Any bytes as an image archive (docker save or OCI layout tar): layer
//! application must not panic, escape, or read past the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parapet_vuln::{scan_image, Limits};

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("image.tar");
    if std::fs::write(&path, data).is_ok() {
        let limits = Limits { max_total_bytes: 64 << 20, max_file_bytes: 16 << 20, ..Limits::default() };
        let _ = scan_image(&path, &limits);
    }
});
