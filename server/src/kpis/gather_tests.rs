//! `gather` against a real database: the customer's zone from its contract, a patrol created
//! in December for January found by the look-back, the SLA verdict the dispatch board gives,
//! and the CMDB's devices in service.

use super::*;
use crate::config::ServerConfig;
use crate::state::AppState;
use automerge::AutoCommit;
use chrono::TimeZone;
use fieldsync::model::{self, DeviceRecord, NewWorkOrder};
use fieldsync::sla::Contract;
use fieldsync::status::EventKind;
use fieldsync::{DocId, DocKind};
use fieldsync_report::testing::new_work_order;

fn utc(y: i32, mo: u32, d: u32, h: u32) -> TimestampMs {
    chrono::Utc
        .with_ymd_and_hms(y, mo, d, h, 0, 0)
        .single()
        .unwrap()
        .timestamp_millis()
}

#[tokio::test]
async fn gather_reads_local_months_patrols_made_ahead_clocks_and_the_fleet() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = crate::storage::postgres::scratch::test_database(dir.path());
    let config = ServerConfig {
        data_dir: dir.path().to_owned(),
        database_url: Some(url.clone()),
        ..ServerConfig::default()
    };
    let state = AppState::new(crate::storage::open(&url).unwrap(), config).unwrap();
    let hub = state.hub.clone();
    tokio::task::spawn_blocking(move || {
        let s = hub.db().blocking();
        let mut c = Contract::demo("acme", "Asia/Shanghai");
        c.calendar = c.calendar.with_prc_holidays();
        crate::sla::put_contract(s, &c, 0).unwrap();
        // The CMDB: one server in service, one retired.
        let mut server = None;
        for (tag, status) in [("SRV-01", "in_service"), ("SRV-OLD", "retired")] {
            let id = DocId::new();
            let rec = DeviceRecord {
                asset_tag: tag.into(),
                device_type: "server".into(),
                customer_id: Some("acme".into()),
                status: Some(status.into()),
                ..Default::default()
            };
            hub.create_doc(id, DocKind::Device, None, 0, |d| {
                model::device::create_device(d, id, &rec, 0)
            })
            .unwrap();
            server.get_or_insert(id.to_string());
        }
        // A fault called in at 1 December 01:00 Shanghai (30 November 17:00 UTC) on the server,
        // on site 20 min later, completed at 03:00.
        let call = utc(2026, 11, 30, 17);
        let fault = DocId::new();
        let mut new = new_work_order("Server down", "eng-1");
        new.device_ids = vec![server.clone().unwrap()];
        new.checklist.clear();
        hub.create_doc(
            fault,
            DocKind::WorkOrder,
            None,
            call,
            |doc: &mut AutoCommit| {
                model::create_work_order(doc, fault, &new, "dispatcher", call)?;
                for (kind, at) in [
                    (EventKind::Accepted, call),
                    (EventKind::OnSite, call + 20 * 60_000),
                    (EventKind::Completed, call + 120 * 60_000),
                ] {
                    model::record_event(doc, kind, "eng-1", at, Default::default())?;
                }
                Ok(())
            },
        )
        .unwrap();
        crate::sla::apply_due_times(&hub, fault, call).unwrap();
        // The 13 January patrol, generated on 2 December.
        let made = utc(2026, 12, 2, 3);
        let patrol = DocId::new();
        let p = NewWorkOrder {
            kind: "inspection".into(),
            title: "周三巡检".into(),
            customer_id: Some("acme".into()),
            scheduled_start_ms: Some(utc(2027, 1, 13, 1)),
            scheduled_end_ms: Some(utc(2027, 1, 13, 4)),
            ..Default::default()
        };
        hub.create_doc(
            patrol,
            DocKind::WorkOrder,
            None,
            made,
            |doc: &mut AutoCommit| model::create_work_order(doc, patrol, &p, "server", made),
        )
        .unwrap();

        let now = utc(2027, 2, 1, 0);
        let jan = Period::parse("2027-01").unwrap();
        let r = gather(&hub, "acme", jan, now).unwrap();
        assert_eq!(r.time_zone, Some(chrono_tz::Asia::Shanghai));
        let k = compute(&r, jan, now);
        assert_eq!((k.work_orders, k.faults), (1, 0), "the patrol is January's");
        let dec = compute(&r, Period::parse("2026-12").unwrap(), now);
        assert_eq!((dec.work_orders, dec.faults), (1, 1), "the 1 December call");
        let nov = compute(&r, Period::parse("2026-11").unwrap(), now);
        assert_eq!(nov.faults, 0, "not November, as a UTC month would have it");
        // One server in service (the retired one is not): 1 fault ÷ 1 device = 100 %.
        assert_eq!(dec.devices_in_service, Some(1));
        assert_eq!(dec.fault_rate_pct, Some(100.0));
        assert_eq!(dec.fault_rate_by_class["server"].faults, 1);
        // The verdict is the dispatch board's.
        let rows = s
            .list_work_orders(&crate::storage::WorkOrderFilter {
                customer: Some("acme".into()),
                ..Default::default()
            })
            .unwrap();
        let contracts = crate::sla::all_contracts(s).unwrap();
        let board = crate::sla::reports_for(s, &rows, &contracts, now).unwrap();
        let board = &board[&fault.to_string()];
        let sample = r.work_orders.iter().find(|w| w.kind == "incident").unwrap();
        assert_eq!(sample.sla_response, Some(board.response.state));
        assert_eq!(sample.sla_resolution, Some(board.resolution.state));
        // Called at 01:00 on a Tuesday, outside 5×8: nothing of the clock had run at 03:00.
        assert_eq!(board.resolution.state, fieldsync::sla::SlaState::Met);
        assert_eq!(sample.arrive_business_ms, Some(0));
        // The report shows the stored contract's calendar: October's National Day and its
        // make-up Saturday; a customer without a contract has none.
        let oct = Period::parse("2026-10").unwrap();
        let report =
            crate::kpis::report("acme", &gather(&hub, "acme", oct, now).unwrap(), oct, now);
        let cal = report.service_calendar.expect("acme has a contract");
        assert_eq!(cal.holidays.len(), 7);
        assert_eq!(cal.holidays[0].name.as_deref(), Some("国庆节"));
        let working: Vec<String> = cal
            .working_days
            .iter()
            .map(|d| d.date.to_string())
            .collect();
        assert_eq!(working, ["2026-10-10"]);
        let other = gather(&hub, "no-contract", oct, now).unwrap();
        assert!(
            crate::kpis::report("no-contract", &other, oct, now)
                .service_calendar
                .is_none()
        );
    })
    .await
    .unwrap();
}
