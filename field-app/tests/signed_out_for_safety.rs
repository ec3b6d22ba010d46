//! The app told its sign-in was ended for safety (a copy of its refresh token was used): in
//! an 800×500 window the status bar still shows the start of the words and "Sign in again"
//! (not drawn over by a long message), the Sync page has the whole words, and the edits not
//! yet sent are still counted as waiting.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::store::LocalStore;
use fieldsync_app::runtime::FromWorker;
use fieldsync_app::runtime::net::NetError;
use fieldsync_app::state::Screen;
use fieldsync_app::state::command::Command;
use fieldsync_app::{FieldApp, fonts, sample};

/// Tue 24 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;

#[test]
fn signed_out_for_safety_is_said_in_words_with_the_unsent_work_kept() {
    let mut store = LocalStore::open_in_memory().unwrap();
    sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    let waiting = store.pending_count().unwrap();
    assert!(waiting > 0, "the sample leaves edits to send");
    let mut h = Harness::builder()
        .with_size([800.0, 500.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(
            |ui, app: &mut FieldApp| app.ui(ui),
            FieldApp::offline(store, NOW),
        );
    h.run();
    h.state_mut().on_worker(FromWorker::SyncFailed {
        error: NetError::SignedOutForSafety.to_string(),
        offline: false,
        needs_sign_in: true,
        retry_in_secs: None,
    });
    h.run();
    assert!(
        h.query_by_label_contains("signed out on this laptop for safety")
            .is_some(),
        "the words are in the status bar"
    );
    assert!(
        h.query_by_label(&format!("{waiting} documents with changes waiting"))
            .is_some(),
        "the unsent edits are still counted"
    );

    let whole = "your unsent edits are kept on this computer";
    let shown = |h: &Harness<'_, FieldApp>| h.query_all_by_label_contains(whole).count();
    assert_eq!(shown(&h), 1, "in the bar (cut to its room on screen)");
    h.state_mut()
        .apply_for_test(Command::Go(Screen::SyncDetails));
    h.run();
    assert!(shown(&h) >= 2, "and whole on the Sync page");
    // "Sign in again" in the bar still answers a click (not covered by the words).
    h.get_by_label("Sign in again").click();
    h.run();
    assert_eq!(h.state().state.screen, Screen::SignIn);
}
