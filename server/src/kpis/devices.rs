//! Device figures of the summary (docs/kpis.md, "Device downtime"):
//! - **downtime**, from the outages engineers and dispatchers record on a work order (down
//!   from → restored, per device);
//! - **fault time**: for each device linked to the period's faults, the wall-clock time during
//!   which it had at least one fault open (created → completed) — an upper bound of downtime
//!   that needs nothing recorded, so it covers faults where nobody wrote an outage down.

use super::{Sample, round2};
use serde::Serialize;
use std::collections::BTreeMap;

const HOUR_MS: f64 = 3_600_000.0;

/// `[start, end)` of one fault on one device, in milliseconds.
type Span = (i64, i64);

/// One device's faults in the period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DeviceFaultStat {
    pub faults: u64,
    /// Faults not completed yet: their time is not counted.
    pub still_open: u64,
    /// Hours with at least one completed fault open; overlapping faults count once.
    pub fault_hours: f64,
}

/// Fault time of the devices linked to the period's faults.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DeviceFaults {
    /// Faults linked to at least one device.
    pub faults: u64,
    /// Devices with at least one fault.
    pub devices: u64,
    /// Sum over devices of their fault hours (a fault on two devices counts for each).
    pub fault_hours: Option<f64>,
    /// By device label (asset tag and type).
    pub by_device: BTreeMap<String, DeviceFaultStat>,
}

/// Fault time of `faults` (the period's live incidents) by linked device.
pub fn device_faults(faults: &[&Sample]) -> DeviceFaults {
    let mut spans: BTreeMap<&str, (DeviceFaultStat, Vec<Span>)> = BTreeMap::new();
    for s in faults.iter().filter(|s| !s.devices.is_empty()) {
        let closed = s.completed_at_ms.filter(|_| s.is_done());
        for d in &s.devices {
            let (stat, intervals) = spans.entry(d.as_str()).or_default();
            stat.faults += 1;
            match closed {
                Some(end) => intervals.push((s.created_at_ms, end.max(s.created_at_ms))),
                None => stat.still_open += 1,
            }
        }
    }
    let by_device: BTreeMap<String, DeviceFaultStat> = spans
        .into_iter()
        .map(|(d, (mut stat, intervals))| {
            stat.fault_hours = round2(union_ms(intervals) as f64 / HOUR_MS);
            (d.to_owned(), stat)
        })
        .collect();
    let linked = faults.iter().filter(|s| !s.devices.is_empty()).count() as u64;
    DeviceFaults {
        faults: linked,
        devices: by_device.len() as u64,
        fault_hours: (linked > 0).then(|| round2(by_device.values().map(|s| s.fault_hours).sum())),
        by_device,
    }
}

/// One outage recorded on a work order ([`fieldsync::model::Outage`]), with the device's label.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct OutageSample {
    /// Asset tag and type (the id when the record cannot be read).
    pub device: String,
    pub down_from_ms: i64,
    /// `None` while the device is still down.
    pub restored_at_ms: Option<i64>,
}

/// One device's recorded outages in the period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DowntimeStat {
    pub outages: u64,
    /// Outages without a restore time yet: not counted in `downtime_hours`.
    pub still_down: u64,
    /// Hours down; overlapping outages (two work orders about one outage) count once.
    pub downtime_hours: f64,
    /// Hours the still-down outages have lasted so far (to when the summary was made), apart
    /// from `downtime_hours` so that a forgotten "restored" cannot inflate the downtime.
    pub down_so_far_hours: f64,
}

/// Downtime from the outages recorded on the period's work orders.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DeviceDowntime {
    /// Outages recorded on the period's work orders (not cancelled), any kind of work.
    pub outages: u64,
    /// Of them, devices not restored yet.
    pub still_down: u64,
    /// Devices with at least one outage.
    pub devices: u64,
    /// Sum over devices of their downtime hours; `None` when no outage was recorded.
    pub downtime_hours: Option<f64>,
    /// Sum over devices of the hours their still-down outages have lasted so far; `None`
    /// when every device is restored.
    pub down_so_far_hours: Option<f64>,
    /// By device label (asset tag and type).
    pub by_device: BTreeMap<String, DowntimeStat>,
}

/// Downtime of the devices with outages recorded on `work_orders` (the period's live ones);
/// outages still open are measured to `now` apart from it.
pub fn device_downtime(work_orders: &[&Sample], now: i64) -> DeviceDowntime {
    type Spans = (DowntimeStat, Vec<Span>, Vec<Span>);
    let mut spans: BTreeMap<&str, Spans> = BTreeMap::new();
    for o in work_orders.iter().flat_map(|s| &s.outages) {
        let (stat, done, open) = spans.entry(o.device.as_str()).or_default();
        stat.outages += 1;
        match o.restored_at_ms {
            // A merge of concurrent corrections can end an outage before it starts: zero.
            Some(end) => done.push((o.down_from_ms, end.max(o.down_from_ms))),
            None => {
                stat.still_down += 1;
                open.push((o.down_from_ms, now.max(o.down_from_ms)));
            }
        }
    }
    let by_device: BTreeMap<String, DowntimeStat> = spans
        .into_iter()
        .map(|(d, (mut stat, done, open))| {
            stat.downtime_hours = round2(union_ms(done) as f64 / HOUR_MS);
            stat.down_so_far_hours = round2(union_ms(open) as f64 / HOUR_MS);
            (d.to_owned(), stat)
        })
        .collect();
    let outages: u64 = by_device.values().map(|s| s.outages).sum();
    let still_down: u64 = by_device.values().map(|s| s.still_down).sum();
    DeviceDowntime {
        outages,
        still_down,
        devices: by_device.len() as u64,
        downtime_hours: (outages > 0)
            .then(|| round2(by_device.values().map(|s| s.downtime_hours).sum())),
        down_so_far_hours: (still_down > 0)
            .then(|| round2(by_device.values().map(|s| s.down_so_far_hours).sum())),
        by_device,
    }
}

/// Total length of the union of `[start, end)` intervals: two faults open at once on one
/// device are one stretch of fault time, not two.
fn union_ms(mut intervals: Vec<Span>) -> i64 {
    intervals.sort_unstable();
    let mut total: i64 = 0;
    let mut current: Option<Span> = None;
    for (start, end) in intervals {
        current = match current {
            Some((s, e)) if start <= e => Some((s, e.max(end))),
            Some((s, e)) => {
                total = total.saturating_add(e.saturating_sub(s));
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    total.saturating_add(current.map_or(0, |(s, e)| e.saturating_sub(s)))
}

#[cfg(test)]
mod tests {
    use super::union_ms;

    #[test]
    fn overlapping_fault_spans_count_once() {
        // [0,10) ∪ [5,20) ∪ [30,40) ∪ [40,45) = 20 + 15 = 35.
        assert_eq!(union_ms(vec![(30, 40), (0, 10), (5, 20), (40, 45)]), 35);
        assert_eq!(union_ms(vec![]), 0);
        // One inside another.
        assert_eq!(union_ms(vec![(0, 100), (10, 20)]), 100);
    }
}
