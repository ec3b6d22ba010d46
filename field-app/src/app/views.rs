//! Reading the store into what the screens show: lists, the open work order or device, the
//! sync status. Called after commands and sync reports, never while drawing.

use crate::runtime::store::meta;
use crate::state::{
    AppState, ConflictLine, DeviceView, QuarantineLine, WorkOrderDrafts, WorkOrderRights,
    WorkOrderView,
};
use automerge::{ReadDoc, Value};
use fieldsync::model::device::{DEVICE_FIELDS, LOCATION_FIELDS};
use fieldsync::model::{CheckKind, FieldConflict, scan_conflicts};
use fieldsync::policy::{Relation, Seg, may_write};
use fieldsync::store::{Identity, LocalStore, Result};
use fieldsync::{DocId, DocKind, Role};
use fieldsync_i18n::t;
use std::collections::BTreeMap;

/// Refresh the lists and the sync counters.
pub fn refresh_lists(store: &mut LocalStore, state: &mut AppState) -> Result<()> {
    let me = state.identity.as_ref().map(|i| i.user_id.clone());
    state.my_work = store.list_work_orders(me.as_deref())?;
    state.my_work_badges.clear();
    for row in &state.my_work {
        state
            .my_work_badges
            .insert(row.doc_id, store.badge(row.doc_id)?);
    }
    let mut sites: BTreeMap<String, String> = BTreeMap::new();
    for row in store.list_work_orders(None)? {
        if let Some(id) = row.site_id {
            let name = row.site_name.unwrap_or_else(|| id.clone());
            sites.insert(id, name);
        }
    }
    let mut sites: Vec<(String, String)> = sites.into_iter().collect();
    sites.sort_by(|a, b| a.1.cmp(&b.1));
    state.sites = sites;
    let mut queue: Vec<_> = store
        .list_work_orders(None)?
        .into_iter()
        .filter(|r| r.status == fieldsync::status::Status::Completed)
        .collect();
    queue.sort_by_key(|r| r.completed_at_ms);
    // What the supervisor weighs before opening a report: findings, signature, time on site.
    // Read only for those who review: this runs after every edit. A report that cannot be
    // read has no facts (shown as unknown, not as "no findings, not signed").
    let role = state.identity.as_ref().map(|i| i.role);
    let reviews = matches!(role, Some(Role::Supervisor | Role::Admin));
    state.review_facts = queue
        .iter()
        .filter(|_| reviews)
        .filter_map(|r| {
            let wo = store.work_order(r.doc_id).ok()?;
            Some((
                r.doc_id,
                crate::state::ReviewFacts {
                    findings: wo.checklist.values().filter(|i| i.is_failed()).count(),
                    signed: wo.signature.is_some(),
                    on_site_ms: wo.time_on_site_ms(),
                },
            ))
        })
        .collect();
    state.review_queue = queue;
    let changes = if reviews {
        change_lines(store)?
    } else {
        Vec::new()
    };
    state.changes.fill(changes);
    refresh_sync_counts(store, state)?;
    state.sync.pending_items = pending_lines(store)?;
    // The plan form's choice: loaded for the office only (every template is read).
    state.templates = if matches!(role, Some(Role::Dispatcher | Role::Admin)) {
        store
            .templates()?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(())
}

/// Every change held here, as the approval list shows it (an unreadable one is left out: it
/// shows in the sync details).
fn change_lines(store: &mut LocalStore) -> Result<Vec<crate::state::changes::ChangeLine>> {
    let mut lines = Vec::new();
    for row in store.list_work_orders(None)? {
        if row.kind != fieldsync::model::change::CHANGE_KIND {
            continue;
        }
        if let Ok(wo) = store.work_order(row.doc_id)
            && let Some(line) =
                crate::state::changes::ChangeLine::of(row.doc_id, &wo, row.site_name.clone())
        {
            lines.push(line);
        }
    }
    Ok(lines)
}

/// The documents waiting to be sent, named as people know them.
fn pending_lines(store: &mut LocalStore) -> Result<Vec<crate::state::PendingLine>> {
    let mut out = Vec::new();
    for (id, kind, at) in store.pending_docs()? {
        let name = match kind {
            DocKind::WorkOrder => store.work_order(id).ok().map(|w| match w.number {
                Some(n) => format!("{n} · {}", w.title),
                None => w.title,
            }),
            DocKind::Device => store.device(id).ok().map(|d| d.asset_tag),
            _ => None,
        }
        .unwrap_or_else(|| {
            format!(
                "{} {}",
                kind.as_str(),
                crate::format::short_id(&id.to_string())
            )
        });
        out.push(crate::state::PendingLine {
            doc_id: id,
            name,
            is_work_order: kind == DocKind::WorkOrder,
            edited_at_ms: at,
        });
    }
    Ok(out)
}

/// Pending changes, blobs, last sync and the quarantine list.
pub fn refresh_sync_counts(store: &LocalStore, state: &mut AppState) -> Result<()> {
    let s = &mut state.sync;
    s.pending = store.pending_count()?;
    s.pending_blobs = store.pending_blobs()?.len();
    s.last_sync_ms = store.meta(meta::LAST_SYNC_MS)?.and_then(|v| v.parse().ok());
    s.server = store.meta(meta::SERVER_URL)?;
    state.sign_in.pinned_certificate = store.meta(meta::SERVER_CERT_SHA256)?;
    let titles: BTreeMap<DocId, String> = state
        .my_work
        .iter()
        .map(|r| (r.doc_id, r.title.clone()))
        .collect();
    s.quarantine = store
        .quarantine()?
        .into_iter()
        .map(|q| QuarantineLine {
            id: q.id,
            doc_id: q.doc_id,
            title: titles.get(&q.doc_id).cloned().unwrap_or_else(|| {
                format!(
                    "{} {}",
                    q.kind,
                    crate::format::short_id(&q.doc_id.to_string())
                )
            }),
            code: q.code,
            reason: q.reason,
            at_ms: q.created_at_ms,
        })
        .collect();
    Ok(())
}

/// How the signed-in user stands to a work order.
fn relation(wo: &fieldsync::model::WorkOrder, me: Option<&Identity>) -> Relation {
    match me {
        Some(me) if wo.is_assigned_to(&me.user_id) || wo.created_by == me.user_id => {
            Relation::Assignee
        }
        _ => Relation::Other,
    }
}

fn key_path(keys: &[&str]) -> Vec<Seg> {
    keys.iter().map(|k| Seg::Key((*k).to_string())).collect()
}

/// Read a work order with what the screen needs; `drafts` carries typed text across reloads.
pub fn load_work_order(
    store: &mut LocalStore,
    id: DocId,
    me: Option<&Identity>,
    drafts: Option<WorkOrderDrafts>,
) -> Result<WorkOrderView> {
    let wo = store.work_order(id)?;
    let doc = store.doc(id)?;
    let folded = wo.fold();
    let site = match &wo.site_id {
        Some(s) => s.parse().ok().and_then(|sid| store.site(sid).ok()),
        None => None,
    };
    let mut devices = Vec::new();
    for (dev, linked) in &wo.device_ids {
        let Some(did) = dev.parse::<DocId>().ok().filter(|_| *linked) else {
            continue;
        };
        let label = match store.device(did) {
            Ok(d) => format!("{} · {}", d.asset_tag, d.model.unwrap_or(d.device_type)),
            Err(_) => t!(
                "eng-views-device-elsewhere",
                id = crate::format::short_id(dev)
            ),
        };
        devices.push((did, label));
    }
    let role = me.map_or(Role::Engineer, |m| m.role);
    let rel = relation(&wo, me);
    let open = !matches!(
        folded.status,
        fieldsync::status::Status::Approved | fieldsync::status::Status::Cancelled
    );
    let can = |keys: &[&str]| {
        open && me.is_some() && may_write(role, DocKind::WorkOrder, rel, &key_path(keys))
    };
    let rights = WorkOrderRights {
        checklist: can(&["checklist", "item", "result"]),
        findings: can(&["findings"]),
        parts: can(&["parts", "p"]),
        photos: can(&["photos", "p"]),
        signature: can(&["signature"]),
        outages: can(&["outages", "device", "down_from_ms"]),
    };
    let mut names = BTreeMap::new();
    if let Some(me) = me {
        names.insert(
            me.user_id.clone(),
            t!("eng-views-name-you", name = &me.display_name),
        );
    }
    let actors = actor_users(&doc, store.actor());
    let conflicts = scan_conflicts(&doc)
        .into_iter()
        .filter_map(|c| work_order_conflict(&wo, c, &actors, &names))
        .collect();
    let mut drafts = drafts.unwrap_or_default();
    if !drafts.findings_dirty {
        drafts.findings = wo.findings.as_str().to_string();
    }
    if drafts.signer.is_empty()
        && let Some(s) = &wo.signature
    {
        drafts.signer = s.signer_name.clone();
    }
    let thumbs = wo
        .photos
        .values()
        .map(|p| {
            let blob = store.blob_path(&p.sha256);
            (
                p.sha256.clone(),
                crate::runtime::thumbs::state_of(blob.as_deref()),
            )
        })
        .collect();
    // The follow-up incidents of findings that this computer holds, by id, as their label.
    let follow_ups = wo
        .checklist
        .values()
        .filter_map(|i| i.follow_up.as_deref()?.parse::<DocId>().ok())
        .filter_map(|f| {
            let w = store.work_order(f).ok()?;
            let label = match &w.number {
                Some(n) => format!("{n} · {}", w.title),
                None => w.title.clone(),
            };
            Some((f, label))
        })
        .collect();
    // The workaround of every problem this incident is linked to, from the synced articles.
    let mut known_errors = Vec::new();
    for row in store.articles_for_work_order(id)? {
        if let Ok(a) = store.article(row.doc_id) {
            known_errors.push(crate::state::KnownErrorNote {
                article: row.doc_id,
                title: a.title,
                known_error: a.symptoms,
                workaround: a.solution,
            });
        }
    }
    Ok(WorkOrderView {
        id,
        thumbs,
        follow_ups,
        known_errors,
        badge: store.badge(id)?,
        rejection: store.rejection(id)?,
        wo,
        folded,
        site,
        conflicts,
        devices,
        rights,
        names,
        drafts,
        notice: None,
    })
}

/// Map Automerge actors (hex) to user ids, learned from the events each actor appended; the
/// store's own actor is "you".
/// Name the people a work order's log and conflicts mention from the directory this device
/// keeps (`state::people`), where the view has no better name (its own user is "you").
pub fn name_people(view: &mut WorkOrderView, people: &crate::state::people::People) {
    for p in people.iter() {
        view.names
            .entry(p.user_id.clone())
            .or_insert_with(|| p.display_name.clone());
    }
}

fn actor_users(doc: &impl ReadDoc, mine: &automerge::ActorId) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert(mine.to_hex_string(), "you".to_string());
    let Ok(Some((Value::Object(_), events))) = doc.get(automerge::ROOT, "events") else {
        return out;
    };
    for i in 0..doc.length(&events) {
        let Ok(Some((Value::Object(_), ev))) = doc.get(&events, i) else {
            continue;
        };
        let automerge::ObjId::Id(_, actor, _) = &ev else {
            continue;
        };
        if let Ok(Some((Value::Scalar(s), _))) = doc.get(&ev, "by")
            && let automerge::ScalarValue::Str(by) = s.as_ref()
        {
            out.entry(actor.to_hex_string())
                .or_insert_with(|| by.to_string());
        }
    }
    out
}

fn who(
    actor: &automerge::ActorId,
    actors: &BTreeMap<String, String>,
    names: &BTreeMap<String, String>,
) -> String {
    match actors.get(&actor.to_hex_string()) {
        Some(u) if u == "you" => t!("eng-views-you"),
        Some(u) => names
            .get(u)
            .cloned()
            .unwrap_or_else(|| t!("eng-views-user", id = crate::format::short_id(u))),
        None => t!(
            "eng-views-other-device",
            id = crate::format::short_id(&actor.to_hex_string())
        ),
    }
}

/// A checklist field whose conflicting values a person can pick between: the answer of any
/// kind but a photo (a photo clash is two photos, both kept).
fn is_pickable_check_field(field: &str) -> bool {
    CheckKind::for_answer_field(field).is_some_and(|k| k != CheckKind::Photo)
}

fn work_order_conflict(
    wo: &fieldsync::model::WorkOrder,
    c: FieldConflict,
    actors: &BTreeMap<String, String>,
    names: &BTreeMap<String, String>,
) -> Option<ConflictLine> {
    let (label, pickable) = match c.path.as_slice() {
        [list, item, field] if list == "checklist" => {
            if !is_pickable_check_field(field) && field != "note" {
                return None; // who/when stamps clash whenever values do
            }
            let name = wo
                .checklist
                .get(item)
                .map_or(item.as_str(), |i| i.label.as_str());
            (
                t!("eng-views-check-field", item = name, field = field.as_str()),
                field != "note",
            )
        }
        [field] if field == "title" => (t!("eng-views-field-title"), false),
        [field] if field == "priority" => (t!("eng-views-field-priority"), false),
        [field] if field == "category" => (t!("eng-views-field-category"), false),
        [first, ..] if first == "events" => return None,
        path => (path.join(" › "), false),
    };
    Some(ConflictLine {
        values: c
            .values
            .iter()
            .map(|(v, a)| (v.clone(), who(a, actors, names)))
            .collect(),
        path: c.path,
        label,
        pickable,
    })
}

/// Read a device record with its history and what the engineer may change.
pub fn load_device(store: &mut LocalStore, id: DocId, me: Option<&Identity>) -> Result<DeviceView> {
    let record = store.device(id)?;
    let doc = store.doc(id)?;
    let role = me.map_or(Role::Engineer, |m| m.role);
    let mut editable: Vec<String> = DEVICE_FIELDS
        .iter()
        .filter(|f| !matches!(**f, "site_id" | "customer_id" | "asset_tag"))
        .filter(|f| may_write(role, DocKind::Device, Relation::Other, &key_path(&[f])))
        .map(|f| f.to_string())
        .collect();
    if may_write(
        role,
        DocKind::Device,
        Relation::Other,
        &key_path(&["location", "room"]),
    ) {
        editable.extend(LOCATION_FIELDS.iter().map(|f| format!("location.{f}")));
    }
    let mut names = BTreeMap::new();
    if let Some(me) = me {
        names.insert(
            me.user_id.clone(),
            t!("eng-views-name-you", name = &me.display_name),
        );
    }
    let actors = actor_users(&doc, store.actor());
    let conflicts = scan_conflicts(&doc)
        .into_iter()
        .map(|c| {
            let field = c.path.join(".");
            ConflictLine {
                pickable: editable.contains(&field),
                label: crate::state::devices::label_of(&field),
                values: c
                    .values
                    .iter()
                    .map(|(v, a)| (v.clone(), who(a, &actors, &names)))
                    .collect(),
                path: c.path,
            }
        })
        .collect();
    let site_name = record
        .site_id
        .as_deref()
        .and_then(|s| store.site_name(s).ok().flatten());
    let zone = record
        .site_id
        .as_deref()
        .and_then(|s| s.parse::<DocId>().ok())
        .and_then(|sid| store.site(sid).ok())
        .map_or(crate::format::Zone::Device, |s| {
            crate::format::Zone::of(s.time_zone.as_deref())
        });
    Ok(DeviceView {
        id,
        zone,
        history: store.device_history(id)?,
        badge: store.badge(id)?,
        site_name,
        conflicts,
        drafts: BTreeMap::new(),
        editable,
        editing: false,
        record,
    })
}
