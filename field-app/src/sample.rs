//! Sample data made locally through the `fieldsync` model: a site, devices, work orders with a
//! checklist, knowledge articles. Used by the screen tests and by `--sample-data` to look at
//! the app without a server. Never for a profile that syncs: an engineer may not write some
//! of these fields (SLA, assignment), so the server would refuse them.

use fieldsync::model::device::create_device;
use fieldsync::model::knowledge::create_article;
use fieldsync::model::site::{Contact, create_site};
use fieldsync::model::{self, CheckKind, ChecklistItem, DeviceRecord, NewWorkOrder, Site, Sla};
use fieldsync::store::{Identity, LocalStore, Result};
use fieldsync::{DocId, DocKind, Role, TimestampMs};
use std::collections::BTreeMap;

/// Ids of what [`seed`] made.
#[derive(Debug, Clone)]
pub struct SampleIds {
    pub site: DocId,
    pub inspection: DocId,
    pub incident: DocId,
    pub ups: DocId,
    pub switch: DocId,
    pub printer: DocId,
}

pub fn engineer() -> Identity {
    Identity {
        user_id: "7d1c2a7e-0000-4000-8000-000000000001".into(),
        username: "li.wei".into(),
        display_name: "Li Wei".into(),
        role: Role::Engineer,
    }
}

/// The supervisor who reviews the sample work (Chen Jing).
pub fn supervisor() -> Identity {
    Identity {
        user_id: "7d1c2a7e-0000-4000-8000-0000000000aa".into(),
        username: "chen.jing".into(),
        display_name: "Chen Jing".into(),
        role: Role::Supervisor,
    }
}

fn item(label: &str, kind: CheckKind, required: bool, order: i64) -> ChecklistItem {
    ChecklistItem {
        label: label.into(),
        kind,
        required,
        order,
        ..Default::default()
    }
}

fn device(
    tag: &str,
    kind: &str,
    model: &str,
    serial: &str,
    ip: Option<&str>,
    room: &str,
    site: DocId,
) -> DeviceRecord {
    DeviceRecord {
        asset_tag: tag.into(),
        device_type: kind.into(),
        vendor: Some(model.split(' ').next().unwrap_or(model).into()),
        model: Some(model.into()),
        serial: Some(serial.into()),
        ip: ip.map(Into::into),
        site_id: Some(site.to_string()),
        location: model::device::Location {
            building: Some("Harbour Tower".into()),
            floor: Some(if room.contains("Server") {
                "B1".into()
            } else {
                "3F".into()
            }),
            room: Some(room.into()),
            rack: None,
        },
        status: Some("in_service".into()),
        ..Default::default()
    }
}

/// Fill `store` as `me` at time `now`.
pub fn seed(store: &mut LocalStore, me: &Identity, now: TimestampMs) -> Result<SampleIds> {
    store.set_identity(me)?;
    const H: i64 = 3_600_000;
    let site_doc = Site {
        name: "Harbour Tower".into(),
        customer_id: "cust-harbour".into(),
        customer_name: "Harbour Trading Co.".into(),
        address: "88 Harbour Road, 12 floors".into(),
        time_zone: Some("Asia/Shanghai".into()),
        contacts: BTreeMap::from([(
            "c1".to_string(),
            Contact {
                name: "Ms. Zhang (IT desk)".into(),
                phone: Some("+86 21 5555 0101".into()),
                email: None,
            },
        )]),
        access_notes: "Badge at reception; server room key from facilities (B1).".into(),
        ..Default::default()
    };
    let site = store.create(DocKind::Site, now, |d, id| {
        create_site(d, id, &site_doc, now)
    })?;
    let mk = |store: &mut LocalStore, r: DeviceRecord| {
        store.create(DocKind::Device, now, |d, id| create_device(d, id, &r, now))
    };
    let ups = mk(
        store,
        device(
            "UPS-B1-01",
            "ups",
            "APC Smart-UPS SRT 6kVA",
            "AS1234567890",
            Some("10.20.0.15"),
            "Server room",
            site,
        ),
    )?;
    let switch = mk(
        store,
        device(
            "SW-CORE-01",
            "switch",
            "Huawei S5735-S48T4X",
            "2102351234HW",
            Some("10.20.0.2"),
            "Server room",
            site,
        ),
    )?;
    let printer = mk(
        store,
        device(
            "PRN-3F-07",
            "printer",
            "HP LaserJet M507",
            "PHBCC12345",
            Some("10.20.3.57"),
            "三楼 打印室",
            site,
        ),
    )?;
    for i in 1..=40 {
        let tag = format!("PC-3F-{i:03}");
        let serial = format!("CN0PC{i:05}");
        let ip = format!("10.20.3.{}", 100 + i);
        mk(
            store,
            device(
                &tag,
                "pc",
                "Lenovo ThinkCentre M70q",
                &serial,
                Some(&ip),
                "Open office 3F",
                site,
            ),
        )?;
    }

    let checklist = vec![
        (
            "ups-load".to_string(),
            ChecklistItem {
                unit: Some("%".into()),
                min: Some(0.0),
                max: Some(80.0),
                ..item("UPS load", CheckKind::Reading, true, 1)
            },
        ),
        (
            "room-temp".to_string(),
            ChecklistItem {
                unit: Some("°C".into()),
                min: Some(18.0),
                max: Some(27.0),
                ..item("Server room temperature", CheckKind::Reading, true, 2)
            },
        ),
        (
            "switch-fans".to_string(),
            item(
                "Core switch fans and LEDs normal",
                CheckKind::PassFail,
                true,
                3,
            ),
        ),
        (
            "backup".to_string(),
            ChecklistItem {
                choices: vec!["ok".into(), "warning".into(), "failed".into()],
                ..item("Last backup job", CheckKind::Choice, false, 4)
            },
        ),
        (
            "cabling".to_string(),
            item("Cabling and labels", CheckKind::Text, false, 5),
        ),
        (
            "rack-photo".to_string(),
            item("Photo of the rack", CheckKind::Photo, false, 6),
        ),
    ];
    let inspection_new = NewWorkOrder {
        kind: "inspection".into(),
        number: Some("WO-2026-00412".into()),
        title: "Weekly server room round".into(),
        description: "Wednesday 09:00–12:00 patrol: UPS, temperature, core switch, backups.".into(),
        customer_id: Some("cust-harbour".into()),
        site_id: Some(site.to_string()),
        device_ids: vec![ups.to_string(), switch.to_string()],
        category: Some("hardware".into()),
        impact: Some(2),
        urgency: Some(2),
        scheduled_start_ms: Some(now + H),
        scheduled_end_ms: Some(now + 4 * H),
        assignees: vec![me.user_id.clone()],
        checklist,
        ..Default::default()
    };
    let inspection = store.create(DocKind::WorkOrder, now, |d, id| {
        model::create_work_order(d, id, &inspection_new, &me.user_id, now)
    })?;
    let incident_new = NewWorkOrder {
        kind: "incident".into(),
        number: Some("WO-2026-01187".into()),
        title: "打印机卡纸 — printer jams on every job (3F)".into(),
        description: "Reported by phone: paper jam error 13.B2 on every print job.".into(),
        customer_id: Some("cust-harbour".into()),
        site_id: Some(site.to_string()),
        device_ids: vec![printer.to_string()],
        category: Some("hardware".into()),
        impact: Some(2),
        urgency: Some(1),
        assignees: vec![me.user_id.clone()],
        ..Default::default()
    };
    let incident = store.create(DocKind::WorkOrder, now, |d, id| {
        model::create_work_order(d, id, &incident_new, &me.user_id, now)
    })?;
    store.edit(incident, now, |d| {
        model::set_sla(
            d,
            &Sla {
                response_due_ms: Some(now + 40 * 60_000),
                resolution_due_ms: Some(now + 8 * H),
            },
            now,
        )
    })?;
    let overdue_new = NewWorkOrder {
        kind: "incident".into(),
        number: Some("WO-2026-01179".into()),
        title: "Wi-Fi drops in meeting room 5A".into(),
        site_id: Some(site.to_string()),
        category: Some("network".into()),
        impact: Some(3),
        urgency: Some(2),
        assignees: vec![me.user_id.clone()],
        ..Default::default()
    };
    let overdue = store.create(DocKind::WorkOrder, now - 6 * H, |d, id| {
        model::create_work_order(d, id, &overdue_new, &me.user_id, now - 6 * H)
    })?;
    store.edit(overdue, now, |d| {
        model::set_sla(
            d,
            &Sla {
                response_due_ms: Some(now - 2 * H),
                resolution_due_ms: Some(now + 20 * H),
            },
            now,
        )
    })?;
    for (title, symptoms, solution, cat) in [
        (
            "HP M507 paper jam 13.B2 on every job",
            "Jam error 13.B2 at the fuser although no paper is stuck.",
            "Replace the fuser pressure roller (part RM2-5692); reset the fuser counter.",
            "hardware",
        ),
        (
            "UPS load above 80 %",
            "UPS reports high load; runtime under 10 minutes.",
            "Check for new devices on the UPS; move non-critical loads; plan a battery or capacity upgrade.",
            "hardware",
        ),
        (
            "交换机端口频繁up/down",
            "Switch port flaps; users lose the network for seconds.",
            "Check the patch cable and the NIC's auto-negotiation; replace the cable; set speed/duplex.",
            "network",
        ),
    ] {
        store.create(DocKind::Knowledge, now, |d, id| {
            create_article(d, id, title, symptoms, solution, Some(cat), now)
        })?;
    }
    Ok(SampleIds {
        site,
        inspection,
        incident,
        ups,
        switch,
        printer,
    })
}
