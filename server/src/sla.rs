//! The server side of SLAs: contracts per customer, due times written into incidents by the
//! server's actor (on creation and whenever priority or category change), SLA state for the
//! work-order list, and the escalation sweep (at risk / breached → `escalated` events,
//! supervisor notifications, a more expert engineer suggested).
//!
//! Everything here blocks (storage and Automerge): run it on the blocking pool.

use crate::dispatch;
use crate::hub::{Hub, HubError};
use crate::storage::{
    ContractRow, NewNotification, Storage, WorkOrderFilter, WorkOrderRow, scheduling_of,
};
use fieldsync::model::{self, EventExtra, WorkOrder, work_order::Sla};
use fieldsync::sla::{CompiledContract, Contract, SlaEvent, SlaReport, SlaState, SlaSubject};
use fieldsync::status::{EventKind, Status};
use fieldsync::{DocId, Role, TimestampMs};
use std::collections::HashMap;

/// The `by` of events the server writes on its own account.
pub const SERVER_AUTHOR: &str = "server";

/// Parse and check a contract body.
pub fn parse_contract(json: &str) -> Result<(Contract, CompiledContract), HubError> {
    let c: Contract =
        serde_json::from_str(json).map_err(|e| HubError::Invalid(format!("contract: {e}")))?;
    let compiled = c.compile().map_err(|e| HubError::Invalid(e.to_string()))?;
    Ok((c, compiled))
}

/// Store a customer's contract (validated first).
pub fn put_contract(s: &dyn Storage, c: &Contract, now: TimestampMs) -> Result<(), HubError> {
    c.compile().map_err(|e| HubError::Invalid(e.to_string()))?;
    let body = serde_json::to_string(c).map_err(|e| HubError::Invalid(e.to_string()))?;
    scheduling_of(s)?.put_contract(&ContractRow {
        customer_id: c.customer_id.clone(),
        body,
        updated_at_ms: now,
    })?;
    Ok(())
}

/// The compiled contract of a customer, if any.
pub fn contract_for(
    s: &dyn Storage,
    customer_id: &str,
) -> Result<Option<CompiledContract>, HubError> {
    match scheduling_of(s)?.contract(customer_id)? {
        Some(row) => Ok(Some(parse_contract(&row.body)?.1)),
        None => Ok(None),
    }
}

/// Every contract, compiled, by customer (bad stored ones are logged and skipped).
pub fn all_contracts(s: &dyn Storage) -> Result<HashMap<String, CompiledContract>, HubError> {
    let mut out = HashMap::new();
    for row in scheduling_of(s)?.list_contracts()? {
        match parse_contract(&row.body) {
            Ok((_, c)) => {
                out.insert(row.customer_id, c);
            }
            Err(e) => {
                tracing::warn!(customer = %row.customer_id, error = %e, "stored contract is invalid")
            }
        }
    }
    Ok(out)
}

/// What the due times and priority of an incident should be under its contract.
fn expected(
    c: &CompiledContract,
    wo_priority: Option<&str>,
    impact: Option<i64>,
    urgency: Option<i64>,
    category: Option<&str>,
    opened: TimestampMs,
) -> Result<(Option<String>, Sla), HubError> {
    let priority = match (impact, urgency) {
        (Some(i), Some(u)) => c.priority(i, u).map(str::to_owned),
        _ => wo_priority.map(str::to_owned),
    };
    let sla = match &priority {
        Some(p) => c
            .due_times(opened, p, category)
            .map_err(|e| HubError::Invalid(e.to_string()))?
            .unwrap_or_default(),
        None => Sla::default(),
    };
    Ok((priority, sla))
}

/// Write the contract's priority and due times into an incident if they differ (server
/// actor). Returns the due times in force; `None` without a contract or for other kinds.
pub fn apply_due_times(hub: &Hub, id: DocId, now: TimestampMs) -> Result<Option<Sla>, HubError> {
    let (_, doc) = hub.load(id)?.ok_or(HubError::NotFound(id))?;
    let wo = WorkOrder::from_doc(&doc)?;
    if wo.kind != "incident" {
        return Ok(None);
    }
    let Some(customer) = wo.customer_id.as_deref() else {
        return Ok(None);
    };
    let Some(c) = contract_for(hub.db().blocking(), customer)? else {
        return Ok(None);
    };
    let (priority, sla) = expected(
        &c,
        wo.priority.as_deref(),
        wo.impact,
        wo.urgency,
        wo.category.as_deref(),
        wo.created_at_ms,
    )?;
    if priority == wo.priority && sla == wo.sla {
        return Ok(Some(sla));
    }
    let out = sla.clone();
    hub.server_edit(id, now, move |doc, _| {
        if let Some(p) = &priority {
            use automerge::transaction::Transactable;
            doc.put(automerge::ROOT, "priority", p.as_str())?;
        }
        model::set_sla(doc, &sla, now)
    })?;
    Ok(Some(out))
}

/// The events of work orders as the SLA engine reads them: device stamps with the server's
/// receipt times, from the event projection, by document id.
pub fn sla_events(
    s: &dyn Storage,
    doc_ids: &[String],
) -> Result<HashMap<String, Vec<SlaEvent>>, HubError> {
    let mut out: HashMap<String, Vec<SlaEvent>> = HashMap::new();
    for e in scheduling_of(s)?.work_order_events(doc_ids)? {
        out.entry(e.doc_id.clone()).or_default().push(SlaEvent {
            id: e.event_id,
            kind: e.kind,
            at_ms: e.at_ms,
            received_at_ms: Some(e.received_at_ms),
        });
    }
    Ok(out)
}

/// What the engine measures of a listed work order ([`sla_events`] gives `events`).
pub fn subject(row: &WorkOrderRow, events: Vec<SlaEvent>) -> SlaSubject<'_> {
    SlaSubject {
        opened_at_ms: row.created_at_ms,
        priority: row.priority.as_deref(),
        category: row.category.as_deref(),
        events,
    }
}

/// The SLA clocks of listed work orders (incidents of customers with a contract), computed
/// from the projected events with their receipt times. The dispatch board and the KPIs both
/// measure with this.
pub fn reports_for(
    s: &dyn Storage,
    rows: &[WorkOrderRow],
    contracts: &HashMap<String, CompiledContract>,
    now: TimestampMs,
) -> Result<HashMap<String, SlaReport>, HubError> {
    let wanted: Vec<&WorkOrderRow> = rows
        .iter()
        .filter(|r| r.kind == "incident")
        .filter(|r| {
            r.customer_id
                .as_ref()
                .is_some_and(|c| contracts.contains_key(c))
        })
        .collect();
    let ids: Vec<String> = wanted.iter().map(|r| r.doc_id.clone()).collect();
    let mut events = sla_events(s, &ids)?;
    let mut out = HashMap::new();
    for r in wanted {
        let Some(c) = r.customer_id.as_ref().and_then(|c| contracts.get(c)) else {
            continue;
        };
        let subject = subject(r, events.remove(&r.doc_id).unwrap_or_default());
        match c.evaluate(&subject, now) {
            Ok(Some(rep)) => {
                out.insert(r.doc_id.clone(), rep);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(doc = %r.doc_id, error = %e, "SLA clock failed"),
        }
    }
    Ok(out)
}

/// What one sweep did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct SweepReport {
    pub checked: usize,
    pub due_times_written: usize,
    pub escalations: usize,
    pub notifications: usize,
}

/// The SLA job: fix due times that no longer match priority/category, then escalate clocks
/// at risk or breached (once per clock and state).
pub fn sweep(hub: &Hub, now: TimestampMs) -> Result<SweepReport, HubError> {
    let s = hub.db().blocking();
    let contracts = all_contracts(s)?;
    let mut report = SweepReport::default();
    if contracts.is_empty() {
        return Ok(report);
    }
    let rows: Vec<WorkOrderRow> = s
        .list_work_orders(&WorkOrderFilter {
            limit: Some(5000),
            ..Default::default()
        })?
        .into_iter()
        .filter(|r| r.kind == "incident" && Status::parse(&r.status).is_some_and(Status::is_open))
        .filter(|r| {
            r.customer_id
                .as_ref()
                .is_some_and(|c| contracts.contains_key(c))
        })
        .collect();
    report.checked = rows.len();
    for r in &rows {
        let Some(c) = r.customer_id.as_ref().and_then(|c| contracts.get(c)) else {
            continue;
        };
        let Some(p) = r.priority.as_deref() else {
            continue;
        };
        let want = c
            .due_times(r.created_at_ms, p, r.category.as_deref())
            .map_err(|e| HubError::Invalid(e.to_string()))?
            .unwrap_or_default();
        if want.response_due_ms != r.response_due_ms
            || want.resolution_due_ms != r.resolution_due_ms
        {
            let id: DocId = r
                .doc_id
                .parse()
                .map_err(|e| HubError::Invalid(format!("{e}")))?;
            apply_due_times(hub, id, now)?;
            report.due_times_written += 1;
        }
    }
    let reports = reports_for(s, &rows, &contracts, now)?;
    let events = scheduling_of(s)?
        .work_order_events(&rows.iter().map(|r| r.doc_id.clone()).collect::<Vec<_>>())?;
    for r in &rows {
        let Some(rep) = reports.get(&r.doc_id) else {
            continue;
        };
        let done: Vec<&str> = events
            .iter()
            .filter(|e| e.doc_id == r.doc_id && e.kind == EventKind::Escalated.as_str())
            .filter_map(|e| e.note.as_deref())
            .collect();
        let (e, n) = escalate(hub, r, rep, &done, now)?;
        report.escalations += e;
        report.notifications += n;
    }
    Ok(report)
}

/// Escalate one work order's clocks: at risk → functional (suggest a more expert engineer);
/// breached → functional and hierarchical (notify every supervisor). Each (clock, state,
/// kind) is recorded once, as an `escalated` event whose note starts with its key.
fn escalate(
    hub: &Hub,
    row: &WorkOrderRow,
    rep: &SlaReport,
    done: &[&str],
    now: TimestampMs,
) -> Result<(usize, usize), HubError> {
    let s = hub.db().blocking();
    let id: DocId = row
        .doc_id
        .parse()
        .map_err(|e| HubError::Invalid(format!("{e}")))?;
    let mut escalations = 0;
    let mut notified = 0;
    for (clock, c) in [("response", &rep.response), ("resolution", &rep.resolution)] {
        let kinds: &[&str] = match c.state {
            SlaState::AtRisk => &["functional"],
            SlaState::Breached => &["functional", "hierarchical"],
            _ => continue,
        };
        for kind in kinds {
            let key = format!("[{clock} {} · {kind}]", c.state.as_str());
            if done.iter().any(|n| n.starts_with(&key)) {
                continue;
            }
            let mins = c.remaining_ms / 60_000;
            let when = if mins >= 0 {
                format!("{mins} business min left")
            } else {
                format!("{} business min over", -mins)
            };
            let mut suggested = None;
            let note = if *kind == "hierarchical" {
                let sups: Vec<_> = s
                    .list_users()?
                    .into_iter()
                    .filter(|u| u.role == Role::Supervisor && !u.disabled)
                    .collect();
                for u in &sups {
                    scheduling_of(s)?.add_notification(&NewNotification {
                        user_id: u.id.to_string(),
                        doc_id: Some(row.doc_id.clone()),
                        kind: format!("sla_{}", c.state.as_str()),
                        message: format!(
                            "{} {}: {clock} SLA {} ({when})",
                            row.number.clone().unwrap_or_default(),
                            row.title,
                            c.state.as_str()
                        ),
                        created_at_ms: now,
                    })?;
                    notified += 1;
                }
                let names: Vec<&str> = sups.iter().map(|u| u.display_name.as_str()).collect();
                format!(
                    "{key} {when}; supervisor notified: {}",
                    if names.is_empty() {
                        "none configured".into()
                    } else {
                        names.join(", ")
                    }
                )
            } else {
                let best = dispatch::suggestions(s, row, now)?.into_iter().find(|sug| {
                    !row.assignees.contains(&sug.user_id) && sug.more_expert_than_assignees
                });
                match best {
                    Some(b) => {
                        suggested = Some(b.user_id.clone());
                        format!(
                            "{key} {when}; suggest {} (level {}, {})",
                            b.display_name,
                            b.level,
                            b.reasons.join(", ")
                        )
                    }
                    None => format!("{key} {when}; no more expert engineer available"),
                }
            };
            let note2 = note.clone();
            hub.server_edit(id, now, move |doc, _| {
                model::record_event(
                    doc,
                    EventKind::Escalated,
                    SERVER_AUTHOR,
                    now,
                    EventExtra {
                        note: Some(note2.clone()),
                        outcome: Some((*kind).to_owned()),
                        assignee: suggested.clone(),
                    },
                )
                .map(|_| ())
            })?;
            tracing::info!(doc = %id, %note, "escalated");
            escalations += 1;
        }
    }
    Ok((escalations, notified))
}
