//! Router tests without a socket (`oneshot`), each on its own temporary SQLite database, and
//! again each on its own throw-away PostgreSQL database when `FIELDSYNC_TEST_POSTGRES_URL`
//! names a server (module `on_postgres` at the end; skipped with a notice otherwise).

use crate::config::ServerConfig;
use crate::state::AppState;
use crate::storage;
use automerge::AutoCommit;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use fieldsync::model::{self, NewWorkOrder};
use fieldsync::wire::{self, Heads, PushDoc, PushOutcome, SyncRequest, SyncResponse};
use fieldsync::{DeviceId, DocId, DocKind, Role};
use http_body_util::BodyExt;
use tower::ServiceExt;

struct Env {
    _dir: tempfile::TempDir,
    state: AppState,
    app: Router,
    /// Dropped last: the PostgreSQL database of this test, if it runs on PostgreSQL.
    pg: Option<crate::storage::postgres::scratch::ScratchDb>,
}

thread_local! {
    /// The PostgreSQL server the test on this thread runs on (`None`: SQLite). Set by the
    /// `on_postgres` variants; `#[tokio::test]` bodies run on the calling thread.
    static POSTGRES_URL: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

fn postgres_url() -> Option<String> {
    POSTGRES_URL.with(|u| u.borrow().clone())
}

async fn env_with(tweak: impl FnOnce(&mut ServerConfig)) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig {
        data_dir: dir.path().to_owned(),
        ..ServerConfig::default()
    };
    let pg = postgres_url()
        .map(|url| crate::storage::postgres::scratch::ScratchDb::create(&url).unwrap());
    config.database_url = pg.as_ref().map(|p| p.url.clone());
    tweak(&mut config);
    let db = storage::open(&config.database_url()).unwrap();
    let state = AppState::new(db, config).unwrap();
    for (u, p, r) in [
        ("eng", "pw-eng", Role::Engineer),
        ("eng2", "pw-eng2", Role::Engineer),
        ("disp", "pw-disp", Role::Dispatcher),
    ] {
        crate::handlers::auth::create_user(&state.db, u, u, p, r)
            .await
            .unwrap();
    }
    let app = crate::router(state.clone());
    Env {
        _dir: dir,
        state,
        app,
        pg,
    }
}

/// A real-socket server on this test's backend.
async fn test_server() -> crate::testing::TestServer {
    match postgres_url() {
        Some(url) => crate::testing::TestServer::start_postgres(&url).await,
        None => crate::testing::TestServer::start().await,
    }
    .unwrap()
}

async fn env() -> Env {
    env_with(|_| {}).await
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, Bytes) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    (status, resp.into_body().collect().await.unwrap().to_bytes())
}

fn json_req(uri: &str, token: Option<&str>, body: serde_json::Value) -> Request<Body> {
    let mut b = Request::post(uri).header("content-type", "application/json");
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    b.body(Body::from(body.to_string())).unwrap()
}

struct Login {
    token: String,
    user_id: String,
}

async fn login(app: &Router, user: &str, pw: &str, actor: &automerge::ActorId) -> Login {
    let (status, body) = call(
        app,
        json_req(
            "/v1/auth/login",
            None,
            serde_json::json!({"username": user, "password": pw, "device_id": DeviceId::new(),
                "device_name": "test", "actors": [actor.to_hex_string()]}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    Login {
        token: v["token"].as_str().unwrap().to_owned(),
        user_id: v["user_id"].as_str().unwrap().to_owned(),
    }
}

fn sync_req(token: &str, body: Vec<u8>) -> Request<Body> {
    Request::post("/v1/sync")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", wire::CONTENT_TYPE)
        .body(Body::from(body))
        .unwrap()
}

async fn sync(app: &Router, token: &str, req: &SyncRequest) -> SyncResponse {
    let (status, body) = call(app, sync_req(token, wire::encode(req))).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    wire::decode_response(&body).unwrap()
}

fn request(cursor: u64, push: Vec<PushDoc>) -> SyncRequest {
    SyncRequest {
        protocol: wire::PROTOCOL_VERSION,
        cursor,
        push,
        max_response_bytes: None,
    }
}

/// A work order created by the server (dispatcher action), optionally assigned.
fn server_work_order(env: &Env, title: &str, assignee: Option<&str>) -> DocId {
    let id = DocId::new();
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: title.into(),
        assignees: assignee.map(|a| vec![a.to_owned()]).unwrap_or_default(),
        ..Default::default()
    };
    env.state
        .hub
        .create_doc(id, DocKind::WorkOrder, None, 1, |d| {
            model::create_work_order(d, id, &new, "server", 1)
        })
        .unwrap();
    id
}

fn change_log_rows(env: &Env, doc: DocId) -> i64 {
    if let Some(pg) = &env.pg {
        let url = pg.url.clone();
        return std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            c.query_one(
                "SELECT COUNT(*) FROM change_log WHERE doc_id = $1",
                &[&doc.to_string()],
            )
            .unwrap()
            .get(0)
        })
        .join()
        .unwrap();
    }
    let conn = rusqlite::Connection::open(env.state.config.data_dir.join("fieldsync.db")).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM change_log WHERE doc_id = ?1",
        [doc.to_string()],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test]
async fn login_ok_bad_password_and_rate_limit() {
    let env = env_with(|c| c.login_max_failures = 2).await;
    let actor = automerge::ActorId::random();
    login(&env.app, "eng", "pw-eng", &actor).await;
    let bad = serde_json::json!({"username": "eng", "password": "nope", "device_id": DeviceId::new(),
        "device_name": "x", "actors": []});
    for _ in 0..2 {
        let (s, _) = call(&env.app, json_req("/v1/auth/login", None, bad.clone())).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, body) = call(&env.app, json_req("/v1/auth/login", None, bad)).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body:?}");
    // Another actor id bound to someone else is refused.
    let (s, body) = call(
        &env.app,
        json_req(
            "/v1/auth/login",
            None,
            serde_json::json!({"username": "eng2", "password": "pw-eng2", "device_id": DeviceId::new(),
                "device_name": "x", "actors": [actor.to_hex_string()]}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(String::from_utf8_lossy(&body).contains("actor_taken"));
}

#[tokio::test]
async fn an_oversized_username_is_refused_before_any_work() {
    let env = env_with(|c| c.login_max_failures = 1).await;
    let body = |name: String| {
        serde_json::json!({"username": name, "password": "pw", "device_id": DeviceId::new(),
            "device_name": "x", "actors": []})
    };
    // 100 KB of name: 400 at once, and the limiter holds nothing for it.
    for _ in 0..3 {
        let (s, msg) = call(
            &env.app,
            json_req("/v1/auth/login", None, body("a".repeat(100_000))),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{msg:?}");
    }
    assert!(env.state.login_limiter.is_empty());
    let (s, _) = call(
        &env.app,
        json_req("/v1/auth/login", None, body("a".repeat(257))),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // 256 bytes is still a (wrong) login attempt.
    let (s, _) = call(
        &env.app,
        json_req("/v1/auth/login", None, body("a".repeat(256))),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn failed_logins_slow_the_client_down_without_locking_the_user_out() {
    let env = env_with(|c| c.login_max_failures = 1).await;
    let bad = serde_json::json!({"username": "eng", "password": "nope", "device_id": DeviceId::new(),
        "device_name": "x", "actors": []});
    let (s, _) = call(&env.app, json_req("/v1/auth/login", None, bad.clone())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, body) = call(&env.app, json_req("/v1/auth/login", None, bad)).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        String::from_utf8_lossy(&body).contains("try again in 1 s"),
        "{body:?}"
    );
    // After the short wait the real password works.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    login(&env.app, "eng", "pw-eng", &automerge::ActorId::random()).await;
}

#[tokio::test]
async fn logout_revokes_only_the_callers_token() {
    let env = env().await;
    let one = login(&env.app, "eng", "pw-eng", &automerge::ActorId::random()).await;
    let two = login(&env.app, "eng", "pw-eng", &automerge::ActorId::random()).await;
    let get = |t: &str| {
        json_req(
            "/v1/devices/actors",
            Some(t),
            serde_json::json!({"actors": []}),
        )
    };
    assert_eq!(call(&env.app, get(&one.token)).await.0, StatusCode::OK);
    let (s, _) = call(
        &env.app,
        json_req("/v1/logout", Some(&one.token), serde_json::json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        call(&env.app, get(&one.token)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&env.app, get(&two.token)).await.0,
        StatusCode::OK,
        "other devices stay signed in"
    );
    // A revoked or missing token cannot log out.
    let (s, _) = call(
        &env.app,
        json_req("/v1/logout", Some(&one.token), serde_json::json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = call(
        &env.app,
        json_req("/v1/logout", None, serde_json::json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn disabled_user_token_is_revoked() {
    let env = env().await;
    let l = login(&env.app, "eng", "pw-eng", &automerge::ActorId::random()).await;
    env.state
        .db
        .call(|s| s.set_user_disabled("eng", true))
        .await
        .unwrap();
    let (s, _) = call(
        &env.app,
        sync_req(&l.token, wire::encode(&request(0, vec![]))),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_sync_requests_get_clear_errors() {
    let env = env_with(|c| c.max_sync_body_bytes = 2048).await;
    let l = login(&env.app, "eng", "pw-eng", &automerge::ActorId::random()).await;
    let (s, body) = call(&env.app, sync_req(&l.token, b"garbage".to_vec())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let err: wire::ErrorBody = serde_json::from_slice(&body).unwrap();
    assert!(err.message.contains("zstd"), "{}", err.message);

    let no_token = Request::post("/v1/sync")
        .header("content-type", wire::CONTENT_TYPE)
        .body(Body::from("x"))
        .unwrap();
    assert_eq!(call(&env.app, no_token).await.0, StatusCode::UNAUTHORIZED);

    let (s, _) = call(&env.app, sync_req(&l.token, vec![0u8; 10_000])).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);

    let wrong_type = Request::post("/v1/sync")
        .header("authorization", format!("Bearer {}", l.token))
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(
        call(&env.app, wrong_type).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );

    let mut old = request(0, vec![]);
    old.protocol = 99;
    let (s, _) = call(&env.app, sync_req(&l.token, wire::encode(&old))).await;
    assert_eq!(s, StatusCode::UPGRADE_REQUIRED);
}

#[tokio::test]
async fn a_lost_answer_is_sent_again_and_a_confirmed_one_is_not() {
    let env = env().await;
    let l = login(&env.app, "eng", "pw-eng", &automerge::ActorId::random()).await;
    let first = sync(&env.app, &l.token, &request(0, vec![])).await;
    assert!(first.pull.is_empty());
    let wo = server_work_order(&env, "Printer jam", Some(&l.user_id));
    let _other = server_work_order(&env, "Not for eng", None);

    let lost = sync(&env.app, &l.token, &request(first.cursor, vec![])).await;
    assert_eq!(lost.pull.len(), 1, "only the assigned work order");
    assert_eq!(lost.pull[0].doc_id, wo);
    assert!(lost.pull[0].whole);

    // The answer was lost: the device asks again with its old cursor.
    let again = sync(&env.app, &l.token, &request(first.cursor, vec![])).await;
    assert_eq!(again.pull.len(), 1);
    assert!(again.pull[0].whole);
    let mut doc = automerge::Automerge::new();
    doc.load_incremental(&again.pull[0].bytes).unwrap();
    assert_eq!(
        model::WorkOrder::from_doc(&doc).unwrap().title,
        "Printer jam"
    );

    // Stored: nothing more to send.
    let quiet = sync(&env.app, &l.token, &request(again.cursor, vec![])).await;
    assert!(quiet.pull.is_empty() && quiet.removed.is_empty());

    // A server-side change arrives incrementally; unassignment announces a removal.
    let disp = env
        .state
        .db
        .blocking()
        .user_by_name("disp")
        .unwrap()
        .unwrap();
    let eng = env
        .state
        .db
        .blocking()
        .user_by_name("eng")
        .unwrap()
        .unwrap();
    env.state.hub.unassign(wo, eng.id, 2).unwrap();
    let gone = sync(&env.app, &l.token, &request(quiet.cursor, vec![])).await;
    assert_eq!(gone.removed, vec![wo]);
    // That answer was lost too: the removal is announced again until an answer is stored.
    let again = sync(&env.app, &l.token, &request(quiet.cursor, vec![])).await;
    assert_eq!(again.removed, vec![wo]);
    let after = sync(&env.app, &l.token, &request(again.cursor, vec![])).await;
    assert!(after.removed.is_empty());
    // Assigned again: it comes back whole, and once stored is not sent again.
    env.state.hub.assign(wo, eng.id, disp.id, 3).unwrap();
    let back = sync(&env.app, &l.token, &request(after.cursor, vec![])).await;
    assert_eq!(back.pull.len(), 1);
    assert!(back.pull[0].whole && back.removed.is_empty());
    let settled = sync(&env.app, &l.token, &request(back.cursor, vec![])).await;
    assert!(settled.pull.is_empty() && settled.removed.is_empty());
}

#[tokio::test]
async fn a_replayed_push_is_accepted_once_and_not_duplicated() {
    let env = env().await;
    let actor = automerge::ActorId::random();
    let l = login(&env.app, "eng", "pw-eng", &actor).await;
    let id = DocId::new();
    let mut doc = AutoCommit::new().with_actor(actor);
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "Found on patrol: UPS fan noise".into(),
        ..Default::default()
    };
    model::create_work_order(&mut doc, id, &new, &l.user_id, 10).unwrap();
    let push = PushDoc {
        doc_id: id,
        kind: DocKind::WorkOrder,
        base_heads: Heads::default(),
        changes: doc.save(),
        heads: Heads::from(doc.get_heads()),
    };
    let req = request(0, vec![push]);
    let a = sync(&env.app, &l.token, &req).await;
    assert!(
        matches!(a.results[0].outcome, PushOutcome::Accepted { .. }),
        "{:?}",
        a.results
    );
    assert!(a.pull.iter().all(|p| p.doc_id != id), "not echoed back");
    let b = sync(&env.app, &l.token, &req).await;
    assert_eq!(a.results, b.results);
    assert_eq!(change_log_rows(&env, id), 1);
    let history = env.state.hub.history(id).unwrap();
    assert_eq!(history.len(), doc.get_changes(&[]).len());
    assert_eq!(history[0].user, "eng");
}

/// Issue #6: a change made offline with a device clock that is behind, synced later, shows its
/// device time and the later server receipt time; each push gets its own receipt time, and a
/// snapshot (compaction) keeps them.
#[tokio::test]
async fn history_shows_device_time_and_the_later_receipt_time() {
    let env = env().await;
    let actor = automerge::ActorId::random();
    let l = login(&env.app, "eng", "pw-eng", &actor).await;
    // Days offline, and the device clock is an hour behind on top.
    let device_clock = crate::now_ms() - 3 * 86_400_000 - 3_600_000;
    let id = DocId::new();
    let mut doc = AutoCommit::new().with_actor(actor);
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "Found on patrol: UPS fan noise".into(),
        ..Default::default()
    };
    model::create_work_order(&mut doc, id, &new, &l.user_id, device_clock).unwrap();
    model::set_findings(&mut doc, "Fan noisy", device_clock + 60_000).unwrap();
    let first_changes: Vec<String> = doc
        .get_changes(&[])
        .iter()
        .map(|c| c.hash().to_string())
        .collect();
    let push = |doc: &mut AutoCommit, base: Vec<automerge::ChangeHash>| PushDoc {
        doc_id: id,
        kind: DocKind::WorkOrder,
        base_heads: Heads::from(base.clone()),
        changes: doc.save_after(&base),
        heads: Heads::from(doc.get_heads()),
    };
    let before1 = crate::now_ms();
    let a = sync(
        &env.app,
        &l.token,
        &request(0, vec![push(&mut doc, vec![])]),
    )
    .await;
    let after1 = crate::now_ms();
    assert!(matches!(a.results[0].outcome, PushOutcome::Accepted { .. }));

    // Another offline edit, pushed later.
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let base = doc.get_heads();
    model::set_findings(&mut doc, "Fan replaced", device_clock + 86_400_000).unwrap();
    let last_change = doc.get_changes(&base)[0].hash().to_string();
    let before2 = crate::now_ms();
    let b = sync(
        &env.app,
        &l.token,
        &request(a.cursor, vec![push(&mut doc, base)]),
    )
    .await;
    let after2 = crate::now_ms();
    assert!(matches!(b.results[0].outcome, PushOutcome::Accepted { .. }));

    let get_history = || async {
        let req = Request::get(format!("/v1/docs/{id}/history"))
            .header("authorization", format!("Bearer {}", l.token))
            .body(Body::empty())
            .unwrap();
        let (s, body) = call(&env.app, req).await;
        assert_eq!(s, StatusCode::OK, "{body:?}");
        serde_json::from_slice::<Vec<serde_json::Value>>(&body).unwrap()
    };
    let check = |h: &[serde_json::Value]| {
        assert_eq!(h.len(), first_changes.len() + 1, "{h:?}");
        let mut first_receipt = None;
        for c in h {
            let device = c["device_time_ms"].as_i64().unwrap();
            let received = c["received_at_ms"].as_i64().expect("a receipt time");
            assert!(
                device < received,
                "device time {device} before receipt {received}"
            );
            let hash = c["hash"].as_str().unwrap();
            if first_changes.iter().any(|f| f == hash) {
                assert!((before1..=after1).contains(&received), "{c}");
                assert_eq!(*first_receipt.get_or_insert(received), received, "one push");
            } else {
                assert_eq!(hash, last_change);
                assert!((before2..=after2).contains(&received), "{c}");
                assert_eq!(device, (device_clock + 86_400_000) / 1000 * 1000, "seconds");
            }
        }
        let created = h
            .iter()
            .find(|c| c["fields"].as_array().unwrap().iter().any(|f| f == "title"))
            .unwrap();
        assert_eq!(created["device_time_ms"], device_clock / 1000 * 1000);
        assert_eq!(created["user"], "eng");
    };
    check(&get_history().await);

    // Compaction: a snapshot of everything so far leaves the log rows, and the times, alone.
    let db = env.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let store = db.blocking();
        let rows = store.change_log_rows(id).unwrap();
        assert_eq!(rows.len(), 2, "one row per push");
        let (_, bytes) = store.doc_bytes(id).unwrap().unwrap();
        let snapshot = automerge::Automerge::load(&bytes).unwrap().save();
        store.write_snapshot(id, &snapshot, rows[1].0).unwrap();
        assert_eq!(store.change_log_rows(id).unwrap().len(), 2);
    })
    .await
    .unwrap();
    check(&get_history().await);
}

#[tokio::test]
async fn pushes_to_other_peoples_work_orders_and_garbage_are_rejected() {
    let env = env().await;
    let actor = automerge::ActorId::random();
    let l = login(&env.app, "eng", "pw-eng", &actor).await;
    let wo = server_work_order(&env, "Someone else's", None);
    let (_, bytes) = env.state.db.blocking().doc_bytes(wo).unwrap().unwrap();
    let mut doc = AutoCommit::load(&bytes).unwrap().with_actor(actor);
    let base = doc.get_heads();
    model::set_findings(&mut doc, "I was here", 5).unwrap();
    let push = PushDoc {
        doc_id: wo,
        kind: DocKind::WorkOrder,
        base_heads: Heads::from(base.clone()),
        changes: doc.save_after(&base),
        heads: Heads::from(doc.get_heads()),
    };
    let garbage = PushDoc {
        doc_id: DocId::new(),
        kind: DocKind::WorkOrder,
        base_heads: Heads::default(),
        changes: b"not automerge".to_vec(),
        heads: Heads(vec![automerge::ChangeHash([1; 32])]),
    };
    let r = sync(&env.app, &l.token, &request(0, vec![push, garbage])).await;
    let codes: Vec<_> = r
        .results
        .iter()
        .map(|x| match &x.outcome {
            PushOutcome::Rejected { code, .. } => Some(*code),
            PushOutcome::Accepted { .. } => None,
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            Some(wire::RejectCode::NotYours),
            Some(wire::RejectCode::Malformed)
        ]
    );
    assert_eq!(change_log_rows(&env, wo), 1, "nothing stored");
}

/// A never-synced document arrives as the device saved it and is stored as it came (one
/// compact chunk, not its changes one by one); other devices load it whole from that chunk,
/// its history still lists every change, a resend with more edits stores only the new
/// changes, and bytes after the document are refused with nothing stored.
#[tokio::test]
async fn a_new_document_is_stored_as_pushed_and_trailing_bytes_are_refused() {
    let env = env().await;
    let actor = automerge::ActorId::random();
    let l = login(&env.app, "eng", "pw-eng", &actor).await;
    let id = DocId::new();
    let mut doc = AutoCommit::new().with_actor(actor.clone());
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "Fan noise in rack 4".into(),
        assignees: vec![l.user_id.clone()],
        ..Default::default()
    };
    model::create_work_order(&mut doc, id, &new, &l.user_id, 10).unwrap();
    for n in 0..5 {
        model::set_findings(&mut doc, &format!("round {n}"), 11 + n).unwrap();
    }
    let saved = doc.save();
    let changes = doc.get_changes(&[]).len();
    let push = |doc: &mut AutoCommit, changes: Vec<u8>| PushDoc {
        doc_id: id,
        kind: DocKind::WorkOrder,
        base_heads: Heads::default(),
        changes,
        heads: Heads::from(doc.get_heads()),
    };
    let r = sync(
        &env.app,
        &l.token,
        &request(0, vec![push(&mut doc, saved.clone())]),
    )
    .await;
    assert!(
        matches!(r.results[0].outcome, PushOutcome::Accepted { .. }),
        "{:?}",
        r.results
    );
    let db = env.state.db.clone();
    let rows = tokio::task::spawn_blocking(move || db.blocking().change_log_rows(id).unwrap())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].2, saved, "stored as pushed");
    assert_eq!(env.state.hub.history(id).unwrap().len(), changes);

    // The office receives it whole and loads it from that chunk.
    let d = login(&env.app, "disp", "pw-disp", &automerge::ActorId::random()).await;
    let office = sync(&env.app, &d.token, &request(0, vec![])).await;
    let got = office.pull.iter().find(|p| p.doc_id == id).unwrap();
    assert!(got.whole);
    let mut loaded = AutoCommit::load(&got.bytes).unwrap();
    assert_eq!(loaded.get_heads(), doc.get_heads());

    // The answer was lost: the device sends the whole document again, with one more edit.
    model::set_findings(&mut doc, "round 5", 20).unwrap();
    let again = doc.save();
    let r = sync(&env.app, &l.token, &request(0, vec![push(&mut doc, again)])).await;
    assert!(matches!(r.results[0].outcome, PushOutcome::Accepted { .. }));
    let db = env.state.db.clone();
    let rows = tokio::task::spawn_blocking(move || db.blocking().change_log_rows(id).unwrap())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let mut replay = automerge::Automerge::new();
    replay.load_incremental(&rows[0].2).unwrap();
    let before = replay.get_heads();
    replay.load_incremental(&rows[1].2).unwrap();
    assert_eq!(replay.get_changes(&before).len(), 1, "only the new change");
    assert_eq!(env.state.hub.history(id).unwrap().len(), changes + 1);

    // Bytes after a valid document: refused as a whole, nothing stored.
    let other = DocId::new();
    let mut doc2 = AutoCommit::new().with_actor(actor);
    model::create_work_order(&mut doc2, other, &new, &l.user_id, 10).unwrap();
    let mut trailing = doc2.save();
    trailing.extend_from_slice(b"tail");
    let p2 = PushDoc {
        doc_id: other,
        ..push(&mut doc2, trailing)
    };
    let r = sync(&env.app, &l.token, &request(0, vec![p2])).await;
    assert!(
        matches!(
            r.results[0].outcome,
            PushOutcome::Rejected {
                code: wire::RejectCode::Malformed,
                ..
            }
        ),
        "{:?}",
        r.results
    );
    assert_eq!(change_log_rows(&env, other), 0, "nothing stored");
}

#[tokio::test]
async fn dispatcher_creates_and_assigns_incidents() {
    let env = env().await;
    let l = login(&env.app, "disp", "pw-disp", &automerge::ActorId::random()).await;
    let (s, body) = call(
        &env.app,
        json_req(
            "/v1/work-orders",
            Some(&l.token),
            serde_json::json!({"title": "Core switch down", "impact": 1, "urgency": 1,
                "category": "network", "assignees": ["eng"]}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body:?}");
    let created: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(created["priority"], "P1");
    let id = created["doc_id"].as_str().unwrap().to_owned();
    let (s, body) = call(
        &env.app,
        json_req(
            &format!("/v1/work-orders/{id}/assign"),
            Some(&l.token),
            serde_json::json!({"user": "eng2"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body:?}");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["assignees"].as_array().unwrap().len(), 2);
    let list = Request::get("/v1/work-orders?assignee=eng2")
        .header("authorization", format!("Bearer {}", l.token))
        .body(Body::empty())
        .unwrap();
    let (s, body) = call(&env.app, list).await;
    assert_eq!(s, StatusCode::OK);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["status"], "assigned");

    // An engineer may not create incidents through the office API.
    let e = login(&env.app, "eng", "pw-eng", &automerge::ActorId::random()).await;
    let (s, _) = call(
        &env.app,
        json_req(
            "/v1/work-orders",
            Some(&e.token),
            serde_json::json!({"title": "x", "impact": 1, "urgency": 1}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let hist = Request::get(format!("/v1/docs/{id}/history"))
        .header("authorization", format!("Bearer {}", l.token))
        .body(Body::empty())
        .unwrap();
    let (s, body) = call(&env.app, hist).await;
    assert_eq!(s, StatusCode::OK);
    let h: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap();
    let last = h.last().unwrap();
    assert_eq!(last["user"], "server");
    assert!(
        last["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "assignees")
    );
}

#[tokio::test]
async fn blobs_are_hash_checked_and_private() {
    let env = env().await;
    let l = login(&env.app, "eng", "pw-eng", &automerge::ActorId::random()).await;
    let data = b"photo bytes".to_vec();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data));
    let put = |sha: &str, body: Vec<u8>, token: &str| {
        Request::put(format!("/v1/blobs/{sha}"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap()
    };
    let wrong = "0".repeat(64);
    assert_eq!(
        call(&env.app, put(&wrong, data.clone(), &l.token)).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        call(&env.app, put(&sha, data.clone(), &l.token)).await.0,
        StatusCode::CREATED
    );
    let get = |token: &str| {
        Request::get(format!("/v1/blobs/{sha}"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let (s, body) = call(&env.app, get(&l.token)).await;
    assert_eq!((s, body.to_vec()), (StatusCode::OK, data));
    let other = login(&env.app, "eng2", "pw-eng2", &automerge::ActorId::random()).await;
    assert_eq!(
        call(&env.app, get(&other.token)).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn csv_import_writes_devices_or_nothing() {
    let env = env().await;
    let hub = env.state.hub.clone();
    let bad = "asset_tag,device_type\nA-1,pc\nA-2,toaster\n";
    let r = tokio::task::spawn_blocking(move || {
        crate::cli::import::import_devices(Some(&hub), bad.as_bytes(), &Default::default(), 1)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!((r.written, r.bad.len(), r.bad[0].line), (0, 1, 3));
    let hub = env.state.hub.clone();
    let good: String = std::iter::once("asset_tag,device_type,ip".to_owned())
        .chain((0..400).map(|i| format!("PC-{i},pc,10.0.{}.{}", i / 200, i % 200 + 1)))
        .collect::<Vec<_>>()
        .join("\n");
    let r = tokio::task::spawn_blocking(move || {
        crate::cli::import::import_devices(Some(&hub), good.as_bytes(), &Default::default(), 1)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(r.written, 400);
    let n = env
        .state
        .db
        .call(|s| s.list_device_records(None, 1000))
        .await
        .unwrap()
        .len();
    assert_eq!(n, 400);
}

/// `GET /v1/devices?q=` finds Chinese words of one and two characters and mixed queries;
/// every word must occur, in any case.
#[tokio::test]
async fn device_search_finds_short_chinese_and_mixed_words() {
    let env = env().await;
    let hub = env.state.hub.clone();
    let csv = "asset_tag,device_type,vendor,model,building,room\n\
               PRN-1,printer,HP,M404dn 激光打印机,总部大楼,三楼打印室\n\
               SW-1,switch,华为,S5735 交换机,总部大楼,网络机房\n\
               PC-1,pc,Lenovo,ThinkCentre,分部,财务室\n";
    let r = tokio::task::spawn_blocking(move || {
        crate::cli::import::import_devices(Some(&hub), csv.as_bytes(), &Default::default(), 1)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(r.written, 3, "{:?}", r.bad);
    let l = login(&env.app, "disp", "pw-disp", &automerge::ActorId::random()).await;
    let search = |q: &str| {
        // Percent-encode every byte: the query is Chinese, and `+` or `&` must stay literal.
        let q: String = q.bytes().map(|b| format!("%{b:02X}")).collect();
        let req = Request::get(format!("/v1/devices?q={q}"))
            .header("authorization", format!("Bearer {}", l.token))
            .body(Body::empty())
            .unwrap();
        let app = env.app.clone();
        async move {
            let (s, body) = call(&app, req).await;
            assert_eq!(s, StatusCode::OK, "{body:?}");
            let rows: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap();
            rows.iter()
                .map(|r| r["asset_tag"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("打印").await, ["PRN-1"]);
    assert_eq!(search("网").await, ["SW-1"]);
    assert_eq!(search("机").await, ["PRN-1", "SW-1"]);
    assert_eq!(search("总部 交换机").await, ["SW-1"]);
    assert_eq!(search("hp 打印").await, ["PRN-1"]);
    assert_eq!(search("m404DN").await, ["PRN-1"]);
    assert_eq!(search("HP 交换").await, Vec::<String>::new());
    assert_eq!(search("室").await, ["PC-1", "PRN-1"]);
}

#[tokio::test]
async fn test_server_serves_on_a_real_socket() {
    let server = test_server().await;
    server.add_user("x", "pw", Role::Admin).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    let server = server.restart().await.unwrap();
    assert!(
        server
            .state
            .db
            .call(|s| s.user_by_name("x"))
            .await
            .unwrap()
            .is_some()
    );
}

/// Timing, not a check: `cargo test -p fieldsync-server --release -- --ignored --nocapture measure`.
#[tokio::test]
#[ignore]
async fn measure_sync_of_50_changed_documents() {
    let env = env().await;
    let actor = automerge::ActorId::random();
    let l = login(&env.app, "eng", "pw-eng", &actor).await;
    let mut docs = Vec::new();
    let mut push = Vec::new();
    for i in 0..500 {
        let id = server_work_order(&env, &format!("WO {i}"), Some(&l.user_id));
        let _ = id;
    }
    let first = std::time::Instant::now();
    let mut resp = sync(&env.app, &l.token, &request(0, vec![])).await;
    let mut pages = 1;
    let mut pulled = resp.pull.clone();
    while resp.more {
        resp = sync(&env.app, &l.token, &request(resp.cursor, vec![])).await;
        pulled.extend(resp.pull.clone());
        pages += 1;
    }
    println!(
        "first sync of 500 work orders: {:?} in {pages} page(s)",
        first.elapsed()
    );
    for p in &pulled {
        let doc = AutoCommit::load(&p.bytes)
            .unwrap()
            .with_actor(actor.clone());
        docs.push((p.doc_id, doc));
    }
    for (id, doc) in docs.iter_mut().take(50) {
        let base = doc.get_heads();
        model::set_findings(doc, "UPS load 42 %, fans ok", 100).unwrap();
        push.push(PushDoc {
            doc_id: *id,
            kind: DocKind::WorkOrder,
            base_heads: Heads::from(base.clone()),
            changes: doc.save_after(&base),
            heads: Heads::from(doc.get_heads()),
        });
    }
    let body = wire::encode(&request(resp.cursor, push));
    let t = std::time::Instant::now();
    let (status, answer) = call(&env.app, sync_req(&l.token, body.clone())).await;
    println!(
        "sync of 50 changed documents: {:?} (request {} B, answer {} B, status {status})",
        t.elapsed(),
        body.len(),
        answer.len()
    );
}

/// The same tests on PostgreSQL: each runs the `#[tokio::test]` above with this thread's
/// backend switched, or prints a notice and passes as skipped when no server is configured.
mod on_postgres {
    macro_rules! on_postgres {
        ($($name:ident),* $(,)?) => {$(
            #[test]
            fn $name() {
                let Some(url) = crate::testing::test_url_or_skip(stringify!($name)) else {
                    return;
                };
                super::POSTGRES_URL.with(|u| *u.borrow_mut() = Some(url));
                super::$name();
            }
        )*};
    }

    on_postgres!(
        login_ok_bad_password_and_rate_limit,
        disabled_user_token_is_revoked,
        logout_revokes_only_the_callers_token,
        bad_sync_requests_get_clear_errors,
        a_lost_answer_is_sent_again_and_a_confirmed_one_is_not,
        a_replayed_push_is_accepted_once_and_not_duplicated,
        history_shows_device_time_and_the_later_receipt_time,
        pushes_to_other_peoples_work_orders_and_garbage_are_rejected,
        a_new_document_is_stored_as_pushed_and_trailing_bytes_are_refused,
        dispatcher_creates_and_assigns_incidents,
        blobs_are_hash_checked_and_private,
        csv_import_writes_devices_or_nothing,
        device_search_finds_short_chinese_and_mixed_words,
        test_server_serves_on_a_real_socket,
    );
}
