//! The plan generator: creates the inspection work orders of every active plan for its lead
//! time, each with the deterministic id of its occurrence, so re-runs, restarts and several
//! server instances never duplicate. Plan CRUD lives here too because an edit must cancel
//! the future, untouched occurrences that the new version no longer has.

use super::{CompiledPlan, DayFilter, Occurrence, Plan};
use crate::hub::{Hub, HubError};
use crate::storage::{NewOccurrence, PlanRow, scheduling_of};
use fieldsync::model::{self, ChecklistItem, ChecklistTemplate, EventExtra, NewWorkOrder};
use fieldsync::status::{EventKind, Status};
use fieldsync::{DocId, DocKind, TimestampMs};
use fieldsync_i18n::{Lang, tl};
use serde::Serialize;
use std::collections::HashSet;
use uuid::Uuid;

const DAY_MS: i64 = 24 * 3600 * 1000;
/// Occurrences one plan may create in one run (a daily plan for a year is 366).
const MAX_PER_RUN: usize = 1000;

/// What a run did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GenReport {
    pub plans: usize,
    pub paused: usize,
    pub created: usize,
    pub existing: usize,
    pub errors: Vec<String>,
}

/// Parse a stored plan row.
pub fn parse_row(row: &PlanRow) -> Result<Plan, HubError> {
    serde_json::from_str(&row.body)
        .map_err(|e| HubError::Invalid(format!("stored plan {}: {e}", row.id)))
}

/// Load one plan.
pub fn get_plan(hub: &Hub, id: Uuid) -> Result<Option<Plan>, HubError> {
    match scheduling_of(hub.db().blocking())?.plan(&id.to_string())? {
        Some(row) => Ok(Some(parse_row(&row)?)),
        None => Ok(None),
    }
}

fn store(hub: &Hub, plan: &Plan, now: TimestampMs) -> Result<(), HubError> {
    let id = plan
        .id
        .ok_or_else(|| HubError::Invalid("plan without id".into()))?;
    let body = serde_json::to_string(plan).map_err(|e| HubError::Invalid(e.to_string()))?;
    scheduling_of(hub.db().blocking())?.put_plan(&PlanRow {
        id: id.to_string(),
        customer_id: plan.customer_id.clone(),
        paused: plan.paused,
        body,
        updated_at_ms: now,
    })?;
    Ok(())
}

/// Compile a plan on its site's calendar: the customer's contract's on-site calendar decides
/// which days are working days (read only when the plan keeps to working days).
pub fn compile(hub: &Hub, plan: &Plan) -> Result<CompiledPlan, HubError> {
    if plan.day_filter == DayFilter::Every {
        return plan.compile();
    }
    let contract = crate::sla::contract_for(hub.db().blocking(), &plan.customer_id)?;
    plan.compile_on(contract.as_ref().map(|c| &c.contract.calendar))
}

/// Create a plan (a new id, effective now).
pub fn create_plan(hub: &Hub, mut plan: Plan, now: TimestampMs) -> Result<Plan, HubError> {
    plan.id = Some(Uuid::new_v4());
    plan.revision = 1;
    plan.effective_from_ms = now;
    compile(hub, &plan)?;
    store(hub, &plan, now)?;
    Ok(plan)
}

/// What an edit did to already generated occurrences.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EditReport {
    pub plan: Option<Plan>,
    /// Future occurrences of the old version, not started, that the new version lacks.
    pub cancelled: usize,
}

/// Replace a plan. Occurrences that started before now are never touched; future ones not
/// yet started (new/assigned) that the new rule no longer produces are cancelled with a note.
pub fn update_plan(
    hub: &Hub,
    id: Uuid,
    mut plan: Plan,
    now: TimestampMs,
) -> Result<EditReport, HubError> {
    let old = get_plan(hub, id)?.ok_or_else(|| HubError::Invalid(format!("no plan {id}")))?;
    plan.id = Some(id);
    plan.revision = old.revision + 1;
    plan.effective_from_ms = now;
    let compiled = compile(hub, &plan)?;
    store(hub, &plan, now)?;
    let s = hub.db().blocking();
    let future = scheduling_of(s)?.plan_occurrences(&id.to_string(), now, i64::MAX)?;
    let keep: HashSet<(TimestampMs, TimestampMs)> = match future.last() {
        Some(last) if !plan.paused => compiled
            .occurrences(now, last.start_ms + 1, 100_000)
            .into_iter()
            .map(|o| (o.start_ms, o.end_ms))
            .collect(),
        _ => HashSet::new(),
    };
    let mut cancelled = 0;
    for o in future {
        let untouched = o
            .status
            .as_deref()
            .and_then(Status::parse)
            .is_some_and(|s| matches!(s, Status::New | Status::Assigned));
        // Pausing stops new occurrences; those already planned stay.
        if !untouched || plan.paused || keep.contains(&(o.start_ms, o.end_ms)) {
            continue;
        }
        let doc: DocId = o
            .doc_id
            .parse()
            .map_err(|e| HubError::Invalid(format!("{e}")))?;
        hub.server_edit(doc, now, |d, _| {
            model::record_event(
                d,
                EventKind::Cancelled,
                crate::sla::SERVER_AUTHOR,
                now,
                EventExtra {
                    note: Some(format!(
                        "plan changed (revision {}): occurrence no longer planned",
                        plan.revision
                    )),
                    ..Default::default()
                },
            )
            .map(|_| ())
        })?;
        cancelled += 1;
    }
    Ok(EditReport {
        plan: Some(plan),
        cancelled,
    })
}

/// A work order's starting checklist: (item id, item).
type Checklist = Vec<(String, ChecklistItem)>;

/// The checklist of a template document (empty if there is none).
fn checklist_of(
    hub: &Hub,
    template: Option<&str>,
) -> Result<Vec<(String, ChecklistItem)>, HubError> {
    let Some(t) = template else {
        return Ok(Vec::new());
    };
    let id: DocId = t
        .parse()
        .map_err(|e| HubError::Invalid(format!("template_id {t:?}: {e}")))?;
    match hub.load(id)? {
        Some((DocKind::ChecklistTemplate, doc)) => {
            Ok(ChecklistTemplate::from_doc(&doc)?.instantiate())
        }
        _ => Err(HubError::Invalid(format!("template {t} does not exist"))),
    }
}

/// The language the plan's work orders are written in: their site's (the customer reads
/// them on the service report), else the server's default.
fn language_of(hub: &Hub, plan: &Plan) -> Result<Lang, HubError> {
    let Ok(id) = plan.site_id.parse::<DocId>() else {
        return Ok(fieldsync_i18n::current());
    };
    let named = match hub.load(id)? {
        Some((DocKind::Site, doc)) => model::Site::from_doc(&doc)
            .ok()
            .and_then(|s| s.language)
            .and_then(|code| Lang::from_code(&code)),
        _ => None,
    };
    Ok(named.unwrap_or_else(fieldsync_i18n::current))
}

/// The devices a plan covers.
fn devices_of(hub: &Hub, plan: &Plan) -> Result<Vec<String>, HubError> {
    let mut out = plan.device_ids.clone();
    if let Some(f) = &plan.device_filter {
        for d in hub.db().blocking().list_device_records(None, 100_000)? {
            let at_site = d.site_id.as_deref() == Some(plan.site_id.as_str());
            let type_ok = f
                .device_type
                .as_ref()
                .is_none_or(|t| d.device_type.eq_ignore_ascii_case(t));
            if at_site && type_ok && !out.contains(&d.doc_id) {
                out.push(d.doc_id);
            }
        }
    }
    Ok(out)
}

/// Work orders created per transaction: a year of a weekly plan is one batch.
const BATCH: usize = 128;

/// Create (or find) the work orders of one compiled plan for `[from, to)`, a batch of
/// occurrences per transaction.
fn generate_plan(
    hub: &Hub,
    cp: &CompiledPlan,
    occs: &[Occurrence],
    now: TimestampMs,
    report: &mut GenReport,
) -> Result<(), HubError> {
    let s = hub.db().blocking();
    let sched = scheduling_of(s)?;
    let plan = &cp.plan;
    // Resolved lazily: a run where everything exists reads no template and no devices.
    let mut prepared: Option<(Checklist, Vec<String>, Lang)> = None;
    for chunk in occs.chunks(BATCH) {
        let mut records = Vec::with_capacity(chunk.len());
        let mut new_docs = Vec::new();
        for o in chunk {
            let id = DocId(cp.occurrence_id(o.start_ms));
            records.push(NewOccurrence {
                plan_id: cp.id.to_string(),
                start_ms: o.start_ms,
                end_ms: o.end_ms,
                doc_id: id.to_string(),
                created_at_ms: now,
            });
            if s.doc_info(id)?.is_some() {
                report.existing += 1;
                continue;
            }
            if prepared.is_none() {
                prepared = Some((
                    checklist_of(hub, plan.template_id.as_deref())?,
                    devices_of(hub, plan)?,
                    language_of(hub, plan)?,
                ));
            }
            let Some((checklist, devices, lang)) = &prepared else {
                continue;
            };
            new_docs.push((
                id,
                DocKind::WorkOrder,
                occurrence_writer(cp, o, checklist, devices, *lang, now),
            ));
        }
        for created in hub.create_docs(new_docs, None, now)? {
            if created {
                report.created += 1;
            } else {
                // Another instance created it between the check and the write.
                report.existing += 1;
            }
        }
        sched.record_occurrences(&records)?;
    }
    Ok(())
}

/// The writer of one occurrence's inspection work order.
fn occurrence_writer(
    cp: &CompiledPlan,
    o: &Occurrence,
    checklist: &Checklist,
    devices: &[String],
    lang: Lang,
    now: TimestampMs,
) -> impl FnOnce(&mut automerge::AutoCommit) -> Result<(), model::ModelError> + use<> {
    let plan = &cp.plan;
    let id = DocId(cp.occurrence_id(o.start_ms));
    let date = chrono::DateTime::from_timestamp_millis(o.start_ms)
        .map(|d| fieldsync_i18n::time::full_date(lang, &d.with_timezone(&cp.tz).date_naive()))
        .unwrap_or_default();
    let new = NewWorkOrder {
        kind: "inspection".into(),
        title: tl!(
            lang,
            "plan-occurrence-title",
            plan = &plan.title,
            date = date
        ),
        description: tl!(
            lang,
            "plan-occurrence-description",
            from = &plan.window_start,
            to = &plan.window_end,
            zone = &plan.time_zone
        ),
        customer_id: Some(plan.customer_id.clone()),
        site_id: Some(plan.site_id.clone()),
        device_ids: devices.to_vec(),
        scheduled_start_ms: Some(o.start_ms),
        scheduled_end_ms: Some(o.end_ms),
        assignees: plan.default_engineer.iter().cloned().collect(),
        checklist: checklist.clone(),
        template_id: plan.template_id.clone(),
        plan_id: Some(cp.id.to_string()),
        ..Default::default()
    };
    let priority = plan.priority.clone();
    move |d| {
        model::create_work_order(d, id, &new, crate::sla::SERVER_AUTHOR, now)?;
        if let Some(p) = priority {
            use automerge::transaction::Transactable;
            d.put(automerge::ROOT, "priority", p)?;
            model::commit(d, "plan priority", now);
        }
        Ok(())
    }
}

/// Run the generator for every plan (or one), as of `now`.
pub fn run(hub: &Hub, now: TimestampMs, only: Option<Uuid>) -> Result<GenReport, HubError> {
    let mut report = GenReport::default();
    let rows = scheduling_of(hub.db().blocking())?.list_plans()?;
    for row in rows {
        if only.is_some_and(|id| id.to_string() != row.id) {
            continue;
        }
        report.plans += 1;
        let result = (|| -> Result<(), HubError> {
            let plan = parse_row(&row)?;
            if plan.paused {
                report.paused += 1;
                return Ok(());
            }
            let cp = compile(hub, &plan)?;
            let from = now.max(plan.effective_from_ms);
            let to = now.saturating_add(i64::from(plan.horizon_days) * DAY_MS);
            let occs = cp.occurrences(from, to, MAX_PER_RUN);
            generate_plan(hub, &cp, &occs, now, &mut report)
        })();
        if let Err(e) = result {
            tracing::warn!(plan = %row.id, error = %e, "plan generation failed");
            report.errors.push(format!("plan {}: {e}", row.id));
        }
    }
    Ok(report)
}
