#![no_main]

#[allow(dead_code)]
#[path = "../harness/sync.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::wire_request(data));
