//! KPI figures on a small hand-made month, expected values worked out by hand.

use super::*;
use fieldsync::model::feedback::ComplaintClosure;

/// The customer's CSV in English: the figures the tests read back.
pub(super) fn to_csv(r: &KpiReport) -> Result<Vec<u8>, csv::Error> {
    crate::report::summary::csv::to_csv(r, fieldsync_i18n::Lang::En)
}

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

pub(super) fn samples() -> Vec<Sample> {
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
    //    The verdicts are the SLA engine's (`Sample::with_clocks`, tested against the engine
    //    in `sla_verdicts_are_the_engines`); here they are what it says for these times on a
    //    7×24 contract.
    let mut a = done(incident("network", nov(3, 9)), 60, 90, 0);
    a.sla_response = Some(SlaState::Met);
    a.sla_resolution = Some(SlaState::Met);
    // B: hardware, arrives in 180 min (response target 120 → missed), 60 min on site plus a
    //    30-minute hold (the clock pauses); resolution target 240 min, completed 270 min after
    //    the call with 30 min paused = 240 min used → met.
    let mut b = done(incident("hardware", nov(10, 9)), 180, 60, 30);
    b.sla_response = Some(SlaState::Breached);
    b.sla_resolution = Some(SlaState::Met);
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
    // Resolved without a visit (no `on_site` event), nobody assigned:
    // H: network, solved on the phone 30 min after the call, no outcome given (the app's
    //    Complete button sets none): a phone resolution, not a first-time fix ("fixed" only).
    let remote = |mut s: Sample, done_min: i64, outcome: Option<&str>| {
        s.completed_at_ms = Some(s.created_at_ms + done_min * MIN);
        s.status = "completed".into();
        s.outcome = outcome.map(Into::into);
        s
    };
    let mut h = remote(incident("network", nov(3, 10)), 30, None);
    // I: software, no `on_site` event but the customer signed (signatures are taken on site):
    //    not a phone resolution; fixed, one visit at most, never sent back: a first-time fix.
    let mut i = remote(incident("software", nov(18, 9)), 60, Some("fixed"));
    i.signed = true;
    // K: security, closed without a visit as not fixed: not resolved, so not by phone.
    let k = remote(incident("security", nov(19, 9)), 45, Some("not_fixed"));
    // Devices: the core switch had A (9:00–11:30 on the 3rd) and H (10:00–10:30, inside A)
    // and C (2.5 h on the 12th); the printer B (4.5 h) and C; the server the open D; the
    // cancelled E does not count; October's G had the printer for 1 h.
    let (switch, printer, server) = ("SW-CORE-01 (switch)", "PRN-07 (printer)", "SRV-01");
    a.devices = vec![switch.into()];
    h.devices = vec![switch.into()];
    b.devices = vec![printer.into()];
    c.devices = vec![printer.into(), switch.into()];
    let d = Sample {
        devices: vec![server.into()],
        ..d
    };
    e.devices = vec![server.into()];
    let g = Sample {
        devices: vec![printer.into()],
        ..g
    };
    // Recorded outages (the switch went down at 8:40 before A's call; H recorded the same
    // outage from the phone with an earlier restore; the printer's C outage was merged from
    // two concurrent corrections and ends before it starts; the inspection F found the UPS
    // down; D's server is still down; the cancelled E's outage does not count; October's G
    // had the printer down for 30 min).
    let outage = |device: &str, from: TimestampMs, to: Option<TimestampMs>| OutageSample {
        device: device.into(),
        down_from_ms: from,
        restored_at_ms: to,
    };
    let ups = "UPS-02 (ups)";
    a.outages = vec![outage(switch, nov(3, 8) + 40 * MIN, Some(nov(3, 11)))];
    h.outages = vec![outage(
        switch,
        nov(3, 8) + 40 * MIN,
        Some(nov(3, 10) + 50 * MIN),
    )];
    b.outages = vec![outage(printer, nov(10, 9), Some(nov(10, 12)))];
    c.outages = vec![outage(printer, nov(12, 12), Some(nov(12, 11)))];
    let d = Sample {
        outages: vec![outage(server, nov(20, 8) + 30 * MIN, None)],
        ..d
    };
    e.outages = vec![outage(server, nov(21, 9), Some(nov(21, 18)))];
    let f = Sample {
        outages: vec![outage(ups, nov(5, 10), Some(nov(5, 10) + 45 * MIN))],
        ..f
    };
    let g = Sample {
        outages: vec![outage(
            printer,
            nov(1, 0) - 10 * 24 * 60 * MIN,
            Some(nov(1, 0) - 10 * 24 * 60 * MIN + 30 * MIN),
        )],
        ..g
    };
    vec![a, b, c, d, e, f, g, h, i, k]
}

/// Occurrences of the customer's inspection plans (window 09:00–12:00 unless said), now being
/// 30 November 12:00.
pub(super) fn planned() -> Vec<PlannedInspection> {
    let occ =
        |start: TimestampMs, status: Option<&str>, done: Option<TimestampMs>| PlannedInspection {
            start_ms: start,
            end_ms: start + 3 * 60 * MIN,
            status: status.map(Into::into),
            completed_at_ms: done,
            ..Default::default()
        };
    vec![
        // 4 Nov done at 11:00: on time.
        occ(nov(4, 9), Some("approved"), Some(nov(4, 11))),
        // 11 Nov done at 14:00, after the window: late.
        occ(nov(11, 9), Some("completed"), Some(nov(11, 14))),
        // 18 Nov assigned, never done, window over: missed.
        occ(nov(18, 9), Some("assigned"), None),
        // 2 Nov with no work order projected at all, window over: missed.
        occ(nov(2, 9), None, None),
        // 25 Nov cancelled by a plan edit: not planned any more.
        occ(nov(25, 9), Some("cancelled"), None),
        // 30 Nov 14:00–17:00, not started yet: open.
        occ(nov(30, 14), Some("new"), None),
        // October, done on time; 2 December, open (counts in the quarter only).
        occ(
            nov(1, 9) - 7 * 24 * 60 * MIN,
            Some("completed"),
            Some(nov(1, 10) - 7 * 24 * 60 * MIN),
        ),
        occ(nov(32, 9), Some("new"), None),
    ]
}

fn records() -> Records {
    Records {
        work_orders: samples(),
        inspections: Some(planned()),
        truncated: false,
        time_zone: None,
        fleet: None,
        sites: Default::default(),
        contract: None,
    }
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
    let r = report("acme", &records(), Period::parse("2026-11").unwrap(), now);
    let k = &r.current;
    assert_eq!(k.period, "2026-11");
    assert_eq!(k.work_orders, 8); // A B C D F H I K
    assert_eq!(k.faults, 7); // A B C D H I K
    assert_eq!(k.faults_by_category["network"].count, 2); // A H
    assert_eq!(k.faults_by_category["hardware"].count, 2); // B C
    // Each category's share of all faults (called `rate_pct` before, which is the fault rate
    // now: faults ÷ devices, `fault_rates_by_hand`): 2 of 7 = 28.571…; 1 of 7 = 14.285…
    assert_eq!(k.faults_by_category["hardware"].share_pct, Some(28.57));
    assert_eq!(k.faults_by_category["security"].share_pct, Some(14.29));
    assert_eq!(k.faults_by_category["other"].share_pct, Some(0.0));
    // No CMDB count in these records: no fault rate.
    assert_eq!(k.faults_by_category["hardware"].rate_pct, None);
    // Arrival: (60 + 180 + 30) / 3 = 90 min. On site: (90 + 60 + 120) / 3 = 90 min. H, I and
    // K were never on site and count in neither.
    assert_eq!(k.mean_time_to_arrive_min, Some(90.0));
    assert_eq!(k.mean_on_site_resolution_min, Some(90.0));
    assert_eq!((k.sla_response.met, k.sla_response.missed), (1, 1));
    assert_eq!(k.sla_response.rate_pct, Some(50.0));
    assert_eq!((k.sla_resolution.met, k.sla_resolution.missed), (2, 0));
    // Completed faults: A B C H I K. Fixed first time: A, B and I; C needed a second visit,
    // H has no outcome, K was not fixed: 3 of 6.
    assert_eq!(k.first_time_fixes, 3);
    assert_eq!(k.first_time_fix_rate_pct, Some(50.0));
    // Completed: the six faults and the inspection F.
    assert_eq!((k.completed, k.open, k.cancelled), (7, 1, 1));
    assert_eq!(r.previous.faults, 1);
    assert_eq!(r.previous.mean_time_to_arrive_min, Some(30.0));
    assert_eq!(r.change["faults"], Some(6.0));
    assert_eq!(r.change["mean_time_to_arrive_min"], Some(60.0));
    // Complaints: 3 on live work orders; A and B complained about: 2 of 8 work orders.
    assert_eq!(k.complaints, 3);
    assert_eq!(k.complaint_rate_pct, Some(25.0));
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
        csv.starts_with(
            "\u{feff}Figure,Customer,Code,November 2026,October 2026,September 2026,\
             August 2026,July 2026,June 2026,Change\n"
        ),
        "{csv}"
    );
    assert!(csv.contains("acme,faults,7,1,0,0,0,0,6\n"), "{csv}");
    assert!(
        csv.contains("acme,customer_satisfaction_pct,75,,,,,,\n"),
        "{csv}"
    );
}

#[test]
fn phone_resolution_by_hand() {
    let r = report(
        "acme",
        &records(),
        Period::parse("2026-11").unwrap(),
        nov(30, 12),
    );
    let k = &r.current;
    // Completed faults A B C H I K; only H was resolved without a visit (I was signed for on
    // site, K not fixed): 1 of 6 = 16.666…
    assert_eq!(k.phone_resolutions, 1);
    assert_eq!(k.phone_resolution_rate_pct, Some(16.67));
    // October: G had a visit: 0 of 1. Earlier months have no completed faults: no rate.
    assert_eq!(r.previous.phone_resolution_rate_pct, Some(0.0));
    assert_eq!(r.change["phone_resolution_rate_pct"], Some(16.67));
    assert_eq!(r.trend[3].phone_resolution_rate_pct, None);
    let csv = String::from_utf8(to_csv(&r).unwrap()).unwrap();
    assert!(
        csv.contains("acme,phone_resolution_rate_pct,16.67,0,,,,,16.67\n"),
        "{csv}"
    );
}

#[test]
fn inspection_adherence_by_hand() {
    let r = report(
        "acme",
        &records(),
        Period::parse("2026-11").unwrap(),
        nov(30, 12),
    );
    // November: on time 4th; late 11th; missed 18th and 2nd; open 30th; cancelled 25th.
    let i = r.current.inspections.as_ref().unwrap();
    assert_eq!(
        (
            i.planned,
            i.done_on_time,
            i.late,
            i.missed,
            i.open,
            i.cancelled
        ),
        (5, 1, 1, 2, 1, 1)
    );
    // 1 on time of the 4 decided (the open one does not count yet) = 25 %.
    assert_eq!(i.adherence_pct, Some(25.0));
    // October: one planned, on time: 100 %. Change 25 − 100 = −75.
    let prev = r.previous.inspections.as_ref().unwrap();
    assert_eq!((prev.planned, prev.adherence_pct), (1, Some(100.0)));
    assert_eq!(r.change["inspection_adherence_pct"], Some(-75.0));
    assert_eq!(r.change["inspections_missed"], Some(2.0));
    let csv = String::from_utf8(to_csv(&r).unwrap()).unwrap();
    assert!(
        csv.contains("acme,inspections_planned,5,1,0,0,0,0,4\n"),
        "{csv}"
    );
    assert!(
        csv.contains("acme,inspection_adherence_pct,25,100,,,,,-75\n"),
        "{csv}"
    );
    // Later, once the 30th's window is over without a visit, it is missed: 1 of 5 = 20 %.
    let later = report(
        "acme",
        &records(),
        Period::parse("2026-11").unwrap(),
        nov(31, 0),
    );
    let i = later.current.inspections.unwrap();
    assert_eq!((i.missed, i.open, i.adherence_pct), (3, 0, Some(20.0)));
    // A database without plans: no figures rather than zeros.
    let none = Records {
        inspections: None,
        ..records()
    };
    let r = report(
        "acme",
        &none,
        Period::parse("2026-11").unwrap(),
        nov(30, 12),
    );
    assert_eq!(r.current.inspections, None);
    assert_eq!(r.change["inspections_planned"], None);
}

#[test]
fn device_fault_time_by_hand() {
    let r = report(
        "acme",
        &records(),
        Period::parse("2026-11").unwrap(),
        nov(30, 12),
    );
    let d = &r.current.device_faults;
    // Faults with a device: A B C D H (E is cancelled; I and K have none).
    assert_eq!((d.faults, d.devices), (5, 3));
    // Switch: A 9:00–11:30 with H 10:00–10:30 inside it → 2.5 h, plus C 2.5 h = 5 h.
    let switch = &d.by_device["SW-CORE-01 (switch)"];
    assert_eq!((switch.faults, switch.still_open), (3, 0));
    assert_eq!(switch.fault_hours, 5.0);
    // Printer: B 4.5 h (created → completed, the 30-minute hold included) + C 2.5 h = 7 h.
    assert_eq!(d.by_device["PRN-07 (printer)"].fault_hours, 7.0);
    // Server: D is still open: counted, no time.
    let server = &d.by_device["SRV-01"];
    assert_eq!(
        (server.faults, server.still_open, server.fault_hours),
        (1, 1, 0.0)
    );
    assert_eq!(d.fault_hours, Some(12.0));
    // October: G on the printer for 1 h. Change 12 − 1 = 11.
    assert_eq!(r.previous.device_faults.fault_hours, Some(1.0));
    assert_eq!(r.change["device_fault_hours"], Some(11.0));
    assert_eq!(r.change["device_faults"], Some(4.0));
    // September: no fault on a device: no figure.
    assert_eq!(r.trend[3].device_faults.fault_hours, None);
    let csv = String::from_utf8(to_csv(&r).unwrap()).unwrap();
    assert!(
        csv.contains("acme,device_fault_hours,12,1,,,,,11\n"),
        "{csv}"
    );
}

#[test]
fn device_downtime_by_hand() {
    let r = report(
        "acme",
        &records(),
        Period::parse("2026-11").unwrap(),
        nov(30, 12),
    );
    let d = &r.current.device_downtime;
    // Outages on A H B C D F (E is cancelled; G is October's).
    assert_eq!((d.outages, d.still_down, d.devices), (6, 1, 4));
    // Switch: A 8:40–11:00 and H 8:40–10:50 are one outage seen twice → 2 h 20 min.
    let switch = &d.by_device["SW-CORE-01 (switch)"];
    assert_eq!((switch.outages, switch.still_down), (2, 0));
    assert_eq!(switch.downtime_hours, 2.33);
    // Printer: B 3 h; C's merged record ends before it starts and counts zero.
    let printer = &d.by_device["PRN-07 (printer)"];
    assert_eq!((printer.outages, printer.downtime_hours), (2, 3.0));
    // Server: D is still down: counted, no downtime hours yet; down so far from Nov 20
    // 08:30 to the report's Nov 30 12:00 = 10 days 3.5 h = 243.5 h, apart from the total.
    let server = &d.by_device["SRV-01"];
    assert_eq!(
        (server.outages, server.still_down, server.downtime_hours),
        (1, 1, 0.0)
    );
    assert_eq!(server.down_so_far_hours, 243.5);
    assert_eq!(d.down_so_far_hours, Some(243.5));
    assert_eq!(switch.down_so_far_hours, 0.0);
    // The inspection F found the UPS down for 45 min: downtime is not only for faults.
    assert_eq!(d.by_device["UPS-02 (ups)"].downtime_hours, 0.75);
    // 2.33 + 3 + 0 + 0.75.
    assert_eq!(d.downtime_hours, Some(6.08));
    // Downtime is at most the fault time where both are known: the switch's faults were
    // open 5 h, the printer's 7 h.
    assert!(
        switch.downtime_hours
            <= r.current.device_faults.by_device["SW-CORE-01 (switch)"].fault_hours
    );
    // October: G's 30 min on the printer.
    assert_eq!(r.previous.device_downtime.downtime_hours, Some(0.5));
    assert_eq!(r.change["device_downtime_hours"], Some(5.58));
    assert_eq!(r.change["device_outages"], Some(5.0));
    // September: nothing recorded: no figure, not zero.
    assert_eq!(r.trend[3].device_downtime.downtime_hours, None);
    assert_eq!(
        r.previous.device_downtime.down_so_far_hours, None,
        "all restored"
    );
    let csv = String::from_utf8(to_csv(&r).unwrap()).unwrap();
    assert!(
        csv.contains("acme,device_downtime_hours,6.08,0.5,"),
        "{csv}"
    );
}

#[test]
fn quarter_figures_by_hand() {
    let r = report(
        "acme",
        &records(),
        Period::parse("2026-Q4").unwrap(),
        nov(30, 12),
    );
    assert_eq!(r.period_kind, "quarter");
    let k = &r.current;
    assert_eq!(k.period, "2026-Q4");
    // October's G joins A B C D H I K: eight faults, arrivals 60, 180, 30, 30 → 75 min.
    assert_eq!(k.faults, 8);
    assert_eq!(k.faults_by_category["network"].count, 3); // A H G
    assert_eq!(k.mean_time_to_arrive_min, Some(75.0));
    // A, B, G, I fixed first time out of A, B, C, G, H, I, K: 4 of 7 = 57.142…
    assert_eq!(k.first_time_fix_rate_pct, Some(57.14));
    // H by phone, 1 of 7 = 14.285…
    assert_eq!(k.phone_resolution_rate_pct, Some(14.29));
    // Printer: B 4.5 h + C 2.5 h + G 1 h = 8 h; switch 5 h; server 0: 13 h.
    assert_eq!(
        k.device_faults.by_device["PRN-07 (printer)"].fault_hours,
        8.0
    );
    assert_eq!(k.device_faults.fault_hours, Some(13.0));
    // Inspections: October's one on time, November's five, December's open one.
    let i = k.inspections.as_ref().unwrap();
    assert_eq!(
        (
            i.planned,
            i.done_on_time,
            i.late,
            i.missed,
            i.open,
            i.cancelled
        ),
        (7, 2, 1, 2, 2, 1)
    );
    assert_eq!(i.adherence_pct, Some(40.0)); // 2 of 5 decided
    assert_eq!(r.previous.period, "2026-Q3");
    assert_eq!(r.previous.faults, 0);
    assert_eq!(r.change["faults"], Some(8.0));
    assert_eq!(
        r.change["inspection_adherence_pct"], None,
        "Q3 had none planned"
    );
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

/// Findings on checks, by hand: a November patrol with two failed items (one followed up)
/// and one passed, a cancelled patrol with a failure (left out), and an October patrol with a
/// failure (another month). Read through the same path as stored work orders.
#[test]
fn findings_on_checks_by_hand() {
    use fieldsync::model::{self, CheckAnswer, ChecklistItem, NewWorkOrder, WorkOrder};
    let patrol = |when: TimestampMs, cancelled: bool| -> Sample {
        let mut doc = automerge::AutoCommit::new();
        let item = |label: &str, kind: &str| ChecklistItem {
            label: label.into(),
            kind: kind.into(),
            min: Some(0.0),
            max: Some(80.0),
            ..Default::default()
        };
        let new = NewWorkOrder {
            kind: "inspection".into(),
            title: "Weekly round".into(),
            scheduled_start_ms: Some(when),
            scheduled_end_ms: Some(when + 3_600_000),
            checklist: vec![
                ("fans".into(), item("Fans", "pass_fail")),
                ("ups".into(), item("UPS load", "reading")),
                ("temp".into(), item("Temperature", "pass_fail")),
            ],
            ..Default::default()
        };
        let id = fieldsync::DocId::new();
        model::create_work_order(&mut doc, id, &new, "disp", when).unwrap();
        let answer = |doc: &mut automerge::AutoCommit, item: &str, a: CheckAnswer| {
            model::answer_checklist_item(doc, item, &a, None, "eng", when).unwrap()
        };
        answer(&mut doc, "fans", CheckAnswer::PassFail("fail".into()));
        answer(&mut doc, "ups", CheckAnswer::Reading(93.5));
        answer(&mut doc, "temp", CheckAnswer::PassFail("pass".into()));
        model::set_check_follow_up(&mut doc, "fans", fieldsync::DocId::new(), when).unwrap();
        let mut s =
            Sample::from_work_order(&WorkOrder::from_doc(&doc).unwrap(), &Default::default());
        if cancelled {
            s.status = "cancelled".into();
        }
        s
    };
    let records = Records {
        work_orders: vec![
            patrol(nov(4, 1), false),
            patrol(nov(11, 1), true),
            patrol(nov(-20, 1), false),
        ],
        ..Default::default()
    };
    let r = report(
        "acme",
        &records,
        Period::parse("2026-11").unwrap(),
        nov(30, 0),
    );
    // November: 2 findings (fans failed, UPS 93.5 > 80), 1 with a follow-up; the cancelled
    // patrol and October's are not counted; the passed check is not a finding.
    assert_eq!((r.current.findings, r.current.findings_followed_up), (2, 1));
    assert_eq!(
        (r.previous.findings, r.previous.findings_followed_up),
        (2, 1)
    );
    let csv = String::from_utf8(to_csv(&r).unwrap()).unwrap();
    assert!(csv.contains("acme,findings,2,2,0,0,0,0,0\n"), "{csv}");
}
