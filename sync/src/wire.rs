//! The sync protocol's messages (see `docs/sync-protocol.md`) and their encoding: CBOR, then
//! zstd. Automerge bytes travel as CBOR byte strings, never base64.
//!
//! Every decoder here takes outside bytes and must never panic: errors say what was wrong,
//! and decompression is bounded so a small body cannot expand without limit.

use crate::ids::{DocId, DocKind, TimestampMs};
use automerge::ChangeHash;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::io::Read;

/// Bumped on incompatible changes; the server answers 426 to an unknown version.
pub const PROTOCOL_VERSION: u32 = 1;
/// Content type of sync bodies (CBOR inside zstd).
pub const CONTENT_TYPE: &str = "application/vnd.fieldsync.sync+cbor";
/// Upper bound for a decompressed body.
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// A set of Automerge change hashes (a document's heads), as a list of 32-byte strings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heads(pub Vec<ChangeHash>);

impl Heads {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<ChangeHash>> for Heads {
    fn from(mut v: Vec<ChangeHash>) -> Self {
        v.sort();
        Heads(v)
    }
}

impl Serialize for Heads {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw: Vec<serde_bytes::ByteBuf> = self
            .0
            .iter()
            .map(|h| serde_bytes::ByteBuf::from(h.0.to_vec()))
            .collect();
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Heads {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: Vec<serde_bytes::ByteBuf> = Vec::deserialize(d)?;
        let mut out = Vec::with_capacity(raw.len());
        for b in raw {
            let arr: [u8; 32] = b.as_slice().try_into().map_err(|_| {
                serde::de::Error::custom(format!("a change hash is 32 bytes, got {}", b.len()))
            })?;
            out.push(ChangeHash(arr));
        }
        Ok(Heads(out))
    }
}

/// Device → server: everything new on the device, and where its pull left off.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub protocol: u32,
    /// Opaque value from the last response the device applied durably; 0 on first sync.
    pub cursor: u64,
    /// One entry per dirty document.
    pub push: Vec<PushDoc>,
    /// The device's preferred page size for the answer (the server may use less).
    pub max_response_bytes: Option<u64>,
}

/// New changes of one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushDoc {
    pub doc_id: DocId,
    pub kind: DocKind,
    /// The heads the device last shared with the server (empty: the server may not know it).
    pub base_heads: Heads,
    /// Automerge bytes: the changes after `base_heads` (or the whole document when
    /// `base_heads` is empty), as produced by `save_after` / `save`.
    #[serde(with = "serde_bytes")]
    pub changes: Vec<u8>,
    /// The device's heads after these changes: what the server holds once it accepts.
    pub heads: Heads,
}

/// Server → device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub protocol: u32,
    /// Send this back in the next request once everything here is applied and stored.
    pub cursor: u64,
    /// More is waiting: ask again right away (with the new cursor and nothing to push).
    pub more: bool,
    /// One result per pushed document, in request order.
    pub results: Vec<PushResult>,
    /// Documents (whole, or changes) the device lacks.
    pub pull: Vec<PullDoc>,
    /// Documents that left the device's briefcase (e.g. reassigned): drop them once no local
    /// change of theirs is waiting.
    pub removed: Vec<DocId>,
    pub server_time_ms: TimestampMs,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushResult {
    pub doc_id: DocId,
    pub outcome: PushOutcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum PushOutcome {
    /// Stored. `heads` are the server's heads for the document after the merge.
    Accepted { heads: Heads },
    /// Nothing of this push was stored. The device keeps its state in quarantine.
    Rejected { code: RejectCode, reason: String },
}

/// Machine-readable reasons a change set is refused (documented in docs/sync-protocol.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The bytes are not Automerge changes.
    Malformed,
    /// Changes depend on history the server does not have; push from older heads.
    MissingDeps,
    /// A change's actor is not registered to the caller.
    ForeignActor,
    /// An op writes a path the caller's role may not change.
    Forbidden,
    /// The work order is not the caller's (not assigned to them).
    NotYours,
    /// The report is approved and locked.
    Locked,
    /// A status event that is not a legal transition.
    IllegalTransition,
    /// The merged document breaks the schema.
    Schema,
    /// The document's kind or id does not match the push.
    WrongDocument,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::Malformed => "malformed",
            RejectCode::MissingDeps => "missing_deps",
            RejectCode::ForeignActor => "foreign_actor",
            RejectCode::Forbidden => "forbidden",
            RejectCode::NotYours => "not_yours",
            RejectCode::Locked => "locked",
            RejectCode::IllegalTransition => "illegal_transition",
            RejectCode::Schema => "schema",
            RejectCode::WrongDocument => "wrong_document",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullDoc {
    pub doc_id: DocId,
    pub kind: DocKind,
    /// `bytes` hold the whole document (a snapshot plus later changes), not only new changes.
    pub whole: bool,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

/// `POST /v1/auth/login` (JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// A device registers itself on login; the same id again re-uses the registration.
    pub device_id: DeviceId,
    pub device_name: String,
    /// Automerge actor ids (hex) this device writes with; bound to the user.
    pub actors: Vec<String>,
}

pub use crate::ids::DeviceId;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    /// The access token: the bearer of every request, short-lived.
    pub token: String,
    pub expires_at_ms: TimestampMs,
    pub user_id: crate::ids::UserId,
    pub username: String,
    pub display_name: String,
    pub role: crate::ids::Role,
    /// The device's refresh token, sent only to `POST /v1/auth/refresh` for a new access
    /// token (absent from servers that issue long-lived access tokens only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at_ms: Option<TimestampMs>,
}

/// `POST /v1/auth/refresh`: a device's refresh token, for a new access token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The new access token and the refresh token that replaces the one sent: the one sent is
/// retired, and presenting it again after a short grace ends the device's sign-in
/// (`refresh_reused`). Absent from servers that do not rotate refresh tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefreshResponse {
    pub token: String,
    pub expires_at_ms: TimestampMs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at_ms: Option<TimestampMs>,
}

/// One entry of `GET /v1/people` (JSON): who a user id is, so a device can name the people
/// a work order refers to by id, offline too. Login names are not in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub user_id: String,
    pub display_name: String,
    pub role: crate::ids::Role,
    /// `false` for a disabled account (its name still stands in old reports).
    #[serde(default = "active_default")]
    pub active: bool,
}

fn active_default() -> bool {
    true
}

/// JSON error body of every non-2xx answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    /// English, for logs and administrators.
    pub message: String,
    /// The rule the request broke, when it is one a person can put right: the app words it
    /// in its reader's language instead of showing `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<crate::model::Refusal>,
}

#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("body is not zstd-compressed data: {0}")]
    Compression(String),
    #[error("body expands past {MAX_DECODED_BYTES} bytes")]
    TooLarge,
    #[error("body is not a valid message: {0}")]
    Decode(String),
    #[error("unsupported protocol version {0} (this side speaks {PROTOCOL_VERSION})")]
    Version(u32),
}

/// Encode a message: CBOR, then zstd (level 3).
pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    let mut cbor = Vec::new();
    ciborium::into_writer(msg, &mut cbor).expect("serializing to a Vec cannot fail");
    zstd::bulk::compress(&cbor, 3).expect("zstd compression of a buffer cannot fail")
}

/// Decode a message, bounding the decompressed size.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, WireError> {
    let decoder =
        zstd::stream::Decoder::new(bytes).map_err(|e| WireError::Compression(e.to_string()))?;
    let mut cbor = Vec::new();
    decoder
        .take(MAX_DECODED_BYTES + 1)
        .read_to_end(&mut cbor)
        .map_err(|e| WireError::Compression(e.to_string()))?;
    if cbor.len() as u64 > MAX_DECODED_BYTES {
        return Err(WireError::TooLarge);
    }
    ciborium::from_reader(cbor.as_slice()).map_err(|e| WireError::Decode(e.to_string()))
}

/// Decode a request and check its protocol version.
pub fn decode_request(bytes: &[u8]) -> Result<SyncRequest, WireError> {
    let req: SyncRequest = decode(bytes)?;
    if req.protocol != PROTOCOL_VERSION {
        return Err(WireError::Version(req.protocol));
    }
    Ok(req)
}

/// Decode a response and check its protocol version.
pub fn decode_response(bytes: &[u8]) -> Result<SyncResponse, WireError> {
    let resp: SyncResponse = decode(bytes)?;
    if resp.protocol != PROTOCOL_VERSION {
        return Err(WireError::Version(resp.protocol));
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> SyncRequest {
        SyncRequest {
            protocol: PROTOCOL_VERSION,
            cursor: 42,
            push: vec![PushDoc {
                doc_id: DocId::new(),
                kind: DocKind::WorkOrder,
                base_heads: Heads(vec![ChangeHash([7; 32])]),
                changes: vec![1, 2, 3],
                heads: Heads(vec![ChangeHash([9; 32])]),
            }],
            max_response_bytes: None,
        }
    }

    #[test]
    fn request_round_trips() {
        let req = sample();
        assert_eq!(decode_request(&encode(&req)).unwrap(), req);
    }

    #[test]
    fn wrong_version_is_named() {
        let mut req = sample();
        req.protocol = 99;
        let err = decode_request(&encode(&req)).unwrap_err();
        assert!(err.to_string().contains("99"), "{err}");
    }

    #[test]
    fn a_short_hash_is_a_decode_error() {
        #[derive(Serialize)]
        struct Evil {
            protocol: u32,
            cursor: u64,
            push: Vec<(DocId, &'static str, Vec<serde_bytes::ByteBuf>)>,
        }
        let bytes = encode(&Evil {
            protocol: 1,
            cursor: 0,
            push: vec![(
                DocId::new(),
                "work_order",
                vec![serde_bytes::ByteBuf::from(vec![1])],
            )],
        });
        assert!(matches!(decode_request(&bytes), Err(WireError::Decode(_))));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_request(&bytes);
            let _ = decode_response(&bytes);
        }

        #[test]
        fn arbitrary_cbor_inside_valid_zstd_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let wrapped = zstd::bulk::compress(&bytes, 1).unwrap();
            let _ = decode_request(&wrapped);
            let _ = decode_response(&wrapped);
        }

        #[test]
        fn mutated_valid_messages_never_panic(flip in 0usize..4096, val in any::<u8>()) {
            let cbor = {
                let mut v = Vec::new();
                ciborium::into_writer(&sample(), &mut v).unwrap();
                v
            };
            let mut m = cbor.clone();
            let i = flip % m.len();
            m[i] = val;
            let wrapped = zstd::bulk::compress(&m, 1).unwrap();
            let _ = decode_request(&wrapped);
        }
    }
}
