//! Problem records in the app (egui_kittest): the dispatcher finds recurring incidents, links
//! them to a new problem, writes the known error and workaround, saves and publishes it to
//! the knowledge base; an engineer has no Problems screen but reads the workaround, offline,
//! on an incident the published known error names. No worker runs: the tests take the calls
//! from `unsent` and answer them.

mod common;
use common::calls;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::model::knowledge;
use fieldsync::problem::{Candidate, LinkedIncident, ProblemStatus, ProblemView, RecurrenceKey};
use fieldsync::store::{Identity, LocalStore};
use fieldsync_app::runtime::{ApiAnswer, ApiBody, ApiMethod, ApiReply, FromWorker};
use fieldsync_app::sample;
use fieldsync_app::{FieldApp, fonts};
use serde_json::Value;

/// Tue 24 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;

fn app(role: fieldsync::Role, store: LocalStore) -> Harness<'static, FieldApp> {
    if role != fieldsync::Role::Engineer {
        store
            .set_identity(&Identity {
                user_id: "7d1c2a7e-0000-4000-8000-0000000000dd".into(),
                username: "dana".into(),
                display_name: "Dana".into(),
                role,
            })
            .unwrap();
    }
    let mut h = Harness::builder()
        .with_size([1400.0, 1400.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(
            |ui, app: &mut FieldApp| app.ui(ui),
            FieldApp::offline(store, NOW),
        );
    h.run();
    h
}

fn answer(h: &mut Harness<'static, FieldApp>, tag: &str, value: &impl serde::Serialize) {
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: tag.into(),
        result: Ok(ApiReply::json_ok(value)),
    }));
    h.run();
}

fn incident(n: u32) -> LinkedIncident {
    LinkedIncident {
        doc_id: format!("00000000-0000-4000-8000-00000000000{n}"),
        number: Some(format!("WO-2026-0000{n}")),
        title: format!("3楼打印机卡纸 {n}"),
        status: "new".into(),
        site_id: None,
        created_at_ms: NOW - i64::from(n) * 86_400_000,
    }
}

fn body(call: &fieldsync_app::runtime::ApiCall) -> Value {
    match &call.body {
        ApiBody::Json(v) => v.clone(),
        other => panic!("not JSON: {other:?}"),
    }
}

fn type_into(h: &mut Harness<'static, FieldApp>, role: Role, label: &str, text: &str) {
    h.get_by_role_and_label(role, label).focus();
    h.run();
    h.get_by_role_and_label(role, label).type_text(text);
    h.run();
}

/// The server's answer to a save or publish of `form` at `revision`.
fn stored(form: &Value, revision: i64, status: ProblemStatus, published: bool) -> ProblemView {
    let incidents = form["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| {
            let n = (1..=3)
                .find(|n| incident(*n).doc_id == id.as_str().unwrap())
                .unwrap();
            incident(n)
        })
        .collect();
    ProblemView {
        id: "5b0e0000-0000-4000-8000-000000000001".into(),
        status: Some(status),
        title: form["title"].as_str().unwrap().into(),
        known_error: form["known_error"].as_str().unwrap().into(),
        workaround: form["workaround"].as_str().unwrap().into(),
        incidents,
        revision,
        published_at_ms: published.then_some(NOW),
        created_by: "Dana".into(),
        created_at_ms: NOW,
        updated_by: "Dana".into(),
        updated_at_ms: NOW,
        ..Default::default()
    }
}

#[test]
fn the_dispatcher_links_recurring_incidents_and_publishes_the_known_error() {
    let mut h = app(
        fieldsync::Role::Dispatcher,
        LocalStore::open_in_memory().unwrap(),
    );
    h.get_by_label("Problems").click();
    h.run();
    let sent = calls(&mut h);
    let asked: Vec<(&str, &str)> = sent
        .iter()
        .filter(|c| c.tag.starts_with("problems."))
        .map(|c| (c.tag.as_str(), c.path.as_str()))
        .collect();
    assert_eq!(
        asked,
        [
            ("problems.list", "/v1/problems"),
            (
                "problems.candidates",
                "/v1/problems/candidates?min=3&days=30"
            ),
        ]
    );
    answer(&mut h, "problems.list", &Vec::<ProblemView>::new());
    let group = Candidate {
        key: RecurrenceKey::Device {
            device_id: "d".into(),
        },
        label: "PRN-0301".into(),
        incidents: vec![incident(3), incident(2), incident(1)],
    };
    answer(&mut h, "problems.candidates", &vec![group]);
    assert!(
        h.query_by_label_contains("No problem recorded yet")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Device PRN-0301: 3 incidents")
            .is_some()
    );

    // Nothing to save without a title; the reason is said.
    assert!(h.query_by_label_contains("Write a title.").is_some());
    h.get_by_label("Link all").click();
    h.run();
    assert!(h.query_by_label_contains("Linked incidents (3)").is_some());
    type_into(&mut h, Role::TextInput, "Title", "3楼打印机反复卡纸");
    h.get_by_label("Save").click();
    h.run();
    let sent = calls(&mut h);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].tag.as_str(), sent[0].path.as_str()),
        ("problems.save", "/v1/problems")
    );
    assert!(matches!(sent[0].method, ApiMethod::Post));
    let first = body(&sent[0]);
    assert_eq!(first["title"], "3楼打印机反复卡纸");
    assert_eq!(first["status"], "open");
    let ids: Vec<String> = (1..=3).rev().map(|n| incident(n).doc_id).collect();
    assert_eq!(first["incidents"], serde_json::json!(ids));
    let v1 = stored(&first, 1, ProblemStatus::Open, false);
    answer(&mut h, "problems.save", &v1);
    assert!(h.query_by_label_contains("Saved.").is_some());
    assert!(
        h.query_by_label_contains("3楼打印机反复卡纸 · Open · 3 incidents")
            .is_some()
    );
    assert!(h.query_by_label_contains("Created by Dana").is_some());
    // Publishing waits for the known error and workaround.
    h.get_by_label("Publish to knowledge base").click();
    h.run();
    assert!(calls(&mut h).is_empty(), "publishing waits for the texts");

    type_into(
        &mut h,
        Role::MultilineTextInput,
        "Known error",
        "搓纸轮磨损",
    );
    type_into(&mut h, Role::MultilineTextInput, "Workaround", "手动送纸");
    h.get_by_label("Save").click();
    h.run();
    let sent = calls(&mut h);
    assert!(matches!(sent[0].method, ApiMethod::Put));
    assert_eq!(sent[0].path, format!("/v1/problems/{}", v1.id));
    let second = body(&sent[0]);
    assert_eq!(
        (second["revision"].as_i64(), second["workaround"].as_str()),
        (Some(1), Some("手动送纸"))
    );
    answer(
        &mut h,
        "problems.save",
        &stored(&second, 2, ProblemStatus::Open, false),
    );

    h.get_by_label("Publish to knowledge base").click();
    h.run();
    let sent = calls(&mut h);
    assert_eq!(sent[0].path, format!("/v1/problems/{}/publish", v1.id));
    assert_eq!(body(&sent[0]), serde_json::json!({"revision": 2}));
    answer(
        &mut h,
        "problems.publish",
        &stored(&second, 3, ProblemStatus::KnownError, true),
    );
    assert!(
        h.query_by_label_contains("Published to the knowledge base.")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Known error · 3 incidents")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Published to the knowledge base Tue 24 Nov")
            .is_some()
    );
}

#[test]
fn an_engineer_has_no_problems_screen_but_reads_the_workaround_on_a_linked_incident() {
    let mut store = LocalStore::open_in_memory().unwrap();
    let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    let links = [ids.incident.to_string()];
    let known = knowledge::PublishedKnownError {
        problem_id: "p-1",
        title: "3楼打印机反复卡纸",
        known_error: "搓纸轮磨损后每天卡纸",
        workaround: "手动送纸，每次只放 20 张",
        category: Some("hardware"),
        work_orders: &links,
    };
    store
        .create(fieldsync::DocKind::Knowledge, NOW, |d, id| {
            knowledge::publish_known_error(d, id, &known, NOW)
        })
        .unwrap();
    let mut h = app(fieldsync::Role::Engineer, store);
    assert!(h.query_by_label("Problems").is_none());
    h.state_mut()
        .apply_for_test(fieldsync_app::state::command::Command::OpenWorkOrder(
            ids.incident,
        ));
    h.run();
    assert!(
        h.query_by_label_contains("Known problem: 3楼打印机反复卡纸")
            .is_some()
    );
    assert!(h.query_by_label("手动送纸，每次只放 20 张").is_some());
    h.get_by_label("Open in the knowledge base").click();
    h.run();
    let open = h
        .state()
        .state
        .knowledge
        .open
        .clone()
        .expect("the article is open");
    assert_eq!(open.title, "3楼打印机反复卡纸");
    assert_eq!(
        h.state().state.screen,
        fieldsync_app::state::Screen::Knowledge
    );
    // Another incident shows no known problem.
    h.state_mut()
        .apply_for_test(fieldsync_app::state::command::Command::OpenWorkOrder(
            ids.inspection,
        ));
    h.run();
    assert!(h.query_by_label_contains("Known problem").is_none());
}
