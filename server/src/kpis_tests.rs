//! KPI figures on a small hand-made month, expected values worked out by hand.

use super::*;
use fieldsync::model::feedback::ComplaintClosure;

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
    // Complaints: A has one closed on time and one still inside its due time (pending); B
    // one closed after its due time (missed); the cancelled E's complaint is not counted.
    a.complaints = vec![
        complaint(nov(4, 9), nov(7, 9), Some(nov(5, 9))),
        complaint(nov(27, 9), nov(32, 9), None),
    ];
    b.complaints = vec![complaint(nov(11, 9), nov(14, 9), Some(nov(20, 9)))];
    e.complaints = vec![complaint(nov(22, 9), nov(25, 9), None)];
    // Return-visit scores: 5; 2 and 4; 4 on the inspection.
    a.scores = vec![5];
    b.scores = vec![2, 4];
    let f = Sample {
        scores: vec![4],
        engineers: vec!["Li Wei".into()],
        ..f
    };
    a.engineers = vec!["Li Wei".into()];
    b.engineers = vec!["Li Wei".into(), "Zhang Min".into()];
    c.engineers = vec!["Zhang Min".into()];
    vec![a, b, c, d, e, f, g]
}

fn complaint(received: TimestampMs, due: TimestampMs, closed: Option<TimestampMs>) -> Complaint {
    Complaint {
        id: format!("c{received}"),
        reason: "late".into(),
        by: "sup".into(),
        recorded_at_ms: received,
        received_at_ms: received,
        due_ms: due,
        closed: closed.map(|at_ms| ComplaintClosure {
            outcome: "resolved".into(),
            note: "called back".into(),
            by: "sup".into(),
            at_ms,
        }),
    }
}

#[test]
fn month_figures_by_hand() {
    let now = nov(30, 12);
    let r = report(
        "acme",
        &samples(),
        Period::parse("2026-11").unwrap(),
        now,
        false,
    );
    let k = &r.current;
    assert_eq!(k.period, "2026-11");
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
    // Complaints: 3 on live work orders; A and B complained about: 2 of 5 work orders.
    assert_eq!(k.complaints, 3);
    assert_eq!(k.complaint_rate_pct, Some(40.0));
    // One on time, one late, one pending (due 2 December, now 30 November): 1 of 2.
    let cr = &k.complaint_resolution;
    assert_eq!((cr.met, cr.missed, cr.pending), (1, 1, 1));
    assert_eq!(cr.rate_pct, Some(50.0));
    // Scores 5, 2, 4, 4: mean 3.75; three of four are 4 or 5.
    assert_eq!(k.satisfaction_scores, 4);
    assert_eq!(k.mean_satisfaction, Some(3.75));
    assert_eq!(k.customer_satisfaction_pct, Some(75.0));
    assert_eq!(r.previous.customer_satisfaction_pct, None);
    assert_eq!(r.change["complaints"], Some(3.0));
    // By engineer: Li Wei has A, B, F (faults A and B, both first-time fixes, on site 90 and
    // 60 min, complaints 2 + 1); Zhang Min has B and C (C needed a second visit).
    let li = &k.by_engineer["Li Wei"];
    assert_eq!((li.work_orders, li.faults, li.completed), (3, 2, 3));
    assert_eq!(li.first_time_fix_rate_pct, Some(100.0));
    assert_eq!(li.mean_on_site_resolution_min, Some(75.0));
    assert_eq!(li.complaints, 3);
    let zhang = &k.by_engineer["Zhang Min"];
    assert_eq!(
        (zhang.work_orders, zhang.faults, zhang.completed),
        (2, 2, 2)
    );
    assert_eq!(zhang.first_time_fix_rate_pct, Some(50.0));
    assert_eq!(zhang.mean_on_site_resolution_min, Some(90.0));
    assert_eq!(k.by_engineer.len(), 2, "D has nobody assigned");
    // The trend: six months, oldest first, ending with this one.
    let labels: Vec<&str> = r.trend.iter().map(|t| t.period.as_str()).collect();
    assert_eq!(
        labels,
        [
            "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"
        ]
    );
    assert_eq!(r.trend[4].faults, 1);
    let csv = String::from_utf8(to_csv(&r).unwrap()).unwrap();
    assert!(
        csv.starts_with("customer,metric,2026-11,2026-10,2026-09,2026-08,2026-07,2026-06,change\n"),
        "{csv}"
    );
    assert!(csv.contains("acme,faults,4,1,0,0,0,0,3\n"), "{csv}");
    assert!(
        csv.contains("acme,customer_satisfaction_pct,75,,,,,,\n"),
        "{csv}"
    );
}

#[test]
fn quarter_figures_by_hand() {
    let r = report(
        "acme",
        &samples(),
        Period::parse("2026-Q4").unwrap(),
        nov(30, 12),
        false,
    );
    assert_eq!(r.period_kind, "quarter");
    let k = &r.current;
    assert_eq!(k.period, "2026-Q4");
    // October's G joins A B C D: five faults, arrivals 60, 180, 30, 30 → 75 min.
    assert_eq!(k.faults, 5);
    assert_eq!(k.faults_by_category["network"].count, 2);
    assert_eq!(k.mean_time_to_arrive_min, Some(75.0));
    // A, B, G fixed first time out of A, B, C, G.
    assert_eq!(k.first_time_fix_rate_pct, Some(75.0));
    assert_eq!(r.previous.period, "2026-Q3");
    assert_eq!(r.previous.faults, 0);
    assert_eq!(r.change["faults"], Some(5.0));
    assert_eq!(r.trend.len(), TREND_PERIODS);
    assert_eq!(r.trend[0].period, "2025-Q3");
}

#[test]
fn periods_parse_and_wrap() {
    for bad in [
        "2026-13", "26-01", "junk", "2026-Q5", "2026-Q0", "2026-Q12", "2026-1",
    ] {
        assert!(Period::parse(bad).is_err(), "{bad}");
    }
    let jan = Period::parse("2026-01").unwrap();
    assert_eq!(jan.previous().label(), "2025-12");
    assert_eq!(jan.shift(-13).label(), "2024-12");
    let (from, to) = Period::parse("2026-11").unwrap().range_ms();
    assert_eq!(from, nov(1, 0));
    assert_eq!(to - from, 30 * 24 * 60 * MIN);
    let q1 = Period::parse("2026-Q1").unwrap();
    assert_eq!(q1.previous().label(), "2025-Q4");
    let q4 = Period::parse("2026-q4").unwrap();
    // October 1 to January 1: 31 + 30 + 31 days.
    let (from, to) = q4.range_ms();
    assert_eq!(from, nov(1, 0) - 31 * 24 * 60 * MIN);
    assert_eq!(to - from, 92 * 24 * 60 * MIN);
    let months: Vec<String> = q4.months().into_iter().map(Period::label).collect();
    assert_eq!(months, ["2026-10", "2026-11", "2026-12"]);
    assert_eq!(Period::quarter_of(nov(15, 0)), q4);
    assert_eq!(Period::month_of(nov(15, 0)).label(), "2026-11");
}
