//! The summary's 故障率考核 section: the service scheme's fault-rate table and the rates by
//! device class.

use super::num;
use crate::kpis::KpiReport;
use crate::report::layout::{Col, Layout, Row};

/// The service scheme's 故障率考核 table, shaped like the scheme's: rows this period's
/// fault count, overall fault rate, this quarter, historical reference; columns total,
/// network, virus, software, hardware, other.
pub(super) fn fault_table(l: &mut Layout, r: &KpiReport) {
    let t = &r.fault_table;
    let month = !r.current.period.contains('Q');
    l.ensure(120.0);
    l.heading(&format!("故障率考核 Fault rate, {}", r.current.period));
    let title = |c: &str| match c {
        "total" => "合计 Total",
        "network" => "网络 Network",
        "security" => "病毒 Virus / security",
        "software" => "软件 Software",
        "hardware" => "硬件 Hardware",
        _ => "其它 Other",
    };
    let mut cols = vec![Col {
        title: "统计项目 / 故障类型",
        width: 2.6,
    }];
    cols.extend(t.columns.iter().map(|c| Col {
        title: title(c),
        width: 1.1,
    }));
    let row = |label: String, cells: Vec<String>| {
        let mut v = vec![label];
        v.extend(cells);
        Row {
            cells: v,
            flagged: false,
        }
    };
    let counts = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>();
    let this = if month {
        "本月统计 故障数 Faults this month"
    } else {
        "本期统计 故障数 Faults this quarter"
    };
    let devices = r
        .current
        .devices_in_service
        .map_or_else(|| "no CMDB count".to_owned(), |d| format!("÷ {d} devices"));
    let rows = vec![
        row(this.to_owned(), counts(&t.faults)),
        row(
            format!("整体故障率 Overall fault rate ({devices})"),
            t.fault_rate_pct.iter().map(|v| num(*v, " %")).collect(),
        ),
        row(
            format!("本季度统计 This quarter ({}, to date)", t.quarter),
            counts(&t.quarter_faults),
        ),
        row(
            format!(
                "历史记录参照 History (mean of {} {} before)",
                t.history_periods,
                if month { "months" } else { "quarters" }
            ),
            t.history_mean.iter().map(|v| num(*v, "")).collect(),
        ),
    ];
    l.table(&cols, &rows);
    let classes: Vec<String> = r
        .current
        .fault_rate_by_class
        .iter()
        .filter(|(_, s)| s.faults > 0)
        .map(|(c, s)| {
            format!(
                "{c} {} ({} of {})",
                num(s.rate_pct, " %"),
                s.faults,
                s.devices
            )
        })
        .collect();
    let text = if classes.is_empty() {
        "Fault rate = faults ÷ devices in service (CMDB, as recorded now). By device class: no \
         fault was linked to a recorded device."
            .to_owned()
    } else {
        format!(
            "Fault rate = faults ÷ devices in service (CMDB, as recorded now). By device class \
             (faults linked to a device of the class ÷ devices of the class): {}.",
            classes.join("; ")
        )
    };
    l.paragraph(&text, 7.5, crate::report::layout::GREY);
}
