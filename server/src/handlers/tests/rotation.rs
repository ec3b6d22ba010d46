//! Refresh-token rotation with reuse detection, through the router on SQLite and PostgreSQL:
//! every refresh answers a new refresh token and retires the one sent; the retired one
//! presented again within the grace window gets the same successor (a crash before saving,
//! two requests racing); presented after it, the device's whole sign-in ends — its access
//! tokens too, with the code `refresh_reused` — and nothing else is touched.

use super::sessions::{call, env, env_with, login, works};
use crate::storage::postgres::scratch::also_on_postgres;
use axum::Router;
use axum::http::StatusCode;
use fieldsync::DeviceId;
use serde_json::Value;
use std::time::Duration;

async fn refresh(app: &Router, refresh_token: &str) -> (StatusCode, Value) {
    call(
        app,
        "/v1/auth/refresh",
        None,
        Some(serde_json::json!({ "refresh_token": refresh_token })),
    )
    .await
}

/// The access and refresh tokens of a sign-in (or of a refresh answer).
fn pair(v: &Value) -> (String, String) {
    (
        v["token"].as_str().expect("an access token").to_owned(),
        v["refresh_token"]
            .as_str()
            .expect("a refresh token")
            .to_owned(),
    )
}

#[tokio::test]
async fn each_refresh_rotates_and_a_retry_within_the_grace_gets_the_same_successor() {
    let env = env().await;
    let (s, signed_in) = login(&env.app, "eng", DeviceId::new()).await;
    assert_eq!(s, StatusCode::OK, "{signed_in}");
    let (_, r0) = pair(&signed_in);

    let (s, first) = refresh(&env.app, &r0).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    let (a1, r1) = pair(&first);
    assert_ne!(r1, r0, "a new refresh token");
    assert_eq!(works(&env.app, &a1).await.0, StatusCode::OK);
    // The sign-in keeps its end: rotation does not stretch the 30 days.
    assert_eq!(
        first["refresh_expires_at_ms"], signed_in["refresh_expires_at_ms"],
        "{first} {signed_in}"
    );

    // The app crashed before saving the answer and sends the old token again: the same
    // successor, and a working access token.
    let (s, again) = refresh(&env.app, &r0).await;
    assert_eq!(s, StatusCode::OK, "{again}");
    let (a1b, r1b) = pair(&again);
    assert_eq!(r1b, r1, "the same successor within the grace");
    assert_eq!(works(&env.app, &a1b).await.0, StatusCode::OK);
    assert_eq!(works(&env.app, &a1).await.0, StatusCode::OK);

    // Two requests racing with one token both succeed, with one successor between them.
    let ((s1, x), (s2, y)) = tokio::join!(refresh(&env.app, &r1), refresh(&env.app, &r1));
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{x} {y}");
    assert_eq!(x["refresh_token"], y["refresh_token"], "{x} {y}");
    let (_, r2) = pair(&x);
    assert_ne!(r2, r1);
    // The successor rotates on in turn; a retired token is no access token either.
    let (s, next) = refresh(&env.app, &r2).await;
    assert_eq!(s, StatusCode::OK, "{next}");
    assert_eq!(works(&env.app, &r1).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_retired_refresh_token_after_the_grace_ends_that_sign_in_and_nothing_else() {
    let env = env_with(|c| c.refresh_reuse_grace_secs = 1).await;
    let (laptop, desktop) = (DeviceId::new(), DeviceId::new());
    let (_, v) = login(&env.app, "eng", laptop).await;
    let (a0, r0) = pair(&v);
    let (_, v) = login(&env.app, "eng", desktop).await;
    let (desk_access, desk_refresh) = pair(&v);
    let (_, v) = login(&env.app, "disp", DeviceId::new()).await;
    let (other_user, _) = pair(&v);

    // A copy of the laptop's refresh token is used elsewhere first: it rotates.
    let (s, stolen) = refresh(&env.app, &r0).await;
    assert_eq!(s, StatusCode::OK, "{stolen}");
    let (thief_access, thief_refresh) = pair(&stolen);
    assert_eq!(works(&env.app, &thief_access).await.0, StatusCode::OK);

    // The laptop presents its (now retired) token after the grace: theft.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (s, body) = refresh(&env.app, &r0).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "refresh_reused", "{body}");

    // The whole family is gone, each token told why: the laptop's access token, the thief's
    // access token and the thief's refresh token.
    for token in [&a0, &thief_access] {
        let (s, body) = works(&env.app, token).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["code"], "refresh_reused", "{body}");
    }
    let (s, body) = refresh(&env.app, &thief_refresh).await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("refresh_reused")),
        "{body}"
    );

    // The user's other device and another user are untouched.
    assert_eq!(works(&env.app, &desk_access).await.0, StatusCode::OK);
    assert_eq!(works(&env.app, &other_user).await.0, StatusCode::OK);
    let (s, body) = refresh(&env.app, &desk_refresh).await;
    assert_eq!(s, StatusCode::OK, "{body}");

    // Signing in again on the laptop starts a new sign-in that works.
    let (s, v) = login(&env.app, "eng", laptop).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (fresh, fresh_refresh) = pair(&v);
    assert_eq!(works(&env.app, &fresh).await.0, StatusCode::OK);
    let (s, body) = refresh(&env.app, &fresh_refresh).await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_retired_token_whose_successor_was_used_is_reuse_even_within_the_grace() {
    let env = env().await;
    let (_, v) = login(&env.app, "eng", DeviceId::new()).await;
    let (_, r0) = pair(&v);
    let (_, v) = refresh(&env.app, &r0).await;
    let (_, r1) = pair(&v);
    // Someone went on with the successor: the holder of its predecessor is not the one
    // who crashed before saving it.
    let (s, v) = refresh(&env.app, &r1).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (a2, _) = pair(&v);
    let (s, body) = refresh(&env.app, &r0).await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("refresh_reused")),
        "{body}"
    );
    assert_eq!(works(&env.app, &a2).await.0, StatusCode::UNAUTHORIZED);
    // Garbage and unknown tokens are plain `unauthorized`, never taken for theft.
    let (s, body) = refresh(&env.app, "00").await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
}

also_on_postgres!(
    each_refresh_rotates_and_a_retry_within_the_grace_gets_the_same_successor,
    a_retired_refresh_token_after_the_grace_ends_that_sign_in_and_nothing_else,
    a_retired_token_whose_successor_was_used_is_reuse_even_within_the_grace
);

/// A refresh token and the access token issued with it at a login before this schema: the
/// migration makes them one family, so the old refresh token rotates and, come back late,
/// ends that access token too. (SQLite: the same statements run on PostgreSQL's migration.)
#[tokio::test]
async fn tokens_issued_before_the_migration_rotate_and_are_ended_as_one_family() {
    use crate::auth::token_hash;
    use crate::storage::sqlite::migrations;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let (user, device) = (fieldsync::UserId::new(), DeviceId::new());
    let (refresh_secret, access_secret) = ("refresh-from-before", "access-from-before");
    let later = crate::now_ms() + 3_600_000;
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        migrations::run_to(&mut conn, migrations::BEFORE_TOKEN_FAMILIES).unwrap();
        let hash = crate::auth::hash_password("pw-eng-123").unwrap();
        conn.execute(
            "INSERT INTO users (id, username, display_name, role, password_hash, created_at_ms)
             VALUES (?1, 'eng', 'eng', 'engineer', ?2, 1)",
            rusqlite::params![user.to_string(), hash],
        )
        .unwrap();
        for (secret, kind) in [(refresh_secret, "refresh"), (access_secret, "access")] {
            conn.execute(
                "INSERT INTO tokens (token_hash, user_id, device_id, created_at_ms, expires_at_ms, kind)
                 VALUES (?1, ?2, ?3, 1000, ?4, ?5)",
                rusqlite::params![token_hash(secret), user.to_string(), device.to_string(), later, kind],
            )
            .unwrap();
        }
    }
    let url = format!("sqlite://{}", path.display());
    let db = crate::storage::open(&url).unwrap();
    db.blocking().migrate().unwrap();
    let config = crate::config::ServerConfig {
        data_dir: dir.path().to_owned(),
        database_url: Some(url),
        refresh_reuse_grace_secs: 1,
        ..Default::default()
    };
    let app = crate::router(crate::state::AppState::new(db, config).unwrap());

    assert_eq!(works(&app, access_secret).await.0, StatusCode::OK);
    let (s, v) = refresh(&app, refresh_secret).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (fresh, _) = pair(&v);
    assert_eq!(
        v["refresh_expires_at_ms"], later,
        "the old sign-in's end is kept"
    );
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (s, body) = refresh(&app, refresh_secret).await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("refresh_reused")),
        "{body}"
    );
    for token in [access_secret, fresh.as_str()] {
        let (s, body) = works(&app, token).await;
        assert_eq!(body["code"], "refresh_reused", "{s} {body}");
    }
}
