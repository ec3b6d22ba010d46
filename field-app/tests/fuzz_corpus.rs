//! Replays the committed fuzz corpus of the server address check (`fuzz/corpus/server_url/`)
//! through the same function the fuzz target calls: no input may panic. See docs/fuzzing.md.

#[allow(dead_code)]
#[path = "../../fuzz/harness/app.rs"]
mod harness;
#[path = "../../fuzz/harness/replay.rs"]
mod replay;

#[test]
fn fuzz_corpus_server_url_never_panics() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "server_url",
        harness::server_url,
    );
}
