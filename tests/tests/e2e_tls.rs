//! https end to end: a real server with its self-signed certificate (`--tls-self-signed`),
//! devices that trust it on first use (the app's pinning verifier), a full dispatch → sync
//! round over TLS, a changed certificate refused, plain http to the TLS port failing cleanly
//! and a stalled handshake dropped.

mod common;

use fieldsync::Role;
use fieldsync::store::LocalStore;
use fieldsync::wire::LoginRequest;
use fieldsync_app::runtime::net::{self, NetError};
use fieldsync_app::runtime::trust::{self, Pins};
use fieldsync_server::testing::TestServer;
use fieldsync_tests::{BoxError, SimDevice};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

async fn tls_server() -> Result<TestServer, BoxError> {
    let server = TestServer::start_with(|c| {
        c.tls_self_signed = true;
        c.tls_handshake_timeout_secs = 1;
    })
    .await?;
    assert!(
        server.base_url.starts_with("https://"),
        "{}",
        server.base_url
    );
    server.add_user("dana", "pw-dana", Role::Dispatcher).await?;
    server.add_user("li.wei", "pw-li", Role::Engineer).await?;
    Ok(server)
}

fn fingerprint(server: &TestServer) -> String {
    server.tls.as_ref().expect("serving https").fingerprint()
}

/// An async client with the app's trust (system roots, else the pin).
fn client(pins: &Arc<Pins>) -> Result<reqwest::Client, BoxError> {
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(trust::client_config(pins.clone())?)
        .build()?)
}

/// The app's own blocking sign-in (what the worker thread calls).
async fn app_login(
    server: &TestServer,
    pins: &Arc<Pins>,
    username: &str,
    password: &str,
) -> Result<Result<String, NetError>, BoxError> {
    let (url, pins) = (server.base_url.clone(), pins.clone());
    let (username, password) = (username.to_owned(), password.to_owned());
    Ok(tokio::task::spawn_blocking(move || {
        let store = LocalStore::open_in_memory().map_err(|e| NetError::Protocol(e.to_string()))?;
        let client = net::client(pins.clone())?;
        let req = LoginRequest {
            username,
            password,
            device_id: store
                .device_id()
                .map_err(|e| NetError::Protocol(e.to_string()))?,
            device_name: "tls-test".into(),
            actors: vec![store.actor().to_hex_string()],
        };
        net::login(&client, &url, &req)
            .map(|r| r.token)
            .map_err(|e| e.or_refusal(&pins))
    })
    .await?)
}

#[tokio::test]
async fn a_sync_over_tls_pins_the_self_signed_certificate_on_first_use() -> Result<(), BoxError> {
    let server = tls_server().await?;
    let print = fingerprint(&server);

    // The dispatcher's device meets the server for the first time: trusted and pinned.
    let disp_pins = Pins::new(None);
    let mut disp = SimDevice::login_with_client(
        &server.base_url,
        "dana",
        "pw-dana",
        LocalStore::open_in_memory()?,
        client(&disp_pins)?,
    )
    .await?;
    assert_eq!(disp_pins.take_new().as_deref(), Some(print.as_str()));

    // The engineer's device already has the pin saved (an earlier sign-in): accepted.
    let eng_pins = Pins::new(Some(print.clone()));
    let mut eng = SimDevice::login_with_client(
        &server.base_url,
        "li.wei",
        "pw-li",
        LocalStore::open_in_memory()?,
        client(&eng_pins)?,
    )
    .await?;
    assert_eq!(eng_pins.take_new(), None, "nothing newly pinned");

    // A real dispatch → sync round over TLS.
    let id = common::dispatch(&mut disp, &[&eng]).await?;
    let report = eng.sync().await?;
    assert!(report.pulled >= 1, "{report:?}");
    assert!(eng.store.doc(id).is_ok(), "the work order arrived over TLS");

    // The app's blocking client signs in with the saved pin as well.
    let token = app_login(&server, &eng_pins, "li.wei", "pw-li").await??;
    assert!(!token.is_empty());
    assert!(eng_pins.take_refusal().is_none());
    Ok(())
}

#[tokio::test]
async fn a_changed_certificate_is_refused() -> Result<(), BoxError> {
    let server = tls_server().await?;
    let old = fingerprint(&server);
    let pins = Pins::new(None);
    app_login(&server, &pins, "li.wei", "pw-li").await??;
    assert_eq!(pins.take_new().as_deref(), Some(old.as_str()));

    // Someone else's certificate on the same address (here: a new one, reloaded as SIGHUP would).
    let tls = server.tls.as_ref().expect("https");
    std::fs::remove_file(&tls.files().cert)?;
    std::fs::remove_file(&tls.files().key)?;
    fieldsync_server::tls::self_signed(server.data_dir(), &[])?;
    let new = tls.reload()?;
    assert_ne!(new, old);

    let err = app_login(&server, &pins, "li.wei", "pw-li")
        .await?
        .expect_err("a changed certificate was accepted");
    let NetError::CertificateChanged(message) = &err else {
        panic!("expected a certificate refusal, got {err:?}");
    };
    assert!(
        message.contains(&old) && message.contains(&new),
        "{message}"
    );
    assert!(!err.is_offline(), "a refusal is not retried as 'offline'");
    assert_eq!(
        pins.pinned().as_deref(),
        Some(old.as_str()),
        "the pin stays"
    );

    // The async client (office screens, event stream) refuses it too.
    let refused = SimDevice::login_with_client(
        &server.base_url,
        "li.wei",
        "pw-li",
        LocalStore::open_in_memory()?,
        client(&pins)?,
    )
    .await;
    assert!(refused.is_err());
    assert!(pins.take_refusal().is_some());
    Ok(())
}

#[tokio::test]
async fn plain_http_to_the_tls_port_fails_cleanly() -> Result<(), BoxError> {
    let server = tls_server().await?;
    let plain = server.base_url.replacen("https://", "http://", 1);
    let started = Instant::now();
    let result = reqwest::Client::new()
        .get(format!("{plain}/healthz"))
        .timeout(Duration::from_secs(10))
        .send()
        .await;
    assert!(result.is_err(), "plain http got an answer: {result:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "failed only after {:?}",
        started.elapsed()
    );
    // The server is unharmed: https still answers, telling browsers to stay on https.
    let pins = Pins::new(None);
    let answer = client(&pins)?.get(server.url("/healthz")).send().await?;
    assert!(answer.status().is_success(), "{}", answer.status());
    assert_eq!(
        answer
            .headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    // Plain http (loopback only) says nothing of https.
    let plain_server = TestServer::start().await?;
    let answer = reqwest::Client::new()
        .get(plain_server.url("/healthz"))
        .send()
        .await?;
    assert!(answer.headers().get("strict-transport-security").is_none());
    Ok(())
}

#[tokio::test]
async fn a_stalled_handshake_is_dropped() -> Result<(), BoxError> {
    let server = tls_server().await?; // handshake timeout: 1 s
    let mut stalled = tokio::net::TcpStream::connect(server.addr).await?;
    let started = Instant::now();
    let mut buf = [0u8; 16];
    // The server closes the connection (EOF or reset) once the handshake timeout passes.
    let read = tokio::time::timeout(Duration::from_secs(10), stalled.read(&mut buf)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "the stalled connection is still open: {read:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(900));
    Ok(())
}

/// An address handed out with the fingerprint (`https://…#sha256=…`) is trusted from the
/// first contact without a question, replaces a pin after the server's certificate really
/// changed, and a wrong fingerprint is refused before any password is sent.
#[tokio::test]
async fn a_fingerprint_given_with_the_address_is_trusted_as_given() -> Result<(), BoxError> {
    let server = tls_server().await?;
    let print = fingerprint(&server);
    let given = format!("{}#sha256={}", server.base_url, print.replace(':', ""));
    let (url, trusted) = net::split_fingerprint(&given)?;
    assert_eq!(url, server.base_url);
    assert_eq!(trusted.as_deref(), Some(print.as_str()));

    // Provisioned: no confirmation asked, pinned at once.
    let pins = Pins::asking(None, trusted.clone());
    let token = app_login(&server, &pins, "li.wei", "pw-li").await??;
    assert!(!token.is_empty());
    assert_eq!(pins.take_new().as_deref(), Some(print.as_str()));

    // Rotation: the profile's pin is of an old certificate; the new address replaces it.
    let old = "00:".repeat(31) + "00";
    let pins = Pins::asking(Some(old), trusted);
    assert!(app_login(&server, &pins, "li.wei", "pw-li").await?.is_ok());
    assert_eq!(pins.pinned().as_deref(), Some(print.as_str()));

    // A wrong fingerprint in the address: refused like a changed certificate.
    let wrong = "AB:".repeat(31) + "CD";
    let pins = Pins::asking(None, Some(wrong));
    match app_login(&server, &pins, "li.wei", "pw-li").await? {
        Err(NetError::CertificateChanged(_)) => {}
        other => panic!("a wrong fingerprint was not refused: {other:?}"),
    }
    Ok(())
}
