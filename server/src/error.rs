//! The one HTTP error type: every handler error maps here to a status and a JSON
//! `{code, message}` body. Internal details are logged once and never sent to clients.

use crate::hub::HubError;
use crate::storage::StorageError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fieldsync::wire::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    /// 401 for a token of an installation an administrator cut off (lost or stolen laptop):
    /// signing in again will not help, so it has its own code for the app to say so.
    #[error("{0}")]
    DeviceRevoked(String),
    /// 401 for every token of a sign-in ended because a retired refresh token of it came
    /// back after the grace window (a copy is in someone else's hands): signing in again
    /// starts a new one, so the app says "signed out for safety", not "session expired".
    #[error("{0}")]
    RefreshReused(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{1}")]
    Conflict(&'static str, String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    UpgradeRequired(String),
    /// 429 with `Retry-After: retry_after_secs`, so a client waits as long as asked instead
    /// of guessing (or taking it for being offline).
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    #[error("{0}")]
    Unavailable(String),
    /// 507: the server's disk is nearly full; the client keeps its file and tries later.
    #[error("{0}")]
    InsufficientStorage(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// 400 for a rule a person can put right; the body carries it as data
    /// (`ErrorBody::refusal`) for the app to word in its reader's language.
    #[error("{0}")]
    Refused(fieldsync::model::Refusal),
}

impl AppError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BadRequest(_) | AppError::Refused(_) => {
                (StatusCode::BAD_REQUEST, "bad_request")
            }
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::DeviceRevoked(_) => (StatusCode::UNAUTHORIZED, "device_revoked"),
            AppError::RefreshReused(_) => (StatusCode::UNAUTHORIZED, "refresh_reused"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Conflict(code, _) => (StatusCode::CONFLICT, code),
            AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            AppError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            AppError::UpgradeRequired(_) => (StatusCode::UPGRADE_REQUIRED, "unsupported_protocol"),
            AppError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            AppError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::InsufficientStorage(_) => {
                (StatusCode::INSUFFICIENT_STORAGE, "insufficient_storage")
            }
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let message = match &self {
            AppError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                "internal server error (logged on the server)".to_owned()
            }
            other => other.to_string(),
        };
        let retry_after = match &self {
            AppError::TooManyRequests {
                retry_after_secs, ..
            } => Some(axum::http::HeaderValue::from((*retry_after_secs).max(1))),
            _ => None,
        };
        let refusal = match &self {
            AppError::Refused(r) => Some(r.clone()),
            _ => None,
        };
        let body = ErrorBody {
            code: code.to_owned(),
            message,
            refusal,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs);
        }
        response
    }
}

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(m) => AppError::NotFound(m),
            StorageError::Conflict(m) => AppError::Conflict("conflict", m),
            StorageError::Invalid(m) => AppError::BadRequest(m),
            StorageError::Backend(m) => AppError::Internal(m),
        }
    }
}

impl From<HubError> for AppError {
    fn from(e: HubError) -> Self {
        match e {
            HubError::Storage(s) => s.into(),
            HubError::NotFound(id) => AppError::NotFound(format!("no document {id}")),
            HubError::Model(m) => match *m {
                fieldsync::model::ModelError::Refused(r) => AppError::Refused(r),
                other => AppError::BadRequest(other.to_string()),
            },
            HubError::Invalid(m) => AppError::BadRequest(m),
            e @ HubError::Corrupt(..) => AppError::Internal(e.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("task failed: {e}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_says_when_to_come_back() {
        let r = AppError::TooManyRequests {
            message: "slow down".into(),
            retry_after_secs: 12,
        }
        .into_response();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[axum::http::header::RETRY_AFTER], "12");
        let r = AppError::BadRequest("x".into()).into_response();
        assert!(r.headers().get(axum::http::header::RETRY_AFTER).is_none());
    }
}
