//! `/v1/kpis/tasks` (JSON, CSV, PDF) over the router, on SQLite and PostgreSQL: the third
//! quarter of 2026 of a Shanghai customer seeded below, its table recomputed by hand; the
//! office reads it, an engineer is refused; bad periods are refused with the reason.

use super::supervisor::{Env, User, call, env, get, post, user};
use automerge::AutoCommit;
use axum::http::StatusCode;
use chrono::TimeZone;
use chrono_tz::Asia::Shanghai;
use fieldsync::model::{self, NewWorkOrder};
use fieldsync::status::EventKind;
use fieldsync::{DocId, DocKind, Role, TimestampMs};

const MIN: i64 = 60_000;

fn sh(m: u32, d: u32, h: u32, min: u32) -> TimestampMs {
    Shanghai
        .with_ymd_and_hms(2026, m, d, h, min, 0)
        .unwrap()
        .timestamp_millis()
}

/// A work order created at `created` with `events`, each received by the hub when it
/// happened (the SLA engine takes a device time far ahead of its receipt at the receipt).
async fn seed(
    env: &Env,
    new: NewWorkOrder,
    created: TimestampMs,
    events: Vec<(EventKind, TimestampMs)>,
) -> DocId {
    let id = DocId::new();
    let hub = env.state.hub.clone();
    let who = new.assignees.first().cloned().unwrap_or_default();
    tokio::task::spawn_blocking(move || {
        hub.create_doc(
            id,
            DocKind::WorkOrder,
            None,
            created,
            |doc: &mut AutoCommit| model::create_work_order(doc, id, &new, "dispatcher", created),
        )?;
        for (kind, at) in events {
            hub.server_edit(id, at, |doc, _| {
                model::record_event(doc, kind, &who, at, Default::default()).map(|_| ())
            })?;
        }
        Ok::<_, crate::hub::HubError>(())
    })
    .await
    .unwrap()
    .unwrap();
    id
}

fn work(kind: &str, title: &str, site: &DocId, eng: &User) -> NewWorkOrder {
    NewWorkOrder {
        kind: kind.into(),
        title: title.into(),
        customer_id: Some("acme".into()),
        site_id: Some(site.to_string()),
        assignees: vec![eng.id.clone()],
        impact: Some(2),
        urgency: Some(2),
        category: (kind == "incident").then(|| "software".into()),
        ..Default::default()
    }
}

/// Planned work with a window `start`…`start + 3 h`, generated six weeks before.
fn patrol(title: &str, site: &DocId, eng: &User, start: TimestampMs) -> (NewWorkOrder, i64) {
    let new = NewWorkOrder {
        scheduled_start_ms: Some(start),
        scheduled_end_ms: Some(start + 180 * MIN),
        ..work("inspection", title, site, eng)
    };
    (new, start - 42 * 24 * 60 * MIN)
}

/// Accepted, on site and completed at `done`.
fn done_at(done: TimestampMs) -> Vec<(EventKind, TimestampMs)> {
    vec![
        (EventKind::Accepted, done - 60 * MIN),
        (EventKind::OnSite, done - 30 * MIN),
        (EventKind::Completed, done),
    ]
}

#[tokio::test]
async fn the_quarter_table_recomputed_by_hand_for_the_office_only() {
    let env = env().await;
    let eng = user(&env, "wang", Role::Engineer).await;
    let sup = user(&env, "sup", Role::Supervisor).await;
    let disp = user(&env, "disp", Role::Dispatcher).await;
    // acme's contract: the demo's (Shanghai, 5×8 on site, general faults resolved in 2 h).
    let contract =
        serde_json::to_value(fieldsync::sla::Contract::demo("acme", "Asia/Shanghai")).unwrap();
    let (s, b) = call(
        &env.app,
        post_put("/v1/contracts/acme", &disp.token, contract),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b:?}");
    let site = DocId::new();
    let hub = env.state.hub.clone();
    tokio::task::spawn_blocking(move || {
        let s = model::site::Site {
            name: "Main office 总部".into(),
            customer_id: "acme".into(),
            customer_name: "Acme Hospital 顶峰医院".into(),
            time_zone: Some("Asia/Shanghai".into()),
            language: Some("zh-CN".into()),
            ..Default::default()
        };
        hub.create_doc(site, DocKind::Site, None, crate::now_ms(), |d| {
            model::site::create_site(d, site, &s, crate::now_ms())
        })
    })
    .await
    .unwrap()
    .unwrap();
    // The records (Shanghai times):
    // A patrol 5 Aug 09:00–12:00, done 11:00.
    let (p, c) = patrol("Patrol A", &site, &eng, sh(8, 5, 9, 0));
    seed(&env, p, c, done_at(sh(8, 5, 11, 0))).await;
    // B patrol 9 Sep 09:00–12:00, done 15:00.
    let (p, c) = patrol("Patrol B", &site, &eng, sh(9, 9, 9, 0));
    seed(&env, p, c, done_at(sh(9, 9, 15, 0))).await;
    // C patrol 16 Sep 09:00–12:00, never done.
    let (p, c) = patrol("Patrol C", &site, &eng, sh(9, 16, 9, 0));
    seed(&env, p, c, vec![]).await;
    // D patrol 1 Oct 00:30 Shanghai (30 Sep 16:30 UTC), done.
    let (p, c) = patrol("Patrol D", &site, &eng, sh(10, 1, 0, 30));
    seed(&env, p, c, done_at(sh(10, 1, 2, 0))).await;
    // E fault called Thu 20 Aug 10:00, completed 11:00.
    let e = work("incident", "Fault E", &site, &eng);
    seed(&env, e, sh(8, 20, 10, 0), done_at(sh(8, 20, 11, 0))).await;
    // F fault called Tue 1 Sep 10:00, completed 22 Sep.
    let f = work("incident", "Fault F", &site, &eng);
    seed(&env, f, sh(9, 1, 10, 0), done_at(sh(9, 22, 10, 0))).await;
    // G fault called Wed 30 Sep 20:00 Shanghai, nobody assigned, still open.
    let g = NewWorkOrder {
        assignees: vec![],
        ..work("incident", "Fault G", &site, &eng)
    };
    seed(&env, g, sh(9, 30, 20, 0), vec![]).await;

    // By hand, 2026-Q3 on the Shanghai calendar = [1 Jul 00:00, 1 Oct 00:00) +08:00:
    // 1. Tasks: A, B, C (windows in Q3), E, F, G (calls in Q3); not D (its window starts on
    //    1 October in Shanghai, although 30 September in UTC). In planned order: A (5 Aug),
    //    E (20 Aug), F (1 Sep), B (9 Sep), C (16 Sep), G (30 Sep).
    // 2. Outcomes: A done 11:00 ≤ window end 12:00 → on time. B done 15:00 > 12:00 → late.
    //    C window over, not done → not done. E resolved in 1 business hour ≤ 2 h → on time
    //    (the SLA engine). F resolved three weeks later → late. G open, its 2 h long past →
    //    not done.
    // 3. Totals: planned 6, done 4 (A, B, E, F), on time 2 (A, E), late 2, not done 2, open
    //    0. Completion 4 ÷ 6 = 66.67 %; on time 2 ÷ (2 + 2 + 2) = 33.33 %.
    // 4. By site: all six at the main office. By engineer: wang has A, B, C, E, F → planned
    //    5, done 4, on time 2 → 80 %; G under nobody: planned 1, done 0.
    let uri = "/v1/kpis/tasks?customer=acme&quarter=2026-Q3";
    let (s, b) = call(&env.app, get(uri, &sup.token)).await;
    assert_eq!(s, StatusCode::OK, "{b:?}");
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let titles: Vec<&str> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Patrol A", "Fault E", "Fault F", "Patrol B", "Patrol C", "Fault G"
        ]
    );
    let outcomes: Vec<&str> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "done_on_time",
            "done_on_time",
            "done_late",
            "done_late",
            "not_done",
            "not_done"
        ]
    );
    let t = &v["total"];
    assert_eq!(
        [
            &t["planned"],
            &t["done"],
            &t["on_time"],
            &t["late"],
            &t["not_done"],
            &t["open"]
        ],
        [6, 4, 2, 2, 2, 0]
    );
    assert_eq!(
        (&t["completion_pct"], &t["on_time_pct"]),
        (&66.67.into(), &33.33.into())
    );
    assert_eq!(v["by_site"][0]["name"], "Main office 总部");
    assert_eq!(v["by_site"][0]["planned"], 6);
    assert_eq!(v["by_engineer"][0]["name"], "wang display");
    assert_eq!(
        (
            &v["by_engineer"][0]["planned"],
            &v["by_engineer"][0]["done"]
        ),
        (&5.into(), &4.into())
    );
    assert_eq!(v["by_engineer"][0]["completion_pct"], 80.0);
    assert_eq!(
        (
            &v["by_engineer"][1]["name"],
            &v["by_engineer"][1]["planned"]
        ),
        (&"".into(), &1.into())
    );
    assert_eq!(v["tasks"][0]["time_zone"], "Asia/Shanghai");
    assert_eq!(v["tasks"][0]["engineers"][0], "wang display");
    assert_eq!(v["customer_name"], "Acme Hospital 顶峰医院");
    // The JSON's "on time" of the patrols is the summary's inspection adherence? The plans'
    // occurrences are what adherence counts; these patrols were made by hand, so the check
    // of the shared rule is in kpis::tasks::tests.

    // The dispatcher reads it too, as CSV (in the customer's language) and PDF.
    let (s, b) = call(
        &env.app,
        get(&uri.replace("tasks?", "tasks.csv?"), &disp.token),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(b.starts_with(b"\xEF\xBB\xBF"));
    let csv = String::from_utf8_lossy(&b);
    assert!(csv.contains("季度维护工作任务完成记录汇总表"), "{csv}");
    assert!(
        csv.contains("2026-09-09 09:00,2026-09-09 12:00,2026-09-09 15:00,北京时间 (Asia/Shanghai),wang display,逾期完成,done_late"),
        "{csv}"
    );
    assert!(csv.contains("合计,6,4,2,2,2,0,0,66.67,33.33"), "{csv}");
    if crate::report::fonts::fonts().is_ok() {
        let (s, b) = call(
            &env.app,
            get(&uri.replace("tasks?", "tasks.pdf?"), &sup.token),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let text = crate::testing::pdf_text(&b).expect("pdftotext (poppler-utils) reads the PDF");
        for needle in [
            "季度维护工作任务完成记录汇总表",
            "Patrol C",
            "计划任务 6 项，已完成 4 项",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
        }
        // The quarterly summary carries the same table as its appendix.
        let (s, b) = call(
            &env.app,
            get("/v1/kpis.pdf?customer=acme&quarter=2026-Q3", &sup.token),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let text = crate::testing::pdf_text(&b).unwrap();
        assert!(
            text.contains("附录：季度维护工作任务完成记录汇总表"),
            "{text}"
        );
        assert!(text.contains("计划任务 6 项，已完成 4 项"), "{text}");
        // A monthly summary has none.
        let (_, b) = call(
            &env.app,
            get("/v1/kpis.pdf?customer=acme&month=2026-09", &sup.token),
        )
        .await;
        let text = crate::testing::pdf_text(&b).unwrap();
        assert!(!text.contains("附录"), "{text}");
    }
    // A year holds the quarter's tasks and D.
    let (s, b) = call(
        &env.app,
        get("/v1/kpis/tasks?customer=acme&year=2026", &sup.token),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let y: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(y["tasks"].as_array().unwrap().len(), 7);
    assert_eq!(y["period_kind"], "year");

    // An engineer reads none of it.
    for path in ["/v1/kpis/tasks", "/v1/kpis/tasks.csv", "/v1/kpis/tasks.pdf"] {
        let (s, _) = call(
            &env.app,
            get(&format!("{path}?customer=acme&quarter=2026-Q3"), &eng.token),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn a_table_needs_one_well_formed_period() {
    let env = env().await;
    let sup = user(&env, "sup", Role::Supervisor).await;
    for (uri, why) in [
        ("/v1/kpis/tasks?customer=acme", "give the period"),
        (
            "/v1/kpis/tasks?customer=&quarter=2026-Q3",
            "customer is required",
        ),
        ("/v1/kpis/tasks?customer=acme&quarter=2026-Q5", "2026-Q5"),
        (
            "/v1/kpis/tasks?customer=acme&quarter=2026-09",
            "not YYYY-Qn",
        ),
        ("/v1/kpis/tasks?customer=acme&year=2026-Q3", "not YYYY"),
        (
            "/v1/kpis/tasks?customer=acme&year=2026&quarter=2026-Q3",
            "not several",
        ),
        (
            "/v1/kpis/tasks?customer=acme&quarter=2026-Q3&week=3",
            "week",
        ),
        // The summary itself takes no year.
        ("/v1/kpis?customer=acme&month=2026", "not YYYY-MM"),
    ] {
        let (s, b) = call(&env.app, get(uri, &sup.token)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        let message = String::from_utf8_lossy(&b);
        assert!(message.contains(why), "{uri}: {message}");
    }
    // No work at all: an empty table, not an error.
    let (s, b) = call(
        &env.app,
        get("/v1/kpis/tasks?customer=nobody&quarter=2026-Q3", &sup.token),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v["total"]["planned"], 0);
    assert!(v["total"]["completion_pct"].is_null());
}

/// `PUT` with a JSON body.
fn post_put(
    uri: &str,
    token: &str,
    body: serde_json::Value,
) -> axum::http::Request<axum::body::Body> {
    let mut req = post(uri, token, body);
    *req.method_mut() = axum::http::Method::PUT;
    req
}

crate::storage::postgres::scratch::also_on_postgres!(
    the_quarter_table_recomputed_by_hand_for_the_office_only,
    a_table_needs_one_well_formed_period,
);
