//! Who may change what. The server runs [`check_push`] on every pushed change set before
//! anything is stored; the app asks [`may_write`] so the UI never offers a forbidden edit.
//!
//! Ops are checked, not the visible diff: a forbidden write can later lose or win a
//! last-writer-wins race, and either way it would sit in the audit history. Each op's object is
//! resolved to its field path in the merged document and matched against the caller's role
//! and relation to the document.

use crate::ids::{DocKind, Role};
use crate::model::{CheckKind, WorkOrder, priority_for};
use crate::status::{EventKind, Status, transition};
use crate::wire::RejectCode;
use automerge::{ActorId, Automerge, Change, ChangeHash, ObjType, Prop, ReadDoc, legacy};
use std::collections::{HashMap, HashSet};

/// The authenticated user behind a push, with the actor ids bound to them.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: String,
    pub role: Role,
    pub actors: HashSet<ActorId>,
}

/// Why a change set was refused; the whole set is rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub code: RejectCode,
    pub reason: String,
}

impl Rejection {
    fn new(code: RejectCode, reason: impl Into<String>) -> Self {
        Rejection {
            code,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.reason)
    }
}

/// What the pushing device is known to have received of the document. An engineer's change
/// set to a work order that is no longer theirs is judged against the assignment in the state
/// each change is based on *merged with* this: work done offline before the device learned of
/// a reassignment is kept, but a change based on an older copy than the device had already
/// received is judged by what the device had received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceView {
    /// Not known: each change is judged by the state it is based on alone. For a device
    /// checking its own edits (the app); a server must not use it for untrusted pushes.
    BasedOn,
    /// The device had received the document up to these heads (empty: nothing of it).
    Knew(Vec<ChangeHash>),
    /// The document is not on the device: it was never sent there, or the device confirmed
    /// its removal from the briefcase. Only the document's current state counts.
    NotHeld,
}

/// How the caller stands to a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// The document is being created by this push.
    Creator,
    /// A work order assigned to the caller (or one they created earlier).
    Assignee,
    /// Anything else.
    Other,
}

/// One step of a field path: a map key, or a position in a list or text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index,
}

/// Fields of a checklist item beside the answer itself that the engineer writes with it.
const CHECK_STAMP_FIELDS: [&str; 4] = ["note", "by", "at_ms", "follow_up"];
/// Header fields nobody rewrites once a document exists (`created_by` is the pushing user,
/// checked when the document is created).
const IDENTITY_FIELDS: [&str; 3] = ["id", "doc_type", "created_by"];
/// Work-order fields an engineer may fill in when they create an incident on site.
const WO_CREATION_FIELDS: [&str; 24] = [
    "schema_version",
    "doc_type",
    "id",
    "kind",
    "title",
    "description",
    "findings",
    "number",
    "customer_id",
    "site_id",
    "device_ids",
    "category",
    "impact",
    "urgency",
    "priority",
    "scheduled_start_ms",
    "scheduled_end_ms",
    "assignees",
    "created_by",
    "created_at_ms",
    "parent_id",
    "checklist",
    "caller",
    "parent_check",
];
/// Work-order fields the engineer writes on their own work orders.
const WO_ENGINEER_FIELDS: [&str; 7] = [
    "findings",
    "parts",
    "time_entries",
    "photos",
    "signature",
    "device_ids",
    "outages",
];
/// Containers that a creator makes empty (`sla`), which only other roles then fill.
const WO_EMPTY_CONTAINERS: [&str; 5] = ["sla", "parts", "time_entries", "photos", "events"];

/// May `role`, standing in `relation` to a document of `kind`, write at `path`?
/// (`events` is append-only and checked separately by [`check_push`].)
pub fn may_write(role: Role, kind: DocKind, relation: Relation, path: &[Seg]) -> bool {
    let Some(Seg::Key(top)) = path.first() else {
        return false;
    };
    let top = top.as_str();
    if relation != Relation::Creator && IDENTITY_FIELDS.contains(&top) {
        return false;
    }
    if role == Role::Admin {
        return true;
    }
    match kind {
        DocKind::WorkOrder => may_write_work_order(role, relation, top, path),
        DocKind::Device => match role {
            Role::Engineer => {
                relation == Relation::Creator
                    || !["customer_id", "warranty_end", "contract_end"].contains(&top)
            }
            _ => true,
        },
        DocKind::Site => match role {
            Role::Engineer => {
                relation != Relation::Creator && ["access_notes", "contacts"].contains(&top)
            }
            _ => true,
        },
        DocKind::ChecklistTemplate => role != Role::Engineer,
        // Which problem an article publishes, and the incidents it is shown on, are the
        // office's: an engineer's article must not pose as a known error on others' work.
        DocKind::Knowledge => {
            role != Role::Engineer || !crate::model::knowledge::OFFICE_FIELDS.contains(&top)
        }
    }
}

fn is_checklist_result(path: &[Seg]) -> bool {
    matches!(path, [Seg::Key(c), Seg::Key(_), Seg::Key(f), ..] if c == "checklist" && is_check_result_field(f))
}

/// The engineer's side of a checklist item: the answer field of every kind
/// ([`CheckKind::answer_field`], so a new kind is writable the day it exists) and its stamps.
fn is_check_result_field(field: &str) -> bool {
    CHECK_STAMP_FIELDS.contains(&field)
        || CheckKind::KNOWN
            .iter()
            .any(|k| k.answer_field() == Some(field))
}

fn may_write_work_order(role: Role, relation: Relation, top: &str, path: &[Seg]) -> bool {
    if top == "events" {
        return true; // content checked by the event rules
    }
    if let Some(allowed) = change_rules::may_write(role, relation == Relation::Creator, top) {
        return allowed;
    }
    match role {
        Role::Engineer => match relation {
            Relation::Other => false,
            Relation::Creator => {
                WO_CREATION_FIELDS.contains(&top)
                    || WO_ENGINEER_FIELDS.contains(&top)
                    || (path.len() == 1 && WO_EMPTY_CONTAINERS.contains(&top))
            }
            Relation::Assignee => WO_ENGINEER_FIELDS.contains(&top) || is_checklist_result(path),
        },
        Role::Dispatcher => {
            top != "signature"
                && top != "review"
                && (relation == Relation::Creator || !is_checklist_result(path))
        }
        Role::Supervisor => top == "review" || top == "findings" || is_checklist_result(path),
        Role::Admin => true,
    }
}

/// Event kinds each role may append.
pub fn may_append_event(role: Role, kind: EventKind) -> bool {
    use EventKind as K;
    match role {
        Role::Admin => true,
        Role::Engineer => matches!(
            kind,
            K::Created
                | K::Assigned
                | K::Accepted
                | K::EnRoute
                | K::OnSite
                | K::OnHold
                | K::Resumed
                | K::Completed
        ),
        // Customer feedback (complaints, return-visit scores) is office work: the customer
        // talks to the office, and nobody takes or scores complaints about their own visit.
        Role::Dispatcher => {
            kind.is_feedback()
                || matches!(
                    kind,
                    K::Created
                        | K::Assigned
                        | K::Cancelled
                        | K::Reopened
                        | K::Escalated
                        | K::Settled
                )
        }
        Role::Supervisor => {
            kind.is_feedback()
                || matches!(
                    kind,
                    K::Approved
                        | K::Rejected
                        | K::Reopened
                        | K::Escalated
                        | K::Settled
                        | K::Cancelled
                )
        }
    }
}

fn doc_kind(doc: &Automerge) -> Option<DocKind> {
    match doc.get(automerge::ROOT, "doc_type").ok()?? {
        (automerge::Value::Scalar(s), _) => match s.as_ref() {
            automerge::ScalarValue::Str(t) => DocKind::parse(t),
            _ => None,
        },
        _ => None,
    }
}

/// Check a pushed change set. `before` is the server's copy (empty if it has none), `after`
/// is `before` with the push loaded, `new_changes` are the changes `after` has beyond
/// `before`.
pub fn check_push(
    before: &Automerge,
    after: &Automerge,
    new_changes: &[Change],
    caller: &Caller,
) -> Result<(), Rejection> {
    check_push_typed(before, after, new_changes, caller).map(|_| ())
}

/// [`check_push`], also handing back the merged work order it read (`None` for other kinds),
/// so the server's projection need not read it a second time.
pub fn check_push_typed(
    before: &Automerge,
    after: &Automerge,
    new_changes: &[Change],
    caller: &Caller,
) -> Result<Option<WorkOrder>, Rejection> {
    check_push_known(before, None, after, new_changes, caller)
}

/// [`check_push_typed`] where the caller may already hold the work order read from exactly
/// `before`'s state (`before_wo`), which saves reading it again.
pub fn check_push_known(
    before: &Automerge,
    before_wo: Option<&WorkOrder>,
    after: &Automerge,
    new_changes: &[Change],
    caller: &Caller,
) -> Result<Option<WorkOrder>, Rejection> {
    check_push_viewed(before, before_wo, after, new_changes, caller, &mut || {
        DeviceView::BasedOn
    })
}

/// [`check_push_known`] for a push from a device that is not trusted: `view` answers what the
/// device had already received of the document ([`DeviceView`]). It is asked only when an
/// engineer pushes to a work order that is not theirs in the server's current state (the
/// answer may cost a look at the change log).
pub fn check_push_viewed(
    before: &Automerge,
    before_wo: Option<&WorkOrder>,
    after: &Automerge,
    new_changes: &[Change],
    caller: &Caller,
    view: &mut dyn FnMut() -> DeviceView,
) -> Result<Option<WorkOrder>, Rejection> {
    for c in new_changes {
        if !caller.actors.contains(c.actor_id()) {
            return Err(Rejection::new(
                RejectCode::ForeignActor,
                format!(
                    "change {} is by actor {} which is not registered to you",
                    c.hash(),
                    c.actor_id()
                ),
            ));
        }
    }
    let before_kind = if before.get_heads().is_empty() {
        None
    } else {
        doc_kind(before)
    };
    let is_new = before_kind.is_none();
    let kind = doc_kind(after)
        .ok_or_else(|| Rejection::new(RejectCode::Schema, "document has no known doc_type"))?;
    if !is_new && before_kind != Some(kind) {
        return Err(Rejection::new(
            RejectCode::Forbidden,
            "a document's kind cannot change",
        ));
    }
    let before_wo: Option<std::borrow::Cow<'_, WorkOrder>> =
        match (kind == DocKind::WorkOrder && !is_new, before_wo) {
            (false, _) => None,
            (true, Some(wo)) => Some(std::borrow::Cow::Borrowed(wo)),
            (true, None) => Some(std::borrow::Cow::Owned(
                WorkOrder::from_doc(before)
                    .map_err(|e| Rejection::new(RejectCode::Schema, e.to_string()))?,
            )),
        };
    let relation = if is_new {
        Relation::Creator
    } else if let Some(wo) = &before_wo {
        if is_theirs(wo, &caller.user_id)
            || made_while_theirs(before, after, new_changes, &caller.user_id, view)
        {
            Relation::Assignee
        } else {
            Relation::Other
        }
    } else {
        Relation::Assignee
    };
    if caller.role == Role::Engineer && kind == DocKind::WorkOrder {
        if relation == Relation::Other {
            return Err(Rejection::new(
                RejectCode::NotYours,
                "this work order is not assigned to you",
            ));
        }
        if before_wo
            .as_ref()
            .is_some_and(|wo| wo.fold().status == Status::Approved)
        {
            return Err(Rejection::new(
                RejectCode::Locked,
                "the service report is approved and locked",
            ));
        }
    }
    let touched = check_ops(after, new_changes, caller.role, kind, relation)?;
    if kind == DocKind::WorkOrder {
        return check_work_order_state(
            before_wo.as_deref(),
            after,
            new_changes,
            &touched,
            caller,
            relation,
        )
        .map(Some);
    }
    Ok(None)
}

/// Resolve every op of the new changes to a path and check it; answers the top-level fields
/// the ops write into.
fn check_ops(
    after: &Automerge,
    new_changes: &[Change],
    role: Role,
    kind: DocKind,
    relation: Relation,
) -> Result<reread::Touched, Rejection> {
    let mut touched = reread::Touched::new();
    // Objects made by this push: writes inside them are judged by where they hang. Keyed
    // by op id (not its text): formatting every op's id was a tenth of a push's CPU.
    let mut created: HashSet<legacy::OpId> = HashSet::new();
    let mut paths = ObjectPaths::default();
    for change in new_changes {
        let expanded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| change.decode()))
            .map_err(|_| {
            Rejection::new(
                RejectCode::Malformed,
                format!("change {} cannot be decoded", change.hash()),
            )
        })?;
        let start = expanded.start_op.get();
        for (i, op) in expanded.operations.iter().enumerate() {
            let (obj_key, mut path) = match &op.obj {
                legacy::ObjectId::Root => (None, Vec::new()),
                legacy::ObjectId::Id(id) => (Some(id), paths.path_of(after, id)?.to_vec()),
            };
            path.push(match &op.key {
                legacy::Key::Map(k) => Seg::Key(k.to_string()),
                legacy::Key::Seq(_) => Seg::Index,
            });
            touched.field(path.first());
            if matches!(op.action, legacy::OpType::Make(_)) {
                let id = legacy::OpId(start + i as u64, expanded.actor_id.clone());
                paths.made(after, &id, &path)?;
                created.insert(id);
            }
            if matches!(path.first(), Some(Seg::Key(k)) if k == "events")
                && kind == DocKind::WorkOrder
            {
                check_event_op(op, &path, obj_key, &created, relation)?;
                continue;
            }
            if !may_write(role, kind, relation, &path) {
                return Err(Rejection::new(
                    RejectCode::Forbidden,
                    format!("a {} may not change {} of a {}", role, render(&path), kind),
                ));
            }
        }
    }
    Ok(touched)
}

/// Where each object an op writes into hangs, by object id. An object made by the push
/// being checked hangs where its make op put it (the object that op wrote into, plus its
/// key), so its path costs no lookup; any other object is looked up once in the merged
/// document. Looking up every object was a tenth of a new work order's check.
#[derive(Default)]
struct ObjectPaths {
    paths: HashMap<legacy::OpId, Vec<Seg>>,
    /// Ids whose path came from their make op (not from the document).
    from_make: HashSet<legacy::OpId>,
}

impl ObjectPaths {
    fn path_of(&mut self, after: &Automerge, id: &legacy::OpId) -> Result<&[Seg], Rejection> {
        if !self.paths.contains_key(id) {
            let p = resolve_path(after, &id.to_string())?;
            self.paths.insert(id.clone(), p);
        }
        Ok(&self.paths[id])
    }

    /// The object `id` was made at `path`. The document is the authority: an id already
    /// looked up there keeps that path, and an id made twice at different places (possible
    /// only in forged changes) is looked up in the document instead.
    fn made(
        &mut self,
        after: &Automerge,
        id: &legacy::OpId,
        path: &[Seg],
    ) -> Result<(), Rejection> {
        match self.paths.get(id) {
            None => {
                self.paths.insert(id.clone(), path.to_vec());
                self.from_make.insert(id.clone());
            }
            Some(known) if self.from_make.contains(id) && known.as_slice() != path => {
                let p = resolve_path(after, &id.to_string())?;
                self.paths.insert(id.clone(), p);
                self.from_make.remove(id);
            }
            Some(_) => {}
        }
        Ok(())
    }
}

/// The event log is append-only: inserting new event maps is fine (their content is checked
/// on the merged document); deleting or rewriting an existing event is not.
fn check_event_op(
    op: &legacy::Op,
    path: &[Seg],
    obj_key: Option<&legacy::OpId>,
    created: &HashSet<legacy::OpId>,
    relation: Relation,
) -> Result<(), Rejection> {
    let append_only = || Rejection::new(RejectCode::Forbidden, "the event log is append-only");
    match path {
        // `events` itself: only the creator of the document makes the list; anyone else
        // putting a new list there would replace the whole log.
        [Seg::Key(_)] => match op.action {
            legacy::OpType::Make(ObjType::List) if relation == Relation::Creator => Ok(()),
            _ => Err(append_only()),
        },
        // An element of the list: inserting a new event map.
        [Seg::Key(_), Seg::Index] => match (&op.action, op.insert) {
            (legacy::OpType::Make(ObjType::Map), true) => Ok(()),
            _ => Err(append_only()),
        },
        // Inside an event: only while creating it in this push.
        _ => {
            if obj_key.is_some_and(|k| created.contains(k)) {
                Ok(())
            } else {
                Err(append_only())
            }
        }
    }
}

fn resolve_path(after: &Automerge, obj: &str) -> Result<Vec<Seg>, Rejection> {
    let exid = after.import_obj(obj).map_err(|e| {
        Rejection::new(
            RejectCode::Malformed,
            format!("op on unknown object {obj}: {e}"),
        )
    })?;
    let parents = after
        .parents(&exid)
        .map_err(|e| Rejection::new(RejectCode::Malformed, format!("object {obj}: {e}")))?;
    Ok(parents
        .path()
        .into_iter()
        .map(|(_, prop)| match prop {
            Prop::Map(k) => Seg::Key(k),
            Prop::Seq(_) => Seg::Index,
        })
        .collect())
}

fn render(path: &[Seg]) -> String {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => k.as_str(),
            Seg::Index => "[]",
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Rules on the merged work order: schema, new events (author, kind, legal transition,
/// required items), assignment by engineers, priority matrix, no self-approval.
fn check_work_order_state(
    before: Option<&WorkOrder>,
    after: &Automerge,
    new_changes: &[Change],
    touched: &reread::Touched,
    caller: &Caller,
    relation: Relation,
) -> Result<WorkOrder, Rejection> {
    let wo = reread::merged_work_order(before, after, touched)
        .map_err(|e| Rejection::new(RejectCode::Schema, e.to_string()))?;
    if let (Some(i), Some(u), Some(p)) = (wo.impact, wo.urgency, &wo.priority)
        && priority_for(i, u) != p
        && caller.role == Role::Engineer
    {
        return Err(Rejection::new(
            RejectCode::Forbidden,
            format!("priority {p} does not follow from impact {i} × urgency {u}"),
        ));
    }
    if relation == Relation::Creator && wo.created_by != caller.user_id {
        return Err(Rejection::new(
            RejectCode::Forbidden,
            format!(
                "a new work order is created by whoever pushes it: created_by must be {:?}, not {:?}",
                caller.user_id, wo.created_by
            ),
        ));
    }
    if caller.role == Role::Engineer && relation == Relation::Creator {
        if wo.kind != "incident" {
            return Err(Rejection::new(
                RejectCode::Forbidden,
                "engineers may only open incidents",
            ));
        }
        if wo.assignees.keys().any(|a| a != &caller.user_id) {
            return Err(Rejection::new(
                RejectCode::Forbidden,
                "engineers may only assign themselves",
            ));
        }
    }
    change_rules::check_approval(before, &wo, caller)?;
    let known: HashSet<&str> = before
        .map(|b| b.events.iter().map(|e| e.id.as_str()).collect())
        .unwrap_or_default();
    for ev in wo.events.iter().filter(|e| !known.contains(e.id.as_str())) {
        let Some(kind) = ev.kind() else {
            return Err(Rejection::new(
                RejectCode::Schema,
                format!("unknown event kind {:?}", ev.kind),
            ));
        };
        if ev.by != caller.user_id {
            return Err(Rejection::new(
                RejectCode::Forbidden,
                "an event must be signed by its author",
            ));
        }
        if !may_append_event(caller.role, kind) {
            return Err(Rejection::new(
                RejectCode::Forbidden,
                format!("a {} may not record \"{}\"", caller.role, kind.label()),
            ));
        }
        if kind == EventKind::Created {
            if before.is_some() {
                return Err(Rejection::new(
                    RejectCode::IllegalTransition,
                    "the work order already exists",
                ));
            }
            continue;
        }
        let from = ev.from.as_deref().and_then(Status::parse).ok_or_else(|| {
            Rejection::new(
                RejectCode::Schema,
                format!("event {} lacks the status its author saw", ev.id),
            )
        })?;
        if transition(from, kind).is_none() {
            return Err(Rejection::new(
                RejectCode::IllegalTransition,
                format!("cannot go from {} to {}", from.label(), kind.label()),
            ));
        }
        change_rules::check_work_step(&wo, ev, kind, after, new_changes)?;
        if kind.is_feedback() {
            crate::model::feedback::check_feedback(&wo, ev).map_err(|e| {
                use crate::model::feedback::FeedbackError;
                let code = match e {
                    FeedbackError::OwnWork => RejectCode::Forbidden,
                    FeedbackError::Invalid(_) => RejectCode::Schema,
                };
                Rejection::new(code, e.to_string())
            })?;
        }
        match kind {
            EventKind::Completed if !wo.missing_required().is_empty() => {
                return Err(Rejection::new(
                    RejectCode::IllegalTransition,
                    "cannot complete while required checklist items are empty",
                ));
            }
            EventKind::Approved | EventKind::Rejected
                if wo.is_assigned_to(&caller.user_id) || completed_by(&wo, &caller.user_id) =>
            {
                return Err(Rejection::new(
                    RejectCode::Forbidden,
                    "nobody reviews their own work",
                ));
            }
            EventKind::Assigned
                if caller.role == Role::Engineer
                    && ev.assignee.as_deref() != Some(caller.user_id.as_str()) =>
            {
                return Err(Rejection::new(
                    RejectCode::Forbidden,
                    "engineers may not assign others",
                ));
            }
            _ => {}
        }
    }
    Ok(wo)
}

fn is_theirs(wo: &WorkOrder, user: &str) -> bool {
    wo.is_assigned_to(user) || wo.created_by == user
}

/// An engineer who edited offline while the work order was theirs keeps those edits when it
/// was reassigned in the meantime: each change is judged by the state its author saw, not by
/// today's assignment. What the author saw is the document at the change's dependencies
/// merged with what their device had already received (`view`): a change based on an older
/// copy than that cannot claim an assignment the device already knew was gone.
fn made_while_theirs(
    before: &Automerge,
    after: &Automerge,
    new_changes: &[Change],
    user: &str,
    view: &mut dyn FnMut() -> DeviceView,
) -> bool {
    let knew = match view() {
        DeviceView::NotHeld => return false,
        DeviceView::BasedOn => Vec::new(),
        DeviceView::Knew(heads) => heads,
    };
    let known: HashSet<_> = before.get_changes(&[]).iter().map(|c| c.hash()).collect();
    let roots: Vec<&Change> = new_changes
        .iter()
        .filter(|c| c.deps().iter().all(|d| known.contains(d)))
        .collect();
    !roots.is_empty()
        && roots.iter().all(|c| {
            let mut saw: Vec<ChangeHash> = c.deps().to_vec();
            saw.extend(
                knew.iter()
                    .filter(|h| !saw.contains(h))
                    .copied()
                    .collect::<Vec<_>>(),
            );
            after
                .fork_at(&saw)
                .ok()
                .and_then(|seen| WorkOrder::from_doc(&seen).ok())
                .is_some_and(|wo| is_theirs(&wo, user))
        })
}

fn completed_by(wo: &WorkOrder, user: &str) -> bool {
    wo.events
        .iter()
        .any(|e| e.kind() == Some(EventKind::Completed) && e.by == user)
}

mod change_rules;
#[cfg(test)]
mod change_tests;
#[cfg(test)]
mod path_tests;
#[cfg(test)]
mod reassign_tests;
mod reread;
#[cfg(test)]
mod reread_tests;
#[cfg(test)]
mod tests;
