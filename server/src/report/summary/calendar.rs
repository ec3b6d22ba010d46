//! The summary's service calendar: the contract's service hours on site and by phone, and
//! the period's statutory holidays and make-up working days (调休) with their weekdays and
//! names — the days the SLA figures above were and were not measured on.

use super::columns;
use crate::kpis::{CalendarDay, KpiReport, ServiceCalendar, ServiceHours};
use crate::report::layout::{BLACK, GREY, Layout, Row};
use chrono::Weekday;
use fieldsync_i18n::{Lang, tl};

/// The section for `r`'s current period.
pub(super) fn section(l: &mut Layout, r: &KpiReport, lang: Lang) {
    l.ensure(90.0);
    let period = super::period_title(&r.current.period, lang);
    l.heading(&tl!(lang, "summary-cal-heading", period = &period));
    let Some(c) = &r.service_calendar else {
        l.paragraph(&lang.tr("summary-cal-no-contract"), 9.0, BLACK);
        return;
    };
    let phone = match &c.phone {
        Some(h) => hours(h, lang),
        None => lang.tr("summary-cal-same-as-on-site"),
    };
    l.fields(&[
        (&lang.tr("summary-cal-on-site"), hours(&c.on_site, lang)),
        (&lang.tr("summary-cal-phone"), phone),
    ]);
    days(l, c, lang);
    if !c.years_not_listed.is_empty() {
        let years: Vec<String> = c.years_not_listed.iter().map(i32::to_string).collect();
        let years = years.join(if lang == Lang::ZhCn { "、" } else { ", " });
        l.paragraph(
            &tl!(lang, "summary-cal-not-listed", years = years),
            8.5,
            BLACK,
        );
    }
    l.paragraph(
        &tl!(lang, "summary-cal-zone", zone = &c.time_zone),
        7.5,
        GREY,
    );
}

/// The holidays and make-up working days by date, or "none in this period".
fn days(l: &mut Layout, c: &ServiceCalendar, lang: Lang) {
    let mut all: Vec<(&CalendarDay, &str)> = c
        .holidays
        .iter()
        .map(|d| (d, "summary-cal-holiday"))
        .chain(
            c.working_days
                .iter()
                .map(|d| (d, "summary-cal-working-day")),
        )
        .collect();
    if all.is_empty() {
        l.paragraph(&lang.tr("summary-cal-none"), 9.0, BLACK);
        return;
    }
    all.sort_by_key(|(d, _)| d.date);
    let rows: Vec<Row> = all
        .into_iter()
        .map(|(d, kind)| Row {
            cells: vec![
                fieldsync_i18n::time::full_date(lang, &d.date),
                lang.tr(kind),
                d.name
                    .as_deref()
                    .map(|n| holiday_name(n, lang))
                    .unwrap_or_default(),
            ],
            flagged: false,
        })
        .collect();
    let titles = [
        ("summary-cal-col-date", 1.3),
        ("summary-cal-col-kind", 2.0),
        ("summary-cal-col-name", 1.3),
    ]
    .map(|(id, w)| (lang.tr(id), w));
    l.table(&columns(&titles), &rows);
}

/// A holiday's name in `lang`: the shipped data names them in Chinese; a name it does not
/// know is shown as the data gives it.
fn holiday_name(name: &str, lang: Lang) -> String {
    let key = match name {
        "元旦" => "yuandan",
        "春节" => "chunjie",
        "清明节" => "qingming",
        "劳动节" => "laodong",
        "端午节" => "duanwu",
        "中秋节" => "zhongqiu",
        "国庆节" => "guoqing",
        _ => return name.to_owned(),
    };
    lang.tr(&format!("summary-cal-name-{key}"))
}

/// `Mon–Fri 09:00–17:00 (5×8), except …` / `7×24` in words.
pub(super) fn hours(h: &ServiceHours, lang: Lang) -> String {
    let ServiceHours::Weekly { days, start, end } = h else {
        return lang.tr("summary-cal-always");
    };
    let label = match (
        fieldsync::sla::parse_hhmm(start),
        fieldsync::sla::parse_hhmm(end),
    ) {
        (Ok(s), Ok(e)) if e > s && (e - s) % 60 == 0 => tl!(
            lang,
            "summary-cal-label",
            label = format!("{}×{}", days.len(), (e - s) / 60)
        ),
        _ => String::new(),
    };
    tl!(
        lang,
        "summary-cal-weekly",
        days = day_words(days, lang),
        start = start.as_str(),
        end = end.as_str(),
        label = label
    )
}

/// `Mon–Fri` for a run of three or more days in a row, else the days listed.
fn day_words(days: &[Weekday], lang: Lang) -> String {
    let mut idx: Vec<u32> = days.iter().map(|d| d.num_days_from_monday()).collect();
    idx.sort_unstable();
    idx.dedup();
    let name = |i: u32| {
        let day = Weekday::try_from(i as u8).unwrap_or(Weekday::Mon);
        fieldsync_i18n::time::weekday(lang, day)
    };
    let in_a_row = idx.windows(2).all(|w| w[1] == w[0] + 1);
    match (idx.first(), idx.last()) {
        (Some(&f), Some(&l)) if in_a_row && idx.len() >= 3 => {
            tl!(
                lang,
                "summary-cal-day-range",
                first = name(f),
                last = name(l)
            )
        }
        _ => {
            let names: Vec<&str> = idx.iter().map(|i| name(*i)).collect();
            names.join(if lang == Lang::ZhCn { "、" } else { ", " })
        }
    }
}
