//! RRULE expansion: month ends, DST changes, validation.

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
    ];
    for (p, want) in cases {
        let err = p.compile().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains(want), "{want}: got {err:?}");
    }
}
