//! HTTP calls to the hub (blocking; only the sync worker thread calls these): login and one
//! sync round trip. Errors come back in plain words for the status bar.

use super::trust::Pins;
use fieldsync::model::{NumberBlock, NumberLeaseRequest, Refusal};
use fieldsync::wire::{
    self, ErrorBody, LoginRequest, LoginResponse, RefreshRequest, RefreshResponse, SyncRequest,
    SyncResponse,
};
use fieldsync_i18n::t;
use std::sync::Arc;
use std::time::Duration;

/// Why a call to the server failed, worded for the engineer (in the language in use, with
/// the system's or the server's own words after it as the technical detail).
#[derive(Debug, Clone, PartialEq)]
pub enum NetError {
    /// No connection (no network, server down, DNS): retry later with backoff. The words say
    /// why and what to do.
    Offline(String),
    /// Token missing, expired or revoked: sign in again (local work is kept).
    Unauthorized,
    /// Wrong user name or password at login.
    BadCredentials,
    /// An administrator cut this computer off (lost laptop): signing in again will not help
    /// until they restore it; local work is kept.
    DeviceRevoked,
    /// The server ended this computer's sign-in because a refresh token of it was used again
    /// after it had been replaced (a copy elsewhere): sign in again; local work is kept.
    SignedOutForSafety,
    /// The server answered with an error: its `code` (`ErrorBody`, empty when the answer
    /// had none), its English `message`, kept as the detail, and the rule broken when it is
    /// one a person can put right (worded in the reader's language instead of `message`).
    Server {
        code: String,
        message: String,
        refusal: Option<Refusal>,
    },
    /// The answer could not be read.
    Protocol(String),
    /// The address is not acceptable (in words).
    BadAddress(String),
    /// The server asks us to slow down (429): not offline, just later.
    Busy { retry_after_secs: u64 },
    /// The server's self-signed certificate is not the one pinned on first contact.
    CertificateChanged(String),
    /// A self-signed certificate nobody has confirmed yet (its fingerprint).
    CertificateUnconfirmed(String),
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            NetError::Offline(why) => t!("eng-net-offline", why = why),
            NetError::Unauthorized => t!("eng-net-unauthorized"),
            NetError::BadCredentials => t!("eng-net-bad-credentials"),
            NetError::DeviceRevoked => t!("eng-net-device-revoked"),
            NetError::SignedOutForSafety => t!("eng-net-signed-out-for-safety"),
            NetError::Server {
                refusal: Some(r), ..
            } => fieldsync_i18n::words::refusal(fieldsync_i18n::current(), r),
            NetError::Server { code, message, .. } => server_refused(code, message),
            NetError::Protocol(detail) => t!("eng-net-protocol", detail = detail),
            NetError::BadAddress(why) => why.clone(),
            NetError::Busy { retry_after_secs } => {
                t!("eng-net-busy", secs = *retry_after_secs)
            }
            NetError::CertificateChanged(why) => t!("eng-net-certificate", why = why),
            NetError::CertificateUnconfirmed(print) => {
                t!("eng-net-certificate-unconfirmed", fingerprint = print)
            }
        };
        f.write_str(&text)
    }
}

impl std::error::Error for NetError {}

/// What the server's error `code` means and what to do, in words.
pub fn server_code_words(code: &str) -> String {
    match code {
        "bad_request" => t!("eng-code-bad-request"),
        "unauthorized" => t!("eng-code-unauthorized"),
        "device_revoked" => t!("eng-net-device-revoked"),
        "refresh_reused" => t!("eng-net-signed-out-for-safety"),
        "forbidden" => t!("eng-code-forbidden"),
        "not_found" => t!("eng-code-not-found"),
        "conflict" => t!("eng-code-conflict"),
        "actor_taken" => t!("eng-code-actor-taken"),
        "not_completed" => t!("eng-code-not-completed"),
        "too_large" => t!("eng-code-too-large"),
        "unsupported_media_type" => t!("eng-code-unsupported-media-type"),
        "unsupported_protocol" => t!("eng-code-unsupported-protocol"),
        "rate_limited" => t!("eng-code-rate-limited"),
        "unavailable" => t!("eng-code-unavailable"),
        "insufficient_storage" => t!("eng-code-insufficient-storage"),
        "internal" => t!("eng-code-internal"),
        _ => t!("eng-code-other"),
    }
}

/// "The server refused: <what the code means>" with the server's own message as the detail.
pub fn server_refused(code: &str, message: &str) -> String {
    let words = server_code_words(code);
    if message.trim().is_empty() {
        t!("eng-net-refused", what = words)
    } else {
        t!("eng-net-refused-detail", what = words, detail = message)
    }
}

impl NetError {
    pub fn is_offline(&self) -> bool {
        matches!(self, NetError::Offline(_))
    }

    /// A failed connection is a refusal of the server's certificate if the pins say so.
    pub fn or_refusal(self, pins: &Pins) -> Self {
        match (self, pins.take_refusal(), pins.take_unconfirmed()) {
            (NetError::Offline(_), Some(r), _) => NetError::CertificateChanged(r.to_string()),
            (NetError::Offline(_), None, Some(print)) => NetError::CertificateUnconfirmed(print),
            (e, _, _) => e,
        }
    }
}

/// A client builder whose https trusts the system roots or the certificate pinned in `pins`
/// (trust::client_config).
pub fn builder(pins: Arc<Pins>) -> Result<reqwest::blocking::ClientBuilder, NetError> {
    let tls = super::trust::client_config(pins).map_err(|e| NetError::Protocol(e.to_string()))?;
    Ok(reqwest::blocking::Client::builder().tls_backend_preconfigured(tls))
}

/// Build the worker's HTTP client.
pub fn client(pins: Arc<Pins>) -> Result<reqwest::blocking::Client, NetError> {
    builder(pins)?
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .user_agent(concat!("fieldsync-app/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| NetError::Protocol(e.to_string()))
}

/// An address an administrator hands out with the server's certificate fingerprint,
/// `https://hub.example:8443#sha256=AB:CD:…` (the 64 hex digits with or without colons): the
/// address to connect to, and the fingerprint in the form servers print, to trust from the
/// first contact (provisioning) or to replace a pin after a real certificate change. Without
/// a `#sha256=` part, the address as given and no fingerprint.
pub fn split_fingerprint(address: &str) -> Result<(String, Option<String>), NetError> {
    let text = address.trim();
    let Some((url, print)) = text.split_once("#sha256=") else {
        return Ok((text.to_owned(), None));
    };
    let hex: String = print.chars().filter(|c| *c != ':').collect();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(NetError::BadAddress(t!("eng-net-address-fingerprint")));
    }
    if !url.trim_start().starts_with("https://") {
        return Err(NetError::BadAddress(t!(
            "eng-net-address-fingerprint-https"
        )));
    }
    let upper = hex.to_ascii_uppercase();
    let pairs: Vec<&str> = (0..64).step_by(2).map(|i| &upper[i..i + 2]).collect();
    Ok((url.to_owned(), Some(pairs.join(":"))))
}

/// Check a server address: `https://…`, or plain `http://` only to this machine (a loopback
/// address or `localhost`) unless the user allowed it explicitly (DESIGN.md, Security).
///
/// The address is parsed with the WHATWG rules reqwest itself uses (the `url` crate) and the
/// normalised form is returned (without a trailing `/`), so the host checked is the host
/// connected to: `http://127.0.0.1@evil.example` is a user name on `evil.example`, and
/// `http://127.evil.example` is a domain, not a loopback address.
pub fn check_server_url(url: &str, allow_insecure: bool) -> Result<String, NetError> {
    let bad = |m: &str| Err(NetError::BadAddress(m.to_owned()));
    let text = url.trim();
    if !text.contains("://") {
        return bad(&t!("eng-net-address-scheme"));
    }
    let Ok(parsed) = url::Url::parse(text) else {
        return bad(&t!("eng-net-address-invalid"));
    };
    let Some(host) = parsed.host() else {
        return bad(&t!("eng-net-address-no-host"));
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return bad(&t!("eng-net-address-user"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return bad(&t!("eng-net-address-query"));
    }
    if matches!(&host, url::Host::Domain(d) if d.is_empty()) {
        return bad(&t!("eng-net-address-no-host"));
    }
    let normalised = parsed.as_str().trim_end_matches('/').to_owned();
    match parsed.scheme() {
        "https" => Ok(normalised),
        "http" if is_loopback(&host) || allow_insecure => Ok(normalised),
        "http" => {
            let rest = normalised.trim_start_matches("http://");
            Err(NetError::BadAddress(t!(
                "eng-net-address-http",
                rest = rest
            )))
        }
        other => Err(NetError::BadAddress(t!(
            "eng-net-address-other-scheme",
            scheme = other
        ))),
    }
}

/// A host that never leaves this machine: 127.0.0.0/8, ::1 (also as ::ffff:127.x) or exactly
/// `localhost` (the `url` crate has lower-cased it; `localhost.` and sub-domains do not count).
pub fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        url::Host::Domain(d) => *d == "localhost",
    }
}

pub(crate) fn send_error(e: reqwest::Error) -> NetError {
    if e.is_timeout() {
        NetError::Offline(t!(
            "eng-net-why-detail",
            words = t!("eng-net-why-timeout"),
            cause = short(&e)
        ))
    } else if e.is_connect() || e.is_request() {
        NetError::Offline(offline_words(&short(&e)))
    } else {
        NetError::Protocol(short(&e))
    }
}

/// Why the server could not be reached, in words an engineer can act on, with the system's
/// own words after them for whoever helps ("Connection refused (os error 111)" alone said
/// nothing to a person on a customer's site).
fn offline_words(cause: &str) -> String {
    // Spaces as `_`, so the system's phrases read as the ids they are here.
    let c = cause.to_lowercase().replace(' ', "_");
    let has = |words: &[&str]| words.iter().any(|w| c.contains(w));
    let words = if has(&["refused"]) {
        t!("eng-net-why-refused")
    } else if has(&["dns", "resolve", "lookup", "name_or_service"]) {
        t!("eng-net-why-dns")
    } else if has(&["timed_out", "timeout"]) {
        t!("eng-net-why-timeout")
    } else if has(&["unreachable", "no_route"]) {
        t!("eng-net-why-no-route")
    } else if has(&["reset", "closed", "broken_pipe"]) {
        t!("eng-net-why-cut-off")
    } else {
        t!("eng-net-why-other")
    };
    t!("eng-net-why-detail", words = words, cause = cause)
}

/// The innermost cause of an error: the useful words ("Connection refused").
fn short(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// A 429 answer's wait when the server gives none.
const DEFAULT_RETRY_AFTER_SECS: u64 = 30;

/// The `Retry-After` of an answer, in seconds (the delta form; a date form counts as absent).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Turn a non-2xx answer into an error, reading the JSON `{code, message}` body if present.
pub(crate) fn status_error(
    status: reqwest::StatusCode,
    retry_after: Option<u64>,
    body: &[u8],
) -> NetError {
    let (code, detail, refusal) = serde_json::from_slice::<ErrorBody>(body)
        .map(|b| (b.code, b.message, b.refusal))
        .unwrap_or_else(|_| {
            let text = String::from_utf8_lossy(body).chars().take(200).collect();
            (String::new(), text, None)
        });
    match status.as_u16() {
        401 if code == "device_revoked" => NetError::DeviceRevoked,
        401 if code == "refresh_reused" => NetError::SignedOutForSafety,
        401 => NetError::Unauthorized,
        502..=504 => NetError::Offline(t!("eng-net-unavailable", status = status.to_string())),
        429 => NetError::Busy {
            retry_after_secs: retry_after
                .unwrap_or(DEFAULT_RETRY_AFTER_SECS)
                .clamp(1, 3600),
        },
        _ if detail.trim().is_empty() => NetError::Server {
            code,
            message: status.to_string(),
            refusal,
        },
        _ => NetError::Server {
            code,
            message: detail,
            refusal,
        },
    }
}

/// `POST /v1/auth/login`.
/// `POST /v1/logout`: the server revokes this token. A token it no longer knows is signed
/// out already.
pub fn logout(
    client: &reqwest::blocking::Client,
    server: &str,
    token: &str,
) -> Result<(), NetError> {
    let resp = client
        .post(format!("{server}/v1/logout"))
        .bearer_auth(token)
        .send()
        .map_err(send_error)?;
    let status = resp.status();
    let retry = retry_after(resp.headers());
    let body = resp.bytes().map_err(send_error)?;
    match status.as_u16() {
        s if (200..300).contains(&s) => Ok(()),
        401 => Ok(()),
        _ => Err(status_error(status, retry, &body)),
    }
}

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
    let retry = retry_after(resp.headers());
    let body = resp.bytes().map_err(send_error)?;
    if status.as_u16() == 401 {
        return Err(match status_error(status, retry, &body) {
            NetError::DeviceRevoked => NetError::DeviceRevoked,
            _ => NetError::BadCredentials,
        });
    }
    if !status.is_success() {
        return Err(status_error(status, retry, &body));
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
    let retry = retry_after(resp.headers());
    let bytes = resp.bytes().map_err(send_error)?;
    if !status.is_success() {
        return Err(status_error(status, retry, &bytes));
    }
    let decoded = wire::decode_response(&bytes).map_err(|e| NetError::Protocol(e.to_string()))?;
    Ok((decoded, sent, bytes.len()))
}

/// A JSON answer read, or the server's refusal as an error.
fn json_answer<T: serde::de::DeserializeOwned>(
    resp: reqwest::blocking::Response,
) -> Result<T, NetError> {
    let status = resp.status();
    let retry = retry_after(resp.headers());
    let body = resp.bytes().map_err(send_error)?;
    if !status.is_success() {
        return Err(status_error(status, retry, &body));
    }
    serde_json::from_slice(&body).map_err(|e| NetError::Protocol(e.to_string()))
}

/// `POST /v1/auth/refresh`: a new access token for this device's refresh token, and the
/// refresh token that replaces it (the one sent is retired: keep the new one before use).
pub fn refresh(
    client: &reqwest::blocking::Client,
    server: &str,
    refresh_token: &str,
) -> Result<RefreshResponse, NetError> {
    let resp = client
        .post(format!("{server}/v1/auth/refresh"))
        .json(&RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        })
        .send()
        .map_err(send_error)?;
    json_answer(resp)
}

/// `POST /v1/devices/numbers`: lease a block of `year`'s work-order numbers to this device.
pub fn lease_numbers(
    client: &reqwest::blocking::Client,
    server: &str,
    token: &str,
    year: i32,
) -> Result<NumberBlock, NetError> {
    let resp = client
        .post(format!("{server}/v1/devices/numbers"))
        .bearer_auth(token)
        .json(&NumberLeaseRequest { year })
        .send()
        .map_err(send_error)?;
    json_answer(resp)
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
    let retry = retry_after(resp.headers());
    let body = resp.bytes().map_err(send_error)?;
    Err(status_error(status, retry, &body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
        assert!(check_server_url("http://127.1.2.3:8080", false).is_ok());
        assert_eq!(
            check_server_url("  HTTP://LOCALHOST:8080/  ", false).unwrap(),
            "http://localhost:8080"
        );
        assert_eq!(
            check_server_url("https://hub.example.com/fieldsync/", false).unwrap(),
            "https://hub.example.com/fieldsync"
        );
    }

    #[test]
    fn hostile_addresses_are_not_loopback() {
        for url in [
            // user info: the host is after the @
            "http://127.0.0.1@evil.example.com/",
            "http://localhost@evil.example.com",
            "http://localhost:8080@evil.example.com",
            "http://[::1]@evil.example.com",
            "http://127.0.0.1:pw@evil.example.com",
            // loopback-looking domains
            "http://127.evil.example.com/",
            "http://127.0.0.1.evil.example.com/",
            "http://localhost.evil.com/",
            "http://localhost.evil.com.",
            "http://localhost./",
            "http://LOCALHOST.EVIL.COM/",
            "http://[::1].evil/",
            "http://evil.com#@127.0.0.1",
            "http://evil.com?@127.0.0.1",
            "http://evil.com\\@127.0.0.1",
            "http://127.0.0.1%2eevil.com/",
            "http://%6c%6f%63%61%6c%68%6f%73%74%2eevil.com/",
            "http://0.0.0.0:8080",
            "http://10.0.0.1",
            "http://[::ffff:10.0.0.1]",
        ] {
            assert!(
                check_server_url(url, false).is_err(),
                "{url} was taken for this machine"
            );
        }
    }

    #[test]
    fn odd_but_real_loopback_forms() {
        // Each normalises to a loopback host, and what is returned is what reqwest connects to.
        for (url, want) in [
            ("http://127.0.0.1./", "http://127.0.0.1"),
            ("http://%31%32%37.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://0x7f000001/", "http://127.0.0.1"),
            ("http://[::ffff:127.0.0.1]:1", "http://[::ffff:7f00:1]:1"),
        ] {
            assert_eq!(check_server_url(url, false).as_deref(), Ok(want), "{url}");
        }
    }

    #[test]
    fn an_address_can_carry_the_certificate_fingerprint() {
        let print = "AB:".repeat(31) + "CD";
        let bare = print.replace(':', "").to_lowercase();
        for given in [print.clone(), bare] {
            let (url, got) =
                split_fingerprint(&format!(" https://hub.example:8443#sha256={given} ")).unwrap();
            assert_eq!(url, "https://hub.example:8443");
            assert_eq!(got.as_deref(), Some(print.as_str()));
        }
        assert_eq!(
            split_fingerprint("https://hub.example").unwrap(),
            ("https://hub.example".to_owned(), None)
        );
        for bad in [
            "https://hub.example#sha256=AB:CD",
            "https://hub.example#sha256=",
            &format!("https://hub.example#sha256={}", "ZZ".repeat(32)),
            &format!("http://127.0.0.1:8080#sha256={}", "AB".repeat(32)),
        ] {
            assert!(split_fingerprint(bad).is_err(), "{bad}");
        }
        // Any other fragment is still refused by the address check.
        let (url, _) = split_fingerprint("https://hub.example#x").unwrap();
        assert!(check_server_url(&url, false).is_err());
    }

    #[test]
    fn missing_and_foreign_schemes() {
        for url in [
            "127.0.0.1:8080",
            "localhost:8080",
            "//127.0.0.1",
            "file:///etc/passwd",
            "javascript://127.0.0.1",
            "ws://127.0.0.1",
            "httpx://127.0.0.1",
            "",
            "   ",
        ] {
            assert!(check_server_url(url, false).is_err(), "{url}");
            assert!(
                check_server_url(url, true).is_err(),
                "{url} with insecure allowed"
            );
        }
        // User info is refused even where plain http is allowed: it only serves to mislead.
        assert!(check_server_url("https://127.0.0.1@evil.example.com", true).is_err());
    }

    proptest! {
        #[test]
        fn accepted_plain_http_is_really_loopback(
            user in prop::option::of("[a-z0-9.:\\[\\]%]{0,12}"),
            host in "(127|localhost|\\[::1\\]|evil|0x7f|%31|[0-9]{1,3})[a-z0-9.%:\\[\\]@#?/\\\\-]{0,20}",
            tail in "[a-z0-9/@#?:.]{0,10}",
        ) {
            let url = match &user {
                Some(u) => format!("http://{u}@{host}{tail}"),
                None => format!("http://{host}{tail}"),
            };
            if let Ok(ok) = check_server_url(&url, false) {
                let parsed = url::Url::parse(&ok).unwrap();
                prop_assert_eq!(parsed.scheme(), "http");
                let host = parsed.host().unwrap();
                prop_assert!(is_loopback(&host), "{} -> {}", url, ok);
                prop_assert!(parsed.username().is_empty() && parsed.password().is_none());
                // And reqwest would go to the same place given the original text.
                let original = url::Url::parse(url.trim()).unwrap();
                prop_assert_eq!(original.host_str(), parsed.host_str());
            }
        }
    }

    /// A rate-limited sync is "busy, try in N s" (the server's Retry-After), never "offline";
    /// an unreachable server still is offline.
    #[test]
    fn too_many_requests_is_busy_not_offline() {
        let busy = status_error(reqwest::StatusCode::TOO_MANY_REQUESTS, Some(7), b"{}");
        assert_eq!(
            busy,
            NetError::Busy {
                retry_after_secs: 7
            }
        );
        assert!(!busy.is_offline());
        assert!(busy.to_string().contains("7 s"), "{busy}");
        let unsaid = status_error(reqwest::StatusCode::TOO_MANY_REQUESTS, None, b"");
        assert_eq!(
            unsaid,
            NetError::Busy {
                retry_after_secs: 30
            }
        );
        let absurd = status_error(reqwest::StatusCode::TOO_MANY_REQUESTS, Some(1 << 40), b"");
        assert_eq!(
            absurd,
            NetError::Busy {
                retry_after_secs: 3600
            }
        );
        assert!(status_error(reqwest::StatusCode::SERVICE_UNAVAILABLE, None, b"").is_offline());
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, "12".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(12));
        headers.insert(
            reqwest::header::RETRY_AFTER,
            "Wed, 21 Oct 2026 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn offline_causes_are_said_in_words() {
        let refused = offline_words("Connection refused (os error 111)");
        assert!(
            refused.starts_with("nothing answers at this address"),
            "{refused}"
        );
        assert!(
            refused.ends_with("Connection refused (os error 111)"),
            "the detail stays"
        );
        assert!(
            offline_words("dns error: failed to lookup address").contains("name was not found")
        );
        assert!(offline_words("timed out").starts_with("no answer"));
        assert!(
            offline_words("Network is unreachable (os error 101)").contains("no network route")
        );
        assert!(offline_words("something else").starts_with("the server cannot be reached"));
    }
}
