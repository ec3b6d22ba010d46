//! A change of a report's history in words: the fields it touched (`review-field-<key>`),
//! and what its commit message adds where the app can word it — a status step, the checklist
//! item by its label, the engineer assigned by name. The messages themselves are English
//! developer text (`fieldsync::model`), never shown as they are.

use crate::state::review_history::Change;
use fieldsync::model::WorkOrder;
use fieldsync::status::EventKind;
use fieldsync_i18n::{self as i18n, t};
use std::collections::BTreeMap;

/// A top-level work-order field in words; a field this version does not know, as written.
pub fn field_words(key: &str) -> String {
    i18n::current()
        .tr_opt(&format!("review-field-{}", key.replace('_', "-")))
        .unwrap_or_else(|| key.to_owned())
}

/// Who made change `c`: the author's name, or "the server" for the server's own writes
/// (numbering, SLA due times, office edits), which the history names `server`.
pub fn author(c: &Change) -> String {
    if c.user == "server" {
        t!("review-change-by-server")
    } else {
        c.user.clone()
    }
}

/// What change `c` did, in the reader's words. `wo` names checklist items; `names` people.
pub fn change_text(c: &Change, wo: Option<&WorkOrder>, names: &BTreeMap<String, String>) -> String {
    let sep = if i18n::current() == i18n::Lang::ZhCn {
        "、"
    } else {
        ", "
    };
    let fields: Vec<String> = c.fields.iter().map(|f| field_words(f)).collect();
    let fields = fields.join(sep);
    let detail = c
        .message
        .as_deref()
        .and_then(|m| message_words(m.trim(), wo, names));
    match (fields.is_empty(), detail) {
        (true, None) => "—".into(),
        (true, Some(d)) => d,
        (false, None) => fields,
        (false, Some(d)) => format!("{fields} — {d}"),
    }
}

/// The part of a commit message worth reading beside the fields, in words; `None` when the
/// fields say it all or the message is nothing the app can word.
fn message_words(
    m: &str,
    wo: Option<&WorkOrder>,
    names: &BTreeMap<String, String>,
) -> Option<String> {
    if let Some(kind) = EventKind::parse(m) {
        return Some(i18n::words::event(i18n::current(), kind));
    }
    use fieldsync::model::work_order::{
        ASSIGN_MESSAGE, CHECKLIST_MESSAGE, CREATED_MESSAGE, UNASSIGN_MESSAGE,
    };
    if m.starts_with(CREATED_MESSAGE) {
        return Some(t!("review-change-created"));
    }
    // "<prefix> <rest>": the argument after one of the model's message prefixes.
    let after = |prefix: &str| m.strip_prefix(prefix).and_then(|r| r.strip_prefix(' '));
    let name = |id: &str| super::names::who(names, id);
    if let Some(user) = after(UNASSIGN_MESSAGE) {
        return Some(t!("review-change-unassigned", who = name(user)));
    }
    if let Some(user) = after(ASSIGN_MESSAGE) {
        return Some(t!("review-change-assigned", who = name(user)));
    }
    if let Some(rest) = after(CHECKLIST_MESSAGE) {
        let id = rest.split(' ').next().unwrap_or_default();
        let label = wo
            .and_then(|w| w.checklist.get(id))
            .map_or_else(|| id.to_owned(), |i| i.label.clone());
        return Some(label);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldsync_i18n::{Lang, ThreadLang};

    fn change(fields: &[&str], message: &str) -> Change {
        Change {
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            message: Some(message.into()),
            ..Default::default()
        }
    }

    #[test]
    fn changes_read_as_words_not_keys() {
        let _zh = ThreadLang::set(Lang::ZhCn);
        let mut wo = WorkOrder::default();
        wo.checklist.insert(
            "room-temp".into(),
            fieldsync::model::ChecklistItem {
                label: "机房温度".into(),
                ..Default::default()
            },
        );
        let names: BTreeMap<String, String> = [("u-li".to_string(), "李伟".to_string())]
            .into_iter()
            .collect();
        let text = |c: &Change| change_text(c, Some(&wo), &names);
        assert_eq!(text(&change(&["findings"], "findings")), "处理记录");
        assert_eq!(text(&change(&["events"], "accepted")), "状态记录 — 接单");
        assert_eq!(
            text(&change(&["checklist"], "checklist room-temp note")),
            "检查项 — 机房温度"
        );
        assert_eq!(
            text(&change(&["assignees", "events"], "assign u-li")),
            "指派、状态记录 — 指派给 李伟"
        );
        // A field this version does not know stays as written; an unknown message adds nothing.
        assert_eq!(text(&change(&["colour"], "paint it")), "colour");
        let by_server = Change {
            user: "server".into(),
            ..Default::default()
        };
        assert_eq!(author(&by_server), "服务器");
    }
}
