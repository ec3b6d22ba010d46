//! A copied refresh token, through the real app runtime against a real hub: the app renews
//! its lapsed access token with rotation (a new refresh token kept each time, syncing on);
//! once a copy of its refresh token has been used elsewhere, the app's next renewal presents
//! a retired token, the hub ends the whole sign-in — the copy's tokens too — and the app says
//! "signed out for safety" in words, keeps every unsent edit, and sends them after signing in
//! again.

use fieldsync::model::{self, NewWorkOrder};
use fieldsync::store::LocalStore;
use fieldsync::{DocKind, Role};
use fieldsync_app::runtime::{FromWorker, ToWorker, WorkerHandle};
use fieldsync_i18n::Lang;
use fieldsync_server::testing::TestServer;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The next sync report (success or failure), skipping progress.
fn next_sync(w: &WorkerHandle) -> Result<usize, (String, bool)> {
    loop {
        match w
            .rx
            .recv_timeout(Duration::from_secs(60))
            .expect("a sync report")
        {
            FromWorker::Synced(s) => return Ok(s.accepted),
            FromWorker::SyncFailed {
                error,
                needs_sign_in,
                ..
            } => return Err((error, needs_sign_in)),
            FromWorker::SignInFailed(e) => panic!("sign-in failed: {e}"),
            _ => {}
        }
    }
}

fn sign_in(w: &WorkerHandle, url: &str) {
    w.send(ToWorker::SignIn {
        server: url.into(),
        username: "eng".into(),
        password: "pw-eng-123".into(),
        wait_for_server: false,
    });
    loop {
        match w.rx.recv_timeout(Duration::from_secs(60)).unwrap() {
            FromWorker::SignedIn(_) => return,
            FromWorker::SignInFailed(e) => panic!("sign-in failed: {e}"),
            _ => {}
        }
    }
}

/// `POST /v1/auth/refresh` as someone holding a copy of the token.
fn refresh_elsewhere(url: &str, refresh_token: &str) -> (u16, serde_json::Value) {
    let resp = reqwest::blocking::Client::new()
        .post(format!("{url}/v1/auth/refresh"))
        .json(&serde_json::json!({ "refresh_token": refresh_token }))
        .send()
        .unwrap();
    (resp.status().as_u16(), resp.json().unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copied_refresh_token_signs_the_laptop_out_for_safety_and_keeps_its_work() {
    // Access tokens live a second, and a retired refresh token a second more.
    let server = TestServer::start_with(|c| {
        c.token_ttl_secs = 1;
        c.refresh_reuse_grace_secs = 1;
    })
    .await
    .unwrap();
    server
        .add_user("eng", "pw-eng-123", Role::Engineer)
        .await
        .unwrap();
    let url = server.base_url.clone();
    tokio::task::spawn_blocking(move || {
        // Global: the words are made on the sync worker's thread; this binary checks no
        // other words.
        fieldsync_i18n::set_current(Lang::ZhCn);
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Mutex::new(LocalStore::open(dir.path()).unwrap()));
        let w = WorkerHandle::spawn(store.clone(), || {});
        let refresh_token = || store.lock().unwrap().meta("app.refresh_token").unwrap();
        sign_in(&w, &url);
        next_sync(&w).expect("the first sync after sign-in works");

        // Honest renewals: the access token lapses, the app renews with rotation and syncs
        // on, keeping the new refresh token each time.
        for _ in 0..2 {
            let before = refresh_token().expect("a refresh token while signed in");
            std::thread::sleep(Duration::from_millis(1_200));
            w.send(ToWorker::SyncNow);
            next_sync(&w).expect("a sync after the access token lapsed");
            let after = refresh_token().unwrap();
            assert_ne!(after, before, "the refresh token was rotated and kept");
        }

        // A copy of the laptop's refresh token is used elsewhere.
        let copy = refresh_token().unwrap();
        let (status, stolen) = refresh_elsewhere(&url, &copy);
        assert_eq!(status, 200, "{stolen}");
        let thief = stolen["token"].as_str().unwrap().to_owned();

        // Meanwhile an incident written on the laptop, not yet sent.
        let me = store.lock().unwrap().identity().unwrap().unwrap().user_id;
        let now = fieldsync_server::now_ms();
        let new = NewWorkOrder {
            kind: "incident".into(),
            title: "交换机端口故障".into(),
            ..Default::default()
        };
        let id = store
            .lock()
            .unwrap()
            .create(DocKind::WorkOrder, now, |d, id| {
                model::create_work_order(d, id, &new, &me, now)
            })
            .unwrap();

        // The laptop's access token lapses; its renewal presents the retired token.
        std::thread::sleep(Duration::from_millis(1_200));
        w.send(ToWorker::SyncNow);
        let (error, needs_sign_in) = next_sync(&w).expect_err("the sign-in was ended");
        assert!(needs_sign_in);
        assert!(error.contains("为安全起见"), "{error}");
        assert!(
            error.contains("尚未发送的修改仍保存在这台电脑上"),
            "{error}"
        );
        // The copy is dead too.
        let status = reqwest::blocking::Client::new()
            .post(format!("{url}/v1/devices/actors"))
            .bearer_auth(&thief)
            .json(&serde_json::json!({"actors": []}))
            .send()
            .unwrap();
        assert_eq!(status.status().as_u16(), 401);
        let body: serde_json::Value = status.json().unwrap();
        assert_eq!(body["code"], "refresh_reused", "{body}");
        let thief_refresh = stolen["refresh_token"].as_str().unwrap();
        assert_eq!(refresh_elsewhere(&url, thief_refresh).0, 401);

        // Nothing was lost; signing in again sends the incident.
        assert_eq!(
            store.lock().unwrap().work_order(id).unwrap().title,
            "交换机端口故障"
        );
        assert!(store.lock().unwrap().pending_count().unwrap() >= 1);
        sign_in(&w, &url);
        loop {
            match next_sync(&w) {
                Ok(n) if n > 0 => break,
                Ok(_) => w.send(ToWorker::SyncNow),
                Err((e, _)) => panic!("sync after signing in again failed: {e}"),
            }
        }
        assert_eq!(store.lock().unwrap().pending_count().unwrap(), 0);
        w.send(ToWorker::Shutdown);
    })
    .await
    .unwrap();
}
