//! First contact with a self-signed server: nothing is trusted until the user has compared
//! the fingerprint; a fingerprint that does not match what the server shows is refused; the
//! confirmed one is pinned and sync runs over TLS.

use fieldsync::Role;
use fieldsync::store::LocalStore;
use fieldsync_app::runtime::{FromWorker, ToWorker, WorkerHandle};
use fieldsync_server::testing::TestServer;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Sign in and wait for the outcome: signed in, a certificate to confirm, or a failure.
fn sign_in(w: &WorkerHandle, url: &str) -> FromWorker {
    w.send(ToWorker::SignIn {
        server: url.into(),
        username: "eng".into(),
        password: "pw-eng-123".into(),
        wait_for_server: false,
    });
    loop {
        let e = w.rx.recv_timeout(Duration::from_secs(60)).unwrap();
        if matches!(
            e,
            FromWorker::SignedIn(_)
                | FromWorker::CertificateToConfirm(_)
                | FromWorker::SignInFailed(_)
        ) {
            return e;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_server_is_trusted_only_after_its_fingerprint_is_confirmed() {
    let server = TestServer::start_with(|c| c.tls_self_signed = true)
        .await
        .unwrap();
    server
        .add_user("eng", "pw-eng-123", Role::Engineer)
        .await
        .unwrap();
    let print = server.tls.as_ref().unwrap().fingerprint();
    let url = server.base_url.clone();
    assert!(url.starts_with("https://"), "{url}");
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Mutex::new(LocalStore::open(dir.path()).unwrap()));
        let w = WorkerHandle::spawn(store.clone(), || {});
        let meta = |k: &str| store.lock().unwrap().meta(k).unwrap();
        // First contact: shown, not trusted, nothing sent (no password left for a listener).
        match sign_in(&w, &url) {
            FromWorker::CertificateToConfirm(shown) => assert_eq!(shown, print),
            other => panic!("expected a certificate to confirm, got {other:?}"),
        }
        assert_eq!(meta("app.server_cert_sha256"), None);
        assert_eq!(meta("app.token"), None);
        // A fingerprint that is not the server's (what an attacker's certificate would give).
        w.send(ToWorker::TrustCertificate("00".repeat(32)));
        match sign_in(&w, &url) {
            FromWorker::SignInFailed(why) => assert!(why.contains(&print), "{why}"),
            other => panic!("a wrong fingerprint was accepted: {other:?}"),
        }
        assert_eq!(meta("app.token"), None);
        // The confirmed fingerprint: signed in, pinned, and a sync runs over TLS.
        w.send(ToWorker::TrustCertificate(print.clone()));
        match sign_in(&w, &url) {
            FromWorker::SignedIn(_) => {}
            other => panic!("the confirmed certificate was refused: {other:?}"),
        }
        assert_eq!(meta("app.server_cert_sha256"), Some(print.clone()));
        loop {
            match w.rx.recv_timeout(Duration::from_secs(60)).unwrap() {
                FromWorker::Synced(_) => break,
                FromWorker::SyncFailed { error, .. } => panic!("sync over TLS failed: {error}"),
                _ => {}
            }
        }
        w.send(ToWorker::Shutdown);
    })
    .await
    .unwrap();
}
