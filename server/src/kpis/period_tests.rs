//! Periods in the customer's time zone, and the month a work order counts in: an incident in
//! the month of its call, a patrol in the month of its planned window.

use super::*;
use chrono::TimeZone;

const MIN: i64 = 60_000;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> TimestampMs {
    chrono::Utc
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .unwrap()
        .timestamp_millis()
}

fn incident(created: TimestampMs) -> Sample {
    Sample {
        kind: "incident".into(),
        category: Some("network".into()),
        status: "new".into(),
        created_at_ms: created,
        ..Default::default()
    }
}

fn shanghai(work_orders: Vec<Sample>) -> Records {
    Records {
        work_orders,
        time_zone: Some(chrono_tz::Asia::Shanghai),
        ..Default::default()
    }
}

#[test]
fn months_are_the_customers_local_months() {
    // Shanghai is UTC+8 all year. 1 December 01:00 in Shanghai is 30 November 17:00 UTC: a
    // December call, which a UTC month put in November. 1 November 00:30 in Shanghai is
    // 31 October 16:30 UTC: a November call. 30 November 23:59 in Shanghai (15:59 UTC):
    // November.
    let records = shanghai(vec![
        incident(utc(2026, 11, 30, 17, 0)),
        incident(utc(2026, 10, 31, 16, 30)),
        incident(utc(2026, 11, 30, 15, 59)),
    ]);
    let now = utc(2026, 12, 15, 0, 0);
    let nov = Period::parse("2026-11").unwrap();
    let dec = Period::parse("2026-12").unwrap();
    assert_eq!(compute(&records, nov, now).faults, 2);
    assert_eq!(compute(&records, dec, now).faults, 1);
    // The same work orders on UTC months (a customer without a contract): the 1 December call
    // falls in November and the 1 November one in October.
    let in_utc = Records {
        time_zone: None,
        ..records.clone()
    };
    assert_eq!(compute(&in_utc, nov, now).faults, 2);
    assert_eq!(compute(&in_utc, dec, now).faults, 0);
    let oct = Period::parse("2026-10").unwrap();
    assert_eq!(compute(&in_utc, oct, now).faults, 1);
    assert_eq!(compute(&records, oct, now).faults, 0);
    // The boundaries themselves: November is [31 Oct 16:00 UTC, 30 Nov 16:00 UTC).
    assert_eq!(
        nov.range_in(chrono_tz::Asia::Shanghai),
        (utc(2026, 10, 31, 16, 0), utc(2026, 11, 30, 16, 0))
    );
    assert_eq!(
        Period::month_of_in(utc(2026, 11, 30, 16, 0), chrono_tz::Asia::Shanghai).label(),
        "2026-12"
    );
    assert_eq!(
        Period::month_of(utc(2026, 11, 30, 16, 0)).label(),
        "2026-11"
    );
    let r = report("acme", &records, dec, now);
    assert_eq!(r.time_zone, "Asia/Shanghai");
}

#[test]
fn a_january_patrol_generated_in_december_counts_in_january() {
    // The plan generator creates the 13 January 2027 patrol (09:00–12:00 Shanghai) six weeks
    // ahead, on 2 December 2026. It is January's work: planned, done and adhered to then.
    let window = utc(2027, 1, 13, 1, 0);
    let patrol = Sample {
        kind: "inspection".into(),
        status: "completed".into(),
        created_at_ms: utc(2026, 12, 2, 3, 0),
        scheduled_start_ms: Some(window),
        completed_at_ms: Some(window + 150 * MIN),
        ..Default::default()
    };
    // A fault created the same December day counts in December (the call decides).
    let fault = incident(utc(2026, 12, 2, 3, 0));
    let records = shanghai(vec![patrol, fault]);
    let now = utc(2027, 2, 1, 0, 0);
    let dec = compute(&records, Period::parse("2026-12").unwrap(), now);
    assert_eq!((dec.work_orders, dec.faults, dec.completed), (1, 1, 0));
    let jan = compute(&records, Period::parse("2027-01").unwrap(), now);
    assert_eq!((jan.work_orders, jan.faults, jan.completed), (1, 0, 1));
    // In the quarter view too: Q1 2027, not Q4 2026.
    let q1 = compute(&records, Period::parse("2027-Q1").unwrap(), now);
    assert_eq!(q1.work_orders, 1);
    // A patrol window starting 1 January 00:30 in Shanghai (31 December 16:30 UTC) is
    // January's as well.
    let early = Sample {
        kind: "inspection".into(),
        status: "new".into(),
        created_at_ms: utc(2026, 11, 20, 0, 0),
        scheduled_start_ms: Some(utc(2026, 12, 31, 16, 30)),
        ..Default::default()
    };
    let records = shanghai(vec![early]);
    assert_eq!(
        compute(&records, Period::parse("2027-01").unwrap(), now).work_orders,
        1
    );
    assert_eq!(
        compute(&records, Period::parse("2026-12").unwrap(), now).work_orders,
        0
    );
}
