//! Recent incidents that look like one recurring problem (the help desk's "match incidents to
//! find the root cause of frequent faults"): at least `min` incidents in the window on the
//! same device, or at the same site in the same category. Pure: the rows come in, the groups
//! go out, so the rule is tested without a database.

use crate::storage::WorkOrderRow;
use fieldsync::TimestampMs;
use fieldsync::problem::{LinkedIncident, RecurrenceKey};
use std::collections::BTreeMap;

/// The smallest and largest group size and window the office may ask for.
pub const MIN_REPEATS: std::ops::RangeInclusive<usize> = 2..=50;
pub const WINDOW_DAYS: std::ops::RangeInclusive<i64> = 1..=366;

/// Groups of incidents created at or after `since_ms`, each of at least `min`, largest
/// first (then by key). An incident can be in a device group and in a site group both:
/// they are two different questions.
pub fn recurring(
    rows: &[WorkOrderRow],
    since_ms: TimestampMs,
    min: usize,
) -> Vec<(RecurrenceKey, Vec<LinkedIncident>)> {
    let mut groups: BTreeMap<RecurrenceKey, Vec<&WorkOrderRow>> = BTreeMap::new();
    let recent = rows
        .iter()
        .filter(|r| r.kind == "incident" && r.created_at_ms >= since_ms && r.status != "cancelled");
    for r in recent {
        for device in &r.device_ids {
            groups
                .entry(RecurrenceKey::Device {
                    device_id: device.clone(),
                })
                .or_default()
                .push(r);
        }
        if let (Some(site), Some(category)) = (&r.site_id, &r.category) {
            groups
                .entry(RecurrenceKey::SiteCategory {
                    site_id: site.clone(),
                    category: category.clone(),
                })
                .or_default()
                .push(r);
        }
    }
    let mut out: Vec<(RecurrenceKey, Vec<LinkedIncident>)> = groups
        .into_iter()
        .filter(|(_, rows)| rows.len() >= min)
        .map(|(key, mut rows)| {
            rows.sort_by_key(|r| (r.created_at_ms, r.doc_id.clone()));
            (key, rows.into_iter().map(linked).collect())
        })
        .collect();
    out.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    out
}

fn linked(r: &WorkOrderRow) -> LinkedIncident {
    LinkedIncident {
        doc_id: r.doc_id.clone(),
        number: r.number.clone(),
        title: r.title.clone(),
        status: r.status.clone(),
        site_id: r.site_id.clone(),
        created_at_ms: r.created_at_ms,
    }
}
