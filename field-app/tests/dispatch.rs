//! Dispatcher screens with egui_kittest: no server and no worker — the test takes each API
//! call the app sends from `unsent`, checks it, and answers it by hand (api-contract.md).
//! Plus the engineer's SLA countdown computed on the device, offline.

use egui::Role as A11y;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::sla::Contract;
use fieldsync::store::{Identity, LocalStore};
use fieldsync::{Role, TimestampMs};
use fieldsync_app::runtime::{ApiAnswer, ApiBody, ApiCall, ApiError, ApiMethod, ApiReply};
use fieldsync_app::runtime::{FromWorker, ToWorker, lock};
use fieldsync_app::state::Screen;
use fieldsync_app::state::dispatch::{DispatchTab, Liveness};
use fieldsync_app::{FieldApp, fonts};
use serde_json::{Value, json};
use std::sync::Arc;

/// Wed 18 Nov 2026 01:00 UTC = 09:00 in Shanghai (the demo customers' zone).
const NOW: TimestampMs = 1_794_963_600_000;
const HOUR: i64 = 3_600_000;
const LI: &str = "7d1c2a7e-0000-4000-8000-00000000000a";
const ZHANG: &str = "7d1c2a7e-0000-4000-8000-00000000000b";
const WO: &str = "0a8e4d2c-5b1f-4c3e-9d7a-2f6b8c1e4a90";

fn dispatcher() -> Identity {
    Identity {
        user_id: "7d1c2a7e-0000-4000-8000-0000000000d1".into(),
        username: "dana".into(),
        display_name: "Dana Dispatcher".into(),
        role: Role::Dispatcher,
    }
}

fn harness_for(identity: &Identity) -> Harness<'static, FieldApp> {
    let store = LocalStore::open_in_memory().unwrap();
    store.set_identity(identity).unwrap();
    let app = FieldApp::offline(store, NOW);
    Harness::builder()
        .with_size([1280.0, 800.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app)
}

/// Take every API call the app sent since the last look.
fn calls(h: &mut Harness<'_, FieldApp>) -> Vec<ToWorker> {
    std::mem::take(&mut h.state_mut().unsent)
        .into_iter()
        .filter(|m| {
            matches!(
                m,
                ToWorker::Api(_) | ToWorker::Subscribe(_) | ToWorker::Unsubscribe(_)
            )
        })
        .collect()
}

fn api_calls(msgs: &[ToWorker]) -> Vec<ApiCall> {
    msgs.iter()
        .filter_map(|m| match m {
            ToWorker::Api(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

fn find(msgs: &[ToWorker], tag: &str) -> ApiCall {
    api_calls(msgs)
        .into_iter()
        .find(|c| c.tag == tag)
        .unwrap_or_else(|| panic!("no call {tag:?} in {msgs:?}"))
}

fn body(c: &ApiCall) -> Value {
    match &c.body {
        ApiBody::Json(v) => v.clone(),
        other => panic!("expected a JSON body, got {other:?}"),
    }
}

fn answer(h: &mut Harness<'_, FieldApp>, tag: &str, status: u16, json: Value) {
    let reply = ApiReply {
        status,
        content_type: "application/json".into(),
        bytes: serde_json::to_vec(&json).unwrap(),
    };
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: tag.into(),
        result: Ok(reply),
    }));
    h.run();
}

fn fail(h: &mut Harness<'_, FieldApp>, tag: &str, e: ApiError) {
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: tag.into(),
        result: Err(e),
    }));
    h.run();
}

fn set_now(h: &mut Harness<'_, FieldApp>, now: TimestampMs) {
    h.state_mut().set_clock(Arc::new(move || now));
    h.run();
}

fn type_into(h: &mut Harness<'_, FieldApp>, label: &str, text: &str) {
    let role = [A11y::TextInput, A11y::MultilineTextInput]
        .into_iter()
        .find(|r| h.query_by_role_and_label(*r, label).is_some())
        .unwrap_or_else(|| panic!("no text field named {label:?}"));
    h.get_by_role_and_label(role, label).focus();
    h.run();
    h.get_by_role_and_label(role, label).type_text(text);
    h.run();
}

fn engineers() -> Value {
    json!([
        {"user_id": LI, "username": "li.wei", "display_name": "Li Wei",
         "skills": ["pc", "printer"], "customers": ["cust-northwind"], "level": 1},
        {"user_id": ZHANG, "username": "zhang.min", "display_name": "Zhang Min",
         "skills": ["network", "server"], "customers": ["cust-northwind"], "level": 3},
    ])
}

fn sites() -> Value {
    json!([
        {"doc_id": "site-tower", "name": "Northwind Tower", "customer_id": "cust-northwind",
         "customer_name": "Northwind Trading", "address": "1 Harbour Rd"},
        {"doc_id": "site-school", "name": "Riverside School", "customer_id": "cust-school",
         "customer_name": "Riverside School", "address": "2 River St"},
    ])
}

fn contracts() -> Value {
    json!([Contract::demo("cust-northwind", "Asia/Shanghai")])
}

/// The incident as the server lists it, with an SLA report.
fn incident_row(assignees: &[&str], window: Option<(TimestampMs, TimestampMs)>) -> Value {
    let clock = |due: TimestampMs| {
        json!({"state": "on_track", "target_ms": 2 * HOUR, "due_ms": due, "stopped_at_ms": null,
               "elapsed_ms": 0, "remaining_ms": 2 * HOUR, "paused_ms": 0})
    };
    json!({
        "doc_id": WO, "number": "WO-2026-00042", "title": "Core switch down", "kind": "incident",
        "status": if assignees.is_empty() { "new" } else { "assigned" },
        "priority": "P2", "category": "network", "customer_id": "cust-northwind",
        "site_id": "site-tower", "assignees": assignees, "device_ids": [],
        "scheduled_start_ms": window.map(|w| w.0), "scheduled_end_ms": window.map(|w| w.1),
        "response_due_ms": NOW + 2 * HOUR, "resolution_due_ms": NOW + 2 * HOUR,
        "created_at_ms": NOW, "conflict": false,
        "sla": {"priority": "P2", "response": clock(NOW + 2 * HOUR),
                "resolution": clock(NOW + 2 * HOUR), "paused": false, "warnings": []}
    })
}

/// A dispatcher's board, loaded.
fn loaded_board() -> Harness<'static, FieldApp> {
    let mut h = harness_for(&dispatcher());
    h.run();
    assert_eq!(h.state().state.screen, Screen::Dispatch);
    let sent = calls(&mut h);
    assert!(
        sent.iter()
            .any(|m| matches!(m, ToWorker::Subscribe(c) if c.path == "/v1/dispatch/events")),
        "subscribes to the event stream: {sent:?}"
    );
    let board = find(&sent, "dispatch.board");
    assert_eq!(
        (board.method, board.path.as_str()),
        (ApiMethod::Get, "/v1/work-orders?limit=2000")
    );
    answer(&mut h, "dispatch.engineers", 200, engineers());
    answer(&mut h, "dispatch.sites", 200, sites());
    answer(&mut h, "dispatch.contracts", 200, contracts());
    answer(&mut h, "dispatch.board", 200, json!([]));
    h
}

#[test]
fn dispatcher_logs_a_phone_call_and_assigns_it_on_the_board() {
    let mut h = loaded_board();
    assert!(
        h.query_by_label("Nothing waiting: every open work order has an engineer.")
            .is_some()
    );
    assert!(h.query_by_label("Li Wei").is_some() && h.query_by_label("Zhang Min").is_some());

    // The phone call: customer, site, title, category, impact × urgency.
    h.get_by_label("Phone call → incident").click();
    h.run();
    h.get_by_label("Customer").click();
    h.run();
    h.get_by_label("Northwind Trading").click();
    h.run();
    h.get_by_label("Site").click();
    h.run();
    h.get_by_label("Northwind Tower").click();
    h.run();
    type_into(&mut h, "Caller", "Ms Chen");
    type_into(&mut h, "Phone", "010-6888 4410");
    type_into(&mut h, "Title", "Core switch down");
    h.get_by_label("Category").click();
    h.run();
    h.get_by_label("network").click();
    h.run();
    h.get_by_label("urgency").click();
    h.run();
    h.get_by_label("1 — high").click();
    h.run();
    // Priority and due times BEFORE saving, from the contract's 5×8 calendar: opened Wed
    // 09:00 with impact 2 × urgency 1 → P2, response and resolution in 2 business hours.
    assert!(h.query_by_label("Priority P2").is_some());
    assert!(
        h.query_by_label("Response due Wed 18 Nov 11:00 CST")
            .is_some()
    );
    assert!(
        h.query_by_label("Resolution due Wed 18 Nov 11:00 CST")
            .is_some()
    );
    assert!(calls(&mut h).is_empty(), "nothing is sent before saving");

    h.get_by_label("Save incident").click();
    h.run();
    let sent = calls(&mut h);
    let create = find(&sent, "dispatch.call.create");
    assert_eq!(
        (create.method, create.path.as_str()),
        (ApiMethod::Post, "/v1/work-orders")
    );
    let b = body(&create);
    assert_eq!(b["title"], "Core switch down");
    assert_eq!(b["customer_id"], "cust-northwind");
    assert_eq!(b["site_id"], "site-tower");
    assert_eq!(
        (
            b["category"].as_str(),
            b["impact"].as_i64(),
            b["urgency"].as_i64()
        ),
        (Some("network"), Some(2), Some(1))
    );
    // Who called is kept in fields of its own (searchable), not folded into the text.
    assert_eq!(
        (b["caller_name"].as_str(), b["caller_phone"].as_str()),
        (Some("Ms Chen"), Some("010-6888 4410"))
    );
    assert_eq!(b["description"], "");

    answer(
        &mut h,
        "dispatch.call.create",
        201,
        json!({"doc_id": WO, "number": "WO-2026-00042", "priority": "P2",
               "response_due_ms": NOW + 2 * HOUR, "resolution_due_ms": NOW + 2 * HOUR}),
    );
    // Back on the board with the new incident selected: suggestions and a reload are asked.
    assert_eq!(h.state().state.dispatch.tab, DispatchTab::Board);
    assert!(h.query_by_label_contains("WO-2026-00042 created").is_some());
    let sent = calls(&mut h);
    let suggest = find(&sent, &format!("dispatch.suggest.{WO}"));
    assert_eq!(suggest.path, format!("/v1/work-orders/{WO}/suggestions"));
    find(&sent, "dispatch.board");
    answer(
        &mut h,
        "dispatch.board",
        200,
        json!([incident_row(&[], None)]),
    );
    answer(
        &mut h,
        &format!("dispatch.suggest.{WO}"),
        200,
        json!([
            {"user_id": ZHANG, "username": "zhang.min", "display_name": "Zhang Min", "score": 61.0,
             "matched_skills": ["network"], "same_site": true, "same_customer": true,
             "open_work": 0, "schedule_conflicts": 0,
             "reasons": ["skills: network", "knows the site", "0 open work orders"]},
            {"user_id": LI, "username": "li.wei", "display_name": "Li Wei", "score": 18.0,
             "matched_skills": [], "same_site": false, "same_customer": true,
             "open_work": 2, "schedule_conflicts": 0,
             "reasons": ["serves this customer", "2 open work orders"]},
        ]),
    );
    // In the unassigned queue, with its SLA.
    assert!(
        h.query_by_label("P2 · WO-2026-00042 · Core switch down")
            .is_some()
    );
    assert!(h.query_all_by_label_contains("response due 11:00").count() >= 1);
    // The due time carries its zone's label.
    assert!(
        h.query_all_by_label_contains("response due 11:00 CST")
            .count()
            >= 1
    );
    // Suggestions first, with their reasons in words (the server's fields, not its English).
    assert!(
        h.query_by_label("skills: Network · knows the site · 0 open work orders")
            .is_some()
    );
    assert!(
        h.query_by_label("serves this customer · 2 open work orders")
            .is_some()
    );

    h.get_by_label("★ Zhang Min").click();
    h.run();
    h.get_by_label("09:00–10:00").click();
    h.run();
    h.get_by_label("Assign Zhang Min · 09:00–10:00").click();
    h.run();
    let sent = calls(&mut h);
    let assign = find(&sent, &format!("dispatch.assign.{WO}"));
    assert_eq!(assign.path, format!("/v1/work-orders/{WO}/assign"));
    assert_eq!(body(&assign), json!({"user": ZHANG}));
    answer(
        &mut h,
        &format!("dispatch.assign.{WO}"),
        200,
        json!({"doc_id": WO, "assignees": [ZHANG]}),
    );
    // The slot follows once the assignment succeeded.
    let sent = calls(&mut h);
    let slot = find(&sent, &format!("dispatch.reschedule.{WO}"));
    assert_eq!(body(&slot), json!({"start_ms": NOW, "end_ms": NOW + HOUR}));
    answer(
        &mut h,
        &format!("dispatch.reschedule.{WO}"),
        200,
        json!({"doc_id": WO}),
    );
    let sent = calls(&mut h);
    find(&sent, "dispatch.board");
    answer(
        &mut h,
        "dispatch.board",
        200,
        json!([incident_row(&[ZHANG], Some((NOW, NOW + HOUR)))]),
    );

    // The queue is empty; the block sits in Zhang Min's row of the timeline.
    assert!(
        h.query_by_label("P2 · WO-2026-00042 · Core switch down")
            .is_none()
    );
    // A block names priority, number, title and its window on the site's clock.
    let block = h.get_by_role_and_label(
        A11y::Button,
        "P2 · WO-2026-00042 · Core switch down · 09:00–10:00 CST",
    );
    let block_y = block.rect().center().y;
    // The timeline's name column is left of the card (which names the assignee too).
    let row_y = |h: &Harness<'_, FieldApp>, name: &str| {
        h.get_all_by_label(name)
            .map(|n| n.rect())
            .min_by(|a, b| a.left().total_cmp(&b.left()))
            .unwrap()
            .center()
            .y
    };
    let zhang_y = row_y(&h, "Zhang Min");
    let li_y = row_y(&h, "Li Wei");
    assert!(
        (block_y - zhang_y).abs() < (block_y - li_y).abs(),
        "block at y={block_y} should be in Zhang Min's row (y={zhang_y}), not Li Wei's (y={li_y})"
    );
    let app = h.state();
    let rows = &app.state.dispatch.board.rows;
    let tz = app.state.dispatch.zone();
    let day = fieldsync_app::state::dispatch::dispatch_model::local_date(tz, NOW);
    let zhang_day =
        fieldsync_app::state::dispatch::dispatch_model::engineer_day(rows, ZHANG, tz, day);
    assert_eq!(zhang_day.blocks.len(), 1);
    assert!(
        fieldsync_app::state::dispatch::dispatch_model::engineer_day(rows, LI, tz, day)
            .blocks
            .is_empty()
    );
}

#[test]
fn board_polls_without_an_event_stream_and_keeps_data_offline() {
    let mut h = loaded_board();
    answer(
        &mut h,
        "dispatch.board",
        200,
        json!([incident_row(&[], None)]),
    );
    // Events: a change reloads the board once the burst settles.
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: "dispatch.events".into(),
        result: Ok(ApiReply {
            status: 200,
            content_type: "event/work_order".into(),
            bytes: br#"{"doc_id":"x","seq":7}"#.to_vec(),
        }),
    }));
    h.run();
    assert!(api_calls(&calls(&mut h)).is_empty(), "debounced");
    set_now(&mut h, NOW + 1_000);
    find(&calls(&mut h), "dispatch.board");

    // The server has no stream: unsubscribe and poll every 15 s while the board is shown.
    fail(
        &mut h,
        "dispatch.events",
        ApiError::Server {
            status: 404,
            code: "not_found".into(),
            message: "not found".into(),
            refusal: None,
        },
    );
    assert!(matches!(
        h.state().state.dispatch.liveness,
        Liveness::Polling(_)
    ));
    let sent = calls(&mut h);
    assert!(
        sent.iter()
            .any(|m| matches!(m, ToWorker::Unsubscribe(t) if t == "dispatch.events"))
    );
    assert!(h.query_by_label("refreshing every 15 s").is_some());
    set_now(&mut h, NOW + 10_000);
    assert!(api_calls(&calls(&mut h)).is_empty());
    set_now(&mut h, NOW + 16_500);
    find(&calls(&mut h), "dispatch.board");

    // Offline: the data stays, the screen says since when.
    fail(
        &mut h,
        "dispatch.board",
        ApiError::Offline("connection refused".into()),
    );
    assert!(
        h.query_by_label_contains("needs a connection — last loaded")
            .is_some()
    );
    assert!(
        h.query_by_label("P2 · WO-2026-00042 · Core switch down")
            .is_some()
    );
    assert!(
        !calls(&mut h)
            .iter()
            .any(|m| matches!(m, ToWorker::Subscribe(_))),
        "no new subscription after a 404"
    );
}

#[test]
fn plans_editor_previews_presets_and_names_rrule_errors() {
    let mut h = loaded_board();
    h.get_by_label("Inspection plans").click();
    h.run();
    find(&calls(&mut h), "dispatch.plans");
    let weekly = json!({
        "id": "5b0c8f1e-1111-4222-8333-944455556666", "title": "Weekly on-site inspection",
        "customer_id": "cust-northwind", "site_id": "site-tower", "device_ids": [],
        "device_filter": null, "template_id": "tmpl-1", "rrule": "FREQ=WEEKLY;BYDAY=WE",
        "starts_on": "2026-11-01", "window_start": "09:00", "window_end": "12:00",
        "time_zone": "Asia/Shanghai", "horizon_days": 42, "default_engineer": LI,
        "priority": "P4", "paused": false, "effective_from_ms": 0, "revision": 1
    });
    answer(&mut h, "dispatch.plans", 200, json!([weekly]));
    assert!(h.query_by_label("Weekly on-site inspection").is_some());
    assert!(h.query_by_label("Weekly on Wed").is_some());

    // Pause from the list: the same plan with `paused` set.
    h.get_by_label("Pause").click();
    h.run();
    let pause = find(
        &calls(&mut h),
        "dispatch.plan.pause.5b0c8f1e-1111-4222-8333-944455556666",
    );
    assert_eq!(pause.method, ApiMethod::Put);
    assert_eq!(body(&pause)["paused"], true);
    assert_eq!(body(&pause)["template_id"], "tmpl-1");

    // A new plan: a custom rule with a typo is named before anything is sent.
    h.get_by_label("＋ New plan").click();
    h.run();
    type_into(&mut h, "Title", "Quarterly asset census");
    h.get_by_label("Site").click();
    h.run();
    h.get_by_label("Riverside School").click();
    h.run();
    h.get_by_label("Recurrence").click();
    h.run();
    h.get_by_label("Custom RRULE").click();
    h.run();
    // Replace the preset's text.
    h.get_by_role_and_label(A11y::TextInput, "RRULE").focus();
    h.run();
    h.state_mut()
        .state
        .dispatch
        .plans
        .editor
        .as_mut()
        .unwrap()
        .recurrence
        .custom
        .clear();
    type_into(&mut h, "RRULE", "FREQ=MONTHLY;INTERVAL=3;BYDAYS=1MO");
    set_now(&mut h, NOW + 2_000);
    assert!(
        h.query_by_label_contains("Unknown RRULE part BYDAYS")
            .is_some()
    );
    assert!(
        api_calls(&calls(&mut h))
            .iter()
            .all(|c| c.tag != "dispatch.plan.preview")
    );

    h.state_mut()
        .state
        .dispatch
        .plans
        .editor
        .as_mut()
        .unwrap()
        .recurrence
        .custom
        .clear();
    type_into(&mut h, "RRULE", "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO");
    set_now(&mut h, NOW + 3_000);
    let preview = find(&calls(&mut h), "dispatch.plan.preview");
    assert_eq!(preview.path, "/v1/plans/preview?n=8");
    let draft = body(&preview);
    assert_eq!(draft["rrule"], "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO");
    assert_eq!(
        (draft["customer_id"].as_str(), draft["site_id"].as_str()),
        (Some("cust-school"), Some("site-school"))
    );
    assert!(draft.get("id").is_none());
    // Mon 7 Dec 2026 09:00–12:00 Shanghai.
    let dec7 = 1_796_605_200_000;
    answer(
        &mut h,
        "dispatch.plan.preview",
        200,
        json!([{"start_ms": dec7, "end_ms": dec7 + 3 * HOUR}]),
    );
    assert!(h.query_by_label("Mon 7 Dec 09:00–12:00 CST").is_some());
    // The server's word on a rule it cannot expand is shown as is.
    fail(
        &mut h,
        "dispatch.plan.preview",
        ApiError::Server {
            status: 400,
            code: "bad_request".into(),
            message: "plan: rrule \"…\": BYDAY out of range".into(),
            refusal: None,
        },
    );
    assert!(h.query_by_label_contains("BYDAY out of range").is_some());

    h.get_by_label("Save plan").click();
    h.run();
    let save = find(&calls(&mut h), "dispatch.plan.save");
    assert_eq!(
        (save.method, save.path.as_str()),
        (ApiMethod::Post, "/v1/plans")
    );
    answer(&mut h, "dispatch.plan.save", 201, body(&save));
    assert!(h.state().state.dispatch.plans.editor.is_none());
    find(&calls(&mut h), "dispatch.plans");
}

#[test]
fn engineers_do_not_see_the_dispatch_screen() {
    let mut h = harness_for(&fieldsync_app::sample::engineer());
    h.run();
    assert_eq!(h.state().state.screen, Screen::MyWork);
    assert!(h.query_by_label("Dispatch").is_none());
    assert!(calls(&mut h).is_empty());
}

#[test]
fn my_work_counts_down_offline_with_the_cached_contract() {
    let me = fieldsync_app::sample::engineer();
    let mut store = LocalStore::open_in_memory().unwrap();
    store.set_identity(&me).unwrap();
    let new = fieldsync::model::NewWorkOrder {
        kind: "incident".into(),
        title: "Printer jam on floor 3".into(),
        customer_id: Some("cust-northwind".into()),
        category: Some("hardware".into()),
        assignees: vec![me.user_id.clone()],
        ..Default::default()
    };
    let id = store
        .create(fieldsync::DocKind::WorkOrder, NOW, |d, id| {
            fieldsync::model::create_work_order(d, id, &new, &me.user_id, NOW)?;
            use automerge::transaction::Transactable;
            d.put(automerge::ROOT, "priority", "P3")?;
            Ok(())
        })
        .unwrap();
    // What the app keeps after fetching the contract online once.
    let contract = Contract::demo("cust-northwind", "Asia/Shanghai");
    store
        .set_meta(
            &format!(
                "{}cust-northwind",
                fieldsync_app::state::sla_clocks::CONTRACT_META_PREFIX
            ),
            Some(&serde_json::to_string(&contract).unwrap()),
        )
        .unwrap();
    let app = FieldApp::offline(store, NOW + HOUR);
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
    h.run();
    // P3: 4 business hours to respond; one has passed at 10:00.
    assert!(
        h.query_by_label_contains("response: 3 h 0 min left")
            .is_some(),
        "countdown from the contract"
    );
    // On hold (waiting for the customer) at 10:00, an hour later: the clock stood still.
    {
        let store = h.state().store().clone();
        let mut s = lock(&store);
        s.edit(id, NOW + HOUR, |d| {
            fieldsync::model::record_event(
                d,
                fieldsync::status::EventKind::Accepted,
                &me.user_id,
                NOW + HOUR - 1,
                Default::default(),
            )?;
            fieldsync::model::record_event(
                d,
                fieldsync::status::EventKind::OnHold,
                &me.user_id,
                NOW + HOUR,
                fieldsync::model::EventExtra {
                    note: Some("waiting for the customer's spare part".into()),
                    ..Default::default()
                },
            )
            .map(|_| ())
        })
        .unwrap();
    }
    h.state_mut().refresh();
    set_now(&mut h, NOW + 2 * HOUR);
    let row = h.state().state.my_work[0].clone();
    let cd = h.state().state.sla_clocks.for_row(&row, NOW + 2 * HOUR);
    assert!(
        h.query_by_label_contains("response paused (on hold): 3 h 0 min left")
            .is_some(),
        "paused while on hold: {cd:?}"
    );
    assert!(
        calls(&mut h).is_empty(),
        "offline: nothing asked of the server"
    );
}

// ---------------------------------------------------------------------------------------
// End to end against a real server: the dispatcher's screens send their calls over HTTP (a
// small executor stands in for the app's API thread), the engineer's app is offline while
// the incident is logged and assigned, and gets it at its next sync.

mod live {
    use super::*;
    use fieldsync::wire::LoginRequest;
    use fieldsync_app::runtime::net;
    use fieldsync_app::runtime::{SharedStore, WorkerHandle};
    use fieldsync_server::testing::TestServer;
    use std::sync::Mutex;
    use std::time::Duration;

    fn login(url: &str, username: &str, password: &str) -> String {
        let store = LocalStore::open_in_memory().unwrap();
        let req = LoginRequest {
            username: username.into(),
            password: password.into(),
            device_id: store.device_id().unwrap(),
            device_name: "dispatch test".into(),
            actors: vec![store.actor().to_hex_string()],
        };
        net::login(
            &net::client(fieldsync_app::runtime::trust::Pins::new(None)).unwrap(),
            url,
            &req,
        )
        .unwrap()
        .token
    }

    /// Run one call over HTTP the way the API channel does.
    fn execute(url: &str, token: &str, call: &ApiCall) -> ApiAnswer {
        let client = reqwest::blocking::Client::new();
        let full = format!("{url}{}", call.path);
        let req = match call.method {
            ApiMethod::Get => client.get(full),
            ApiMethod::Post => client.post(full),
            ApiMethod::Put => client.put(full),
            ApiMethod::Delete => client.delete(full),
        }
        .bearer_auth(token);
        let req = match &call.body {
            ApiBody::Json(v) => req.json(v),
            ApiBody::Empty => req,
            ApiBody::Bytes {
                content_type,
                bytes,
            } => req
                .header("content-type", content_type.as_str())
                .body(bytes.clone()),
        };
        let resp = req.send().unwrap();
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        if content_type.starts_with("text/event-stream") {
            // A live stream never ends: its opening is the answer (the stream is dropped).
            return ApiAnswer {
                tag: call.tag.clone(),
                result: Ok(ApiReply {
                    status,
                    content_type,
                    bytes: Vec::new(),
                }),
            };
        }
        let bytes = resp.bytes().unwrap().to_vec();
        let result = if (200..300).contains(&status) {
            Ok(ApiReply {
                status,
                content_type,
                bytes,
            })
        } else {
            let body = serde_json::from_slice::<fieldsync::wire::ErrorBody>(&bytes).ok();
            let (code, message, refusal) = match body {
                Some(b) => (b.code, b.message, b.refusal),
                None => (
                    String::new(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                    None,
                ),
            };
            Err(ApiError::Server {
                status,
                code,
                message,
                refusal,
            })
        };
        ApiAnswer {
            tag: call.tag.clone(),
            result,
        }
    }

    /// Answer every call the app sends until it is quiet. A subscription is answered with
    /// the stream's first reply or failure (this executor does not stream).
    fn pump(h: &mut Harness<'_, FieldApp>, url: &str, token: &str) {
        for _ in 0..20 {
            h.run();
            let sent = calls(h);
            if sent.is_empty() {
                return;
            }
            for m in sent {
                let call = match m {
                    ToWorker::Api(c) | ToWorker::Subscribe(c) => c,
                    _ => continue,
                };
                let mut a = execute(url, token, &call);
                if let Ok(r) = &a.result
                    && r.content_type.starts_with("text/event-stream")
                {
                    // A live stream exists: treat its opening as a resync event.
                    a.result = Ok(ApiReply {
                        status: 200,
                        content_type: "event/resync".into(),
                        bytes: Vec::new(),
                    });
                }
                h.state_mut().on_worker(FromWorker::Api(a));
            }
        }
        panic!("the app kept sending calls");
    }

    fn next_sync(w: &WorkerHandle) {
        loop {
            match w
                .rx
                .recv_timeout(Duration::from_secs(60))
                .expect("worker report")
            {
                FromWorker::Synced(_) => return,
                FromWorker::SyncFailed { error, .. } => panic!("sync failed: {error}"),
                FromWorker::SignInFailed(e) => panic!("sign-in failed: {e}"),
                _ => {}
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_assignment_made_while_the_engineer_is_offline_arrives_at_their_next_sync() {
        let server = TestServer::start().await.unwrap();
        server
            .add_user("li.wei", "pw-li", Role::Engineer)
            .await
            .unwrap();
        server
            .add_user("dana", "pw-dana", Role::Dispatcher)
            .await
            .unwrap();
        let url = server.base_url.clone();
        tokio::task::spawn_blocking(move || {
            // The engineer signs in once, then loses the network.
            let dir = tempfile::tempdir().unwrap();
            let store: SharedStore = Arc::new(Mutex::new(LocalStore::open(dir.path()).unwrap()));
            let worker = WorkerHandle::spawn(store.clone(), || {});
            worker.send(ToWorker::SignIn {
                server: url.clone(),
                username: "li.wei".into(),
                password: "pw-li".into(),
                wait_for_server: false,
            });
            next_sync(&worker);
            drop(worker);
            assert!(lock(&store).list_work_orders(None).unwrap().is_empty());

            // The customer's contract: 7×24, so due times are plain wall time from now.
            let token = login(&url, "dana", "pw-dana");
            let mut contract = Contract::demo("cust-e2e", "Asia/Shanghai");
            contract.calendar = fieldsync::sla::Calendar::always("Asia/Shanghai");
            let put = execute(
                &url,
                &token,
                &ApiCall::put_json("x", "/v1/contracts/cust-e2e", &contract),
            );
            assert!(put.result.is_ok(), "{put:?}");

            // The dispatcher's app, on the real clock (the server stamps with it).
            let dispatcher_store = LocalStore::open_in_memory().unwrap();
            dispatcher_store.set_identity(&dispatcher()).unwrap();
            let mut app = FieldApp::offline(dispatcher_store, 0);
            app.set_clock(fieldsync_app::app::system_clock());
            let mut h = Harness::builder()
                .with_size([1280.0, 800.0])
                .allow_missing_glyphs()
                .with_context_setup(fonts::install)
                .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
            pump(&mut h, &url, &token);
            assert!(
                h.state().state.dispatch.load_error.is_none(),
                "{:?}",
                h.state().state.dispatch.load_error
            );
            assert_eq!(h.state().state.dispatch.engineers.len(), 1);

            // The phone call.
            h.get_by_label("Phone call → incident").click();
            pump(&mut h, &url, &token);
            h.state_mut().state.dispatch.call.customer_id = Some("cust-e2e".into());
            pump(&mut h, &url, &token); // fetches the contract for the preview
            type_into(&mut h, "Title", "Core switch down");
            h.get_by_label("urgency").click();
            h.run();
            h.get_by_label("1 — high").click();
            h.run();
            assert!(h.query_by_label("Priority P2").is_some());
            assert!(h.query_by_label_contains("Response due").is_some());
            h.get_by_label("Save incident").click();
            pump(&mut h, &url, &token);
            let id = h
                .state()
                .state
                .dispatch
                .board
                .selected
                .clone()
                .expect("the new incident is selected");
            assert!(h.query_by_label_contains("created, response due").is_some());
            // Suggested, assigned.
            h.get_by_label("★ li.wei").click();
            h.run();
            h.get_by_label("Assign li.wei").click();
            pump(&mut h, &url, &token);
            assert!(
                h.query_by_label_contains("Assigned — the engineer's app gets it")
                    .is_some()
            );
            let app = h.state();
            let row = app
                .state
                .dispatch
                .board
                .rows
                .iter()
                .find(|r| r.doc_id == id)
                .unwrap();
            assert_eq!(row.assignees.len(), 1);
            assert!(row.sla.is_some(), "the board shows the SLA clocks");
            let li = app.state.dispatch.engineers[0].user_id.clone();
            let tz = app.state.dispatch.zone();
            let day = app.state.dispatch.board.shown_day(tz, app.state.now_ms);
            let li_day = fieldsync_app::state::dispatch::dispatch_model::engineer_day(
                &app.state.dispatch.board.rows,
                &li,
                tz,
                day,
            );
            assert_eq!(
                li_day.unscheduled.len(),
                1,
                "in li.wei's row (not scheduled)"
            );
            assert!(
                h.query_by_role_and_label(A11y::Button, &li_day.unscheduled[0].label())
                    .is_some()
            );

            // Back online: the engineer's next sync brings the assignment and its due times.
            let worker = WorkerHandle::spawn(store.clone(), || {});
            next_sync(&worker);
            drop(worker);
            let mut engineer =
                FieldApp::new(store.clone(), fieldsync_app::app::system_clock(), None);
            engineer.refresh();
            let mine = engineer
                .state
                .my_work
                .iter()
                .find(|r| r.doc_id.to_string() == id)
                .expect("the assignment arrived")
                .clone();
            assert_eq!(mine.priority.as_deref(), Some("P2"));
            assert!(
                mine.response_due_ms.is_some(),
                "due times written by the server"
            );
            let now = chrono::Utc::now().timestamp_millis();
            let cd = engineer.state.sla_clocks.for_row(&mine, now).unwrap();
            // No contract on the engineer's device yet: the server's due times count down.
            assert!(
                cd.current().unwrap().text.starts_with("response due in"),
                "{cd:?}"
            );
            assert!(cd.source.contains("not on this device"));
        })
        .await
        .unwrap();
    }
}

/// A second call about the same fault: the call form lists the customer's open tickets and
/// marks the one with the caller's number as likely the same fault; a click opens it on the
/// board instead of a second ticket.
#[test]
fn a_repeated_call_is_shown_its_open_ticket() {
    let mut h = loaded_board();
    let mut row = incident_row(&[LI], None);
    row["caller_name"] = json!("Ms Chen");
    row["caller_phone"] = json!("010-6888 4410");
    answer(&mut h, "dispatch.board", 200, json!([row]));
    h.get_by_label("Phone call → incident").click();
    h.run();
    h.get_by_label("Customer").click();
    h.run();
    h.get_by_label("Northwind Trading").click();
    h.run();
    assert!(
        h.query_by_label("Open tickets of this customer (1)")
            .is_some()
    );
    assert!(h.query_by_label("likely the same fault:").is_none());
    // The same number, typed as the caller says it.
    type_into(&mut h, "Phone", "01068884410");
    assert!(h.query_by_label("likely the same fault:").is_some());
    h.get_by_label_contains("Core switch down · Ms Chen")
        .click();
    h.run();
    assert_eq!(h.state().state.dispatch.tab, DispatchTab::Board);
    assert_eq!(h.state().state.dispatch.board.selected.as_deref(), Some(WO));
    assert!(
        h.query_by_label("Caller: Ms Chen · 010-6888 4410")
            .is_some()
    );
}

/// Messages are toasts over the corner: the screen under the pointer does not move when one
/// appears; a success fades after a few seconds, an error stays until it is dismissed.
#[test]
fn messages_do_not_move_the_screen_and_successes_fade() {
    use fieldsync_app::state::Flash;
    let mut h = loaded_board();
    let tab = h.get_by_label("Phone call → incident").rect();
    h.state_mut().state.flash = Some(Flash {
        text: "Assigned and scheduled".into(),
        error: false,
    });
    h.run();
    assert!(h.query_by_label("Assigned and scheduled").is_some());
    assert_eq!(
        h.get_by_label("Phone call → incident").rect(),
        tab,
        "the message moved the screen"
    );
    set_now(&mut h, NOW + 5_000);
    assert!(h.query_by_label("Assigned and scheduled").is_some());
    set_now(&mut h, NOW + 7_000);
    assert!(
        h.query_by_label("Assigned and scheduled").is_none(),
        "a success fades"
    );
    h.state_mut().state.flash = Some(Flash {
        text: "Not saved: the server refused".into(),
        error: true,
    });
    h.run();
    set_now(&mut h, NOW + 60_000);
    assert!(
        h.query_by_label("Not saved: the server refused").is_some(),
        "an error stays until read"
    );
    h.get_by_label("×").click();
    h.run();
    assert!(h.query_by_label("Not saved: the server refused").is_none());
}

/// The board shows where each engineer is now, from the work they report on.
#[test]
fn the_board_shows_each_engineers_live_status() {
    let mut h = loaded_board();
    let mut row = incident_row(&[ZHANG], None);
    row["status"] = json!("on_site");
    answer(&mut h, "dispatch.board", 200, json!([row]));
    assert!(
        h.query_by_label("● on site: WO-2026-00042 · Core switch down")
            .is_some()
    );
    assert!(h.query_by_label("nothing in progress").is_some(), "Li Wei");
}
