//! What a sync brought that the engineer must notice: work newly assigned to them, work the
//! supervisor sent back, work approved. Found by comparing My work before and after the sync
//! (pure, so it is tested without a server), and said in one message.

use fieldsync::DocId;
use fieldsync::status::Status;
use fieldsync::store::WorkOrderRow;
use fieldsync_i18n::t;
use std::collections::BTreeMap;

/// A row's name as people say it: its number, else its title.
fn name(r: &WorkOrderRow) -> String {
    match &r.number {
        Some(n) => format!("{n} {}", r.title),
        None => r.title.clone(),
    }
}

/// The message for what changed from `before` (doc → status) to `after`, and whether it
/// must stay until read (work sent back does), or `None`. A first load (nothing before)
/// tells nothing: everything would be "new".
pub fn after_sync(
    before: &BTreeMap<DocId, Status>,
    after: &[WorkOrderRow],
) -> Option<(String, bool)> {
    if before.is_empty() {
        return None;
    }
    let mut assigned = Vec::new();
    let mut sent_back = Vec::new();
    let mut approved = Vec::new();
    for r in after {
        match before.get(&r.doc_id) {
            None if r.status.is_open() => assigned.push(name(r)),
            Some(old) if *old != r.status && r.status == Status::Reopened => {
                sent_back.push(name(r))
            }
            Some(old) if *old != r.status && r.status == Status::Approved => approved.push(name(r)),
            _ => {}
        }
    }
    let sep = t!("eng-notice-sep");
    let mut parts = Vec::new();
    if !sent_back.is_empty() {
        parts.push(t!("eng-notice-sent-back", list = sent_back.join(&sep)));
    }
    if !assigned.is_empty() {
        parts.push(t!("eng-notice-assigned", list = assigned.join(&sep)));
    }
    if !approved.is_empty() {
        parts.push(t!("eng-notice-approved", list = approved.join(&sep)));
    }
    (!parts.is_empty()).then(|| (parts.join("\n"), !sent_back.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: &str, status: Status) -> WorkOrderRow {
        WorkOrderRow {
            doc_id: DocId::new(),
            number: Some(n.into()),
            title: "Printer jam".into(),
            kind: "incident".into(),
            status,
            conflict: false,
            priority: None,
            category: None,
            site_id: None,
            site_name: None,
            scheduled_start_ms: None,
            scheduled_end_ms: None,
            response_due_ms: None,
            resolution_due_ms: None,
            first_on_site_ms: None,
            completed_at_ms: None,
            assignees: vec![],
        }
    }

    #[test]
    fn new_sent_back_and_approved_work_is_told_once() {
        let kept = row("WO-1", Status::Assigned);
        let back = row("WO-2", Status::Completed);
        let done = row("WO-3", Status::Completed);
        let before: BTreeMap<DocId, Status> = [&kept, &back, &done]
            .iter()
            .map(|r| (r.doc_id, r.status))
            .collect();
        let mut after = vec![
            kept.clone(),
            back.clone(),
            done.clone(),
            row("WO-4", Status::Assigned),
        ];
        after[1].status = Status::Reopened;
        after[2].status = Status::Approved;
        let _en = fieldsync_i18n::ThreadLang::set(fieldsync_i18n::Lang::En);
        let (text, stays) = after_sync(&before, &after).unwrap();
        assert!(stays, "work sent back stays until read");
        assert_eq!(
            text,
            "Sent back to redo: WO-2 Printer jam\n\
             New work for you: WO-4 Printer jam\n\
             Approved: WO-3 Printer jam"
        );
        // Nothing changed: nothing to say; a first load says nothing either.
        let same: BTreeMap<DocId, Status> = after.iter().map(|r| (r.doc_id, r.status)).collect();
        assert_eq!(after_sync(&same, &after), None);
        assert_eq!(after_sync(&BTreeMap::new(), &after), None);
    }
}
