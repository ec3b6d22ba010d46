//! Refresh-token rotation on PostgreSQL (the same rules as `sqlite::refresh`). Two requests
//! racing with one token: the second `UPDATE … WHERE rotated_at_ms IS NULL` waits for the
//! first's row lock, then finds the row rotated and changes nothing.

use super::{col, parse, parse_opt};
use crate::storage::{NewToken, RefreshView, Result, RotateRefresh, Rotation};
use fieldsync::{DeviceId, TimestampMs, UserId};
use postgres::{Client, GenericClient};

/// Store one token, on a connection or inside a transaction.
pub(super) fn insert_token(c: &mut impl GenericClient, t: &NewToken) -> Result<()> {
    c.execute(
        "INSERT INTO tokens (token_hash, user_id, device_id, created_at_ms, expires_at_ms, kind, family)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &t.token_hash,
            &t.user.to_string(),
            &t.device.map(|d| d.to_string()),
            &t.created_at_ms,
            &t.expires_at_ms,
            &t.kind.as_str(),
            &t.family,
        ],
    )?;
    Ok(())
}

pub(super) fn view(
    c: &mut Client,
    token_hash: &str,
    now: TimestampMs,
) -> Result<Option<RefreshView>> {
    let Some(r) = c.query_opt(
        "SELECT t.user_id, t.device_id, COALESCE(t.family, t.token_hash), t.expires_at_ms,
                NOT t.revoked AND t.expires_at_ms > $2 AND NOT u.disabled,
                EXISTS (SELECT 1 FROM devices d
                        WHERE d.device_id = t.device_id AND d.revoked_at_ms IS NOT NULL),
                EXISTS (SELECT 1 FROM token_reuse r WHERE r.family = t.family),
                t.rotated_at_ms, t.successor_hash, t.successor_sealed
         FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.kind = 'refresh'",
        &[&token_hash, &now],
    )?
    else {
        return Ok(None);
    };
    let rotated: Option<TimestampMs> = col(&r, 7)?;
    let successor: Option<(String, String)> =
        col::<Option<String>>(&r, 8)?.zip(col::<Option<String>>(&r, 9)?);
    Ok(Some(RefreshView {
        user: parse::<UserId>(&r, 0)?,
        device: parse_opt::<DeviceId>(&r, 1)?,
        family: col(&r, 2)?,
        expires_at_ms: col(&r, 3)?,
        usable: col(&r, 4)?,
        device_revoked: col(&r, 5)?,
        family_reused: col(&r, 6)?,
        rotation: rotated
            .zip(successor)
            .map(|(at_ms, (hash, sealed))| Rotation {
                at_ms,
                successor_hash: hash,
                successor_sealed: sealed,
            }),
    }))
}

pub(super) fn rotate(c: &mut Client, r: &RotateRefresh) -> Result<bool> {
    let mut tx = c.transaction()?;
    let retired = tx.execute(
        "UPDATE tokens SET rotated_at_ms = $2, successor_hash = $3, successor_sealed = $4
         WHERE token_hash = $1 AND kind = 'refresh' AND rotated_at_ms IS NULL AND NOT revoked",
        &[
            &r.old_hash,
            &r.now,
            &r.successor.token_hash,
            &r.successor_sealed,
        ],
    )?;
    if retired == 0 {
        return Ok(false);
    }
    insert_token(&mut tx, &r.successor)?;
    insert_token(&mut tx, &r.access)?;
    tx.commit()?;
    Ok(true)
}

pub(super) fn end_family(
    c: &mut Client,
    family: &str,
    user: UserId,
    device: Option<DeviceId>,
    now: TimestampMs,
) -> Result<bool> {
    let mut tx = c.transaction()?;
    let first = tx.execute(
        "INSERT INTO token_reuse (family, user_id, device_id, detected_at_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (family) DO NOTHING",
        &[
            &family,
            &user.to_string(),
            &device.map(|d| d.to_string()),
            &now,
        ],
    )?;
    // Tokens issued before families existed are their own family (see `view`).
    tx.execute(
        "UPDATE tokens SET revoked = TRUE WHERE family = $1 OR token_hash = $1",
        &[&family],
    )?;
    tx.commit()?;
    Ok(first == 1)
}

pub(super) fn family_reused(c: &mut Client, token_hash: &str) -> Result<bool> {
    Ok(c.query_opt(
        "SELECT 1 FROM tokens t JOIN token_reuse r ON r.family = COALESCE(t.family, t.token_hash)
         WHERE t.token_hash = $1",
        &[&token_hash],
    )?
    .is_some())
}
