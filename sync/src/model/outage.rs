//! Device outages recorded on a work order: when a linked device stopped serving and when it
//! was restored. They are what the monthly summary's *device downtime* is computed from
//! (docs/kpis.md), so a fault's downtime is what someone on the job wrote down, not a guess
//! from the work order's own times.
//!
//! Shape: `outages: { down_from: {device: ms}, restored_at: {device: ms}, by: {device: user} }`,
//! the three maps made with the work order. Every end of every outage is its own scalar key in
//! a map that already exists, so an engineer marking the device restored on site while the
//! dispatcher records when it went down (from the customer's call) both survive the merge,
//! even when neither had seen an outage before. (A map per device would be created by both
//! sides, and one side's whole record would lose.)

use super::doc::{ModelError, commit, ensure_map, get_map};
use crate::ids::TimestampMs;
use automerge::{AutoCommit, ObjId, ROOT, ReadDoc, ScalarValue, Value, transaction::Transactable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field maps of `outages`, made when the work order is created.
pub(crate) const OUTAGE_MAPS: [&str; 3] = ["down_from", "restored_at", "by"];

/// The outages of one work order as stored: one map per field, keyed by device id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Outages {
    pub down_from: BTreeMap<String, TimestampMs>,
    pub restored_at: BTreeMap<String, TimestampMs>,
    pub by: BTreeMap<String, String>,
}

/// One device's outage on a work order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outage {
    /// When the device stopped serving (the customer's report, or what the engineer found).
    pub down_from_ms: TimestampMs,
    /// When service was restored; `None` while the device is still down.
    pub restored_at_ms: Option<TimestampMs>,
    /// Who recorded the outage (user id).
    pub by: Option<String>,
}

impl Outages {
    /// The outage of `device`, if one is recorded (a start time is what makes one).
    pub fn get(&self, device: &str) -> Option<Outage> {
        let down_from_ms = *self.down_from.get(device)?;
        Some(Outage {
            down_from_ms,
            restored_at_ms: self.restored_at.get(device).copied(),
            by: self.by.get(device).cloned(),
        })
    }

    pub fn contains_key(&self, device: &str) -> bool {
        self.down_from.contains_key(device)
    }

    pub fn is_empty(&self) -> bool {
        self.down_from.is_empty()
    }

    /// Devices with an outage, in id order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.down_from.keys()
    }

    /// (device id, outage), in device id order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, Outage)> {
        self.down_from
            .keys()
            .filter_map(|d| Some((d, self.get(d)?)))
    }
}

impl Outage {
    /// Length of a finished outage. Two people can set the two ends concurrently, so a merged
    /// record may end before it starts: that counts as zero, and [`Outage::is_inverted`] lets
    /// the screens ask for a correction instead of hiding it.
    pub fn duration_ms(&self) -> Option<i64> {
        self.restored_at_ms
            .map(|end| end.saturating_sub(self.down_from_ms).max(0))
    }

    /// Restored before it went down (only possible after a merge of concurrent corrections).
    pub fn is_inverted(&self) -> bool {
        self.restored_at_ms
            .is_some_and(|end| end < self.down_from_ms)
    }
}

/// Make the empty `outages` maps (with the work order, so that no two devices ever create
/// them concurrently).
pub(crate) fn create_outage_maps(doc: &mut AutoCommit) -> Result<(), ModelError> {
    let outages = doc.put_object(ROOT, "outages", automerge::ObjType::Map)?;
    for key in OUTAGE_MAPS {
        doc.put_object(&outages, key, automerge::ObjType::Map)?;
    }
    Ok(())
}

/// The three field maps; made here for work orders created before outages existed.
fn field_maps(doc: &mut AutoCommit) -> Result<[ObjId; 3], ModelError> {
    let outages = ensure_map(doc, &ROOT, "outages")?;
    Ok([
        ensure_map(doc, &outages, OUTAGE_MAPS[0])?,
        ensure_map(doc, &outages, OUTAGE_MAPS[1])?,
        ensure_map(doc, &outages, OUTAGE_MAPS[2])?,
    ])
}

/// Record that `device_id` (linked to the work order) was down from `down_from_ms`, and
/// restored at `restored_at_ms` (`None`: still down), or correct those times (one commit).
/// Only the fields that differ are written, so a concurrent edit of the other end survives.
pub fn record_outage(
    doc: &mut AutoCommit,
    device_id: &str,
    down_from_ms: TimestampMs,
    restored_at_ms: Option<TimestampMs>,
    by: &str,
    now: TimestampMs,
) -> Result<(), ModelError> {
    require_linked(doc, device_id)?;
    check_times(down_from_ms, restored_at_ms, now)?;
    let [from_map, restored_map, by_map] = field_maps(doc)?;
    if ms_at(doc, &from_map, device_id)? != Some(down_from_ms) {
        doc.put(&from_map, device_id, down_from_ms)?;
    }
    let restored = ms_at(doc, &restored_map, device_id)?;
    match restored_at_ms {
        Some(end) if restored != Some(end) => doc.put(&restored_map, device_id, end)?,
        None if restored.is_some() => doc.delete(&restored_map, device_id)?,
        _ => {}
    }
    if doc.get(&by_map, device_id)?.is_none() {
        doc.put(&by_map, device_id, by)?;
    }
    commit(doc, &format!("device {device_id} outage"), now);
    Ok(())
}

/// Times an outage can have, checked on the device that records them: not in the future, and
/// restored no earlier than down.
fn check_times(
    down_from_ms: TimestampMs,
    restored_at_ms: Option<TimestampMs>,
    now: TimestampMs,
) -> Result<(), ModelError> {
    if down_from_ms > now {
        return Err(super::Refusal::DownInTheFuture.into());
    }
    match restored_at_ms {
        Some(end) if end < down_from_ms => Err(super::Refusal::RestoredBeforeDown.into()),
        Some(end) if end > now => Err(super::Refusal::RestoredInTheFuture.into()),
        _ => Ok(()),
    }
}

/// Record when `device_id` was restored, or `None` to say it is still down (one commit).
pub fn mark_device_restored(
    doc: &mut AutoCommit,
    device_id: &str,
    restored_at_ms: Option<TimestampMs>,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let [from_map, restored_map, _] =
        field_maps_if_any(doc)?.ok_or_else(|| not_found(device_id))?;
    let down_from = ms_at(doc, &from_map, device_id)?.ok_or_else(|| not_found(device_id))?;
    check_times(down_from.min(now), restored_at_ms, now)?;
    match restored_at_ms {
        Some(end) => doc.put(&restored_map, device_id, end)?,
        None => doc.delete(&restored_map, device_id)?,
    }
    commit(doc, &format!("device {device_id} restored"), now);
    Ok(())
}

/// Remove an outage recorded by mistake (one commit; the history keeps it).
pub fn clear_outage(
    doc: &mut AutoCommit,
    device_id: &str,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let Some(maps) = field_maps_if_any(doc)? else {
        return Ok(());
    };
    let mut changed = false;
    for map in &maps {
        if doc.get(map, device_id)?.is_some() {
            doc.delete(map, device_id)?;
            changed = true;
        }
    }
    if changed {
        commit(doc, &format!("device {device_id} outage removed"), now);
    }
    Ok(())
}

fn not_found(device_id: &str) -> ModelError {
    ModelError::NotFound {
        what: "outage of device",
        id: device_id.into(),
    }
}

/// The field maps when they all exist (reads must not create them).
fn field_maps_if_any(doc: &AutoCommit) -> Result<Option<[ObjId; 3]>, ModelError> {
    let Some(outages) = get_map(doc, &ROOT, "outages")? else {
        return Ok(None);
    };
    let (Some(a), Some(b), Some(c)) = (
        get_map(doc, &outages, OUTAGE_MAPS[0])?,
        get_map(doc, &outages, OUTAGE_MAPS[1])?,
        get_map(doc, &outages, OUTAGE_MAPS[2])?,
    ) else {
        return Ok(None);
    };
    Ok(Some([a, b, c]))
}

fn require_linked(doc: &AutoCommit, device_id: &str) -> Result<(), ModelError> {
    let linked = match get_map(doc, &ROOT, "device_ids")? {
        Some(map) => matches!(
            doc.get(&map, device_id)?,
            Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Boolean(true))
        ),
        None => false,
    };
    if linked {
        Ok(())
    } else {
        Err(super::Refusal::DeviceNotLinked {
            device: device_id.to_string(),
        }
        .into())
    }
}

fn ms_at(doc: &AutoCommit, map: &ObjId, key: &str) -> Result<Option<TimestampMs>, ModelError> {
    Ok(match doc.get(map, key)? {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Int(v) | ScalarValue::Timestamp(v) => Some(*v),
            ScalarValue::Uint(v) => i64::try_from(*v).ok(),
            _ => None,
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::DocId;
    use crate::model::{NewWorkOrder, WorkOrder, create_work_order};

    const T0: TimestampMs = 1_795_000_000_000;
    const MIN: i64 = 60_000;
    const SWITCH: &str = "0b9c4f0e-0000-4000-8000-000000000001";

    fn incident() -> AutoCommit {
        let mut doc = AutoCommit::new();
        let new = NewWorkOrder {
            kind: "incident".into(),
            title: "Core switch down".into(),
            device_ids: vec![SWITCH.into()],
            ..Default::default()
        };
        create_work_order(&mut doc, DocId::new(), &new, "disp", T0).unwrap();
        doc
    }

    fn outage(doc: &AutoCommit) -> Option<Outage> {
        WorkOrder::from_doc(doc).unwrap().outages.get(SWITCH)
    }

    #[test]
    fn an_outage_is_recorded_restored_corrected_and_removed() {
        let mut doc = incident();
        assert_eq!(outage(&doc), None);
        record_outage(&mut doc, SWITCH, T0 - 20 * MIN, None, "eng", T0 + MIN).unwrap();
        let o = outage(&doc).unwrap();
        assert_eq!((o.down_from_ms, o.restored_at_ms), (T0 - 20 * MIN, None));
        assert_eq!(o.by.as_deref(), Some("eng"));
        assert_eq!(o.duration_ms(), None);
        mark_device_restored(&mut doc, SWITCH, Some(T0 + 100 * MIN), T0 + 101 * MIN).unwrap();
        assert_eq!(outage(&doc).unwrap().duration_ms(), Some(120 * MIN));
        // A correction of both ends; the recorder stays the first one.
        record_outage(
            &mut doc,
            SWITCH,
            T0 - 30 * MIN,
            Some(T0 + 90 * MIN),
            "disp",
            T0 + 200 * MIN,
        )
        .unwrap();
        let o = outage(&doc).unwrap();
        assert_eq!(o.duration_ms(), Some(120 * MIN));
        assert_eq!(o.by.as_deref(), Some("eng"));
        // Back to "still down".
        mark_device_restored(&mut doc, SWITCH, None, T0 + 201 * MIN).unwrap();
        assert_eq!(outage(&doc).unwrap().restored_at_ms, None);
        clear_outage(&mut doc, SWITCH, T0 + 202 * MIN).unwrap();
        assert_eq!(outage(&doc), None);
        // Removing what is not there is not an error and writes nothing.
        let heads = doc.get_heads();
        clear_outage(&mut doc, SWITCH, T0 + 203 * MIN).unwrap();
        assert_eq!(doc.get_heads(), heads);
    }

    #[test]
    fn impossible_outages_are_refused_and_change_nothing() {
        let mut doc = incident();
        let now = T0 + 60 * MIN;
        let heads = doc.get_heads();
        let refused = [
            record_outage(&mut doc, "not-linked", T0, None, "eng", now),
            record_outage(&mut doc, SWITCH, now + MIN, None, "eng", now),
            record_outage(&mut doc, SWITCH, T0, Some(T0 - MIN), "eng", now),
            record_outage(&mut doc, SWITCH, T0, Some(now + MIN), "eng", now),
            mark_device_restored(&mut doc, SWITCH, Some(now), now),
        ];
        for r in refused {
            assert!(r.is_err(), "{r:?}");
        }
        assert_eq!(doc.get_heads(), heads);
        record_outage(&mut doc, SWITCH, T0, None, "eng", now).unwrap();
        assert!(mark_device_restored(&mut doc, SWITCH, Some(T0 - MIN), now).is_err());
    }

    #[test]
    fn the_two_ends_edited_concurrently_both_survive() {
        let mut base = incident();
        record_outage(&mut base, SWITCH, T0, None, "disp", T0 + MIN).unwrap();
        let mut engineer = base.fork();
        let mut dispatcher = base.fork();
        mark_device_restored(&mut engineer, SWITCH, Some(T0 + 90 * MIN), T0 + 91 * MIN).unwrap();
        record_outage(
            &mut dispatcher,
            SWITCH,
            T0 - 15 * MIN,
            None,
            "disp",
            T0 + 92 * MIN,
        )
        .unwrap();
        engineer.merge(&mut dispatcher).unwrap();
        let o = outage(&engineer).unwrap();
        assert_eq!(
            (o.down_from_ms, o.restored_at_ms),
            (T0 - 15 * MIN, Some(T0 + 90 * MIN))
        );
    }

    #[test]
    fn two_first_records_of_one_outage_merge_field_by_field() {
        let mut base = incident();
        let mut engineer = base.fork();
        let mut dispatcher = base.fork();
        // Neither has seen an outage: the engineer records it with its restore time, the
        // dispatcher only its start.
        record_outage(
            &mut engineer,
            SWITCH,
            T0,
            Some(T0 + 50 * MIN),
            "eng",
            T0 + 60 * MIN,
        )
        .unwrap();
        record_outage(
            &mut dispatcher,
            SWITCH,
            T0 - 5 * MIN,
            None,
            "disp",
            T0 + 60 * MIN,
        )
        .unwrap();
        engineer.merge(&mut dispatcher).unwrap();
        dispatcher.merge(&mut engineer).unwrap();
        let (a, b) = (outage(&engineer).unwrap(), outage(&dispatcher).unwrap());
        assert_eq!(a, b);
        assert!([T0, T0 - 5 * MIN].contains(&a.down_from_ms));
        assert_eq!(
            a.restored_at_ms,
            Some(T0 + 50 * MIN),
            "the restore time survives"
        );
    }

    #[test]
    fn a_work_order_from_before_outages_gets_its_maps_on_first_use() {
        let mut doc = incident();
        doc.delete(ROOT, "outages").unwrap();
        doc.commit();
        assert!(WorkOrder::from_doc(&doc).unwrap().outages.is_empty());
        assert!(mark_device_restored(&mut doc, SWITCH, Some(T0), T0).is_err());
        clear_outage(&mut doc, SWITCH, T0).unwrap();
        record_outage(&mut doc, SWITCH, T0 - MIN, None, "eng", T0).unwrap();
        assert_eq!(outage(&doc).unwrap().down_from_ms, T0 - MIN);
    }

    #[test]
    fn a_merge_that_ends_before_it_starts_still_reads_and_counts_zero() {
        let mut base = incident();
        record_outage(
            &mut base,
            SWITCH,
            T0,
            Some(T0 + 60 * MIN),
            "eng",
            T0 + 61 * MIN,
        )
        .unwrap();
        let mut a = base.fork();
        let mut b = base.fork();
        // One moves the start after the old end; the other moves the end before the old start.
        record_outage(
            &mut a,
            SWITCH,
            T0 + 30 * MIN,
            Some(T0 + 60 * MIN),
            "eng",
            T0 + 62 * MIN,
        )
        .unwrap();
        mark_device_restored(&mut b, SWITCH, Some(T0 + 10 * MIN), T0 + 62 * MIN).unwrap();
        a.merge(&mut b).unwrap();
        let o = outage(&a).unwrap();
        assert!(o.is_inverted());
        assert_eq!(o.duration_ms(), Some(0));
    }
}
