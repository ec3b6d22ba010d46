//! The customer's service summary for a month or quarter as an A4 PDF: the key figures
//! against the previous period, the trend over six periods (faults by category, SLA /
//! first-time fix / phone resolution / inspection adherence / satisfaction percentages),
//! faults by category, work by engineer, inspection plan adherence and device fault time;
//! then what the supervisor wrote (technical summary, suggestions, evaluation of the
//! inspection plan), as written.

use super::chart::{self, Series};
use super::layout::{BLACK, Col, Layout, RED, Row};
use super::{ReportError, fonts};
use crate::kpis::{
    DeviceDowntime, DeviceFaults, InspectionAdherence, KpiReport, Period, PeriodKpis, TaskTable,
};
use chrono::TimeZone;
use fieldsync::TimestampMs;
use fieldsync_i18n::{Lang, tl};

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
        "account" => (142, 108, 180),
        _ => (140, 140, 140),
    }
}

/// `November 2026`, `Q4 2026 (October–December)`; `2026年11月`, `2026年第4季度（10月–12月）`.
pub fn period_title(label: &str, lang: Lang) -> String {
    match Period::parse(label) {
        Ok(Period::Month { year, month }) => fieldsync_i18n::time::month(lang, year, month),
        Ok(Period::Quarter { year, quarter }) => tl!(
            lang,
            "summary-quarter",
            quarter = quarter,
            year = year.to_string(),
            first = fieldsync_i18n::time::month_name(lang, quarter * 3 - 2),
            last = fieldsync_i18n::time::month_name(lang, quarter * 3)
        ),
        Ok(Period::Year { year }) => tl!(lang, "tasks-period-year", year = year.to_string()),
        Err(_) => label.to_owned(),
    }
}

/// A moment on the customer's clock, labelled with its zone.
pub(crate) fn when(ms: TimestampMs, zone: &str, lang: Lang) -> String {
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let Some(t) = chrono::Utc.timestamp_millis_opt(ms).single() else {
        return String::new();
    };
    let local = t.with_timezone(&tz).naive_local();
    format!(
        "{} {} {}",
        fieldsync_i18n::time::date(lang, &local.date()),
        fieldsync_i18n::time::clock(&local),
        fieldsync_i18n::time::zone_label(lang, tz, &t)
    )
}

pub(crate) fn num(v: Option<f64>, unit: &str) -> String {
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

/// A headline figure's name in words: `summary-fig-<code>`, or for the per-category figures
/// (`faults_<cat>`, `fault_rate_<cat>_pct`, `fault_share_<cat>_pct`) the category in words.
pub fn figure_name(code: &str, lang: Lang) -> String {
    let key = format!("summary-fig-{code}");
    if lang.has(&key) {
        return lang.tr(&key);
    }
    let category = |prefix: &str, suffix: &str| {
        code.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .map(|cat| fieldsync_i18n::words::category(lang, cat))
    };
    if let Some(c) = category("fault_rate_", "_pct") {
        return tl!(lang, "summary-fig-fault-rate-of", category = c);
    }
    if let Some(c) = category("fault_share_", "_pct") {
        return tl!(lang, "summary-fig-fault-share-of", category = c);
    }
    if let Some(c) = category("faults_", "") {
        return tl!(lang, "summary-fig-faults-of", category = c);
    }
    code.to_owned()
}

/// A key figure: headline metric name (its words are `summary-fig-<metric>`), unit, and
/// the target it must meet (flagged when the current value falls below it).
struct Figure {
    metric: &'static str,
    unit: &'static str,
    min_target: Option<f64>,
}

const FIGURES: &[Figure] = &[
    fig("work_orders", ""),
    fig("faults", ""),
    fig("devices_in_service", ""),
    fig("fault_rate_pct", " %"),
    fig("completed", ""),
    fig("open", ""),
    fig("mean_time_to_arrive_min", " min"),
    fig("mean_time_to_arrive_business_min", " min"),
    fig("mean_on_site_resolution_min", " min"),
    fig("mean_on_site_resolution_business_min", " min"),
    target("sla_response_pct", 100.0),
    target("sla_resolution_pct", 100.0),
    fig("first_time_fix_rate_pct", " %"),
    fig("phone_resolution_rate_pct", " %"),
    fig("complaints", ""),
    fig("complaint_rate_pct", " %"),
    target("complaints_resolved_on_time_pct", 100.0),
    target("customer_satisfaction_pct", 95.0),
    fig("mean_satisfaction", ""),
    fig("inspections_planned", ""),
    fig("inspection_adherence_pct", " %"),
    fig("inspections_missed", ""),
    fig("findings", ""),
    fig("findings_followed_up", ""),
    fig("device_outages", ""),
    fig("device_downtime_hours", " h"),
    fig("device_faults", ""),
    fig("device_fault_hours", " h"),
];

const fn fig(metric: &'static str, unit: &'static str) -> Figure {
    Figure {
        metric,
        unit,
        min_target: None,
    }
}

const fn target(metric: &'static str, min: f64) -> Figure {
    Figure {
        metric,
        unit: " %",
        min_target: Some(min),
    }
}

/// A unit as the language writes it: " min" is " 分钟" in Chinese.
fn unit(lang: Lang, u: &str) -> String {
    match (lang, u) {
        (Lang::ZhCn, " min") => " 分钟".into(),
        (Lang::ZhCn, " h") => " 小时".into(),
        _ => u.to_owned(),
    }
}

fn value(k: &PeriodKpis, metric: &str) -> Option<f64> {
    crate::kpis::headline(k)
        .into_iter()
        .find(|(n, _)| n == metric)
        .and_then(|(_, v)| v)
}

fn key_figures(l: &mut Layout, r: &KpiReport, lang: Lang) {
    let rows: Vec<Row> = FIGURES
        .iter()
        .map(|f| {
            let cur = value(&r.current, f.metric);
            let u = unit(lang, f.unit);
            let target = f.min_target.map(|t| format!("≥ {}", num(Some(t), &u)));
            Row {
                cells: vec![
                    figure_name(f.metric, lang),
                    num(cur, &u),
                    num(value(&r.previous, f.metric), &u),
                    signed(r.change.get(f.metric).copied().flatten(), &u),
                    target.unwrap_or_default(),
                ],
                flagged: matches!((cur, f.min_target), (Some(v), Some(t)) if v < t),
            }
        })
        .collect();
    let titles = [
        (lang.tr("summary-col-figure"), 3.2),
        (r.current.period.clone(), 1.1),
        (r.previous.period.clone(), 1.1),
        (lang.tr("summary-col-change"), 1.0),
        (lang.tr("summary-col-target"), 0.9),
    ];
    l.table(&columns(&titles), &rows);
}

/// Column titles with their relative widths.
fn columns(titles: &[(String, f32)]) -> Vec<Col<'_>> {
    titles
        .iter()
        .map(|(title, width)| Col {
            title,
            width: *width,
        })
        .collect()
}

fn trend(l: &mut Layout, r: &KpiReport, lang: Lang) {
    let labels: Vec<String> = r.trend.iter().map(|k| k.period.clone()).collect();
    let quarterly = r.period_kind == "quarter";
    l.ensure(200.0);
    l.heading(&if quarterly {
        lang.tr("summary-faults-per-quarter")
    } else {
        lang.tr("summary-faults-per-month")
    });
    let cats: Vec<&String> = r.current.faults_by_category.keys().collect();
    let cat_names: Vec<String> = cats
        .iter()
        .map(|c| fieldsync_i18n::words::category(lang, c))
        .collect();
    let series: Vec<Series> = cats
        .iter()
        .zip(&cat_names)
        .map(|(c, name)| Series {
            name: name.as_str(),
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
    l.heading(&if quarterly {
        lang.tr("summary-levels-per-quarter")
    } else {
        lang.tr("summary-levels-per-month")
    });
    let pick = |f: fn(&PeriodKpis) -> Option<f64>| r.trend.iter().map(f).collect();
    let names = [
        "summary-line-response",
        "summary-line-resolution",
        "summary-line-first-fix",
        "summary-line-satisfied",
        "summary-line-phone",
        "summary-line-inspections",
    ]
    .map(|id| lang.tr(id));
    let lines = [
        Series {
            name: &names[0],
            color: BLUE,
            values: pick(|k| k.sla_response.rate_pct),
        },
        Series {
            name: &names[1],
            color: (230, 150, 40),
            values: pick(|k| k.sla_resolution.rate_pct),
        },
        Series {
            name: &names[2],
            color: (96, 160, 80),
            values: pick(|k| k.first_time_fix_rate_pct),
        },
        Series {
            name: &names[3],
            color: (192, 80, 77),
            values: pick(|k| k.customer_satisfaction_pct),
        },
        Series {
            name: &names[4],
            color: TEAL,
            values: pick(|k| k.phone_resolution_rate_pct),
        },
        Series {
            name: &names[5],
            color: PURPLE,
            values: pick(|k| k.inspections.as_ref().and_then(|i| i.adherence_pct)),
        },
    ];
    chart::percent_lines(l, &labels, &lines, 110.0);
}

fn categories(l: &mut Layout, k: &PeriodKpis, lang: Lang) {
    l.heading(&tl!(
        lang,
        "summary-by-category",
        period = &period_title(&k.period, lang)
    ));
    if k.faults == 0 {
        l.paragraph(&lang.tr("summary-no-faults"), 9.0, BLACK);
        return;
    }
    let bars: Vec<chart::Bar> = k
        .faults_by_category
        .iter()
        .map(|(cat, s)| {
            let label = tl!(
                lang,
                "summary-category-bar",
                count = s.count,
                share = num(s.share_pct, " %")
            );
            let name = fieldsync_i18n::words::category(lang, cat);
            (name, s.count as f64, label, category_color(cat))
        })
        .collect();
    chart::hbars(l, &bars);
}

fn engineers(l: &mut Layout, k: &PeriodKpis, lang: Lang) {
    l.heading(&tl!(
        lang,
        "summary-by-engineer",
        period = &period_title(&k.period, lang)
    ));
    if k.by_engineer.is_empty() {
        l.paragraph(&lang.tr("summary-no-work-orders"), 9.0, BLACK);
        return;
    }
    let bars: Vec<chart::Bar> = k
        .by_engineer
        .iter()
        .map(|(n, s)| {
            let label = tl!(lang, "summary-work-orders-bar", count = s.work_orders);
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
                num(s.mean_on_site_resolution_min, &unit(lang, " min")),
                s.complaints.to_string(),
            ],
            flagged: s.complaints > 0,
        })
        .collect();
    let titles = [
        ("summary-col-engineer", 2.2),
        ("summary-col-work-orders", 1.0),
        ("summary-col-faults", 0.8),
        ("summary-col-completed", 1.0),
        ("summary-col-first-fix", 1.1),
        ("summary-col-mean-on-site", 1.1),
        ("summary-col-complaints", 1.0),
    ]
    .map(|(id, w)| (lang.tr(id), w));
    l.table(&columns(&titles), &rows);
}

fn inspections(l: &mut Layout, k: &PeriodKpis, lang: Lang) {
    l.ensure(90.0);
    l.heading(&tl!(
        lang,
        "summary-inspections",
        period = &period_title(&k.period, lang)
    ));
    let Some(i) = &k.inspections else {
        l.paragraph(&lang.tr("summary-no-plans"), 9.0, BLACK);
        return;
    };
    if i.planned + i.cancelled == 0 {
        l.paragraph(&lang.tr("summary-no-inspections"), 9.0, BLACK);
        return;
    }
    let titles = [
        ("summary-col-planned", 1.0),
        ("summary-col-done-on-time", 1.0),
        ("summary-col-late", 0.8),
        ("summary-col-missed", 0.8),
        ("summary-col-not-due", 1.0),
        ("summary-col-cancelled", 0.9),
        ("summary-col-on-time", 0.9),
    ]
    .map(|(id, w)| (lang.tr(id), w));
    l.table(&columns(&titles), &[adherence_row(i)]);
    l.paragraph(
        &lang.tr("summary-inspections-note"),
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

fn device_downtime(l: &mut Layout, k: &PeriodKpis, lang: Lang) {
    l.ensure(120.0);
    l.heading(&tl!(
        lang,
        "summary-downtime",
        period = &period_title(&k.period, lang)
    ));
    let d: &DeviceDowntime = &k.device_downtime;
    if d.by_device.is_empty() {
        l.paragraph(&lang.tr("summary-no-outages"), 9.0, BLACK);
        return;
    }
    l.paragraph(&lang.tr("summary-downtime-note"), 7.5, super::layout::GREY);
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
            let label = if s.still_down > 0 {
                tl!(
                    lang,
                    "summary-outage-bar-down",
                    hours = num(Some(s.downtime_hours), ""),
                    count = s.outages,
                    so_far = num(Some(s.down_so_far_hours), "")
                )
            } else {
                tl!(
                    lang,
                    "summary-outage-bar",
                    hours = num(Some(s.downtime_hours), ""),
                    count = s.outages
                )
            };
            ((*n).clone(), s.downtime_hours, label, (200, 60, 60))
        })
        .collect();
    chart::hbars(l, &bars);
    let mut note = vec![tl!(
        lang,
        "summary-outages-total",
        outages = d.outages,
        devices = d.devices,
        hours = num(d.downtime_hours, "")
    )];
    if d.still_down > 0 {
        note.push(tl!(
            lang,
            "summary-still-down",
            count = d.still_down,
            hours = num(d.down_so_far_hours, "")
        ));
    }
    if devices.len() > DEVICES_SHOWN {
        note.push(tl!(lang, "summary-most-hours-shown", count = DEVICES_SHOWN));
    }
    l.paragraph(&sentence(lang, &note), 8.5, BLACK);
}

/// Clauses joined into one sentence: "a; b; c." / "a；b；c。".
fn sentence(lang: Lang, clauses: &[String]) -> String {
    match lang {
        Lang::En => format!("{}.", clauses.join("; ")),
        Lang::ZhCn => format!("{}。", clauses.join("；")),
    }
}

fn device_fault_time(l: &mut Layout, k: &PeriodKpis, lang: Lang) {
    l.ensure(120.0);
    l.heading(&tl!(
        lang,
        "summary-fault-time",
        period = &period_title(&k.period, lang)
    ));
    let d: &DeviceFaults = &k.device_faults;
    if d.by_device.is_empty() {
        l.paragraph(&lang.tr("summary-no-device-faults"), 9.0, BLACK);
        return;
    }
    l.paragraph(
        &lang.tr("summary-fault-time-note"),
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
            let label = tl!(
                lang,
                "summary-fault-bar",
                hours = num(Some(s.fault_hours), ""),
                count = s.faults
            );
            ((*n).clone(), s.fault_hours, label, (230, 150, 40))
        })
        .collect();
    chart::hbars(l, &bars);
    let open: u64 = d.by_device.values().map(|s| s.still_open).sum();
    let mut note = vec![tl!(
        lang,
        "summary-faults-total",
        faults = d.faults,
        devices = d.devices,
        hours = num(d.fault_hours, "")
    )];
    if open > 0 {
        note.push(tl!(lang, "summary-still-open", count = open));
    }
    if devices.len() > DEVICES_SHOWN {
        note.push(tl!(lang, "summary-most-hours-shown", count = DEVICES_SHOWN));
    }
    l.paragraph(&sentence(lang, &note), 8.5, BLACK);
}

/// What the supervisor wrote for the summary's customer and period (技术总结, 建议,
/// 巡检计划执行评价), and who last wrote it.
#[derive(Clone, Debug)]
pub struct Notes {
    pub technical_summary: String,
    pub suggestions: String,
    pub plan_evaluation: String,
    /// Display name.
    pub written_by: String,
    pub written_at_ms: TimestampMs,
}

/// The supervisor's notes after the figures: each text written under its heading, as
/// written; nothing at all when every text is blank.
fn notes(l: &mut Layout, n: &Notes, r: &KpiReport, lang: Lang) {
    let parts: Vec<(&str, &str)> = [
        ("summary-notes-technical", n.technical_summary.as_str()),
        ("summary-notes-suggestions", n.suggestions.as_str()),
        ("summary-notes-plan", n.plan_evaluation.as_str()),
    ]
    .into_iter()
    .filter(|(_, text)| !text.trim().is_empty())
    .collect();
    if parts.is_empty() {
        return;
    }
    l.ensure(120.0);
    l.heading(&tl!(
        lang,
        "summary-notes-heading",
        period = &period_title(&r.current.period, lang)
    ));
    l.paragraph(
        &tl!(
            lang,
            "summary-notes-by",
            name = &n.written_by,
            when = when(n.written_at_ms, &r.time_zone, lang)
        ),
        7.5,
        super::layout::GREY,
    );
    for (id, text) in parts {
        l.heading(&lang.tr(id));
        l.paragraph(text.trim_end(), 9.5, BLACK);
    }
}

/// Lay the summary out in `lang` (the customer's) with the supervisor's `written` notes, if
/// any, and the task-completion table as its appendix (the quarterly summary's), and write
/// the PDF.
pub fn render(
    r: &KpiReport,
    written: Option<&Notes>,
    tasks: Option<&TaskTable>,
    lang: Lang,
) -> Result<Vec<u8>, ReportError> {
    let fonts = fonts::fonts().map_err(ReportError::NoFont)?;
    let title = period_title(&r.current.period, lang);
    // The customer reads its own name; the internal customer id is not for it.
    let name = r.customer_name.as_deref().unwrap_or(&r.customer);
    let mut l = Layout::new(
        tl!(
            lang,
            "summary-running-head",
            customer = name,
            period = &title
        ),
        lang,
    );
    l.title(&lang.tr("summary-heading"), &title);
    l.paragraph(name, 13.0, BLACK);
    l.gap(4.0);
    let k = &r.current;
    let f = |id: &str| lang.tr(id);
    l.fields(&[
        (&f("summary-customer"), name.to_owned()),
        (&f("summary-period"), title.clone()),
        (
            &f("summary-compared-with"),
            period_title(&r.previous.period, lang),
        ),
        (
            &f("summary-generated"),
            when(r.generated_at_ms, &r.time_zone, lang),
        ),
        (&f("summary-col-work-orders"), k.work_orders.to_string()),
        (&f("summary-col-faults"), k.faults.to_string()),
    ]);
    if r.truncated {
        l.paragraph(&f("summary-truncated"), 9.0, RED);
    }
    l.heading(&f("summary-key-figures"));
    key_figures(&mut l, r, lang);
    l.paragraph(
        &tl!(lang, "summary-method", zone = &r.time_zone),
        7.5,
        super::layout::GREY,
    );
    calendar::section(&mut l, r, lang);
    fault_table::fault_table(&mut l, r, lang);
    trend(&mut l, r, lang);
    categories(&mut l, k, lang);
    engineers(&mut l, k, lang);
    inspections(&mut l, k, lang);
    device_downtime(&mut l, k, lang);
    device_fault_time(&mut l, k, lang);
    if let Some(n) = written {
        notes(&mut l, n, r, lang);
    }
    if let Some(t) = tasks {
        super::tasks::appendix(&mut l, t, lang);
    }
    let footer = tl!(lang, "summary-footer", customer = name, period = &title);
    let doc_title = tl!(lang, "summary-doc-title", period = &title);
    l.finish(fonts, &doc_title, &footer)
        .map_err(ReportError::Render)
}

mod calendar;
#[cfg(test)]
mod calendar_tests;
pub mod csv;
mod fault_table;
#[cfg(test)]
mod tests;
