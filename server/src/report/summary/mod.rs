//! The customer's service summary for a month or quarter as an A4 PDF: the key figures
//! against the previous period, the trend over six periods (faults by category, SLA /
//! first-time fix / phone resolution / inspection adherence / satisfaction percentages),
//! faults by category, work by engineer, inspection plan adherence and device fault time.

use super::chart::{self, Series};
use super::layout::{BLACK, Col, Layout, RED, Row};
use super::{ReportError, fonts};
use crate::kpis::{
    DeviceDowntime, DeviceFaults, InspectionAdherence, KpiReport, Period, PeriodKpis,
};
use chrono::TimeZone;
use fieldsync::TimestampMs;

const BLUE: (u8, u8, u8) = (47, 110, 186);
const TEAL: (u8, u8, u8) = (40, 150, 150);
const PURPLE: (u8, u8, u8) = (120, 90, 170);
/// Devices listed in the fault-time chart and table (the most fault hours first).
const DEVICES_SHOWN: usize = 12;

/// Colour of each fault category in the charts.
fn category_color(c: &str) -> (u8, u8, u8) {
    match c {
        "network" => BLUE,
        "security" => (192, 80, 77),
        "software" => (96, 160, 80),
        "hardware" => (230, 150, 40),
        _ => (140, 140, 140),
    }
}

/// `November 2026`, `Q4 2026 (October–December)`.
pub fn period_title(label: &str) -> String {
    let month = |m: u32| {
        chrono::NaiveDate::from_ymd_opt(2000, m, 1)
            .map(|d| d.format("%B").to_string())
            .unwrap_or_default()
    };
    match Period::parse(label) {
        Ok(Period::Month { year, month: m }) => format!("{} {year}", month(m)),
        Ok(Period::Quarter { year, quarter }) => format!(
            "Q{quarter} {year} ({}–{})",
            month(quarter * 3 - 2),
            month(quarter * 3)
        ),
        Err(_) => label.to_owned(),
    }
}

fn utc(ms: TimestampMs) -> String {
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn num(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(v) if (v - v.round()).abs() < 1e-9 => format!("{}{unit}", v.round() as i64),
        Some(v) => format!("{v:.1}{unit}"),
        None => "—".into(),
    }
}

fn signed(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(v) if v > 0.0 => format!("+{}", num(Some(v), unit)),
        Some(_) => num(v, unit),
        None => "—".into(),
    }
}

/// A key figure: label, headline metric name, unit, and the target it must meet (flagged
/// when the current value falls below it).
struct Figure {
    label: &'static str,
    metric: &'static str,
    unit: &'static str,
    min_target: Option<f64>,
}

const FIGURES: &[Figure] = &[
    fig("Work orders", "work_orders", ""),
    fig("Faults (incidents)", "faults", ""),
    fig("Devices in service (CMDB)", "devices_in_service", ""),
    fig("Fault rate (faults ÷ devices)", "fault_rate_pct", " %"),
    fig("Completed", "completed", ""),
    fig("Still open", "open", ""),
    fig(
        "Mean time to arrive on site (wall clock)",
        "mean_time_to_arrive_min",
        " min",
    ),
    fig(
        "Mean time to arrive on site (business hours)",
        "mean_time_to_arrive_business_min",
        " min",
    ),
    fig(
        "Mean on-site resolution (wall clock)",
        "mean_on_site_resolution_min",
        " min",
    ),
    fig(
        "Mean on-site resolution (business hours)",
        "mean_on_site_resolution_business_min",
        " min",
    ),
    target("SLA response met", "sla_response_pct", 100.0),
    target("SLA resolution met", "sla_resolution_pct", 100.0),
    fig("First-time fix rate", "first_time_fix_rate_pct", " %"),
    fig(
        "Resolved by phone (no visit)",
        "phone_resolution_rate_pct",
        " %",
    ),
    fig("Complaints", "complaints", ""),
    fig("Complaint rate (work orders)", "complaint_rate_pct", " %"),
    target(
        "Complaints resolved in 3 working days",
        "complaints_resolved_on_time_pct",
        100.0,
    ),
    target(
        "Customer satisfaction (score 4–5)",
        "customer_satisfaction_pct",
        95.0,
    ),
    fig("Mean satisfaction score (1–5)", "mean_satisfaction", ""),
    fig("Inspections planned", "inspections_planned", ""),
    fig("Inspections done on time", "inspection_adherence_pct", " %"),
    fig("Inspections missed", "inspections_missed", ""),
    fig("Device outages recorded", "device_outages", ""),
    fig("Device downtime (recorded)", "device_downtime_hours", " h"),
    fig("Faults on recorded devices", "device_faults", ""),
    fig(
        "Device fault time (not downtime)",
        "device_fault_hours",
        " h",
    ),
];

const fn fig(label: &'static str, metric: &'static str, unit: &'static str) -> Figure {
    Figure {
        label,
        metric,
        unit,
        min_target: None,
    }
}

const fn target(label: &'static str, metric: &'static str, min: f64) -> Figure {
    Figure {
        label,
        metric,
        unit: " %",
        min_target: Some(min),
    }
}

fn value(k: &PeriodKpis, metric: &str) -> Option<f64> {
    crate::kpis::headline(k)
        .into_iter()
        .find(|(n, _)| n == metric)
        .and_then(|(_, v)| v)
}

fn key_figures(l: &mut Layout, r: &KpiReport) {
    let rows: Vec<Row> = FIGURES
        .iter()
        .map(|f| {
            let cur = value(&r.current, f.metric);
            let target = f.min_target.map(|t| format!("≥ {}", num(Some(t), f.unit)));
            Row {
                cells: vec![
                    f.label.to_owned(),
                    num(cur, f.unit),
                    num(value(&r.previous, f.metric), f.unit),
                    signed(r.change.get(f.metric).copied().flatten(), f.unit),
                    target.unwrap_or_default(),
                ],
                flagged: matches!((cur, f.min_target), (Some(v), Some(t)) if v < t),
            }
        })
        .collect();
    let cols = [
        Col {
            title: "Figure",
            width: 3.2,
        },
        Col {
            title: &r.current.period,
            width: 1.1,
        },
        Col {
            title: &r.previous.period,
            width: 1.1,
        },
        Col {
            title: "Change",
            width: 1.0,
        },
        Col {
            title: "Target",
            width: 0.9,
        },
    ];
    l.table(&cols, &rows);
}

fn trend(l: &mut Layout, r: &KpiReport) {
    let labels: Vec<String> = r.trend.iter().map(|k| k.period.clone()).collect();
    let per = if r.period_kind == "quarter" {
        "quarter"
    } else {
        "month"
    };
    l.ensure(200.0);
    l.heading(&format!("Faults per {per}, by category"));
    let cats: Vec<&String> = r.current.faults_by_category.keys().collect();
    let series: Vec<Series> = cats
        .iter()
        .map(|c| Series {
            name: c.as_str(),
            color: category_color(c),
            values: r
                .trend
                .iter()
                .map(|k| k.faults_by_category.get(*c).map(|s| s.count as f64))
                .collect(),
        })
        .collect();
    chart::stacked_bars(l, &labels, &series, 120.0);
    // Keep the heading with its chart.
    l.ensure(190.0);
    l.heading(&format!("Service levels per {per}"));
    let pick = |f: fn(&PeriodKpis) -> Option<f64>| r.trend.iter().map(f).collect();
    let lines = [
        Series {
            name: "SLA response met",
            color: BLUE,
            values: pick(|k| k.sla_response.rate_pct),
        },
        Series {
            name: "SLA resolution met",
            color: (230, 150, 40),
            values: pick(|k| k.sla_resolution.rate_pct),
        },
        Series {
            name: "First-time fix",
            color: (96, 160, 80),
            values: pick(|k| k.first_time_fix_rate_pct),
        },
        Series {
            name: "Satisfied customers",
            color: (192, 80, 77),
            values: pick(|k| k.customer_satisfaction_pct),
        },
        Series {
            name: "Resolved by phone",
            color: TEAL,
            values: pick(|k| k.phone_resolution_rate_pct),
        },
        Series {
            name: "Inspections on time",
            color: PURPLE,
            values: pick(|k| k.inspections.as_ref().and_then(|i| i.adherence_pct)),
        },
    ];
    chart::percent_lines(l, &labels, &lines, 110.0);
}

fn categories(l: &mut Layout, k: &PeriodKpis) {
    l.heading(&format!("Faults by category, {}", k.period));
    if k.faults == 0 {
        l.paragraph("No faults were reported in this period.", 9.0, BLACK);
        return;
    }
    let bars: Vec<chart::Bar> = k
        .faults_by_category
        .iter()
        .map(|(cat, s)| {
            let label = format!("{} ({} of faults)", s.count, num(s.share_pct, " %"));
            (cat.clone(), s.count as f64, label, category_color(cat))
        })
        .collect();
    chart::hbars(l, &bars);
}

fn engineers(l: &mut Layout, k: &PeriodKpis) {
    l.heading(&format!("By engineer, {}", k.period));
    if k.by_engineer.is_empty() {
        l.paragraph("No work orders were assigned in this period.", 9.0, BLACK);
        return;
    }
    let bars: Vec<chart::Bar> = k
        .by_engineer
        .iter()
        .map(|(n, s)| {
            let label = format!("{} work orders", s.work_orders);
            (n.clone(), s.work_orders as f64, label, BLUE)
        })
        .collect();
    chart::hbars(l, &bars);
    let rows: Vec<Row> = k
        .by_engineer
        .iter()
        .map(|(n, s)| Row {
            cells: vec![
                n.clone(),
                s.work_orders.to_string(),
                s.faults.to_string(),
                s.completed.to_string(),
                num(s.first_time_fix_rate_pct, " %"),
                num(s.mean_on_site_resolution_min, " min"),
                s.complaints.to_string(),
            ],
            flagged: s.complaints > 0,
        })
        .collect();
    let cols: Vec<Col> = [
        ("Engineer", 2.2),
        ("Work orders", 1.0),
        ("Faults", 0.8),
        ("Completed", 1.0),
        ("First-time fix", 1.1),
        ("Mean on site", 1.1),
        ("Complaints", 1.0),
    ]
    .into_iter()
    .map(|(title, width)| Col { title, width })
    .collect();
    l.table(&cols, &rows);
}

fn inspections(l: &mut Layout, k: &PeriodKpis) {
    l.ensure(90.0);
    l.heading(&format!("Inspection plan adherence, {}", k.period));
    let Some(i) = &k.inspections else {
        l.paragraph("This database keeps no inspection plans.", 9.0, BLACK);
        return;
    };
    if i.planned + i.cancelled == 0 {
        l.paragraph("No inspections were planned in this period.", 9.0, BLACK);
        return;
    }
    let cols: Vec<Col> = [
        ("Planned", 1.0),
        ("Done on time", 1.0),
        ("Late", 0.8),
        ("Missed", 0.8),
        ("Not due yet", 1.0),
        ("Cancelled", 0.9),
        ("On time", 0.9),
    ]
    .into_iter()
    .map(|(title, width)| Col { title, width })
    .collect();
    l.table(&cols, &[adherence_row(i)]);
    l.paragraph(
        "Occurrences of the customer's plans whose window starts in the period. On time = \
         completed by the window's end; missed = window over, not completed. On time % = on \
         time / (on time + late + missed).",
        7.5,
        super::layout::GREY,
    );
}

fn adherence_row(i: &InspectionAdherence) -> Row {
    Row {
        cells: vec![
            i.planned.to_string(),
            i.done_on_time.to_string(),
            i.late.to_string(),
            i.missed.to_string(),
            i.open.to_string(),
            i.cancelled.to_string(),
            num(i.adherence_pct, " %"),
        ],
        flagged: i.missed > 0,
    }
}

fn device_downtime(l: &mut Layout, k: &PeriodKpis) {
    l.ensure(120.0);
    l.heading(&format!("Device downtime, {}", k.period));
    let d: &DeviceDowntime = &k.device_downtime;
    if d.by_device.is_empty() {
        l.paragraph(
            "No outage was recorded on this period's work orders.",
            9.0,
            BLACK,
        );
        return;
    }
    l.paragraph(
        "From the outages recorded on the work orders (down from → restored), overlapping \
         outages of one device counted once; devices still down are shown with their hours so \
         far, kept out of the total until restored.",
        7.5,
        super::layout::GREY,
    );
    let mut devices: Vec<_> = d.by_device.iter().collect();
    devices.sort_by(|a, b| {
        b.1.downtime_hours
            .total_cmp(&a.1.downtime_hours)
            .then(a.0.cmp(b.0))
    });
    let shown = &devices[..devices.len().min(DEVICES_SHOWN)];
    let bars: Vec<chart::Bar> = shown
        .iter()
        .map(|(n, s)| {
            let mut label = format!(
                "{} h, {}",
                num(Some(s.downtime_hours), ""),
                counted(s.outages, "outage")
            );
            if s.still_down > 0 {
                label.push_str(&format!(
                    ", still down ({} h so far)",
                    num(Some(s.down_so_far_hours), "")
                ));
            }
            ((*n).clone(), s.downtime_hours, label, (200, 60, 60))
        })
        .collect();
    chart::hbars(l, &bars);
    let mut note = format!(
        "{} on {}, {} h in all",
        counted(d.outages, "outage"),
        counted(d.devices, "device"),
        num(d.downtime_hours, "")
    );
    if d.still_down > 0 {
        note.push_str(&format!(
            "; {} still down, {} h so far (not in the total)",
            d.still_down,
            num(d.down_so_far_hours, "")
        ));
    }
    if devices.len() > DEVICES_SHOWN {
        note.push_str(&format!(
            "; the {} devices with the most hours shown",
            DEVICES_SHOWN
        ));
    }
    l.paragraph(&format!("{note}."), 8.5, BLACK);
}

fn device_fault_time(l: &mut Layout, k: &PeriodKpis) {
    l.ensure(120.0);
    l.heading(&format!("Device fault time, {}", k.period));
    let d: &DeviceFaults = &k.device_faults;
    if d.by_device.is_empty() {
        l.paragraph(
            "No fault of this period was linked to a device.",
            9.0,
            BLACK,
        );
        return;
    }
    l.paragraph(
        "Not downtime: hours from the fault being reported to its completion, overlapping \
         faults on one device counted once; faults still open have no time yet. An upper bound \
         of downtime that needs nothing recorded (the recorded downtime is above).",
        7.5,
        super::layout::GREY,
    );
    let mut devices: Vec<_> = d.by_device.iter().collect();
    devices.sort_by(|a, b| {
        b.1.fault_hours
            .total_cmp(&a.1.fault_hours)
            .then(a.0.cmp(b.0))
    });
    let shown = &devices[..devices.len().min(DEVICES_SHOWN)];
    let bars: Vec<chart::Bar> = shown
        .iter()
        .map(|(n, s)| {
            let label = format!(
                "{} h, {}",
                num(Some(s.fault_hours), ""),
                counted(s.faults, "fault")
            );
            ((*n).clone(), s.fault_hours, label, (230, 150, 40))
        })
        .collect();
    chart::hbars(l, &bars);
    let open: u64 = d.by_device.values().map(|s| s.still_open).sum();
    let mut note = format!(
        "{} on {}, {} h in all",
        counted(d.faults, "fault"),
        counted(d.devices, "device"),
        num(d.fault_hours, "")
    );
    if open > 0 {
        note.push_str(&format!("; {open} still open"));
    }
    if devices.len() > DEVICES_SHOWN {
        note.push_str(&format!(
            "; the {} devices with the most hours shown",
            DEVICES_SHOWN
        ));
    }
    l.paragraph(&format!("{note}."), 8.5, BLACK);
}

/// "1 outage", "2 outages".
fn counted(n: u64, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Lay the summary out and write the PDF.
pub fn render(r: &KpiReport) -> Result<Vec<u8>, ReportError> {
    let fonts = fonts::fonts().map_err(ReportError::NoFont)?;
    let title = period_title(&r.current.period);
    let name = r.customer_name.as_deref().unwrap_or(&r.customer);
    let mut l = Layout::new(format!("Service summary {name} — {title}"));
    l.title("Service summary", &title);
    l.paragraph(name, 13.0, BLACK);
    l.gap(4.0);
    let k = &r.current;
    l.fields(&[
        ("Customer", format!("{name} ({})", r.customer)),
        ("Period", title.clone()),
        ("Compared with", period_title(&r.previous.period)),
        ("Generated", utc(r.generated_at_ms)),
        ("Work orders", k.work_orders.to_string()),
        ("Faults", k.faults.to_string()),
    ]);
    if r.truncated {
        l.paragraph(
            "Incomplete: more work orders exist than one summary reads; some are not counted.",
            9.0,
            RED,
        );
    }
    l.heading("Key figures");
    key_figures(&mut l, r);
    l.paragraph(
        &format!(
            "Months are calendar months in {}. A fault counts in the month of its call, planned \
             work in the month of its window. Times are the engineers' device times; SLA figures \
             are the dispatch board's clocks (the contract's business hours, holidays and \
             make-up days, less time on hold). Definitions: docs/kpis.md.",
            r.time_zone
        ),
        7.5,
        super::layout::GREY,
    );
    fault_table::fault_table(&mut l, r);
    trend(&mut l, r);
    categories(&mut l, k);
    engineers(&mut l, k);
    inspections(&mut l, k);
    device_downtime(&mut l, k);
    device_fault_time(&mut l, k);
    let footer = format!("fieldsync · service summary · {name} · {}", k.period);
    l.finish(fonts, &format!("Service summary {title}"), &footer)
        .map_err(ReportError::Render)
}

mod fault_table;
#[cfg(test)]
mod tests;
