//! The PRC statutory holidays and make-up working days (调休), shipped as data
//! (`data/prc_holidays.json`, one entry per year from the State Council's yearly notice) so a
//! Chinese customer's 5×8 calendar can be built without typing dates in: see
//! [`super::Calendar::with_prc_holidays`]. Adding a year is a data change (docs/kpis.md).

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::BTreeMap;

const DATA: &str = include_str!("data/prc_holidays.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(dead_code)]
    comment: String,
    years: BTreeMap<i32, Year>,
}

/// One year's arrangement as the notice gives it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Year {
    /// The notice's title, number and date.
    pub notice: String,
    pub holidays: Vec<Holiday>,
    /// Weekend days that are working days (调休上班).
    pub working_days: Vec<NaiveDate>,
}

/// A holiday span, both ends included.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Every day off and every make-up working day of the shipped years.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CalendarDays {
    pub holidays: Vec<NaiveDate>,
    pub working_days: Vec<NaiveDate>,
}

/// The shipped years, by year. The data is compiled in and checked by this module's tests,
/// so a parse failure cannot reach a release; should it anyway, no year is returned (and
/// logged) rather than a panic.
pub fn years() -> BTreeMap<i32, Year> {
    match serde_json::from_str::<File>(DATA) {
        Ok(f) => f.years,
        Err(e) => {
            tracing::error!(error = %e, "the shipped PRC holiday data does not parse");
            BTreeMap::new()
        }
    }
}

/// The years the data covers, e.g. `[2026]`.
pub fn covered_years() -> Vec<i32> {
    years().into_keys().collect()
}

/// All days off (each span expanded) and make-up working days, sorted.
pub fn calendar_days() -> CalendarDays {
    let mut out = CalendarDays::default();
    for y in years().into_values() {
        for h in &y.holidays {
            let mut d = h.from;
            while d <= h.to {
                out.holidays.push(d);
                match d.succ_opt() {
                    Some(n) => d = n,
                    None => break,
                }
            }
        }
        out.working_days.extend(y.working_days);
    }
    out.holidays.sort_unstable();
    out.working_days.sort_unstable();
    out
}

/// Is `d` a Saturday or Sunday.
pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_data_parses_and_is_consistent() {
        let f: File = serde_json::from_str(DATA).unwrap();
        assert!(f.years.contains_key(&2026));
        for (year, y) in &f.years {
            assert!(y.notice.contains(&year.to_string()), "{year}: {}", y.notice);
            for h in &y.holidays {
                assert!(h.from <= h.to, "{year} {}", h.name);
                assert_eq!(h.from.year(), *year, "{}", h.name);
            }
            // A make-up day is a weekend day in its own year, never inside a holiday.
            for w in &y.working_days {
                assert!(is_weekend(*w), "{w} is not a Saturday or Sunday");
                assert_eq!(w.year(), *year);
                assert!(y.holidays.iter().all(|h| !(h.from..=h.to).contains(w)));
            }
        }
        let days = calendar_days();
        // 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 = 33 days off, 6 make-up days.
        assert_eq!(days.holidays.len(), 33);
        assert_eq!(days.working_days.len(), 6);
        let sep20 = NaiveDate::from_ymd_opt(2026, 9, 20).unwrap();
        assert_eq!(sep20.weekday(), Weekday::Sun);
        assert!(days.working_days.contains(&sep20));
        assert_eq!(covered_years(), [2026]);
    }
}
