//! Any bytes (plain or gzip, JSON or not) through the CloudTrail readers:
//! errors are fine, panics and unbounded memory are not.
#![no_main]

use std::io::Cursor;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use parapet_logs::{parse_chunk, ChunkReader, TimeRange};

fuzz_target!(|data: &[u8]| {
    let reader = ChunkReader::new(Arc::from("fuzz"), Cursor::new(data.to_vec()));
    for chunk in reader.flatten() {
        let _ = parse_chunk(chunk, &TimeRange::default());
    }
});
