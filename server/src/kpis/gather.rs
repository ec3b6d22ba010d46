//! Reading one customer's records for the summary (blocking): the work orders of the trend's
//! periods with their SLA clocks as the dispatch board measures them, the CMDB's devices in
//! service, the inspection plans' occurrences, and the customer's time zone.

use super::{
    Fleet, LOOKBACK_MONTHS, MAX_DEVICES, Period, ROWS_PER_STATUS, Records, Sample, SiteInfo,
    TREND_PERIODS, inspections,
};
use crate::hub::{Hub, HubError};
use crate::storage::{WorkOrderFilter, WorkOrderRow};
use chrono_tz::Tz;
use fieldsync::model::{DeviceRecord, Site, WorkOrder};
use fieldsync::status::Status;
use fieldsync::{DocId, TimestampMs, UserId};
use std::collections::{BTreeMap, HashMap};

/// Work orders of `customer` created in `period` or the trend periods before it, with their
/// SLA clocks at `now`, and the occurrences of the customer's inspection plans starting then
/// (blocking).
pub fn gather(
    hub: &Hub,
    customer: &str,
    period: Period,
    now: TimestampMs,
) -> Result<Records, HubError> {
    gather_periods(hub, customer, period, TREND_PERIODS, now)
}

/// [`gather`] for `period` and the `periods - 1` before it (the task-completion table reads
/// its one period only).
pub fn gather_periods(
    hub: &Hub,
    customer: &str,
    period: Period,
    periods: usize,
    now: TimestampMs,
) -> Result<Records, HubError> {
    let periods = periods.max(1) as i32;
    let s = hub.db().blocking();
    let contract = match s.scheduling() {
        Some(_) => crate::sla::contract_for(s, customer)?,
        None => None,
    };
    let tz = contract
        .as_ref()
        .map_or(Tz::UTC, |c| c.calendar.time_zone());
    let first = period.shift(1 - periods);
    let (from, _) = first.range_in(tz);
    let (_, to) = period.range_in(tz);
    // The devices in service, the fault rate's denominator: what the CMDB records now.
    let devices = s.list_device_records(None, MAX_DEVICES)?;
    let fleet = Fleet::of_customer(customer, &devices, &s.list_sites()?);
    let mut records = Records {
        inspections: inspections::gather(s, customer, from, to)?,
        time_zone: Some(tz),
        contract: contract.as_ref().map(|c| c.contract.clone()),
        truncated: devices.len() as u32 >= MAX_DEVICES,
        ..Default::default()
    };
    let mut names: HashMap<String, String> = HashMap::new();
    // Period by period and status by status, so the row bound applies to one month's work
    // orders in one status, not to the customer's whole history.
    let mut rows: HashMap<DocId, WorkOrderRow> = HashMap::new();
    // Scheduled work counts in the month of its window, and plans generate up to 366 days
    // ahead: the 13 months before the trend are read too, for work created then and
    // scheduled in the trend's periods.
    let first_month = first.months()[0];
    // Month by month: the row bound is per month and status (a year is twelve reads).
    let windows = (0..periods)
        .flat_map(|k| period.shift(-k).months())
        .chain((1..=LOOKBACK_MONTHS).map(|k| first_month.shift(-k)))
        .map(|m| m.range_in(tz));
    let queries =
        windows.flat_map(|(start, end)| Status::ALL.into_iter().map(move |s| (start, end, s)));
    for (start, end, status) in queries {
        let listed = hub.db().blocking().list_work_orders(&WorkOrderFilter {
            status: Some(status.as_str().into()),
            customer: Some(customer.into()),
            created_from_ms: Some(start),
            created_before_ms: Some(end),
            limit: Some(ROWS_PER_STATUS),
            ..Default::default()
        })?;
        records.truncated |= listed.len() as u32 >= ROWS_PER_STATUS;
        for row in listed {
            let counted_at = match row.scheduled_start_ms {
                Some(start) if row.kind != "incident" => start,
                _ => row.created_at_ms,
            };
            if let Ok(id) = row.doc_id.parse::<DocId>()
                && (from..to).contains(&counted_at)
            {
                rows.insert(id, row);
            }
        }
    }
    // The SLA clocks exactly as the dispatch board measures them: the customer's contract,
    // the incidents' projected events with their receipt times (`sla::reports_for`).
    let mut events = match &contract {
        Some(_) => {
            let incidents: Vec<String> = rows
                .values()
                .filter(|r| r.kind == "incident")
                .map(|r| r.doc_id.clone())
                .collect();
            crate::sla::sla_events(s, &incidents)?
        }
        None => HashMap::new(),
    };
    let ids: Vec<DocId> = rows.keys().copied().collect();
    // Loading and reading thousands of documents is the report's cost: spread it over the
    // cores (a 10,000-work-order month took 9.4 s on one).
    let read = crate::hub::on_all_cores(ids, |id| -> Result<Option<WorkOrder>, HubError> {
        let Some((_, doc)) = hub.load_uncached(id)? else {
            return Ok(None);
        };
        match WorkOrder::from_doc(&doc) {
            Ok(wo) => Ok(Some(wo)),
            Err(e) => {
                tracing::warn!(%id, error = %e, "work order left out of the KPIs");
                Ok(None)
            }
        }
    });
    for wo in read {
        let Some(wo) = wo? else { continue };
        learn_names(hub, &wo, &mut names)?;
        let mut sample = Sample::from_work_order(&wo, &names);
        sample.device_classes = wo
            .device_ids
            .iter()
            .filter(|(_, on)| **on)
            .filter_map(|(d, _)| fleet.class_of.get(d).cloned())
            .collect();
        let row = wo.id.parse::<DocId>().ok().and_then(|id| rows.get(&id));
        if let (Some(c), Some(row)) = (&contract, row)
            && row.kind == "incident"
        {
            let subject = crate::sla::subject(row, events.remove(&row.doc_id).unwrap_or_default());
            sample = sample.with_clocks(c, &subject, now);
        }
        records.work_orders.push(sample);
    }
    records.fleet = Some(fleet);
    records.sites = sites_of(hub, &records.work_orders)?;
    Ok(records)
}

/// Name and time zone of each site the work orders name (a site whose record is missing or
/// unreadable is left out: its tasks show the id and the customer's zone).
fn sites_of(hub: &Hub, work_orders: &[Sample]) -> Result<BTreeMap<String, SiteInfo>, HubError> {
    let mut sites = BTreeMap::new();
    for id in work_orders.iter().filter_map(|s| s.site_id.as_ref()) {
        if sites.contains_key(id) {
            continue;
        }
        let Ok(doc_id) = id.parse::<DocId>() else {
            continue;
        };
        let Some((_, doc)) = hub.load(doc_id)? else {
            continue;
        };
        if let Ok(site) = Site::from_doc(&doc) {
            let time_zone = site.time_zone.filter(|z| z.parse::<Tz>().is_ok());
            sites.insert(
                id.clone(),
                SiteInfo {
                    name: site.name,
                    time_zone,
                },
            );
        }
    }
    Ok(sites)
}

/// The customer's time zone: its contract calendar's, UTC without a contract (blocking).
pub fn customer_zone(hub: &Hub, customer: &str) -> Result<Tz, HubError> {
    let s = hub.db().blocking();
    if s.scheduling().is_none() {
        return Ok(Tz::UTC);
    }
    Ok(crate::sla::contract_for(s, customer)?.map_or(Tz::UTC, |c| c.calendar.time_zone()))
}

/// Display names of the work order's engineers and labels of its devices not looked up yet.
fn learn_names(
    hub: &Hub,
    wo: &WorkOrder,
    names: &mut HashMap<String, String>,
) -> Result<(), HubError> {
    for u in wo.assignees.keys() {
        if names.contains_key(u) {
            continue;
        }
        let name = match u.parse::<UserId>() {
            Ok(uid) => hub.db().blocking().user_by_id(uid)?.map(|r| r.display_name),
            Err(_) => None,
        };
        names.insert(u.clone(), name.unwrap_or_else(|| u.clone()));
    }
    for d in wo.device_ids.keys().chain(wo.outages.keys()) {
        if !names.contains_key(d) {
            let label = device_label(hub, d)?;
            names.insert(d.clone(), label);
        }
    }
    Ok(())
}

/// `SW-CORE-01 (switch)`; the id itself when the record is missing or unreadable.
fn device_label(hub: &Hub, id: &str) -> Result<String, HubError> {
    let Ok(doc_id) = id.parse::<DocId>() else {
        return Ok(id.to_owned());
    };
    let record = match hub.load(doc_id)? {
        Some((_, doc)) => DeviceRecord::from_doc(&doc).ok(),
        None => None,
    };
    Ok(match record {
        Some(r) if !r.asset_tag.trim().is_empty() && !r.device_type.is_empty() => {
            format!("{} ({})", r.asset_tag, r.device_type)
        }
        Some(r) if !r.asset_tag.trim().is_empty() => r.asset_tag,
        _ => id.to_owned(),
    })
}
