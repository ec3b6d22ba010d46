//! A laptop an administrator revokes (reported lost) is told so in words at its next sync —
//! not "sign in again", which would not help — and the work it had not sent stays in its
//! local store, to be sent once the device is restored and signed in again.

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

fn sign_in(w: &WorkerHandle, url: &str) -> Result<(), String> {
    w.send(ToWorker::SignIn {
        server: url.into(),
        username: "eng".into(),
        password: "pw-eng-123".into(),
        wait_for_server: false,
    });
    loop {
        match w.rx.recv_timeout(Duration::from_secs(60)).unwrap() {
            FromWorker::SignedIn(_) => return Ok(()),
            FromWorker::SignInFailed(e) => return Err(e),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_laptop_is_told_why_and_keeps_its_unsent_work() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("eng", "pw-eng-123", Role::Engineer)
        .await
        .unwrap();
    let db = server.state.db.clone();
    let url = server.base_url.clone();
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        // Global, not per thread: the words are made on the sync worker's thread. This
        // binary checks no other words.
        fieldsync_i18n::set_current(Lang::ZhCn);
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Mutex::new(LocalStore::open(dir.path()).unwrap()));
        let w = WorkerHandle::spawn(store.clone(), || {});
        sign_in(&w, &url).unwrap();
        next_sync(&w).expect("the first sync after sign-in works");

        // The laptop is reported lost while it holds an incident not yet sent.
        let device = store.lock().unwrap().device_id().unwrap();
        rt.block_on(db.call(move |s| s.set_device_revoked(device, Some(1))))
            .unwrap();
        let new = NewWorkOrder {
            kind: "incident".into(),
            title: "打印机卡纸".into(),
            ..Default::default()
        };
        let me = store.lock().unwrap().identity().unwrap().unwrap().user_id;
        let now = fieldsync_server::now_ms();
        let id = store
            .lock()
            .unwrap()
            .create(DocKind::WorkOrder, now, |d, id| {
                model::create_work_order(d, id, &new, &me, now)
            })
            .unwrap();
        w.send(ToWorker::SyncNow);
        let (error, _) = next_sync(&w).expect_err("a revoked laptop cannot sync");
        assert!(error.contains("管理员已吊销这台电脑"), "{error}");
        assert!(
            error.contains("尚未发送的工作仍保存在这台电脑上"),
            "{error}"
        );
        // Signing in again is refused with the same words, not "wrong password".
        let refused = sign_in(&w, &url).unwrap_err();
        assert!(refused.contains("管理员已吊销"), "{refused}");
        // Nothing was lost: the incident is still here, waiting to be sent.
        assert_eq!(
            store.lock().unwrap().work_order(id).unwrap().title,
            "打印机卡纸"
        );
        assert!(store.lock().unwrap().pending_count().unwrap() >= 1);

        // Restored by the administrator: sign in again and the incident reaches the hub.
        rt.block_on(db.call(move |s| s.set_device_revoked(device, None)))
            .unwrap();
        sign_in(&w, &url).unwrap();
        let accepted = loop {
            match next_sync(&w) {
                Ok(n) if n > 0 => break n,
                Ok(_) => w.send(ToWorker::SyncNow),
                Err((e, _)) => panic!("sync after restore failed: {e}"),
            }
        };
        assert!(accepted >= 1);
        assert_eq!(store.lock().unwrap().pending_count().unwrap(), 0);
        w.send(ToWorker::Shutdown);
    })
    .await
    .unwrap();
}

/// Signing out forgets the token here and has the server revoke it; the work not yet sent
/// stays in the store and goes with the next sign-in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_revokes_the_token_and_keeps_unsent_work() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("eng", "pw-eng-123", Role::Engineer)
        .await
        .unwrap();
    let url = server.base_url.clone();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Mutex::new(LocalStore::open(dir.path()).unwrap()));
        let w = WorkerHandle::spawn(store.clone(), || {});
        sign_in(&w, &url).unwrap();
        next_sync(&w).expect("first sync");
        let token = store
            .lock()
            .unwrap()
            .meta("app.token")
            .unwrap()
            .expect("a token while signed in");
        // An incident written while the network is about to be gone from this laptop.
        let me = store.lock().unwrap().identity().unwrap().unwrap().user_id;
        let now = fieldsync_server::now_ms();
        let new = NewWorkOrder {
            kind: "incident".into(),
            title: "扫描仪离线".into(),
            ..Default::default()
        };
        store
            .lock()
            .unwrap()
            .create(DocKind::WorkOrder, now, |d, id| {
                model::create_work_order(d, id, &new, &me, now)
            })
            .unwrap();
        w.send(ToWorker::SignOut);
        let told = loop {
            if let FromWorker::SignedOut { told_server } =
                w.rx.recv_timeout(Duration::from_secs(60)).unwrap()
            {
                break told_server;
            }
        };
        assert!(told, "the server was told");
        assert_eq!(store.lock().unwrap().meta("app.token").unwrap(), None);
        // The old token is refused by the server.
        let status = reqwest::blocking::Client::new()
            .post(format!("{url}/v1/devices/actors"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"actors": []}))
            .send()
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 401);
        // Nothing was lost; the next sign-in sends it.
        assert!(store.lock().unwrap().pending_count().unwrap() >= 1);
        sign_in(&w, &url).unwrap();
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
