//! The monthly service summary for one customer: fault counts and rates by category, time
//! to arrive, on-site resolution time, SLA compliance, first-time fix rate, completed vs open,
//! each compared with the previous month. Definitions: `docs/kpis.md`. [`compute`] is pure
//! over [`Sample`]s; [`gather`] reads them from the projections and documents (blocking).

use crate::hub::{Hub, HubError};
use crate::storage::WorkOrderFilter;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use fieldsync::model::{CATEGORIES, WorkOrder};
use fieldsync::status::{EventKind, Status};
use fieldsync::{DocId, TimestampMs};
use serde::Serialize;
use std::collections::BTreeMap;

/// Rows read per status from the work-order projection (its own upper bound).
const ROWS_PER_STATUS: u32 = 5000;

/// A calendar month (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// Parse `YYYY-MM`.
    pub fn parse(s: &str) -> Result<Month, String> {
        let bad = || format!("month {s:?} is not YYYY-MM");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if y.len() != 4 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    fn start_ms(self) -> TimestampMs {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| Utc.from_utc_datetime(&t).timestamp_millis())
            .unwrap_or(0)
    }

    /// `[start, end)` in milliseconds.
    pub fn range_ms(self) -> (TimestampMs, TimestampMs) {
        (self.start_ms(), self.next().start_ms())
    }

    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// What the KPIs need of one work order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sample {
    pub kind: String,
    pub category: Option<String>,
    pub status: String,
    pub created_at_ms: TimestampMs,
    pub response_due_ms: Option<TimestampMs>,
    pub resolution_due_ms: Option<TimestampMs>,
    pub first_on_site_ms: Option<TimestampMs>,
    pub completed_at_ms: Option<TimestampMs>,
    pub on_hold_ms: i64,
    pub outcome: Option<String>,
    /// Number of `on_site` events (visits).
    pub visits: usize,
    /// Sent back or reopened at least once.
    pub reopened: bool,
}

impl Sample {
    pub fn from_work_order(wo: &WorkOrder) -> Sample {
        let f = wo.fold();
        let count = |k: EventKind| wo.events.iter().filter(|e| e.kind() == Some(k)).count();
        Sample {
            kind: wo.kind.clone(),
            category: wo.category.clone(),
            status: f.status.as_str().into(),
            created_at_ms: wo.created_at_ms,
            response_due_ms: wo.sla.response_due_ms,
            resolution_due_ms: wo.sla.resolution_due_ms,
            first_on_site_ms: f.first_on_site_ms,
            completed_at_ms: f.completed_at_ms,
            on_hold_ms: f.on_hold_ms,
            outcome: f.outcome,
            visits: count(EventKind::OnSite),
            reopened: count(EventKind::Rejected) + count(EventKind::Reopened) > 0,
        }
    }

    fn is_done(&self) -> bool {
        matches!(self.status.as_str(), "completed" | "approved")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CategoryStat {
    pub count: u64,
    /// Share of all faults of the month, in percent.
    pub rate_pct: Option<f64>,
}

/// Met / missed out of the work orders whose clock has a due time and an outcome.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Compliance {
    pub met: u64,
    pub missed: u64,
    /// Due time not yet reached and not yet met: not counted.
    pub pending: u64,
    pub rate_pct: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MonthKpis {
    pub month: String,
    pub work_orders: u64,
    pub faults: u64,
    pub faults_by_category: BTreeMap<String, CategoryStat>,
    pub mean_time_to_arrive_min: Option<f64>,
    pub mean_on_site_resolution_min: Option<f64>,
    pub sla_response: Compliance,
    pub sla_resolution: Compliance,
    pub first_time_fixes: u64,
    pub first_time_fix_rate_pct: Option<f64>,
    pub completed: u64,
    pub open: u64,
    pub cancelled: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct KpiReport {
    pub customer: String,
    pub current: MonthKpis,
    pub previous: MonthKpis,
    /// current − previous for the headline figures (absent where either side has no value).
    pub change: BTreeMap<String, Option<f64>>,
    /// The projection returned its row limit for some status: figures may be incomplete.
    pub truncated: bool,
}

fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| round2(part as f64 * 100.0 / whole as f64))
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn mean_min(values: &[i64]) -> Option<f64> {
    (!values.is_empty())
        .then(|| round2(values.iter().sum::<i64>() as f64 / values.len() as f64 / 60_000.0))
}

fn compliance(
    items: impl Iterator<Item = (Option<TimestampMs>, TimestampMs)>,
    now: i64,
) -> Compliance {
    let mut c = Compliance::default();
    for (done_at, due) in items {
        match done_at {
            Some(t) if t <= due => c.met += 1,
            Some(_) => c.missed += 1,
            None if now > due => c.missed += 1,
            None => c.pending += 1,
        }
    }
    c.rate_pct = pct(c.met, c.met + c.missed);
    c
}

/// KPIs of the work orders created in `month` (see docs/kpis.md).
pub fn compute(samples: &[Sample], month: Month, now: TimestampMs) -> MonthKpis {
    let (from, to) = month.range_ms();
    let wos: Vec<&Sample> = samples
        .iter()
        .filter(|s| (from..to).contains(&s.created_at_ms))
        .collect();
    let live: Vec<&Sample> = wos
        .iter()
        .copied()
        .filter(|s| s.status != Status::Cancelled.as_str())
        .collect();
    let faults: Vec<&Sample> = live
        .iter()
        .copied()
        .filter(|s| s.kind == "incident")
        .collect();
    let mut by_cat: BTreeMap<String, CategoryStat> = CATEGORIES
        .iter()
        .map(|c| (c.to_string(), CategoryStat::default()))
        .collect();
    for s in &faults {
        let cat = s.category.clone().unwrap_or_else(|| "other".into());
        by_cat.entry(cat).or_default().count += 1;
    }
    let total = faults.len() as u64;
    for stat in by_cat.values_mut() {
        stat.rate_pct = pct(stat.count, total);
    }
    let arrive: Vec<i64> = faults
        .iter()
        .filter_map(|s| Some((s.first_on_site_ms? - s.created_at_ms).max(0)))
        .collect();
    let done: Vec<&Sample> = faults.iter().copied().filter(|s| s.is_done()).collect();
    let on_site: Vec<i64> = done
        .iter()
        .filter_map(|s| Some((s.completed_at_ms? - s.first_on_site_ms? - s.on_hold_ms).max(0)))
        .collect();
    let ftf = done
        .iter()
        .filter(|s| s.outcome.as_deref() == Some("fixed") && s.visits <= 1 && !s.reopened)
        .count() as u64;
    let response = compliance(
        live.iter()
            .filter_map(|s| Some((s.first_on_site_ms, s.response_due_ms?))),
        now,
    );
    let resolution = compliance(
        live.iter().filter_map(|s| {
            let done_at = s
                .completed_at_ms
                .filter(|_| s.is_done())
                .map(|c| c - s.on_hold_ms);
            Some((done_at, s.resolution_due_ms?))
        }),
        now,
    );
    MonthKpis {
        month: month.label(),
        work_orders: live.len() as u64,
        faults: total,
        faults_by_category: by_cat,
        mean_time_to_arrive_min: mean_min(&arrive),
        mean_on_site_resolution_min: mean_min(&on_site),
        sla_response: response,
        sla_resolution: resolution,
        first_time_fixes: ftf,
        first_time_fix_rate_pct: pct(ftf, done.len() as u64),
        completed: live.iter().filter(|s| s.is_done()).count() as u64,
        open: live
            .iter()
            .filter(|s| Status::parse(&s.status).is_some_and(Status::is_open))
            .count() as u64,
        cancelled: (wos.len() - live.len()) as u64,
    }
}

/// Headline figures as (name, value) for the comparison and the CSV.
pub fn headline(k: &MonthKpis) -> Vec<(String, Option<f64>)> {
    let mut v = vec![
        ("work_orders".to_string(), Some(k.work_orders as f64)),
        ("faults".into(), Some(k.faults as f64)),
    ];
    for (cat, s) in &k.faults_by_category {
        v.push((format!("faults_{cat}"), Some(s.count as f64)));
        v.push((format!("fault_rate_{cat}_pct"), s.rate_pct));
    }
    v.extend([
        ("mean_time_to_arrive_min".into(), k.mean_time_to_arrive_min),
        (
            "mean_on_site_resolution_min".into(),
            k.mean_on_site_resolution_min,
        ),
        ("sla_response_pct".into(), k.sla_response.rate_pct),
        ("sla_resolution_pct".into(), k.sla_resolution.rate_pct),
        ("first_time_fix_rate_pct".into(), k.first_time_fix_rate_pct),
        ("completed".into(), Some(k.completed as f64)),
        ("open".into(), Some(k.open as f64)),
        ("cancelled".into(), Some(k.cancelled as f64)),
    ]);
    v
}

pub fn report(
    customer: &str,
    samples: &[Sample],
    month: Month,
    now: i64,
    truncated: bool,
) -> KpiReport {
    let current = compute(samples, month, now);
    let previous = compute(samples, month.previous(), now);
    let prev: BTreeMap<_, _> = headline(&previous).into_iter().collect();
    let change = headline(&current)
        .into_iter()
        .map(|(k, v)| {
            let d = match (v, prev.get(&k).copied().flatten()) {
                (Some(a), Some(b)) => Some(round2(a - b)),
                _ => None,
            };
            (k, d)
        })
        .collect();
    KpiReport {
        customer: customer.into(),
        current,
        previous,
        change,
        truncated,
    }
}

/// The CSV export: one line per headline figure.
pub fn to_csv(r: &KpiReport) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "customer",
        "metric",
        r.current.month.as_str(),
        r.previous.month.as_str(),
        "change",
    ])?;
    let prev: BTreeMap<_, _> = headline(&r.previous).into_iter().collect();
    let fmt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (name, v) in headline(&r.current) {
        let p = prev.get(&name).copied().flatten();
        let c = r.change.get(&name).copied().flatten();
        w.write_record([r.customer.as_str(), &name, &fmt(v), &fmt(p), &fmt(c)])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Work orders of `customer` created in `month` or the month before, as samples (blocking).
/// Returns whether the projection hit its row limit.
pub fn gather(hub: &Hub, customer: &str, month: Month) -> Result<(Vec<Sample>, bool), HubError> {
    let (from, _) = month.previous().range_ms();
    let (_, to) = month.range_ms();
    let mut samples = Vec::new();
    let mut truncated = false;
    for status in Status::ALL {
        let rows = hub.db().blocking().list_work_orders(&WorkOrderFilter {
            status: Some(status.as_str().into()),
            customer: Some(customer.into()),
            limit: Some(ROWS_PER_STATUS),
            ..Default::default()
        })?;
        truncated |= rows.len() as u32 >= ROWS_PER_STATUS;
        for row in rows {
            if !(from..to).contains(&row.created_at_ms) {
                continue;
            }
            let Ok(id) = row.doc_id.parse::<DocId>() else {
                continue;
            };
            let Some((_, doc)) = hub.load(id)? else {
                continue;
            };
            match WorkOrder::from_doc(&doc) {
                Ok(wo) => samples.push(Sample::from_work_order(&wo)),
                Err(e) => tracing::warn!(%id, error = %e, "work order left out of the KPIs"),
            }
        }
    }
    Ok((samples, truncated))
}

/// Today's month, for a missing `month` parameter.
pub fn current_month(now: TimestampMs) -> Month {
    let t = Utc.timestamp_millis_opt(now).single().unwrap_or_default();
    Month {
        year: t.year(),
        month: t.month(),
    }
}

#[cfg(test)]
#[path = "kpis_tests.rs"]
mod tests;
