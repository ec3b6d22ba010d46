//! The office-API channel against a real server: answers come back tagged, the server's
//! refusals arrive in words, a call never needs the sync worker, and a stream the server does
//! not have is reported once instead of retried forever.

use fieldsync::Role;
use fieldsync::store::LocalStore;
use fieldsync_app::api::{ApiAnswer, ApiCall, ApiError};
use fieldsync_app::worker::{FromWorker, ToWorker, WorkerHandle};
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
            Err(ApiError::Server { status, message }) => {
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
