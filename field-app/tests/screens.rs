//! Screen tests with egui_kittest: a store seeded locally through the `fieldsync` model, a
//! fixed clock, no server and no worker thread.

use egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::status::Status;
use fieldsync::store::{LocalStore, SyncBadge};
use fieldsync::wire::{PROTOCOL_VERSION, PushOutcome, PushResult, SyncResponse};
use fieldsync_app::runtime::{FromWorker, ToWorker, lock};
use fieldsync_app::sample::{self, SampleIds};
use fieldsync_app::state::Screen;
use fieldsync_app::{FieldApp, fonts};

/// Tue 24 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;

/// Pretend the server accepted everything, so badges start at "synced".
fn accept_all(store: &mut LocalStore) {
    let out = store.prepare_sync(None).unwrap();
    let results = out
        .request
        .push
        .iter()
        .map(|p| PushResult {
            doc_id: p.doc_id,
            outcome: PushOutcome::Accepted {
                heads: p.heads.clone(),
            },
        })
        .collect();
    let resp = SyncResponse {
        protocol: PROTOCOL_VERSION,
        cursor: 1,
        more: false,
        results,
        pull: vec![],
        removed: vec![],
        server_time_ms: NOW,
    };
    store.apply_sync(&out, resp, NOW).unwrap();
    assert_eq!(store.pending_count().unwrap(), 0);
}

fn seeded() -> (FieldApp, SampleIds) {
    let mut store = LocalStore::open_in_memory().unwrap();
    let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    accept_all(&mut store);
    (FieldApp::offline(store, NOW), ids)
}

fn harness(app: FieldApp, height: f32) -> Harness<'static, FieldApp> {
    Harness::builder()
        .with_size([1280.0, height])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app)
}

/// Focus a text field (single or multi-line) by its accessible name and type into it.
fn type_into(h: &mut Harness<'_, FieldApp>, label: &str, text: &str) {
    let role = [
        Role::TextInput,
        Role::PasswordInput,
        Role::MultilineTextInput,
    ]
    .into_iter()
    .find(|r| h.query_by_role_and_label(*r, label).is_some())
    .unwrap_or_else(|| panic!("no text field named {label:?}"));
    h.get_by_role_and_label(role, label).focus();
    h.run();
    h.get_by_role_and_label(role, label).type_text(text);
    h.run();
}

#[test]
fn work_order_checklist_findings_and_completion() {
    let (app, ids) = seeded();
    let mut h = harness(app, 3000.0);
    h.run();
    assert_eq!(h.state().state.screen, Screen::MyWork);
    assert_eq!(h.query_all_by_label("● synced").count(), 3);
    // My work is an agenda: sections with their counts (the sample's work is all open).
    let sections = ["Overdue (", "Today (", "Next days ("]
        .iter()
        .filter(|s| h.query_by_label_contains(s).is_some())
        .count();
    assert!(sections >= 1, "agenda sections shown");
    assert!(h.query_by_label_contains("Done (").is_none());

    h.get_by_label_contains("Weekly server room round").click();
    h.run();
    assert_eq!(h.state().state.screen, Screen::WorkOrder);
    assert_eq!(
        h.state().state.work_order.as_ref().unwrap().id,
        ids.inspection
    );

    h.get_by_label("Accept").click();
    h.run();
    h.get_by_label("On site").click();
    h.run();
    assert_eq!(
        h.state().state.work_order.as_ref().unwrap().folded.status,
        Status::OnSite
    );

    // Pass/fail.
    h.get_by_label("Pass: Core switch fans and LEDs normal")
        .click();
    h.run();
    // An out-of-range reading is flagged.
    assert!(h.query_by_label("⚠ OUT OF RANGE").is_none());
    type_into(&mut h, "Reading: UPS load", "93.5");
    h.get_by_label("Save reading: UPS load").click();
    h.run();
    assert!(
        h.query_by_label("⚠ OUT OF RANGE").is_some(),
        "out-of-range flag shown"
    );
    // A note in the findings.
    type_into(
        &mut h,
        "Findings",
        "Battery 2 swollen; UPS overloaded by new blade chassis.",
    );
    h.get_by_label("Save findings").click();
    h.run();

    // Completion is refused while a required item is empty.
    h.get_by_label("Complete").click();
    h.run();
    let notice = h.state().state.work_order.as_ref().unwrap().notice.clone();
    assert_eq!(
        notice.as_deref(),
        Some("Required checklist items are empty: Server room temperature")
    );
    assert!(
        h.query_by_label_contains("Required checklist items are empty")
            .is_some()
    );
    assert_eq!(
        h.state().state.work_order.as_ref().unwrap().folded.status,
        Status::OnSite
    );

    type_into(&mut h, "Reading: Server room temperature", "22,5");
    h.get_by_label("Save reading: Server room temperature")
        .click();
    h.run();
    // The out-of-range reading is a finding: completion asks for its reason first.
    h.get_by_label("Complete").click();
    h.run();
    assert_eq!(
        h.state()
            .state
            .work_order
            .as_ref()
            .unwrap()
            .notice
            .as_deref(),
        Some("give a reason for each failed check before completing: UPS load")
    );
    type_into(
        &mut h,
        "Reason for UPS load",
        "new blade chassis; load moved to UPS 2",
    );
    h.get_by_label("Save reason: UPS load").click();
    h.run();
    assert!(h.query_by_label("Open a follow-up incident").is_some());
    // "Complete" shows what the report will hold first; nothing is completed yet.
    h.get_by_label("Complete").click();
    h.run();
    assert!(h.query_by_label("Complete this work?").is_some());
    assert!(
        h.query_by_label("1 failed check, with its reason")
            .is_some()
    );
    assert!(
        h.query_by_label("not signed — the report will say so")
            .is_some()
    );
    assert_eq!(
        h.state().state.work_order.as_ref().unwrap().folded.status,
        Status::OnSite
    );
    h.get_by_label("Confirm completion").click();
    h.run();

    let app = h.state();
    let v = app.state.work_order.as_ref().unwrap();
    assert_eq!(v.notice, None);
    assert_eq!(v.folded.status, Status::Completed);
    assert_eq!(v.badge, SyncBadge::Pending);
    assert!(v.wo.findings.as_str().contains("Battery 2 swollen"));
    assert_eq!(v.wo.checklist["ups-load"].reading, Some(93.5));
    assert_eq!(v.wo.checklist["room-temp"].reading, Some(22.5));
    assert_eq!(
        v.wo.checklist["switch-fans"].result.as_deref(),
        Some("pass")
    );
    assert!(h.query_all_by_label("Completed").count() >= 1);
    assert!(h.query_by_label("● pending sync").is_some());
    assert_eq!(app.state.sync.pending, 1);
    assert!(app.unsent.iter().any(|m| matches!(m, ToWorker::Nudge)));

    // Back on the list the status and the badge have changed too.
    h.get_by_label("← My work").click();
    h.run();
    let row = h
        .state()
        .state
        .my_work
        .iter()
        .find(|r| r.doc_id == ids.inspection)
        .unwrap()
        .clone();
    assert_eq!(row.status, Status::Completed);
    assert_eq!(
        h.state().state.my_work_badges[&ids.inspection],
        SyncBadge::Pending
    );
    assert!(
        h.query_by_label("1 document with changes waiting")
            .is_some()
    );
}

#[test]
fn edits_are_durable_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let ids = {
        let mut store = LocalStore::open(dir.path()).unwrap();
        let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
        let mut h = harness(FieldApp::offline(store, NOW), 3000.0);
        h.run();
        h.get_by_label_contains("Weekly server room round").click();
        h.run();
        h.get_by_label("Fail: Core switch fans and LEDs normal")
            .click();
        h.run();
        ids
    };
    let mut store = LocalStore::open(dir.path()).unwrap();
    let wo = store.work_order(ids.inspection).unwrap();
    assert_eq!(wo.checklist["switch-fans"].result.as_deref(), Some("fail"));
    assert!(
        store.identity().unwrap().is_some(),
        "still signed in offline"
    );
}

#[test]
fn device_search_by_serial_and_ip() {
    let (app, _) = seeded();
    let mut h = harness(app, 800.0);
    h.run();
    h.get_by_label("Devices").click();
    h.run();
    assert_eq!(h.state().state.screen, Screen::Devices);
    assert_eq!(h.state().state.devices.total, 43);

    type_into(&mut h, "Search devices", "AS1234567890");
    let found: Vec<String> = h
        .state()
        .state
        .devices
        .results
        .iter()
        .map(|d| d.asset_tag.clone())
        .collect();
    assert_eq!(found, ["UPS-B1-01"]);
    assert!(h.query_by_label("UPS-B1-01").is_some());

    h.state_mut().state.devices.query.clear();
    h.run();
    type_into(&mut h, "Search devices", "10.20.3.57");
    let found: Vec<String> = h
        .state()
        .state
        .devices
        .results
        .iter()
        .map(|d| d.asset_tag.clone())
        .collect();
    assert_eq!(found, ["PRN-3F-07"]);

    // The device page shows its fields and maintenance history.
    h.get_by_label("PRN-3F-07").click();
    h.run();
    let d = h.state().state.devices.open.as_ref().unwrap();
    assert_eq!(d.history.len(), 1);
    assert!(
        h.query_by_label_contains("printer jams on every job")
            .is_some()
    );
}

#[test]
fn device_field_edit_on_site() {
    let (app, ids) = seeded();
    let mut h = harness(app, 1400.0);
    h.run();
    h.state_mut()
        .apply_for_test(fieldsync_app::state::command::Command::OpenDevice(
            ids.switch,
        ));
    h.run();
    // The fields read as text until "Edit": no box to type into by accident.
    assert!(
        h.query_by_role_and_label(Role::TextInput, "Edit firmware version")
            .is_none()
    );
    h.get_by_label("Edit").click();
    h.run();
    type_into(&mut h, "Edit firmware version", "V200R022C10SPC500");
    h.get_by_role_and_label(Role::TextInput, "Edit notes")
        .focus(); // focus moves: it saves
    h.run();
    let d = lock(h.state().store()).device(ids.switch).unwrap();
    assert_eq!(d.firmware_version.as_deref(), Some("V200R022C10SPC500"));
    // The type is a choice in words, not a code typed by hand.
    h.get_by_label("Edit device type").click();
    h.run();
    h.get_by_label("Router").click();
    h.run();
    let d = lock(h.state().store()).device(ids.switch).unwrap();
    assert_eq!(d.device_type, "router");
    assert_eq!(
        h.state().state.devices.open.as_ref().unwrap().badge,
        SyncBadge::Pending
    );
}

#[test]
fn new_incident_offline_is_assigned_to_me() {
    let (app, ids) = seeded();
    let mut h = harness(app, 900.0);
    h.run();
    h.get_by_label("New incident").click();
    h.run();
    type_into(&mut h, "Title", "Toner leak on 3F printer");
    h.state_mut().state.incident.site_id = Some(ids.site.to_string());
    h.run();
    h.get_by_label("Create incident").click();
    h.run();
    let app = h.state();
    assert_eq!(app.state.screen, Screen::WorkOrder);
    let v = app.state.work_order.as_ref().unwrap();
    assert_eq!(v.wo.title, "Toner leak on 3F printer");
    assert!(v.wo.is_assigned_to(&sample::engineer().user_id));
    assert_eq!(v.wo.created_by, sample::engineer().user_id);
    assert_eq!(v.wo.customer_id.as_deref(), Some("cust-harbour"));
    assert_eq!(v.badge, SyncBadge::Pending);
    assert_eq!(app.state.my_work.len(), 4);
    // No numbers leased to this laptop yet: it says when the number comes.
    assert_eq!(v.wo.number, None);
    assert!(
        h.query_by_label_contains("no number yet").is_some(),
        "the header says the number comes at the next sync"
    );
}

#[test]
fn new_incident_offline_takes_a_leased_number() {
    let mut store = LocalStore::open_in_memory().unwrap();
    let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    accept_all(&mut store);
    store
        .add_number_block(&fieldsync::model::NumberBlock {
            year: 2026,
            first: 41,
            last: 60,
        })
        .unwrap();
    let mut h = harness(FieldApp::offline(store, NOW), 900.0);
    h.run();
    for (title, number) in [
        ("Toner leak on 3F printer", "WO-2026-00041"),
        ("Core switch fan noise", "WO-2026-00042"),
    ] {
        h.get_by_label("New incident").click();
        h.run();
        type_into(&mut h, "Title", title);
        h.state_mut().state.incident.site_id = Some(ids.site.to_string());
        h.run();
        h.get_by_label("Create incident").click();
        h.run();
        let v = h.state().state.work_order.as_ref().unwrap();
        assert_eq!(v.wo.number.as_deref(), Some(number));
        assert!(
            h.query_by_label(&format!("{number} · {title}")).is_some(),
            "the header names {number}"
        );
        assert!(
            h.query_by_label_contains("quote this number").is_some(),
            "the message gives the number to quote"
        );
        assert!(h.query_by_label_contains("no number yet").is_none());
    }
    let left = lock(h.state().store()).numbers_left(2026).unwrap();
    assert_eq!(left, 18);
}

#[test]
fn signature_is_stored_as_strokes_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = LocalStore::open(dir.path()).unwrap();
    let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    let mut h = harness(FieldApp::offline(store, NOW), 3000.0);
    h.run();
    h.state_mut()
        .apply_for_test(fieldsync_app::state::command::Command::OpenWorkOrder(
            ids.incident,
        ));
    h.run();
    // Saving with an empty pad is refused in words.
    h.get_by_label("Save signature").click();
    h.run();
    assert!(h.query_by_label_contains("Enter the name").is_some());
    {
        let v = h.state_mut().state.work_order.as_mut().unwrap();
        v.drafts.signature.add_point(20.0, 100.0);
        v.drafts.signature.add_point(120.0, 60.0);
        v.drafts.signature.add_point(220.0, 110.0);
        v.drafts.signature.end_stroke();
    }
    type_into(&mut h, "Signer's name", "张敏");
    h.get_by_label("Save signature").click();
    h.run();
    let app = h.state();
    let sig = app
        .state
        .work_order
        .as_ref()
        .unwrap()
        .wo
        .signature
        .clone()
        .unwrap();
    assert_eq!(sig.signer_name, "张敏");
    assert_eq!(sig.strokes.len(), 1);
    let sha = sig.image_sha256.unwrap();
    let path = lock(app.store())
        .blob_path(&sha)
        .expect("png stored as a blob");
    let png = std::fs::read(path).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert_eq!(lock(app.store()).pending_blobs().unwrap().len(), 1);
}

#[test]
fn sign_in_goes_through_the_worker() {
    let store = LocalStore::open_in_memory().unwrap();
    let mut h = harness(FieldApp::offline(store, NOW), 800.0);
    h.run();
    assert_eq!(h.state().state.screen, Screen::SignIn);
    type_into(&mut h, "Server", "http://hub.example.com");
    type_into(&mut h, "User name", "li.wei");
    type_into(&mut h, "Password", "secret");
    h.get_by_label("Sign in").click();
    h.run();
    assert!(
        h.query_by_label_contains("plain http:// is only allowed")
            .is_some()
    );
    assert!(h.state().unsent.is_empty());

    h.state_mut().state.sign_in.server = "http://127.0.0.1:8080".into();
    h.run();
    h.get_by_label("Sign in").click();
    h.run_steps(2); // a spinner keeps repainting while the worker signs in
    assert!(matches!(
        h.state().unsent.as_slice(),
        [ToWorker::SignIn { username, .. }] if username == "li.wei"
    ));
    assert!(h.query_by_label("Signing in…").is_some());

    h.state_mut()
        .on_worker(FromWorker::SignedIn(sample::engineer()));
    h.run_steps(2);
    assert_eq!(h.state().state.screen, Screen::MyWork);
    assert!(h.query_by_label("Li Wei · Engineer").is_some());

    // An expired token never blocks local work: the bar asks to sign in again.
    h.state_mut().on_worker(FromWorker::SyncFailed {
        error: "your sign-in has expired: sign in again to sync (your work is kept)".into(),
        offline: false,
        needs_sign_in: true,
        retry_in_secs: None,
    });
    h.run();
    assert!(h.query_by_label("Sign in again").is_some());
    assert_eq!(h.state().state.screen, Screen::MyWork);
}

/// An address handed out with the server's fingerprint: the app trusts that fingerprint
/// (sent to the worker before the sign-in) and keeps the address without it.
#[test]
fn an_address_with_its_fingerprint_trusts_that_certificate() {
    let store = LocalStore::open_in_memory().unwrap();
    let mut h = harness(FieldApp::offline(store, NOW), 800.0);
    h.run();
    let print = "AB:".repeat(31) + "CD";
    type_into(
        &mut h,
        "Server",
        &format!("https://hub.example:8443#sha256={}", print.replace(':', "")),
    );
    type_into(&mut h, "User name", "li.wei");
    type_into(&mut h, "Password", "secret");
    h.get_by_label("Sign in").click();
    h.run_steps(2);
    assert!(
        matches!(
            h.state().unsent.as_slice(),
            [ToWorker::TrustCertificate(p), ToWorker::SignIn { server, .. }]
                if *p == print && server == "https://hub.example:8443"
        ),
        "{:?}",
        h.state().unsent
    );
    // A damaged fingerprint is named, and nothing is sent.
    h.state_mut().unsent.clear();
    h.state_mut().state.sign_in.busy = false;
    h.state_mut().state.sign_in.server = "https://hub.example:8443#sha256=AB:CD".into();
    h.run();
    h.get_by_label("Sign in").click();
    h.run();
    assert!(h.query_by_label_contains("64 hex digits").is_some());
    assert!(h.state().unsent.is_empty());
}

/// Hand a document from one store to another as the server would (a whole-document pull).
fn pull_into(
    from: &mut LocalStore,
    to: &mut LocalStore,
    id: fieldsync::DocId,
    kind: fieldsync::DocKind,
) {
    let bytes = from.doc(id).unwrap().save();
    let out = to.prepare_sync(None).unwrap();
    let resp = SyncResponse {
        protocol: PROTOCOL_VERSION,
        cursor: 2,
        more: false,
        results: vec![],
        pull: vec![fieldsync::wire::PullDoc {
            doc_id: id,
            kind,
            whole: true,
            bytes,
        }],
        removed: vec![],
        server_time_ms: NOW,
    };
    to.apply_sync(&out, resp, NOW).unwrap();
}

#[test]
fn same_field_conflict_shows_both_values_and_a_person_picks_one() {
    use fieldsync::DocKind;
    use fieldsync::model::device::set_device_field;
    let mut a = LocalStore::open_in_memory().unwrap();
    let ids = sample::seed(&mut a, &sample::engineer(), NOW).unwrap();
    let mut b = LocalStore::open_in_memory().unwrap();
    pull_into(&mut a, &mut b, ids.switch, DocKind::Device);
    // Office and engineer set the firmware offline, differently.
    b.edit(ids.switch, NOW, |d| {
        set_device_field(d, "firmware_version", Some("V200R021"), NOW)
    })
    .unwrap();
    a.edit(ids.switch, NOW, |d| {
        set_device_field(d, "firmware_version", Some("V200R022"), NOW)
    })
    .unwrap();
    pull_into(&mut b, &mut a, ids.switch, DocKind::Device);

    let mut h = harness(FieldApp::offline(a, NOW), 1400.0);
    h.run();
    h.state_mut()
        .apply_for_test(fieldsync_app::state::command::Command::OpenDevice(
            ids.switch,
        ));
    h.run();
    assert!(h.query_by_label("⚠ Conflicting values").is_some());
    assert!(h.query_by_label("“V200R022” set by you").is_some());
    assert!(
        h.query_by_label_contains("“V200R021” set by another device")
            .is_some()
    );
    h.get_all_by_label("keep this").next().unwrap().click();
    h.run();
    let d = h.state().state.devices.open.as_ref().unwrap();
    assert!(d.conflicts.is_empty(), "picking a value settles the clash");
    assert!(h.query_by_label("⚠ Conflicting values").is_none());
}

/// A failed check leads somewhere: its reason, a follow-up incident filled from the item and
/// the inspection, and the two naming each other — all offline, in the local store.
#[test]
fn a_failed_check_opens_a_follow_up_incident_linked_both_ways() {
    let (app, ids) = seeded();
    let mut h = harness(app, 3000.0);
    h.run();
    h.get_by_label_contains("Weekly server room round").click();
    h.run();
    h.get_by_label("Accept").click();
    h.run();
    h.get_by_label("On site").click();
    h.run();
    assert!(h.query_by_label("Open a follow-up incident").is_none());
    h.get_by_label("Fail: Core switch fans and LEDs normal")
        .click();
    h.run();
    type_into(
        &mut h,
        "Reason for Core switch fans and LEDs normal",
        "fan 2 stopped",
    );
    h.get_by_label("Save reason: Core switch fans and LEDs normal")
        .click();
    h.run();
    h.get_by_label("Open a follow-up incident").click();
    h.run();
    let form = &h.state().state.incident;
    assert_eq!(h.state().state.screen, Screen::NewIncident);
    assert_eq!(form.title, "Core switch fans and LEDs normal: failed check");
    assert!(
        form.description.contains("Reason: fan 2 stopped"),
        "{}",
        form.description
    );
    assert_eq!(form.parent_id, Some(ids.inspection.to_string()));
    assert!(!form.devices.is_empty() || form.site_id.is_some());
    h.get_by_label("Create incident").click();
    h.run();
    // The new incident names the item; the item names the incident.
    let incident = h.state().state.work_order.as_ref().unwrap().clone();
    assert_eq!(incident.wo.parent_id, Some(ids.inspection.to_string()));
    assert_eq!(incident.wo.parent_check.as_deref(), Some("switch-fans"));
    let store = h.state().store().clone();
    let inspection = lock(&store).work_order(ids.inspection).unwrap();
    assert_eq!(
        inspection.checklist["switch-fans"].follow_up,
        Some(incident.id.to_string())
    );
    assert_eq!(
        inspection.checklist["switch-fans"].note.as_deref(),
        Some("fan 2 stopped")
    );
    // Back on the inspection the finding links to its incident.
    h.state_mut()
        .apply_for_test(fieldsync_app::state::command::Command::OpenWorkOrder(
            ids.inspection,
        ));
    h.run();
    assert!(h.query_by_label_contains("Follow-up: ").is_some());
}

/// Work that arrives with a sync is told: a new assignment as a message that fades, work sent
/// back as one that stays until read.
#[test]
fn a_sync_tells_new_and_sent_back_work() {
    use fieldsync::model::{self, NewWorkOrder};
    let (app, _ids) = seeded();
    let mut h = harness(app, 1200.0);
    h.run();
    let me = sample::engineer().user_id;
    let store = h.state().store().clone();
    // The server's answer brought a new incident assigned to this engineer.
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "Scanner offline".into(),
        number: Some("WO-2026-00077".into()),
        assignees: vec![me.clone()],
        ..Default::default()
    };
    lock(&store)
        .create(fieldsync::DocKind::WorkOrder, NOW, |d, id| {
            model::create_work_order(d, id, &new, "dispatcher", NOW)
        })
        .unwrap();
    h.state_mut()
        .on_worker(FromWorker::Synced(Default::default()));
    h.run();
    let flash = h.state().state.flash.clone().unwrap();
    assert_eq!(
        flash.text,
        "New work for you: WO-2026-00077 Scanner offline"
    );
    assert!(!flash.error);
    assert!(h.query_by_label_contains("New work for you").is_some());
}

/// Status clicks do not move the screen: the buttons and the checklist stay where the
/// pointer is after Accept and On site (rows and hints used to appear above them).
#[test]
fn status_clicks_do_not_move_the_screen() {
    let (app, _ids) = seeded();
    let mut h = harness(app, 3000.0);
    h.run();
    h.get_by_label_contains("Weekly server room round").click();
    h.run();
    let on_site = h.get_by_role_and_label(Role::Button, "On site").rect();
    let complete = h.get_by_role_and_label(Role::Button, "Complete").rect();
    let first_check = h
        .get_by_label("Pass: Core switch fans and LEDs normal")
        .rect();
    h.get_by_label("Accept").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "On site").click();
    h.run();
    assert_eq!(
        h.get_by_role_and_label(Role::Button, "On site").rect(),
        on_site
    );
    assert_eq!(
        h.get_by_role_and_label(Role::Button, "Complete").rect(),
        complete
    );
    assert_eq!(
        h.get_by_label("Pass: Core switch fans and LEDs normal")
            .rect(),
        first_check
    );
}

/// The Sync page names what is waiting to be sent and why, not only how many.
#[test]
fn the_sync_page_names_what_is_waiting() {
    let (app, _ids) = seeded();
    let mut h = harness(app, 1200.0);
    h.run();
    h.get_by_label_contains("Weekly server room round").click();
    h.run();
    h.get_by_label("Accept").click();
    h.run();
    h.state_mut()
        .apply_for_test(fieldsync_app::state::command::Command::Go(
            Screen::SyncDetails,
        ));
    h.run();
    assert!(h.query_by_label("Waiting to be sent (1)").is_some());
    assert!(
        h.query_by_label("Saved here; they go with the next sync.")
            .is_some()
    );
    h.get_by_label_contains("Weekly server room round").click();
    h.run();
    assert_eq!(h.state().state.screen, Screen::WorkOrder);
}

/// Parts are corrected and removed, not only added: a wrong quantity is edited in place and a
/// part entered by mistake is taken off.
#[test]
fn parts_can_be_corrected_and_removed() {
    let (app, _ids) = seeded();
    let mut h = harness(app, 3000.0);
    h.run();
    h.get_by_label_contains("Weekly server room round").click();
    h.run();
    h.get_by_label("Accept").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "On site").click();
    h.run();
    type_into(&mut h, "Part name", "UPS battery 12V 9Ah");
    h.get_by_label("customer agreed to the replacement").click();
    h.run();
    h.get_by_label("Add part").click();
    h.run();
    let parts = |h: &Harness<'_, FieldApp>| -> Vec<(String, i64)> {
        h.state()
            .state
            .work_order
            .as_ref()
            .unwrap()
            .wo
            .parts
            .values()
            .map(|p| (p.name.clone(), p.quantity))
            .collect()
    };
    assert_eq!(parts(&h), vec![("UPS battery 12V 9Ah".to_string(), 1)]);
    // Correct the quantity: the same part, not a second one.
    h.get_by_label("Edit part UPS battery 12V 9Ah").click();
    h.run();
    assert_eq!(
        h.state()
            .state
            .work_order
            .as_ref()
            .unwrap()
            .drafts
            .part
            .name,
        "UPS battery 12V 9Ah",
        "the form holds the part"
    );
    h.state_mut()
        .state
        .work_order
        .as_mut()
        .unwrap()
        .drafts
        .part
        .quantity = "2".into();
    h.get_by_label("Save part").click();
    h.run();
    assert_eq!(parts(&h), vec![("UPS battery 12V 9Ah".to_string(), 2)]);
    h.get_by_label("Remove part UPS battery 12V 9Ah").click();
    h.run();
    assert!(parts(&h).is_empty());
}

/// Sign out from the Sync page: the worker is asked, and once it has signed out the app is
/// back on the sign-in screen saying that the unsent work stays.
#[test]
fn signing_out_from_the_sync_page() {
    let (app, _ids) = seeded();
    let mut h = harness(app, 1200.0);
    h.run();
    h.get_by_label_contains("Weekly server room round").click();
    h.run();
    lock(h.state().store())
        .set_meta("app.server_url", Some("http://127.0.0.1:9"))
        .unwrap();
    h.get_by_label("Accept").click();
    h.run();
    h.state_mut()
        .apply_for_test(fieldsync_app::state::command::Command::Go(
            Screen::SyncDetails,
        ));
    h.run();
    assert!(
        h.query_by_label_contains("signing out keeps it here")
            .is_some()
    );
    h.state_mut().unsent.clear();
    h.get_by_label("Sign out").click();
    h.run();
    assert!(
        h.state()
            .unsent
            .iter()
            .any(|m| matches!(m, ToWorker::SignOut))
    );
    h.state_mut()
        .on_worker(FromWorker::SignedOut { told_server: true });
    h.run();
    assert_eq!(h.state().state.screen, Screen::SignIn);
    let flash = h.state().state.flash.clone().unwrap();
    assert!(flash.text.starts_with("Signed out"), "{}", flash.text);
    assert!(
        flash.text.contains("1 change not sent yet stays"),
        "{}",
        flash.text
    );
}

/// First contact with a self-signed server: the sign-in screen shows the fingerprint and
/// trusts it only when asked to; "Do not trust" leaves nothing pinned.
#[test]
fn a_new_certificate_is_shown_and_trusted_only_on_request() {
    let store = LocalStore::open_in_memory().unwrap();
    let mut h = harness(FieldApp::offline(store, NOW), 800.0);
    h.run();
    type_into(&mut h, "Server", "https://hub.example.com");
    type_into(&mut h, "User name", "li.wei");
    type_into(&mut h, "Password", "secret");
    h.get_by_label("Sign in").click();
    h.run_steps(2);
    let print = "AB".repeat(32);
    h.state_mut()
        .on_worker(FromWorker::CertificateToConfirm(print.clone()));
    h.run_steps(2);
    assert!(h.query_by_label("First contact with this server").is_some());
    assert!(h.query_by_label(&print).is_some());
    h.state_mut().unsent.clear();
    h.get_by_label("Do not trust").click();
    h.run_steps(2);
    assert!(h.query_by_label(&print).is_none());
    assert!(h.state().unsent.is_empty(), "nothing trusted, nothing sent");
    h.state_mut()
        .on_worker(FromWorker::CertificateToConfirm(print.clone()));
    h.run_steps(2);
    h.get_by_label("Same fingerprint: trust and sign in")
        .click();
    h.run_steps(2);
    assert!(matches!(
        h.state().unsent.as_slice(),
        [ToWorker::TrustCertificate(p), ToWorker::SignIn { .. }] if *p == print
    ));
}

/// One owner for "am I online?": an office call that cannot reach the server turns the status
/// bar offline too, and a server asking to wait (429) is not "offline".
#[test]
fn every_answer_updates_the_one_connectivity_state() {
    use fieldsync_app::runtime::{ApiAnswer, ApiError};
    let (app, _ids) = seeded();
    let mut h = harness(app, 900.0);
    lock(h.state().store())
        .set_meta("app.server_url", Some("http://127.0.0.1:9"))
        .unwrap();
    h.state_mut().refresh();
    h.run();
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: "dispatch.board".into(),
        result: Err(ApiError::Offline("connection refused".into())),
    }));
    h.run();
    assert!(h.query_by_label_contains("offline for").is_some());
    h.state_mut().on_worker(FromWorker::SyncFailed {
        error: "the server is busy: try again in 30 s".into(),
        offline: false,
        needs_sign_in: false,
        retry_in_secs: Some(30),
    });
    h.run();
    assert!(h.query_by_label("online").is_some(), "busy is not offline");
    assert!(h.query_by_label_contains("offline for").is_none());
}

/// The work order's log names other people from the directory kept on this device, not by
/// their ids (the dispatcher who accepted on the engineer's behalf here).
#[test]
fn the_log_names_people_from_the_directory() {
    use fieldsync::model::{self, EventExtra};
    use fieldsync::status::EventKind;
    const DANA: &str = "7d1c2a7e-0000-4000-8000-0000000000d1";
    let mut store = LocalStore::open_in_memory().unwrap();
    let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    store
        .edit(ids.incident, NOW, |d| {
            model::record_event(d, EventKind::Accepted, DANA, NOW, EventExtra::default())
                .map(|_| ())
        })
        .unwrap();
    accept_all(&mut store);
    let mut h = harness(FieldApp::offline(store, NOW), 3000.0);
    h.run();
    let open = fieldsync_app::state::command::Command::OpenWorkOrder(ids.incident);
    h.state_mut().apply_for_test(open.clone());
    h.run();
    assert!(
        h.query_by_label("user 7d1c2a7e").is_some(),
        "an id while nobody is known"
    );
    h.state_mut().state.people = fieldsync_app::state::people::People::from_saved(Some(
        &serde_json::json!([{"user_id": DANA, "display_name": "Dana 调度", "role": "dispatcher"}])
            .to_string(),
    ));
    h.state_mut().apply_for_test(open);
    h.run();
    assert!(
        h.query_by_label("Dana 调度").is_some(),
        "named from the directory"
    );
    assert!(h.query_by_label("user 7d1c2a7e").is_none());
}
