//! End to end against a real server (port 0, temporary database): the app's store and sync
//! worker sign in, work offline, restart, sync; a second device of the same engineer then
//! receives every edit from the server.

use fieldsync::Role;
use fieldsync::model::{self, EventExtra, NewWorkOrder};
use fieldsync::status::{EventKind, Status};
use fieldsync::store::{Identity, LocalStore};
use fieldsync_app::runtime::{FromWorker, SharedStore, SyncSummary, ToWorker, WorkerHandle, lock};
use fieldsync_server::testing::TestServer;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn open(dir: &Path) -> SharedStore {
    Arc::new(Mutex::new(LocalStore::open(dir).unwrap()))
}

/// Wait for the worker's next sign-in or sync outcome; fail on an error report.
fn next_outcome(w: &WorkerHandle) -> FromWorker {
    loop {
        match w
            .rx
            .recv_timeout(Duration::from_secs(60))
            .expect("worker report")
        {
            ev @ (FromWorker::SignedIn(_) | FromWorker::Synced(_)) => return ev,
            FromWorker::SignInFailed(e) => panic!("sign-in failed: {e}"),
            FromWorker::SyncFailed { error, .. } => panic!("sync failed: {error}"),
            _ => {}
        }
    }
}

fn sign_in(w: &WorkerHandle, url: &str) -> Identity {
    w.send(ToWorker::SignIn {
        server: url.into(),
        username: "li.wei".into(),
        password: "pw-li".into(),
        wait_for_server: false,
    });
    let FromWorker::SignedIn(me) = next_outcome(w) else {
        panic!("expected a sign-in first")
    };
    synced(w);
    me
}

fn synced(w: &WorkerHandle) -> SyncSummary {
    match next_outcome(w) {
        FromWorker::Synced(s) => s,
        other => panic!("expected a sync, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_work_survives_a_restart_and_reaches_the_server() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("li.wei", "pw-li", Role::Engineer)
        .await
        .unwrap();
    let url = server.base_url.clone();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let worker = WorkerHandle::spawn(store.clone(), || {});
        let me = sign_in(&worker, &url);
        drop(worker); // the network goes away

        // Its first sync leased work-order numbers (in December, next year's too).
        let today = chrono::Utc::now().date_naive();
        let year = chrono::Datelike::year(&today);
        assert_eq!(lock(&store).numbers_left(year).unwrap(), 20);
        let next_year = if chrono::Datelike::month(&today) == 12 {
            20
        } else {
            0
        };
        assert_eq!(lock(&store).numbers_left(year + 1).unwrap(), next_year);

        let now = chrono::Utc::now().timestamp_millis();
        let new = NewWorkOrder {
            kind: "incident".into(),
            title: "UPS alarm in server room".into(),
            assignees: vec![me.user_id.clone()],
            category: Some("hardware".into()),
            ..Default::default()
        };
        let (id, number) = {
            let mut s = lock(&store);
            let (id, number) = s
                .create_numbered(now, year, |d, id, number| {
                    let new = NewWorkOrder {
                        number: number.map(str::to_owned),
                        ..new.clone()
                    };
                    model::create_work_order(d, id, &new, &me.user_id, now)
                })
                .unwrap();
            assert!(number.is_some(), "numbered offline");
            s.edit(id, now + 1, |d| {
                model::set_findings(d, "Battery 2 swollen; 电池鼓包", now + 1)
            })
            .unwrap();
            s.edit(id, now + 2, |d| {
                model::record_event(
                    d,
                    EventKind::Accepted,
                    &me.user_id,
                    now + 2,
                    EventExtra::default(),
                )
                .map(|_| ())
            })
            .unwrap();
            (id, number)
        };
        drop(store); // the app is closed offline …

        let store = open(dir.path()); // … and opened again
        assert_eq!(lock(&store).pending_count().unwrap(), 1);
        assert_eq!(
            lock(&store).identity().unwrap().unwrap(),
            me,
            "still signed in"
        );
        let worker = WorkerHandle::spawn(store.clone(), || {});
        let summary = synced(&worker); // it syncs by itself on start
        assert!(summary.rejected.is_empty(), "{:?}", summary.rejected);
        assert_eq!(summary.accepted, 1);
        assert_eq!(summary.round_trips, 1);
        assert_eq!(lock(&store).pending_count().unwrap(), 0);
        drop(worker);

        // Another device of the same engineer gets everything from the server.
        let dir2 = tempfile::tempdir().unwrap();
        let store2 = open(dir2.path());
        let worker2 = WorkerHandle::spawn(store2.clone(), || {});
        sign_in(&worker2, &url);
        let wo = lock(&store2).work_order(id).unwrap();
        assert_eq!(wo.title, "UPS alarm in server room");
        assert_eq!(wo.number, number, "the server kept the laptop's number");
        assert_eq!(wo.findings.as_str(), "Battery 2 swollen; 电池鼓包");
        assert_eq!(wo.fold().status, Status::Accepted);
        assert_eq!(
            lock(&store2)
                .list_work_orders(Some(&me.user_id))
                .unwrap()
                .len(),
            1
        );
    })
    .await
    .unwrap();
}

#[test]
fn offline_sync_reports_in_plain_words_and_backs_off() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    {
        let s = lock(&store);
        s.set_meta(
            fieldsync_app::runtime::meta::SERVER_URL,
            Some("http://127.0.0.1:9"),
        )
        .unwrap();
        s.set_meta(fieldsync_app::runtime::meta::TOKEN, Some("t"))
            .unwrap();
    }
    let worker = WorkerHandle::spawn(store, || {});
    let failed = loop {
        match worker.rx.recv_timeout(Duration::from_secs(30)).unwrap() {
            FromWorker::SyncFailed {
                error,
                offline,
                retry_in_secs,
                ..
            } => break (error, offline, retry_in_secs),
            FromWorker::Synced(_) => panic!("nothing listens on port 9"),
            _ => {}
        }
    };
    assert!(failed.1, "reported as offline");
    assert!(
        failed.0.starts_with("offline: cannot reach the server"),
        "{}",
        failed.0
    );
    assert_eq!(failed.2, Some(5), "first retry after 5 s, then doubling");
}
