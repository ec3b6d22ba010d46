//! Corpus replay for ordinary `cargo test` (stable): every file under
//! `fuzz/corpus/<target>/` goes through the target's harness function once. Included, by
//! `#[path]`, by the `fuzz_corpus.rs` tests of the crates that own the entry points.

use std::path::{Path, PathBuf};

/// Run `check` on every file of `fuzz/corpus/<target>`; fail on a panic (naming the files)
/// and on a missing or empty folder, so a renamed folder cannot silently test nothing.
pub fn replay(manifest_dir: &str, target: &str, check: fn(&[u8])) {
    let dir = Path::new(manifest_dir).join("../fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus folder {} is missing: {e}", dir.display()))
        .map(|e| e.expect("corpus folder entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "corpus folder {} is empty",
        dir.display()
    );
    let mut failed = Vec::new();
    for file in &files {
        let data =
            std::fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} corpus inputs of {target} panicked: {failed:#?}",
        failed.len(),
        files.len()
    );
}
