//! The task-completion table (季度维护工作任务完成记录汇总表; 维护工作任务完成记录汇总表 over a
//! year) as an A4 PDF in the summary's look — the counts by site and by engineer, then every
//! task with its planned window (or call and due time), done time, engineers and outcome,
//! each time on its site's clock with the zone named — and as the quarterly summary's
//! appendix. Outcome rules: docs/kpis.md, "Task-completion table".

use super::layout::{BLACK, Col, GREY, Layout, Row};
use super::summary::{num, period_title, when};
use super::{ReportError, fonts};
use crate::kpis::{GroupCounts, Task, TaskCounts, TaskOutcome, TaskTable};
use chrono::TimeZone;
use fieldsync::TimestampMs;
use fieldsync_i18n::{Lang, tl};

pub mod csv;

/// The table's title for its period: quarterly, monthly or yearly (`tasks-title-<kind>`).
pub fn title(t: &TaskTable, lang: Lang) -> String {
    lang.tr(&format!("tasks-title-{}", t.period_kind))
}

/// The outcome in words (`tasks-outcome-<code>`).
pub fn outcome(o: TaskOutcome, lang: Lang) -> String {
    lang.tr(&format!("tasks-outcome-{}", o.as_str()))
}

/// The kind of work in words (`tasks-kind-<kind>`; an unknown kind as written).
pub fn kind(k: &str, lang: Lang) -> String {
    lang.tr_opt(&format!("tasks-kind-{k}"))
        .unwrap_or_else(|| k.to_owned())
}

/// A moment's local date and clock in `zone` (`None`: unknown zone or instant).
fn local(ms: TimestampMs, zone: &str) -> Option<chrono::NaiveDateTime> {
    let tz: chrono_tz::Tz = zone.parse().ok()?;
    let t = chrono::Utc.timestamp_millis_opt(ms).single()?;
    Some(t.with_timezone(&tz).naive_local())
}

/// `14 Oct 2026 09:00–12:00 CST`; across days `30 Dec 2026 10:00 – 2 Jan 2027 18:00 CST`;
/// `14 Oct 2026 09:00 CST` without an end. The zone is the site's.
pub fn span(from: TimestampMs, to: Option<TimestampMs>, zone: &str, lang: Lang) -> String {
    let Some(a) = local(from, zone) else {
        return String::new();
    };
    let date = |t: &chrono::NaiveDateTime| fieldsync_i18n::time::date(lang, &t.date());
    let clock = |t: &chrono::NaiveDateTime| fieldsync_i18n::time::clock(t);
    let label = zone_label(from, zone, lang);
    match to.and_then(|to| local(to, zone)) {
        Some(b) if b.date() == a.date() => {
            format!("{} {}–{} {label}", date(&a), clock(&a), clock(&b))
        }
        Some(b) => format!(
            "{} {} – {} {} {label}",
            date(&a),
            clock(&a),
            date(&b),
            clock(&b)
        ),
        None => format!("{} {} {label}", date(&a), clock(&a)),
    }
}

/// The zone's label at `ms` ("CST", "北京时间", "UTC+6").
pub fn zone_label(ms: TimestampMs, zone: &str, lang: Lang) -> String {
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let t = chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default();
    fieldsync_i18n::time::zone_label(lang, tz, &t)
}

/// The task's name: number and title, or the work order's id when it has neither.
pub fn task_name(t: &Task) -> String {
    match (&t.number, t.title.trim()) {
        (Some(n), "") => n.clone(),
        (Some(n), title) => format!("{n} {title}"),
        (None, "") => t.work_order_id.clone(),
        (None, title) => title.to_owned(),
    }
}

/// A group's name; the empty one is "no site" / "nobody assigned" (`none_id`).
fn group_name(g: &GroupCounts, none_id: &str, lang: Lang) -> String {
    if g.name.is_empty() {
        lang.tr(none_id)
    } else {
        g.name.clone()
    }
}

/// The cells of one count row after its name.
pub fn count_cells(c: &TaskCounts) -> Vec<String> {
    vec![
        c.planned.to_string(),
        c.done.to_string(),
        c.on_time.to_string(),
        c.late.to_string(),
        c.not_done.to_string(),
        c.open.to_string(),
        c.cancelled.to_string(),
        num(c.completion_pct, " %"),
        num(c.on_time_pct, " %"),
    ]
}

/// Translation ids of the count columns, in [`count_cells`]' order, with their relative
/// widths in the PDF (the longer English words wider).
pub const COUNT_COLUMNS: [(&str, f32); 9] = [
    ("tasks-col-planned", 0.95),
    ("tasks-col-done", 0.85),
    ("tasks-col-on-time", 0.9),
    ("tasks-col-late", 0.9),
    ("tasks-col-not-done", 0.9),
    ("tasks-col-open", 0.85),
    ("tasks-col-cancelled", 1.05),
    ("tasks-col-completion", 1.2),
    ("tasks-col-on-time-rate", 1.0),
];

fn counts_table(
    l: &mut Layout,
    first: &str,
    groups: &[GroupCounts],
    none_id: &str,
    total: &TaskCounts,
    lang: Lang,
) {
    let mut titles: Vec<(String, f32)> = vec![(lang.tr(first), 1.9)];
    titles.extend(COUNT_COLUMNS.iter().map(|(id, w)| (lang.tr(id), *w)));
    let cols: Vec<Col> = titles
        .iter()
        .map(|(title, width)| Col {
            title,
            width: *width,
        })
        .collect();
    let row = |name: String, c: &TaskCounts| {
        let mut cells = vec![name];
        cells.extend(count_cells(c));
        Row {
            cells,
            flagged: c.not_done > 0,
        }
    };
    let mut rows: Vec<Row> = groups
        .iter()
        .map(|g| row(group_name(g, none_id, lang), &g.counts))
        .collect();
    rows.push(row(lang.tr("tasks-total"), total));
    l.table(&cols, &rows);
}

fn tasks_table(l: &mut Layout, t: &TaskTable, lang: Lang) {
    // Chinese kinds are two characters; the English "Maintenance" needs room.
    let (task_w, kind_w) = match lang {
        Lang::ZhCn => (2.1, 0.8),
        Lang::En => (1.55, 1.35),
    };
    let titles = [
        ("tasks-col-no", 0.6),
        ("tasks-col-task", task_w),
        ("tasks-col-kind", kind_w),
        ("tasks-col-site", 1.3),
        ("tasks-col-planned-time", 2.1),
        ("tasks-col-done-time", 1.7),
        ("tasks-col-engineer", 1.3),
        ("tasks-col-outcome", 1.1),
    ]
    .map(|(id, w)| (lang.tr(id), w));
    let cols: Vec<Col> = titles
        .iter()
        .map(|(title, width)| Col {
            title,
            width: *width,
        })
        .collect();
    let rows: Vec<Row> = t
        .tasks
        .iter()
        .enumerate()
        .map(|(i, task)| Row {
            cells: vec![
                (i + 1).to_string(),
                task_name(task),
                kind(&task.kind, lang),
                task.site.clone().unwrap_or_else(|| "—".into()),
                span(
                    task.planned_from_ms,
                    task.planned_to_ms,
                    &task.time_zone,
                    lang,
                ),
                task.done_at_ms
                    .map(|d| span(d, None, &task.time_zone, lang))
                    .unwrap_or_else(|| "—".into()),
                if task.engineers.is_empty() {
                    lang.tr("tasks-unassigned")
                } else {
                    task.engineers.join(", ")
                },
                outcome(task.outcome, lang),
            ],
            flagged: task.outcome == TaskOutcome::NotDone,
        })
        .collect();
    l.table(&cols, &rows);
}

/// The table's sections (counts by site, by engineer, every task, the rules) under the
/// current heading level.
fn sections(l: &mut Layout, t: &TaskTable, lang: Lang) {
    if t.truncated {
        l.paragraph(&lang.tr("summary-truncated"), 9.0, super::layout::RED);
    }
    if t.tasks.is_empty() {
        l.paragraph(&lang.tr("tasks-none"), 9.0, BLACK);
        return;
    }
    l.heading(&lang.tr("tasks-by-site"));
    counts_table(
        l,
        "tasks-col-site",
        &t.by_site,
        "tasks-no-site",
        &t.total,
        lang,
    );
    l.heading(&lang.tr("tasks-by-engineer"));
    counts_table(
        l,
        "tasks-col-engineer",
        &t.by_engineer,
        "tasks-unassigned",
        &t.total,
        lang,
    );
    l.paragraph(&lang.tr("tasks-engineer-note"), 7.5, GREY);
    l.heading(&lang.tr("tasks-list"));
    tasks_table(l, t, lang);
    l.paragraph(&lang.tr("tasks-rules"), 7.5, GREY);
}

/// The table as the quarterly summary's appendix, on a page of its own.
pub fn appendix(l: &mut Layout, t: &TaskTable, lang: Lang) {
    l.ensure(f32::MAX);
    l.heading(&tl!(
        lang,
        "tasks-appendix",
        title = title(t, lang),
        period = period_title(&t.period, lang)
    ));
    l.paragraph(&totals_line(t, lang), 9.0, BLACK);
    sections(l, t, lang);
}

/// "10 tasks planned, 6 done (60 %), 3 on time."
fn totals_line(t: &TaskTable, lang: Lang) -> String {
    tl!(
        lang,
        "tasks-totals",
        planned = t.total.planned,
        done = t.total.done,
        completion = num(t.total.completion_pct, " %"),
        on_time = t.total.on_time
    )
}

/// The table alone as an A4 PDF in `lang` (the customer's).
pub fn render(t: &TaskTable, lang: Lang) -> Result<Vec<u8>, ReportError> {
    let fonts = fonts::fonts().map_err(ReportError::NoFont)?;
    let period = period_title(&t.period, lang);
    let name = t.customer_name.as_deref().unwrap_or(&t.customer);
    let heading = title(t, lang);
    let mut l = Layout::new(
        tl!(
            lang,
            "tasks-running-head",
            title = &heading,
            customer = name,
            period = &period
        ),
        lang,
    );
    l.title(&heading, &period);
    l.paragraph(name, 13.0, BLACK);
    l.gap(4.0);
    let f = |id: &str| lang.tr(id);
    l.fields(&[
        (&f("summary-customer"), name.to_owned()),
        (&f("summary-period"), period.clone()),
        (
            &f("summary-generated"),
            when(t.generated_at_ms, &t.time_zone, lang),
        ),
        (
            &f("tasks-col-completion"),
            num(t.total.completion_pct, " %"),
        ),
    ]);
    l.paragraph(&totals_line(t, lang), 9.0, BLACK);
    l.paragraph(&tl!(lang, "tasks-method", zone = &t.time_zone), 7.5, GREY);
    sections(&mut l, t, lang);
    let footer = tl!(
        lang,
        "tasks-footer",
        title = &heading,
        customer = name,
        period = &period
    );
    let doc_title = format!("{heading} {period}");
    l.finish(fonts, &doc_title, &footer)
        .map_err(ReportError::Render)
}

#[cfg(test)]
mod tests;
