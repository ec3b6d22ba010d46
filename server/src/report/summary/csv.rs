//! The KPI figures as a spreadsheet for the customer and the supervisor: one row per figure
//! in the report's language (故障率（故障数 ÷ 设备数）, …) with its stable code beside it for
//! machines, the trend periods as columns (current first, as the language writes them — a
//! bare `2026-11` would turn into a date in Excel), then the change against the previous
//! period. UTF-8 with a byte-order mark and formula cells defused, so Excel on a Chinese
//! Windows opens it as it is.

use super::{figure_name, period_title};
use crate::kpis::{KpiReport, headline};
use fieldsync_i18n::{Lang, tl};
use std::collections::BTreeMap;

/// The CSV bytes of `r` in `lang`.
pub fn to_csv(r: &KpiReport, lang: Lang) -> Result<Vec<u8>, csv::Error> {
    let customer = r
        .customer_name
        .clone()
        .unwrap_or_else(|| r.customer.clone());
    let mut head = vec![
        tl!(lang, "summary-col-figure"),
        tl!(lang, "summary-customer"),
        tl!(lang, "summary-col-code"),
    ];
    head.extend(r.trend.iter().rev().map(|k| period_title(&k.period, lang)));
    head.push(tl!(lang, "summary-col-change"));
    let columns: Vec<BTreeMap<String, Option<f64>>> = r
        .trend
        .iter()
        .rev()
        .map(|k| headline(k).into_iter().collect())
        .collect();
    let fmt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let rows = headline(&r.current).into_iter().map(|(code, _)| {
        let mut line = vec![figure_name(&code, lang), customer.clone(), code.clone()];
        line.extend(columns.iter().map(|c| fmt(c.get(&code).copied().flatten())));
        line.push(fmt(r.change.get(&code).copied().flatten()));
        line
    });
    crate::spreadsheet::rows_to_csv(std::iter::once(head).chain(rows))
}
