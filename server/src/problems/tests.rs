//! The rules without a database: which recent incidents make a recurring group, and what a
//! body must hold for its status.

use super::candidates::recurring;
use super::input::check;
use crate::storage::WorkOrderRow;
use fieldsync::problem::{ProblemBody, ProblemStatus, RecurrenceKey};

const DAY: i64 = 86_400_000;

fn row(id: &str, at: i64, site: &str, category: &str, devices: &[&str]) -> WorkOrderRow {
    WorkOrderRow {
        doc_id: id.into(),
        number: None,
        title: id.into(),
        kind: "incident".into(),
        status: "new".into(),
        conflict: false,
        priority: None,
        category: Some(category.into()),
        customer_id: None,
        site_id: Some(site.into()),
        assignees: Vec::new(),
        device_ids: devices.iter().map(|d| (*d).to_owned()).collect(),
        scheduled_start_ms: None,
        scheduled_end_ms: None,
        response_due_ms: None,
        resolution_due_ms: None,
        created_by: "u".into(),
        created_at_ms: at,
        updated_at_ms: at,
        caller_name: None,
        caller_phone: None,
    }
}

#[test]
fn a_group_needs_min_recent_live_incidents_on_one_device_or_one_site_and_category() {
    let since = 100 * DAY;
    let mut rows = vec![
        row("a", since + DAY, "s1", "hardware", &["prn"]),
        row("b", since + 2 * DAY, "s1", "hardware", &["prn"]),
        row("c", since + 3 * DAY, "s1", "hardware", &["pc"]),
        // Too old, another category, cancelled, an inspection: none of them count.
        row("old", since - 1, "s1", "hardware", &["prn"]),
        row("net", since + DAY, "s1", "network", &["prn"]),
    ];
    let mut cancelled = row("x", since + DAY, "s1", "hardware", &["prn"]);
    cancelled.status = "cancelled".into();
    let mut patrol = row("p", since + DAY, "s1", "hardware", &["prn"]);
    patrol.kind = "inspection".into();
    rows.extend([cancelled, patrol]);

    let groups = recurring(&rows, since, 3);
    let ids = |i: usize| {
        groups[i]
            .1
            .iter()
            .map(|l| l.doc_id.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert_eq!(
        groups[0].0,
        RecurrenceKey::Device {
            device_id: "prn".into()
        }
    );
    assert_eq!(
        ids(0),
        ["a", "net", "b"],
        "same device, any category, oldest first"
    );
    assert_eq!(
        groups[1].0,
        RecurrenceKey::SiteCategory {
            site_id: "s1".into(),
            category: "hardware".into()
        }
    );
    assert_eq!(ids(1), ["a", "b", "c"]);
    assert!(recurring(&rows, since, 4).is_empty());
}

fn body(status: ProblemStatus) -> ProblemBody {
    ProblemBody {
        status,
        title: "UPS".into(),
        ..Default::default()
    }
}

#[test]
fn a_known_error_has_its_text_and_the_lifecycle_is_kept() {
    assert!(check(&body(ProblemStatus::Open), None).is_ok());
    let err = check(&body(ProblemStatus::KnownError), None).unwrap_err();
    assert!(err.contains("known_error"), "{err}");
    let mut known = body(ProblemStatus::KnownError);
    known.known_error = "电池老化".into();
    known.workaround = "旁路供电".into();
    assert!(check(&known, Some(ProblemStatus::Open)).is_ok());
    assert!(check(&known, Some(ProblemStatus::Resolved)).is_err());
    assert!(check(&body(ProblemStatus::Resolved), Some(ProblemStatus::Closed)).is_err());
    assert!(check(&body(ProblemStatus::Open), Some(ProblemStatus::Closed)).is_ok());
}
