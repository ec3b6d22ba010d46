//! The KPIs' SLA verdicts and business times are the SLA engine's: the worked example of a
//! hold on a 5×8 calendar, and a property test over random timelines, calendars, holidays and
//! make-up days checking that the KPI's met / missed / pending is the engine's for every work
//! order.

use super::*;
use chrono::{NaiveDate, TimeZone};
use fieldsync::sla::{
    BusinessHours, Calendar, CompiledContract, Contract, PriorityMatrix, ResponseOn, SlaEvent,
    SlaSubject, Target,
};
use proptest::prelude::*;

const MIN: i64 = 60_000;
const SHANGHAI: &str = "Asia/Shanghai";

fn local(tz: &str, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> TimestampMs {
    let tz: chrono_tz::Tz = tz.parse().unwrap();
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .unwrap()
        .timestamp_millis()
}

fn contract(calendar: Calendar, response_min: i64, resolution_min: i64) -> CompiledContract {
    contract_with(
        calendar,
        None,
        ResponseOn::OnSite,
        response_min,
        resolution_min,
    )
}

fn contract_with(
    calendar: Calendar,
    phone_calendar: Option<Calendar>,
    response_on: ResponseOn,
    response_min: i64,
    resolution_min: i64,
) -> CompiledContract {
    Contract {
        customer_id: "acme".into(),
        name: String::new(),
        calendar,
        phone_calendar,
        targets: [(
            "P2".to_owned(),
            Target {
                response_minutes: response_min,
                resolution_minutes: resolution_min,
                response_on,
            },
        )]
        .into(),
        category_resolution_minutes: Default::default(),
        matrix: PriorityMatrix::default(),
        at_risk_percent: 25,
        clock_tolerance_minutes: 10,
    }
    .compile()
    .unwrap()
}

fn ev(n: usize, kind: &str, at_ms: TimestampMs) -> SlaEvent {
    SlaEvent {
        id: format!("e{n:02}"),
        kind: kind.into(),
        at_ms,
        received_at_ms: Some(at_ms),
    }
}

#[test]
fn a_hold_on_a_five_by_eight_calendar_is_measured_like_the_dispatch_board() {
    // Opened Monday 2 November 2026 15:00 (Shanghai), on site 15:20, on hold 15:30–16:30,
    // completed Tuesday 09:30; 5×8 (09:00–17:00), response 60 min, resolution 120 min.
    let c = contract(Calendar::five_by_eight(SHANGHAI), 60, 120);
    let t = |d, h, m| local(SHANGHAI, 2026, 11, d, h, m);
    let subject = SlaSubject {
        opened_at_ms: t(2, 15, 0),
        priority: Some("P2"),
        category: Some("software"),
        events: vec![
            ev(1, "on_site", t(2, 15, 20)),
            ev(2, "on_hold", t(2, 15, 30)),
            ev(3, "resumed", t(2, 16, 30)),
            ev(4, "completed", t(3, 9, 30)),
        ],
    };
    let now = t(30, 12, 0);
    // Resolution by hand: Monday 15:00–17:00 is 120 business min, less the 60 on hold = 60;
    // Tuesday 09:00–09:30 adds 30: 90 of 120 used → met (due Tuesday 10:00). The old KPI
    // formula (completion − 60 wall-clock min of hold = Tuesday 08:30, against the unpaused
    // due time Monday 17:00) said missed.
    let engine = c.evaluate(&subject, now).unwrap().unwrap();
    assert_eq!(engine.resolution.state, SlaState::Met);
    assert_eq!(engine.resolution.due_ms, t(3, 10, 0));
    let sample = Sample {
        kind: "incident".into(),
        category: Some("software".into()),
        status: "completed".into(),
        created_at_ms: t(2, 15, 0),
        first_on_site_ms: Some(t(2, 15, 20)),
        completed_at_ms: Some(t(3, 9, 30)),
        on_hold_ms: 60 * MIN,
        visits: 1,
        ..Default::default()
    }
    .with_clocks(&c, &subject, now);
    let records = Records {
        work_orders: vec![sample],
        ..Default::default()
    };
    let k = compute(&records, Period::parse("2026-11").unwrap(), now);
    assert_eq!((k.sla_resolution.met, k.sla_resolution.missed), (1, 0));
    assert_eq!(k.sla_resolution.rate_pct, Some(100.0));
    // Response: on site 20 min after the call, target 60 → met.
    assert_eq!((k.sla_response.met, k.sla_response.missed), (1, 0));
    // Arrival: 20 min, wall clock and business time alike.
    assert_eq!(k.mean_time_to_arrive_min, Some(20.0));
    assert_eq!(k.mean_time_to_arrive_business_min, Some(20.0));
    // On site: wall clock Monday 15:20 → Tuesday 09:30 = 1,090 min less 60 on hold = 1,030;
    // business time 15:20–17:00 = 100 less 60 on hold = 40, plus 09:00–09:30 = 70.
    assert_eq!(k.mean_on_site_resolution_min, Some(1030.0));
    assert_eq!(k.mean_on_site_resolution_business_min, Some(70.0));
}

#[test]
fn without_a_contract_nothing_is_measured() {
    let s = Sample {
        kind: "incident".into(),
        status: "new".into(),
        created_at_ms: local("UTC", 2026, 11, 2, 9, 0),
        ..Default::default()
    };
    let records = Records {
        work_orders: vec![s],
        ..Default::default()
    };
    let k = compute(&records, Period::parse("2026-11").unwrap(), 0);
    assert_eq!(k.sla_response, Compliance::default());
    assert_eq!(k.mean_time_to_arrive_business_min, None);
}

const KINDS: [&str; 8] = [
    "accepted",
    "en_route",
    "on_site",
    "on_hold",
    "resumed",
    "completed",
    "reopened",
    "cancelled",
];
const ZONES: [&str; 4] = ["Asia/Shanghai", "Europe/Berlin", "UTC", "America/New_York"];

prop_compose! {
    /// A 5×8-like calendar with random days and hours, or 7×24; random holidays and make-up
    /// days in September–November 2026.
    fn calendars()(
        zone in 0..ZONES.len(),
        always in any::<bool>(),
        days in 1u8..128,
        start_h in 0u32..20,
        len_h in 1u32..5,
        holidays in proptest::collection::vec(0u64..90, 0..12),
        working in proptest::collection::vec(0u64..90, 0..6),
    ) -> Calendar {
        let base = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let date = |d: u64| base + chrono::Days::new(d);
        let weekdays = [
            chrono::Weekday::Mon, chrono::Weekday::Tue, chrono::Weekday::Wed,
            chrono::Weekday::Thu, chrono::Weekday::Fri, chrono::Weekday::Sat,
            chrono::Weekday::Sun,
        ];
        let holidays: Vec<NaiveDate> = holidays.into_iter().map(date).collect();
        Calendar {
            time_zone: ZONES[zone].into(),
            hours: (!always).then(|| BusinessHours {
                days: (0..7).filter(|i| days & (1 << i) != 0).map(|i| weekdays[i]).collect(),
                start: format!("{start_h:02}:00"),
                end: format!("{:02}:30", start_h + len_h),
            }),
            working_days: working
                .into_iter()
                .map(date)
                .filter(|d| !holidays.contains(d))
                .collect(),
            holidays,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// For every work order: the KPI's verdict is the engine's, and the business times are the
    /// engine's too.
    #[test]
    fn sla_verdicts_are_the_engines(
        calendar in calendars(),
        phone in proptest::option::of(calendars()),
        remote in any::<bool>(),
        response_min in 1i64..600,
        resolution_min in 1i64..3000,
        opened_min in 0i64..(20 * 24 * 60),
        steps in proptest::collection::vec((0..KINDS.len(), 0i64..2000), 0..9),
        later_min in 0i64..(30 * 24 * 60),
    ) {
        let on = if remote { ResponseOn::Accepted } else { ResponseOn::OnSite };
        let c = contract_with(calendar, phone, on, response_min, resolution_min);
        // Opened 5–25 October 2026: in October in every zone.
        let opened = local("UTC", 2026, 10, 5, 0, 0) + opened_min * MIN;
        let mut at = opened;
        let mut events = Vec::new();
        for (n, (kind, gap)) in steps.iter().enumerate() {
            at += gap * MIN;
            events.push(ev(n, KINDS[*kind], at));
        }
        let now = at + later_min * MIN;
        let cancelled = events.iter().any(|e| e.kind == "cancelled");
        let subject = SlaSubject {
            opened_at_ms: opened,
            priority: Some("P2"),
            category: None,
            events,
        };
        let sample = Sample {
            kind: "incident".into(),
            status: if cancelled { "cancelled" } else { "new" }.into(),
            created_at_ms: opened,
            ..Default::default()
        }
        .with_clocks(&c, &subject, now);
        let records = Records { work_orders: vec![sample], ..Default::default() };
        let k = compute(&records, Period::parse("2026-10").unwrap(), now);
        let verdict = |cl: &Compliance| (cl.met, cl.missed, cl.pending);
        let engine = c.evaluate(&subject, now).unwrap();
        let expect = |s: Option<SlaState>| match s {
            None => (0, 0, 0),
            Some(SlaState::Met) => (1, 0, 0),
            Some(SlaState::Breached) => (0, 1, 0),
            Some(SlaState::OnTrack | SlaState::AtRisk) => (0, 0, 1),
        };
        prop_assert_eq!(
            verdict(&k.sla_response),
            expect(engine.as_ref().map(|r| r.response.state))
        );
        prop_assert_eq!(
            verdict(&k.sla_resolution),
            expect(engine.as_ref().map(|r| r.resolution.state))
        );
        let times = c.business_times(&subject, now).unwrap();
        let min = |ms: Option<i64>| ms.map(|v| (v as f64 / 60_000.0 * 100.0).round() / 100.0);
        prop_assert_eq!(
            k.mean_time_to_arrive_business_min,
            if cancelled { None } else { min(times.arrive_ms) }
        );
        // When the response clock stops on site, its business time used is the arrival's.
        if let (Some(r), Some(arrive)) = (&engine, times.arrive_ms)
            && r.response.stopped_at_ms.is_some()
            && !remote
        {
            prop_assert_eq!(r.response.elapsed_ms, arrive);
        }
    }
}
