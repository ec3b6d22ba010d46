//! 故障率 — fault rates as the service scheme means them: faults ÷ devices in service, overall,
//! per fault category and per device class (where the CMDB knows the class), apart from each
//! category's **share** of all faults; and the scheme's 故障率考核 table (rows: this period's
//! count, overall fault rate, this quarter, historical reference; columns: total, network,
//! virus/security, software, hardware, other).

use super::{Period, Records, Sample, pct, round2};
use crate::storage::{DeviceRecordRow, SiteRow};
use fieldsync::TimestampMs;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Device statuses that are not in service (`DeviceRecord::status`); no status counts as in
/// service (a device recorded without one is in use).
const OUT_OF_SERVICE: [&str; 3] = ["spare", "retired", "replaced"];

/// The customer's devices in service, from the CMDB, by class (`device_type`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Fleet {
    pub in_service: u64,
    pub by_class: BTreeMap<String, u64>,
    /// Device id → class, for the faults' linked devices.
    #[serde(skip)]
    pub class_of: HashMap<String, String>,
}

impl Fleet {
    /// The customer's devices: its own (`customer_id`) and those at its sites.
    pub fn of_customer(customer: &str, devices: &[DeviceRecordRow], sites: &[SiteRow]) -> Fleet {
        let own_sites: HashSet<&str> = sites
            .iter()
            .filter(|s| s.customer_id == customer)
            .map(|s| s.doc_id.as_str())
            .collect();
        let mut fleet = Fleet::default();
        for d in devices {
            let ours = d.customer_id.as_deref() == Some(customer)
                || d.site_id.as_deref().is_some_and(|s| own_sites.contains(s));
            if !ours {
                continue;
            }
            let class = if d.device_type.trim().is_empty() {
                "unknown".to_owned()
            } else {
                d.device_type.clone()
            };
            fleet.class_of.insert(d.doc_id.clone(), class.clone());
            if d.status
                .as_deref()
                .is_some_and(|s| OUT_OF_SERVICE.contains(&s))
            {
                continue;
            }
            fleet.in_service += 1;
            *fleet.by_class.entry(class).or_default() += 1;
        }
        fleet
    }
}

/// Faults of one device class against the devices of that class in service.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClassFaultRate {
    pub devices: u64,
    /// Faults linked to at least one device of the class.
    pub faults: u64,
    /// faults ÷ devices, in %.
    pub rate_pct: Option<f64>,
}

/// Fault rate per device class (every class in service, and any class with a fault).
pub fn by_class(faults: &[&Sample], fleet: &Fleet) -> BTreeMap<String, ClassFaultRate> {
    let mut out: BTreeMap<String, ClassFaultRate> = fleet
        .by_class
        .iter()
        .map(|(c, n)| {
            let stat = ClassFaultRate {
                devices: *n,
                ..Default::default()
            };
            (c.clone(), stat)
        })
        .collect();
    for s in faults {
        let classes: HashSet<&String> = s.device_classes.iter().collect();
        for c in classes {
            out.entry(c.clone()).or_default().faults += 1;
        }
    }
    for stat in out.values_mut() {
        stat.rate_pct = pct(stat.faults, stat.devices);
    }
    out
}

/// The scheme's 故障率考核 table for one period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FaultTable {
    /// `total`, then the categories (network, security, software, hardware, other).
    pub columns: Vec<String>,
    /// 本月统计 故障数: faults of the period.
    pub faults: Vec<u64>,
    /// 整体故障率: faults ÷ devices in service, in % (`None` without a CMDB count).
    pub fault_rate_pct: Vec<Option<f64>>,
    /// 本季度统计: faults of the period's quarter up to the period's end (for a quarter: the
    /// quarter), and its label.
    pub quarter: String,
    pub quarter_faults: Vec<u64>,
    /// 历史记录参照: mean faults per period over the periods before (up to five), and how many
    /// were averaged.
    pub history_periods: u64,
    pub history_mean: Vec<Option<f64>>,
}

/// The fault categories of the service scheme's 故障率考核 table (网络, 病毒, 软件, 硬件, 其他),
/// in its order. A category the scheme has no column for (account and password requests)
/// counts as 其他.
pub const SCHEME_COLUMNS: [&str; 5] = ["network", "security", "software", "hardware", "other"];

/// Faults (live incidents) counted in `[from, to)`, per table column.
fn counts(records: &Records, from: TimestampMs, to: TimestampMs) -> Vec<u64> {
    let mut v = vec![0u64; 1 + SCHEME_COLUMNS.len()];
    for s in records.work_orders.iter().filter(|s| {
        s.kind == "incident" && s.status != "cancelled" && (from..to).contains(&s.counted_at_ms())
    }) {
        v[0] += 1;
        let cat = s.category.as_deref().unwrap_or("other");
        let i = SCHEME_COLUMNS
            .iter()
            .position(|c| *c == cat)
            .unwrap_or(SCHEME_COLUMNS.len() - 1);
        v[1 + i] += 1;
    }
    v
}

/// The table for `period`, with the periods before it in `earlier` (oldest first).
pub fn table(records: &Records, period: Period, earlier: &[Period]) -> FaultTable {
    let tz = records.zone();
    let (from, to) = period.range_in(tz);
    let faults = counts(records, from, to);
    let devices = records.fleet.as_ref().map(|f| f.in_service);
    let fault_rate_pct = faults
        .iter()
        .map(|n| devices.and_then(|d| pct(*n, d)))
        .collect();
    let quarter = match period {
        Period::Month { year, month } => Period::Quarter {
            year,
            quarter: (month - 1) / 3 + 1,
        },
        q => q,
    };
    let (q_from, _) = quarter.range_in(tz);
    let history: Vec<Vec<u64>> = earlier
        .iter()
        .map(|p| {
            let (a, b) = p.range_in(tz);
            counts(records, a, b)
        })
        .collect();
    let n = history.len() as u64;
    let history_mean = (0..faults.len())
        .map(|i| {
            (n > 0).then(|| round2(history.iter().map(|h| h[i]).sum::<u64>() as f64 / n as f64))
        })
        .collect();
    FaultTable {
        columns: std::iter::once("total")
            .chain(SCHEME_COLUMNS)
            .map(str::to_owned)
            .collect(),
        faults,
        fault_rate_pct,
        quarter: quarter.label(),
        quarter_faults: counts(records, q_from, to),
        history_periods: n,
        history_mean,
    }
}
