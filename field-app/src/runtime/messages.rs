//! What the UI, the sync worker and the API thread say to each other: the worker's messages
//! both ways, and the office API's calls, replies and errors. Plain data: the threads that
//! carry them live in [`super::worker`] and [`super::api`].

use super::net::NetError;
use fieldsync::store::Identity;
use fieldsync::{DocId, TimestampMs};
use fieldsync_i18n::t;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// UI → worker.
#[derive(Debug, Clone)]
pub enum ToWorker {
    SignIn {
        server: String,
        username: String,
        password: String,
        /// Keep retrying while the server is not up yet (the demo starts one).
        wait_for_server: bool,
    },
    /// The user compared this fingerprint with the server's and trusts it: the next sign-in
    /// pins it.
    TrustCertificate(String),
    /// Sign out: forget the token here (unsent work stays in the store) and tell the server
    /// to revoke it when it can be reached.
    SignOut,
    /// "Sync now" (also clears any backoff).
    SyncNow,
    /// A local edit was saved: sync soon unless offline.
    Nudge,
    /// An office-API call (handled by the API thread, never delays a sync).
    Api(ApiCall),
    /// Open a Server-Sent-Events stream; its events come back as `FromWorker::Api`.
    Subscribe(ApiCall),
    /// Close the stream opened under this tag.
    Unsubscribe(String),
    Shutdown,
}

/// What one completed sync did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncSummary {
    pub accepted: usize,
    pub rejected: Vec<(DocId, String, String)>,
    pub pulled: usize,
    pub removed: usize,
    pub round_trips: usize,
    pub bytes_up: usize,
    pub bytes_down: usize,
    /// Photos and signatures uploaded.
    pub blobs_uploaded: usize,
    pub elapsed_ms: u128,
    pub at_ms: TimestampMs,
}

/// Worker → UI.
#[derive(Debug, Clone)]
pub enum FromWorker {
    SignedIn(Identity),
    SignInFailed(String),
    /// Signing in pinned the server's self-signed certificate (its fingerprint, to show).
    ServerPinned(String),
    /// The server's self-signed certificate must be confirmed before signing in: its
    /// fingerprint, to compare with the one the server printed.
    CertificateToConfirm(String),
    /// Signed out here; `told_server`: the server revoked the token too (else it lapses at
    /// its expiry, or an administrator revokes the device).
    SignedOut {
        told_server: bool,
    },
    SyncStarted,
    Progress {
        round_trips: usize,
        pulled: usize,
    },
    Synced(SyncSummary),
    SyncFailed {
        error: String,
        offline: bool,
        needs_sign_in: bool,
        retry_in_secs: Option<u64>,
    },
    /// The answer to an office-API call, or one event of a stream.
    Api(ApiAnswer),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiMethod {
    Get,
    Post,
    Put,
    Delete,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ApiBody {
    Empty,
    Json(serde_json::Value),
    Bytes {
        content_type: String,
        bytes: Vec<u8>,
    },
}

/// One request; `tag` says which screen asked and for what (e.g. `dispatch.board`).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiCall {
    pub tag: String,
    pub method: ApiMethod,
    /// Path and query on the signed-in server, e.g. `/v1/work-orders?status=new`.
    pub path: String,
    pub body: ApiBody,
}

impl ApiCall {
    pub fn get(tag: impl Into<String>, path: impl Into<String>) -> Self {
        Self::new(tag, ApiMethod::Get, path, ApiBody::Empty)
    }

    pub fn delete(tag: impl Into<String>, path: impl Into<String>) -> Self {
        Self::new(tag, ApiMethod::Delete, path, ApiBody::Empty)
    }

    pub fn post_json(
        tag: impl Into<String>,
        path: impl Into<String>,
        body: &impl Serialize,
    ) -> Self {
        Self::new(tag, ApiMethod::Post, path, json_body(body))
    }

    pub fn put_json(
        tag: impl Into<String>,
        path: impl Into<String>,
        body: &impl Serialize,
    ) -> Self {
        Self::new(tag, ApiMethod::Put, path, json_body(body))
    }

    fn new(
        tag: impl Into<String>,
        method: ApiMethod,
        path: impl Into<String>,
        body: ApiBody,
    ) -> Self {
        ApiCall {
            tag: tag.into(),
            method,
            path: path.into(),
            body,
        }
    }
}

/// A value that cannot be turned into JSON is a programming error; send `null` and let the
/// server's validation answer in plain words rather than panicking in the UI thread.
fn json_body(body: &impl Serialize) -> ApiBody {
    ApiBody::Json(serde_json::to_value(body).unwrap_or(serde_json::Value::Null))
}

/// A successful (2xx) answer, or one event of a stream (`content_type` = `event/<name>`).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiReply {
    pub status: u16,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl ApiReply {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_slice(&self.bytes)
            .map_err(|e| t!("eng-net-protocol", detail = e.to_string()))
    }

    /// The event name of a stream event (`None` for a plain answer).
    pub fn event(&self) -> Option<&str> {
        self.content_type.strip_prefix("event/")
    }

    /// A JSON reply for tests and fakes.
    pub fn json_ok(value: &impl Serialize) -> Self {
        ApiReply {
            status: 200,
            content_type: "application/json".into(),
            bytes: serde_json::to_vec(value).unwrap_or_default(),
        }
    }
}

/// Why a call failed, in words a dispatcher or supervisor understands (in the language in
/// use; the server's own English message stays as the detail).
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    Offline(String),
    NeedsSignIn,
    /// The server refused: its HTTP status, its error `code` (empty when the answer had
    /// none), its English message, and the rule broken when a person can put it right.
    Server {
        status: u16,
        code: String,
        message: String,
        refusal: Option<fieldsync::model::Refusal>,
    },
    Other(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            ApiError::Offline(why) => t!("eng-net-offline", why = why),
            ApiError::NeedsSignIn => t!("eng-api-needs-sign-in"),
            ApiError::Server {
                refusal: Some(r), ..
            } => fieldsync_i18n::words::refusal(fieldsync_i18n::current(), r),
            ApiError::Server {
                status,
                code,
                message,
                ..
            } => {
                let code = if code.is_empty() {
                    code_of_status(*status)
                } else {
                    code
                };
                t!(
                    "eng-api-refused",
                    status = status.to_string(),
                    what = super::net::server_code_words(code),
                    detail = message
                )
            }
            ApiError::Other(text) => text.clone(),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for ApiError {}

/// The server's error code for an HTTP status (as `server/src/error.rs` pairs them), for
/// words when only the status is kept.
fn code_of_status(status: u16) -> &'static str {
    match status {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        426 => "unsupported_protocol",
        429 => "rate_limited",
        503 => "unavailable",
        507 => "insufficient_storage",
        500 => "internal",
        _ => "",
    }
}

impl ApiError {
    /// The server does not have this endpoint or object.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Server { status: 404, .. })
    }

    pub(crate) fn from_net(e: NetError, status: u16) -> Self {
        match e {
            NetError::Offline(s) => ApiError::Offline(s),
            NetError::Unauthorized | NetError::BadCredentials => ApiError::NeedsSignIn,
            NetError::Server {
                code,
                message,
                refusal,
            } => ApiError::Server {
                status,
                code,
                message,
                refusal,
            },
            other => ApiError::Other(other.to_string()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiAnswer {
    pub tag: String,
    pub result: Result<ApiReply, ApiError>,
}

/// Percent-encode one path segment (customer ids are free text).
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
