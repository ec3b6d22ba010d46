//! Replays the committed fuzz corpora of this crate's decoders (`fuzz/corpus/<target>/`)
//! through the same functions the fuzz targets call: no input may panic. See docs/fuzzing.md.

#[allow(dead_code)]
#[path = "../../fuzz/harness/sync.rs"]
mod harness;
#[path = "../../fuzz/harness/replay.rs"]
mod replay;

#[test]
fn fuzz_corpus_wire_request_never_panics() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "wire_request",
        harness::wire_request,
    );
}

#[test]
fn fuzz_corpus_wire_response_never_panics() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "wire_response",
        harness::wire_response,
    );
}

#[test]
fn fuzz_corpus_pushed_changes_never_panics() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "pushed_changes",
        harness::pushed_changes,
    );
}
