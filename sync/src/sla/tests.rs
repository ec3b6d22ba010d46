//! Table tests with fixed clocks (issue 5): Friday 16:30 + 2 h under 5×8 is Monday 10:30;
//! holidays skip; holds pause; a late sync counts arrival at device time; 7×24 is wall time;
//! DST changes keep local business hours.

use super::*;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

const BERLIN: &str = "Europe/Berlin";
const MIN: i64 = 60_000;

/// Local wall time in `tz` → epoch ms.
fn at(tz: &str, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    let tz: Tz = tz.parse().unwrap();
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .unwrap()
        .timestamp_millis()
}

fn ev(id: &str, kind: &str, at_ms: i64, received: Option<i64>) -> SlaEvent {
    SlaEvent {
        id: id.into(),
        kind: kind.into(),
        at_ms,
        received_at_ms: received,
    }
}

fn contract(calendar: Calendar, response_min: i64, resolution_min: i64) -> CompiledContract {
    Contract {
        customer_id: "c".into(),
        name: String::new(),
        calendar,
        phone_calendar: None,
        targets: [(
            "P2".to_owned(),
            Target {
                response_minutes: response_min,
                resolution_minutes: resolution_min,
                response_on: ResponseOn::OnSite,
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

#[test]
fn business_time_arithmetic_table() {
    let five = Calendar::five_by_eight(BERLIN);
    let mut holiday = Calendar::five_by_eight(BERLIN);
    holiday.holidays = vec![NaiveDate::from_ymd_opt(2025, 3, 10).unwrap()];
    let always = Calendar::always(BERLIN);
    // (case, calendar, start, minutes, expected due)
    let cases = [
        (
            "Friday 16:30 + 2 h under 5×8 is Monday 10:30",
            &five,
            at(BERLIN, 2025, 3, 7, 16, 30),
            120,
            at(BERLIN, 2025, 3, 10, 10, 30),
        ),
        (
            "a Monday holiday skips to Tuesday 10:30",
            &holiday,
            at(BERLIN, 2025, 3, 7, 16, 30),
            120,
            at(BERLIN, 2025, 3, 11, 10, 30),
        ),
        (
            "7×24 is wall time",
            &always,
            at(BERLIN, 2025, 3, 7, 16, 30),
            120,
            at(BERLIN, 2025, 3, 7, 18, 30),
        ),
        (
            "a fault at night starts counting at 09:00",
            &five,
            at(BERLIN, 2025, 3, 5, 22, 0),
            60,
            at(BERLIN, 2025, 3, 6, 10, 0),
        ),
        (
            "ending exactly at the close stays on that day",
            &five,
            at(BERLIN, 2025, 3, 7, 15, 0),
            120,
            at(BERLIN, 2025, 3, 7, 17, 0),
        ),
        (
            "one working day (480 min) from Wednesday 11:00 is Thursday 11:00",
            &five,
            at(BERLIN, 2025, 3, 5, 11, 0),
            480,
            at(BERLIN, 2025, 3, 6, 11, 0),
        ),
        (
            "DST spring forward (30 March 2025): Friday 16:30 + 2 h is Monday 10:30 CEST",
            &five,
            at(BERLIN, 2025, 3, 28, 16, 30),
            120,
            at(BERLIN, 2025, 3, 31, 10, 30),
        ),
        (
            "DST under 7×24: Saturday 23:00 CET + 4 h is Sunday 04:00 CEST (wall clock jumps)",
            &always,
            at(BERLIN, 2025, 3, 29, 23, 0),
            240,
            at(BERLIN, 2025, 3, 30, 4, 0),
        ),
        (
            "DST fall back under 7×24: Sunday 00:00 CEST + 4 h is 03:00 CET",
            &always,
            at(BERLIN, 2025, 10, 26, 0, 0),
            240,
            at(BERLIN, 2025, 10, 26, 3, 0),
        ),
    ];
    for (case, cal, start, minutes, want) in cases {
        let c = cal.compile().unwrap();
        let got = c.add_business_minutes(start, minutes).unwrap();
        assert_eq!(got, want, "{case}");
        assert_eq!(
            c.business_minutes_between(start, got).unwrap(),
            minutes,
            "{case}: between is the inverse"
        );
    }
}

#[test]
fn business_minutes_between_counts_only_service_hours() {
    let c = Calendar::five_by_eight(BERLIN).compile().unwrap();
    // Friday 16:00 → Monday 10:00 = 60 + 60 minutes.
    let m = c
        .business_minutes_between(
            at(BERLIN, 2025, 3, 7, 16, 0),
            at(BERLIN, 2025, 3, 10, 10, 0),
        )
        .unwrap();
    assert_eq!(m, 120);
    // A whole week is 5 × 8 h, also across the DST change.
    let w = c
        .business_minutes_between(at(BERLIN, 2025, 3, 24, 0, 0), at(BERLIN, 2025, 3, 31, 0, 0))
        .unwrap();
    assert_eq!(w, 5 * 8 * 60);
    assert_eq!(c.business_ms_between(10, 5).unwrap(), 0);
}

#[test]
fn bad_configuration_is_an_error_not_a_panic() {
    let mut cal = Calendar::five_by_eight("Mars/Olympus");
    assert!(matches!(cal.compile(), Err(SlaError::Config(_))));
    cal = Calendar::five_by_eight(BERLIN);
    cal.hours.as_mut().unwrap().end = "08:00".into();
    assert!(cal.compile().is_err());
    cal.hours.as_mut().unwrap().end = "25:00".into();
    assert!(cal.compile().is_err());
    cal.hours.as_mut().unwrap().end = "17:00".into();
    cal.hours.as_mut().unwrap().days.clear();
    assert!(cal.compile().is_err());
    let mut c = Contract::demo("c", BERLIN);
    c.targets.get_mut("P1").unwrap().response_minutes = 0;
    assert!(c.compile().is_err());
    let mut c = Contract::demo("c", BERLIN);
    c.matrix.0[0][0] = "P9".into();
    assert!(c.compile().is_err());
    let ok = Contract::demo("c", BERLIN).compile().unwrap();
    assert!(
        ok.calendar
            .add_business_ms(i64::MAX - 1, 3_600_000)
            .is_err()
    );
}

#[test]
fn priority_matrix_defaults_to_the_model_and_is_configurable() {
    let m = PriorityMatrix::default();
    assert_eq!(m.priority(1, 1), Some("P1"));
    assert_eq!(m.priority(2, 2), Some("P3"));
    assert_eq!(m.priority(3, 3), Some("P4"));
    assert_eq!(m.priority(0, 3), None);
    assert_eq!(m.priority(4, 1), None);
    let mut c = Contract::demo("c", BERLIN);
    c.matrix.0[2][2] = "P3".into();
    assert_eq!(c.compile().unwrap().priority(3, 3), Some("P3"));
}

#[test]
fn an_on_hold_period_pauses_the_clock() {
    let c = contract(Calendar::five_by_eight(BERLIN), 60, 120);
    let open = at(BERLIN, 2025, 3, 3, 9, 0); // Monday
    let s = SlaSubject {
        opened_at_ms: open,
        priority: Some("P2"),
        category: None,
        events: vec![
            ev("a", "on_site", at(BERLIN, 2025, 3, 3, 9, 30), None),
            ev("b", "on_hold", at(BERLIN, 2025, 3, 3, 10, 0), None),
            ev("c", "resumed", at(BERLIN, 2025, 3, 3, 13, 0), None),
        ],
    };
    let r = c
        .evaluate(&s, at(BERLIN, 2025, 3, 3, 13, 40))
        .unwrap()
        .unwrap();
    assert_eq!(r.response.state, SlaState::Met);
    // 60 min used before the hold, 3 h paused: due at 14:00 instead of 11:00.
    assert_eq!(r.resolution.due_ms, at(BERLIN, 2025, 3, 3, 14, 0));
    assert_eq!(r.resolution.paused_ms, 180 * MIN);
    // 20 of 120 minutes left (< 25 %): at risk.
    assert_eq!(r.resolution.remaining_ms, 20 * MIN);
    assert_eq!(r.resolution.state, SlaState::AtRisk);
    assert!(!r.paused);

    // Still on hold overnight: paused, never breached while waiting on the customer.
    let mut held = s.clone();
    held.events.pop();
    let r = c
        .evaluate(&held, at(BERLIN, 2025, 3, 4, 15, 0))
        .unwrap()
        .unwrap();
    assert!(r.paused);
    assert_eq!(r.resolution.remaining_ms, 60 * MIN);
    assert_eq!(r.resolution.state, SlaState::OnTrack);
    assert_eq!(r.resolution.due_ms, at(BERLIN, 2025, 3, 4, 16, 0));
}

#[test]
fn a_late_device_sync_counts_arrival_at_device_time() {
    let c = contract(Calendar::five_by_eight(BERLIN), 120, 480);
    let open = at(BERLIN, 2025, 3, 3, 9, 0);
    let arrived = at(BERLIN, 2025, 3, 3, 10, 5);
    let synced = at(BERLIN, 2025, 3, 3, 16, 0);
    let s = SlaSubject {
        opened_at_ms: open,
        priority: Some("P2"),
        category: None,
        events: vec![ev("a", "on_site", arrived, Some(synced))],
    };
    let r = c.evaluate(&s, synced).unwrap().unwrap();
    assert_eq!(r.response.stopped_at_ms, Some(arrived));
    assert_eq!(r.response.state, SlaState::Met);
    assert!(r.warnings.is_empty());
}

#[test]
fn implausible_device_clocks_are_flagged_and_not_trusted() {
    let c = contract(Calendar::always("UTC"), 60, 240);
    let open = 1_000 * 60 * MIN;
    let received = open + 90 * MIN;
    let s = SlaSubject {
        opened_at_ms: open,
        priority: Some("P2"),
        category: None,
        events: vec![
            // Stamped a day in the future: taken at the server's receipt (late: breached).
            ev("fut", "on_site", open + 24 * 60 * MIN, Some(received)),
            // Stamped before the work order existed: taken at the opening.
            ev("old", "accepted", open - 5 * 60 * MIN, Some(received)),
        ],
    };
    let r = c.evaluate(&s, received).unwrap().unwrap();
    assert_eq!(r.warnings.len(), 2);
    assert_eq!(r.response.stopped_at_ms, Some(received));
    assert_eq!(r.response.state, SlaState::Breached);
    let old = r.warnings.iter().find(|w| w.event_id == "old").unwrap();
    assert_eq!(old.used_at_ms, open);
    // Within the tolerance nothing is flagged.
    let s = SlaSubject {
        events: vec![ev("ok", "on_site", received + 5 * MIN, Some(received))],
        ..s
    };
    assert!(
        c.evaluate(&s, received)
            .unwrap()
            .unwrap()
            .warnings
            .is_empty()
    );
}

#[test]
fn states_on_track_at_risk_breached_met() {
    let c = contract(Calendar::always("UTC"), 60, 120);
    let open = 0;
    let s = |events| SlaSubject {
        opened_at_ms: open,
        priority: Some("P2"),
        category: None,
        events,
    };
    let state = |events, now| {
        c.evaluate(&s(events), now)
            .unwrap()
            .unwrap()
            .resolution
            .state
    };
    assert_eq!(state(vec![], 30 * MIN), SlaState::OnTrack);
    assert_eq!(state(vec![], 100 * MIN), SlaState::AtRisk);
    assert_eq!(state(vec![], 121 * MIN), SlaState::Breached);
    assert_eq!(
        state(vec![ev("c", "completed", 110 * MIN, None)], 500 * MIN),
        SlaState::Met
    );
    assert_eq!(
        state(vec![ev("c", "completed", 130 * MIN, None)], 500 * MIN),
        SlaState::Breached
    );
    // Reopened: the clock runs again from the original opening.
    assert_eq!(
        state(
            vec![
                ev("c", "completed", 50 * MIN, None),
                ev("r", "reopened", 60 * MIN, None)
            ],
            200 * MIN
        ),
        SlaState::Breached
    );
    // Cancelled work is not measured; no priority, no clock.
    assert!(
        c.evaluate(&s(vec![ev("x", "cancelled", MIN, None)]), MIN)
            .unwrap()
            .is_none()
    );
    let mut none = s(vec![]);
    none.priority = None;
    assert!(c.evaluate(&none, MIN).unwrap().is_none());
}

#[test]
fn category_overrides_resolution_and_due_times_match_the_demo_contract() {
    let c = Contract::demo("c", BERLIN).compile().unwrap();
    let open = at(BERLIN, 2025, 3, 5, 11, 0); // Wednesday
    let general = c.due_times(open, "P2", Some("network")).unwrap().unwrap();
    assert_eq!(
        general.resolution_due_ms,
        Some(at(BERLIN, 2025, 3, 5, 13, 0))
    );
    let hw = c.due_times(open, "P2", Some("hardware")).unwrap().unwrap();
    assert_eq!(hw.resolution_due_ms, Some(at(BERLIN, 2025, 3, 6, 11, 0)));
    assert_eq!(hw.response_due_ms, Some(at(BERLIN, 2025, 3, 5, 13, 0)));
}

#[test]
fn remote_work_responds_on_acceptance() {
    let mut contract = Contract::demo("c", "UTC");
    contract.calendar = Calendar::always("UTC");
    for t in contract.targets.values_mut() {
        t.response_on = ResponseOn::Accepted;
    }
    let c = contract.compile().unwrap();
    let s = SlaSubject {
        opened_at_ms: 0,
        priority: Some("P1"),
        category: None,
        events: vec![ev("a", "accepted", 10 * MIN, None)],
    };
    let r = c.evaluate(&s, 20 * MIN).unwrap().unwrap();
    assert_eq!(r.response.state, SlaState::Met);
    assert_eq!(r.response.stopped_at_ms, Some(10 * MIN));
}

#[test]
fn contracts_round_trip_through_json() {
    let c = Contract::demo("cust-northwind", "Asia/Shanghai");
    let json = serde_json::to_string(&c).unwrap();
    let back: Contract = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    let minimal: Contract = serde_json::from_str(
        r#"{"customer_id":"x","calendar":{"time_zone":"UTC"},"targets":{"P1":{"response_minutes":30,"resolution_minutes":60}}}"#,
    )
    .unwrap();
    assert!(minimal.compile().unwrap().calendar.is_always());
}

const SHANGHAI: &str = "Asia/Shanghai";

#[test]
fn a_make_up_sunday_is_business_time_and_a_holiday_is_not() {
    // Sunday 2026-09-20 is a working day before National Day (国办发明电〔2025〕7号); Sunday
    // 2026-09-13 is an ordinary Sunday; Friday 2026-09-25 is 中秋节.
    let plain = Calendar::five_by_eight(SHANGHAI).compile().unwrap();
    let prc = Calendar::five_by_eight(SHANGHAI)
        .with_prc_holidays()
        .compile()
        .unwrap();
    let sun = |d| {
        (
            at(SHANGHAI, 2026, 9, d, 0, 0),
            at(SHANGHAI, 2026, 9, d + 1, 0, 0),
        )
    };
    let (a, b) = sun(20);
    assert_eq!(plain.business_minutes_between(a, b).unwrap(), 0);
    assert_eq!(prc.business_minutes_between(a, b).unwrap(), 8 * 60);
    let (a, b) = sun(13);
    assert_eq!(prc.business_minutes_between(a, b).unwrap(), 0);
    let (a, b) = sun(25);
    assert_eq!(plain.business_minutes_between(a, b).unwrap(), 8 * 60);
    assert_eq!(prc.business_minutes_between(a, b).unwrap(), 0);
    // A call on Saturday 19 September 10:00 with a 2-hour target is due on the make-up
    // Sunday at 11:00, not on Monday 11:00.
    let due = prc
        .add_business_minutes(at(SHANGHAI, 2026, 9, 19, 10, 0), 120)
        .unwrap();
    assert_eq!(due, at(SHANGHAI, 2026, 9, 20, 11, 0));
    // A make-up day written by hand works the same way, in JSON too.
    let cal: Calendar = serde_json::from_str(
        r#"{"time_zone":"Asia/Shanghai","hours":{"days":["Mon","Tue","Wed","Thu","Fri"],"start":"09:00","end":"17:00"},"working_days":["2026-09-20"]}"#,
    )
    .unwrap();
    let (a, b) = sun(20);
    assert_eq!(
        cal.compile()
            .unwrap()
            .business_minutes_between(a, b)
            .unwrap(),
        8 * 60
    );
    // One date as both a holiday and a working day is a configuration error.
    let mut both = Calendar::five_by_eight(SHANGHAI);
    both.holidays = vec![NaiveDate::from_ymd_opt(2026, 9, 20).unwrap()];
    both.working_days = both.holidays.clone();
    assert!(matches!(both.compile(), Err(SlaError::Config(_))));
}

#[test]
fn unknown_contract_fields_are_refused() {
    let base = r#"{"customer_id":"x","calendar":{"time_zone":"UTC"},"targets":{"P1":{"response_minutes":30,"resolution_minutes":60}}}"#;
    assert!(serde_json::from_str::<Contract>(base).is_ok());
    for bad in [
        r#"{"customer_id":"x","calendar":{"time_zone":"UTC"},"targets":{},"holidays":[]}"#,
        r#"{"customer_id":"x","calendar":{"time_zone":"UTC","workdays":["2026-09-20"]},"targets":{}}"#,
        r#"{"customer_id":"x","calendar":{"time_zone":"UTC","hours":{"days":["Mon"],"start":"09:00","end":"17:00","lunch":"12:00"}},"targets":{}}"#,
        r#"{"customer_id":"x","calendar":{"time_zone":"UTC"},"targets":{"P1":{"response_minutes":30,"resolution_minutes":60,"resolve_minutes":5}}}"#,
    ] {
        let err = serde_json::from_str::<Contract>(bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field"), "{bad}: {err}");
    }
}

#[test]
fn remote_response_runs_on_the_phone_calendar_and_on_site_work_on_the_on_site_one() {
    // DOMAIN.md: on site 5×8, phone support 7×24. A call on Saturday 2025-03-08 10:00.
    let mut contract = Contract::demo("c", BERLIN);
    contract.targets.get_mut("P2").unwrap().response_on = ResponseOn::Accepted;
    let c = contract.compile().unwrap();
    let call = at(BERLIN, 2025, 3, 8, 10, 0);
    // Remote work (response on acceptance), 120 min: due Saturday 12:00 on the phone
    // calendar; the resolution (on site, 120 min) is due Monday 11:00.
    let due = c.due_times(call, "P2", Some("software")).unwrap().unwrap();
    assert_eq!(due.response_due_ms, Some(at(BERLIN, 2025, 3, 8, 12, 0)));
    assert_eq!(due.resolution_due_ms, Some(at(BERLIN, 2025, 3, 10, 11, 0)));
    let s = SlaSubject {
        opened_at_ms: call,
        priority: Some("P2"),
        category: Some("software"),
        events: vec![ev("a", "accepted", at(BERLIN, 2025, 3, 8, 11, 0), None)],
    };
    let r = c
        .evaluate(&s, at(BERLIN, 2025, 3, 8, 11, 30))
        .unwrap()
        .unwrap();
    assert_eq!(r.response.state, SlaState::Met);
    assert_eq!(r.response.elapsed_ms, 60 * MIN);
    // Arrival on site (P1, response on site) stays on the 5×8 calendar: due Monday 10:00.
    let p1 = c.due_times(call, "P1", Some("network")).unwrap().unwrap();
    assert_eq!(p1.response_due_ms, Some(at(BERLIN, 2025, 3, 10, 10, 0)));
    // Without a phone calendar everything runs on the on-site one.
    let mut no_phone = contract.clone();
    no_phone.phone_calendar = None;
    let c = no_phone.compile().unwrap();
    let due = c.due_times(call, "P2", None).unwrap().unwrap();
    assert_eq!(due.response_due_ms, Some(at(BERLIN, 2025, 3, 10, 11, 0)));
}

#[test]
fn the_demo_contract_resolves_general_faults_in_two_hours_and_hardware_in_a_working_day() {
    let c = Contract::demo("c", BERLIN).compile().unwrap();
    let open = at(BERLIN, 2025, 3, 5, 15, 0); // Wednesday
    // Every priority: general faults 2 h of business time from the call, 15:00–17:00 →
    // Wednesday 17:00.
    for p in PRIORITIES {
        let due = c.due_times(open, p, Some("network")).unwrap().unwrap();
        assert_eq!(
            due.resolution_due_ms,
            Some(at(BERLIN, 2025, 3, 5, 17, 0)),
            "{p}"
        );
    }
    // Hardware: one working day = 8 business hours, 2 on Wednesday and 6 on Thursday →
    // Thursday 15:00.
    let hw = c.due_times(open, "P4", Some("hardware")).unwrap().unwrap();
    assert_eq!(hw.resolution_due_ms, Some(at(BERLIN, 2025, 3, 6, 15, 0)));
    assert!(c.phone_calendar.as_ref().is_some_and(|p| p.is_always()));
}
