//! The phone-call form's state: what the dispatcher typed and chose, the priority and due
//! times computed with the customer's contract (`fieldsync::sla`, the same rules the server
//! applies) before saving, the request body, and the answer to saving it.

use super::dispatch_model::{BoardRow, zoned_day_hm};
use super::{DispatchTab, flash_ok, parse};
use crate::runtime::messages::{ApiCall, ApiError, ApiReply};
use crate::state::AppState;
use crate::state::command::Command;
use fieldsync::TimestampMs;
use fieldsync::model::change::CHANGE_KIND;
use fieldsync::model::{ChangeClass, priority_for};
use fieldsync::sla::CompiledContract;
use fieldsync_i18n::t;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The phone-call form.
#[derive(Debug, Clone)]
pub struct CallForm {
    /// `incident` (a fault reported) or `change` (a planned modification).
    pub kind: String,
    /// A change's class, chosen by the dispatcher (none chosen yet: saving asks for one).
    pub change_class: Option<ChangeClass>,
    /// Who called and their number: fields of the incident of their own (searchable), not
    /// lines in its description.
    pub caller_name: String,
    pub caller_phone: String,
    pub title: String,
    pub description: String,
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub device_query: String,
    /// Linked devices: id, label.
    pub devices: Vec<(String, String)>,
    pub category: String,
    pub impact: i64,
    pub urgency: i64,
    /// Customers whose contract was asked for, and why one could not be had.
    pub contract_asked: BTreeSet<String>,
    pub contract_missing: BTreeMap<String, String>,
    pub busy: bool,
    pub error: Option<String>,
}

impl Default for CallForm {
    fn default() -> Self {
        CallForm {
            kind: "incident".into(),
            change_class: None,
            caller_name: String::new(),
            caller_phone: String::new(),
            title: String::new(),
            description: String::new(),
            customer_id: None,
            site_id: None,
            device_query: String::new(),
            devices: Vec::new(),
            category: "hardware".into(),
            impact: 2,
            urgency: 2,
            contract_asked: BTreeSet::new(),
            contract_missing: BTreeMap::new(),
            busy: false,
            error: None,
        }
    }
}

/// What the dispatcher sees before saving.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub priority: String,
    pub response_due_ms: Option<TimestampMs>,
    pub resolution_due_ms: Option<TimestampMs>,
    /// Why there are no due times, in words.
    pub note: Option<String>,
}

/// Priority by the contract's matrix (the model's default without one) and due times from
/// `now` in the contract's business time — what the server will write.
pub fn preview(
    contract: Option<&CompiledContract>,
    impact: i64,
    urgency: i64,
    category: Option<&str>,
    now: TimestampMs,
) -> Preview {
    let Some(c) = contract else {
        return Preview {
            priority: priority_for(impact, urgency).to_string(),
            response_due_ms: None,
            resolution_due_ms: None,
            note: Some(t!("call-no-contract")),
        };
    };
    let priority = c
        .priority(impact, urgency)
        .unwrap_or_else(|| priority_for(impact, urgency))
        .to_string();
    match c.due_times(now, &priority, category) {
        Ok(Some(sla)) => Preview {
            priority,
            response_due_ms: sla.response_due_ms,
            resolution_due_ms: sla.resolution_due_ms,
            note: None,
        },
        Ok(None) => Preview {
            note: Some(t!("call-no-target", priority = priority.clone())),
            priority,
            response_due_ms: None,
            resolution_due_ms: None,
        },
        Err(e) => Preview {
            note: Some(e.to_string()),
            priority,
            response_due_ms: None,
            resolution_due_ms: None,
        },
    }
}

/// The customer's open incidents as the board has them, the likely repeats of this call first:
/// the same caller's number, or the same site with a device or a title in common. A repeated
/// call then adds to the open ticket instead of opening a second one.
pub fn open_tickets<'a>(f: &CallForm, rows: &'a [BoardRow]) -> Vec<(&'a BoardRow, bool)> {
    let Some(customer) = &f.customer_id else {
        return Vec::new();
    };
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let phone = digits(&f.caller_phone);
    let title = f.title.trim().to_lowercase();
    let repeat = |r: &BoardRow| {
        let same_phone = phone.len() >= 3
            && r.caller_phone
                .as_deref()
                .is_some_and(|p| digits(p) == phone);
        let same_site = f.site_id.is_some() && r.site_id == f.site_id;
        let same_device = f.devices.iter().any(|(id, _)| r.device_ids.contains(id));
        let title_lower = r.title.to_lowercase();
        let same_title = title.chars().count() >= 2
            && (title_lower.contains(&title) || title.contains(&title_lower));
        same_phone || (same_site && (same_device || same_title))
    };
    let mut open: Vec<(&BoardRow, bool)> = rows
        .iter()
        .filter(|r| {
            // Tickets are incidents: planned patrols are not what a caller reports again.
            r.customer_id.as_ref() == Some(customer)
                && r.is_open()
                && matches!(r.kind.as_str(), "incident" | "")
        })
        .map(|r| (r, repeat(r)))
        .collect();
    open.sort_by_key(|(r, dup)| (!dup, std::cmp::Reverse(r.created_at_ms)));
    open
}

/// The tab was opened: fetch what the form chooses from.
pub fn opened(state: &mut AppState, out: &mut Vec<Command>) {
    if state.dispatch.sites.is_empty() {
        out.push(Command::Api(ApiCall::get("dispatch.sites", "/v1/sites")));
    }
}

/// A contract fetch finished (`error` = why there is none).
pub fn contract_arrived(state: &mut AppState, customer: &str, error: Option<String>) {
    let f = &mut state.dispatch.call;
    match error {
        Some(e) => {
            f.contract_missing.insert(customer.to_string(), e);
        }
        None => {
            f.contract_missing.remove(customer);
        }
    }
}

/// The body of `POST /v1/work-orders`, or what is missing in words.
pub fn request(f: &CallForm) -> Result<serde_json::Value, String> {
    let title = f.title.trim();
    if title.is_empty() {
        return Err(t!("call-need-title"));
    }
    let Some(customer) = &f.customer_id else {
        return Err(t!("call-need-customer"));
    };
    let caller = fieldsync::model::Caller::new(&f.caller_name, &f.caller_phone);
    if let Some(c) = &caller
        && c.check().is_err()
    {
        return Err(t!("call-bad-phone"));
    }
    let caller = caller.unwrap_or_default();
    let class = (f.kind == CHANGE_KIND).then_some(f.change_class.as_ref());
    if class == Some(None) {
        let refusal = fieldsync::model::Refusal::ChangeNeedsClass;
        return Err(fieldsync_i18n::words::refusal(
            fieldsync_i18n::current(),
            &refusal,
        ));
    }
    Ok(serde_json::json!({
        "kind": f.kind,
        "change_class": class.flatten().map(ChangeClass::as_str),
        "title": title,
        "description": f.description.trim(),
        "caller_name": caller.name,
        "caller_phone": caller.phone,
        "customer_id": customer,
        "site_id": f.site_id,
        "device_ids": f.devices.iter().map(|(id, _)| id).collect::<Vec<_>>(),
        "category": f.category,
        "impact": f.impact,
        "urgency": f.urgency,
    }))
}

/// `POST /v1/work-orders` answer.
#[derive(Debug, Deserialize)]
struct Created {
    doc_id: String,
    number: String,
    #[serde(default)]
    response_due_ms: Option<TimestampMs>,
}

/// Answers to `call.` calls.
pub fn on_answer(state: &mut AppState, rest: &str, result: Result<ApiReply, ApiError>) {
    if rest != "call.create" {
        return;
    }
    state.dispatch.call.busy = false;
    let created = match result {
        Ok(r) => parse::<Created>(&r),
        Err(e) => Err(e.to_string()),
    };
    match created {
        Ok(c) => {
            let tz = state.dispatch.zone();
            let text = match c.response_due_ms {
                Some(d) => t!(
                    "call-created-due",
                    number = c.number.clone(),
                    when = zoned_day_hm(tz, d)
                ),
                None => t!("call-created", number = c.number.clone()),
            };
            state.dispatch.call = CallForm {
                contract_asked: std::mem::take(&mut state.dispatch.call.contract_asked),
                ..CallForm::default()
            };
            state.dispatch.tab = DispatchTab::Board;
            state.dispatch.reload_at_ms = Some(state.now_ms);
            let mut follow = Vec::new();
            super::dispatch_board::select(state, &c.doc_id, &mut follow);
            state.dispatch.outbox.append(&mut follow);
            flash_ok(state, text);
        }
        Err(e) => state.dispatch.call.error = Some(t!("call-not-saved", error = e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldsync::sla::Contract;

    #[test]
    fn preview_uses_the_contracts_calendar_and_matrix() {
        let c = Contract::demo("c1", "Asia/Shanghai").compile().unwrap();
        // Fri 20 Nov 2026 16:30 Shanghai: a P2 network fault (2 h) is due Monday 10:30.
        let fri_1630 = 1_795_163_400_000;
        let p = preview(Some(&c), 2, 1, Some("network"), fri_1630);
        assert_eq!(p.priority, "P2");
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(
            super::super::dispatch_model::local_day_hm(tz, p.response_due_ms.unwrap()),
            "Mon 23 Nov 10:30"
        );
        // Hardware: one working day (8 business hours) → Monday 16:30.
        let p = preview(Some(&c), 2, 1, Some("hardware"), fri_1630);
        assert_eq!(
            super::super::dispatch_model::local_day_hm(tz, p.resolution_due_ms.unwrap()),
            "Mon 23 Nov 16:30"
        );
        let none = preview(None, 1, 1, None, fri_1630);
        assert_eq!((none.priority.as_str(), none.response_due_ms), ("P1", None));
    }

    #[test]
    fn a_repeated_call_finds_the_open_ticket_first() {
        let row = |n: &str, title: &str, site: &str, phone: Option<&str>, status: &str| BoardRow {
            doc_id: n.into(),
            number: Some(n.into()),
            title: title.into(),
            status: status.into(),
            customer_id: Some("c1".into()),
            site_id: Some(site.into()),
            caller_phone: phone.map(Into::into),
            ..Default::default()
        };
        let rows = vec![
            row(
                "WO-1",
                "三楼打印机卡纸",
                "s1",
                Some("138 0013 8000"),
                "assigned",
            ),
            row("WO-2", "交换机端口闪断", "s1", None, "new"),
            row("WO-3", "打印机卡纸", "s1", None, "completed"),
            BoardRow {
                customer_id: Some("c2".into()),
                ..row("WO-4", "打印机卡纸", "s1", None, "new")
            },
        ];
        let mut f = CallForm {
            customer_id: Some("c1".into()),
            ..CallForm::default()
        };
        // Only the customer's open tickets, none marked yet.
        let found = open_tickets(&f, &rows);
        let numbers: Vec<_> = found.iter().map(|(r, d)| (r.doc_id.as_str(), *d)).collect();
        assert_eq!(numbers.len(), 2);
        assert!(numbers.iter().all(|(_, d)| !d));
        // The same caller's number, typed without spaces: the printer ticket is a repeat.
        f.caller_phone = "13800138000".into();
        assert_eq!(open_tickets(&f, &rows)[0], (&rows[0], true));
        // Same site and a title in common.
        f.caller_phone.clear();
        f.site_id = Some("s1".into());
        f.title = "交换机端口".into();
        assert_eq!(open_tickets(&f, &rows)[0], (&rows[1], true));
        assert!(!open_tickets(&f, &rows)[1].1);
    }

    #[test]
    fn request_needs_title_and_customer() {
        let mut f = CallForm::default();
        assert!(request(&f).unwrap_err().contains("title"));
        f.title = "Printer jam".into();
        assert!(request(&f).unwrap_err().contains("customer"));
        f.customer_id = Some("c1".into());
        f.caller_name = " Ms Chen ".into();
        f.caller_phone = "555-0101".into();
        f.description = "Paper jam on the 3rd floor".into();
        let body = request(&f).unwrap();
        assert_eq!(body["customer_id"], "c1");
        // The caller is a field of the incident, not a line of its description.
        assert_eq!(body["description"], "Paper jam on the 3rd floor");
        assert_eq!(body["caller_name"], "Ms Chen");
        assert_eq!(body["caller_phone"], "555-0101");
        assert_eq!(body["impact"], 2);
        assert_eq!(body["kind"], "incident");
        assert_eq!(body["change_class"], serde_json::Value::Null);
        f.caller_phone = "front desk".into();
        assert!(request(&f).unwrap_err().contains("phone"));
    }

    #[test]
    fn a_change_is_saved_with_its_class_and_not_without() {
        let mut f = CallForm {
            kind: CHANGE_KIND.into(),
            title: "Replace core switch".into(),
            customer_id: Some("c1".into()),
            ..CallForm::default()
        };
        assert!(request(&f).unwrap_err().contains("class"));
        f.change_class = Some(ChangeClass::Emergency);
        let body = request(&f).unwrap();
        assert_eq!(body["kind"], "change");
        assert_eq!(body["change_class"], "emergency");
        // Back to an incident: the class chosen before is not sent.
        f.kind = "incident".into();
        assert_eq!(
            request(&f).unwrap()["change_class"],
            serde_json::Value::Null
        );
    }
}
