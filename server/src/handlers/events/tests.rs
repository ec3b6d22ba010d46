//! The dispatch event stream: a board on one replica sees a work order changed through
//! another (on PostgreSQL; on SQLite, within the one process), engineers are refused, a
//! subscriber that falls behind is told to resync.

use super::{BoardEvent, next_event};
use crate::config::ServerConfig;
use crate::state::AppState;
use crate::storage::feed::{ChangeFeed, DocChange, FeedEvent};
use crate::storage::postgres::scratch::{ScratchDb, also_on_postgres, test_database};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use fieldsync::model::{self, NewWorkOrder};
use fieldsync::{DocId, DocKind, Role};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::time::Duration;
use tower::ServiceExt;

/// Upper bound for an expected event to arrive (a hang guard, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(20);

struct Replicas {
    _dir: tempfile::TempDir,
    a: AppState,
    b: AppState,
    _pg: Option<ScratchDb>,
}

/// Two replicas on one PostgreSQL database, or (SQLite: one process) the same state twice.
async fn replicas() -> Replicas {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = test_database(dir.path());
    let state = |url: &str| {
        let config = ServerConfig {
            data_dir: dir.path().to_owned(),
            database_url: Some(url.to_owned()),
            ..ServerConfig::default()
        };
        AppState::new(crate::storage::open(url).unwrap(), config).unwrap()
    };
    let a = state(&url);
    let b = if pg.is_some() { state(&url) } else { a.clone() };
    for (u, r) in [("disp", Role::Dispatcher), ("eng", Role::Engineer)] {
        crate::handlers::auth::create_user(&a.db, u, u, &format!("pw-{u}"), r)
            .await
            .unwrap();
    }
    Replicas {
        _dir: dir,
        a,
        b,
        _pg: pg,
    }
}

async fn login(app: &axum::Router, user: &str) -> String {
    let body = json!({"username": user, "password": format!("pw-{user}"),
        "device_id": fieldsync::DeviceId::new(), "device_name": "board",
        "actors": [automerge::ActorId::random().to_hex_string()]});
    let req = Request::post("/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice::<Value>(&bytes).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn events_request(token: &str) -> Request<Body> {
    Request::get("/v1/dispatch/events")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

/// Read the stream until an event of `kind` arrives; returns its data.
async fn next_of_kind(body: &mut Body, kind: &str, seen: &mut String) -> Value {
    let wanted = format!("event: {kind}\n");
    loop {
        if let Some(start) = seen.find(&wanted) {
            let rest = &seen[start + wanted.len()..];
            if let Some(end) = rest.find("\n\n") {
                let data = rest[..end]
                    .strip_prefix("data: ")
                    .unwrap_or_else(|| panic!("event without data: {rest:?}"))
                    .to_owned();
                *seen = rest[end + 2..].to_owned();
                return serde_json::from_str(&data).unwrap();
            }
        }
        let frame = tokio::time::timeout(PATIENCE, body.frame())
            .await
            .unwrap_or_else(|_| panic!("no {kind} event; stream so far: {seen:?}"))
            .expect("the stream ended")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            seen.push_str(std::str::from_utf8(&data).unwrap());
        }
    }
}

#[tokio::test]
async fn a_board_sees_a_work_order_changed_through_another_replica() {
    let r = replicas().await;
    let board = crate::router(r.b.clone());
    // Engineers may not follow the board.
    let eng = login(&board, "eng").await;
    let resp = board.clone().oneshot(events_request(&eng)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = board
        .clone()
        .oneshot(
            Request::get("/v1/dispatch/events")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    let disp = login(&board, "disp").await;
    let resp = board.clone().oneshot(events_request(&disp)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let mut body = resp.into_body();

    // A work order created, then changed, through replica A.
    let hub = r.a.hub.clone();
    let id = DocId::new();
    tokio::task::spawn_blocking(move || {
        hub.create_doc(id, DocKind::WorkOrder, None, 1_000, |d| {
            let new = NewWorkOrder {
                kind: "incident".into(),
                title: "UPS alarm".into(),
                ..Default::default()
            };
            model::create_work_order(d, id, &new, "disp", 1_000)
        })
        .unwrap();
        hub.server_edit(id, 2_000, |d, _| {
            model::set_findings(d, "fan replaced", 2_000)
        })
        .unwrap();
    })
    .await
    .unwrap();
    let mut seen = String::new();
    let first = next_of_kind(&mut body, "work_order", &mut seen).await;
    assert_eq!(first["doc_id"], json!(id.to_string()));
    let second = next_of_kind(&mut body, "work_order", &mut seen).await;
    assert_eq!(second["doc_id"], json!(id.to_string()));
    assert!(
        second["seq"].as_u64().unwrap() > first["seq"].as_u64().unwrap(),
        "{first} then {second}"
    );
    assert_eq!(
        first.as_object().unwrap().len(),
        2,
        "exactly doc_id and seq"
    );
}

also_on_postgres!(a_board_sees_a_work_order_changed_through_another_replica);

#[tokio::test]
async fn a_subscriber_that_falls_behind_is_told_to_resync_and_other_kinds_are_skipped() {
    let feed = ChangeFeed::default();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut rx = feed.subscribe();
    let change = |kind: &str, seq| {
        FeedEvent::Changed(DocChange {
            doc_id: format!("doc-{seq}"),
            kind: kind.into(),
            seq,
        })
    };
    feed.publish(change("site", 1));
    feed.publish(change("work_order", 2));
    assert_eq!(
        next_event(&mut rx, &stop).await,
        Some(BoardEvent::WorkOrder {
            doc_id: "doc-2".into(),
            seq: 2
        }),
        "the site change is not a board event"
    );
    for seq in 0..5_000 {
        feed.publish(change("work_order", seq));
    }
    assert_eq!(next_event(&mut rx, &stop).await, Some(BoardEvent::Resync));
    feed.publish(FeedEvent::Resync);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    // Events still queued are delivered; then the stream ends for the shutdown.
    let mut rest = 0;
    while next_event(&mut rx, &stop).await.is_some() {
        rest += 1;
    }
    assert!(rest > 0);
}
