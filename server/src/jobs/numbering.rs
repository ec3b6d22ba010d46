//! Every work order gets a number: the office's call form numbers an incident as it creates
//! it, but an engineer's incident created on a laptop (offline or not) and a plan's visits
//! arrive without one. This job gives each unnumbered work order the next number of the
//! year it was created in, written by the server's actor, so engineers can quote it.

use crate::hub::{Hub, HubError};
use crate::storage::WorkOrderFilter;
use automerge::ReadDoc;
use chrono::Datelike;
use fieldsync::{DocId, TimestampMs};

/// Lease name of the numbering job (one replica numbers at a time, so a work order is not
/// given two numbers by two replicas at once).
pub const NUMBERING: &str = "numbering";

/// Work orders numbered per run at most (the rest wait for the next tick).
const PER_RUN: u32 = 5_000;

/// Number every work order that has none, oldest first; how many were numbered.
pub fn number_work_orders(hub: &Hub, now: TimestampMs) -> Result<usize, HubError> {
    let mut rows = hub.db().blocking().list_work_orders(&WorkOrderFilter {
        limit: Some(PER_RUN),
        ..Default::default()
    })?;
    rows.retain(|r| r.number.is_none());
    rows.sort_by_key(|r| r.created_at_ms);
    let mut numbered = 0;
    for row in rows {
        let Ok(id) = row.doc_id.parse::<DocId>() else {
            continue;
        };
        let year = chrono::DateTime::from_timestamp_millis(row.created_at_ms)
            .map_or_else(|| chrono::Utc::now().year(), |t| t.year());
        // Taken before the edit, which may be retried: a retry keeps the same number.
        let number = hub.db().blocking().next_work_order_number(year)?;
        let mut wrote = false;
        hub.server_edit(id, now, |doc, _| {
            use automerge::transaction::Transactable;
            // Numbered meanwhile (another path): keep that number; this one stays unused.
            wrote = match doc.get(automerge::ROOT, "number")? {
                None => true,
                Some((automerge::Value::Scalar(s), _)) => s.is_null(),
                Some(_) => false,
            };
            if wrote {
                doc.put(automerge::ROOT, "number", number.as_str())?;
            }
            Ok(())
        })?;
        numbered += usize::from(wrote);
    }
    Ok(numbered)
}
