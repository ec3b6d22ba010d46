//! TEMPORARY stand-in for the lead's API channel (field-app/src/api.rs on main), written from
//! /work/briefs/api-contract.md so the dispatch screens compile; replaced by main's version.

use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiMethod {
    Get,
    Post,
    Put,
    Delete,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ApiBody {
    Empty,
    Json(serde_json::Value),
    Bytes {
        content_type: String,
        bytes: Vec<u8>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiCall {
    pub tag: String,
    pub method: ApiMethod,
    pub path: String,
    pub body: ApiBody,
}

impl ApiCall {
    pub fn get(tag: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            tag: tag.into(),
            method: ApiMethod::Get,
            path: path.into(),
            body: ApiBody::Empty,
        }
    }

    pub fn post_json(
        tag: impl Into<String>,
        path: impl Into<String>,
        body: &impl Serialize,
    ) -> Self {
        Self {
            tag: tag.into(),
            method: ApiMethod::Post,
            path: path.into(),
            body: ApiBody::Json(serde_json::to_value(body).unwrap_or_default()),
        }
    }

    pub fn put_json(
        tag: impl Into<String>,
        path: impl Into<String>,
        body: &impl Serialize,
    ) -> Self {
        Self {
            tag: tag.into(),
            method: ApiMethod::Put,
            path: path.into(),
            body: ApiBody::Json(serde_json::to_value(body).unwrap_or_default()),
        }
    }

    pub fn delete(tag: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            tag: tag.into(),
            method: ApiMethod::Delete,
            path: path.into(),
            body: ApiBody::Empty,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiReply {
    pub status: u16,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl ApiReply {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_slice(&self.bytes).map_err(|e| format!("unexpected answer: {e}"))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiAnswer {
    pub tag: String,
    pub result: Result<ApiReply, ApiError>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("offline: {0}")]
    Offline(String),
    #[error("sign in again")]
    NeedsSignIn,
    #[error("{message}")]
    Server { status: u16, message: String },
    #[error("{0}")]
    Other(String),
}
