//! HTTP calls to the hub (blocking; only the sync worker thread calls these): login and one
//! sync round trip. Errors come back in plain words for the status bar.

use fieldsync::wire::{self, ErrorBody, LoginRequest, LoginResponse, SyncRequest, SyncResponse};
use std::time::Duration;

/// Why a call to the server failed, worded for the engineer.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum NetError {
    /// No connection (no network, server down, DNS): retry later with backoff.
    #[error("offline: cannot reach the server ({0})")]
    Offline(String),
    /// Token missing, expired or revoked: sign in again (local work is kept).
    #[error("your sign-in has expired: sign in again to sync (your work is kept)")]
    Unauthorized,
    /// Wrong user name or password at login.
    #[error("wrong user name or password")]
    BadCredentials,
    /// The server answered with an error.
    #[error("the server refused: {0}")]
    Server(String),
    /// The answer could not be read.
    #[error("the server's answer could not be read: {0}")]
    Protocol(String),
    /// The address is not acceptable.
    #[error("{0}")]
    BadAddress(String),
}

impl NetError {
    pub fn is_offline(&self) -> bool {
        matches!(self, NetError::Offline(_))
    }
}

/// Build the worker's HTTP client.
pub fn client() -> Result<reqwest::blocking::Client, NetError> {
    reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .user_agent(concat!("fieldsync-app/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| NetError::Protocol(e.to_string()))
}

/// Check a server address: `https://…`, or plain `http://` only to this machine unless the
/// user allowed it explicitly (DESIGN.md, Security). Returns the address without a trailing `/`.
pub fn check_server_url(url: &str, allow_insecure: bool) -> Result<String, NetError> {
    let url = url.trim().trim_end_matches('/');
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(NetError::BadAddress(
            "the server address must start with https:// (or http:// for this machine)".into(),
        ));
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host_only = if host.starts_with('[') {
        host.split(']')
            .next()
            .unwrap_or_default()
            .trim_start_matches('[')
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    if host_only.is_empty() {
        return Err(NetError::BadAddress(
            "the server address has no host".into(),
        ));
    }
    match scheme {
        "https" => Ok(url.to_string()),
        "http" => {
            let loopback =
                host_only == "localhost" || host_only == "::1" || host_only.starts_with("127.");
            if loopback || allow_insecure {
                Ok(url.to_string())
            } else {
                Err(NetError::BadAddress(format!(
                    "plain http:// is only allowed to this machine; use https://{rest} \
                     (or start the app with --allow-insecure-http)"
                )))
            }
        }
        other => Err(NetError::BadAddress(format!(
            "unsupported address scheme {other:?}: use https://"
        ))),
    }
}

pub(crate) fn send_error(e: reqwest::Error) -> NetError {
    if e.is_connect() || e.is_timeout() || e.is_request() {
        NetError::Offline(short(&e))
    } else {
        NetError::Protocol(short(&e))
    }
}

/// The innermost cause of an error: the useful words ("Connection refused").
fn short(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Turn a non-2xx answer into an error, reading the JSON `{code, message}` body if present.
pub(crate) fn status_error(status: reqwest::StatusCode, body: &[u8]) -> NetError {
    let detail = serde_json::from_slice::<ErrorBody>(body)
        .map(|b| b.message)
        .unwrap_or_else(|_| String::from_utf8_lossy(body).chars().take(200).collect());
    match status.as_u16() {
        401 => NetError::Unauthorized,
        502..=504 => NetError::Offline(format!("server unavailable ({status})")),
        429 => NetError::Offline("the server is busy; trying again later".into()),
        _ if detail.trim().is_empty() => NetError::Server(status.to_string()),
        _ => NetError::Server(detail),
    }
}

/// `POST /v1/auth/login`.
pub fn login(
    client: &reqwest::blocking::Client,
    server: &str,
    req: &LoginRequest,
) -> Result<LoginResponse, NetError> {
    let resp = client
        .post(format!("{server}/v1/auth/login"))
        .json(req)
        .send()
        .map_err(send_error)?;
    let status = resp.status();
    let body = resp.bytes().map_err(send_error)?;
    if status.as_u16() == 401 {
        return Err(NetError::BadCredentials);
    }
    if !status.is_success() {
        return Err(status_error(status, &body));
    }
    serde_json::from_slice(&body).map_err(|e| NetError::Protocol(e.to_string()))
}

/// One `POST /v1/sync` round trip.
pub fn sync(
    client: &reqwest::blocking::Client,
    server: &str,
    token: &str,
    req: &SyncRequest,
) -> Result<(SyncResponse, usize, usize), NetError> {
    let body = wire::encode(req);
    let sent = body.len();
    let resp = client
        .post(format!("{server}/v1/sync"))
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, wire::CONTENT_TYPE)
        .header(reqwest::header::ACCEPT, wire::CONTENT_TYPE)
        .body(body)
        .send()
        .map_err(send_error)?;
    let status = resp.status();
    let bytes = resp.bytes().map_err(send_error)?;
    if !status.is_success() {
        return Err(status_error(status, &bytes));
    }
    let decoded = wire::decode_response(&bytes).map_err(|e| NetError::Protocol(e.to_string()))?;
    Ok((decoded, sent, bytes.len()))
}

/// `PUT /v1/blobs/{sha256}`: upload one attachment (idempotent: the name is its hash).
pub fn put_blob(
    client: &reqwest::blocking::Client,
    server: &str,
    token: &str,
    sha256: &str,
    media_type: &str,
    bytes: Vec<u8>,
) -> Result<(), NetError> {
    let resp = client
        .put(format!("{server}/v1/blobs/{sha256}"))
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, media_type)
        .body(bytes)
        .send()
        .map_err(send_error)?;
    let status = resp.status();
    if status.is_success() {
        return Ok(());
    }
    let body = resp.bytes().map_err(send_error)?;
    Err(status_error(status, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses() {
        assert_eq!(
            check_server_url("http://127.0.0.1:8080/", false).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(check_server_url("http://localhost:8080", false).is_ok());
        assert!(check_server_url("https://hub.example.com", false).is_ok());
        assert!(check_server_url("http://hub.example.com", false).is_err());
        assert!(check_server_url("http://hub.example.com", true).is_ok());
        assert!(check_server_url("hub.example.com", false).is_err());
        assert!(check_server_url("ftp://x", false).is_err());
        assert!(check_server_url("http://", false).is_err());
        assert!(check_server_url("http://[::1]:80", false).is_ok());
    }
}
