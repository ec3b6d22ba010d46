//! Tests of plans, the generator, adherence, dispatch suggestions, SLA due times and
//! escalation, and an offline engineer receiving an assignment at their next sync. Each test
//! has its own temporary SQLite database and fixed clocks, and runs again on a throw-away
//! PostgreSQL database (module `on_postgres` at the end) when `FIELDSYNC_TEST_POSTGRES_URL`
//! names a server.

use crate::config::ServerConfig;
use crate::hub::Hub;
use crate::plans::{DayFilter, DeviceFilter, Plan, generator};
use crate::state::AppState;
use crate::storage::postgres::scratch::{ScratchDb, also_on_postgres, test_database};
use crate::storage::{self, EngineerProfile, UserRecord, WorkOrderFilter, scheduling_of};
use chrono::TimeZone;
use fieldsync::model::{self, DeviceRecord, EventExtra, NewWorkOrder};
use fieldsync::sla::{Calendar, Contract};
use fieldsync::status::EventKind;
use fieldsync::{DocId, DocKind, Role, TimestampMs};
use std::sync::Arc;

const TZ: &str = "Asia/Shanghai";

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> TimestampMs {
    let tz: chrono_tz::Tz = TZ.parse().unwrap();
    tz.with_ymd_and_hms(y, m, d, h, mi, 0)
        .unwrap()
        .timestamp_millis()
}

struct Env {
    dir: tempfile::TempDir,
    state: AppState,
    users: Vec<UserRecord>,
    /// The database URL (SQLite file or PostgreSQL scratch database).
    url: String,
    /// Dropped last: the PostgreSQL database of this test, if it runs on PostgreSQL.
    _pg: Option<ScratchDb>,
}

impl Env {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = test_database(dir.path());
        let config = ServerConfig {
            data_dir: dir.path().to_owned(),
            database_url: Some(url.clone()),
            ..ServerConfig::default()
        };
        let db = storage::open(&url).unwrap();
        let state = AppState::new(db, config).unwrap();
        let mut users = Vec::new();
        for (u, r) in [
            ("ann", Role::Engineer),
            ("bob", Role::Engineer),
            ("cid", Role::Engineer),
            ("disp", Role::Dispatcher),
            ("sup", Role::Supervisor),
        ] {
            users.push(
                crate::handlers::auth::create_user(&state.db, u, u, &format!("pw-{u}"), r)
                    .await
                    .unwrap(),
            );
        }
        Self {
            dir,
            state,
            users,
            url,
            _pg: pg,
        }
    }

    fn hub(&self) -> &Arc<Hub> {
        &self.state.hub
    }

    fn user(&self, name: &str) -> &UserRecord {
        self.users.iter().find(|u| u.username == name).unwrap()
    }

    /// A second server instance on the same database.
    fn second_instance(&self) -> AppState {
        let config = ServerConfig {
            data_dir: self.dir.path().to_owned(),
            database_url: Some(self.url.clone()),
            ..ServerConfig::default()
        };
        let db = storage::open(&self.url).unwrap();
        AppState::new(db, config).unwrap()
    }

    fn work_order(&self, id: DocId) -> model::WorkOrder {
        let (_, doc) = self.hub().load(id).unwrap().unwrap();
        model::WorkOrder::from_doc(&doc).unwrap()
    }

    fn new_wo(&self, new: NewWorkOrder, now: TimestampMs) -> DocId {
        let id = DocId::new();
        self.hub()
            .create_doc(id, DocKind::WorkOrder, None, now, |d| {
                model::create_work_order(d, id, &new, "disp", now)
            })
            .unwrap();
        id
    }

    fn event(&self, id: DocId, kind: EventKind, at: TimestampMs) {
        self.hub()
            .server_edit(id, at, |d, _| {
                model::record_event(d, kind, "ann", at, EventExtra::default()).map(|_| ())
            })
            .unwrap();
    }
}

fn weekly_wednesday() -> Plan {
    Plan {
        id: None,
        title: "Weekly patrol".into(),
        customer_id: "c1".into(),
        site_id: "site-1".into(),
        device_ids: vec![],
        device_filter: None,
        template_id: None,
        rrule: "FREQ=WEEKLY;BYDAY=WE".into(),
        starts_on: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        day_filter: DayFilter::Every,
        window_start: "09:00".into(),
        window_end: "12:00".into(),
        time_zone: TZ.into(),
        horizon_days: 28,
        default_engineer: None,
        priority: Some("P4".into()),
        paused: false,
        effective_from_ms: 0,
        revision: 0,
    }
}

fn occurrences(env: &Env, plan: uuid::Uuid) -> Vec<crate::storage::OccurrenceRow> {
    scheduling_of(env.hub().db().blocking())
        .unwrap()
        .plan_occurrences(&plan.to_string(), 0, i64::MAX)
        .unwrap()
}

#[tokio::test]
async fn the_generator_creates_each_occurrence_once_across_reruns_and_instances() {
    let env = Env::new().await;
    let now = at(2025, 1, 6, 8, 0); // Monday
    let plan = generator::create_plan(env.hub(), weekly_wednesday(), now).unwrap();
    let id = plan.id.unwrap();
    let first = generator::run(env.hub(), now, None).unwrap();
    assert_eq!(first.created, 4, "{first:?}"); // Jan 8, 15, 22, 29
    let again = generator::run(env.hub(), now + 60_000, None).unwrap();
    assert_eq!((again.created, again.existing), (0, 4));
    // A second server instance on the same database, and a restart, create nothing new.
    let other = env.second_instance();
    let third = generator::run(&other.hub, now + 120_000, None).unwrap();
    assert_eq!((third.created, third.existing), (0, 4));
    let occ = occurrences(&env, id);
    assert_eq!(occ.len(), 4);
    let wo = env.work_order(occ[0].doc_id.parse().unwrap());
    assert_eq!(wo.kind, "inspection");
    assert_eq!(wo.scheduled_start_ms, Some(at(2025, 1, 8, 9, 0)));
    assert_eq!(wo.scheduled_end_ms, Some(at(2025, 1, 8, 12, 0)));
    assert_eq!(wo.plan_id.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(wo.priority.as_deref(), Some("P4"));
    // The id is the deterministic one of the occurrence.
    assert_eq!(
        occ[0].doc_id,
        crate::plans::occurrence_id(id, at(2025, 1, 8, 9, 0)).to_string()
    );
    let all = env
        .hub()
        .db()
        .blocking()
        .list_work_orders(&WorkOrderFilter::default())
        .unwrap();
    assert_eq!(all.len(), 4);
}

/// An engineer's incident (synced from a laptop without a number) and a plan's visits get
/// numbers from the background job, once each, in order of creation.
#[tokio::test]
async fn unnumbered_work_orders_get_a_number_once() {
    let env = Env::new().await;
    let now = at(2025, 1, 6, 8, 0);
    let incident = env.new_wo(
        NewWorkOrder {
            kind: "incident".into(),
            title: "Printer jam 打印机卡纸".into(),
            ..Default::default()
        },
        now - 60_000,
    );
    let plan = generator::create_plan(env.hub(), weekly_wednesday(), now).unwrap();
    generator::run(env.hub(), now, None).unwrap();
    assert_eq!(env.work_order(incident).number, None);
    let numbered = crate::jobs::numbering::number_work_orders(env.hub(), now).unwrap();
    assert_eq!(numbered, 5, "the incident and four visits");
    let first = env.work_order(incident).number.unwrap();
    assert!(first.starts_with("WO-2025-"), "{first}");
    let visits: Vec<String> = occurrences(&env, plan.id.unwrap())
        .iter()
        .map(|o| env.work_order(o.doc_id.parse().unwrap()).number.unwrap())
        .collect();
    assert!(
        visits.iter().all(|n| n.as_str() > first.as_str()),
        "{visits:?} after {first}"
    );
    // Again: nothing to do, nothing renumbered.
    assert_eq!(
        crate::jobs::numbering::number_work_orders(env.hub(), now).unwrap(),
        0
    );
    assert_eq!(env.work_order(incident).number.unwrap(), first);
}

/// A plan's visits are written in their site's language: the customer reads the title and
/// scope on the service report.
#[tokio::test]
async fn plan_visits_are_written_in_the_sites_language() {
    let env = Env::new().await;
    let now = at(2025, 1, 6, 8, 0);
    let site_id = DocId::new();
    let site = model::Site {
        name: "金融大厦".into(),
        customer_id: "c1".into(),
        time_zone: Some(TZ.into()),
        language: Some("zh-CN".into()),
        ..Default::default()
    };
    env.hub()
        .create_doc(site_id, DocKind::Site, None, now, |d| {
            model::site::create_site(d, site_id, &site, now)
        })
        .unwrap();
    let mut plan = weekly_wednesday();
    plan.title = "每周机房巡检".into();
    plan.site_id = site_id.to_string();
    let id = generator::create_plan(env.hub(), plan, now)
        .unwrap()
        .id
        .unwrap();
    generator::run(env.hub(), now, None).unwrap();
    let wo = env.work_order(occurrences(&env, id)[0].doc_id.parse().unwrap());
    assert_eq!(wo.title, "每周机房巡检 — 2025年1月8日 周三");
    assert!(
        wo.description.starts_with("计划巡检，当地时间 09:00–12:00"),
        "{}",
        wo.description
    );
    // No internal plan id in what the customer reads.
    assert!(!wo.description.contains(&id.to_string()));
}

#[tokio::test]
async fn editing_a_plan_moves_future_occurrences_only_and_adherence_counts_them() {
    let env = Env::new().await;
    let t0 = at(2025, 1, 6, 8, 0);
    let plan = generator::create_plan(env.hub(), weekly_wednesday(), t0).unwrap();
    let id = plan.id.unwrap();
    generator::run(env.hub(), t0, None).unwrap();
    let before = occurrences(&env, id);
    // Jan 8 done on time.
    let jan8: DocId = before[0].doc_id.parse().unwrap();
    env.event(jan8, EventKind::OnSite, at(2025, 1, 8, 9, 10));
    env.event(jan8, EventKind::Completed, at(2025, 1, 8, 10, 30));
    // Thursday Jan 16, 10:00: the plan moves to Thursdays.
    let t1 = at(2025, 1, 16, 10, 0);
    let edited = Plan {
        rrule: "FREQ=WEEKLY;BYDAY=TH".into(),
        ..plan.clone()
    };
    let r = generator::update_plan(env.hub(), id, edited, t1).unwrap();
    assert_eq!(
        r.cancelled, 2,
        "Jan 22 and 29 (Wednesdays, not started) are cancelled"
    );
    let g = generator::run(env.hub(), t1, None).unwrap();
    assert!(g.created >= 4, "{g:?}");
    let after = occurrences(&env, id);
    let status_of = |start: TimestampMs| {
        after
            .iter()
            .find(|o| o.start_ms == start)
            .and_then(|o| o.status.clone())
    };
    // The past is untouched.
    assert_eq!(
        status_of(at(2025, 1, 8, 9, 0)).as_deref(),
        Some("completed")
    );
    assert_eq!(status_of(at(2025, 1, 15, 9, 0)).as_deref(), Some("new"));
    // Future Wednesdays are cancelled, Thursdays are planned.
    assert_eq!(
        status_of(at(2025, 1, 22, 9, 0)).as_deref(),
        Some("cancelled")
    );
    assert_eq!(
        status_of(at(2025, 1, 29, 9, 0)).as_deref(),
        Some("cancelled")
    );
    assert_eq!(status_of(at(2025, 1, 23, 9, 0)).as_deref(), Some("new"));
    assert_eq!(status_of(at(2025, 1, 30, 9, 0)).as_deref(), Some("new"));
    // Jan 16 (today, window still open) completed late, at 13:00.
    let jan16: DocId = after
        .iter()
        .find(|o| o.start_ms == at(2025, 1, 16, 9, 0))
        .unwrap()
        .doc_id
        .parse()
        .unwrap();
    env.event(jan16, EventKind::OnSite, at(2025, 1, 16, 12, 0));
    env.event(jan16, EventKind::Completed, at(2025, 1, 16, 13, 0));
    let p = generator::get_plan(env.hub(), id).unwrap().unwrap();
    let months = crate::plans::adherence::adherence(
        env.hub().db().blocking(),
        &p,
        at(2025, 1, 1, 0, 0),
        at(2025, 2, 1, 0, 0),
        at(2025, 1, 17, 8, 0),
    )
    .unwrap();
    assert_eq!(months.len(), 1);
    let jan = &months[0];
    assert_eq!(jan.month, "2025-01");
    // Jan 8 on time, Jan 15 missed, Jan 16 late, Jan 23 and 30 open; two cancelled.
    assert_eq!(
        (
            jan.planned,
            jan.done_on_time,
            jan.late,
            jan.missed,
            jan.open,
            jan.cancelled
        ),
        (5, 1, 1, 1, 2, 2),
        "{jan:?}"
    );
}

/// "Every working day" follows the customer's contract calendar: National Day off, the 调休
/// Saturday on; the choice is stored (SQLite and PostgreSQL) and the preview honours it.
#[tokio::test]
async fn a_working_days_plan_follows_the_contract_calendar_and_is_stored() {
    let env = Env::new().await;
    let s = env.hub().db().blocking();
    let mut c = Contract::demo("c1", TZ);
    c.calendar = c.calendar.with_prc_holidays();
    crate::sla::put_contract(s, &c, 0).unwrap();
    let now = at(2026, 9, 28, 8, 0);
    let plan = Plan {
        rrule: "FREQ=DAILY".into(),
        starts_on: chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        day_filter: DayFilter::WorkingDays,
        horizon_days: 15,
        ..weekly_wednesday()
    };
    let plan = generator::create_plan(env.hub(), plan, now).unwrap();
    let id = plan.id.unwrap();
    let stored = generator::get_plan(env.hub(), id).unwrap().unwrap();
    assert_eq!(stored.day_filter, DayFilter::WorkingDays);
    generator::run(env.hub(), now, None).unwrap();
    let days: Vec<String> = occurrences(&env, id)
        .iter()
        .map(|o| {
            chrono::DateTime::from_timestamp_millis(o.start_ms)
                .unwrap()
                .with_timezone(&TZ.parse::<chrono_tz::Tz>().unwrap())
                .format("%m-%d")
                .to_string()
        })
        .collect();
    assert_eq!(
        days,
        [
            "09-28", "09-29", "09-30", "10-08", "10-09", "10-10", "10-12"
        ]
    );
    let preview = generator::compile(env.hub(), &stored).unwrap().occurrences(
        at(2026, 10, 1, 0, 0),
        i64::MAX,
        1,
    );
    assert_eq!(preview[0].start_ms, at(2026, 10, 8, 9, 0));
}

#[tokio::test]
async fn pausing_a_plan_stops_new_occurrences() {
    let env = Env::new().await;
    let t0 = at(2025, 1, 6, 8, 0);
    let plan = generator::create_plan(env.hub(), weekly_wednesday(), t0).unwrap();
    let id = plan.id.unwrap();
    generator::run(env.hub(), t0, None).unwrap();
    let paused = Plan {
        paused: true,
        ..plan
    };
    let r = generator::update_plan(env.hub(), id, paused, t0 + 1000).unwrap();
    assert_eq!(r.cancelled, 0, "pausing keeps what is planned");
    let later = generator::run(env.hub(), at(2025, 2, 20, 8, 0), None).unwrap();
    assert_eq!((later.created, later.paused), (0, 1));
    assert_eq!(occurrences(&env, id).len(), 4);
}

#[tokio::test]
async fn a_device_filter_covers_every_ups_at_the_site() {
    let env = Env::new().await;
    let now = at(2025, 1, 6, 8, 0);
    let mut ups = Vec::new();
    for (t, site) in [
        ("ups", "site-1"),
        ("ups", "site-1"),
        ("pc", "site-1"),
        ("ups", "site-2"),
    ] {
        let id = DocId::new();
        let rec = DeviceRecord {
            asset_tag: format!("A-{id}"),
            device_type: t.into(),
            site_id: Some(site.into()),
            ..Default::default()
        };
        env.hub()
            .create_doc(id, DocKind::Device, None, now, |d| {
                model::device::create_device(d, id, &rec, now)
            })
            .unwrap();
        if t == "ups" && site == "site-1" {
            ups.push(id.to_string());
        }
    }
    let plan = Plan {
        rrule: "FREQ=MONTHLY;BYDAY=1MO".into(),
        device_filter: Some(DeviceFilter {
            device_type: Some("UPS".into()),
        }),
        horizon_days: 40,
        ..weekly_wednesday()
    };
    let plan = generator::create_plan(env.hub(), plan, now).unwrap();
    generator::run(env.hub(), now, None).unwrap();
    let occ = occurrences(&env, plan.id.unwrap());
    assert_eq!(occ.len(), 2, "Jan 6 and Feb 3");
    let mut got: Vec<String> = env
        .work_order(occ[0].doc_id.parse().unwrap())
        .device_ids
        .into_keys()
        .collect();
    got.sort();
    ups.sort();
    assert_eq!(got, ups);
}

#[tokio::test]
async fn suggestions_prefer_the_skilled_nearby_less_loaded_engineer() {
    let env = Env::new().await;
    let now = at(2025, 1, 6, 8, 0);
    let s = env.hub().db().blocking();
    let ups = DocId::new();
    let rec = DeviceRecord {
        asset_tag: "UPS-1".into(),
        device_type: "ups".into(),
        site_id: Some("site-1".into()),
        ..Default::default()
    };
    env.hub()
        .create_doc(ups, DocKind::Device, None, now, |d| {
            model::device::create_device(d, ups, &rec, now)
        })
        .unwrap();
    let (ann, bob, cid) = (env.user("ann"), env.user("bob"), env.user("cid"));
    for (u, skills) in [
        (ann, vec!["ups", "hardware"]),
        (bob, vec!["pc"]),
        (cid, vec!["ups", "hardware"]),
    ] {
        scheduling_of(s)
            .unwrap()
            .put_profile(&EngineerProfile {
                user_id: u.id.to_string(),
                skills: skills.into_iter().map(Into::into).collect(),
                customers: vec![],
                level: 2,
            })
            .unwrap();
    }
    let wo = |site: &str, who: &UserRecord| NewWorkOrder {
        kind: "incident".into(),
        title: "x".into(),
        customer_id: Some("c1".into()),
        site_id: Some(site.into()),
        assignees: vec![who.id.to_string()],
        ..Default::default()
    };
    // ann: skilled, one job at the same site. bob: unskilled, same site. cid: skilled,
    // elsewhere, four open jobs.
    env.new_wo(wo("site-1", ann), now);
    env.new_wo(wo("site-1", bob), now);
    for _ in 0..4 {
        env.new_wo(wo("site-9", cid), now);
    }
    let target = env.new_wo(
        NewWorkOrder {
            kind: "incident".into(),
            title: "UPS alarm".into(),
            customer_id: Some("c1".into()),
            site_id: Some("site-1".into()),
            device_ids: vec![ups.to_string()],
            category: Some("hardware".into()),
            ..Default::default()
        },
        now,
    );
    let row = crate::dispatch::work_order_row(s, target).unwrap();
    let ranked = crate::dispatch::suggestions(s, &row, now).unwrap();
    let names: Vec<&str> = ranked.iter().map(|r| r.username.as_str()).collect();
    assert_eq!(names[0], "ann", "{ranked:#?}");
    assert!(ranked[0].skill_match > 0.99 && ranked[0].same_site);
    // Same skills, less load wins: cid (4 open) ranks below ann (1 open).
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(pos("ann") < pos("cid"));
    // Schedule fit: a clash in the window pushes ann down.
    crate::dispatch::reschedule(
        env.hub(),
        target,
        at(2025, 1, 7, 9, 0),
        at(2025, 1, 7, 11, 0),
        now,
    )
    .unwrap();
    let clash = env.new_wo(wo("site-1", ann), now);
    crate::dispatch::reschedule(
        env.hub(),
        clash,
        at(2025, 1, 7, 10, 0),
        at(2025, 1, 7, 12, 0),
        now,
    )
    .unwrap();
    let row = crate::dispatch::work_order_row(s, target).unwrap();
    let ranked = crate::dispatch::suggestions(s, &row, now).unwrap();
    assert_eq!(ranked[0].username, "cid", "{ranked:#?}");
    assert_eq!(
        ranked
            .iter()
            .find(|r| r.username == "ann")
            .unwrap()
            .schedule_conflicts,
        1
    );
}

#[tokio::test]
async fn incidents_get_due_times_and_escalate_once_when_at_risk_or_breached() {
    let env = Env::new().await;
    let hub = env.hub();
    let s = hub.db().blocking();
    crate::sla::put_contract(s, &Contract::demo("c1", TZ), 0).unwrap();
    scheduling_of(s)
        .unwrap()
        .put_profile(&EngineerProfile {
            user_id: env.user("bob").id.to_string(),
            skills: vec!["network".into()],
            customers: vec!["c1".into()],
            level: 3,
        })
        .unwrap();
    // Friday 16:30, P2 (impact 2 × urgency 1), network: response and resolution 2 h.
    let opened = at(2025, 3, 7, 16, 30);
    let id = env.new_wo(
        NewWorkOrder {
            kind: "incident".into(),
            title: "Finance share down".into(),
            customer_id: Some("c1".into()),
            category: Some("network".into()),
            impact: Some(2),
            urgency: Some(1),
            assignees: vec![env.user("ann").id.to_string()],
            ..Default::default()
        },
        opened,
    );
    let sla = crate::sla::apply_due_times(hub, id, opened)
        .unwrap()
        .unwrap();
    assert_eq!(sla.resolution_due_ms, Some(at(2025, 3, 10, 10, 30)));
    assert_eq!(env.work_order(id).sla, sla, "written into the document");
    // A priority change (a dispatcher's triage) moves the due times at the next sweep.
    hub.server_edit(id, opened, |d, _| model::set_triage(d, 3, 3, None, opened))
        .unwrap();
    let r = crate::sla::sweep(hub, opened + 1000).unwrap();
    assert_eq!(r.due_times_written, 1);
    assert_eq!(
        env.work_order(id).sla.response_due_ms,
        Some(at(2025, 3, 10, 16, 30)),
        "P4: 480 business minutes, 30 on Friday and 450 on Monday"
    );
    hub.server_edit(id, opened, |d, _| model::set_triage(d, 2, 1, None, opened))
        .unwrap();
    crate::sla::sweep(hub, opened + 2000).unwrap();
    // Monday 10:10: 20 of 120 minutes left → at risk → functional escalation.
    let r = crate::sla::sweep(hub, at(2025, 3, 10, 10, 10)).unwrap();
    assert_eq!(r.escalations, 2, "response and resolution at risk: {r:?}");
    let again = crate::sla::sweep(hub, at(2025, 3, 10, 10, 15)).unwrap();
    assert_eq!(again.escalations, 0, "recorded once");
    // Monday 11:00: breached → functional + hierarchical for both clocks.
    let r = crate::sla::sweep(hub, at(2025, 3, 10, 11, 0)).unwrap();
    assert_eq!((r.escalations, r.notifications), (4, 2), "{r:?}");
    let wo = env.work_order(id);
    let esc: Vec<_> = wo.events.iter().filter(|e| e.kind == "escalated").collect();
    assert_eq!(esc.len(), 6);
    assert!(esc.iter().all(|e| e.by == crate::sla::SERVER_AUTHOR));
    let functional = esc
        .iter()
        .find(|e| e.outcome.as_deref() == Some("functional"))
        .unwrap();
    assert_eq!(
        functional.assignee.as_deref(),
        Some(env.user("bob").id.to_string().as_str()),
        "the more expert engineer is suggested: {:?}",
        functional.note
    );
    let notes = scheduling_of(s)
        .unwrap()
        .notifications(&env.user("sup").id.to_string(), 10)
        .unwrap();
    assert_eq!(notes.len(), 2);
    assert!(notes[0].message.contains("breached"));
    // The list API carries the clocks.
    let rows = s.list_work_orders(&WorkOrderFilter::default()).unwrap();
    let contracts = crate::sla::all_contracts(s).unwrap();
    let reps = crate::sla::reports_for(s, &rows, &contracts, at(2025, 3, 10, 11, 0)).unwrap();
    assert_eq!(
        reps[&id.to_string()].resolution.state,
        fieldsync::sla::SlaState::Breached
    );
}

#[tokio::test]
async fn a_seven_by_24_contract_counts_wall_time() {
    let env = Env::new().await;
    let hub = env.hub();
    let mut c = Contract::demo("c1", TZ);
    c.calendar = Calendar::always(TZ);
    crate::sla::put_contract(hub.db().blocking(), &c, 0).unwrap();
    let opened = at(2025, 3, 7, 16, 30);
    let id = env.new_wo(
        NewWorkOrder {
            kind: "incident".into(),
            title: "x".into(),
            customer_id: Some("c1".into()),
            category: Some("software".into()),
            impact: Some(2),
            urgency: Some(1),
            ..Default::default()
        },
        opened,
    );
    let sla = crate::sla::apply_due_times(hub, id, opened)
        .unwrap()
        .unwrap();
    assert_eq!(sla.resolution_due_ms, Some(at(2025, 3, 7, 18, 30)));
}

#[tokio::test]
async fn an_assignment_made_while_the_engineer_is_offline_arrives_at_their_next_sync() {
    let env = Env::new().await;
    let hub = env.hub().clone();
    let ann = env.user("ann").clone();
    let mut store = fieldsync::store::LocalStore::open_in_memory().unwrap();
    let device = store.device_id().unwrap();
    let s = hub.db().blocking();
    s.upsert_device(device, ann.id, "laptop", 0).unwrap();
    s.register_actors(device, ann.id, &[store.actor().to_hex_string()], 0)
        .unwrap();
    let caller = crate::hub::CallerCtx::new(
        ann.clone(),
        device,
        [store.actor().clone()].into_iter().collect(),
    );
    let sync = |store: &mut fieldsync::store::LocalStore| {
        for _ in 0..10 {
            let out = store.prepare_sync(None).unwrap();
            let (resp, _) = hub.sync(&caller, &out.request, crate::now_ms()).unwrap();
            let r = store.apply_sync(&out, resp, crate::now_ms()).unwrap();
            if !r.more {
                return;
            }
        }
    };
    sync(&mut store);
    let now = crate::now_ms();
    let id = env.new_wo(
        NewWorkOrder {
            kind: "incident".into(),
            title: "Printer jam".into(),
            ..Default::default()
        },
        now,
    );
    assert!(!store.contains(id).unwrap());
    // The engineer is offline; the dispatcher assigns and reschedules.
    hub.assign(id, ann.id, env.user("disp").id, now).unwrap();
    crate::dispatch::reschedule(&hub, id, now + 3_600_000, now + 7_200_000, now).unwrap();
    assert!(!store.contains(id).unwrap());
    // Next sync: it arrives, assigned and scheduled.
    sync(&mut store);
    let wo = store.work_order(id).unwrap();
    assert!(wo.is_assigned_to(&ann.id.to_string()));
    assert_eq!(wo.scheduled_start_ms, Some(now + 3_600_000));
}

/// Two replicas run the background jobs at the same moment: each job runs under its lease
/// (on PostgreSQL the second replica is refused while the first holds it), every occurrence
/// is created once and no escalation is recorded twice.
#[tokio::test]
async fn two_replicas_running_the_jobs_at_once_do_the_work_once() {
    let env = Env::new().await;
    let other = env.second_instance();
    // The lease: held by one replica, refused to the other, granted again once released.
    let held = env
        .hub()
        .db()
        .blocking()
        .job_lease(crate::jobs::SLA_SWEEP, None)
        .unwrap()
        .expect("a free lease is granted");
    let refused = crate::jobs::exclusive(&other.hub, crate::jobs::SLA_SWEEP, None, || Ok(()));
    assert!(
        refused.unwrap().is_none(),
        "the lease is held by the other replica"
    );
    drop(held);
    let granted = crate::jobs::exclusive(&other.hub, crate::jobs::SLA_SWEEP, None, || Ok(7));
    assert_eq!(granted.unwrap(), Some(7));

    let plan = generator::create_plan(env.hub(), weekly_wednesday(), 0).unwrap();
    let s = env.hub().db().blocking();
    crate::sla::put_contract(s, &Contract::demo("c1", TZ), 0).unwrap();
    let opened = at(2025, 3, 7, 16, 30);
    let incident = env.new_wo(
        NewWorkOrder {
            kind: "incident".into(),
            title: "Finance share down".into(),
            customer_id: Some("c1".into()),
            category: Some("network".into()),
            impact: Some(2),
            urgency: Some(1),
            assignees: vec![env.user("ann").id.to_string()],
            ..Default::default()
        },
        opened,
    );
    crate::sla::apply_due_times(env.hub(), incident, opened).unwrap();
    // Monday 11:00: both clocks breached; the plan's horizon holds four Wednesdays.
    let now = at(2025, 3, 10, 11, 0);
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let runs: Vec<_> = [env.state.hub.clone(), other.hub.clone()]
        .into_iter()
        .map(|hub| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let generated =
                    crate::jobs::exclusive(&hub, crate::jobs::PLAN_GENERATOR, None, || {
                        generator::run(&hub, now, None)
                    })
                    .unwrap();
                let swept = crate::jobs::exclusive(&hub, crate::jobs::SLA_SWEEP, None, || {
                    crate::sla::sweep(&hub, now)
                })
                .unwrap();
                (generated, swept)
            })
        })
        .collect();
    let (mut created, mut escalations, mut notifications) = (0, 0, 0);
    for run in runs {
        let (generated, swept) = run.join().unwrap();
        created += generated.map_or(0, |g| g.created);
        if let Some(r) = swept {
            escalations += r.escalations;
            notifications += r.notifications;
        }
    }
    assert_eq!(created, 4, "each occurrence is created by one replica");
    assert_eq!(occurrences(&env, plan.id.unwrap()).len(), 4);
    let inspections = s
        .list_work_orders(&WorkOrderFilter::default())
        .unwrap()
        .into_iter()
        .filter(|w| w.kind == "inspection")
        .count();
    assert_eq!(inspections, 4);
    let wo = env.work_order(incident);
    let mut notes: Vec<_> = wo
        .events
        .iter()
        .filter(|e| e.kind == "escalated")
        .map(|e| e.note.clone())
        .collect();
    assert!(escalations > 0, "the breach escalates");
    assert_eq!(notes.len(), escalations, "every escalation recorded once");
    notes.sort();
    notes.dedup();
    assert_eq!(notes.len(), escalations, "no escalation twice");
    let sup = scheduling_of(s)
        .unwrap()
        .notifications(&env.user("sup").id.to_string(), 100)
        .unwrap();
    assert_eq!(sup.len(), notifications);
    // Nothing is left to do for either replica.
    let again = crate::sla::sweep(&other.hub, now + 60_000).unwrap();
    assert_eq!(again.escalations, 0);
}

/// Generator time for 1,000 plans × 1 year (weekly: ≈52,000 work orders). Release build:
/// `cargo test --release -p fieldsync-server --lib -- --ignored generator_1000_plans --nocapture`
#[tokio::test]
#[ignore = "benchmark; run in release"]
async fn generator_1000_plans_for_a_year() {
    let env = Env::new().await;
    let now = at(2025, 1, 1, 0, 0);
    let days = ["MO", "TU", "WE", "TH", "FR"];
    for i in 0..1000 {
        let plan = Plan {
            title: format!("Plan {i}"),
            customer_id: format!("c{}", i % 50),
            site_id: format!("site-{i}"),
            rrule: format!("FREQ=WEEKLY;BYDAY={}", days[i % 5]),
            horizon_days: 365,
            ..weekly_wednesday()
        };
        generator::create_plan(env.hub(), plan, now).unwrap();
    }
    let t = std::time::Instant::now();
    let mut n = 0;
    for row in scheduling_of(env.hub().db().blocking())
        .unwrap()
        .list_plans()
        .unwrap()
    {
        let cp = generator::parse_row(&row).unwrap().compile().unwrap();
        n += cp.occurrences(now, now + 365 * 86_400_000, 1000).len();
    }
    let expand = t.elapsed();
    let t = std::time::Instant::now();
    let first = generator::run(env.hub(), now, None).unwrap();
    let create = t.elapsed();
    let t = std::time::Instant::now();
    let again = generator::run(env.hub(), now, None).unwrap();
    let rerun = t.elapsed();
    assert_eq!(first.created, n);
    assert_eq!((again.created, again.existing), (0, n));
    println!(
        "1000 plans x 1 year: {n} occurrences; RRULE expansion {:.3} s; first run (create {} work orders) {:.1} s = {:.2} ms each; re-run (all exist) {:.2} s",
        expand.as_secs_f64(),
        first.created,
        create.as_secs_f64(),
        create.as_secs_f64() * 1000.0 / first.created.max(1) as f64,
        rerun.as_secs_f64()
    );
}

mod http {
    //! The endpoints over the router (no socket): roles, bodies, wiring.
    use super::*;
    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode};
    use http_body_util::BodyExt;
    use serde_json::{Value, json};
    use tower::ServiceExt;

    async fn call(
        app: &axum::Router,
        method: Method,
        uri: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {token}"));
        let body = match body {
            Some(v) => {
                b = b.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let resp = app.clone().oneshot(b.body(body).unwrap()).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn login(app: &axum::Router, user: &str) -> String {
        let actor = automerge::ActorId::random();
        let req = Request::post("/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({"username": user, "password": format!("pw-{user}"),
                    "device_id": fieldsync::DeviceId::new(), "device_name": "t",
                    "actors": [actor.to_hex_string()]})
                .to_string(),
            ))
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        v["token"].as_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn plans_contracts_suggestions_and_sla_over_http() {
        let env = Env::new().await;
        let app = crate::router(env.state.clone());
        let disp = login(&app, "disp").await;
        let eng = login(&app, "ann").await;
        // Contracts: dispatcher writes, engineer may read (offline countdowns), not write.
        let contract = serde_json::to_value(Contract::demo("c1", TZ)).unwrap();
        let (st, _) = call(
            &app,
            Method::PUT,
            "/v1/contracts/c1",
            &eng,
            Some(contract.clone()),
        )
        .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, _) = call(&app, Method::PUT, "/v1/contracts/c1", &disp, Some(contract)).await;
        assert_eq!(st, StatusCode::OK);
        let (st, c) = call(&app, Method::GET, "/v1/contracts/c1", &eng, None).await;
        assert_eq!(
            (st, c["calendar"]["time_zone"].as_str()),
            (StatusCode::OK, Some(TZ))
        );
        let bad =
            json!({"customer_id": "c1", "calendar": {"time_zone": "Nope/Nope"}, "targets": {}});
        let (st, e) = call(&app, Method::PUT, "/v1/contracts/c1", &disp, Some(bad)).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
        assert!(e["message"].as_str().unwrap().contains("time zone"));
        // An unknown field (here a misspelt make-up-day list) is refused, not dropped.
        let mut typo = serde_json::to_value(Contract::demo("c1", TZ)).unwrap();
        typo["calendar"]["workdays"] = json!(["2026-09-20"]);
        let (st, e) = call(&app, Method::PUT, "/v1/contracts/c1", &disp, Some(typo)).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
        let msg = e["message"].as_str().unwrap();
        assert!(msg.contains("unknown field `workdays`"), "{msg}");
        // An incident gets due times from the contract; the list carries its SLA clocks.
        let (st, created) = call(
            &app,
            Method::POST,
            "/v1/work-orders",
            &disp,
            Some(
                json!({"title": "Switch down", "customer_id": "c1", "impact": 1, "urgency": 1,
                "category": "network"}),
            ),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED, "{created}");
        assert!(created["resolution_due_ms"].is_i64());
        let id = created["doc_id"].as_str().unwrap().to_owned();
        let (_, list) = call(&app, Method::GET, "/v1/work-orders", &disp, None).await;
        let row = list
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["doc_id"] == id.as_str())
            .unwrap();
        assert!(row["sla"]["resolution"]["state"].is_string(), "{row}");
        assert_eq!(row["resolution_due_ms"], created["resolution_due_ms"]);
        let (st, _) = call(
            &app,
            Method::GET,
            &format!("/v1/work-orders/{id}/sla"),
            &disp,
            None,
        )
        .await;
        assert_eq!(st, StatusCode::OK);
        // Profiles, suggestions, reschedule.
        let (st, _) = call(
            &app,
            Method::PUT,
            "/v1/engineers/bob/profile",
            &disp,
            Some(json!({"user_id": "", "skills": ["network"], "level": 3})),
        )
        .await;
        assert_eq!(st, StatusCode::OK);
        // The board's engineer rows: every enabled engineer with names, profile or not.
        let (st, engineers) = call(&app, Method::GET, "/v1/engineers", &disp, None).await;
        assert_eq!(st, StatusCode::OK);
        let names: Vec<&str> = engineers
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["ann", "bob", "cid"], "{engineers}");
        assert_eq!(engineers[1]["skills"], json!(["network"]));
        assert_eq!(
            (
                engineers[1]["level"].as_i64(),
                engineers[0]["level"].as_i64()
            ),
            (Some(3), Some(1))
        );
        let (st, _) = call(&app, Method::GET, "/v1/engineers", &eng, None).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, sug) = call(
            &app,
            Method::GET,
            &format!("/v1/work-orders/{id}/suggestions"),
            &disp,
            None,
        )
        .await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(sug[0]["username"], "bob", "{sug}");
        let (st, _) = call(
            &app,
            Method::GET,
            &format!("/v1/work-orders/{id}/suggestions"),
            &eng,
            None,
        )
        .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, _) = call(
            &app,
            Method::POST,
            &format!("/v1/work-orders/{id}/reschedule"),
            &disp,
            Some(json!({"start_ms": 2000, "end_ms": 1000})),
        )
        .await;
        assert_eq!(st, StatusCode::BAD_REQUEST);
        // Plans: create (generates at once), preview, generate again (nothing new), adherence.
        let mut plan = serde_json::to_value(weekly_wednesday()).unwrap();
        plan["starts_on"] = json!("2020-01-01");
        plan["default_engineer"] = json!("ann");
        let (st, _) = call(&app, Method::POST, "/v1/plans", &eng, Some(plan.clone())).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, created) = call(&app, Method::POST, "/v1/plans", &disp, Some(plan.clone())).await;
        assert_eq!(st, StatusCode::CREATED, "{created}");
        let pid = created["id"].as_str().unwrap().to_owned();
        assert_eq!(
            created["default_engineer"],
            env.user("ann").id.to_string().as_str()
        );
        let (st, prev) = call(
            &app,
            Method::GET,
            &format!("/v1/plans/{pid}/preview?n=3"),
            &disp,
            None,
        )
        .await;
        assert_eq!(
            (st, prev.as_array().map(Vec::len)),
            (StatusCode::OK, Some(3))
        );
        // The draft preview keeps to working days when asked: every date it gives is one,
        // while the same rule without the filter runs through a weekend.
        let working = fieldsync::sla::Calendar::five_by_eight(TZ)
            .with_prc_holidays()
            .compile()
            .unwrap();
        let tz: chrono_tz::Tz = TZ.parse().unwrap();
        let is_working = |o: &serde_json::Value| {
            let d = chrono::DateTime::from_timestamp_millis(o["start_ms"].as_i64().unwrap())
                .unwrap()
                .with_timezone(&tz)
                .date_naive();
            working.is_service_day(d)
        };
        let mut daily = plan.clone();
        daily["rrule"] = json!("FREQ=DAILY");
        for (filter, all_working) in [(json!("working_days"), true), (json!("every"), false)] {
            daily["day_filter"] = filter;
            let (st, prev) = call(
                &app,
                Method::POST,
                "/v1/plans/preview?n=14",
                &disp,
                Some(daily.clone()),
            )
            .await;
            assert_eq!(st, StatusCode::OK, "{prev}");
            let prev = prev.as_array().unwrap();
            assert_eq!(prev.len(), 14);
            assert_eq!(prev.iter().all(is_working), all_working, "{prev:?}");
        }
        let (_, gen_report) = call(&app, Method::POST, "/v1/plans/generate", &disp, None).await;
        assert_eq!(gen_report["created"], 0, "{gen_report}");
        assert!(
            gen_report["existing"].as_u64().unwrap() >= 4,
            "{gen_report}"
        );
        let (st, adh) = call(
            &app,
            Method::GET,
            &format!("/v1/plans/{pid}/adherence"),
            &disp,
            None,
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{adh}");
        let mut bad_plan = plan.clone();
        bad_plan["rrule"] = json!("FREQ=SECONDLY");
        let (st, e) = call(&app, Method::POST, "/v1/plans", &disp, Some(bad_plan)).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
        let (st, _) = call(&app, Method::GET, "/v1/plans/not-a-uuid", &disp, None).await;
        assert_eq!(st, StatusCode::BAD_REQUEST);
        let (st, _) = call(
            &app,
            Method::DELETE,
            &format!("/v1/plans/{pid}"),
            &disp,
            None,
        )
        .await;
        assert_eq!(st, StatusCode::NO_CONTENT);
        let (st, _) = call(&app, Method::GET, &format!("/v1/plans/{pid}"), &disp, None).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
    }

    also_on_postgres!(plans_contracts_suggestions_and_sla_over_http);
}

also_on_postgres!(
    the_generator_creates_each_occurrence_once_across_reruns_and_instances,
    editing_a_plan_moves_future_occurrences_only_and_adherence_counts_them,
    pausing_a_plan_stops_new_occurrences,
    a_working_days_plan_follows_the_contract_calendar_and_is_stored,
    a_device_filter_covers_every_ups_at_the_site,
    suggestions_prefer_the_skilled_nearby_less_loaded_engineer,
    incidents_get_due_times_and_escalate_once_when_at_risk_or_breached,
    a_seven_by_24_contract_counts_wall_time,
    an_assignment_made_while_the_engineer_is_offline_arrives_at_their_next_sync,
    two_replicas_running_the_jobs_at_once_do_the_work_once,
);
