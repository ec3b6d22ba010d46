//! Demo data for the supervisor: finished work as an engineer leaves it. One patrol completed
//! three days ago and waiting for review (an out-of-range reading, a failed check, a part
//! with consent, the customer's signature), and one repair of last month already approved, so
//! the review queue, a report's history and the monthly summary have something to show.
//!
//! The engineer's edits are written with an actor bound to a demo laptop of theirs, as a
//! sync from that laptop would leave them, so the history names the engineer, not the server.

use super::text::{FinishedText, fill};
use crate::hub::{Hub, HubError};
use crate::storage::UserRecord;
use automerge::{ActorId, AutoCommit};
use fieldsync::model::{
    self, CheckAnswer, ChecklistItem, EventExtra, ModelError, NewWorkOrder, PartUsed, Signature,
    TimeEntry,
};
use fieldsync::status::EventKind;
use fieldsync::wire::DeviceId;
use fieldsync::{DocId, DocKind, Role, TimestampMs};

const MIN: i64 = 60_000;
const DAY: i64 = 24 * 60 * MIN;

/// Where the finished work was done: a customer's site and its server-room devices.
pub struct FinishedSite<'a> {
    pub customer_id: &'a str,
    pub customer_name: &'a str,
    pub site_id: DocId,
    /// Server-room devices as (type, document id).
    pub room: &'a [(&'static str, String)],
}

/// Write the finished work orders, worded by `text` (`patrol_title` names the patrol, `{}`
/// the customer); returns how many.
#[allow(clippy::too_many_arguments)]
pub fn seed_finished_work(
    hub: &Hub,
    users: &[UserRecord],
    site: &FinishedSite<'_>,
    patrol_checklist: &[(String, ChecklistItem)],
    signature_sha: Option<String>,
    year: i32,
    now: TimestampMs,
    text: &FinishedText,
    patrol_title: &str,
) -> Result<usize, HubError> {
    let by_role = |role: Role| users.iter().find(|u| u.role == role);
    let (Some(engineer), Some(dispatcher), Some(supervisor)) = (
        by_role(Role::Engineer),
        by_role(Role::Dispatcher),
        by_role(Role::Supervisor),
    ) else {
        return Ok(0);
    };
    let actor = engineer_laptop(hub, engineer, text.laptop, now)?;
    let (eng, disp) = (engineer.id.to_string(), dispatcher.id.to_string());
    let device = |t: &str| {
        site.room
            .iter()
            .find(|(kind, _)| *kind == t)
            .map(|(_, id)| id.clone())
    };

    // A patrol done three days ago, waiting for review.
    let start = now - 3 * DAY;
    let patrol = NewWorkOrder {
        kind: "inspection".into(),
        title: fill(patrol_title, site.customer_name),
        description: text.patrol_description.into(),
        customer_id: Some(site.customer_id.into()),
        site_id: Some(site.site_id.to_string()),
        device_ids: site.room.iter().map(|(_, id)| id.clone()).collect(),
        scheduled_start_ms: Some(start - 30 * MIN),
        scheduled_end_ms: Some(start + 150 * MIN),
        assignees: vec![eng.clone()],
        checklist: patrol_checklist.to_vec(),
        number: Some(next_number(hub, year)?),
        ..Default::default()
    };
    let times = (start - 4 * DAY, start + 3 * 60 * MIN);
    create(hub, &patrol, &disp, times, &actor, |d| {
        visit(d, &eng, start, text.time_on_site)?;
        let answers = [
            (
                "room-temp",
                CheckAnswer::Reading(29.5),
                Some(text.room_temp_note),
            ),
            ("ups-load", CheckAnswer::Reading(46.0), None),
            ("ups-battery", CheckAnswer::PassFail("pass".into()), None),
            ("core-switch", CheckAnswer::PassFail("pass".into()), None),
            ("firewall", CheckAnswer::PassFail("pass".into()), None),
            (
                "backup",
                CheckAnswer::PassFail("fail".into()),
                Some(text.backup_note),
            ),
            ("notes", CheckAnswer::Text(text.observations.into()), None),
        ];
        for (i, (item, answer, note)) in answers.into_iter().enumerate() {
            let at = start + (10 + 5 * i as i64) * MIN;
            model::answer_checklist_item(d, item, &answer, note, &eng, at)?;
        }
        fit_part(d, &eng, text.filter_part, "AF-600", start + 55 * MIN)?;
        model::set_findings(d, text.patrol_findings, start + 80 * MIN)?;
        finish(d, &eng, start, text.signer, signature_sha.clone())
    })?;

    // A UPS repair of last month, approved by the supervisor.
    let start = now - 25 * DAY;
    let ups = device("ups");
    let repair = NewWorkOrder {
        kind: "incident".into(),
        title: text.repair_title.into(),
        description: text.repair_description.into(),
        customer_id: Some(site.customer_id.into()),
        site_id: Some(site.site_id.to_string()),
        device_ids: ups.iter().cloned().collect(),
        category: Some("hardware".into()),
        impact: Some(2),
        urgency: Some(2),
        assignees: vec![eng.clone()],
        number: Some(next_number(hub, year)?),
        ..Default::default()
    };
    let approver = supervisor.id.to_string();
    let times = (start - 90 * MIN, start + 2 * 60 * MIN);
    let id = create(hub, &repair, &disp, times, &actor, |d| {
        visit(d, &eng, start, text.time_on_site)?;
        if let Some(ups) = &ups {
            model::record_outage(
                d,
                ups,
                start - 100 * MIN,
                Some(start + 70 * MIN),
                &eng,
                start + 72 * MIN,
            )?;
        }
        fit_part(d, &eng, text.battery_part, "APCRBC152", start + 40 * MIN)?;
        model::set_findings(d, text.repair_findings, start + 75 * MIN)?;
        finish(d, &eng, start, text.signer, signature_sha.clone())
    })?;
    // Approved the next morning, written as the server writes a supervisor's decision.
    let approved_at = start + DAY;
    hub.server_edit(id, approved_at, |doc, _| {
        let extra = EventExtra {
            note: Some(text.approval_note.into()),
            ..Default::default()
        };
        model::record_event(doc, EventKind::Approved, &approver, approved_at, extra).map(|_| ())
    })?;
    Ok(2)
}

/// A laptop of the engineer with an actor of its own, bound like a login binds one.
fn engineer_laptop(
    hub: &Hub,
    engineer: &UserRecord,
    name: &str,
    now: TimestampMs,
) -> Result<ActorId, HubError> {
    let actor = ActorId::random();
    let device = DeviceId::new();
    let db = hub.db().blocking();
    db.upsert_device(device, engineer.id, name, now)?;
    db.register_actors(device, engineer.id, &[actor.to_hex_string()], now)?;
    Ok(actor)
}

fn next_number(hub: &Hub, year: i32) -> Result<String, HubError> {
    Ok(hub.db().blocking().next_work_order_number(year)?)
}

/// Create `new` as the dispatcher at `created`, then store `engineer_edits`, written with the
/// engineer's `actor`, as received when the laptop synced at `synced`.
fn create(
    hub: &Hub,
    new: &NewWorkOrder,
    dispatcher: &str,
    (created, synced): (TimestampMs, TimestampMs),
    actor: &ActorId,
    mut engineer_edits: impl FnMut(&mut AutoCommit) -> Result<(), ModelError>,
) -> Result<DocId, HubError> {
    let id = DocId::new();
    hub.create_doc(id, DocKind::WorkOrder, None, created, |d| {
        model::create_work_order(d, id, new, dispatcher, created)
    })?;
    crate::sla::apply_due_times(hub, id, created)?;
    hub.server_edit(id, synced, |d, _| {
        d.set_actor(actor.clone());
        engineer_edits(d)
    })?;
    Ok(id)
}

/// Accepted the day before, on the way 30 min before `start`, on site at `start`, 95 min of
/// work (its time entry noted `on_site`).
fn visit(
    d: &mut AutoCommit,
    eng: &str,
    start: TimestampMs,
    on_site: &str,
) -> Result<(), ModelError> {
    let steps = [
        (EventKind::Accepted, start - DAY),
        (EventKind::EnRoute, start - 30 * MIN),
        (EventKind::OnSite, start),
    ];
    for (kind, at) in steps {
        model::record_event(d, kind, eng, at, EventExtra::default())?;
    }
    let entry = TimeEntry {
        start_ms: start,
        end_ms: start + 95 * MIN,
        note: Some(on_site.into()),
        by: Some(eng.into()),
    };
    model::put_time_entry(d, "t1", &entry, start + 95 * MIN)
}

/// One part fitted by the engineer at `at`, the customer agreeing to the replacement.
fn fit_part(
    d: &mut AutoCommit,
    eng: &str,
    name: &str,
    part_number: &str,
    at: TimestampMs,
) -> Result<(), ModelError> {
    let part = PartUsed {
        name: name.into(),
        part_number: Some(part_number.into()),
        quantity: 1,
        customer_consent: true,
        by: Some(eng.into()),
        at_ms: Some(at),
        ..Default::default()
    };
    model::put_part(d, "p1", &part, at)
}

/// The customer signs at +95 min; completed (fixed) at +100 min.
fn finish(
    d: &mut AutoCommit,
    eng: &str,
    start: TimestampMs,
    signer: &str,
    image_sha256: Option<String>,
) -> Result<(), ModelError> {
    let signed = start + 95 * MIN;
    let strokes = demo_signature_strokes()
        .iter()
        .map(|s| s.iter().flat_map(|p| [p[0] as f64, p[1] as f64]).collect())
        .collect();
    let sig = Signature {
        signer_name: signer.into(),
        signed_at_ms: signed,
        image_sha256,
        strokes,
    };
    model::sign(d, &sig, signed)?;
    let done = EventExtra {
        outcome: Some("fixed".into()),
        ..Default::default()
    };
    model::record_event(d, EventKind::Completed, eng, start + 100 * MIN, done).map(|_| ())
}

/// The demo customer's signature: a looping name and an underline, in pad coordinates.
pub fn demo_signature_strokes() -> Vec<Vec<[f32; 2]>> {
    let (w, h) = crate::report::signature::PAD;
    let name: Vec<[f32; 2]> = (0..80)
        .map(|i| {
            let t = i as f32 / 79.0;
            let x = w * (0.12 + 0.7 * t) + 14.0 * (t * 40.0).cos();
            let y = h * (0.45 - 0.12 * t) + 28.0 * (t * 40.0).sin();
            [x, y]
        })
        .collect();
    let underline = vec![
        [w * 0.15, h * 0.78],
        [w * 0.55, h * 0.74],
        [w * 0.85, h * 0.70],
    ];
    vec![name, underline]
}
