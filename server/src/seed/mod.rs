//! Demo data (DOMAIN.md): an office tower with ~300 PCs, 100 printers and a server room, a
//! school and a clinic; resident engineers, a dispatcher, a supervisor, an admin; templates,
//! knowledge articles, open incidents and inspections. Documents are written by the server's
//! actor through the hub, like any server-side write, in English or in Chinese (the words of
//! each are in [`text`]).

mod notes;
pub mod plans;
mod problem;
pub mod reviews;
#[cfg(test)]
mod tests;
pub mod text;

use crate::hub::{Hub, HubError};
use crate::storage::UserRecord;
use fieldsync::model::{
    self, ChangeClass, CheckKind, ChecklistTemplate, DeviceRecord, NewWorkOrder, Site,
    TemplateItem, device::Location,
};
use fieldsync::{DocId, DocKind, TimestampMs};
use std::collections::BTreeMap;
pub use text::DemoText;
use text::fill;

/// Demo logins: (username, role, password); display names are in the demo's language
/// ([`demo_users`]).
pub const DEMO_USERS: [(&str, fieldsync::Role, &str); 5] = [
    ("li.wei", fieldsync::Role::Engineer, "engineer-li"),
    ("zhang.min", fieldsync::Role::Engineer, "engineer-zhang"),
    ("dana", fieldsync::Role::Dispatcher, "dispatch-dana"),
    ("sam", fieldsync::Role::Supervisor, "supervise-sam"),
    ("admin", fieldsync::Role::Admin, "admin-admin"),
];

/// The demo logins with their display names in `lang`: (username, display name, role,
/// password).
pub fn demo_users(
    lang: fieldsync_i18n::Lang,
) -> impl Iterator<Item = (&'static str, &'static str, fieldsync::Role, &'static str)> {
    DEMO_USERS
        .into_iter()
        .zip(DemoText::of(lang).user_names)
        .map(|((username, role, password), name)| (username, name, role, password))
}

#[derive(Debug, Default)]
pub struct SeedReport {
    pub sites: usize,
    pub devices: usize,
    pub templates: usize,
    pub articles: usize,
    pub work_orders: usize,
    pub problems: usize,
    /// Months of the supervisor's written summary (technical summary, suggestions, plan
    /// evaluation) for the office customer.
    pub summary_notes: usize,
}

/// A demo customer's numbers; its names are in [`DemoText::customers`], in the same order.
struct Customer {
    id: &'static str,
    pcs: usize,
    printers: usize,
    floors: usize,
    room_gear: &'static [(&'static str, &'static str, &'static str)],
}

/// Stands for the office's core switch model, which the ledger annotates in its language
/// ([`DemoText::core_switch_model`]).
const CORE_SWITCH: &str = "<core switch>";

const OFFICE_GEAR: &[(&str, &str, &str)] = &[
    ("server", "Dell", "PowerEdge R750"),
    ("server", "Dell", "PowerEdge R750"),
    ("server", "HPE", "ProLiant DL380 Gen10"),
    ("server", "HPE", "ProLiant DL380 Gen10"),
    ("switch", "Cisco", CORE_SWITCH),
    ("firewall", "Fortinet", "FortiGate 200F"),
    ("ups", "APC", "Smart-UPS SRT 10kVA"),
    ("storage", "NetApp", "FAS2750"),
];
const SCHOOL_GEAR: &[(&str, &str, &str)] = &[
    ("switch", "HPE Aruba", "2930F"),
    ("server", "Lenovo", "ThinkSystem SR250"),
    ("ups", "Eaton", "5PX 3000"),
];
const CLINIC_GEAR: &[(&str, &str, &str)] = &[
    ("server", "Dell", "PowerEdge T550"),
    ("firewall", "Sophos", "XGS 2100"),
    ("ups", "APC", "Smart-UPS 3000"),
    ("storage", "Synology", "RS1221+"),
];

const CUSTOMERS: [Customer; 3] = [
    Customer {
        id: "cust-northwind",
        pcs: 300,
        printers: 100,
        floors: 12,
        room_gear: OFFICE_GEAR,
    },
    Customer {
        id: "cust-riverside-school",
        pcs: 40,
        printers: 8,
        floors: 3,
        room_gear: SCHOOL_GEAR,
    },
    Customer {
        id: "cust-lakeside-clinic",
        pcs: 25,
        printers: 6,
        floors: 2,
        room_gear: CLINIC_GEAR,
    },
];

fn item(
    label: &str,
    kind: CheckKind,
    order: i64,
    unit: Option<&str>,
    min: Option<f64>,
    max: Option<f64>,
) -> TemplateItem {
    TemplateItem {
        label: label.into(),
        kind,
        required: true,
        order,
        unit: unit.map(Into::into),
        min,
        max,
        choices: Vec::new(),
    }
}

fn patrol_template(t: &text::PatrolText) -> ChecklistTemplate {
    let mut items = BTreeMap::new();
    items.insert(
        "room-temp".into(),
        item(
            t.room_temp,
            CheckKind::Reading,
            1,
            Some("°C"),
            Some(18.0),
            Some(27.0),
        ),
    );
    items.insert(
        "ups-load".into(),
        item(
            t.ups_load,
            CheckKind::Reading,
            2,
            Some("%"),
            Some(0.0),
            Some(80.0),
        ),
    );
    items.insert(
        "ups-battery".into(),
        item(t.ups_battery, CheckKind::PassFail, 3, None, None, None),
    );
    items.insert(
        "core-switch".into(),
        item(t.core_switch, CheckKind::PassFail, 4, None, None, None),
    );
    items.insert(
        "firewall".into(),
        item(t.firewall, CheckKind::PassFail, 5, None, None, None),
    );
    items.insert(
        "backup".into(),
        item(t.backup, CheckKind::PassFail, 6, None, None, None),
    );
    let mut notes = item(t.notes, CheckKind::Text, 7, None, None, None);
    notes.required = false;
    items.insert("notes".into(), notes);
    ChecklistTemplate {
        name: t.name.into(),
        items,
        ..Default::default()
    }
}

fn pc_repair_template(t: &text::PcRepairText) -> ChecklistTemplate {
    let mut items = BTreeMap::new();
    items.insert(
        "power".into(),
        item(t.power, CheckKind::PassFail, 1, None, None, None),
    );
    items.insert(
        "disk".into(),
        item(t.disk, CheckKind::PassFail, 2, None, None, None),
    );
    items.insert(
        "av".into(),
        item(t.antivirus, CheckKind::PassFail, 3, None, None, None),
    );
    items.insert(
        "user-ok".into(),
        item(t.user_ok, CheckKind::PassFail, 4, None, None, None),
    );
    ChecklistTemplate {
        name: t.name.into(),
        items,
        ..Default::default()
    }
}

/// The categories of [`DemoText::articles`], in order.
const ARTICLE_CATEGORIES: [&str; 3] = ["hardware", "hardware", "network"];

/// Write the demo documents. `users` are the created demo users in [`DEMO_USERS`] order;
/// `signature_sha` names a stored PNG of the customer's signature on the finished reports.
/// Everything is written in `lang` ([`DemoText`]), the sites' documents too.
pub fn seed_demo(
    hub: &Hub,
    users: &[UserRecord],
    signature_sha: Option<String>,
    now: TimestampMs,
    lang: fieldsync_i18n::Lang,
) -> Result<SeedReport, HubError> {
    let text = DemoText::of(lang);
    let mut report = SeedReport::default();
    let engineers: Vec<String> = users
        .iter()
        .filter(|u| u.role == fieldsync::Role::Engineer)
        .map(|u| u.id.to_string())
        .collect();
    let dispatcher = users
        .iter()
        .find(|u| u.role == fieldsync::Role::Dispatcher)
        .map(|u| u.id.to_string())
        .unwrap_or_default();
    let patrol = patrol_template(&text.patrol);
    let mut template_ids = Vec::new();
    for t in [patrol.clone(), pc_repair_template(&text.pc_repair)] {
        let id = DocId::new();
        hub.create_doc(id, DocKind::ChecklistTemplate, None, now, |d| {
            model::template::create_template(d, id, &t, now)
        })?;
        template_ids.push(id);
        report.templates += 1;
    }
    for (a, cat) in text.articles.iter().zip(ARTICLE_CATEGORIES) {
        let id = DocId::new();
        hub.create_doc(id, DocKind::Knowledge, None, now, |d| {
            model::knowledge::create_article(d, id, a.title, a.symptoms, a.solution, Some(cat), now)
        })?;
        report.articles += 1;
    }
    let mut sites = Vec::new();
    for (c, names) in CUSTOMERS.iter().zip(&text.customers) {
        let site_id = DocId::new();
        let site = Site {
            name: names.site.into(),
            customer_id: c.id.into(),
            customer_name: names.name.into(),
            address: names.address.into(),
            time_zone: Some("Asia/Shanghai".into()),
            access_notes: text.access_notes.into(),
            language: Some(text.lang.code().into()),
            ..Default::default()
        };
        hub.create_doc(site_id, DocKind::Site, None, now, |d| {
            model::site::create_site(d, site_id, &site, now)
        })?;
        report.sites += 1;
        let mut room_devices = Vec::new();
        let mut n = 0;
        let mut add = |device_type: &str,
                       vendor: &str,
                       model_name: &str,
                       floor: usize,
                       room: &str|
         -> Result<String, HubError> {
            n += 1;
            let id = DocId::new();
            let rec = DeviceRecord {
                asset_tag: format!(
                    "{}-{:04}",
                    c.id.trim_start_matches("cust-").to_uppercase(),
                    n
                ),
                device_type: device_type.into(),
                vendor: Some(vendor.into()),
                model: Some(model_name.into()),
                serial: Some(format!("SN{:08}", n * 7919 % 100_000_000)),
                ip: (device_type != "pc")
                    .then(|| format!("10.{}.{}.{}", floor, n / 250, n % 250 + 2)),
                site_id: Some(site_id.to_string()),
                customer_id: Some(c.id.into()),
                location: Location {
                    building: Some(names.site.into()),
                    floor: Some(fill(text.floor, floor)),
                    room: Some(room.into()),
                    rack: None,
                },
                status: Some("in_service".into()),
                warranty_end: Some("2027-12-31".into()),
                ..Default::default()
            };
            hub.create_doc(id, DocKind::Device, None, now, |d| {
                model::device::create_device(d, id, &rec, now)
            })?;
            Ok(id.to_string())
        };
        for (t, v, m) in c.room_gear {
            let m = if *m == CORE_SWITCH {
                text.core_switch_model
            } else {
                m
            };
            room_devices.push((*t, add(t, v, m, 1, text.server_room)?));
        }
        for i in 0..c.pcs {
            add(
                "pc",
                "Lenovo",
                "ThinkCentre M70q",
                1 + i % c.floors,
                &fill(text.office, 100 + i % 30),
            )?;
        }
        for i in 0..c.printers {
            add(
                "printer",
                "HP",
                "LaserJet M404dn",
                1 + i % c.floors,
                text.print_corner,
            )?;
        }
        report.devices += n;
        sites.push((c, names, site_id, room_devices));
    }
    let template_checklist = patrol.instantiate();
    let (patrol_start, patrol_end) = next_wednesday_morning(now);
    // Work orders to create, each with whether the call reported an outage.
    let mut orders: Vec<(NewWorkOrder, bool)> = Vec::new();
    for (i, (c, names, site_id, room)) in sites.iter().enumerate() {
        // The office tower's weekly patrol comes from its inspection plan (below).
        if i == 0 {
            continue;
        }
        let engineer = engineers.get(i % engineers.len().max(1)).cloned();
        let weekly = NewWorkOrder {
            kind: "inspection".into(),
            title: fill(text.patrol_title, names.site),
            description: text.patrol_description.into(),
            customer_id: Some(c.id.into()),
            site_id: Some(site_id.to_string()),
            device_ids: room.iter().map(|(_, id)| id.clone()).collect(),
            scheduled_start_ms: Some(patrol_start),
            scheduled_end_ms: Some(patrol_end),
            assignees: engineer.into_iter().collect(),
            checklist: template_checklist.clone(),
            ..Default::default()
        };
        orders.push((weekly, false));
    }
    // (site, category, server-room device the call is about, impact, urgency, engineer,
    // outage recorded with the call), titled by [`DemoText::incidents`] in order. The printer
    // and the PCs are not in the server room: none is linked for them.
    let incidents = [
        (0, "hardware", None, 3, 2, Some(1), false),
        (0, "network", Some("switch"), 2, 1, Some(0), false),
        (1, "software", Some("server"), 2, 2, Some(0), false),
        (2, "hardware", Some("ups"), 1, 1, None, true),
        (0, "security", Some("firewall"), 2, 1, None, false),
    ];
    for (((site_idx, cat, device, impact, urgency, eng, outage), title), (who, phone)) in
        incidents.into_iter().zip(text.incidents).zip(text.callers)
    {
        let (c, names, site_id, room) = &sites[site_idx];
        let new = NewWorkOrder {
            kind: "incident".into(),
            title: title.into(),
            description: fill(text.incident_description, names.name),
            customer_id: Some(c.id.into()),
            site_id: Some(site_id.to_string()),
            device_ids: room
                .iter()
                .find(|(t, _)| Some(*t) == device)
                .map(|(_, id)| id.clone())
                .into_iter()
                .collect(),
            category: Some(cat.into()),
            impact: Some(impact),
            urgency: Some(urgency),
            assignees: eng
                .and_then(|e: usize| engineers.get(e).cloned())
                .into_iter()
                .collect(),
            caller: model::Caller::new(who, phone),
            ..Default::default()
        };
        orders.push((new, outage));
    }
    // (site, class, category, server-room device, engineer), titled by [`DemoText::changes`]:
    // the supervisor's approval list has a major and an emergency change to decide.
    let changes = [
        (0, ChangeClass::Major, "network", Some("switch"), Some(0)),
        (
            0,
            ChangeClass::Emergency,
            "security",
            Some("firewall"),
            Some(1),
        ),
        (0, ChangeClass::Standard, "hardware", None, Some(1)),
    ];
    for ((site_idx, class, cat, device, eng), (title, description)) in
        changes.into_iter().zip(text.changes)
    {
        let (c, _, site_id, room) = &sites[site_idx];
        let new = NewWorkOrder {
            kind: model::change::CHANGE_KIND.into(),
            change_class: Some(class),
            title: title.into(),
            description: description.into(),
            customer_id: Some(c.id.into()),
            site_id: Some(site_id.to_string()),
            device_ids: room
                .iter()
                .find(|(t, _)| Some(*t) == device)
                .map(|(_, id)| id.clone())
                .into_iter()
                .collect(),
            category: Some(cat.into()),
            assignees: eng
                .and_then(|e: usize| engineers.get(e).cloned())
                .into_iter()
                .collect(),
            ..Default::default()
        };
        orders.push((new, false));
    }
    let year = chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse()
        .unwrap_or(2025);
    plans::seed_contracts_and_profiles(hub, users, now, &text.plans)?;
    for (mut o, outage) in orders {
        o.number = Some(hub.db().blocking().next_work_order_number(year)?);
        let id = DocId::new();
        // The customer who called about the UPS alarm said it had been off for 25 minutes:
        // the dispatcher recorded the outage with the call.
        let outage = outage.then(|| o.device_ids.first().cloned()).flatten();
        hub.create_doc(id, DocKind::WorkOrder, None, now, |d| {
            model::create_work_order(d, id, &o, &dispatcher, now)?;
            match &outage {
                Some(dev) => {
                    model::record_outage(d, dev, now - 25 * 60_000, None, &dispatcher, now)
                }
                None => Ok(()),
            }
        })?;
        crate::sla::apply_due_times(hub, id, now)?;
        report.work_orders += 1;
    }
    // Finished work at the clinic for the supervisor: one report waiting for review, one
    // approved last month.
    let (c, names, site_id, room) = &sites[2];
    let clinic = reviews::FinishedSite {
        customer_id: c.id,
        customer_name: names.name,
        site_id: *site_id,
        room,
    };
    report.work_orders += reviews::seed_finished_work(
        hub,
        users,
        &clinic,
        &template_checklist,
        signature_sha,
        year,
        now,
        &text.finished,
        text.patrol_title,
    )?;
    // The clinic's UPS failed last month and alarms again: one problem links both.
    if let Some((_, ups)) = room.iter().find(|(t, _)| *t == "ups")
        && problem::seed_problem(hub, users, *site_id, ups, now, lang)?
    {
        report.problems += 1;
    }
    report.summary_notes += notes::seed_notes(hub.db().blocking(), users, now, lang)?;
    let plan_sites: Vec<(&str, String, Vec<String>)> = sites
        .iter()
        .map(|(c, _, site, room)| {
            let ids = room.iter().map(|(_, id)| id.clone()).collect();
            (c.id, site.to_string(), ids)
        })
        .collect();
    let generated = plans::seed_plans(hub, users, &plan_sites, template_ids[0], now, &text.plans)?;
    report.work_orders += generated;
    Ok(report)
}

/// The next Wednesday 09:00–12:00 in the demo customers' time zone after `now`, as the
/// patrols' descriptions promise (a start at "now + 1 day" put them at 01:00 when seeded at
/// night).
fn next_wednesday_morning(now: TimestampMs) -> (TimestampMs, TimestampMs) {
    use chrono::{Datelike, Duration, TimeZone, Weekday};
    let tz: chrono_tz::Tz = plans::DEMO_TZ.parse().unwrap_or(chrono_tz::UTC);
    let local = tz
        .timestamp_millis_opt(now)
        .single()
        .unwrap_or_else(|| tz.timestamp_millis_opt(0).unwrap());
    let mut date = local.date_naive();
    loop {
        let start = date
            .and_hms_opt(9, 0, 0)
            .and_then(|t| tz.from_local_datetime(&t).single());
        if let Some(start) = start
            && date.weekday() == Weekday::Wed
            && start.timestamp_millis() > now
        {
            let end = start + Duration::hours(3);
            return (start.timestamp_millis(), end.timestamp_millis());
        }
        date += Duration::days(1);
    }
}

#[cfg(test)]
mod patrol_time_tests {
    use super::next_wednesday_morning;

    #[test]
    fn patrols_land_on_the_next_wednesday_morning_in_shanghai() {
        // Tue 1 Dec 2026 17:00 UTC = Wed 2 Dec 01:00 in Shanghai: the same Wednesday, 09:00
        // Shanghai = 01:00 UTC.
        let tue_17_utc = 1_796_144_400_000;
        assert_eq!(
            next_wednesday_morning(tue_17_utc),
            (1_796_173_200_000, 1_796_184_000_000)
        );
        // Wed 2 Dec 10:00 Shanghai (02:00 UTC): already started, so the next week's.
        let wed_10_sh = 1_796_176_800_000;
        assert_eq!(
            next_wednesday_morning(wed_10_sh).0,
            1_796_173_200_000 + 7 * 24 * 3600 * 1000
        );
    }
}
