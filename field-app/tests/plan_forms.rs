//! The dispatcher's plan form with egui_kittest (issue 26, item 6): the recurrence builder
//! writes the RRULE the plan sends, the calendar sets the first day, "every working day"
//! reaches the saved plan as its day filter, and a stored rule opens in the builder.

use egui::Role as A11y;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use fieldsync::sla::Contract;
use fieldsync::store::{Identity, LocalStore};
use fieldsync::{Role, TimestampMs};
use fieldsync_app::runtime::{ApiAnswer, ApiBody, ApiCall, ApiReply, FromWorker, ToWorker};
use fieldsync_app::{FieldApp, fonts};
use serde_json::{Value, json};
use std::sync::Arc;

/// Wed 18 Nov 2026 01:00 UTC = 09:00 in Shanghai.
const NOW: TimestampMs = 1_794_963_600_000;

fn harness() -> Harness<'static, FieldApp> {
    let store = LocalStore::open_in_memory().unwrap();
    store
        .set_identity(&Identity {
            user_id: "7d1c2a7e-0000-4000-8000-0000000000d1".into(),
            username: "dana".into(),
            display_name: "Dana Dispatcher".into(),
            role: Role::Dispatcher,
        })
        .unwrap();
    let app = FieldApp::offline(store, NOW);
    Harness::builder()
        .with_size([1280.0, 900.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app)
}

fn api_calls(h: &mut Harness<'_, FieldApp>) -> Vec<ApiCall> {
    std::mem::take(&mut h.state_mut().unsent)
        .into_iter()
        .filter_map(|m| match m {
            ToWorker::Api(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn body_of(calls: &[ApiCall], tag: &str) -> Value {
    let c = calls
        .iter()
        .find(|c| c.tag == tag)
        .unwrap_or_else(|| panic!("no call {tag:?} in {calls:?}"));
    match &c.body {
        ApiBody::Json(v) => v.clone(),
        other => panic!("expected a JSON body, got {other:?}"),
    }
}

fn answer(h: &mut Harness<'_, FieldApp>, tag: &str, json: Value) {
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: tag.into(),
        result: Ok(ApiReply {
            status: 200,
            content_type: "application/json".into(),
            bytes: serde_json::to_vec(&json).unwrap(),
        }),
    }));
    h.run();
}

fn set_now(h: &mut Harness<'_, FieldApp>, now: TimestampMs) {
    h.state_mut().set_clock(Arc::new(move || now));
    h.run();
}

fn click(h: &mut Harness<'_, FieldApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// The plans tab with the given stored plans, sites and the Shanghai contract loaded.
fn plans_tab(plans: Value) -> Harness<'static, FieldApp> {
    let mut h = harness();
    h.run();
    answer(
        &mut h,
        "dispatch.sites",
        json!([{"doc_id": "site-tower", "name": "Northwind Tower",
                "customer_id": "cust-northwind", "customer_name": "Northwind Trading",
                "address": "1 Harbour Rd"}]),
    );
    let mut contract = Contract::demo("cust-northwind", "Asia/Shanghai");
    contract.calendar = contract.calendar.with_prc_holidays();
    answer(&mut h, "dispatch.contracts", json!([contract]));
    click(&mut h, "Inspection plans");
    answer(&mut h, "dispatch.plans", plans);
    api_calls(&mut h);
    h
}

/// A new plan with a title and site: complete, so the form previews it.
fn new_plan() -> Harness<'static, FieldApp> {
    let mut h = plans_tab(json!([]));
    click(&mut h, "＋ New plan");
    h.get_by_role_and_label(A11y::TextInput, "Title").focus();
    h.run();
    h.get_by_role_and_label(A11y::TextInput, "Title")
        .type_text("Server-room round");
    h.run();
    click(&mut h, "Site");
    click(&mut h, "Northwind Tower");
    h
}

/// The plan the form previews once it has been still for a moment.
fn previewed(h: &mut Harness<'_, FieldApp>, at: TimestampMs) -> Value {
    api_calls(h);
    set_now(h, at);
    set_now(h, at + 1_000);
    body_of(&api_calls(h), "dispatch.plan.preview")
}

fn produced_rule(h: &Harness<'_, FieldApp>) -> String {
    h.get_by_role_and_label(A11y::TextInput, "RRULE")
        .value()
        .unwrap_or_default()
}

#[test]
fn the_builder_produces_the_rule_the_plan_sends() {
    let mut h = new_plan();
    // Weekly on Wednesday to start with; tick Friday as well.
    assert_eq!(produced_rule(&h), "FREQ=WEEKLY;BYDAY=WE");
    click(&mut h, "Fri");
    assert_eq!(produced_rule(&h), "FREQ=WEEKLY;BYDAY=WE,FR");
    let plan = previewed(&mut h, NOW + 1_000);
    assert_eq!(plan["rrule"], "FREQ=WEEKLY;BYDAY=WE,FR");
    assert!(plan.get("day_filter").is_none());

    // Monthly on the last Friday.
    click(&mut h, "Recurrence");
    click(&mut h, "Monthly");
    click(&mut h, "weekday of the month");
    assert_eq!(produced_rule(&h), "FREQ=MONTHLY;BYDAY=1MO");
    click(&mut h, "Which week");
    click(&mut h, "last");
    click(&mut h, "Weekday");
    click(&mut h, "Fri");
    assert_eq!(produced_rule(&h), "FREQ=MONTHLY;BYDAY=-1FR");
    let plan = previewed(&mut h, NOW + 10_000);
    assert_eq!(plan["rrule"], "FREQ=MONTHLY;BYDAY=-1FR");

    // Custom starts from the rule shown, editable.
    click(&mut h, "Recurrence");
    click(&mut h, "Custom RRULE");
    assert_eq!(produced_rule(&h), "FREQ=MONTHLY;BYDAY=-1FR");
}

#[test]
fn picking_a_day_on_the_calendar_sets_starts_on() {
    let mut h = new_plan();
    // The button shows the site's today; the calendar opens on its month, Monday first.
    click(&mut h, "Wed 18 Nov 2026");
    assert!(h.query_by_label("November 2026").is_some());
    click(&mut h, "Fri 27 Nov 2026");
    assert!(h.query_by_label("November 2026").is_none(), "closed");
    assert!(h.query_by_label("Fri 27 Nov 2026").is_some());
    let plan = previewed(&mut h, NOW + 1_000);
    assert_eq!(plan["starts_on"], "2026-11-27");
    // The window is set with the clock inputs, on the site's clock.
    assert_eq!(
        (plan["window_start"].as_str(), plan["window_end"].as_str()),
        (Some("09:00"), Some("12:00"))
    );
    assert!(h.query_by_label("Window start: hours").is_some());
}

#[test]
fn every_working_day_reaches_the_saved_plan() {
    let mut h = new_plan();
    click(&mut h, "Recurrence");
    click(&mut h, "Every working day (site's calendar)");
    assert_eq!(produced_rule(&h), "FREQ=DAILY");
    assert!(
        h.query_by_label_contains("调休 make-up Saturdays and Sundays are included")
            .is_some()
    );
    api_calls(&mut h);
    click(&mut h, "Save plan");
    let saved = body_of(&api_calls(&mut h), "dispatch.plan.save");
    assert_eq!(
        (saved["rrule"].as_str(), saved["day_filter"].as_str()),
        (Some("FREQ=DAILY"), Some("working_days"))
    );
}

#[test]
fn a_stored_rule_opens_in_the_builder_with_its_working_day_choice() {
    let stored = json!({
        "id": "5b0c8f1e-1111-4222-8333-944455556666", "title": "Weekly on-site inspection",
        "customer_id": "cust-northwind", "site_id": "site-tower", "device_ids": [],
        "device_filter": null, "template_id": null, "rrule": "FREQ=WEEKLY;BYDAY=WE",
        "starts_on": "2026-11-01", "day_filter": "working_days",
        "window_start": "09:00", "window_end": "12:00",
        "time_zone": "Asia/Shanghai", "horizon_days": 42, "default_engineer": null,
        "priority": "P4", "paused": false, "effective_from_ms": 0, "revision": 1
    });
    let mut h = plans_tab(json!([stored]));
    // The list says it in words.
    assert!(
        h.query_by_label("Weekly on Wed, working days only")
            .is_some()
    );
    click(&mut h, "Edit");
    let only = h.get_by_label("only on working days (skip statutory holidays)");
    assert_eq!(
        format!("{:?}", only.accesskit_node().toggled()),
        "Some(True)"
    );
    assert_eq!(produced_rule(&h), "FREQ=WEEKLY;BYDAY=WE");
    assert!(
        h.query_by_label("Sun 1 Nov 2026").is_some(),
        "its first day"
    );
    // Unticking it saves a plan that visits holidays too.
    click(&mut h, "only on working days (skip statutory holidays)");
    api_calls(&mut h);
    click(&mut h, "Save plan");
    let saved = body_of(&api_calls(&mut h), "dispatch.plan.save");
    assert!(saved.get("day_filter").is_none(), "{saved}");
    assert_eq!(saved["rrule"], "FREQ=WEEKLY;BYDAY=WE");
}

#[test]
fn the_calendar_marks_the_sites_holidays_and_make_up_days() {
    let stored = json!({
        "id": "5b0c8f1e-1111-4222-8333-944455556666", "title": "Daily round",
        "customer_id": "cust-northwind", "site_id": "site-tower", "device_ids": [],
        "device_filter": null, "template_id": null, "rrule": "FREQ=DAILY",
        "starts_on": "2026-10-08", "day_filter": "working_days",
        "window_start": "09:00", "window_end": "12:00",
        "time_zone": "Asia/Shanghai", "horizon_days": 42, "default_engineer": null,
        "priority": "P4", "paused": false, "effective_from_ms": 0, "revision": 1
    });
    let mut h = plans_tab(json!([stored]));
    assert!(h.query_by_label("Every working day").is_some());
    click(&mut h, "Edit");
    click(&mut h, "Thu 8 Oct 2026");
    // National Day on the contract's PRC calendar, and the Saturday worked after it.
    assert!(
        h.query_by_label("Thu 1 Oct 2026 · statutory holiday")
            .is_some()
    );
    assert!(
        h.query_by_label("Sat 10 Oct 2026 · make-up working day (调休)")
            .is_some()
    );
    assert!(
        h.query_by_label("Fri 9 Oct 2026").is_some(),
        "an ordinary day"
    );
    click(&mut h, "Sat 10 Oct 2026 · make-up working day (调休)");
    assert_eq!(
        h.state()
            .state
            .dispatch
            .plans
            .editor
            .as_ref()
            .map(|d| d.starts_on.to_string()),
        Some("2026-10-10".to_string())
    );
}
