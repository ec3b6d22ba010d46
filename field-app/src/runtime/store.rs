//! The store handle the UI thread, the sync worker and the API thread share, the meta keys
//! the app keeps in it, and store errors in plain words.

use fieldsync::model::ModelError;
use fieldsync::store::{LocalStore, StoreError};
use fieldsync_i18n::t;
use std::sync::{Arc, Mutex, MutexGuard};

/// The one local store, shared by the UI thread and the worker; each side locks it briefly.
pub type SharedStore = Arc<Mutex<LocalStore>>;

/// Lock the store even if a panic elsewhere poisoned the mutex (SQLite holds the truth).
pub fn lock(store: &SharedStore) -> MutexGuard<'_, LocalStore> {
    store.lock().unwrap_or_else(|p| p.into_inner())
}

/// Store meta keys the app keeps besides the library's own.
pub mod meta {
    pub const SERVER_URL: &str = "app.server_url";
    pub const TOKEN: &str = "app.token";
    /// SHA-256 fingerprint of the server's self-signed certificate, pinned on first contact
    /// (absent when the system roots vouch for the server, or over loopback http).
    pub const SERVER_CERT_SHA256: &str = "app.server_cert_sha256";
    pub const TOKEN_EXPIRES_MS: &str = "app.token_expires_at_ms";
    /// The device's refresh token: renews the short-lived access token (`TOKEN`) without the
    /// password (`runtime::session`).
    pub const REFRESH_TOKEN: &str = "app.refresh_token";
    pub const LAST_SYNC_MS: &str = "last_sync_ms";
    /// The language chosen in the app (`en`, `zh-CN`); absent: follow the OS.
    pub const LANGUAGE: &str = "app.language";
    /// The people directory last received from the server (JSON list of
    /// `fieldsync::wire::Person`), so names show offline.
    pub const PEOPLE: &str = "app.people";
}

/// Plain words for a store error.
pub fn explain(e: &StoreError) -> String {
    match e {
        // `Borrow` reads the model error whether the store boxes it or not.
        StoreError::Model(m) => match std::borrow::Borrow::<ModelError>::borrow(m) {
            ModelError::Refused(r) => fieldsync_i18n::words::refusal(fieldsync_i18n::current(), r),
            ModelError::Invalid(msg) => capitalise(msg),
            ModelError::NotFound { what, id } => t!("eng-cmd-no-such", what = *what, id = id),
            other => t!("eng-cmd-not-saved", error = other.to_string()),
        },
        StoreError::NotFound(_) => t!("eng-cmd-gone"),
        other => t!("eng-cmd-not-saved", error = other.to_string()),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
