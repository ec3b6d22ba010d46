//! Sessions an administrator controls: a lost laptop is revoked, its tokens stop at once with
//! the code `device_revoked` (not "signed out"), it cannot sign in again, the user's other
//! devices keep working, and a restore lets it back. On SQLite and on PostgreSQL. The small
//! router environment here (users eng, boss, sup, disp) serves other router tests too.

use crate::config::ServerConfig;
use crate::state::AppState;
use crate::storage::postgres::scratch::{ScratchDb, also_on_postgres, test_database};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use fieldsync::{DeviceId, Role};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub(super) struct Env {
    _dir: tempfile::TempDir,
    pub(super) app: Router,
    /// The server behind `app`, for tests that write documents as the server.
    pub(super) state: AppState,
    _pg: Option<ScratchDb>,
}

pub(super) async fn env() -> Env {
    env_with(|_| {}).await
}

/// [`env`] with a changed configuration.
pub(super) async fn env_with(tweak: impl FnOnce(&mut ServerConfig)) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = test_database(dir.path());
    let mut config = ServerConfig {
        data_dir: dir.path().to_owned(),
        database_url: Some(url.clone()),
        ..ServerConfig::default()
    };
    tweak(&mut config);
    let state = AppState::new(crate::storage::open(&url).unwrap(), config).unwrap();
    for (u, r) in [
        ("eng", Role::Engineer),
        ("boss", Role::Admin),
        ("sup", Role::Supervisor),
        ("disp", Role::Dispatcher),
    ] {
        crate::handlers::auth::create_user(&state.db, u, u, &format!("pw-{u}-123"), r)
            .await
            .unwrap();
    }
    Env {
        _dir: dir,
        app: crate::router(state.clone()),
        state,
        _pg: pg,
    }
}

pub(super) async fn call(
    app: &Router,
    uri: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut b = match body {
        Some(_) => Request::post(uri).header("content-type", "application/json"),
        None => Request::get(uri),
    };
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    let body = body
        .map(|v| Body::from(v.to_string()))
        .unwrap_or_else(Body::empty);
    let resp = app.clone().oneshot(b.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let bytes: Bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

pub(super) async fn login(
    app: &Router,
    user: &str,
    device: DeviceId,
) -> (StatusCode, serde_json::Value) {
    call(
        app,
        "/v1/auth/login",
        None,
        Some(
            serde_json::json!({"username": user, "password": format!("pw-{user}-123"),
            "device_id": device, "device_name": format!("{user}'s laptop"), "actors": []}),
        ),
    )
    .await
}

pub(super) async fn token(app: &Router, user: &str, device: DeviceId) -> String {
    let (s, v) = login(app, user, device).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["token"].as_str().unwrap().to_owned()
}

/// Any authenticated route will do: the actor registration answers the caller's actors.
pub(super) async fn works(app: &Router, token: &str) -> (StatusCode, serde_json::Value) {
    call(
        app,
        "/v1/devices/actors",
        Some(token),
        Some(serde_json::json!({"actors": []})),
    )
    .await
}

#[tokio::test]
async fn a_revoked_device_is_cut_off_and_told_why_and_a_restore_lets_it_back() {
    let env = env().await;
    let (lost, other) = (DeviceId::new(), DeviceId::new());
    let lost_token = token(&env.app, "eng", lost).await;
    let other_token = token(&env.app, "eng", other).await;
    let admin = token(&env.app, "boss", DeviceId::new()).await;
    let sup = token(&env.app, "sup", DeviceId::new()).await;
    assert_eq!(works(&env.app, &lost_token).await.0, StatusCode::OK);

    // Only an administrator revokes; nobody revokes what does not exist.
    let revoke = format!("/v1/registered-devices/{lost}/revoke");
    let (s, _) = call(&env.app, &revoke, Some(&sup), Some(serde_json::json!({}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(
        &env.app,
        &revoke,
        Some(&lost_token),
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(
        &env.app,
        &format!("/v1/registered-devices/{}/revoke", DeviceId::new()),
        Some(&admin),
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(
        &env.app,
        "/v1/registered-devices/not-a-uuid/revoke",
        Some(&admin),
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let (s, list) = call(&env.app, &revoke, Some(&admin), Some(serde_json::json!({}))).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device_id"] == serde_json::json!(lost))
        .unwrap();
    assert!(row["revoked_at_ms"].is_i64(), "{row}");

    // The lost laptop's token stops at once, with a code that says why.
    let (s, body) = works(&env.app, &lost_token).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "device_revoked", "{body}");
    // Signing in again from it does not help, even with the right password.
    let (s, body) = login(&env.app, "eng", lost).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "device_revoked", "{body}");
    // The user's other laptop is untouched; an unknown token is still plain `unauthorized`.
    assert_eq!(works(&env.app, &other_token).await.0, StatusCode::OK);
    let (s, body) = works(&env.app, "0000").await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );

    // Restored: it signs in again; the token from before the revocation stays dead.
    let restore = format!("/v1/registered-devices/{lost}/restore");
    let (s, _) = call(
        &env.app,
        &restore,
        Some(&admin),
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let fresh = token(&env.app, "eng", lost).await;
    assert_eq!(works(&env.app, &fresh).await.0, StatusCode::OK);
    assert_eq!(
        works(&env.app, &lost_token).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_lapsed_access_token_is_renewed_by_the_devices_refresh_token_only() {
    let env = env_with(|c| c.token_ttl_secs = 1).await;
    let laptop = DeviceId::new();
    let (s, v) = login(&env.app, "eng", laptop).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let access = v["token"].as_str().unwrap().to_owned();
    let refresh = v["refresh_token"].as_str().unwrap().to_owned();
    assert!(
        v["refresh_expires_at_ms"].as_i64() > v["expires_at_ms"].as_i64(),
        "{v}"
    );
    let renew = |t: &str| serde_json::json!({ "refresh_token": t });

    // Each kind works only where it belongs.
    assert_eq!(works(&env.app, &access).await.0, StatusCode::OK);
    assert_eq!(works(&env.app, &refresh).await.0, StatusCode::UNAUTHORIZED);
    let (s, _) = call(&env.app, "/v1/auth/refresh", None, Some(renew(&access))).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "an access token does not refresh"
    );

    // The access token lapses (a second here); the refresh token gets a working one.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(works(&env.app, &access).await.0, StatusCode::UNAUTHORIZED);
    let (s, r) = call(&env.app, "/v1/auth/refresh", None, Some(renew(&refresh))).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let fresh = r["token"].as_str().unwrap().to_owned();
    assert_ne!(fresh, access);
    assert_eq!(works(&env.app, &fresh).await.0, StatusCode::OK);

    // Signing out ends the device's refresh token too.
    let (s, _) = call(
        &env.app,
        "/v1/logout",
        Some(&fresh),
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = call(&env.app, "/v1/auth/refresh", None, Some(renew(&refresh))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // A revoked laptop's refresh token is refused, saying why.
    let lost = DeviceId::new();
    let (_, v) = login(&env.app, "eng", lost).await;
    let lost_refresh = v["refresh_token"].as_str().unwrap().to_owned();
    let admin = token(&env.app, "boss", DeviceId::new()).await;
    let (s, _) = call(
        &env.app,
        &format!("/v1/registered-devices/{lost}/revoke"),
        Some(&admin),
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = call(
        &env.app,
        "/v1/auth/refresh",
        None,
        Some(renew(&lost_refresh)),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "device_revoked", "{body}");

    // Junk is refused before any work.
    let (s, _) = call(
        &env.app,
        "/v1/auth/refresh",
        None,
        Some(renew(&"x".repeat(100_000))),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

also_on_postgres!(
    a_revoked_device_is_cut_off_and_told_why_and_a_restore_lets_it_back,
    a_lapsed_access_token_is_renewed_by_the_devices_refresh_token_only
);
