//! The service summary for one customer and period (month or quarter): fault counts and
//! rates by category, phone resolution, time to arrive, on-site resolution time, SLA
//! compliance, first-time fix rate, complaints and customer satisfaction, inspection
//! adherence, device fault time, a breakdown by engineer, each compared with the previous
//! period and with a trend over the periods before. Definitions: `docs/kpis.md`.
//! [`compute`] is pure over [`Records`]; [`gather`] reads them from the projections, plans,
//! contract, CMDB and documents (blocking).

use chrono_tz::Tz;
use fieldsync::TimestampMs;
use fieldsync::model::{CATEGORIES, Complaint};
use fieldsync::sla::SlaState;
use fieldsync::status::Status;
use serde::Serialize;
use std::collections::BTreeMap;

mod calendar;
mod devices;
mod faults;
mod gather;
mod inspections;
mod period;
mod sample;
pub mod tasks;
pub use calendar::{CalendarDay, ServiceCalendar, ServiceHours};
pub use devices::{DeviceDowntime, DeviceFaultStat, DeviceFaults, DowntimeStat, OutageSample};
pub use faults::{ClassFaultRate, FaultTable, Fleet};
pub use gather::{customer_zone, gather, gather_periods};
pub use inspections::{InspectionAdherence, PlannedInspection};
pub use period::Period;
pub use sample::Sample;
pub use tasks::{GroupCounts, Task, TaskCounts, TaskOutcome, TaskTable};

/// Rows read per status and period from the work-order projection (its own upper bound).
const ROWS_PER_STATUS: u32 = 5000;
/// Months read before the trend for scheduled work generated ahead (plans' horizon ≤ 366 days).
const LOOKBACK_MONTHS: i32 = 13;
/// Device records read for the fault rate's denominator (its own upper bound).
const MAX_DEVICES: u32 = 100_000;
/// Periods in the trend: this one and the five before.
pub const TREND_PERIODS: usize = 6;
/// A satisfaction score of at least this counts as satisfied (DOMAIN.md target ≥ 95 %).
const SATISFIED_FROM: i64 = 4;
/// Completion outcomes that say the fault was not resolved (`Event::outcome`).
const UNRESOLVED_OUTCOMES: [&str; 2] = ["not_fixed", "referred"];

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CategoryStat {
    pub count: u64,
    /// The category's share of all faults of the period, in % (the shares sum to 100).
    pub share_pct: Option<f64>,
    /// 故障率 of the category: its faults ÷ devices in service, in % (`None` when the CMDB
    /// has no device of the customer).
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

/// One engineer's share of the period's work orders.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EngineerStat {
    pub work_orders: u64,
    pub faults: u64,
    pub completed: u64,
    pub first_time_fix_rate_pct: Option<f64>,
    pub mean_on_site_resolution_min: Option<f64>,
    pub complaints: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PeriodKpis {
    /// `2026-11` or `2026-Q4`.
    pub period: String,
    pub work_orders: u64,
    pub faults: u64,
    pub faults_by_category: BTreeMap<String, CategoryStat>,
    /// The customer's devices in service (CMDB, as recorded now); `None` when unknown.
    pub devices_in_service: Option<u64>,
    /// 整体故障率: faults ÷ devices in service, in %.
    pub fault_rate_pct: Option<f64>,
    /// Fault rate per device class: faults linked to a device of the class ÷ devices of the
    /// class in service.
    pub fault_rate_by_class: BTreeMap<String, ClassFaultRate>,
    /// Completed faults resolved without a site visit (by phone or remotely).
    pub phone_resolutions: u64,
    /// Of all completed faults, in %.
    pub phone_resolution_rate_pct: Option<f64>,
    /// Wall-clock minutes, first on site − call (holds included).
    pub mean_time_to_arrive_min: Option<f64>,
    /// Business minutes of the contract's calendar, holds excluded (the response clock's
    /// measure); `None` without a contract.
    pub mean_time_to_arrive_business_min: Option<f64>,
    /// Wall-clock minutes, completion − first on site − holds.
    pub mean_on_site_resolution_min: Option<f64>,
    /// Business minutes of the contract's calendar, holds excluded.
    pub mean_on_site_resolution_business_min: Option<f64>,
    /// The SLA engine's verdicts (the dispatch board's clocks), see [`Sample::with_clocks`].
    pub sla_response: Compliance,
    pub sla_resolution: Compliance,
    pub first_time_fixes: u64,
    pub first_time_fix_rate_pct: Option<f64>,
    pub completed: u64,
    pub open: u64,
    pub cancelled: u64,
    /// Complaints recorded against the period's work orders.
    pub complaints: u64,
    /// Work orders with at least one complaint, out of all work orders, in %.
    pub complaint_rate_pct: Option<f64>,
    /// Complaints closed by their due time: met; closed late or still open past it: missed.
    pub complaint_resolution: Compliance,
    pub satisfaction_scores: u64,
    /// Mean score, 1–5.
    pub mean_satisfaction: Option<f64>,
    /// Scores of 4 or 5, out of all scores, in %.
    pub customer_satisfaction_pct: Option<f64>,
    /// By engineer display name; a work order with two engineers counts for both.
    pub by_engineer: BTreeMap<String, EngineerStat>,
    /// Occurrences of the customer's inspection plans starting in the period; `None` when the
    /// database keeps no plans.
    pub inspections: Option<InspectionAdherence>,
    /// Fault time of the devices linked to the period's faults (not downtime: see the module).
    pub device_faults: DeviceFaults,
    /// Downtime from the outages recorded on the period's work orders.
    pub device_downtime: DeviceDowntime,
    /// 巡检发现问题: failed checks and out-of-range readings on the period's work orders, and
    /// how many have a follow-up incident.
    pub findings: u64,
    pub findings_followed_up: u64,
}

/// Everything the summary reads for one customer ([`gather`]).
#[derive(Clone, Debug, Default)]
pub struct Records {
    pub work_orders: Vec<Sample>,
    /// Occurrences of the customer's inspection plans; `None`: no plans in this database.
    pub inspections: Option<Vec<PlannedInspection>>,
    /// The projection returned its row limit for some status.
    pub truncated: bool,
    /// The customer's time zone, which draws the periods' boundaries (`None`: UTC).
    pub time_zone: Option<Tz>,
    /// The customer's devices in service (`None`: not known, no fault rates).
    pub fleet: Option<Fleet>,
    /// The sites the work orders name, by document id.
    pub sites: BTreeMap<String, SiteInfo>,
    /// The customer's service contract (`None`: none, no contract calendar applies).
    pub contract: Option<fieldsync::sla::Contract>,
}

/// What the task-completion table shows of a site.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteInfo {
    pub name: String,
    /// The site's IANA zone, when it has a valid one (else the customer's).
    pub time_zone: Option<String>,
}

impl Records {
    pub(crate) fn zone(&self) -> Tz {
        self.time_zone.unwrap_or(Tz::UTC)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct KpiReport {
    pub customer: String,
    /// The customer's name as its sites give it (what the customer reads on the PDF); `None`
    /// when no site of that customer is known.
    pub customer_name: Option<String>,
    /// `month` or `quarter`.
    pub period_kind: &'static str,
    /// The IANA zone whose calendar months the periods are (the customer's contract).
    pub time_zone: String,
    pub current: PeriodKpis,
    pub previous: PeriodKpis,
    /// current − previous for the headline figures (absent where either side has no value).
    pub change: BTreeMap<String, Option<f64>>,
    /// This period and the ones before it, oldest first ([`TREND_PERIODS`] in all).
    pub trend: Vec<PeriodKpis>,
    /// The service scheme's 故障率考核 table for the current period.
    pub fault_table: FaultTable,
    /// The contract's service hours, holidays and make-up working days of the current
    /// period; `None`: the customer has no contract.
    pub service_calendar: Option<ServiceCalendar>,
    /// The projection returned its row limit for some status: figures may be incomplete.
    pub truncated: bool,
    pub generated_at_ms: TimestampMs,
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

/// Met / missed / pending from the SLA engine's states: met = stopped in time, missed =
/// breached (stopped late or running past due), on track or at risk = pending.
fn sla_compliance(states: impl Iterator<Item = SlaState>) -> Compliance {
    let mut c = Compliance::default();
    for s in states {
        match s {
            SlaState::Met => c.met += 1,
            SlaState::Breached => c.missed += 1,
            SlaState::OnTrack | SlaState::AtRisk => c.pending += 1,
        }
    }
    c.rate_pct = pct(c.met, c.met + c.missed);
    c
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

fn by_engineer(live: &[&Sample]) -> BTreeMap<String, EngineerStat> {
    let mut groups: BTreeMap<&str, Vec<&Sample>> = BTreeMap::new();
    for s in live {
        for e in &s.engineers {
            groups.entry(e.as_str()).or_default().push(s);
        }
    }
    groups
        .into_iter()
        .map(|(name, wos)| {
            let done_faults: Vec<&&Sample> = wos
                .iter()
                .filter(|s| s.kind == "incident" && s.is_done())
                .collect();
            let ftf = done_faults.iter().filter(|s| s.is_first_time_fix()).count() as u64;
            let on_site: Vec<i64> = done_faults.iter().filter_map(|s| s.on_site_ms()).collect();
            let stat = EngineerStat {
                work_orders: wos.len() as u64,
                faults: wos.iter().filter(|s| s.kind == "incident").count() as u64,
                completed: wos.iter().filter(|s| s.is_done()).count() as u64,
                first_time_fix_rate_pct: pct(ftf, done_faults.len() as u64),
                mean_on_site_resolution_min: mean_min(&on_site),
                complaints: wos.iter().map(|s| s.complaints.len() as u64).sum(),
            };
            (name.to_owned(), stat)
        })
        .collect()
}

/// KPIs of the work orders created in `period` and the inspections planned in it (see
/// docs/kpis.md).
pub fn compute(records: &Records, period: Period, now: TimestampMs) -> PeriodKpis {
    let (from, to) = period.range_in(records.zone());
    let wos: Vec<&Sample> = records
        .work_orders
        .iter()
        .filter(|s| (from..to).contains(&s.counted_at_ms()))
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
    let devices = records.fleet.as_ref().map(|f| f.in_service);
    for stat in by_cat.values_mut() {
        stat.share_pct = pct(stat.count, total);
        stat.rate_pct = devices.and_then(|d| pct(stat.count, d));
    }
    let arrive: Vec<i64> = faults
        .iter()
        .filter_map(|s| Some((s.first_on_site_ms? - s.created_at_ms).max(0)))
        .collect();
    let done: Vec<&Sample> = faults.iter().copied().filter(|s| s.is_done()).collect();
    let on_site: Vec<i64> = done.iter().filter_map(|s| s.on_site_ms()).collect();
    let ftf = done.iter().filter(|s| s.is_first_time_fix()).count() as u64;
    let by_phone = done.iter().filter(|s| s.is_phone_resolution()).count() as u64;
    let response = sla_compliance(live.iter().filter_map(|s| s.sla_response));
    let resolution = sla_compliance(live.iter().filter_map(|s| s.sla_resolution));
    let arrive_business: Vec<i64> = faults.iter().filter_map(|s| s.arrive_business_ms).collect();
    let on_site_business: Vec<i64> = done.iter().filter_map(|s| s.on_site_business_ms).collect();
    let complaints: Vec<&Complaint> = live.iter().flat_map(|s| &s.complaints).collect();
    let complained = live.iter().filter(|s| !s.complaints.is_empty()).count() as u64;
    let complaint_resolution = compliance(
        complaints
            .iter()
            .map(|c| (c.closed.as_ref().map(|x| x.at_ms), c.due_ms)),
        now,
    );
    let scores: Vec<i64> = live.iter().flat_map(|s| s.scores.iter().copied()).collect();
    let satisfied = scores.iter().filter(|s| **s >= SATISFIED_FROM).count() as u64;
    PeriodKpis {
        period: period.label(),
        work_orders: live.len() as u64,
        faults: total,
        faults_by_category: by_cat,
        devices_in_service: devices,
        fault_rate_pct: devices.and_then(|d| pct(total, d)),
        fault_rate_by_class: records
            .fleet
            .as_ref()
            .map(|f| faults::by_class(&faults, f))
            .unwrap_or_default(),
        phone_resolutions: by_phone,
        phone_resolution_rate_pct: pct(by_phone, done.len() as u64),
        mean_time_to_arrive_min: mean_min(&arrive),
        mean_time_to_arrive_business_min: mean_min(&arrive_business),
        mean_on_site_resolution_min: mean_min(&on_site),
        mean_on_site_resolution_business_min: mean_min(&on_site_business),
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
        complaints: complaints.len() as u64,
        complaint_rate_pct: pct(complained, live.len() as u64),
        complaint_resolution,
        satisfaction_scores: scores.len() as u64,
        mean_satisfaction: (!scores.is_empty())
            .then(|| round2(scores.iter().sum::<i64>() as f64 / scores.len() as f64)),
        customer_satisfaction_pct: pct(satisfied, scores.len() as u64),
        by_engineer: by_engineer(&live),
        inspections: records
            .inspections
            .as_deref()
            .map(|i| inspections::adherence(i, period.range_in(records.zone()), now)),
        device_faults: devices::device_faults(&faults),
        device_downtime: devices::device_downtime(&live, now),
        findings: live.iter().map(|s| s.findings).sum(),
        findings_followed_up: live.iter().map(|s| s.findings_followed_up).sum(),
    }
}

/// Headline figures as (name, value) for the comparison and the CSV.
pub fn headline(k: &PeriodKpis) -> Vec<(String, Option<f64>)> {
    let mut v = vec![
        ("work_orders".to_string(), Some(k.work_orders as f64)),
        ("faults".into(), Some(k.faults as f64)),
    ];
    v.extend([
        (
            "devices_in_service".to_string(),
            k.devices_in_service.map(|d| d as f64),
        ),
        ("fault_rate_pct".into(), k.fault_rate_pct),
    ]);
    for (cat, s) in &k.faults_by_category {
        v.push((format!("faults_{cat}"), Some(s.count as f64)));
        v.push((format!("fault_rate_{cat}_pct"), s.rate_pct));
        v.push((format!("fault_share_{cat}_pct"), s.share_pct));
    }
    v.extend([
        ("phone_resolutions".into(), Some(k.phone_resolutions as f64)),
        (
            "phone_resolution_rate_pct".into(),
            k.phone_resolution_rate_pct,
        ),
        ("mean_time_to_arrive_min".into(), k.mean_time_to_arrive_min),
        (
            "mean_time_to_arrive_business_min".into(),
            k.mean_time_to_arrive_business_min,
        ),
        (
            "mean_on_site_resolution_min".into(),
            k.mean_on_site_resolution_min,
        ),
        (
            "mean_on_site_resolution_business_min".into(),
            k.mean_on_site_resolution_business_min,
        ),
        ("sla_response_pct".into(), k.sla_response.rate_pct),
        ("sla_resolution_pct".into(), k.sla_resolution.rate_pct),
        ("first_time_fix_rate_pct".into(), k.first_time_fix_rate_pct),
        ("completed".into(), Some(k.completed as f64)),
        ("open".into(), Some(k.open as f64)),
        ("cancelled".into(), Some(k.cancelled as f64)),
        ("complaints".into(), Some(k.complaints as f64)),
        ("complaint_rate_pct".into(), k.complaint_rate_pct),
        (
            "complaints_resolved_on_time_pct".into(),
            k.complaint_resolution.rate_pct,
        ),
        (
            "satisfaction_scores".into(),
            Some(k.satisfaction_scores as f64),
        ),
        ("mean_satisfaction".into(), k.mean_satisfaction),
        (
            "customer_satisfaction_pct".into(),
            k.customer_satisfaction_pct,
        ),
    ]);
    let insp = k.inspections.as_ref();
    let count = |f: fn(&InspectionAdherence) -> u64| insp.map(|i| f(i) as f64);
    v.extend([
        ("inspections_planned".into(), count(|i| i.planned)),
        ("inspections_on_time".into(), count(|i| i.done_on_time)),
        ("inspections_late".into(), count(|i| i.late)),
        ("inspections_missed".into(), count(|i| i.missed)),
        (
            "inspection_adherence_pct".into(),
            insp.and_then(|i| i.adherence_pct),
        ),
        ("device_faults".into(), Some(k.device_faults.faults as f64)),
        ("device_fault_hours".into(), k.device_faults.fault_hours),
        (
            "device_outages".into(),
            Some(k.device_downtime.outages as f64),
        ),
        (
            "device_downtime_hours".into(),
            k.device_downtime.downtime_hours,
        ),
        ("findings".into(), Some(k.findings as f64)),
        (
            "findings_followed_up".into(),
            Some(k.findings_followed_up as f64),
        ),
    ]);
    v
}

pub fn report(customer: &str, records: &Records, period: Period, now: i64) -> KpiReport {
    let periods = period.trailing(TREND_PERIODS);
    let trend: Vec<PeriodKpis> = periods.iter().map(|p| compute(records, *p, now)).collect();
    let fault_table = faults::table(records, period, &periods[..periods.len() - 1]);
    let n = trend.len();
    let (current, previous) = (trend[n - 1].clone(), trend[n - 2].clone());
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
        customer_name: None,
        time_zone: records.zone().name().to_owned(),
        period_kind: if period.is_quarter() {
            "quarter"
        } else {
            "month"
        },
        current,
        previous,
        change,
        trend,
        fault_table,
        service_calendar: records
            .contract
            .as_ref()
            .map(|c| calendar::for_period(c, period)),
        truncated: records.truncated,
        generated_at_ms: now,
    }
}

#[cfg(test)]
mod calendar_tests;
#[cfg(test)]
mod clock_tests;
#[cfg(test)]
mod fault_rate_tests;
#[cfg(test)]
mod gather_tests;
#[cfg(test)]
mod period_tests;
#[cfg(test)]
mod tests;
