//! The summary's 故障率考核 section: the service scheme's fault-rate table and the rates by
//! device class.

use super::num;
use crate::kpis::KpiReport;
use crate::report::layout::{Col, Layout, Row};
use fieldsync_i18n::{Lang, tl};

/// The service scheme's 故障率考核 table, shaped like the scheme's: rows this period's
/// fault count, overall fault rate, this quarter, historical reference; columns total,
/// network, virus, software, hardware, other.
pub(super) fn fault_table(l: &mut Layout, r: &KpiReport, lang: Lang) {
    let t = &r.fault_table;
    let month = !r.current.period.contains('Q');
    l.ensure(120.0);
    l.heading(&tl!(
        lang,
        "fault-table-heading",
        period = &super::period_title(&r.current.period, lang)
    ));
    let titles: Vec<(String, f32)> = std::iter::once((lang.tr("fault-table-corner"), 2.6))
        .chain(t.columns.iter().map(|c| {
            let words = match c.as_str() {
                "total" => lang.tr("fault-table-total"),
                // The scheme's column is 病毒 (virus): security faults.
                "security" => lang.tr("fault-table-virus"),
                other => fieldsync_i18n::words::category(lang, other),
            };
            (words, 1.1)
        }))
        .collect();
    let cols: Vec<Col> = titles
        .iter()
        .map(|(title, width)| Col {
            title,
            width: *width,
        })
        .collect();
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
        lang.tr("fault-table-this-month")
    } else {
        lang.tr("fault-table-this-quarter")
    };
    let rate = match r.current.devices_in_service {
        Some(d) => tl!(lang, "fault-table-rate", devices = d),
        None => lang.tr("fault-table-rate-no-cmdb"),
    };
    let history = if month {
        tl!(
            lang,
            "fault-table-history-months",
            count = t.history_periods
        )
    } else {
        tl!(
            lang,
            "fault-table-history-quarters",
            count = t.history_periods
        )
    };
    let rows = vec![
        row(this, counts(&t.faults)),
        row(
            rate,
            t.fault_rate_pct.iter().map(|v| num(*v, " %")).collect(),
        ),
        row(
            tl!(lang, "fault-table-quarter", quarter = &t.quarter),
            counts(&t.quarter_faults),
        ),
        row(
            history,
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
            tl!(
                lang,
                "fault-table-class",
                class = fieldsync_i18n::words::device_type(lang, c),
                rate = num(s.rate_pct, " %"),
                faults = s.faults,
                devices = s.devices
            )
        })
        .collect();
    let text = if classes.is_empty() {
        lang.tr("fault-table-note-none")
    } else {
        let sep = if lang == Lang::ZhCn { "；" } else { "; " };
        tl!(lang, "fault-table-note", classes = classes.join(sep))
    };
    l.paragraph(&text, 7.5, crate::report::layout::GREY);
}
