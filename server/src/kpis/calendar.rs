//! The service calendar a summary period ran on: the contract's service hours on site and by
//! phone, and the statutory holidays and make-up working days (调休) of its calendars that fall
//! in the period, named from the shipped PRC data where it names them. The SLA figures are
//! measured on these (the customer should be able to see which days did not count).

use super::Period;
use chrono::{Datelike, NaiveDate, Weekday};
use fieldsync::sla::{Calendar, Contract, prc};
use serde::Serialize;
use std::collections::BTreeSet;

/// A calendar's weekly service hours.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServiceHours {
    /// 7×24: every minute counts, holidays included.
    Always,
    /// Service on `days` from `start` to `end` (local `HH:MM`), except on holidays.
    Weekly {
        days: Vec<Weekday>,
        start: String,
        end: String,
    },
}

impl ServiceHours {
    fn of(c: &Calendar) -> Self {
        match &c.hours {
            None => ServiceHours::Always,
            Some(h) => ServiceHours::Weekly {
                days: h.days.clone(),
                start: h.start.clone(),
                end: h.end.clone(),
            },
        }
    }
}

/// A holiday or make-up working day of the period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub weekday: Weekday,
    /// The holiday's name as the shipped PRC data gives it (`国庆节`); `None` for a date the
    /// contract lists that the data does not name.
    pub name: Option<String>,
}

/// The contract calendar(s) as they apply to one summary period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceCalendar {
    /// The contract's IANA zone: the dates are local dates there.
    pub time_zone: String,
    pub on_site: ServiceHours,
    /// Phone support's hours; `None`: the on-site hours.
    pub phone: Option<ServiceHours>,
    /// Days without service in the period (from the calendars with service hours: a 7×24
    /// calendar ignores holidays).
    pub holidays: Vec<CalendarDay>,
    /// Weekend days that are working days in the period.
    pub working_days: Vec<CalendarDay>,
    /// Years of the period for which the contract lists no holiday at all: "none" for such a
    /// year may only mean nobody has entered its dates yet.
    pub years_not_listed: Vec<i32>,
}

/// The contract's calendar for `period`.
pub fn for_period(contract: &Contract, period: Period) -> ServiceCalendar {
    let months = period.months();
    let first = months.first().and_then(|m| first_day(*m));
    let after = months.last().and_then(|m| first_day(m.shift(1)));
    let in_period = |d: &NaiveDate| first.is_some_and(|f| *d >= f) && after.is_some_and(|a| *d < a);
    // Holidays only stop clocks of calendars with service hours.
    let calendars: Vec<&Calendar> = std::iter::once(&contract.calendar)
        .chain(contract.phone_calendar.as_ref())
        .filter(|c| c.hours.is_some())
        .collect();
    let all_holidays: BTreeSet<NaiveDate> = calendars
        .iter()
        .flat_map(|c| c.holidays.iter().copied())
        .collect();
    let working: BTreeSet<NaiveDate> = calendars
        .iter()
        .flat_map(|c| c.working_days.iter().copied())
        .filter(|d| in_period(d))
        .collect();
    let names = holiday_names();
    let day = |date: NaiveDate| CalendarDay {
        date,
        weekday: date.weekday(),
        name: names
            .iter()
            .find(|(from, to, _)| (*from..=*to).contains(&date))
            .map(|(_, _, n)| n.clone()),
    };
    let years: BTreeSet<i32> = months
        .iter()
        .filter_map(|m| first_day(*m))
        .map(|d| d.year())
        .collect();
    ServiceCalendar {
        time_zone: contract.calendar.time_zone.clone(),
        on_site: ServiceHours::of(&contract.calendar),
        phone: contract.phone_calendar.as_ref().map(ServiceHours::of),
        holidays: all_holidays
            .iter()
            .copied()
            .filter(in_period)
            .map(day)
            .collect(),
        working_days: working.into_iter().map(day).collect(),
        years_not_listed: if calendars.is_empty() {
            Vec::new()
        } else {
            years
                .into_iter()
                .filter(|y| all_holidays.iter().all(|d| d.year() != *y))
                .collect()
        },
    }
}

/// The first day of a month period (`None` for other periods).
fn first_day(p: Period) -> Option<NaiveDate> {
    match p {
        Period::Month { year, month } => NaiveDate::from_ymd_opt(year, month, 1),
        _ => None,
    }
}

/// The shipped PRC holiday spans with their names.
fn holiday_names() -> Vec<(NaiveDate, NaiveDate, String)> {
    prc::years()
        .into_values()
        .flat_map(|y| y.holidays)
        .map(|h| (h.from, h.to, h.name))
        .collect()
}
