//! Users, tokens, devices and actor bindings on PostgreSQL. Inserts that two replicas may race
//! on use `ON CONFLICT DO NOTHING` and then read what won, so a retried login never fails.

use super::{col, is_unique_violation, parse, parse_opt};
use crate::storage::{DeviceRow, NewToken, NewUser, Result, Session, StorageError, UserRecord};
use fieldsync::{DeviceId, Role, TimestampMs, UserId};
use postgres::{Client, Row};

const USER_COLS: &str =
    "u.id, u.username, u.display_name, u.role, u.password_hash, u.disabled, u.created_at_ms";

fn user_row(r: &Row) -> Result<UserRecord> {
    let role: String = col(r, 3)?;
    Ok(UserRecord {
        id: parse(r, 0)?,
        username: col(r, 1)?,
        display_name: col(r, 2)?,
        role: Role::parse(&role)
            .ok_or_else(|| StorageError::Backend(format!("unknown role {role:?}")))?,
        password_hash: col(r, 4)?,
        disabled: col(r, 5)?,
        created_at_ms: col(r, 6)?,
    })
}

pub fn create_user(c: &mut Client, u: &NewUser) -> Result<UserRecord> {
    let res = c.execute(
        "INSERT INTO users (id, username, display_name, role, password_hash, disabled, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, FALSE, $6)",
        &[&u.id.to_string(), &u.username, &u.display_name, &u.role.as_str(), &u.password_hash, &u.now],
    );
    match res {
        Ok(_) => Ok(UserRecord {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            password_hash: u.password_hash.clone(),
            disabled: false,
            created_at_ms: u.now,
        }),
        Err(e) if is_unique_violation(&e) => Err(StorageError::Conflict(format!(
            "user {:?} already exists",
            u.username
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The user whose `column` (`id` or `username`, never input) equals `value`.
pub fn user_where(c: &mut Client, column: &str, value: &str) -> Result<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.{column} = $1");
    c.query_opt(&sql, &[&value])?
        .map(|r| user_row(&r))
        .transpose()
}

pub fn list_users(c: &mut Client) -> Result<Vec<UserRecord>> {
    let sql = format!("SELECT {USER_COLS} FROM users u ORDER BY u.username");
    c.query(&sql, &[])?.iter().map(user_row).collect()
}

pub fn set_user_disabled(c: &mut Client, username: &str, disabled: bool) -> Result<()> {
    let mut tx = c.transaction()?;
    let n = tx.execute(
        "UPDATE users SET disabled = $2 WHERE username = $1",
        &[&username, &disabled],
    )?;
    if n == 0 {
        return Err(StorageError::NotFound(format!("no user {username:?}")));
    }
    if disabled {
        tx.execute(
            "UPDATE tokens SET revoked = TRUE WHERE user_id = (SELECT id FROM users WHERE username = $1)",
            &[&username],
        )?;
    }
    tx.commit()?;
    Ok(())
}

pub fn set_password_hash(c: &mut Client, username: &str, hash: &str) -> Result<()> {
    let mut tx = c.transaction()?;
    let n = tx.execute(
        "UPDATE users SET password_hash = $2 WHERE username = $1",
        &[&username, &hash],
    )?;
    if n == 0 {
        return Err(StorageError::NotFound(format!("no user {username:?}")));
    }
    tx.execute(
        "UPDATE tokens SET revoked = TRUE WHERE user_id = (SELECT id FROM users WHERE username = $1)",
        &[&username],
    )?;
    tx.commit()?;
    Ok(())
}

pub fn insert_token(c: &mut Client, t: &NewToken) -> Result<()> {
    super::refresh::insert_token(c, t)?;
    Ok(())
}

pub fn revoke_token(c: &mut Client, token_hash: &str) -> Result<()> {
    c.execute(
        "UPDATE tokens SET revoked = TRUE WHERE token_hash = $1",
        &[&token_hash],
    )?;
    Ok(())
}

pub fn revoke_device_tokens(c: &mut Client, user: UserId, device: DeviceId) -> Result<()> {
    c.execute(
        "UPDATE tokens SET revoked = TRUE WHERE user_id = $1 AND device_id = $2",
        &[&user.to_string(), &device.to_string()],
    )?;
    Ok(())
}

pub fn session(
    c: &mut Client,
    token_hash: &str,
    kind: crate::storage::TokenKind,
    now: TimestampMs,
) -> Result<Option<Session>> {
    let sql = format!(
        "SELECT {USER_COLS}, t.device_id, t.expires_at_ms FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.kind = $3 AND NOT t.revoked AND t.expires_at_ms > $2 AND NOT u.disabled
           AND t.rotated_at_ms IS NULL
           AND NOT EXISTS (SELECT 1 FROM devices d
                           WHERE d.device_id = t.device_id AND d.revoked_at_ms IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM token_reuse r WHERE r.family = t.family)"
    );
    c.query_opt(&sql, &[&token_hash, &now, &kind.as_str()])?
        .map(|r| {
            Ok(Session {
                user: user_row(&r)?,
                device: parse_opt(&r, 7)?,
                expires_at_ms: col(&r, 8)?,
            })
        })
        .transpose()
}

pub fn upsert_device(
    c: &mut Client,
    device: DeviceId,
    user: UserId,
    name: &str,
    now: TimestampMs,
) -> Result<()> {
    let mut tx = c.transaction()?;
    let (dev, uid) = (device.to_string(), user.to_string());
    tx.execute(
        "INSERT INTO devices (device_id, user_id, name, registered_at_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (device_id) DO NOTHING",
        &[&dev, &uid, &name, &now],
    )?;
    let row = tx.query_one(
        "SELECT user_id FROM devices WHERE device_id = $1 FOR UPDATE",
        &[&dev],
    )?;
    let owner: String = col(&row, 0)?;
    if owner != uid {
        return Err(StorageError::Conflict(format!(
            "device {device} is registered to another user"
        )));
    }
    tx.execute(
        "UPDATE devices SET name = $2 WHERE device_id = $1",
        &[&dev, &name],
    )?;
    tx.commit()?;
    Ok(())
}

pub fn register_actors(
    c: &mut Client,
    device: DeviceId,
    user: UserId,
    actors: &[String],
    now: TimestampMs,
) -> Result<()> {
    let mut tx = c.transaction()?;
    let (dev, uid) = (device.to_string(), user.to_string());
    for actor in actors {
        tx.execute(
            "INSERT INTO actors (actor, device_id, user_id, registered_at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (actor) DO NOTHING",
            &[actor, &dev, &uid, &now],
        )?;
        let row = tx.query_one(
            "SELECT device_id, user_id FROM actors WHERE actor = $1",
            &[actor],
        )?;
        let (d, u): (String, String) = (col(&row, 0)?, col(&row, 1)?);
        if u != uid {
            return Err(StorageError::Conflict(format!(
                "actor {actor} is bound to another user"
            )));
        }
        if d != dev {
            return Err(StorageError::Conflict(format!(
                "actor {actor} is bound to another device of this user"
            )));
        }
    }
    tx.commit()?;
    Ok(())
}

pub fn actors_of_user(c: &mut Client, user: UserId) -> Result<Vec<String>> {
    c.query(
        "SELECT actor FROM actors WHERE user_id = $1",
        &[&user.to_string()],
    )?
    .iter()
    .map(|r| col(r, 0))
    .collect()
}

pub fn actor_names(c: &mut Client) -> Result<Vec<(String, String)>> {
    c.query(
        "SELECT a.actor, u.display_name FROM actors a JOIN users u ON u.id = a.user_id",
        &[],
    )?
    .iter()
    .map(|r| Ok((col(r, 0)?, col(r, 1)?)))
    .collect()
}

pub fn list_devices(c: &mut Client) -> Result<Vec<DeviceRow>> {
    let rows = c.query(
        "SELECT d.device_id, d.user_id, u.username, d.name, d.registered_at_ms, d.last_sync_ms,
                (SELECT string_agg(actor, ',' ORDER BY actor) FROM actors a WHERE a.device_id = d.device_id),
                d.revoked_at_ms
         FROM devices d JOIN users u ON u.id = d.user_id ORDER BY u.username, d.name",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            let actors: Option<String> = col(r, 6)?;
            Ok(DeviceRow {
                device_id: parse(r, 0)?,
                user_id: parse(r, 1)?,
                username: col(r, 2)?,
                name: col(r, 3)?,
                registered_at_ms: col(r, 4)?,
                last_sync_ms: col(r, 5)?,
                actors: actors
                    .map(|a| a.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
                revoked_at_ms: col(r, 7)?,
            })
        })
        .collect()
}

pub fn set_device_revoked(
    c: &mut Client,
    device: DeviceId,
    revoked_at: Option<TimestampMs>,
) -> Result<()> {
    let mut tx = c.transaction()?;
    let id = device.to_string();
    let n = tx.execute(
        "UPDATE devices SET revoked_at_ms = $2 WHERE device_id = $1",
        &[&id, &revoked_at],
    )?;
    if n == 0 {
        return Err(StorageError::NotFound(format!("no device {device}")));
    }
    if revoked_at.is_some() {
        tx.execute(
            "UPDATE tokens SET revoked = TRUE WHERE device_id = $1",
            &[&id],
        )?;
    }
    tx.commit()?;
    Ok(())
}

pub fn device_revoked_at(c: &mut Client, device: DeviceId) -> Result<Option<TimestampMs>> {
    match c.query_opt(
        "SELECT revoked_at_ms FROM devices WHERE device_id = $1",
        &[&device.to_string()],
    )? {
        Some(r) => col(&r, 0),
        None => Ok(None),
    }
}

pub fn token_device_revoked(c: &mut Client, token_hash: &str) -> Result<bool> {
    Ok(c.query_opt(
        "SELECT 1 FROM tokens t JOIN devices d ON d.device_id = t.device_id
             WHERE t.token_hash = $1 AND d.revoked_at_ms IS NOT NULL",
        &[&token_hash],
    )?
    .is_some())
}
