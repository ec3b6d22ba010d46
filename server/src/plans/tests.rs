//! RRULE expansion: month ends, DST changes, validation, working days on the PRC calendar.

use super::*;
use chrono::TimeZone;

fn plan(rrule: &str, starts_on: (i32, u32, u32), tz: &str) -> Plan {
    Plan {
        id: Some(Uuid::from_u128(7)),
        title: "Patrol".into(),
        customer_id: "c".into(),
        site_id: "s".into(),
        device_ids: vec![],
        device_filter: None,
        template_id: None,
        rrule: rrule.into(),
        starts_on: NaiveDate::from_ymd_opt(starts_on.0, starts_on.1, starts_on.2).unwrap(),
        day_filter: DayFilter::Every,
        window_start: "09:00".into(),
        window_end: "12:00".into(),
        time_zone: tz.into(),
        horizon_days: 28,
        default_engineer: None,
        priority: None,
        paused: false,
        effective_from_ms: 0,
        revision: 1,
    }
}

fn local(tz: &str, ms: i64) -> String {
    let tz: chrono_tz::Tz = tz.parse().unwrap();
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn ms(tz: &str, y: i32, m: u32, d: u32) -> i64 {
    let tz: chrono_tz::Tz = tz.parse().unwrap();
    tz.with_ymd_and_hms(y, m, d, 0, 0, 0)
        .unwrap()
        .timestamp_millis()
}

fn expand(p: &Plan, from: i64, to: i64) -> Vec<String> {
    p.compile()
        .unwrap()
        .occurrences(from, to, 100)
        .iter()
        .map(|o| {
            format!(
                "{}–{}",
                local(&p.time_zone, o.start_ms),
                &local(&p.time_zone, o.end_ms)[11..]
            )
        })
        .collect()
}

#[test]
fn weekly_on_wednesday_across_a_month_end() {
    let tz = "Asia/Shanghai";
    let p = plan("FREQ=WEEKLY;BYDAY=WE", (2025, 1, 1), tz);
    let got = expand(&p, ms(tz, 2025, 1, 20), ms(tz, 2025, 2, 10));
    assert_eq!(
        got,
        [
            "2025-01-22 09:00–12:00",
            "2025-01-29 09:00–12:00",
            "2025-02-05 09:00–12:00"
        ]
    );
}

#[test]
fn monthly_on_the_first_monday_and_on_the_31st() {
    let tz = "Europe/Berlin";
    let p = plan("FREQ=MONTHLY;BYDAY=1MO", (2025, 1, 1), tz);
    assert_eq!(
        expand(&p, ms(tz, 2025, 1, 1), ms(tz, 2025, 4, 1)),
        [
            "2025-01-06 09:00–12:00",
            "2025-02-03 09:00–12:00",
            "2025-03-03 09:00–12:00"
        ]
    );
    // The 31st skips months without one (RFC 5545).
    let p = plan("FREQ=MONTHLY;BYMONTHDAY=31", (2025, 1, 1), tz);
    assert_eq!(
        expand(&p, ms(tz, 2025, 1, 1), ms(tz, 2025, 6, 1)),
        [
            "2025-01-31 09:00–12:00",
            "2025-03-31 09:00–12:00",
            "2025-05-31 09:00–12:00"
        ]
    );
    // Last day of every month, including February.
    let p = plan("FREQ=MONTHLY;BYMONTHDAY=-1", (2025, 1, 1), tz);
    assert_eq!(
        expand(&p, ms(tz, 2025, 2, 1), ms(tz, 2025, 3, 1)),
        ["2025-02-28 09:00–12:00"]
    );
}

#[test]
fn daily_across_dst_changes_keeps_the_local_window() {
    let tz = "Europe/Berlin";
    let p = plan("FREQ=DAILY", (2025, 3, 1), tz);
    let occ = p
        .compile()
        .unwrap()
        .occurrences(ms(tz, 2025, 3, 29), ms(tz, 2025, 4, 1), 10);
    let starts: Vec<String> = occ.iter().map(|o| local(tz, o.start_ms)).collect();
    assert_eq!(
        starts,
        ["2025-03-29 09:00", "2025-03-30 09:00", "2025-03-31 09:00"]
    );
    // 23 wall-clock hours between Saturday and Sunday 09:00 (spring forward).
    assert_eq!(occ[1].start_ms - occ[0].start_ms, 23 * 3600 * 1000);
    let p = plan("FREQ=DAILY", (2025, 10, 1), tz);
    let occ = p
        .compile()
        .unwrap()
        .occurrences(ms(tz, 2025, 10, 25), ms(tz, 2025, 10, 27), 10);
    assert_eq!(occ[1].start_ms - occ[0].start_ms, 25 * 3600 * 1000);
    assert_eq!(local(tz, occ[1].end_ms), "2025-10-26 12:00");
}

#[test]
fn occurrence_ids_are_deterministic() {
    let a = occurrence_id(Uuid::from_u128(1), 1000);
    assert_eq!(a, occurrence_id(Uuid::from_u128(1), 1000));
    assert_ne!(a, occurrence_id(Uuid::from_u128(1), 1001));
    assert_ne!(a, occurrence_id(Uuid::from_u128(2), 1000));
}

#[test]
fn bad_plans_are_refused_with_the_field_named() {
    let tz = "Europe/Berlin";
    let cases = [
        (plan("FREQ=HOURLY", (2025, 1, 1), tz), "daily at most"),
        (plan("FREQ=WEEKLY;BYDAY=XX", (2025, 1, 1), tz), "rrule"),
        (
            plan("FREQ=WEEKLY", (2025, 1, 1), "Nowhere/City"),
            "time zone",
        ),
        (
            Plan {
                window_end: "08:00".into(),
                ..plan("FREQ=WEEKLY", (2025, 1, 1), tz)
            },
            "window_end",
        ),
        (
            Plan {
                horizon_days: 0,
                ..plan("FREQ=WEEKLY", (2025, 1, 1), tz)
            },
            "horizon_days",
        ),
        (
            plan(
                "DTSTART:20250101T000000Z\nRRULE:FREQ=DAILY",
                (2025, 1, 1),
                tz,
            ),
            "DTSTART",
        ),
        // Found by the plan_json fuzz target: walking from year 506 took 14 s.
        (
            plan("FREQ=DAILY", (506, 9, 1), "Asia/Shanghai"),
            "starts_on",
        ),
        (
            Plan {
                day_filter: DayFilter::WorkingDays,
                ..plan("FREQ=DAILY", (1013, 9, 1), "Asia/Shanghai")
            },
            "starts_on",
        ),
        (plan("FREQ=DAILY", (2100, 1, 1), tz), "starts_on"),
        // Found by the plan_json fuzz target: a panic inside the rrule crate.
        (plan("FREQ=MONTHLY;BYDAY=ϲO", (2026, 1, 1), tz), "ASCII"),
        (plan("FREQ=WEEKLY;BYDAY=周一", (2026, 1, 1), tz), "ASCII"),
    ];
    for (p, want) in cases {
        let err = p.compile().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains(want), "{want}: got {err:?}");
    }
}

fn working_days(rrule: &str, starts_on: (i32, u32, u32)) -> Plan {
    Plan {
        day_filter: DayFilter::WorkingDays,
        ..plan(rrule, starts_on, "Asia/Shanghai")
    }
}

#[test]
fn every_working_day_skips_national_day_and_visits_the_make_up_saturday() {
    let tz = "Asia/Shanghai";
    let p = working_days("FREQ=DAILY", (2026, 9, 1));
    let got = expand(&p, ms(tz, 2026, 9, 28), ms(tz, 2026, 10, 13));
    assert_eq!(
        got,
        [
            "2026-09-28 09:00–12:00",
            "2026-09-29 09:00–12:00",
            "2026-09-30 09:00–12:00",
            // 国庆 1–7 October: no visits. Thursday and Friday after it are working days.
            "2026-10-08 09:00–12:00",
            "2026-10-09 09:00–12:00",
            // Saturday 10 October is a 调休 make-up working day.
            "2026-10-10 09:00–12:00",
            "2026-10-12 09:00–12:00",
        ]
    );
    // Without the filter the same rule visits every day, holidays included.
    let every = plan("FREQ=DAILY", (2026, 9, 1), tz);
    assert_eq!(
        expand(&every, ms(tz, 2026, 10, 1), ms(tz, 2026, 10, 8)).len(),
        7
    );
    // The make-up Sunday before the holiday too.
    let p = working_days("FREQ=DAILY", (2026, 9, 19));
    assert_eq!(
        expand(&p, ms(tz, 2026, 9, 19), ms(tz, 2026, 9, 22)),
        ["2026-09-20 09:00–12:00", "2026-09-21 09:00–12:00"]
    );
}

#[test]
fn weekly_on_wednesday_skipping_holidays() {
    let tz = "Asia/Shanghai";
    let p = working_days("FREQ=WEEKLY;BYDAY=WE", (2026, 9, 1));
    assert_eq!(
        expand(&p, ms(tz, 2026, 9, 28), ms(tz, 2026, 10, 20)),
        ["2026-09-30 09:00–12:00", "2026-10-14 09:00–12:00"]
    );
}

#[test]
fn the_sites_own_calendar_decides_when_it_has_service_hours() {
    let tz = "Europe/Berlin";
    let mut cal = fieldsync::sla::Calendar::five_by_eight(tz);
    cal.holidays
        .push(NaiveDate::from_ymd_opt(2026, 10, 14).unwrap());
    let p = Plan {
        day_filter: DayFilter::WorkingDays,
        ..plan("FREQ=WEEKLY;BYDAY=WE", (2026, 9, 1), tz)
    };
    let got: Vec<String> = p
        .compile_on(Some(&cal))
        .unwrap()
        .occurrences(ms(tz, 2026, 9, 28), ms(tz, 2026, 10, 20), 10)
        .iter()
        .map(|o| local(tz, o.start_ms))
        .collect();
    // National Day is not Berlin's holiday; the site's 14 October is.
    assert_eq!(got, ["2026-09-30 09:00", "2026-10-07 09:00"]);
    // A 7×24 calendar says nothing about working days: the PRC's are used.
    let always = fieldsync::sla::Calendar::always(tz);
    let n = p
        .compile_on(Some(&always))
        .unwrap()
        .occurrences(ms(tz, 2026, 9, 28), ms(tz, 2026, 10, 20), 10)
        .len();
    assert_eq!(
        n, 2,
        "30 Sep and 14 Oct; 7 Oct is in the PRC's National Day"
    );
}

#[test]
fn a_daily_working_day_rule_over_a_long_holiday_ends() {
    // A window entirely inside the Spring Festival: nothing, and the walk stops at `to`.
    let tz = "Asia/Shanghai";
    let p = working_days("FREQ=DAILY", (2026, 1, 1));
    assert!(expand(&p, ms(tz, 2026, 2, 15), ms(tz, 2026, 2, 23)).is_empty());
}

#[test]
fn plans_saved_without_a_day_filter_still_load_and_the_filter_round_trips() {
    let mut json = serde_json::to_value(plan("FREQ=DAILY", (2026, 1, 1), "Asia/Shanghai")).unwrap();
    assert!(
        json.get("day_filter").is_none(),
        "the default is not written"
    );
    json["day_filter"] = "working_days".into();
    let p: Plan = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(p.day_filter, DayFilter::WorkingDays);
    assert_eq!(serde_json::to_value(&p).unwrap(), json);
    json["day_filter"] = "holidays_only".into();
    assert!(serde_json::from_value::<Plan>(json).is_err());
}
