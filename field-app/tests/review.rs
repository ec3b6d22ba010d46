//! The supervisor's review screen (egui_kittest): a work order completed by the engineer is
//! listed; "Send back" needs a comment and reopens it in the local store with that comment;
//! an engineer never sees the screen.

mod common;
use common::{completed_store, window};
use egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::model::{self, CheckAnswer};
use fieldsync::status::{EventKind, Status};
use fieldsync::store::LocalStore;
use fieldsync_app::{FieldApp, fonts, sample};

/// Wed 18 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;

fn harness(app: FieldApp) -> Harness<'static, FieldApp> {
    window(app, [1280.0, 900.0])
}

#[test]
fn supervisor_sends_back_with_a_comment() {
    let (store, id) = completed_store(NOW);
    store.set_identity(&sample::supervisor()).unwrap();
    let title = store_title(&store, id);
    let app = FieldApp::offline(store, NOW + 60_000);
    let mut h = harness(app);
    h.run();
    // A supervisor starts on the review queue.
    assert_eq!(h.state().state.screen, fieldsync_app::state::Screen::Review);
    assert!(h.query_by_label_contains(&title).is_some(), "listed");
    // The row says what the report holds: no failed check, no signature yet.
    assert!(h.query_by_label("none").is_some());
    assert!(h.query_by_label("not signed").is_some());
    // Send back is disabled until there is a comment; clicking it does nothing.
    h.get_by_label("Send back").click();
    h.run();
    assert!(h.query_by_label_contains(&title).is_some(), "still listed");
    h.get_by_role(Role::TextInput).focus();
    h.run();
    h.get_by_role(Role::TextInput)
        .type_text("Photo of the UPS display missing");
    h.run();
    h.get_by_label("Send back").click();
    h.run();
    assert!(h.query_by_label_contains("Sent back").is_some());
    let wo = fieldsync_app::runtime::lock(h.state().store())
        .work_order(id)
        .unwrap();
    let folded = wo.fold();
    assert_eq!(folded.status, Status::Reopened);
    assert_eq!(
        folded.sent_back_comment.as_deref(),
        Some("Photo of the UPS display missing")
    );
    assert!(
        h.query_by_label_contains(&title).is_none(),
        "left the queue"
    );
}

#[test]
fn engineers_have_no_review_screen() {
    let (store, _) = completed_store(NOW);
    let mut h = harness(FieldApp::offline(store, NOW));
    h.run();
    assert!(h.query_by_label("Review").is_none());
}

fn store_title(store: &LocalStore, id: fieldsync::DocId) -> String {
    store
        .list_work_orders(None)
        .unwrap()
        .into_iter()
        .find(|r| r.doc_id == id)
        .map(|r| r.title)
        .unwrap()
}

#[test]
fn the_queue_flags_a_report_with_failed_checks() {
    let mut store = LocalStore::open_in_memory().unwrap();
    let eng = sample::engineer();
    let ids = sample::seed(&mut store, &eng, NOW).unwrap();
    let me = eng.user_id.as_str();
    store
        .edit(ids.inspection, NOW, |doc| {
            model::record_event(doc, EventKind::OnSite, me, NOW, Default::default())?;
            let wo = model::WorkOrder::from_doc(doc)?;
            for (item_id, item) in wo.checklist_sorted() {
                // Every pass/fail item fails; readings sit at their minimum.
                let answer = match item.kind.as_str() {
                    "pass_fail" => CheckAnswer::PassFail("fail".into()),
                    "reading" => CheckAnswer::Reading(item.min.unwrap_or(1.0)),
                    "choice" => {
                        CheckAnswer::Choice(item.choices.first().cloned().unwrap_or_default())
                    }
                    _ => CheckAnswer::Text("ok".into()),
                };
                model::answer_checklist_item(doc, item_id, &answer, Some("why"), me, NOW + 1)?;
            }
            model::record_event(doc, EventKind::Completed, me, NOW + 2, Default::default())
                .map(|_| ())
        })
        .unwrap();
    let failed = store
        .work_order(ids.inspection)
        .unwrap()
        .checklist
        .values()
        .filter(|i| i.is_failed())
        .count();
    assert!(failed > 0);
    store.set_identity(&sample::supervisor()).unwrap();
    let mut h = harness(FieldApp::offline(store, NOW + 60_000));
    h.run();
    let words = if failed == 1 {
        "⚠ 1 failed check".to_string()
    } else {
        format!("⚠ {failed} failed checks")
    };
    assert!(h.query_by_label(&words).is_some(), "{words}");
}

/// At 800 px the navigation bar holds every office screen without overlapping: the signed-in
/// name leaves the bar (it overlapped "Dashboard"); at 1280 px it is there.
#[test]
fn the_navigation_bar_does_not_overlap_at_800_px() {
    let narrow = |width: f32| {
        let (store, _id) = completed_store(NOW);
        store.set_identity(&sample::supervisor()).unwrap();
        let mut h = Harness::builder()
            .with_size([width, 500.0])
            .allow_missing_glyphs()
            .with_context_setup(fonts::install)
            .build_ui_state(
                |ui, app: &mut FieldApp| app.ui(ui),
                FieldApp::offline(store, NOW + 60_000),
            );
        h.run();
        h
    };
    let h = narrow(800.0);
    let name = format!("{} · Supervisor", sample::supervisor().display_name);
    assert!(h.query_by_label(&name).is_none(), "no room for the name");
    // The language menu is 90 px wide at the right edge.
    let last = h.get_by_label("Dashboard").rect();
    assert!(
        last.right() <= 800.0 - 90.0,
        "Dashboard {last:?} runs into the language menu"
    );
    let h = narrow(1280.0);
    assert!(h.query_by_label(&name).is_some());
}
