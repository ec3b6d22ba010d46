//! What the dispatcher saw on screen under Xvfb with the demo data (issue #5), kept as
//! egui_kittest checks: the board's day in the contracts' zone, a long title inside the
//! card, slots across a free day, readable timeline blocks in lanes, the board's day on a
//! calendar, and the plans' empty state.

mod common;
use common::dispatcher_window;
use egui::Role as A11y;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::sla::Contract;
use fieldsync_app::FieldApp;
use fieldsync_app::runtime::FromWorker;
use fieldsync_app::runtime::{ApiAnswer, ApiReply};
use fieldsync_app::state::dispatch::DispatchTab;
use serde_json::{Value, json};

/// Wed 18 Nov 2026 17:00 UTC = Thu 19 Nov 01:00 in Shanghai: the dates differ.
const NIGHT: TimestampMs = 1_795_021_200_000;
/// Thu 19 Nov 2026 09:00 in Shanghai.
const NINE: TimestampMs = NIGHT + 8 * HOUR;
const HOUR: i64 = 3_600_000;
const ZHANG: &str = "7d1c2a7e-0000-4000-8000-00000000000b";
const WO: &str = "0a8e4d2c-5b1f-4c3e-9d7a-2f6b8c1e4a90";
const WIDTH: f32 = 1280.0;

fn harness(now: TimestampMs) -> Harness<'static, FieldApp> {
    harness_sized(now, [WIDTH, 800.0])
}

fn harness_sized(now: TimestampMs, size: [f32; 2]) -> Harness<'static, FieldApp> {
    dispatcher_window(now, size)
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

fn engineers() -> Value {
    json!([{"user_id": ZHANG, "username": "zhang.min", "display_name": "Zhang Min",
            "skills": ["network"], "customers": ["cust-northwind"], "level": 3}])
}

fn row(title: &str, assignees: &[&str], window: Option<(TimestampMs, TimestampMs)>) -> Value {
    json!({
        "doc_id": WO, "number": "WO-2026-00042", "title": title, "kind": "incident",
        "status": if assignees.is_empty() { "new" } else { "assigned" },
        "priority": "P1", "category": "network", "customer_id": "cust-northwind",
        "assignees": assignees, "device_ids": [],
        "scheduled_start_ms": window.map(|w| w.0), "scheduled_end_ms": window.map(|w| w.1),
        "created_at_ms": NIGHT,
    })
}

/// The board loaded in the order the demo's answers arrived: work orders and engineers
/// first, the contracts (which give the zone) last.
fn board(now: TimestampMs, rows: Value) -> Harness<'static, FieldApp> {
    board_sized(now, rows, [WIDTH, 800.0])
}

fn board_sized(now: TimestampMs, rows: Value, size: [f32; 2]) -> Harness<'static, FieldApp> {
    let mut h = harness_sized(now, size);
    h.run();
    answer(&mut h, "dispatch.engineers", engineers());
    answer(&mut h, "dispatch.board", rows);
    answer(
        &mut h,
        "dispatch.contracts",
        json!([Contract::demo("cust-northwind", "Asia/Shanghai")]),
    );
    h
}

#[test]
fn the_board_shows_today_in_the_contracts_zone_once_they_arrive() {
    let mut h = harness(NIGHT);
    h.run();
    // Before the contracts the zone is UTC: still Wednesday there.
    assert!(h.query_by_label("Wed 18 Nov 2026").is_some());
    answer(
        &mut h,
        "dispatch.contracts",
        json!([Contract::demo("cust-northwind", "Asia/Shanghai")]),
    );
    // At 01:00 in Shanghai the dispatcher's today is Thursday (the day was once frozen to
    // the first frame's UTC date).
    assert!(h.query_by_label("Thu 19 Nov 2026").is_some());
    assert!(h.query_by_label("Wed 18 Nov 2026").is_none());
    // Moving away and back: "Today" follows the zone again.
    h.get_by_label("▶").click();
    h.run();
    assert!(h.query_by_label("Fri 20 Nov 2026").is_some());
    h.get_by_label("Today").click();
    h.run();
    assert!(h.query_by_label("Thu 19 Nov 2026").is_some());
}

#[test]
fn a_long_title_wraps_inside_the_card_and_a_free_day_offers_every_hour() {
    let title = "Core switch down on 5F, whole floor offline since the power cut this morning";
    let mut h = board(NINE, json!([row(title, &[], None)]));
    h.get_by_label_contains("Core switch down on 5F").click();
    h.run();
    answer(
        &mut h,
        &format!("dispatch.suggest.{WO}"),
        json!([{"user_id": ZHANG, "username": "zhang.min", "display_name": "Zhang Min",
                "score": 50.0, "reasons": ["skills: network"]}]),
    );
    // The card's title is wholly inside the window, right of the timeline (it used to run
    // off the panel's left edge, cutting every line of the card).
    let card_title = format!("WO-2026-00042 · {title}");
    let r = h.get_by_label(&card_title).rect();
    assert!(
        r.left() > WIDTH - 340.0 && r.right() <= WIDTH,
        "card title at {r:?}"
    );
    assert!(r.height() > 25.0, "the title wraps: {r:?}");
    let close = h.get_by_label("×").rect();
    assert!(close.right() <= WIDTH && close.left() >= r.right() - 1.0);

    // Zhang Min's day is free: every hour from 09:00 can be picked, not only the first.
    h.get_by_label("★ Zhang Min").click();
    h.run();
    for slot in ["09:00–10:00", "10:00–11:00", "14:00–15:00", "17:00–18:00"] {
        assert!(h.query_by_label(slot).is_some(), "slot {slot} offered");
    }
    assert!(h.query_by_label("08:00–09:00").is_none(), "not in the past");
    h.get_by_label("14:00–15:00").click();
    h.run();
    assert!(h.query_by_label("Assign Zhang Min · 14:00–15:00").is_some());
    // Another day on the card's calendar: the board moves with it and that day's slots are
    // offered, the morning ones too (they are not past there).
    h.get_by_label("Thu 19 Nov").click();
    h.run();
    h.get_by_label("Mon 23 Nov 2026").click();
    h.run();
    assert!(
        h.query_by_label("Mon 23 Nov 2026").is_some(),
        "the board's day"
    );
    assert!(h.query_by_label("08:00–09:00").is_some());
    assert!(h.query_by_label("Assign Zhang Min · 14:00–15:00").is_none());
}

#[test]
fn timeline_blocks_show_number_and_title_and_never_hide_each_other() {
    // A half-hour visit (a few pixels on a day's scale) and one overlapping it.
    let short = row(
        "Core switch down",
        &[ZHANG],
        Some((NINE + HOUR, NINE + HOUR + HOUR / 2)),
    );
    let mut other = row(
        "UPS battery test",
        &[ZHANG],
        Some((NINE + HOUR + HOUR / 4, NINE + 2 * HOUR)),
    );
    other["doc_id"] = "1b8e4d2c-5b1f-4c3e-9d7a-2f6b8c1e4a91".into();
    other["number"] = "WO-2026-00043".into();
    other["priority"] = "P4".into();
    let h = board(NINE, json!([short, other]));
    // Each block names priority, number, title and window (the queue's line has no time).
    let a = h
        .get_by_role_and_label(
            A11y::Button,
            "P1 · WO-2026-00042 · Core switch down · 10:00–10:30 CST",
        )
        .rect();
    let b = h
        .get_by_role_and_label(
            A11y::Button,
            "P4 · WO-2026-00043 · UPS battery test · 10:15–11:00 CST",
        )
        .rect();
    // Wide and tall enough for "P1 · WO-2026-00042" over the title.
    assert!(a.width() >= 120.0 && a.height() >= 30.0, "{a:?}");
    // Overlapping visits sit in separate lanes: neither covers the other.
    assert!(!a.intersects(b), "{a:?} and {b:?} overlap");
    assert!(b.top() >= a.bottom() - 1.0, "{a:?} above {b:?}");
    // The Reload button has no glyph the fonts lack.
    assert!(h.query_by_label("Reload").is_some());
}

#[test]
fn at_800_by_500_the_evening_end_of_the_timeline_is_on_screen() {
    // A late visit, 17:00–18:00: its block used to sit past the window's right edge when
    // the board's header row was wider than the panel.
    let late = row(
        "Core switch down",
        &[ZHANG],
        Some((NINE + 8 * HOUR, NINE + 9 * HOUR)),
    );
    let h = board_sized(NINE, json!([late]), [800.0, 500.0]);
    let r = h
        .get_by_role_and_label(
            A11y::Button,
            "P1 · WO-2026-00042 · Core switch down · 17:00–18:00 CST",
        )
        .rect();
    assert!(r.right() <= 800.0 && r.width() >= 120.0, "{r:?}");
}

#[test]
fn at_800_by_500_the_plan_form_keeps_save_in_view_and_the_preview_below() {
    let mut h = board_sized(NINE, json!([]), [800.0, 500.0]);
    h.get_by_label("Inspection plans").click();
    h.run();
    answer(&mut h, "dispatch.plans", json!([]));
    h.get_by_label("＋ New plan").click();
    h.run();
    let save = h.get_by_label("Save plan").rect();
    assert!(save.bottom() <= 500.0, "{save:?}");
    // Stacked: the preview's heading is under the form, not beside it over the fields.
    let title = h.get_by_role_and_label(A11y::TextInput, "Title").rect();
    let next = h.get_by_label("Next visits").rect();
    assert!(next.top() > title.bottom(), "{next:?} below {title:?}");
}

#[test]
fn the_boards_day_is_picked_on_a_calendar() {
    let mut h = board(NINE, json!([]));
    h.get_by_label("Thu 19 Nov 2026").click();
    h.run();
    h.get_by_label("Tue 1 Dec 2026").click();
    h.run();
    assert!(h.query_by_label("Tue 1 Dec 2026").is_some());
    assert!(h.query_by_label("Thu 19 Nov 2026").is_none());
    // "Today" comes back to the site's date.
    h.get_by_label("Today").click();
    h.run();
    assert!(h.query_by_label("Thu 19 Nov 2026").is_some());
}

#[test]
fn impact_and_urgency_read_in_words_before_saving() {
    let mut h = board(NINE, json!([]));
    h.get_by_label("Phone call → incident").click();
    h.run();
    assert_eq!(h.state().state.dispatch.tab, DispatchTab::PhoneCall);
    // The combo shows the level's word, not just its number.
    assert_eq!(
        h.get_by_label("impact").value().as_deref(),
        Some("impact 2 — medium")
    );
    h.get_by_label("urgency").click();
    h.run();
    h.get_by_label("1 — high").click();
    h.run();
    assert_eq!(
        h.get_by_label("urgency").value().as_deref(),
        Some("urgency 1 — high")
    );
}

#[test]
fn an_empty_plan_list_says_what_plans_are_for() {
    let mut h = board(NINE, json!([]));
    h.get_by_label("Inspection plans").click();
    h.run();
    assert!(h.query_by_label("Loading the plans…").is_some());
    answer(&mut h, "dispatch.plans", json!([]));
    assert!(
        h.query_by_label_contains("No inspection plans yet. “＋ New plan” sets up")
            .is_some()
    );
}
