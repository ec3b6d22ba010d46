//! `PUT/GET /v1/blobs/{sha256}`: content-addressed attachments. The hash is verified on
//! arrival; the file is written to a temporary name and renamed, so a cut-off upload leaves
//! nothing behind. Engineers may read only blobs their briefcase references (or they sent).
//!
//! Resumable upload for bad networks: `HEAD` tells how many bytes of an interrupted upload the
//! server holds (`Upload-Offset`), and `PATCH` with `Upload-Offset: N` and `Upload-Length: T`
//! appends from there; the last part verifies the hash and publishes the blob.

use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::state::AppState;
use crate::storage::BlobMeta;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
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
    blob_file(&state.config.blob_dir(), sha)
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
    store_verified(&state, &session, sha, body).await
}

/// 507 when `incoming` bytes would leave less than `min_free_disk_bytes` on the blob disk:
/// photos must never take the last space the database needs. The client keeps its file and
/// tries again later.
async fn check_room(state: &AppState, incoming: u64) -> AppResult<()> {
    let (dir, keep) = (state.config.blob_dir(), state.config.min_free_disk_bytes);
    let room = tokio::task::spawn_blocking(move || {
        crate::storage::uploads::has_room(&dir, incoming, keep)
    })
    .await?;
    if room {
        Ok(())
    } else {
        tracing::error!(incoming, keep, "blob refused: the disk is nearly full");
        Err(AppError::InsufficientStorage(
            "the server's disk is nearly full: the file stays on your device and is sent \
             once an administrator has made room"
                .into(),
        ))
    }
}

/// Write a verified blob under its hash (temporary name, fsync, rename) and record it.
async fn store_verified(
    state: &AppState,
    session: &crate::storage::Session,
    sha: String,
    body: Bytes,
) -> AppResult<StatusCode> {
    let target = blob_path(state, &sha);
    let size = body.len() as u64;
    if !target.exists() {
        check_room(state, size).await?;
        let dir = target
            .parent()
            .map(PathBuf::from)
            .ok_or_else(|| AppError::Internal("blob path has no parent".into()))?;
        tokio::task::spawn_blocking(move || write_blob_file(&dir, &target, &body))
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

/// Write `body` as `target` in `dir`: a temporary name, fsync, rename, so a crash never
/// leaves half a blob under its hash.
pub(crate) fn write_blob_file(
    dir: &std::path::Path,
    target: &std::path::Path,
    body: &[u8],
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{}.{}", sha_prefix(target), std::process::id()));
    std::fs::write(&tmp, body)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, target)
}

/// Where a blob lives under `blob_dir`.
pub(crate) fn blob_file(blob_dir: &std::path::Path, sha: &str) -> PathBuf {
    blob_dir.join(&sha[..2]).join(sha)
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

/// Where the part of an interrupted upload is kept ([`crate::storage::uploads`]).
fn partial_path(state: &AppState, user: fieldsync::UserId, sha: &str) -> PathBuf {
    crate::storage::uploads::partial_path(&state.config.blob_dir(), user, sha)
}

/// Where a `PATCH` part goes, as its headers say: its first byte's offset and the whole
/// upload's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub offset: u64,
    pub total: u64,
}

/// Check a `PATCH` part before anything touches the disk: the hash in the path, the
/// `Upload-Offset` and `Upload-Length` headers (byte counts), the limit, and that a part of
/// `part_len` bytes ends within the upload. On `Ok`, `offset + part_len <= total <= max`.
/// Strangers' bytes (a fuzz target: `blob_part`), so no arithmetic may overflow.
pub fn check_part(sha: &str, headers: &HeaderMap, part_len: u64, max: u64) -> AppResult<Part> {
    check_hash(sha)?;
    let offset = header_u64(headers, "upload-offset")?;
    let total = header_u64(headers, "upload-length")?;
    if total > max {
        return Err(AppError::TooLarge(format!(
            "blobs are limited to {max} bytes"
        )));
    }
    match offset.checked_add(part_len) {
        Some(end) if end <= total => Ok(Part { offset, total }),
        _ => Err(AppError::BadRequest(
            "the part runs past Upload-Length".into(),
        )),
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> AppResult<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| AppError::BadRequest(format!("header {name} (a byte count) is required")))
}

/// `HEAD /v1/blobs/{sha256}`: 200 if the blob is stored; otherwise `Upload-Offset` says how
/// many bytes of this user's interrupted upload the server holds (0 if none).
#[instrument(skip_all)]
pub async fn head_blob(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Response> {
    let Path(sha) = path?;
    check_hash(&sha)?;
    if blob_path(&state, &sha).exists() {
        return Ok(StatusCode::OK.into_response());
    }
    let held = tokio::fs::metadata(partial_path(&state, session.user.id, &sha))
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    Ok((StatusCode::NOT_FOUND, [("upload-offset", held.to_string())]).into_response())
}

/// Why a part was not appended.
enum PartRefused {
    /// It does not start where the server's copy ends.
    Offset,
    /// The user's other unfinished uploads plus this one would pass the quota.
    Quota { others: u64 },
}

/// `PATCH /v1/blobs/{sha256}` with `Upload-Offset` and `Upload-Length`: append one part.
/// A part that does not start where the server's copy ends gets 409 with the right offset.
#[instrument(skip_all)]
pub async fn patch_blob(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<Response> {
    let Path(sha) = path?;
    let body = body.map_err(|r| AppError::BadRequest(r.body_text()))?;
    let Part { offset, total } = check_part(
        &sha,
        &headers,
        body.len() as u64,
        state.config.max_blob_bytes as u64,
    )?;
    check_room(&state, body.len() as u64).await?;
    let partial = partial_path(&state, session.user.id, &sha);
    let (blob_dir, user) = (state.config.blob_dir(), session.user.id);
    let quota = state.config.partial_upload_quota_bytes;
    let held = tokio::task::spawn_blocking({
        let partial = partial.clone();
        move || -> std::io::Result<Result<u64, PartRefused>> {
            use std::io::Write;
            if let Some(dir) = partial.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let held = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
            if held != offset {
                return Ok(Err(PartRefused::Offset));
            }
            // A part that completes its upload is verified and removed at once: only parts
            // that stay unfinished count against the quota.
            let after = held + body.len() as u64;
            if after < total {
                let others = crate::storage::uploads::held_by(&blob_dir, user, &partial)?;
                if others + after > quota {
                    return Ok(Err(PartRefused::Quota { others }));
                }
            }
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&partial)?;
            f.write_all(&body)?;
            f.sync_all()?;
            Ok(Ok(held + body.len() as u64))
        }
    })
    .await?
    .map_err(|e| AppError::Internal(format!("storing part of a blob: {e}")))?;
    let held = match held {
        Ok(held) => Some(held),
        Err(PartRefused::Offset) => None,
        Err(PartRefused::Quota { others }) => {
            return Err(AppError::TooLarge(format!(
                "your unfinished uploads hold {others} bytes and this part would pass the limit \
                 of {quota} bytes: finish them first (unfinished parts are removed after {} hours)",
                crate::storage::uploads::MAX_AGE.as_secs() / 3600
            )));
        }
    };
    let Some(held) = held else {
        let now_held = tokio::fs::metadata(&partial)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        return Ok((
            StatusCode::CONFLICT,
            [("upload-offset", now_held.to_string())],
            format!("the server holds {now_held} bytes; send from there"),
        )
            .into_response());
    };
    if held < total {
        return Ok((
            StatusCode::NO_CONTENT,
            [("upload-offset", held.to_string())],
        )
            .into_response());
    }
    let whole = Bytes::from(
        tokio::fs::read(&partial)
            .await
            .map_err(|e| AppError::Internal(format!("reading an upload: {e}")))?,
    );
    let _ = tokio::fs::remove_file(&partial).await;
    let actual = hex::encode(Sha256::digest(&whole));
    if actual != sha {
        return Err(AppError::BadRequest(format!(
            "the uploaded bytes hash to {actual}, not {sha}: upload again from offset 0"
        )));
    }
    Ok(store_verified(&state, &session, sha, whole)
        .await?
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::{Part, check_part};
    use axum::http::{HeaderMap, HeaderValue};

    const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn headers(offset: &str, length: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("upload-offset", HeaderValue::from_str(offset).unwrap());
        h.insert("upload-length", HeaderValue::from_str(length).unwrap());
        h
    }

    #[test]
    fn a_part_must_end_within_its_upload() {
        assert_eq!(
            check_part(SHA, &headers("10", "100"), 90, 1000).unwrap(),
            Part {
                offset: 10,
                total: 100
            }
        );
        assert!(check_part(SHA, &headers("10", "100"), 91, 1000).is_err());
        assert!(check_part(SHA, &headers("0", "1001"), 1, 1000).is_err());
        assert!(check_part("ABC", &headers("0", "10"), 1, 1000).is_err());
        assert!(check_part(SHA, &headers("-1", "10"), 1, 1000).is_err());
        assert!(check_part(SHA, &HeaderMap::new(), 1, 1000).is_err());
    }

    #[test]
    fn an_offset_near_the_top_of_u64_is_refused_not_overflowed() {
        // `offset + part_len` overflowed here before (a panic in debug builds).
        let max = u64::MAX.to_string();
        assert!(check_part(SHA, &headers(&max, &max), 2, u64::MAX).is_err());
    }
}
