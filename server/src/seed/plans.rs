//! Demo contracts, engineer profiles and inspection plans (DOMAIN.md): the office tower's
//! 5×8 contract (general faults 2 h, hardware one working day) and its **Wednesday
//! 09:00–12:00 on-site patrol**, generated six weeks ahead, on the PRC holiday calendar
//! (holidays and 调休 make-up days, `fieldsync::sla::prc`); the school's monthly UPS test;
//! the clinic on 7×24.

use super::text::PlanText;
use crate::hub::{Hub, HubError};
use crate::plans::{DayFilter, DeviceFilter, Plan, generator};
use crate::storage::{EngineerProfile, UserRecord, scheduling_of};
use fieldsync::sla::{Calendar, Contract};
use fieldsync::{DocId, Role, TimestampMs};

/// The demo customers' zone.
pub const DEMO_TZ: &str = "Asia/Shanghai";

fn engineer(users: &[UserRecord], username: &str) -> Option<String> {
    users
        .iter()
        .find(|u| u.username == username && u.role == Role::Engineer)
        .map(|u| u.id.to_string())
}

/// Contracts for the three demo customers and skills for the two resident engineers.
pub fn seed_contracts_and_profiles(
    hub: &Hub,
    users: &[UserRecord],
    now: TimestampMs,
    text: &PlanText,
) -> Result<(), HubError> {
    let s = hub.db().blocking();
    // 5×8 on the PRC calendar: statutory holidays off, 调休 make-up Saturdays and Sundays on.
    for customer in ["cust-northwind", "cust-riverside-school"] {
        let mut c = Contract::demo(customer, DEMO_TZ);
        c.name = text.office_contract.into();
        c.calendar = c.calendar.with_prc_holidays();
        crate::sla::put_contract(s, &c, now)?;
    }
    let mut clinic = Contract::demo("cust-lakeside-clinic", DEMO_TZ);
    clinic.name = text.clinic_contract.into();
    clinic.calendar = Calendar::always(DEMO_TZ);
    crate::sla::put_contract(s, &clinic, now)?;
    let profiles = [
        (
            "li.wei",
            &["pc", "printer", "software", "network"][..],
            &["cust-northwind"][..],
            1,
        ),
        (
            "zhang.min",
            &[
                "server", "ups", "storage", "switch", "firewall", "hardware", "network", "security",
            ][..],
            &["cust-northwind", "cust-riverside-school"][..],
            3,
        ),
    ];
    for (name, skills, customers, level) in profiles {
        if let Some(id) = engineer(users, name) {
            scheduling_of(s)?.put_profile(&EngineerProfile {
                user_id: id,
                skills: skills.iter().map(|s| (*s).to_owned()).collect(),
                customers: customers.iter().map(|s| (*s).to_owned()).collect(),
                level,
            })?;
        }
    }
    Ok(())
}

/// The demo plans, generated at once; returns how many work orders were created.
/// `sites` are (customer id, site doc id, server-room device ids) in demo order.
pub fn seed_plans(
    hub: &Hub,
    users: &[UserRecord],
    sites: &[(&str, String, Vec<String>)],
    patrol_template: DocId,
    now: TimestampMs,
    text: &PlanText,
) -> Result<usize, HubError> {
    let today = chrono::DateTime::from_timestamp_millis(now)
        .map(|d| {
            d.with_timezone(&DEMO_TZ.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC))
                .date_naive()
        })
        .unwrap_or_default();
    let base = |title: &str, customer: &str, site: &str| Plan {
        id: None,
        title: title.into(),
        customer_id: customer.into(),
        site_id: site.into(),
        device_ids: Vec::new(),
        device_filter: None,
        template_id: Some(patrol_template.to_string()),
        rrule: String::new(),
        starts_on: today,
        day_filter: DayFilter::Every,
        window_start: "09:00".into(),
        window_end: "12:00".into(),
        time_zone: DEMO_TZ.into(),
        horizon_days: 42,
        default_engineer: None,
        priority: Some("P4".into()),
        paused: false,
        effective_from_ms: 0,
        revision: 0,
    };
    let mut plans = Vec::new();
    if let Some((customer, site, room)) = sites.first() {
        plans.push(Plan {
            rrule: "FREQ=WEEKLY;BYDAY=WE".into(),
            // No round on a statutory holiday (a Wednesday in National Day week).
            day_filter: DayFilter::WorkingDays,
            device_ids: room.clone(),
            default_engineer: engineer(users, "li.wei"),
            ..base(text.weekly_inspection, customer, site)
        });
    }
    if let Some((customer, site, _)) = sites.get(1) {
        plans.push(Plan {
            rrule: "FREQ=MONTHLY;BYDAY=1MO".into(),
            device_filter: Some(DeviceFilter {
                device_type: Some("ups".into()),
            }),
            window_start: "14:00".into(),
            window_end: "15:00".into(),
            horizon_days: 60,
            default_engineer: engineer(users, "zhang.min"),
            ..base(text.monthly_ups_test, customer, site)
        });
    }
    for p in plans {
        generator::create_plan(hub, p, now)?;
    }
    let report = generator::run(hub, now, None)?;
    if let Some(e) = report.errors.first() {
        return Err(HubError::Invalid(e.clone()));
    }
    Ok(report.created)
}
