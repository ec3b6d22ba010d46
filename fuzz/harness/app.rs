//! What the fuzz targets of `fieldsync-app` run on one input. Shared, by `#[path]`, by
//! `fuzz/fuzz_targets/*.rs` and the corpus replay in `field-app/tests/fuzz_corpus.rs`, so the
//! fuzzer and `cargo test` call exactly the same entry points. Must never panic.

use fieldsync_app::runtime::net::check_server_url;

/// The server address typed or pasted on the sign-in screen. An accepted address is
/// accepted again, unchanged (the normalised form is what the app stores and connects to).
pub fn server_url(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for allow_insecure in [false, true] {
        if let Ok(normalised) = check_server_url(&text, allow_insecure) {
            let again = check_server_url(&normalised, allow_insecure);
            assert_eq!(
                again.as_deref().ok(),
                Some(normalised.as_str()),
                "{text:?} was accepted as {normalised:?}, which is then {again:?}"
            );
        }
    }
}
