//! Replays the committed fuzz corpora of the hub's decoders (`fuzz/corpus/<target>/`) through
//! the same functions the fuzz targets call: no input may panic. See docs/fuzzing.md.

#[allow(dead_code)]
#[path = "../../fuzz/harness/server.rs"]
mod harness;
#[path = "../../fuzz/harness/replay.rs"]
mod replay;

#[test]
fn fuzz_corpus_csv_import_never_panics() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "csv_import",
        harness::csv_import,
    );
}

#[test]
fn fuzz_corpus_contract_json_never_panics() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "contract_json",
        harness::contract_json,
    );
}

#[test]
fn fuzz_corpus_kpi_period_never_panics() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "kpi_period",
        harness::kpi_period,
    );
}

#[test]
fn fuzz_corpus_plan_json_never_panics() {
    replay::replay(env!("CARGO_MANIFEST_DIR"), "plan_json", harness::plan_json);
}

#[test]
fn fuzz_corpus_config_toml_never_panics() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "config_toml",
        harness::config_toml,
    );
}

#[test]
fn fuzz_corpus_blob_part_never_panics() {
    replay::replay(env!("CARGO_MANIFEST_DIR"), "blob_part", harness::blob_part);
}
