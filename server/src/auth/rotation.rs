//! Refresh-token rotation: every refresh answers a new refresh token and retires the one
//! presented. A retired token presented again within the grace window (the app crashed
//! before saving the answer, or a retry after a lost answer) gets the same successor; after
//! it, someone holds a copy — the whole sign-in (the token family) is ended.
//!
//! The successor's secret is kept sealed with the retired token's secret (a one-time pad
//! from SHA-256 of it: each retired token seals exactly one successor), so only a caller
//! presenting the retired token can recover it; a copy of the database signs nobody in.

use crate::storage::{RefreshView, Rotation};
use fieldsync::TimestampMs;
use sha2::{Digest, Sha256};

/// What to do with a presented refresh token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Live and unrotated: exchange it for a new one.
    Rotate,
    /// Retired within the grace window: answer the successor it was exchanged for.
    Replay(Rotation),
    /// Retired (this long ago) and presented after the grace window: end the family.
    Reuse { retired_ago_ms: i64 },
    /// The device was revoked by an administrator (`device_revoked`).
    DeviceRevoked,
    /// Its family was already ended for reuse (`refresh_reused`).
    FamilyEnded,
    /// Expired, signed out, its user disabled, or not a refresh token (`unauthorized`).
    Dead,
}

/// Judge `view` at `now` with a grace window of `grace_ms`. The order matters: an
/// administrator's revocation and an ended family say more than "expired"; a dead token is
/// never taken for theft (nothing can be stolen with it).
pub fn judge(view: &RefreshView, now: TimestampMs, grace_ms: i64) -> Verdict {
    if view.device_revoked {
        return Verdict::DeviceRevoked;
    }
    if view.family_reused {
        return Verdict::FamilyEnded;
    }
    if !view.usable {
        return Verdict::Dead;
    }
    match &view.rotation {
        None => Verdict::Rotate,
        Some(r) if now.saturating_sub(r.at_ms) <= grace_ms => Verdict::Replay(r.clone()),
        Some(r) => Verdict::Reuse {
            retired_ago_ms: now.saturating_sub(r.at_ms),
        },
    }
}

/// A new family id for one sign-in of a device (128 random bits, hex).
pub fn new_family() -> String {
    let mut t = super::new_token();
    t.truncate(32);
    t
}

/// The pad a retired token seals its successor with.
fn pad(retired: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut block = 0u32;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(b"fieldsync refresh successor v1\0");
        h.update(block.to_be_bytes());
        h.update(retired.as_bytes());
        out.extend_from_slice(&h.finalize());
        block += 1;
    }
    out.truncate(len);
    out
}

/// `successor` sealed with `retired` (hex).
pub fn seal(retired: &str, successor: &str) -> String {
    let bytes = successor.as_bytes();
    let pad = pad(retired, bytes.len());
    hex::encode(
        bytes
            .iter()
            .zip(pad)
            .map(|(b, p)| b ^ p)
            .collect::<Vec<u8>>(),
    )
}

/// The successor sealed by [`seal`], if `sealed` is well-formed; the caller checks its hash
/// against the stored successor hash (a wrong `retired` gives garbage, not an error).
pub fn unseal(retired: &str, sealed: &str) -> Option<String> {
    let bytes = hex::decode(sealed).ok()?;
    let pad = pad(retired, bytes.len());
    String::from_utf8(bytes.iter().zip(pad).map(|(b, p)| b ^ p).collect()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldsync::UserId;

    fn view(rotation: Option<Rotation>) -> RefreshView {
        RefreshView {
            user: UserId::new(),
            device: None,
            family: "f".into(),
            expires_at_ms: 1_000_000,
            usable: true,
            device_revoked: false,
            family_reused: false,
            rotation,
        }
    }

    fn rotated_at(at_ms: i64) -> Rotation {
        Rotation {
            at_ms,
            successor_hash: "h".into(),
            successor_sealed: "s".into(),
        }
    }

    #[test]
    fn a_retired_token_is_replayed_within_the_grace_and_reuse_after_it() {
        assert_eq!(judge(&view(None), 10, 60_000), Verdict::Rotate);
        let r = rotated_at(1_000);
        assert_eq!(
            judge(&view(Some(r.clone())), 61_000, 60_000),
            Verdict::Replay(r.clone()),
            "the last millisecond of the grace still replays"
        );
        assert_eq!(
            judge(&view(Some(r)), 61_001, 60_000),
            Verdict::Reuse {
                retired_ago_ms: 60_001
            }
        );
    }

    #[test]
    fn revocation_and_an_ended_family_outrank_rotation_and_dead_tokens_are_not_theft() {
        let mut v = view(Some(rotated_at(0)));
        v.usable = false;
        assert_eq!(judge(&v, 10_000_000, 1), Verdict::Dead);
        v.family_reused = true;
        assert_eq!(judge(&v, 0, 1), Verdict::FamilyEnded);
        v.device_revoked = true;
        assert_eq!(judge(&v, 0, 1), Verdict::DeviceRevoked);
    }

    #[test]
    fn only_the_retired_secret_unseals_the_successor() {
        let (old, next) = (super::super::new_token(), super::super::new_token());
        let sealed = seal(&old, &next);
        assert_ne!(sealed, hex::encode(&next), "not stored in the clear");
        assert_eq!(unseal(&old, &sealed).as_deref(), Some(next.as_str()));
        let other = super::super::new_token();
        assert_ne!(unseal(&other, &sealed).as_deref(), Some(next.as_str()));
        assert_eq!(unseal(&old, "not hex"), None);
        assert_eq!(new_family().len(), 32);
    }
}
