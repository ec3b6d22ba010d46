//! HTTP handlers, one module per resource.

pub mod auth;
pub mod blobs;
pub mod devices;
pub mod dispatch;
pub mod docs;
pub mod events;
pub mod extract;
pub mod feedback;
pub mod health;
pub mod kpis;
pub mod numbers;
pub mod people;
pub mod plans;
pub mod problems;
pub mod refresh;
pub mod review;
pub mod sync;
pub mod tasks_table;
pub mod work_orders;

#[cfg(test)]
mod tests;

use crate::error::AppError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use fieldsync::Role;

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        let msg = r.body_text();
        match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge(msg),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType(msg),
            _ => AppError::BadRequest(msg),
        }
    }
}

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        AppError::BadRequest(r.body_text())
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        AppError::BadRequest(r.body_text())
    }
}

/// Refuse unless the caller has one of `roles`.
pub fn require_role(role: Role, roles: &[Role], action: &str) -> Result<(), AppError> {
    if roles.contains(&role) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("a {role} may not {action}")))
    }
}

/// Parse a document id from a path segment.
pub fn parse_doc_id(s: &str) -> Result<fieldsync::DocId, AppError> {
    s.parse()
        .map_err(|e| AppError::BadRequest(format!("{s:?} is not a document id (UUID): {e}")))
}
