//! `PUT/GET /v1/blobs/{sha256}`: content-addressed attachments. The hash is verified on
//! arrival; the file is written to a temporary name and renamed, so a cut-off upload leaves
//! nothing behind. Engineers may read only blobs their briefcase references (or they sent).
//! Resumable (ranged) upload is not implemented yet: a retry re-sends the whole blob.

use crate::auth::Auth;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::storage::BlobMeta;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use tracing::instrument;

fn check_hash(s: &str) -> AppResult<()> {
    if s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "{s:?} is not a lower-case sha256 hex digest"
        )))
    }
}

fn blob_path(state: &AppState, sha: &str) -> PathBuf {
    state.config.blob_dir().join(&sha[..2]).join(sha)
}

#[instrument(skip_all)]
pub async fn put_blob(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<StatusCode> {
    let Path(sha) = path?;
    check_hash(&sha)?;
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!(
                "blobs are limited to {} bytes",
                state.config.max_blob_bytes
            ))
        } else {
            AppError::BadRequest(r.body_text())
        }
    })?;
    let actual = hex::encode(Sha256::digest(&body));
    if actual != sha {
        return Err(AppError::BadRequest(format!(
            "the body's sha256 is {actual}, not {sha}: upload again"
        )));
    }
    let target = blob_path(&state, &sha);
    let size = body.len() as u64;
    if !target.exists() {
        let dir = target
            .parent()
            .map(PathBuf::from)
            .ok_or_else(|| AppError::Internal("blob path has no parent".into()))?;
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            let tmp = dir.join(format!(".{}.{}", sha_prefix(&target), std::process::id()));
            std::fs::write(&tmp, &body)?;
            std::fs::File::open(&tmp)?.sync_all()?;
            std::fs::rename(&tmp, &target)
        })
        .await?
        .map_err(|e| AppError::Internal(format!("storing a blob: {e}")))?;
    }
    let meta = BlobMeta {
        sha256: sha,
        size,
        uploaded_by: session.user.id,
        created_at_ms: crate::now_ms(),
    };
    state.db.call(move |s| s.put_blob_meta(&meta)).await?;
    Ok(StatusCode::CREATED)
}

fn sha_prefix(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[instrument(skip_all)]
pub async fn get_blob(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Response> {
    let Path(sha) = path?;
    check_hash(&sha)?;
    let (uid, role) = (session.user.id, session.user.role);
    let sha2 = sha.clone();
    let (meta, visible) = state
        .db
        .call(move |s| Ok((s.blob_meta(&sha2)?, s.blob_visible_to(&sha2, uid, role)?)))
        .await?;
    if meta.is_none() || !visible {
        return Err(AppError::NotFound(format!("no blob {sha}")));
    }
    let bytes = tokio::fs::read(blob_path(&state, &sha))
        .await
        .map_err(|e| AppError::Internal(format!("reading blob {sha}: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::ETAG, format!("\"{sha}\"")),
        ],
        bytes,
    )
        .into_response())
}
