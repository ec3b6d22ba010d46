//! Recording and reading feedback, and attempts to record nonsense (complaint due times are
//! tested with the SLA calendars, `sla::complaint`).

use super::*;
use crate::ids::DocId;
use crate::model::work_order::{self as wo, EventExtra, NewWorkOrder};

const H: i64 = 3_600_000;
/// Monday 2026-11-02 00:00 UTC.
const MON: i64 = 1_793_577_600_000;
const DAY: i64 = 24 * H;

/// A completed incident assigned to "eng".
fn finished() -> AutoCommit {
    let mut doc = AutoCommit::new();
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "Switch down".into(),
        assignees: vec!["eng".into()],
        ..Default::default()
    };
    wo::create_work_order(&mut doc, DocId::new(), &new, "disp", MON).unwrap();
    for (k, t) in [(EventKind::OnSite, 1), (EventKind::Completed, 2)] {
        wo::record_event(&mut doc, k, "eng", MON + t * H, EventExtra::default()).unwrap();
    }
    doc
}

fn complaint() -> NewComplaint {
    NewComplaint {
        reason: "Engineer left without testing the uplink".into(),
        received_at_ms: MON + 10 * H,
        due_ms: MON + 3 * DAY + 10 * H,
    }
}

#[test]
fn a_complaint_is_recorded_closed_and_read_back() {
    let mut doc = finished();
    let id = record_complaint(&mut doc, &complaint(), "sup", MON + 11 * H).unwrap();
    let open = Feedback::of(&WorkOrder::from_doc(&doc).unwrap().events);
    assert_eq!(open.complaints.len(), 1);
    assert!(open.complaints[0].is_overdue(MON + 4 * DAY));
    assert!(!open.complaints[0].is_overdue(MON + DAY));
    close_complaint(
        &mut doc,
        &id,
        "resolved",
        "Uplink re-tested",
        "sup",
        MON + DAY,
    )
    .unwrap();
    // A second closure made offline by someone else later: the earlier one counts.
    close_complaint(&mut doc, &id, "unfounded", "n/a", "disp", MON + 5 * DAY).unwrap();
    record_satisfaction(&mut doc, 4, Some("  quick  "), "sup", MON + 2 * DAY).unwrap();
    let w = WorkOrder::from_doc(&doc).unwrap();
    let f = Feedback::of(&w.events);
    let c = &f.complaints[0];
    assert_eq!(c.reason, "Engineer left without testing the uplink");
    assert_eq!(c.received_at_ms, MON + 10 * H);
    let closed = c.closed.as_ref().unwrap();
    assert_eq!(
        (closed.outcome.as_str(), closed.by.as_str()),
        ("resolved", "sup")
    );
    assert_eq!(c.closed_on_time(), Some(true));
    assert_eq!(f.scores.len(), 1);
    assert_eq!(f.scores[0].score, 4);
    assert_eq!(f.scores[0].note.as_deref(), Some("quick"));
    // None of it moved the status.
    assert_eq!(w.fold().status, Status::Completed);
}

#[test]
fn nonsense_feedback_is_refused() {
    let mut doc = finished();
    let no_reason = NewComplaint {
        reason: "   ".into(),
        ..complaint()
    };
    assert!(record_complaint(&mut doc, &no_reason, "sup", MON + 11 * H).is_err());
    let due_before = NewComplaint {
        due_ms: MON,
        ..complaint()
    };
    assert!(record_complaint(&mut doc, &due_before, "sup", MON + 11 * H).is_err());
    let from_the_future = NewComplaint {
        received_at_ms: MON + 5 * DAY,
        due_ms: MON + 9 * DAY,
        ..complaint()
    };
    assert!(record_complaint(&mut doc, &from_the_future, "sup", MON + 11 * H).is_err());
    assert!(close_complaint(&mut doc, "no-such", "resolved", "x", "sup", MON + DAY).is_err());
    let id = record_complaint(&mut doc, &complaint(), "sup", MON + 11 * H).unwrap();
    assert!(close_complaint(&mut doc, &id, "shrugged", "x", "sup", MON + DAY).is_err());
    assert!(close_complaint(&mut doc, &id, "resolved", " ", "sup", MON + DAY).is_err());
    for bad in [0, 6, -1] {
        assert!(record_satisfaction(&mut doc, bad, None, "sup", MON + DAY).is_err());
    }
    // The engineer who did the work does not score it.
    let own = record_satisfaction(&mut doc, 5, None, "eng", MON + DAY).unwrap_err();
    assert!(own.to_string().contains("own work"), "{own}");
    // Unfinished work is not scored.
    let mut open = AutoCommit::new();
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "Open".into(),
        ..Default::default()
    };
    wo::create_work_order(&mut open, DocId::new(), &new, "disp", MON).unwrap();
    assert!(record_satisfaction(&mut open, 5, None, "sup", MON + DAY).is_err());
    // Nothing refused reached the log: one complaint, no closure, no score.
    let f = Feedback::of(&WorkOrder::from_doc(&doc).unwrap().events);
    assert_eq!(f.complaints.len(), 1);
    assert!(f.complaints[0].closed.is_none());
    assert!(f.scores.is_empty());
}
