#![no_main]

#[allow(dead_code)]
#[path = "../harness/app.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::server_url(data));
