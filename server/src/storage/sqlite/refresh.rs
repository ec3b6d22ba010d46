//! Refresh-token rotation on SQLite: the presented token retired for its successor in one
//! transaction (the writer connection serialises two requests racing with one token), and a
//! family ended when a retired token comes back too late.

use super::parse_col;
use crate::storage::{NewToken, RefreshView, Result, RotateRefresh, Rotation};
use fieldsync::{DeviceId, TimestampMs, UserId};
use rusqlite::{Connection, OptionalExtension, params};

/// Store one token (a transaction derefs to its connection).
pub(super) fn insert_token(conn: &Connection, t: &NewToken) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO tokens (token_hash, user_id, device_id, created_at_ms, expires_at_ms, kind, family)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            t.token_hash,
            t.user.to_string(),
            t.device.map(|d| d.to_string()),
            t.created_at_ms,
            t.expires_at_ms,
            t.kind.as_str(),
            t.family
        ],
    )
}

pub(super) fn view(
    conn: &Connection,
    token_hash: &str,
    now: TimestampMs,
) -> Result<Option<RefreshView>> {
    Ok(conn
        .query_row(
            "SELECT t.user_id, t.device_id, COALESCE(t.family, t.token_hash), t.expires_at_ms,
                    t.revoked = 0 AND t.expires_at_ms > ?2 AND u.disabled = 0,
                    EXISTS (SELECT 1 FROM devices d
                            WHERE d.device_id = t.device_id AND d.revoked_at_ms IS NOT NULL),
                    EXISTS (SELECT 1 FROM token_reuse r WHERE r.family = t.family),
                    t.rotated_at_ms, t.successor_hash, t.successor_sealed
             FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = ?1 AND t.kind = 'refresh'",
            params![token_hash, now],
            |r| {
                let device: Option<String> = r.get(1)?;
                let rotated: Option<TimestampMs> = r.get(7)?;
                let successor: Option<(String, String)> =
                    r.get::<_, Option<String>>(8)?.zip(r.get(9)?);
                Ok(RefreshView {
                    user: parse_col(0, r.get::<_, String>(0)?)?,
                    device: device.map(|d| parse_col(1, d)).transpose()?,
                    family: r.get(2)?,
                    expires_at_ms: r.get(3)?,
                    usable: r.get(4)?,
                    device_revoked: r.get(5)?,
                    family_reused: r.get(6)?,
                    rotation: rotated
                        .zip(successor)
                        .map(|(at_ms, (hash, sealed))| Rotation {
                            at_ms,
                            successor_hash: hash,
                            successor_sealed: sealed,
                        }),
                })
            },
        )
        .optional()?)
}

pub(super) fn rotate(conn: &mut Connection, r: &RotateRefresh) -> Result<bool> {
    let tx = conn.transaction()?;
    let retired = tx.execute(
        "UPDATE tokens SET rotated_at_ms = ?2, successor_hash = ?3, successor_sealed = ?4
         WHERE token_hash = ?1 AND kind = 'refresh' AND rotated_at_ms IS NULL AND revoked = 0",
        params![
            r.old_hash,
            r.now,
            r.successor.token_hash,
            r.successor_sealed
        ],
    )?;
    if retired == 0 {
        return Ok(false);
    }
    insert_token(&tx, &r.successor)?;
    insert_token(&tx, &r.access)?;
    tx.commit()?;
    Ok(true)
}

pub(super) fn end_family(
    conn: &mut Connection,
    family: &str,
    user: UserId,
    device: Option<DeviceId>,
    now: TimestampMs,
) -> Result<bool> {
    let tx = conn.transaction()?;
    let first = tx.execute(
        "INSERT INTO token_reuse (family, user_id, device_id, detected_at_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (family) DO NOTHING",
        params![family, user.to_string(), device.map(|d| d.to_string()), now],
    )?;
    // Tokens issued before families existed are their own family (see `view`).
    tx.execute(
        "UPDATE tokens SET revoked = 1 WHERE family = ?1 OR token_hash = ?1",
        params![family],
    )?;
    tx.commit()?;
    Ok(first == 1)
}

pub(super) fn family_reused(conn: &Connection, token_hash: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM tokens t JOIN token_reuse r ON r.family = COALESCE(t.family, t.token_hash)
             WHERE t.token_hash = ?1",
            [token_hash],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}
