//! The engineer's day as an agenda: work sent back on top, then what is overdue, today's
//! work (in progress, scheduled today on the site's clock, or waiting without a date), the
//! next days, and what is done. Pure: the rows, the clock and each site's zone in, sections
//! out, so My work can be drawn and tested without a store.

use crate::format::Zone;
use fieldsync::TimestampMs;
use fieldsync::status::Status;
use fieldsync::store::WorkOrderRow;

/// A section of the agenda, in the order shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Agenda {
    /// The supervisor sent it back: redo before anything else.
    SentBack,
    /// Past its window's end or its resolution due time, still open.
    Overdue,
    /// In progress, scheduled today, or open without a date.
    Today,
    /// Scheduled on a later day.
    Later,
    /// Completed, approved or cancelled.
    Done,
}

impl Agenda {
    pub const ALL: [Agenda; 5] = [
        Agenda::SentBack,
        Agenda::Overdue,
        Agenda::Today,
        Agenda::Later,
        Agenda::Done,
    ];
}

/// The calendar day of `ms` on `zone`'s clock (the device's for [`Zone::Device`]).
fn day(ms: TimestampMs, zone: Zone) -> Option<chrono::NaiveDate> {
    let t = chrono::DateTime::from_timestamp_millis(ms)?;
    Some(match zone {
        Zone::Site(tz) => t.with_timezone(&tz).date_naive(),
        Zone::Device => t.with_timezone(&chrono::Local).date_naive(),
    })
}

/// Where `row` belongs at `now`, its times read on `zone` (its site's).
pub fn section(row: &WorkOrderRow, now: TimestampMs, zone: Zone) -> Agenda {
    if !row.status.is_open() {
        return Agenda::Done;
    }
    if row.status == Status::Reopened {
        return Agenda::SentBack;
    }
    let due = row.scheduled_end_ms.or(row.resolution_due_ms);
    if due.is_some_and(|d| d < now) {
        return Agenda::Overdue;
    }
    let in_progress = matches!(
        row.status,
        Status::EnRoute | Status::OnSite | Status::OnHold
    );
    match row.scheduled_start_ms {
        Some(start) if !in_progress && day(start, zone) > day(now, zone) => Agenda::Later,
        _ => Agenda::Today,
    }
}

/// The rows by section, in [`Agenda::ALL`] order, keeping each section's row order; empty
/// sections are left out.
pub fn sections(
    rows: &[WorkOrderRow],
    now: TimestampMs,
    zone_of: impl Fn(&WorkOrderRow) -> Zone,
) -> Vec<(Agenda, Vec<&WorkOrderRow>)> {
    Agenda::ALL
        .into_iter()
        .map(|a| {
            let rows: Vec<&WorkOrderRow> = rows
                .iter()
                .filter(|r| section(r, now, zone_of(r)) == a)
                .collect();
            (a, rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldsync::DocId;

    const HOUR: i64 = 3_600_000;
    /// Mon 7 Dec 2026 22:00 in Shanghai (14:00 UTC).
    const NOW: TimestampMs = 1_796_652_000_000;

    fn row(status: Status, start: Option<TimestampMs>, end: Option<TimestampMs>) -> WorkOrderRow {
        WorkOrderRow {
            doc_id: DocId::new(),
            number: None,
            title: "x".into(),
            kind: "inspection".into(),
            status,
            conflict: false,
            priority: None,
            category: None,
            site_id: None,
            site_name: None,
            scheduled_start_ms: start,
            scheduled_end_ms: end,
            response_due_ms: None,
            resolution_due_ms: None,
            first_on_site_ms: None,
            completed_at_ms: None,
            assignees: vec![],
        }
    }

    #[test]
    fn each_row_lands_in_its_section_on_the_sites_clock() {
        let sh = Zone::Site(chrono_tz::Asia::Shanghai);
        let s = |r: &WorkOrderRow| section(r, NOW, sh);
        assert_eq!(s(&row(Status::Reopened, None, None)), Agenda::SentBack);
        assert_eq!(s(&row(Status::Approved, None, None)), Agenda::Done);
        assert_eq!(
            s(&row(
                Status::Assigned,
                Some(NOW - 5 * HOUR),
                Some(NOW - HOUR)
            )),
            Agenda::Overdue
        );
        // 23:00 tonight in Shanghai is today; 09:00 tomorrow is later — although 01:00 UTC
        // tomorrow is "today" on a machine set to UTC.
        assert_eq!(
            s(&row(
                Status::Assigned,
                Some(NOW + HOUR),
                Some(NOW + 2 * HOUR)
            )),
            Agenda::Today
        );
        assert_eq!(
            s(&row(
                Status::Assigned,
                Some(NOW + 11 * HOUR),
                Some(NOW + 14 * HOUR)
            )),
            Agenda::Later
        );
        // On site on tomorrow's visit already: today.
        assert_eq!(
            s(&row(
                Status::OnSite,
                Some(NOW + 11 * HOUR),
                Some(NOW + 14 * HOUR)
            )),
            Agenda::Today
        );
        // An incident without a date waits today.
        assert_eq!(s(&row(Status::Assigned, None, None)), Agenda::Today);
        let mut late = row(Status::Accepted, None, None);
        late.resolution_due_ms = Some(NOW - 1);
        assert_eq!(s(&late), Agenda::Overdue);
    }

    #[test]
    fn sections_keep_order_and_skip_empty_ones() {
        let rows = vec![
            row(Status::Assigned, Some(NOW + 30 * HOUR), None),
            row(Status::Reopened, None, None),
            row(Status::Assigned, None, None),
        ];
        let got: Vec<(Agenda, usize)> = sections(&rows, NOW, |_| Zone::Site(chrono_tz::UTC))
            .into_iter()
            .map(|(a, r)| (a, r.len()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Agenda::SentBack, 1),
                (Agenda::Today, 1),
                (Agenda::Later, 1)
            ]
        );
    }
}
