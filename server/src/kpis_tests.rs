//! KPI figures on a small hand-made month, expected values worked out by hand.

use super::*;

const MIN: i64 = 60_000;

fn nov(day: i64, hour: i64) -> TimestampMs {
    // 2026-11-01 00:00 UTC
    1_793_491_200_000 + (day - 1) * 24 * 60 * MIN + hour * 60 * MIN
}

fn incident(cat: &str, created: TimestampMs) -> Sample {
    Sample {
        kind: "incident".into(),
        category: Some(cat.into()),
        status: "new".into(),
        created_at_ms: created,
        ..Default::default()
    }
}

fn samples() -> Vec<Sample> {
    let done = |mut s: Sample, arrive_min: i64, on_site_min: i64, hold_min: i64| {
        s.first_on_site_ms = Some(s.created_at_ms + arrive_min * MIN);
        s.completed_at_ms = Some(s.created_at_ms + (arrive_min + on_site_min + hold_min) * MIN);
        s.on_hold_ms = hold_min * MIN;
        s.status = "approved".into();
        s.outcome = Some("fixed".into());
        s.visits = 1;
        s
    };
    // A: network, arrives in 60 min, 90 min on site; response due in 120 → met, resolution due
    //    in 180 min → met (completion at 150).
    let mut a = done(incident("network", nov(3, 9)), 60, 90, 0);
    a.response_due_ms = Some(nov(3, 9) + 120 * MIN);
    a.resolution_due_ms = Some(nov(3, 9) + 180 * MIN);
    // B: hardware, arrives in 180 min (response due 120 → missed), 60 min on site plus a
    //    30-minute hold (not counted); resolution due at 270 min, completed at 270 → met.
    let mut b = done(incident("hardware", nov(10, 9)), 180, 60, 30);
    b.response_due_ms = Some(nov(10, 9) + 120 * MIN);
    b.resolution_due_ms = Some(nov(10, 9) + 270 * MIN);
    // C: hardware, sent back once and fixed on a second visit: not a first-time fix.
    let mut c = done(incident("hardware", nov(12, 9)), 30, 120, 0);
    c.reopened = true;
    c.visits = 2;
    // D: software, still open, no due times.
    let d = incident("software", nov(20, 9));
    // E: cancelled: left out of everything but the cancelled count.
    let mut e = incident("network", nov(21, 9));
    e.status = "cancelled".into();
    // F: an inspection, completed: counts as a work order, not as a fault.
    let f = Sample {
        kind: "inspection".into(),
        status: "completed".into(),
        created_at_ms: nov(5, 9),
        ..Default::default()
    };
    // G: previous month (October), one network fault arriving in 30 min.
    let g = done(
        incident("network", nov(1, 0) - 10 * 24 * 60 * MIN),
        30,
        30,
        0,
    );
    vec![a, b, c, d, e, f, g]
}

#[test]
fn month_figures_by_hand() {
    let now = nov(30, 12);
    let r = report(
        "acme",
        &samples(),
        Month::parse("2026-11").unwrap(),
        now,
        false,
    );
    let k = &r.current;
    assert_eq!(k.month, "2026-11");
    assert_eq!(k.work_orders, 5); // A B C D F
    assert_eq!(k.faults, 4); // A B C D
    assert_eq!(k.faults_by_category["network"].count, 1);
    assert_eq!(k.faults_by_category["hardware"].count, 2);
    assert_eq!(k.faults_by_category["hardware"].rate_pct, Some(50.0));
    assert_eq!(k.faults_by_category["security"].rate_pct, Some(0.0));
    // Arrival: (60 + 180 + 30) / 3 = 90 min. On site: (90 + 60 + 120) / 3 = 90 min.
    assert_eq!(k.mean_time_to_arrive_min, Some(90.0));
    assert_eq!(k.mean_on_site_resolution_min, Some(90.0));
    assert_eq!((k.sla_response.met, k.sla_response.missed), (1, 1));
    assert_eq!(k.sla_response.rate_pct, Some(50.0));
    assert_eq!((k.sla_resolution.met, k.sla_resolution.missed), (2, 0));
    // A and B fixed first time; C needed a second visit: 2 of 3.
    assert_eq!(k.first_time_fixes, 2);
    assert_eq!(k.first_time_fix_rate_pct, Some(66.67));
    assert_eq!((k.completed, k.open, k.cancelled), (4, 1, 1));
    assert_eq!(r.previous.faults, 1);
    assert_eq!(r.previous.mean_time_to_arrive_min, Some(30.0));
    assert_eq!(r.change["faults"], Some(3.0));
    assert_eq!(r.change["mean_time_to_arrive_min"], Some(60.0));
    let csv = String::from_utf8(to_csv(&r).unwrap()).unwrap();
    assert!(csv.starts_with("customer,metric,2026-11,2026-10,change\n"));
    assert!(csv.contains("acme,faults,4,1,3\n"), "{csv}");
}

#[test]
fn months_parse_and_wrap() {
    assert!(Month::parse("2026-13").is_err());
    assert!(Month::parse("26-01").is_err());
    assert!(Month::parse("junk").is_err());
    let jan = Month::parse("2026-01").unwrap();
    assert_eq!(jan.previous().label(), "2025-12");
    let (from, to) = Month::parse("2026-11").unwrap().range_ms();
    assert_eq!(from, nov(1, 0));
    assert_eq!(to - from, 30 * 24 * 60 * MIN);
}
