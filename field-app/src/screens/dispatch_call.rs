//! An incident from a phone call: customer, site, device, category, impact and urgency; the
//! priority and the response/resolution due times are computed here with the customer's
//! contract (`fieldsync::sla`, the same rules the server applies) and shown BEFORE saving;
//! saving posts to `/v1/work-orders`, and the new incident opens on the board to assign.

use super::dispatch::{self, DispatchTab, may_dispatch};
use super::dispatch_model::{DeviceInfo, zoned_day_hm};
use crate::command::Command;
use crate::format;
use crate::runtime::messages::{ApiCall, ApiError, ApiReply};
use crate::sla_clocks::contract_call;
use crate::state::AppState;
use egui::RichText;
use fieldsync::TimestampMs;
use fieldsync::model::{CATEGORIES, priority_for};
use fieldsync::sla::CompiledContract;
use fieldsync_i18n::t;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The phone-call form.
#[derive(Debug, Clone)]
pub struct CallForm {
    pub caller: String,
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
            caller: String::new(),
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

fn customers(state: &AppState) -> Vec<(String, String)> {
    let mut seen = BTreeMap::new();
    for s in &state.dispatch.sites {
        seen.entry(s.customer_id.clone())
            .or_insert_with(|| s.customer_name.clone());
    }
    let mut v: Vec<_> = seen.into_iter().collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

pub fn call_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    if !may_dispatch(state) {
        ui.label(t!("call-only-dispatchers"));
        return;
    }
    let now = state.now_ms;
    let customers = customers(state);
    let sites: Vec<(String, String, String)> = state
        .dispatch
        .sites
        .iter()
        .map(|s| (s.doc_id.clone(), s.name.clone(), s.customer_id.clone()))
        .collect();
    let found: Vec<DeviceInfo> = state.dispatch.devices.clone();
    let f = &mut state.dispatch.call;
    // Ask once per customer for the contract the due times come from.
    if let Some(c) = &f.customer_id
        && state.sla_clocks.contract(c).is_none()
        && f.contract_asked.insert(c.clone())
    {
        out.push(Command::Api(contract_call(c)));
    }
    ui.label(t!("call-intro"));
    ui.add_space(6.0);
    egui::Grid::new("call_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let l = ui.label(t!("call-caller"));
            ui.add(
                egui::TextEdit::singleline(&mut f.caller)
                    .hint_text(t!("call-caller-hint"))
                    .desired_width(420.0),
            )
            .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(t!("call-customer"));
            let current = f
                .customer_id
                .as_ref()
                .map(|id| {
                    customers
                        .iter()
                        .find(|(c, _)| c == id)
                        .map_or(id.clone(), |(_, n)| n.clone())
                })
                .unwrap_or_else(|| t!("call-choose"));
            egui::ComboBox::from_id_salt("call_customer")
                .selected_text(current)
                .width(300.0)
                .show_ui(ui, |ui| {
                    for (id, name) in &customers {
                        if ui
                            .selectable_value(&mut f.customer_id, Some(id.clone()), name)
                            .clicked()
                        {
                            f.site_id = None;
                            f.devices.clear();
                        }
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(t!("call-site"));
            let of_customer: Vec<&(String, String, String)> = sites
                .iter()
                .filter(|s| f.customer_id.as_deref().is_none_or(|c| c == s.2))
                .collect();
            let current = f
                .site_id
                .as_ref()
                .and_then(|id| sites.iter().find(|s| &s.0 == id))
                .map_or_else(|| t!("call-any-site"), |s| s.1.clone());
            egui::ComboBox::from_id_salt("call_site")
                .selected_text(current)
                .width(300.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.site_id, None, t!("call-any-site"));
                    for s in of_customer {
                        if ui
                            .selectable_value(&mut f.site_id, Some(s.0.clone()), &s.1)
                            .clicked()
                        {
                            f.customer_id = Some(s.2.clone());
                        }
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(t!("call-title"));
            ui.add(egui::TextEdit::singleline(&mut f.title).desired_width(420.0))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(t!("call-description"));
            ui.add(
                egui::TextEdit::multiline(&mut f.description)
                    .desired_rows(3)
                    .desired_width(420.0),
            )
            .labelled_by(l.id);
            ui.end_row();
            ui.label(t!("call-devices"));
            ui.vertical(|ui| devices_ui(ui, f, &found, out));
            ui.end_row();
            let l = ui.label(t!("call-category"));
            egui::ComboBox::from_id_salt("call_category")
                .selected_text(super::supervisor::category_label(&f.category))
                .show_ui(ui, |ui| {
                    for c in CATEGORIES {
                        let word = super::supervisor::category_label(c);
                        ui.selectable_value(&mut f.category, c.to_string(), word);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            ui.label(t!("call-impact-urgency"));
            ui.horizontal(|ui| {
                for (key, label, value) in [
                    ("impact", t!("call-impact"), &mut f.impact),
                    ("urgency", t!("call-urgency"), &mut f.urgency),
                ] {
                    egui::ComboBox::from_id_salt(format!("call_{key}"))
                        .selected_text(format!("{label} {value} — {}", level_word(*value)))
                        .show_ui(ui, |ui| {
                            for n in 1..=3 {
                                let word = level_word(n);
                                ui.selectable_value(value, n, format!("{n} — {word}"));
                            }
                        })
                        .response
                        .accessible_name(label);
                }
            });
            ui.end_row();
        });
    ui.add_space(8.0);
    let contract = f
        .customer_id
        .as_deref()
        .and_then(|c| state.sla_clocks.contract(c));
    let p = preview(contract, f.impact, f.urgency, Some(&f.category), now);
    preview_ui(ui, state, &p);
    let f = &mut state.dispatch.call;
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                !f.busy,
                egui::Button::new(RichText::new(t!("call-save")).strong()),
            )
            .clicked()
        {
            match request(f) {
                Ok(body) => {
                    f.busy = true;
                    f.error = None;
                    out.push(Command::Api(ApiCall::post_json(
                        "dispatch.call.create",
                        "/v1/work-orders",
                        &body,
                    )));
                }
                Err(e) => f.error = Some(e),
            }
        }
        if ui.button(t!("call-clear")).clicked() {
            *f = CallForm::default();
        }
        if f.busy {
            ui.label(RichText::new(t!("call-saving")).color(format::GREY));
        }
    });
    if let Some(e) = &f.error {
        ui.label(RichText::new(e).color(format::RED));
    }
}

/// Impact and urgency levels in words (1 is the highest).
fn level_word(n: i64) -> String {
    match n {
        1 => t!("call-level-high"),
        2 => t!("call-level-medium"),
        _ => t!("call-level-low"),
    }
}

fn devices_ui(ui: &mut egui::Ui, f: &mut CallForm, found: &[DeviceInfo], out: &mut Vec<Command>) {
    let mut remove = None;
    for (i, (_, label)) in f.devices.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.label(label);
            if ui.small_button("×").clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        f.devices.remove(i);
    }
    let r = ui
        .add(
            egui::TextEdit::singleline(&mut f.device_query)
                .hint_text(t!("call-device-hint"))
                .desired_width(300.0),
        )
        .accessible_name(t!("call-find-device"));
    if r.changed() && !f.device_query.trim().is_empty() {
        out.push(Command::Api(ApiCall::get(
            "dispatch.devices",
            format!(
                "/v1/devices?limit=20&q={}",
                dispatch::path_segment(f.device_query.trim())
            ),
        )));
    }
    if f.device_query.trim().is_empty() {
        return;
    }
    let here = |d: &&DeviceInfo| {
        f.site_id
            .as_deref()
            .is_none_or(|s| d.site_id.as_deref() == Some(s))
    };
    for d in found.iter().filter(here).take(8) {
        let label = d.label();
        if ui.small_button(format!("＋ {label}")).clicked()
            && !f.devices.iter().any(|(id, _)| *id == d.doc_id)
        {
            f.devices.push((d.doc_id.clone(), label));
        }
    }
}

fn preview_ui(ui: &mut egui::Ui, state: &AppState, p: &Preview) {
    let tz = state.dispatch.zone();
    let f = &state.dispatch.call;
    // Theme colours: a fixed light fill left the dark theme's light text unreadable on it.
    let dark = ui.visuals().dark_mode;
    let priority_color = match p.priority.as_str() {
        "P1" => format::readable(format::RED, dark),
        "P2" => format::readable(format::AMBER, dark),
        _ => ui.visuals().strong_text_color(),
    };
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .stroke(egui::Stroke::new(1.0, format::readable(format::BLUE, dark)))
        .inner_margin(8.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.label(
                RichText::new(t!("call-priority", priority = p.priority.clone()))
                    .strong()
                    .size(16.0)
                    .color(priority_color),
            );
            match (p.response_due_ms, p.resolution_due_ms) {
                (Some(a), Some(b)) => {
                    ui.label(t!("call-response-due", when = zoned_day_hm(tz, a)));
                    ui.label(t!("call-resolution-due", when = zoned_day_hm(tz, b)));
                    if let Some(c) = f
                        .customer_id
                        .as_deref()
                        .and_then(|c| state.sla_clocks.contract(c))
                    {
                        ui.label(
                            RichText::new(t!(
                                "call-contract-zone",
                                contract = c.contract.name.clone(),
                                zone = tz.name()
                            ))
                            .small()
                            .color(format::GREY),
                        );
                    }
                }
                _ => {
                    let why = match f.customer_id.as_deref() {
                        None => t!("call-choose-customer-first"),
                        Some(c) => match f.contract_missing.get(c) {
                            Some(e) => t!("call-contract-missing", error = e.to_string()),
                            None if state.sla_clocks.contract(c).is_none() => {
                                t!("call-contract-loading")
                            }
                            None => p.note.clone().unwrap_or_default(),
                        },
                    };
                    ui.label(RichText::new(why).color(format::GREY));
                }
            }
        });
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
    let mut description = f.description.trim().to_string();
    if !f.caller.trim().is_empty() {
        description = format!(
            "{}\n{description}",
            t!("call-caller-line", caller = f.caller.trim())
        );
    }
    Ok(serde_json::json!({
        "title": title,
        "description": description.trim_end(),
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
        Ok(r) => dispatch::parse::<Created>(&r),
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
            dispatch::flash_ok(state, text);
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
    fn request_needs_title_and_customer() {
        let mut f = CallForm::default();
        assert!(request(&f).unwrap_err().contains("title"));
        f.title = "Printer jam".into();
        assert!(request(&f).unwrap_err().contains("customer"));
        f.customer_id = Some("c1".into());
        f.caller = "Ms Chen, 555-0101".into();
        let body = request(&f).unwrap();
        assert_eq!(body["customer_id"], "c1");
        assert_eq!(body["description"], "Caller: Ms Chen, 555-0101");
        assert_eq!(body["impact"], 2);
    }
}
