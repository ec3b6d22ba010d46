//! Change management on screen (egui_kittest): the supervisor's approval list (emergency
//! first; rejecting needs a reason; approving writes the decision into the local store), the
//! call form's kind and class choice, and the engineer's work order showing the class and
//! refusing to start an unapproved major change in words.

mod common;
use common::{calls, dispatcher_board, window};
use egui::Role as A11y;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::model::{self, ApprovalDecision, ApprovalState, ChangeClass, NewWorkOrder};
use fieldsync::status::Status;
use fieldsync::store::LocalStore;
use fieldsync::{DocId, DocKind, TimestampMs};
use fieldsync_app::runtime::ApiBody;
use fieldsync_app::state::Screen;
use fieldsync_app::state::command::Command;
use fieldsync_app::{FieldApp, sample};

/// Wed 18 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;
const DISPATCHER: &str = "7d1c2a7e-0000-4000-8000-0000000000d1";

/// A change of `class` made by the dispatcher `minutes` before now, assigned to the sample
/// engineer.
fn add_change(store: &mut LocalStore, class: ChangeClass, title: &str, minutes: i64) -> DocId {
    let at = NOW - minutes * 60_000;
    let new = NewWorkOrder {
        kind: "change".into(),
        change_class: Some(class),
        title: title.into(),
        assignees: vec![sample::engineer().user_id],
        ..Default::default()
    };
    store
        .create(DocKind::WorkOrder, at, |d, id| {
            model::create_work_order(d, id, &new, DISPATCHER, at)
        })
        .unwrap()
}

fn work_order(h: &Harness<'static, FieldApp>, id: DocId) -> model::WorkOrder {
    fieldsync_app::runtime::lock(h.state().store())
        .work_order(id)
        .unwrap()
}

#[test]
fn the_supervisor_approves_a_change_offline_emergency_first() {
    let mut store = LocalStore::open_in_memory().unwrap();
    store.set_identity(&sample::supervisor()).unwrap();
    let major = add_change(&mut store, ChangeClass::Major, "Upgrade core switch", 120);
    let emergency = add_change(
        &mut store,
        ChangeClass::Emergency,
        "Block address range",
        10,
    );
    add_change(&mut store, ChangeClass::Standard, "Replace toner", 60);
    let mut h = window(FieldApp::offline(store, NOW), [1280.0, 800.0]);
    h.run();
    h.get_by_label("Changes").click();
    h.run();
    assert_eq!(h.state().state.screen, Screen::Changes);
    // Emergency first though opened last; the standard change needs no decision.
    let pending: Vec<DocId> = h
        .state()
        .state
        .changes
        .pending
        .iter()
        .map(|l| l.doc_id)
        .collect();
    assert_eq!(pending, [emergency, major]);
    assert!(h.query_by_label("Replace toner").is_none());
    assert!(
        h.query_by_label("Awaiting retrospective approval")
            .is_some()
    );
    assert!(
        h.query_by_label("Awaiting approval before work starts")
            .is_some()
    );
    // Rejecting without a reason is refused in words; nothing is written.
    h.get_all_by_label("Reject").nth(1).unwrap().click();
    h.run();
    assert!(
        h.query_by_label_contains("Say why the change is rejected")
            .is_some()
    );
    assert_eq!(work_order(&h, major).change_approval, None);
    // The reason typed into the major change's row, then Approve.
    let boxes: Vec<_> = h.get_all_by_role(A11y::TextInput).collect();
    assert_eq!(boxes.len(), 2);
    boxes[1].focus();
    h.run();
    h.get_all_by_role(A11y::TextInput)
        .nth(1)
        .unwrap()
        .type_text("Backout plan reviewed");
    h.run();
    h.get_all_by_label("Approve").nth(1).unwrap().click();
    h.run();
    let wo = work_order(&h, major);
    let a = wo.change_approval.clone().expect("decided");
    assert_eq!(a.decision, ApprovalDecision::Approved);
    assert_eq!(a.by, sample::supervisor().user_id);
    assert_eq!(a.reason.as_deref(), Some("Backout plan reviewed"));
    assert_eq!(wo.approval_state(), Some(ApprovalState::Approved));
    assert!(h.query_by_label_contains("Change approved").is_some());
    // It moved to the decisions, with who decided; the emergency change still waits.
    let pending: Vec<DocId> = h
        .state()
        .state
        .changes
        .pending
        .iter()
        .map(|l| l.doc_id)
        .collect();
    assert_eq!(pending, [emergency]);
    assert!(h.query_by_label_contains("Approved by Chen Jing").is_some());
    // Unsent until the next sync: a decision is a document edit.
    assert!(h.state().state.sync.pending >= 1);
}

#[test]
fn the_call_form_offers_the_class_for_a_change_and_sends_it() {
    let mut h = dispatcher_board([1280.0, 800.0]);
    h.get_by_label("Phone call → incident").click();
    h.run();
    assert!(
        h.query_by_label("Change class").is_none(),
        "an incident has none"
    );
    h.get_by_label("Change (a planned modification)").click();
    h.run();
    assert!(h.query_by_label("Change class").is_some());
    // No SLA clock runs on a change: no due times are promised.
    assert!(
        h.query_by_label_contains("No SLA clock runs on a change")
            .is_some()
    );
    h.get_by_label("Customer").click();
    h.run();
    h.get_by_label("北风贸易").click();
    h.run();
    h.get_by_role_and_label(A11y::TextInput, "Title").focus();
    h.run();
    h.get_by_role_and_label(A11y::TextInput, "Title")
        .type_text("Block address range");
    h.run();
    calls(&mut h);
    // No class chosen: not sent, and the form says what is missing.
    h.get_by_label("Save change").click();
    h.run();
    assert!(calls(&mut h).is_empty());
    assert!(
        h.query_by_label_contains("Choose the change's class")
            .is_some()
    );
    h.get_by_label("Emergency change").click();
    h.run();
    assert!(
        h.query_by_label("May start at once; a supervisor approves it afterwards.")
            .is_some()
    );
    h.get_by_label("Save change").click();
    h.run();
    let create = calls(&mut h)
        .into_iter()
        .find(|c| c.tag == "dispatch.call.create")
        .expect("saved");
    let ApiBody::Json(body) = &create.body else {
        panic!("a JSON body: {create:?}");
    };
    assert_eq!(body["kind"], "change");
    assert_eq!(body["change_class"], "emergency");
    assert_eq!(body["title"], "Block address range");
}

#[test]
fn the_engineer_sees_the_class_and_cannot_start_an_unapproved_major_change() {
    let mut store = LocalStore::open_in_memory().unwrap();
    store.set_identity(&sample::engineer()).unwrap();
    let id = add_change(&mut store, ChangeClass::Major, "Upgrade core switch", 30);
    let mut h = window(FieldApp::offline(store, NOW), [1280.0, 800.0]);
    h.run();
    h.state_mut().apply_for_test(Command::OpenWorkOrder(id));
    h.run();
    assert!(h.query_by_label("Major change").is_some());
    assert!(
        h.query_by_label("Awaiting approval before work starts")
            .is_some()
    );
    h.get_by_label("Accept").click();
    h.run();
    h.get_by_label("On site").click();
    h.run();
    assert!(
        h.query_by_label_contains("cannot start until a supervisor approves it")
            .is_some(),
        "refused in words"
    );
    assert_eq!(work_order(&h, id).fold().status, Status::Accepted);
}
