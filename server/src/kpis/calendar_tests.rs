//! The service calendar of a period: the contract's hours, and the holidays and make-up
//! working days of the shipped PRC data that fall in the period.

use super::calendar::for_period;
use super::{Period, ServiceHours};
use chrono::{NaiveDate, Weekday};
use fieldsync::sla::Contract;

fn northwind() -> Contract {
    let mut c = Contract::demo("cust-northwind", "Asia/Shanghai");
    c.calendar = c.calendar.with_prc_holidays();
    c
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

#[test]
fn october_2026_lists_national_day_and_its_make_up_working_day() {
    let c = for_period(&northwind(), Period::parse("2026-10").unwrap());
    let holidays: Vec<NaiveDate> = c.holidays.iter().map(|d| d.date).collect();
    assert_eq!(holidays, (1..=7).map(|d| date(10, d)).collect::<Vec<_>>());
    assert!(
        c.holidays
            .iter()
            .all(|d| d.name.as_deref() == Some("国庆节"))
    );
    assert_eq!(c.holidays[0].weekday, Weekday::Thu);
    // The data's make-up day in October: Saturday 10 October (20 September is September's).
    let working: Vec<(NaiveDate, Weekday)> =
        c.working_days.iter().map(|d| (d.date, d.weekday)).collect();
    assert_eq!(working, [(date(10, 10), Weekday::Sat)]);
    assert!(c.years_not_listed.is_empty());
    assert_eq!(c.time_zone, "Asia/Shanghai");
    assert!(
        matches!(&c.on_site, ServiceHours::Weekly { days, start, .. } if days.len() == 5 && start == "09:00")
    );
    assert_eq!(c.phone, Some(ServiceHours::Always));
}

#[test]
fn december_2026_has_none_and_a_quarter_lists_its_three_months() {
    let dec = for_period(&northwind(), Period::parse("2026-12").unwrap());
    assert!(dec.holidays.is_empty() && dec.working_days.is_empty());
    assert!(dec.years_not_listed.is_empty());
    let q3 = for_period(&northwind(), Period::parse("2026-Q3").unwrap());
    let holidays: Vec<NaiveDate> = q3.holidays.iter().map(|d| d.date).collect();
    assert_eq!(holidays, [date(9, 25), date(9, 26), date(9, 27)]);
    assert_eq!(q3.holidays[0].name.as_deref(), Some("中秋节"));
    let working: Vec<NaiveDate> = q3.working_days.iter().map(|d| d.date).collect();
    assert_eq!(working, [date(9, 20)]);
}

#[test]
fn a_year_the_contract_has_no_dates_for_is_named() {
    let q1 = for_period(&northwind(), Period::parse("2027-Q1").unwrap());
    assert!(q1.holidays.is_empty());
    assert_eq!(q1.years_not_listed, [2027]);
    // A contract without the PRC dates lists no holidays, and says so for 2026 too.
    let plain = Contract::demo("x", "Asia/Shanghai");
    let oct = for_period(&plain, Period::parse("2026-10").unwrap());
    assert!(oct.holidays.is_empty());
    assert_eq!(oct.years_not_listed, [2026]);
}

#[test]
fn a_date_the_contract_lists_but_the_data_does_not_name_has_no_name() {
    let mut c = northwind();
    c.calendar.holidays.push(date(12, 24));
    let dec = for_period(&c, Period::parse("2026-12").unwrap());
    assert_eq!(dec.holidays.len(), 1);
    assert_eq!(
        (dec.holidays[0].date, dec.holidays[0].name.clone()),
        (date(12, 24), None)
    );
}

#[test]
fn a_round_the_clock_calendar_lists_no_holidays() {
    let mut c = northwind();
    c.calendar = fieldsync::sla::Calendar::always("Asia/Shanghai");
    c.calendar.holidays.push(date(10, 1));
    c.phone_calendar = None;
    let oct = for_period(&c, Period::parse("2026-10").unwrap());
    assert_eq!(oct.on_site, ServiceHours::Always);
    assert!(oct.holidays.is_empty() && oct.years_not_listed.is_empty());
}
