//! The task-completion table as a spreadsheet, in the report's language: every task (one
//! line each, times on the site's clock as `YYYY-MM-DD HH:MM` with the zone in a column of
//! its own, the outcome in words and as its stable code), then the counts by site and by
//! engineer, each block under a title line and separated by an empty line. UTF-8 with a
//! byte-order mark and formula cells defused, as the summary's CSV (Excel on a Chinese
//! Windows opens it as it is); every line has the same number of cells.

use super::{COUNT_COLUMNS, kind, outcome, task_name, zone_label};
use crate::kpis::{GroupCounts, TaskCounts, TaskTable};
use chrono::TimeZone;
use fieldsync::TimestampMs;
use fieldsync_i18n::Lang;

/// `2026-10-14 09:00` on the clock of `zone` (empty when absent).
fn stamp(ms: Option<TimestampMs>, zone: &str) -> String {
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    ms.and_then(|ms| chrono::Utc.timestamp_millis_opt(ms).single())
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The CSV bytes of `t` in `lang`.
pub fn to_csv(t: &TaskTable, lang: Lang) -> Result<Vec<u8>, csv::Error> {
    let tr = |id: &str| lang.tr(id);
    let task_head: Vec<String> = [
        "tasks-col-no",
        "tasks-col-number",
        "tasks-col-title",
        "tasks-col-kind",
        "tasks-col-site",
        "tasks-col-planned-from",
        "tasks-col-planned-to",
        "tasks-col-done-time",
        "tasks-col-zone",
        "tasks-col-engineer",
        "tasks-col-outcome",
        "summary-col-code",
    ]
    .map(tr)
    .into();
    let mut lines: Vec<Vec<String>> = vec![
        vec![format!(
            "{} {}",
            super::title(t, lang),
            super::period_title(&t.period, lang)
        )],
        vec![
            tr("summary-customer"),
            t.customer_name
                .clone()
                .unwrap_or_else(|| t.customer.clone()),
        ],
        task_head,
    ];
    for (i, task) in t.tasks.iter().enumerate() {
        let zone = format!(
            "{} ({})",
            zone_label(task.planned_from_ms, &task.time_zone, lang),
            task.time_zone
        );
        lines.push(vec![
            (i + 1).to_string(),
            task.number.clone().unwrap_or_default(),
            if task.title.trim().is_empty() {
                task_name(task)
            } else {
                task.title.clone()
            },
            kind(&task.kind, lang),
            task.site.clone().unwrap_or_default(),
            stamp(Some(task.planned_from_ms), &task.time_zone),
            stamp(task.planned_to_ms, &task.time_zone),
            stamp(task.done_at_ms, &task.time_zone),
            zone,
            task.engineers.join(", "),
            outcome(task.outcome, lang),
            task.outcome.as_str().to_owned(),
        ]);
    }
    for (title, first, groups, none_id) in [
        (
            "tasks-by-site",
            "tasks-col-site",
            &t.by_site,
            "tasks-no-site",
        ),
        (
            "tasks-by-engineer",
            "tasks-col-engineer",
            &t.by_engineer,
            "tasks-unassigned",
        ),
    ] {
        lines.push(vec![]);
        lines.push(vec![tr(title)]);
        let mut head = vec![tr(first)];
        head.extend(COUNT_COLUMNS.iter().map(|(id, _)| tr(id)));
        lines.push(head);
        lines.extend(groups.iter().map(|g| counts_line(g, none_id, lang)));
        lines.push(total_line(&t.total, lang));
    }
    // The csv writer wants lines of one width.
    let width = lines.iter().map(Vec::len).max().unwrap_or(0);
    for line in &mut lines {
        line.resize(width, String::new());
    }
    crate::spreadsheet::rows_to_csv(lines)
}

fn counts_line(g: &GroupCounts, none_id: &str, lang: Lang) -> Vec<String> {
    let name = if g.name.is_empty() {
        lang.tr(none_id)
    } else {
        g.name.clone()
    };
    let mut line = vec![name];
    line.extend(counts(&g.counts));
    line
}

fn total_line(c: &TaskCounts, lang: Lang) -> Vec<String> {
    let mut line = vec![lang.tr("tasks-total")];
    line.extend(counts(c));
    line
}

/// The counts in [`COUNT_COLUMNS`]' order as numbers Excel can sum: percentages without
/// the unit (the column title says %), as computed (two decimals), empty when undefined.
fn counts(c: &TaskCounts) -> Vec<String> {
    let pct = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    [
        c.planned,
        c.done,
        c.on_time,
        c.late,
        c.not_done,
        c.open,
        c.cancelled,
    ]
    .iter()
    .map(u64::to_string)
    .chain([pct(c.completion_pct), pct(c.on_time_pct)])
    .collect()
}
