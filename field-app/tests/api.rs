//! The office-API channel against a real server: answers come back tagged, the server's
//! refusals arrive in words, a call never needs the sync worker, and a stream the server does
//! not have is reported once instead of retried forever.

use fieldsync::Role;
use fieldsync::store::LocalStore;
use fieldsync_app::runtime::{ApiAnswer, ApiCall, ApiError};
use fieldsync_app::runtime::{FromWorker, ToWorker, WorkerHandle};
use fieldsync_server::testing::TestServer;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Wait for the next API answer, skipping sync reports.
fn next_answer(w: &WorkerHandle) -> ApiAnswer {
    loop {
        match w
            .rx
            .recv_timeout(Duration::from_secs(60))
            .expect("an answer")
        {
            FromWorker::Api(a) => return a,
            FromWorker::SignInFailed(e) => panic!("sign-in failed: {e}"),
            _ => {}
        }
    }
}

fn signed_in_worker(url: &str, user: &str, password: &str) -> (WorkerHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(LocalStore::open(dir.path()).unwrap()));
    let w = WorkerHandle::spawn(store, || {});
    w.send(ToWorker::SignIn {
        server: url.into(),
        username: user.into(),
        password: password.into(),
        wait_for_server: false,
    });
    loop {
        match w.rx.recv_timeout(Duration::from_secs(60)).unwrap() {
            FromWorker::SignedIn(_) => break,
            FromWorker::SignInFailed(e) => panic!("sign-in failed: {e}"),
            _ => {}
        }
    }
    (w, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_come_back_tagged_with_the_servers_words() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("disp", "pw-disp", Role::Dispatcher)
        .await
        .unwrap();
    server
        .add_user("eng", "pw-eng", Role::Engineer)
        .await
        .unwrap();
    let url = server.base_url.clone();
    tokio::task::spawn_blocking(move || {
        let (w, _dir) = signed_in_worker(&url, "disp", "pw-disp");
        w.send(ToWorker::Api(ApiCall::get("test.list", "/v1/work-orders")));
        let a = next_answer(&w);
        assert_eq!(a.tag, "test.list");
        let reply = a.result.expect("a dispatcher may list work orders");
        assert_eq!(reply.status, 200);
        let list: Vec<serde_json::Value> = reply.json().unwrap();
        assert!(list.is_empty(), "a fresh server has no work orders");

        w.send(ToWorker::Api(ApiCall::get(
            "test.missing",
            "/v1/no-such-thing",
        )));
        let a = next_answer(&w);
        assert_eq!(a.tag, "test.missing");
        assert!(matches!(a.result, Err(ref e) if e.is_not_found()), "{a:?}");

        // A stream the server does not have: one error, then the stream gives up.
        w.send(ToWorker::Subscribe(ApiCall::get(
            "test.stream",
            "/v1/no-such-stream",
        )));
        let a = next_answer(&w);
        assert_eq!(a.tag, "test.stream");
        assert!(matches!(a.result, Err(ref e) if e.is_not_found()), "{a:?}");
        assert_no_api_answer_for(&w, Duration::from_secs(5));

        let (w, _dir2) = signed_in_worker(&url, "eng", "pw-eng");
        w.send(ToWorker::Api(ApiCall::get(
            "test.profiles",
            "/v1/engineers",
        )));
        let a = next_answer(&w);
        match a.result {
            Err(ApiError::Server {
                status, message, ..
            }) => {
                assert_eq!(status, 403);
                assert!(!message.is_empty());
            }
            other => panic!("an engineer may not read engineer profiles: {other:?}"),
        }
    })
    .await
    .unwrap();
}

/// Only sync reports may arrive for `window` (a stream that gave up must stay quiet).
fn assert_no_api_answer_for(w: &WorkerHandle, window: Duration) {
    let until = std::time::Instant::now() + window;
    while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
        if let Ok(FromWorker::Api(a)) = w.rx.recv_timeout(left) {
            panic!("no retry loop against a missing stream, yet: {a:?}");
        }
    }
}

/// The dispatch board's live stream through the app's channel: a work order created by
/// another dispatcher arrives as a `work_order` event naming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_stream_delivers_work_order_events() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("disp", "pw-disp", Role::Dispatcher)
        .await
        .unwrap();
    let url = server.base_url.clone();
    tokio::task::spawn_blocking(move || {
        let (board, _d1) = signed_in_worker(&url, "disp", "pw-disp");
        board.send(ToWorker::Subscribe(ApiCall::get(
            "test.events",
            "/v1/dispatch/events",
        )));
        // Events made before the stream is connected are not replayed (the board reloads
        // on connect), so keep creating incidents until one is heard: each attempt waits
        // a second; the bound only guards against a hang.
        let (phone, _d2) = signed_in_worker(&url, "disp", "pw-disp");
        let mut created_ids = Vec::new();
        let mut heard = false;
        for attempt in 0..30 {
            let incident = serde_json::json!({
                "title": format!("Printer jams on 3F ({attempt})"), "impact": 3, "urgency": 3
            });
            phone.send(ToWorker::Api(ApiCall::post_json(
                "test.create",
                "/v1/work-orders",
                &incident,
            )));
            let created: serde_json::Value =
                next_answer(&phone).result.expect("created").json().unwrap();
            created_ids.push(created["doc_id"].as_str().expect("doc_id").to_string());
            let until = std::time::Instant::now() + Duration::from_secs(1);
            while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
                let Ok(FromWorker::Api(a)) = board.rx.recv_timeout(left) else {
                    continue;
                };
                assert_eq!(a.tag, "test.events");
                let ev = a.result.expect("stream event");
                if ev.event() == Some("work_order") {
                    let data: serde_json::Value = ev.json().unwrap();
                    assert!(data["seq"].as_u64().is_some(), "{data}");
                    heard |= created_ids.iter().any(|id| data["doc_id"] == id.as_str());
                }
            }
            if heard {
                break;
            }
        }
        assert!(heard, "no work_order event for any of {created_ids:?}");
        board.send(ToWorker::Unsubscribe("test.events".into()));
    })
    .await
    .unwrap();
}

/// The access token lives a second here: after it lapses, an office call and a sync both go
/// through on the device's refresh token, without asking the user to sign in again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lapsed_access_token_is_renewed_without_the_password() {
    let server = TestServer::start_with(|c| c.token_ttl_secs = 1)
        .await
        .unwrap();
    server
        .add_user("disp", "pw-disp", Role::Dispatcher)
        .await
        .unwrap();
    let url = server.base_url.clone();
    tokio::task::spawn_blocking(move || {
        let (w, dir) = signed_in_worker(&url, "disp", "pw-disp");
        let first = LocalStore::open(dir.path())
            .unwrap()
            .meta(fieldsync_app::runtime::meta::TOKEN)
            .unwrap();
        std::thread::sleep(Duration::from_millis(1_200));

        w.send(ToWorker::Api(ApiCall::get("test.list", "/v1/work-orders")));
        let a = next_answer(&w);
        assert!(a.result.is_ok(), "{a:?}");
        let renewed = LocalStore::open(dir.path())
            .unwrap()
            .meta(fieldsync_app::runtime::meta::TOKEN)
            .unwrap();
        assert_ne!(renewed, first, "a new access token was kept");

        std::thread::sleep(Duration::from_millis(1_200));
        w.send(ToWorker::SyncNow);
        loop {
            match w.rx.recv_timeout(Duration::from_secs(60)).unwrap() {
                FromWorker::Synced(_) => break,
                FromWorker::SyncFailed { error, .. } => panic!("sync failed: {error}"),
                _ => {}
            }
        }
    })
    .await
    .unwrap();
}
