//! The work order: a visit, inspection, repair or change, with its event log, checklist,
//! parts, time, photos and the customer's sign-off.

use super::change::{ChangeApproval, ChangeClass};
use super::check_kind::CheckKind;
use super::doc::{ModelError, commit, ensure_map, get_map, new_document, put_opt, update_text};
use super::refusal::Refusal;
use crate::ids::{DocId, DocKind, TimestampMs};
use crate::status::{Event, EventKind, Folded, fold};
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kind of work.
pub const WORK_KINDS: [&str; 4] = ["incident", "inspection", "maintenance", "change"];
/// Fault categories used in the monthly statistics (DOMAIN.md).
pub const CATEGORIES: [&str; 6] = [
    "network", "security", "software", "hardware", "account", "other",
];

/// A work order as the app and the server read it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkOrder {
    pub schema_version: i64,
    pub doc_type: String,
    pub id: String,
    #[serde(default = "default_kind")]
    pub kind: String,
    pub title: String,
    pub description: String,
    pub findings: String,
    pub number: Option<String>,
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    /// Set of device ids (a map, so concurrent additions both survive).
    pub device_ids: BTreeMap<String, bool>,
    pub category: Option<String>,
    /// 1 (high) … 3 (low).
    pub impact: Option<i64>,
    /// 1 (high) … 3 (low).
    pub urgency: Option<i64>,
    /// "P1" … "P4".
    pub priority: Option<String>,
    pub sla: Sla,
    pub scheduled_start_ms: Option<TimestampMs>,
    pub scheduled_end_ms: Option<TimestampMs>,
    /// Set of assigned user ids.
    pub assignees: BTreeMap<String, bool>,
    pub events: Vec<Event>,
    pub checklist: BTreeMap<String, ChecklistItem>,
    pub parts: BTreeMap<String, PartUsed>,
    pub time_entries: BTreeMap<String, TimeEntry>,
    pub photos: BTreeMap<String, PhotoRef>,
    /// Outages of linked devices (see [`super::outage`]).
    pub outages: super::outage::Outages,
    pub signature: Option<Signature>,
    pub template_id: Option<String>,
    pub plan_id: Option<String>,
    /// The inspection this follow-up incident came from.
    pub parent_id: Option<String>,
    /// The checklist item of that inspection whose finding it follows up.
    pub parent_check: Option<String>,
    /// Who reported it and how to call them back (the service desk asks both).
    pub caller: Option<Caller>,
    /// A change's class (standard, emergency, major; see [`super::change`]).
    pub change_class: Option<ChangeClass>,
    /// A supervisor's decision on a change.
    pub change_approval: Option<ChangeApproval>,
    pub created_by: String,
    pub created_at_ms: TimestampMs,
}

/// The person who reported an incident: a name and a number to call back, as the service
/// desk writes them (`王芳`, `138 0013 8000`, `010-6888 1234 转 8021`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct Caller {
    pub name: String,
    pub phone: String,
}

/// Longest caller name and phone number kept.
pub const CALLER_NAME_MAX: usize = 100;
pub const CALLER_PHONE_MAX: usize = 40;

impl Caller {
    /// A caller with surrounding blanks trimmed, or `None` when both are empty.
    pub fn new(name: &str, phone: &str) -> Option<Caller> {
        let (name, phone) = (name.trim(), phone.trim());
        (!name.is_empty() || !phone.is_empty()).then(|| Caller {
            name: name.to_owned(),
            phone: phone.to_owned(),
        })
    }

    /// Lengths within bounds, and a phone number with at least three digits when given.
    pub fn check(&self) -> Result<(), String> {
        if self.name.chars().count() > CALLER_NAME_MAX {
            return Err(format!(
                "the caller's name is longer than {CALLER_NAME_MAX} characters"
            ));
        }
        if self.phone.chars().count() > CALLER_PHONE_MAX {
            return Err(format!(
                "the caller's phone number is longer than {CALLER_PHONE_MAX} characters"
            ));
        }
        if !self.phone.is_empty() && self.phone.chars().filter(char::is_ascii_digit).count() < 3 {
            return Err(format!(
                "the caller's phone number {:?} has fewer than three digits",
                self.phone
            ));
        }
        Ok(())
    }
}

fn default_kind() -> String {
    "incident".into()
}

/// SLA due times, written by the dispatcher or the server's SLA engine.
#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct Sla {
    #[autosurgeon(missing = "Option::default")]
    pub response_due_ms: Option<TimestampMs>,
    #[autosurgeon(missing = "Option::default")]
    pub resolution_due_ms: Option<TimestampMs>,
}

/// One checklist item: the definition (from the template) and the engineer's result.
#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct ChecklistItem {
    pub label: String,
    pub kind: CheckKind,
    #[autosurgeon(missing = "bool::default")]
    pub required: bool,
    #[autosurgeon(missing = "i64::default")]
    pub order: i64,
    #[autosurgeon(missing = "Option::default")]
    pub unit: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub min: Option<f64>,
    #[autosurgeon(missing = "Option::default")]
    pub max: Option<f64>,
    #[autosurgeon(missing = "Vec::new")]
    pub choices: Vec<String>,
    /// Result fields, written by the engineer.
    #[autosurgeon(missing = "Option::default")]
    pub result: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub reading: Option<f64>,
    #[autosurgeon(missing = "Option::default")]
    pub text: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub choice: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub photo: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub note: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub by: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub at_ms: Option<TimestampMs>,
    /// The incident opened for this finding (its id); the incident names this item back in
    /// `parent_check`.
    #[autosurgeon(missing = "Option::default")]
    pub follow_up: Option<String>,
}

impl ChecklistItem {
    /// Has the engineer recorded a result of the item's kind?
    pub fn is_answered(&self) -> bool {
        match &self.kind {
            CheckKind::PassFail => self.result.is_some(),
            CheckKind::Reading => self.reading.is_some(),
            CheckKind::Text => self.text.as_deref().is_some_and(|t| !t.trim().is_empty()),
            CheckKind::Choice => self.choice.is_some(),
            CheckKind::Photo => self.photo.is_some(),
            CheckKind::Unknown(_) => self.result.is_some() || self.text.is_some(),
        }
    }

    /// A reading outside its limits (the report and the UI flag it).
    pub fn out_of_range(&self) -> bool {
        match self.reading {
            Some(v) => self.min.is_some_and(|m| v < m) || self.max.is_some_and(|m| v > m),
            None => false,
        }
    }

    /// A failed pass/fail item or an out-of-range reading: a finding.
    pub fn is_failed(&self) -> bool {
        self.result.as_deref() == Some("fail") || self.out_of_range()
    }

    /// A finding without a reason written: completion asks for one.
    pub fn needs_reason(&self) -> bool {
        self.is_failed() && self.note.as_deref().is_none_or(|n| n.trim().is_empty())
    }
}

/// A part used on the visit; replacing a part needs the customer's consent (DOMAIN.md).
#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct PartUsed {
    pub name: String,
    #[autosurgeon(missing = "Option::default")]
    pub part_number: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub serial: Option<String>,
    pub quantity: i64,
    #[autosurgeon(missing = "bool::default")]
    pub customer_consent: bool,
    #[autosurgeon(missing = "Option::default")]
    pub by: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub at_ms: Option<TimestampMs>,
}

#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeEntry {
    pub start_ms: TimestampMs,
    pub end_ms: TimestampMs,
    #[autosurgeon(missing = "Option::default")]
    pub note: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub by: Option<String>,
}

/// A photo attached to the work order; the bytes are a content-addressed blob.
#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct PhotoRef {
    pub sha256: String,
    #[autosurgeon(missing = "Option::default")]
    pub caption: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub checklist_item: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub by: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub at_ms: Option<TimestampMs>,
}

/// The customer's sign-off: the rendered image is a blob, the strokes are kept too.
#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct Signature {
    pub signer_name: String,
    pub signed_at_ms: TimestampMs,
    #[autosurgeon(missing = "Option::default")]
    pub image_sha256: Option<String>,
    /// Strokes as flat lists of x,y pairs (pad coordinates).
    #[autosurgeon(missing = "Vec::new")]
    pub strokes: Vec<Vec<f64>>,
}

impl WorkOrder {
    /// Read and validate a work order document.
    pub fn from_doc(doc: &impl ReadDoc) -> Result<Self, ModelError> {
        let wo: WorkOrder = super::read::read(doc, "work order")?;
        wo.validate()?;
        Ok(wo)
    }

    /// Schema rules beyond types: enums, ranges, ids.
    pub fn validate(&self) -> Result<(), ModelError> {
        let bad = |detail: String| ModelError::Shape {
            kind: "work order",
            detail,
        };
        if self.doc_type != DocKind::WorkOrder.as_str() {
            return Err(ModelError::WrongKind {
                expected: DocKind::WorkOrder,
                found: self.doc_type.clone(),
            });
        }
        if self.id.parse::<DocId>().is_err() {
            return Err(bad(format!("id {:?} is not a UUID", self.id)));
        }
        if !WORK_KINDS.contains(&self.kind.as_str()) {
            return Err(bad(format!(
                "kind {:?} is not one of {WORK_KINDS:?}",
                self.kind
            )));
        }
        if let Some(c) = &self.category
            && !CATEGORIES.contains(&c.as_str())
        {
            return Err(bad(format!("category {c:?} is not one of {CATEGORIES:?}")));
        }
        if let Some(c) = &self.caller {
            c.check().map_err(bad)?;
        }
        self.check_change_fields().map_err(bad)?;
        for (name, v) in [("impact", self.impact), ("urgency", self.urgency)] {
            if let Some(v) = v
                && !(1..=3).contains(&v)
            {
                return Err(bad(format!("{name} {v} is outside 1..=3")));
            }
        }
        if let Some(p) = &self.priority
            && !["P1", "P2", "P3", "P4"].contains(&p.as_str())
        {
            return Err(bad(format!("priority {p:?} is not P1..P4")));
        }
        for (id, item) in &self.checklist {
            if !item.kind.is_known() {
                return Err(bad(format!(
                    "checklist item {id}: kind {:?} unknown",
                    item.kind
                )));
            }
            if let Some(r) = &item.result
                && !["pass", "fail", "na"].contains(&r.as_str())
            {
                return Err(bad(format!("checklist item {id}: result {r:?} unknown")));
            }
        }
        for (id, p) in &self.parts {
            if p.quantity <= 0 {
                return Err(bad(format!("part {id}: quantity must be positive")));
            }
        }
        Ok(())
    }

    pub fn doc_id(&self) -> Option<DocId> {
        self.id.parse().ok()
    }

    pub fn fold(&self) -> Folded {
        fold(&self.events)
    }

    pub fn is_assigned_to(&self, user: &str) -> bool {
        self.assignees.get(user).copied().unwrap_or(false)
    }

    /// Checklist items in display order.
    pub fn checklist_sorted(&self) -> Vec<(&String, &ChecklistItem)> {
        let mut items: Vec<_> = self.checklist.iter().collect();
        items.sort_by(|a, b| a.1.order.cmp(&b.1.order).then_with(|| a.0.cmp(b.0)));
        items
    }

    /// Required items still without a result: completion is refused while any remain.
    pub fn missing_required(&self) -> Vec<&ChecklistItem> {
        self.checklist_sorted()
            .into_iter()
            .map(|(_, i)| i)
            .filter(|i| i.required && !i.is_answered())
            .collect()
    }

    /// Time on site from the first on-site event to completion, less holds.
    pub fn time_on_site_ms(&self) -> Option<i64> {
        let f = self.fold();
        Some((f.completed_at_ms? - f.first_on_site_ms?) - f.on_hold_ms)
    }
}

/// Priority = impact × urgency (1 high … 3 low) → P1…P4, the default matrix.
pub fn priority_for(impact: i64, urgency: i64) -> &'static str {
    match impact + urgency {
        ..=2 => "P1",
        3 => "P2",
        4 => "P3",
        _ => "P4",
    }
}

/// What a dispatcher (or an engineer on site) fills in to open a work order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewWorkOrder {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub device_ids: Vec<String>,
    pub category: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub scheduled_start_ms: Option<TimestampMs>,
    pub scheduled_end_ms: Option<TimestampMs>,
    pub assignees: Vec<String>,
    pub checklist: Vec<(String, ChecklistItem)>,
    pub template_id: Option<String>,
    pub plan_id: Option<String>,
    pub parent_id: Option<String>,
    pub parent_check: Option<String>,
    pub number: Option<String>,
    pub caller: Option<Caller>,
    /// A change's class; required for a change, refused for anything else.
    pub change_class: Option<ChangeClass>,
}

/// How the commit messages of some edits start (a title, user id or item id follows), so
/// readers of the history can word them: written here, read by the app's history page.
pub const CREATED_MESSAGE: &str = "create work order";
pub const ASSIGN_MESSAGE: &str = "assign";
pub const UNASSIGN_MESSAGE: &str = "unassign";
pub const CHECKLIST_MESSAGE: &str = "checklist";

/// Create a work order document (one commit): header, fields, `created` (and `assigned`)
/// events.
pub fn create_work_order(
    doc: &mut AutoCommit,
    id: DocId,
    new: &NewWorkOrder,
    by: &str,
    now: TimestampMs,
) -> Result<(), ModelError> {
    if !WORK_KINDS.contains(&new.kind.as_str()) {
        return Err(Refusal::UnknownWorkKind {
            kind: new.kind.clone(),
        }
        .into());
    }
    super::change::check_new(&new.kind, new.change_class.as_ref())?;
    new_document(doc, id, DocKind::WorkOrder, now)?;
    doc.put(ROOT, "kind", new.kind.as_str())?;
    doc.put(ROOT, "title", new.title.as_str())?;
    update_text(doc, &ROOT, "description", &new.description)?;
    update_text(doc, &ROOT, "findings", "")?;
    put_opt(doc, &ROOT, "number", new.number.clone())?;
    put_opt(doc, &ROOT, "customer_id", new.customer_id.clone())?;
    put_opt(doc, &ROOT, "site_id", new.site_id.clone())?;
    let devices = doc.put_object(ROOT, "device_ids", ObjType::Map)?;
    for d in &new.device_ids {
        doc.put(&devices, d.as_str(), true)?;
    }
    put_opt(doc, &ROOT, "category", new.category.clone())?;
    put_opt(doc, &ROOT, "impact", new.impact)?;
    put_opt(doc, &ROOT, "urgency", new.urgency)?;
    if let (Some(i), Some(u)) = (new.impact, new.urgency) {
        doc.put(ROOT, "priority", priority_for(i, u))?;
    }
    put_opt(doc, &ROOT, "scheduled_start_ms", new.scheduled_start_ms)?;
    put_opt(doc, &ROOT, "scheduled_end_ms", new.scheduled_end_ms)?;
    put_opt(doc, &ROOT, "template_id", new.template_id.clone())?;
    put_opt(doc, &ROOT, "plan_id", new.plan_id.clone())?;
    put_opt(doc, &ROOT, "parent_id", new.parent_id.clone())?;
    put_opt(doc, &ROOT, "parent_check", new.parent_check.clone())?;
    if let Some(caller) = &new.caller {
        caller.check().map_err(ModelError::Invalid)?;
        autosurgeon::reconcile_prop(doc, ROOT, "caller", caller)?;
    }
    if let Some(class) = &new.change_class {
        doc.put(ROOT, "change_class", class.as_str())?;
    }
    doc.put(ROOT, "created_by", by)?;
    doc.put(ROOT, "created_at_ms", now)?;
    doc.put_object(ROOT, "sla", ObjType::Map)?;
    doc.put_object(ROOT, "assignees", ObjType::Map)?;
    let checklist = doc.put_object(ROOT, "checklist", ObjType::Map)?;
    for (item_id, item) in &new.checklist {
        autosurgeon::reconcile_prop(doc, &checklist, item_id.as_str(), item)?;
    }
    for key in ["parts", "time_entries", "photos"] {
        doc.put_object(ROOT, key, ObjType::Map)?;
    }
    super::outage::create_outage_maps(doc)?;
    doc.put_object(ROOT, "events", ObjType::List)?;
    push_event(doc, EventKind::Created, by, now, EventExtra::default())?;
    for a in &new.assignees {
        assign_in_tx(doc, a, by, now)?;
    }
    commit(doc, &format!("{CREATED_MESSAGE} {}", new.title), now);
    Ok(())
}

/// Optional fields of an event.
#[derive(Clone, Debug, Default)]
pub struct EventExtra {
    pub note: Option<String>,
    pub outcome: Option<String>,
    pub assignee: Option<String>,
}

/// Append an event, recording the status the author saw (for conflict detection).
fn push_event(
    doc: &mut AutoCommit,
    kind: EventKind,
    by: &str,
    now: TimestampMs,
    extra: EventExtra,
) -> Result<String, ModelError> {
    let mut event = Event {
        id: uuid::Uuid::new_v4().to_string(),
        kind: kind.as_str().into(),
        at_ms: now,
        by: by.into(),
        from: None,
        note: extra.note,
        outcome: extra.outcome,
        assignee: extra.assignee,
        ref_id: None,
        received_at_ms: None,
        due_ms: None,
        score: None,
    };
    append_event(doc, &mut event)
}

/// Append `event` to the log (not committed), filling `from` with the status this replica
/// shows unless the event is the creation. Returns the event's id.
pub(crate) fn append_event(doc: &mut AutoCommit, event: &mut Event) -> Result<String, ModelError> {
    let events: Vec<Event> = autosurgeon::hydrate_prop(doc, &ROOT, "events")
        .map_err(|e| ModelError::shape("work order", e))?;
    if event.kind != EventKind::Created.as_str() {
        event.from = Some(fold(&events).status.as_str().into());
    }
    let list = match doc.get(ROOT, "events")? {
        Some((automerge::Value::Object(ObjType::List), id)) => id,
        _ => doc.put_object(ROOT, "events", ObjType::List)?,
    };
    let len = doc.length(&list);
    autosurgeon::reconcile_insert(doc, list, len, &*event)?;
    Ok(event.id.clone())
}

/// A status action (accept, en route, on site, hold, resume, complete, approve, reject,
/// reopen, cancel …) as one commit. Refuses transitions the fold would not allow from the
/// status this replica shows, and completion while required checklist items are empty.
pub fn record_event(
    doc: &mut AutoCommit,
    kind: EventKind,
    by: &str,
    now: TimestampMs,
    extra: EventExtra,
) -> Result<String, ModelError> {
    let wo = WorkOrder::from_doc(doc)?;
    let status = wo.fold().status;
    if crate::status::transition(status, kind).is_none() {
        return Err(Refusal::IllegalTransition {
            action: kind,
            status,
        }
        .into());
    }
    wo.change_gate(kind)?;
    if kind == EventKind::Completed {
        let missing = wo.missing_required();
        if !missing.is_empty() {
            let items = missing.iter().map(|i| i.label.clone()).collect();
            return Err(Refusal::RequiredItemsEmpty { items }.into());
        }
    }
    if kind == EventKind::OnHold && extra.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(Refusal::HoldNeedsReason.into());
    }
    let id = push_event(doc, kind, by, now, extra)?;
    commit(doc, kind.as_str(), now);
    Ok(id)
}

fn assign_in_tx(
    doc: &mut AutoCommit,
    user: &str,
    by: &str,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let assignees = ensure_map(doc, &ROOT, "assignees")?;
    doc.put(&assignees, user, true)?;
    push_event(
        doc,
        EventKind::Assigned,
        by,
        now,
        EventExtra {
            assignee: Some(user.into()),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Assign an engineer (dispatcher or server).
pub fn assign(
    doc: &mut AutoCommit,
    user: &str,
    by: &str,
    now: TimestampMs,
) -> Result<(), ModelError> {
    assign_in_tx(doc, user, by, now)?;
    commit(doc, &format!("{ASSIGN_MESSAGE} {user}"), now);
    Ok(())
}

/// Remove an engineer from the work order (it leaves their briefcase at their next sync).
pub fn unassign(doc: &mut AutoCommit, user: &str, now: TimestampMs) -> Result<(), ModelError> {
    let assignees = ensure_map(doc, &ROOT, "assignees")?;
    if doc.get(&assignees, user)?.is_some() {
        doc.delete(&assignees, user)?;
    }
    commit(doc, &format!("{UNASSIGN_MESSAGE} {user}"), now);
    Ok(())
}

/// What the engineer records against one checklist item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CheckAnswer {
    PassFail(String),
    Reading(f64),
    Text(String),
    Choice(String),
    Photo(String),
}

impl CheckAnswer {
    /// The kind of item this answer is for.
    pub fn kind(&self) -> CheckKind {
        match self {
            CheckAnswer::PassFail(_) => CheckKind::PassFail,
            CheckAnswer::Reading(_) => CheckKind::Reading,
            CheckAnswer::Text(_) => CheckKind::Text,
            CheckAnswer::Choice(_) => CheckKind::Choice,
            CheckAnswer::Photo(_) => CheckKind::Photo,
        }
    }

    /// The answer a person picked among conflicting values of an item's `field`, given as
    /// text (`None` when the field holds no answer, or a reading is not a number).
    pub fn from_field_value(field: &str, value: String) -> Option<Self> {
        Some(match CheckKind::for_answer_field(field)? {
            CheckKind::PassFail => CheckAnswer::PassFail(value),
            CheckKind::Reading => CheckAnswer::Reading(value.trim().parse().ok()?),
            CheckKind::Text => CheckAnswer::Text(value),
            CheckKind::Choice => CheckAnswer::Choice(value),
            CheckKind::Photo => CheckAnswer::Photo(value),
            CheckKind::Unknown(_) => return None,
        })
    }
}

/// Record a checklist result (one commit). Only the result fields are written, so an
/// engineer filling item A and another filling item B offline both survive.
pub fn answer_checklist_item(
    doc: &mut AutoCommit,
    item_id: &str,
    answer: &CheckAnswer,
    note: Option<&str>,
    by: &str,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let checklist = get_map(doc, &ROOT, "checklist")?.ok_or_else(|| ModelError::NotFound {
        what: "checklist",
        id: item_id.into(),
    })?;
    let item = get_map(doc, &checklist, item_id)?.ok_or_else(|| ModelError::NotFound {
        what: "checklist item",
        id: item_id.into(),
    })?;
    match answer {
        CheckAnswer::PassFail(r) => {
            if !["pass", "fail", "na"].contains(&r.as_str()) {
                return Err(Refusal::NotPassFail { result: r.clone() }.into());
            }
            doc.put(&item, "result", r.as_str())?
        }
        CheckAnswer::Reading(v) => {
            if !v.is_finite() {
                return Err(Refusal::ReadingNotANumber.into());
            }
            doc.put(&item, "reading", *v)?
        }
        CheckAnswer::Text(t) => doc.put(&item, "text", t.as_str())?,
        CheckAnswer::Choice(c) => doc.put(&item, "choice", c.as_str())?,
        CheckAnswer::Photo(h) => doc.put(&item, "photo", h.as_str())?,
    }
    if let Some(n) = note {
        doc.put(&item, "note", n)?;
    }
    doc.put(&item, "by", by)?;
    doc.put(&item, "at_ms", now)?;
    commit(doc, &format!("{CHECKLIST_MESSAGE} {item_id}"), now);
    Ok(())
}

/// The engineer's reason for a finding (why it failed, what was done), written alone so an
/// answer given meanwhile on another device is kept.
pub fn set_check_note(
    doc: &mut AutoCommit,
    item_id: &str,
    note: &str,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let item = checklist_item(doc, item_id)?;
    doc.put(&item, "note", note.trim())?;
    commit(doc, &format!("{CHECKLIST_MESSAGE} {item_id} note"), now);
    Ok(())
}

/// Record the incident opened for a finding on the item (the incident's `parent_check`
/// names the item back).
pub fn set_check_follow_up(
    doc: &mut AutoCommit,
    item_id: &str,
    incident: DocId,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let item = checklist_item(doc, item_id)?;
    doc.put(&item, "follow_up", incident.to_string())?;
    commit(
        doc,
        &format!("{CHECKLIST_MESSAGE} {item_id} follow-up"),
        now,
    );
    Ok(())
}

/// Show photo `sha` as evidence of checklist item `item_id` (or of none).
pub fn link_photo_to_check(
    doc: &mut AutoCommit,
    sha: &str,
    item_id: Option<&str>,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let photos = get_map(doc, &ROOT, "photos")?.ok_or_else(|| ModelError::NotFound {
        what: "photo",
        id: sha.into(),
    })?;
    let photo = get_map(doc, &photos, sha)?.ok_or_else(|| ModelError::NotFound {
        what: "photo",
        id: sha.into(),
    })?;
    if let Some(item) = item_id {
        checklist_item(doc, item)?;
        doc.put(&photo, "checklist_item", item)?;
    } else if doc.get(&photo, "checklist_item")?.is_some() {
        doc.delete(&photo, "checklist_item")?;
    }
    commit(doc, &format!("photos {sha} item"), now);
    Ok(())
}

fn checklist_item(doc: &AutoCommit, item_id: &str) -> Result<automerge::ObjId, ModelError> {
    let checklist = get_map(doc, &ROOT, "checklist")?.ok_or_else(|| ModelError::NotFound {
        what: "checklist",
        id: item_id.into(),
    })?;
    get_map(doc, &checklist, item_id)?.ok_or_else(|| ModelError::NotFound {
        what: "checklist item",
        id: item_id.into(),
    })
}

/// Replace the findings text by splicing the difference (concurrent edits merge by character).
pub fn set_findings(doc: &mut AutoCommit, text: &str, now: TimestampMs) -> Result<(), ModelError> {
    update_text(doc, &ROOT, "findings", text)?;
    commit(doc, "findings", now);
    Ok(())
}

/// Add or replace one keyed record (part, time entry, photo) as one commit.
fn put_record<R: Reconcile>(
    doc: &mut AutoCommit,
    collection: &str,
    key: &str,
    record: &R,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let map = ensure_map(doc, &ROOT, collection)?;
    autosurgeon::reconcile_prop(doc, &map, key, record)?;
    commit(doc, &format!("{collection} {key}"), now);
    Ok(())
}

/// Take a part off the work order (entered by mistake); the history keeps it.
pub fn remove_part(
    doc: &mut AutoCommit,
    part_id: &str,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let parts = get_map(doc, &ROOT, "parts")?.ok_or_else(|| ModelError::NotFound {
        what: "part",
        id: part_id.into(),
    })?;
    if doc.get(&parts, part_id)?.is_none() {
        return Err(ModelError::NotFound {
            what: "part",
            id: part_id.into(),
        });
    }
    doc.delete(&parts, part_id)?;
    commit(doc, &format!("parts {part_id} removed"), now);
    Ok(())
}

pub fn put_part(
    doc: &mut AutoCommit,
    part_id: &str,
    part: &PartUsed,
    now: TimestampMs,
) -> Result<(), ModelError> {
    if part.quantity <= 0 || part.name.trim().is_empty() {
        return Err(Refusal::PartIncomplete.into());
    }
    put_record(doc, "parts", part_id, part, now)
}

pub fn put_time_entry(
    doc: &mut AutoCommit,
    entry_id: &str,
    entry: &TimeEntry,
    now: TimestampMs,
) -> Result<(), ModelError> {
    if entry.end_ms < entry.start_ms {
        return Err(Refusal::TimeEntryBackwards.into());
    }
    put_record(doc, "time_entries", entry_id, entry, now)
}

pub fn put_photo(
    doc: &mut AutoCommit,
    photo: &PhotoRef,
    now: TimestampMs,
) -> Result<(), ModelError> {
    if photo.sha256.len() != 64 || !photo.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::PhotoNotADigest.into());
    }
    put_record(doc, "photos", &photo.sha256.clone(), photo, now)
}

/// The customer's sign-off (one commit).
pub fn sign(
    doc: &mut AutoCommit,
    signature: &Signature,
    now: TimestampMs,
) -> Result<(), ModelError> {
    if signature.signer_name.trim().is_empty() {
        return Err(Refusal::SignerNameRequired.into());
    }
    autosurgeon::reconcile_prop(doc, ROOT, "signature", signature)?;
    commit(doc, "customer signature", now);
    Ok(())
}

/// Link a device (a set insert; concurrent links both survive).
pub fn link_device(
    doc: &mut AutoCommit,
    device_id: &str,
    now: TimestampMs,
) -> Result<(), ModelError> {
    let map = ensure_map(doc, &ROOT, "device_ids")?;
    doc.put(&map, device_id, true)?;
    commit(doc, &format!("link device {device_id}"), now);
    Ok(())
}

/// Dispatcher fields: priority from impact × urgency, SLA due times, schedule.
pub fn set_triage(
    doc: &mut AutoCommit,
    impact: i64,
    urgency: i64,
    category: Option<&str>,
    now: TimestampMs,
) -> Result<(), ModelError> {
    if !(1..=3).contains(&impact) || !(1..=3).contains(&urgency) {
        return Err(Refusal::ImpactUrgencyRange.into());
    }
    doc.put(ROOT, "impact", impact)?;
    doc.put(ROOT, "urgency", urgency)?;
    doc.put(ROOT, "priority", priority_for(impact, urgency))?;
    if let Some(c) = category {
        if !CATEGORIES.contains(&c) {
            return Err(Refusal::UnknownCategory {
                category: c.to_owned(),
            }
            .into());
        }
        doc.put(ROOT, "category", c)?;
    }
    commit(doc, "triage", now);
    Ok(())
}

/// Record or correct who called (`None` clears it).
pub fn set_caller(
    doc: &mut AutoCommit,
    caller: Option<&Caller>,
    now: TimestampMs,
) -> Result<(), ModelError> {
    match caller {
        Some(c) => {
            c.check().map_err(ModelError::Invalid)?;
            autosurgeon::reconcile_prop(doc, ROOT, "caller", c)?;
        }
        None => {
            if doc.get(ROOT, "caller")?.is_some() {
                doc.delete(ROOT, "caller")?;
            }
        }
    }
    commit(doc, "caller", now);
    Ok(())
}

pub fn set_sla(doc: &mut AutoCommit, sla: &Sla, now: TimestampMs) -> Result<(), ModelError> {
    autosurgeon::reconcile_prop(doc, ROOT, "sla", sla)?;
    commit(doc, "sla", now);
    Ok(())
}

pub fn set_schedule(
    doc: &mut AutoCommit,
    start_ms: TimestampMs,
    end_ms: TimestampMs,
    now: TimestampMs,
) -> Result<(), ModelError> {
    if end_ms < start_ms {
        return Err(Refusal::WindowBackwards.into());
    }
    doc.put(ROOT, "scheduled_start_ms", start_ms)?;
    doc.put(ROOT, "scheduled_end_ms", end_ms)?;
    commit(doc, "schedule", now);
    Ok(())
}
