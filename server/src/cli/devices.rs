//! `fieldsync-server device list|revoke|restore`: the app installations an administrator
//! sees, and cutting one off when a laptop is lost (its tokens revoked, no new sign-in from
//! it; the user's other devices keep working, the device keeps its unsent work).

use crate::storage::{Db, DeviceRow};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use fieldsync::DeviceId;

/// A server-side time for an administrator's terminal, labelled with its zone (UTC: a hub
/// serves sites in several zones, so no site's zone applies).
fn utc(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| format!("{ms} ms"))
}

/// The installations as a table, optionally only one user's.
pub fn table(rows: &[DeviceRow], user: Option<&str>) -> String {
    let mut out = format!(
        "{:<36}  {:<14} {:<20} {:<20} {:<28} {}\n",
        "device", "user", "registered", "last sync", "state", "name"
    );
    for d in rows.iter().filter(|d| user.is_none_or(|u| d.username == u)) {
        let state = match d.revoked_at_ms {
            Some(at) => format!("revoked {}", utc(at)),
            None => "active".to_owned(),
        };
        out.push_str(&format!(
            "{:<36}  {:<14} {:<20} {:<20} {:<28} {}\n",
            d.device_id,
            d.username,
            utc(d.registered_at_ms),
            d.last_sync_ms.map(utc).unwrap_or_else(|| "never".into()),
            state,
            // Last: a Chinese name is twice as wide as its character count.
            d.name,
        ));
    }
    out
}

/// Revoke (`true`) or restore one installation; answers its row as it is now.
pub async fn set_revoked(db: &Db, device: &str, revoke: bool) -> Result<DeviceRow> {
    let id: DeviceId = device
        .trim()
        .parse()
        .with_context(|| format!("{device:?} is not a device id (see `device list`)"))?;
    let at = revoke.then(crate::now_ms);
    let rows = db
        .call(move |s| {
            s.set_device_revoked(id, at)?;
            s.list_devices()
        })
        .await?;
    match rows.into_iter().find(|d| d.device_id == id) {
        Some(row) => Ok(row),
        None => bail!("device {id} vanished while it was being changed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, revoked: Option<i64>) -> DeviceRow {
        DeviceRow {
            device_id: DeviceId::new(),
            user_id: fieldsync::UserId::new(),
            username: name.into(),
            name: format!("{name}'s laptop"),
            registered_at_ms: 1_796_000_000_000,
            last_sync_ms: None,
            actors: vec![],
            revoked_at_ms: revoked,
        }
    }

    #[test]
    fn the_table_names_the_state_and_labels_times() {
        let rows = [
            row("li.wei", None),
            row("zhang.min", Some(1_796_100_000_000)),
        ];
        let all = table(&rows, None);
        assert!(all.contains("li.wei") && all.contains("zhang.min"), "{all}");
        assert!(all.contains("active"), "{all}");
        assert!(all.contains("revoked 2026-"), "{all}");
        assert!(all.contains(" UTC"), "{all}");
        assert!(all.contains("never"), "{all}");
        let one = table(&rows, Some("li.wei"));
        assert!(!one.contains("zhang.min"), "{one}");
    }
}
