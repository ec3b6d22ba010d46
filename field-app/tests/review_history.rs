//! The review page's report history (egui_kittest): "Report & history" asks the server for
//! the change list, shows it as a table with names and times, and a click on a change shows
//! the report as it was then (from `/v1/docs/{id}/at`), marked as past, with a way back.
//! Offline, the page says the history needs a connection and still shows the current report.
//! No worker runs: the test takes the calls from `unsent` and answers them with canned data.

mod common;
use common::{calls, canned_history};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::model::{self, CheckAnswer};
use fieldsync::status::EventKind;
use fieldsync::store::LocalStore;
use fieldsync_app::runtime::FromWorker;
use fieldsync_app::runtime::{ApiAnswer, ApiError, ApiReply};
use fieldsync_app::{FieldApp, fonts, sample};

/// Tue 24 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;
const MIN: TimestampMs = 60_000;

/// The sample inspection, done and completed by the engineer, on the supervisor's store.
fn completed_store() -> (LocalStore, fieldsync::DocId) {
    let mut store = LocalStore::open_in_memory().unwrap();
    let eng = sample::engineer();
    let ids = sample::seed(&mut store, &eng, NOW).unwrap();
    let me = eng.user_id.as_str();
    store
        .edit(ids.inspection, NOW, |doc| {
            model::record_event(doc, EventKind::OnSite, me, NOW, Default::default())?;
            let wo = model::WorkOrder::from_doc(doc)?;
            for (item_id, item) in wo.checklist_sorted() {
                let answer = match item.kind.as_str() {
                    "pass_fail" => CheckAnswer::PassFail("pass".into()),
                    "reading" => CheckAnswer::Reading(item.min.unwrap_or(1.0) + 20.0),
                    "choice" => {
                        CheckAnswer::Choice(item.choices.first().cloned().unwrap_or_default())
                    }
                    _ => CheckAnswer::Text("ok".into()),
                };
                model::answer_checklist_item(doc, item_id, &answer, None, me, NOW + MIN)?;
            }
            model::set_findings(doc, "Final findings: all normal 一切正常", NOW + 2 * MIN)?;
            let done = model::EventExtra {
                outcome: Some("fixed".into()),
                ..Default::default()
            };
            model::record_event(doc, EventKind::Completed, me, NOW + 3 * MIN, done).map(|_| ())
        })
        .unwrap();
    store.set_identity(&sample::supervisor()).unwrap();
    (store, ids.inspection)
}

fn open_history() -> (Harness<'static, FieldApp>, fieldsync::DocId) {
    let (store, id) = completed_store();
    let mut h = Harness::builder()
        .with_size([1400.0, 1000.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(
            |ui, app: &mut FieldApp| app.ui(ui),
            FieldApp::offline(store, NOW + 10 * MIN),
        );
    h.run_steps(3); // a supervisor starts on the review queue
    h.get_by_label("Report & history").click();
    h.run_steps(3);
    (h, id)
}

// Frames are stepped (`run_steps`), not settled: a spinner repaints while a call is out.

/// A time as the history shows it (device clock, to the second).
/// A change's time to the second on the site's clock (the sample site is in Shanghai),
/// labelled with its zone.
fn seconds(ms: TimestampMs) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%a %-d %b %H:%M:%S CST")
        .to_string()
}

fn answer(h: &mut Harness<'static, FieldApp>, tag: &str, result: Result<ApiReply, ApiError>) {
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: tag.into(),
        result,
    }));
    h.run_steps(3);
}

/// The work order as it was after change 2: checks answered, no findings, on site.
fn state_after_change_2(h: &Harness<'static, FieldApp>, id: fieldsync::DocId) -> ApiReply {
    let mut wo = fieldsync_app::runtime::lock(h.state().store())
        .work_order(id)
        .unwrap();
    wo.findings = "Past findings: fans noisy 风扇噪音".into();
    wo.events.retain(|e| e.kind() != Some(EventKind::Completed));
    ApiReply::json_ok(&serde_json::json!({
        "upto": 2, "total": 3, "status": "on_site",
        "doc": serde_json::to_value(&wo).unwrap()
    }))
}

#[test]
fn history_table_and_a_past_state_with_a_way_back() {
    let (mut h, id) = open_history();
    // The current report shows at once, from this device.
    assert!(h.query_by_label_contains("Final findings").is_some());
    assert!(h.query_by_label_contains("Current state").is_some());
    let sent = calls(&mut h);
    let paths: Vec<&str> = sent.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [format!("/v1/docs/{id}/history").as_str(), "/v1/people"]
    );
    assert!(
        h.query_by_label("user 7d1c2a7e").is_some(),
        "ids show short until names come"
    );
    let engineers = serde_json::json!([{
        "user_id": sample::engineer().user_id, "display_name": "Li Wei 李伟", "role": "engineer"
    }]);
    answer(&mut h, &sent[1].tag, Ok(ApiReply::json_ok(&engineers)));
    assert!(h.query_by_label("user 7d1c2a7e").is_none());
    answer(
        &mut h,
        &sent[0].tag,
        Ok(ApiReply::json_ok(&canned_history(NOW))),
    );
    assert!(h.query_by_label_contains("History: 3 changes").is_some());
    assert!(h.query_by_label("Dana Dispatcher").is_some(), "user names");
    // Two changes by the engineer in the table, and the engineer of the report.
    assert_eq!(h.query_all_by_label("Li Wei 李伟").count(), 3);
    assert!(
        h.query_by_label("findings, status log").is_some(),
        "fields in words"
    );
    assert!(
        h.query_by_label(&seconds(NOW + MIN)).is_some(),
        "device time"
    );

    // Pick change 2: the page asks for that state, then shows it marked as past.
    h.get_by_label("#2").click();
    h.run_steps(3);
    let sent = calls(&mut h);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].path, format!("/v1/docs/{id}/at?upto=2"));
    assert!(
        h.query_by_label_contains("Loading the report as of change 2")
            .is_some()
    );
    let reply = state_after_change_2(&h, id);
    answer(&mut h, &sent[0].tag, Ok(reply));
    let banner = format!("Past state: as of {}, change 2 of 3", seconds(NOW + MIN));
    assert!(h.query_by_label_contains(&banner).is_some(), "{banner}");
    assert!(h.query_by_label_contains("Past findings").is_some());
    assert!(h.query_by_label_contains("Final findings").is_none());
    assert!(h.query_by_label("On site").is_some(), "status then");

    // Back to the current state; going to change 2 again needs no new call.
    h.get_by_label("Back to the current state").click();
    h.run_steps(3);
    assert!(h.query_by_label_contains("Final findings").is_some());
    assert!(h.query_by_label_contains("Past state").is_none());
    h.get_by_label("#2").click();
    h.run_steps(3);
    assert!(calls(&mut h).is_empty(), "cached");
    assert!(h.query_by_label_contains("Past findings").is_some());

    // And back to the queue.
    h.get_by_label("← Review queue").click();
    h.run_steps(3);
    assert!(h.query_by_label("Report & history").is_some());
}

#[test]
fn offline_says_the_history_needs_a_connection() {
    let (mut h, _) = open_history();
    let sent = calls(&mut h);
    assert!(sent[0].path.ends_with("/history"));
    answer(
        &mut h,
        &sent[0].tag,
        Err(ApiError::Offline("connection refused".into())),
    );
    assert!(
        h.query_by_label_contains("The history needs a connection to the server")
            .is_some()
    );
    // The current report is still there.
    assert!(h.query_by_label_contains("Final findings").is_some());
    // Try again asks once more.
    h.get_by_label("Try again").click();
    h.run_steps(3);
    let again = calls(&mut h);
    assert_eq!(again.len(), 1, "{again:?}");
    assert!(again[0].path.ends_with("/history"));
}

#[test]
fn a_late_answer_for_another_work_order_is_ignored() {
    let (mut h, _) = open_history();
    calls(&mut h);
    answer(
        &mut h,
        "review.history:00000000-0000-4000-8000-000000000000",
        Ok(ApiReply::json_ok(&canned_history(NOW))),
    );
    assert!(h.query_by_label_contains("History: 3 changes").is_none());
    assert!(h.query_by_label_contains("Loading the history").is_some());
}

/// The supervisor decides on the report page, with the report in view: sending back needs a
/// comment; approving there returns to the queue with the report approved.
#[test]
fn approve_from_the_report_page() {
    let (mut h, id) = open_history();
    assert!(h.query_by_label("Approve").is_some(), "decide on the page");
    h.get_by_label("Approve").click();
    h.run_steps(3);
    let wo = fieldsync_app::runtime::lock(h.state().store())
        .work_order(id)
        .unwrap();
    assert_eq!(wo.fold().status, fieldsync::status::Status::Approved);
    assert!(
        h.state().state.review_history.doc.is_none(),
        "back to the queue"
    );
}
