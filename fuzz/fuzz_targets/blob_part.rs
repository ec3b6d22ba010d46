#![no_main]

#[allow(dead_code)]
#[path = "../harness/server.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::blob_part(data));
