//! Helpers shared by the screen tests: the app in a window, canned server answers, and the
//! stores and boards several tests start from.
#![allow(dead_code, reason = "each test file uses some of these")]

use egui_kittest::Harness;
use fieldsync::TimestampMs;
use fieldsync::model::{self, CheckAnswer};
use fieldsync::status::EventKind;
use fieldsync::store::{Identity, LocalStore};
use fieldsync_app::runtime::{ApiAnswer, ApiCall, ApiReply, FromWorker, ToWorker};
use fieldsync_app::{FieldApp, fonts, sample};

/// The API calls the screen sent since the last look.
pub fn calls(h: &mut Harness<'static, FieldApp>) -> Vec<ApiCall> {
    std::mem::take(&mut h.state_mut().unsent)
        .into_iter()
        .filter_map(|m| match m {
            ToWorker::Api(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// The app drawn in a window of `size` points with its fonts (CJK included) and image
/// loaders, as `main` sets them up.
pub fn window(app: FieldApp, size: [f32; 2]) -> Harness<'static, FieldApp> {
    Harness::builder()
        .with_size(size)
        .allow_missing_glyphs()
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            egui_extras::install_image_loaders(ctx);
        })
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app)
}

/// Answer the call tagged `tag` with `json`, as the worker would, and draw.
pub fn answer_ok(h: &mut Harness<'static, FieldApp>, tag: &str, json: &serde_json::Value) {
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: tag.into(),
        result: Ok(ApiReply::json_ok(json)),
    }));
    h.run();
}

/// The sample incident (at a site in Shanghai), completed (fixed) by the engineer on this
/// store, and its id.
pub fn completed_store(now: TimestampMs) -> (LocalStore, fieldsync::DocId) {
    let mut store = LocalStore::open_in_memory().unwrap();
    let eng = sample::engineer();
    let id = sample::seed(&mut store, &eng, now).unwrap().incident;
    let me = eng.user_id.as_str();
    store
        .edit(id, now, |doc| {
            model::record_event(doc, EventKind::OnSite, me, now, Default::default())?;
            let wo = model::WorkOrder::from_doc(doc)?;
            for (item_id, item) in wo.checklist_sorted() {
                let answer = match item.kind.as_str() {
                    "pass_fail" => CheckAnswer::PassFail("pass".into()),
                    "reading" => CheckAnswer::Reading(item.min.unwrap_or(1.0)),
                    "choice" => {
                        CheckAnswer::Choice(item.choices.first().cloned().unwrap_or_default())
                    }
                    _ => CheckAnswer::Text("ok".into()),
                };
                model::answer_checklist_item(doc, item_id, &answer, None, me, now + 1)?;
            }
            let done = model::EventExtra {
                outcome: Some("fixed".into()),
                ..Default::default()
            };
            model::record_event(doc, EventKind::Completed, me, now + 2, done).map(|_| ())
        })
        .unwrap();
    (store, id)
}

/// Dana, the demo dispatcher, signed in on an empty store at `now`, in a window of `size`.
pub fn dispatcher_window(now: TimestampMs, size: [f32; 2]) -> Harness<'static, FieldApp> {
    let store = LocalStore::open_in_memory().unwrap();
    store
        .set_identity(&Identity {
            user_id: "7d1c2a7e-0000-4000-8000-0000000000d1".into(),
            username: "dana".into(),
            display_name: "Dana Dispatcher".into(),
            role: fieldsync::Role::Dispatcher,
        })
        .unwrap();
    window(FieldApp::offline(store, now), size)
}

/// The board's one work order.
pub const BOARD_WO: &str = "0a8e4d2c-5b1f-4c3e-9d7a-2f6b8c1e4a90";
/// Wed 18 Nov 2026 01:00 UTC = 09:00 in Shanghai.
pub const BOARD_NOW: TimestampMs = 1_794_963_600_000;
const HOUR: i64 = 3_600_000;

/// A dispatcher's board in a window of `size`, loaded with one engineer, one site, its
/// contract and one unassigned P2 incident (names in Chinese, as a Shanghai office has them).
pub fn dispatcher_board(size: [f32; 2]) -> Harness<'static, FieldApp> {
    let mut h = dispatcher_window(BOARD_NOW, size);
    h.run();
    calls(&mut h);
    answer_ok(
        &mut h,
        "dispatch.engineers",
        &serde_json::json!([{"user_id": "7d1c2a7e-0000-4000-8000-00000000000b",
            "username": "zhang.min", "display_name": "张敏", "skills": ["network"],
            "customers": ["cust-northwind"], "level": 3}]),
    );
    answer_ok(
        &mut h,
        "dispatch.sites",
        &serde_json::json!([{"doc_id": "site-tower", "name": "北风大厦",
            "customer_id": "cust-northwind", "customer_name": "北风贸易", "address": "港湾路 1 号"}]),
    );
    answer_ok(
        &mut h,
        "dispatch.contracts",
        &serde_json::json!([fieldsync::sla::Contract::demo(
            "cust-northwind",
            "Asia/Shanghai"
        )]),
    );
    let clock = |due: TimestampMs| {
        serde_json::json!({"state": "on_track", "target_ms": 2 * HOUR, "due_ms": due,
            "stopped_at_ms": null, "elapsed_ms": 0, "remaining_ms": 2 * HOUR, "paused_ms": 0})
    };
    answer_ok(
        &mut h,
        "dispatch.board",
        &serde_json::json!([{
            "doc_id": BOARD_WO, "number": "WO-2026-00042", "title": "核心交换机宕机", "kind": "incident",
            "status": "new", "priority": "P2", "category": "network",
            "customer_id": "cust-northwind", "site_id": "site-tower", "assignees": [],
            "device_ids": [], "response_due_ms": BOARD_NOW + 2 * HOUR,
            "resolution_due_ms": BOARD_NOW + 2 * HOUR, "created_at_ms": BOARD_NOW,
            "conflict": false,
            "sla": {"priority": "P2", "response": clock(BOARD_NOW + 2 * HOUR),
                    "resolution": clock(BOARD_NOW + 2 * HOUR), "paused": false, "warnings": []}
        }]),
    );
    h
}

/// A month's figures as `/v1/kpis` sends them, six months of trend, and a field this app
/// does not know yet.
pub fn kpi_summary() -> serde_json::Value {
    let period = |p: &str, faults: u64| {
        serde_json::json!({
            "period": p, "work_orders": faults + 2, "faults": faults,
            "faults_by_category": {"network": {"count": faults / 2}, "hardware": {"count": faults - faults / 2}},
            "mean_time_to_arrive_min": 42.5,
            "sla_resolution": {"rate_pct": 87.5},
            "first_time_fix_rate_pct": 75.0,
            "complaints": 1,
            "customer_satisfaction_pct": 96.0,
            "phone_resolution_rate_pct": 12.5 + faults as f64,
            "inspections": {"planned": 4, "done_on_time": 3, "late": 0, "missed": 1, "adherence_pct": 75.0},
            "device_faults": {"faults": 3, "fault_hours": 6.5 + faults as f64, "by_device": {
                "PRN-07 (printer)": {"faults": 2, "still_open": 1, "fault_hours": 4.4},
                "SW-CORE-01 (switch)": {"faults": 1, "still_open": 0, "fault_hours": 13.0}
            }},
            "device_downtime": {"outages": 2, "still_down": 1, "devices": 2,
                "downtime_hours": 1.5 + faults as f64, "down_so_far_hours": 4.0, "by_device": {
                "UPS-01 (ups)": {"outages": 1, "still_down": 0, "downtime_hours": 2.5},
                "SW-CORE-01 (switch)": {"outages": 1, "still_down": 1, "downtime_hours": 0.0, "down_so_far_hours": 4.0}
            }},
            "by_engineer": {"Li Na 李娜": {"work_orders": 7, "completed": 6, "complaints": 1}}
        })
    };
    let trend: Vec<_> = (6..=11)
        .map(|m| period(&format!("2026-{m:02}"), m))
        .collect();
    serde_json::json!({
        "customer": "acme", "customer_name": "Acme Hospital", "period_kind": "month",
        "current": period("2026-11", 11), "previous": period("2026-10", 10),
        "trend": trend, "some_future_field": true
    })
}

/// Three changes to a work order as `/v1/docs/{id}/history` lists them around `now`:
/// created by the dispatcher, answered and completed by the engineer.
pub fn canned_history(now: TimestampMs) -> serde_json::Value {
    const MIN: TimestampMs = 60_000;
    let change = |user: &str, at: TimestampMs, fields: &[&str]| {
        serde_json::json!({
            "hash": format!("{at:064x}"), "actor": "ab12", "user": user,
            "device_time_ms": at, "message": null, "fields": fields
        })
    };
    serde_json::json!([
        change(
            "Dana Dispatcher",
            now - 60 * MIN,
            &["title", "checklist", "assignees"]
        ),
        change("Li Wei 李伟", now + MIN, &["checklist", "events"]),
        change("Li Wei 李伟", now + 3 * MIN, &["findings", "events"]),
    ])
}
