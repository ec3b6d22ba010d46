//! Device downtime end to end: an engineer records an outage offline while the dispatcher
//! corrects when it started from the customer's call; both sync, the record converges, and the
//! supervisor's monthly summary and the service report show the downtime.

mod common;

use fieldsync::model::{self, DeviceRecord, NewWorkOrder};
use fieldsync::status::EventKind;
use fieldsync::{DocId, DocKind};
use fieldsync_tests::{BoxError, now_ms};

const MIN: i64 = 60_000;

#[tokio::test]
async fn an_outage_recorded_offline_on_two_sides_reaches_the_kpis_and_the_report()
-> Result<(), BoxError> {
    let mut t = common::team().await?;
    // The customer calls: the UPS is off. The dispatcher opens the fault on it for li.wei.
    let called = now_ms() - 60 * MIN;
    let by = t.disp.user_id.clone();
    let ups = DeviceRecord {
        asset_tag: "UPS-9".into(),
        device_type: "ups".into(),
        customer_id: Some("acme".into()),
        ..Default::default()
    };
    let dev = t.disp.store.create(DocKind::Device, called, |d, id| {
        model::device::create_device(d, id, &ups, called)
    })?;
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "UPS off in the server room".into(),
        customer_id: Some("acme".into()),
        device_ids: vec![dev.to_string()],
        category: Some("hardware".into()),
        assignees: vec![t.a.user_id.clone()],
        ..Default::default()
    };
    let id: DocId = t.disp.store.create(DocKind::WorkOrder, called, |d, id| {
        model::create_work_order(d, id, &new, &by, called)
    })?;
    t.disp.sync().await?;
    t.a.sync().await?;

    // Offline on both sides: the engineer finds it down "since about 30 minutes before the
    // call", fixes it and marks it restored; the dispatcher, from the customer's log, puts
    // the start 40 minutes before the call.
    let me = t.a.user_id.clone();
    let device = dev.to_string();
    let restored = now_ms() - 5 * MIN;
    t.a.store.edit(id, now_ms(), |d| {
        model::record_outage(d, &device, called - 30 * MIN, None, &me, now_ms())?;
        model::record_event(
            d,
            EventKind::OnSite,
            &me,
            called + 20 * MIN,
            Default::default(),
        )?;
        model::mark_device_restored(d, &device, Some(restored), now_ms())?;
        model::record_event(d, EventKind::Completed, &me, restored, Default::default()).map(|_| ())
    })?;
    t.disp.sync().await?;
    t.disp.store.edit(id, now_ms(), |d| {
        // The dispatcher saw no outage yet: they record the one from the call.
        model::record_outage(d, &device, called - 40 * MIN, None, &by, now_ms())
    })?;
    let ra = t.a.sync().await?;
    let rd = t.disp.sync().await?;
    assert!(
        ra.rejected.is_empty() && rd.rejected.is_empty(),
        "{ra:?} {rd:?}"
    );
    t.a.sync().await?;

    // Both wrote the start: one value wins (the same everywhere); the engineer's restore time,
    // which nobody else wrote, survives the merge.
    let on_a = t.a.store.work_order(id)?.outages.get(&device).unwrap();
    let on_disp = t.disp.store.work_order(id)?.outages.get(&device).unwrap();
    assert_eq!(on_a, on_disp);
    assert!(
        [called - 30 * MIN, called - 40 * MIN].contains(&on_a.down_from_ms),
        "{on_a:?}"
    );
    assert_eq!(on_a.restored_at_ms, Some(restored));

    // The supervisor's summary for the month.
    let month = chrono::DateTime::from_timestamp_millis(called)
        .unwrap()
        .format("%Y-%m")
        .to_string();
    let (status, body) = t
        .sup
        .get(&format!("/v1/kpis?customer=acme&month={month}"))
        .await?;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    let d = &v["current"]["device_downtime"];
    assert_eq!(d["outages"], 1, "{d}");
    let row = &d["by_device"]["UPS-9 (ups)"];
    let expected = on_a
        .duration_ms()
        .map(|ms| (ms as f64 / 3_600_000.0 * 100.0).round() / 100.0);
    assert_eq!(row["downtime_hours"].as_f64(), expected, "{d}");
    assert_eq!(d["downtime_hours"].as_f64(), expected);
    // The engineer may not read the office's summary.
    let (status, _) =
        t.a.get(&format!("/v1/kpis?customer=acme&month={month}"))
            .await?;
    assert_eq!(status, 403);

    // The service report lists the outage.
    let (status, pdf) = t
        .sup
        .get(&format!("/v1/work-orders/{id}/report.pdf"))
        .await?;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = fieldsync_server::testing::pdf_text(&pdf) {
        assert!(text.contains("Device downtime"), "{text}");
        assert!(text.contains("UPS-9"), "{text}");
    }
    Ok(())
}
