//! The demo deployment: SQLite in a folder, seeded once with DOMAIN.md's demo customers and
//! logins, then reopened as it is, so a demo keeps what was synced across restarts. Used by
//! `fieldsync-server demo` and, in-process, by the field app's `--demo`.

use crate::config::ServerConfig;
use crate::seed::{DEMO_USERS, SeedReport, demo_users};
use crate::{AppState, storage};
use anyhow::{Context, Result};
use std::future::Future;
use std::path::Path;

/// Open the database that `config` names (running migrations).
pub async fn open_state(config: ServerConfig) -> Result<AppState> {
    let url = config.database_url();
    let db = tokio::task::spawn_blocking(move || storage::open(&url))
        .await?
        .with_context(|| {
            format!(
                "opening the database {}",
                crate::storage::redact_url(&config.database_url())
            )
        })?;
    Ok(AppState::new(db, config)?)
}

/// Does `dir` already hold a fieldsync database?
pub fn holds_database(dir: &Path) -> bool {
    dir.join("fieldsync.db").exists()
}

/// Create the demo users and documents in a fresh database, written in `lang` (the
/// customers, their sites and documents, the users' display names).
pub async fn seed(state: &AppState, lang: fieldsync_i18n::Lang) -> Result<SeedReport> {
    let mut users = Vec::new();
    for (username, name, role, password) in demo_users(lang) {
        users.push(
            crate::handlers::auth::create_user(&state.db, username, name, password, role).await?,
        );
    }
    let now = crate::now_ms();
    let signature = demo_signature(state, &users, now).await?;
    let hub = state.hub.clone();
    Ok(tokio::task::spawn_blocking(move || {
        crate::seed::seed_demo(&hub, &users, Some(signature), now, lang)
    })
    .await??)
}

/// The demo customer's signature as a blob (PNG, as the app stores one), uploaded by the
/// first engineer; its hash.
async fn demo_signature(
    state: &AppState,
    users: &[storage::UserRecord],
    now: fieldsync::TimestampMs,
) -> Result<String> {
    use sha2::Digest;
    let strokes = crate::seed::reviews::demo_signature_strokes();
    let (w, h) = crate::report::signature::PAD;
    let png = crate::report::signature::render_png(&strokes, w, h).map_err(anyhow::Error::msg)?;
    let sha = hex::encode(sha2::Sha256::digest(&png));
    let dir = state.config.blob_dir();
    let target = crate::handlers::blobs::blob_file(&dir, &sha);
    let parent = target.parent().map(Path::to_path_buf).unwrap_or(dir);
    let size = png.len() as u64;
    tokio::task::spawn_blocking(move || {
        crate::handlers::blobs::write_blob_file(&parent, &target, &png)
    })
    .await??;
    let uploader = users
        .iter()
        .find(|u| u.role == fieldsync::Role::Engineer)
        .map(|u| u.id)
        .context("the demo has no engineer")?;
    let meta = storage::BlobMeta {
        sha256: sha.clone(),
        size,
        uploaded_by: uploader,
        created_at_ms: now,
    };
    state.db.call(move |s| s.put_blob_meta(&meta)).await?;
    Ok(sha)
}

/// Serve on `listener` (https with `tls`) with the background jobs (plan generator, SLA
/// sweep) until `shutdown`.
pub async fn serve_with_jobs(
    state: AppState,
    listener: tokio::net::TcpListener,
    tls: Option<std::sync::Arc<crate::tls::Tls>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    // Plan generator and SLA sweep: at start, then every minute.
    let jobs = crate::jobs::spawn(state.clone(), std::time::Duration::from_secs(60));
    let served = super::serve::serve_tls(state, listener, tls, shutdown).await;
    jobs.abort();
    Ok(served?)
}

/// The demo password of a demo login (`None` for other users).
pub fn demo_password(username: &str) -> Option<&'static str> {
    DEMO_USERS
        .iter()
        .find(|(u, ..)| *u == username)
        .map(|(_, _, p)| *p)
}
