//! Recording a device outage on the work order screen: down since, restored, a correction
//! refused in words, and the record saved in the local store for the next sync.

use egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::store::{LocalStore, SyncBadge};
use fieldsync_app::runtime::lock;
use fieldsync_app::{FieldApp, fonts, sample};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

/// Tue 24 Nov 2026 08:30 UTC, 16:30 on the sample site's clock (Asia/Shanghai).
const NOW: TimestampMs = 1_795_509_000_000;
const MIN: i64 = 60_000;

/// Select what a text field holds and type over it.
fn replace_text(h: &mut Harness<'_, FieldApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
}

#[test]
fn an_engineer_records_when_the_printer_was_down_and_restored() {
    let mut store = LocalStore::open_in_memory().unwrap();
    let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    let store = Arc::new(Mutex::new(store));
    let clock = Arc::new(AtomicI64::new(NOW));
    let app = {
        let clock = clock.clone();
        FieldApp::new(
            store.clone(),
            Arc::new(move || clock.load(Ordering::SeqCst)),
            None,
        )
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 3000.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
    h.run();
    h.get_by_label_contains("printer jams on every job").click();
    h.run();
    assert!(h.query_by_label("serving").is_some());

    // Down since 16:10 on the site's clock (the customer's word), typed over the suggestion.
    h.get_by_label("Device down…").click();
    h.run();
    assert!(h.query_by_label_contains("Outage of").is_some());
    replace_text(&mut h, "Down from", "16:10");
    h.get_by_label("Save outage").click();
    h.run();
    let outage = |h: &Harness<'_, FieldApp>| {
        let v = h.state().state.work_order.as_ref().unwrap();
        assert_eq!(v.notice, None);
        v.wo.outages.get(&ids.printer.to_string())
    };
    let o = outage(&h).expect("outage recorded");
    assert_eq!((o.down_from_ms, o.restored_at_ms), (NOW - 20 * MIN, None));
    assert!(
        h.query_by_label("DOWN since Tue 24 Nov 16:10 CST · 20 min so far")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Outage of").is_none(),
        "form closed"
    );

    // Fixed 90 minutes later.
    clock.store(NOW + 90 * MIN, Ordering::SeqCst);
    h.run();
    h.get_by_label("Restored now").click();
    h.run();
    assert_eq!(outage(&h).unwrap().restored_at_ms, Some(NOW + 90 * MIN));
    assert!(
        h.query_by_label("was down Tue 24 Nov 16:10 CST – Tue 24 Nov 18:00 CST · 1 h 50 min")
            .is_some()
    );

    // A correction that makes no sense is refused in words and nothing is written.
    h.get_by_label("Correct times…").click();
    h.run();
    replace_text(&mut h, "Restored at", "16:00");
    h.get_by_label("Save outage").click();
    h.run();
    let v = h.state().state.work_order.as_ref().unwrap();
    assert_eq!(
        v.notice.as_deref(),
        Some("A device cannot be restored before it went down.")
    );
    assert_eq!(
        v.wo.outages
            .get(&ids.printer.to_string())
            .unwrap()
            .restored_at_ms,
        Some(NOW + 90 * MIN)
    );
    assert!(
        h.query_by_label_contains("Outage of").is_some(),
        "form kept"
    );
    replace_text(&mut h, "Restored at", "17:00");
    h.get_by_label("Save outage").click();
    h.run();
    assert_eq!(outage(&h).unwrap().restored_at_ms, Some(NOW + 30 * MIN));

    // Saved in the store, waiting for the next sync.
    let mut store = lock(&store);
    let wo = store.work_order(ids.incident).unwrap();
    let saved = wo.outages.get(&ids.printer.to_string()).unwrap();
    assert_eq!(
        (saved.down_from_ms, saved.restored_at_ms),
        (NOW - 20 * MIN, Some(NOW + 30 * MIN))
    );
    assert_eq!(
        saved.by.as_deref(),
        Some(sample::engineer().user_id.as_str())
    );
    assert_eq!(store.badge(ids.incident).unwrap(), SyncBadge::Pending);
}

#[test]
fn an_unreadable_time_is_refused_in_words() {
    let mut store = LocalStore::open_in_memory().unwrap();
    sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    let mut h = Harness::builder()
        .with_size([1280.0, 3000.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(
            |ui, app: &mut FieldApp| app.ui(ui),
            FieldApp::offline(store, NOW),
        );
    h.run();
    h.get_by_label_contains("printer jams on every job").click();
    h.run();
    h.get_by_label("Device down…").click();
    h.run();
    replace_text(&mut h, "Down from", "half past four");
    h.get_by_label("Save outage").click();
    h.run();
    let v = h.state().state.work_order.as_ref().unwrap();
    assert!(
        v.notice
            .as_deref()
            .is_some_and(|n| n.starts_with("Down from: \"half past four\" is not a time")),
        "{:?}",
        v.notice
    );
    assert!(v.wo.outages.is_empty());
}
