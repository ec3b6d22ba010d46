//! Dispatch suggestions: rank engineers for a work order by skill match (device types and
//! fault category against their profile), site or territory, current open workload and
//! schedule fit. Pure ranking over projections; writes (assign, reschedule) go through the
//! hub's server actor.

use crate::hub::{Hub, HubError};
use crate::storage::{Storage, WorkOrderFilter, WorkOrderRow, scheduling_of};
use fieldsync::model;
use fieldsync::status::Status;
use fieldsync::{DocId, Role, TimestampMs};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One ranked engineer.
#[derive(Clone, Debug, Serialize)]
pub struct Suggestion {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub score: f64,
    pub level: i64,
    /// Share of the needed skills (device types, category) the engineer has, 0..=1.
    pub skill_match: f64,
    pub same_site: bool,
    pub same_customer: bool,
    pub open_work: usize,
    /// Scheduled work overlapping the work order's window.
    pub schedule_conflicts: usize,
    /// Level above every current assignee (what functional escalation looks for).
    pub more_expert_than_assignees: bool,
    /// The needed skills (device types, category) the engineer has, as codes, sorted: what
    /// a client words ("技能：硬件、UPS 电源").
    pub matched_skills: Vec<String>,
    /// The same in English, for logs and API users; the app words the fields above instead.
    pub reasons: Vec<String>,
}

/// Rank every enabled engineer for `wo`, best first.
pub fn suggestions(
    s: &dyn Storage,
    wo: &WorkOrderRow,
    _now: TimestampMs,
) -> Result<Vec<Suggestion>, HubError> {
    let profiles: HashMap<String, _> = scheduling_of(s)?
        .profiles()?
        .into_iter()
        .map(|p| (p.user_id.clone(), p))
        .collect();
    let all = s.list_work_orders(&WorkOrderFilter {
        limit: Some(5000),
        ..Default::default()
    })?;
    let mut needed: HashSet<String> = HashSet::new();
    if !wo.device_ids.is_empty() {
        let wanted: HashSet<&String> = wo.device_ids.iter().collect();
        for d in s.list_device_records(None, 10_000)? {
            if wanted.contains(&d.doc_id) {
                needed.insert(d.device_type.to_lowercase());
            }
        }
    }
    if let Some(c) = &wo.category {
        needed.insert(c.to_lowercase());
    }
    let assignee_level = wo
        .assignees
        .iter()
        .map(|a| profiles.get(a).map_or(1, |p| p.level))
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for u in s.list_users()? {
        if u.role != Role::Engineer || u.disabled {
            continue;
        }
        let uid = u.id.to_string();
        let profile = profiles.get(&uid).cloned().unwrap_or_default();
        let level = profile.level.max(1);
        let skills: HashSet<String> = profile.skills.iter().map(|s| s.to_lowercase()).collect();
        let matched = needed.iter().filter(|n| skills.contains(*n)).count();
        let skill_match = if needed.is_empty() {
            0.0
        } else {
            matched as f64 / needed.len() as f64
        };
        let mine: Vec<&WorkOrderRow> = all
            .iter()
            .filter(|r| r.doc_id != wo.doc_id && r.assignees.contains(&uid))
            .collect();
        let open: Vec<&&WorkOrderRow> = mine
            .iter()
            .filter(|r| Status::parse(&r.status).is_some_and(Status::is_open))
            .collect();
        let same_site = wo.site_id.is_some() && mine.iter().any(|r| r.site_id == wo.site_id);
        let same_customer = wo.customer_id.as_ref().is_some_and(|c| {
            profile.customers.contains(c) || mine.iter().any(|r| r.customer_id.as_ref() == Some(c))
        });
        let conflicts = match (wo.scheduled_start_ms, wo.scheduled_end_ms) {
            (Some(a), Some(b)) => open
                .iter()
                .filter(|r| matches!((r.scheduled_start_ms, r.scheduled_end_ms), (Some(x), Some(y)) if x < b && a < y))
                .count(),
            _ => 0,
        };
        let mut score = 40.0 * skill_match - 6.0 * open.len() as f64 + 3.0 * level as f64;
        let mut reasons = Vec::new();
        let mut matched_skills: Vec<String> = needed
            .iter()
            .filter(|n| skills.contains(*n))
            .cloned()
            .collect();
        matched_skills.sort();
        if matched > 0 {
            reasons.push(format!("skills: {}", matched_skills.join(", ")));
        }
        if same_site {
            score += 25.0;
            reasons.push("knows the site".into());
        } else if same_customer {
            score += 15.0;
            reasons.push("serves this customer".into());
        }
        reasons.push(format!("{} open work orders", open.len()));
        if wo.scheduled_start_ms.is_some() {
            if conflicts == 0 {
                score += 10.0;
                reasons.push("free in the scheduled window".into());
            } else {
                score -= 30.0 * conflicts as f64;
                reasons.push(format!("{conflicts} clashes in the scheduled window"));
            }
        }
        out.push(Suggestion {
            user_id: uid,
            username: u.username,
            display_name: u.display_name,
            score,
            level,
            skill_match,
            same_site,
            same_customer,
            open_work: open.len(),
            schedule_conflicts: conflicts,
            more_expert_than_assignees: level > assignee_level,
            matched_skills,
            reasons,
        });
    }
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.username.cmp(&b.username))
    });
    Ok(out)
}

/// The projected row of one work order.
pub fn work_order_row(s: &dyn Storage, id: DocId) -> Result<WorkOrderRow, HubError> {
    s.list_work_orders(&WorkOrderFilter {
        limit: Some(5000),
        ..Default::default()
    })?
    .into_iter()
    .find(|r| r.doc_id == id.to_string())
    .ok_or(HubError::NotFound(id))
}

/// Earliest and latest instants a visit may be planned at (2000-01-01 and 2100-01-01 UTC):
/// anything outside is a typo or an attack, and would overflow date arithmetic later.
const PLAUSIBLE_MS: std::ops::Range<TimestampMs> = 946_684_800_000..4_102_444_800_000;
/// The longest visit window a dispatcher may plan.
const MAX_WINDOW_MS: i64 = 31 * 24 * 3_600_000;

/// A planned visit window: both ends plausible times, in order, at most 31 days apart.
pub fn check_window(start_ms: TimestampMs, end_ms: TimestampMs) -> Result<(), String> {
    for (name, t) in [("start_ms", start_ms), ("end_ms", end_ms)] {
        if !PLAUSIBLE_MS.contains(&t) {
            return Err(format!(
                "{name} {t} is not a time between 2000 and 2100 (milliseconds since 1970)"
            ));
        }
    }
    if end_ms < start_ms {
        return Err("the window cannot end before it starts".into());
    }
    if end_ms - start_ms > MAX_WINDOW_MS {
        return Err("a visit window is at most 31 days".into());
    }
    Ok(())
}

/// Move a work order's scheduled window (server actor; reaches the engineer at next sync).
pub fn reschedule(
    hub: &Hub,
    id: DocId,
    start_ms: TimestampMs,
    end_ms: TimestampMs,
    now: TimestampMs,
) -> Result<(), HubError> {
    check_window(start_ms, end_ms).map_err(HubError::Invalid)?;
    hub.server_edit(id, now, |doc, kind| {
        if kind != fieldsync::DocKind::WorkOrder {
            return Err(model::ModelError::Invalid(
                "only work orders are scheduled".into(),
            ));
        }
        model::set_schedule(doc, start_ms, end_ms, now)
    })?;
    Ok(())
}
