//! An incident from a phone call: customer, site, device, category, impact and urgency; the
//! priority and the response/resolution due times, computed with the customer's contract
//! (`fieldsync::sla`, the same rules the server applies), are shown BEFORE saving; saving
//! posts to `/v1/work-orders`, and the new incident opens on the board to assign. The form's
//! state, the preview and the answers are in [`crate::state::dispatch::dispatch_call`].

use crate::format;
use crate::runtime::messages::{ApiCall, path_segment};
use crate::screens::common::change_class;
use crate::state::AppState;
use crate::state::command::Command;
use crate::state::dispatch::dispatch_call::{CallForm, Preview, open_tickets, preview, request};
use crate::state::dispatch::dispatch_model::{DeviceInfo, zoned_day_hm};
use crate::state::dispatch::may_dispatch;
use crate::state::sla_clocks::contract_call;
use egui::RichText;
use fieldsync::model::change::CHANGE_KIND;
use fieldsync::model::{CATEGORIES, ChangeClass};
use fieldsync_i18n::t;
use std::collections::BTreeMap;

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
            kind_rows_ui(ui, f);
            let l = ui.label(t!("call-caller"));
            ui.add(
                egui::TextEdit::singleline(&mut f.caller_name)
                    .hint_text(t!("call-caller-hint"))
                    .desired_width(240.0),
            )
            .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(t!("call-caller-phone"));
            ui.add(
                egui::TextEdit::singleline(&mut f.caller_phone)
                    .hint_text(t!("call-caller-phone-hint"))
                    .desired_width(240.0),
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
                .selected_text(crate::screens::common::category_label(&f.category))
                .show_ui(ui, |ui| {
                    for c in CATEGORIES {
                        let word = crate::screens::common::category_label(c);
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
    let save_word = if f.kind == CHANGE_KIND {
        t!("call-save-change")
    } else {
        t!("call-save")
    };
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                !f.busy,
                egui::Button::new(RichText::new(save_word).strong()),
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
    open_tickets_ui(ui, state, out);
}

/// The chosen customer's open tickets, likely repeats of this call first and marked: a
/// second call about the same fault is added to the open ticket, not opened again.
fn open_tickets_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let f = &state.dispatch.call;
    if f.customer_id.is_none() {
        return;
    }
    let open = open_tickets(f, &state.dispatch.board.rows);
    ui.add_space(10.0);
    crate::screens::common::section(ui, &t!("call-open-tickets", count = open.len()));
    if open.is_empty() {
        ui.label(RichText::new(t!("call-no-open-tickets")).color(format::GREY));
        return;
    }
    let mut chosen = None;
    for (row, repeat) in open.iter().take(8) {
        ui.horizontal_wrapped(|ui| {
            if *repeat {
                ui.label(
                    RichText::new(t!("call-likely-repeat"))
                        .color(format::RED)
                        .strong(),
                );
            }
            let caller = row
                .caller_name
                .as_deref()
                .filter(|n| !n.is_empty())
                .map(|n| format!(" · {n}"))
                .unwrap_or_default();
            if ui
                .link(format!("{}{caller}", row.label()))
                .on_hover_text(t!("call-open-ticket-hint"))
                .clicked()
            {
                chosen = Some(row.doc_id.clone());
            }
            ui.label(
                RichText::new(crate::screens::dispatcher::dispatch_board::status_words(
                    row,
                ))
                .color(format::GREY),
            );
        });
    }
    if open.len() > 8 {
        ui.label(
            RichText::new(t!("call-more-open-tickets", count = open.len() - 8)).color(format::GREY),
        );
    }
    if let Some(id) = chosen {
        state.dispatch.tab = crate::state::dispatch::DispatchTab::Board;
        crate::state::dispatch::dispatch_board::select(state, &id, out);
    }
}

/// The kind of work order and, for a change, its class with what the class means.
fn kind_rows_ui(ui: &mut egui::Ui, f: &mut CallForm) {
    ui.label(t!("call-kind"));
    ui.horizontal_wrapped(|ui| {
        for (kind, word) in [
            ("incident", t!("call-kind-incident")),
            (CHANGE_KIND, t!("call-kind-change")),
        ] {
            ui.selectable_value(&mut f.kind, kind.to_owned(), word);
        }
    });
    ui.end_row();
    if f.kind != CHANGE_KIND {
        return;
    }
    ui.label(t!("call-change-class"));
    ui.vertical(|ui| {
        ui.horizontal_wrapped(|ui| {
            for class in ChangeClass::KNOWN {
                let word = change_class::class_word(Some(class));
                ui.selectable_value(&mut f.change_class, Some(class.clone()), word);
            }
        });
        if let Some(c) = &f.change_class {
            ui.label(
                RichText::new(change_class::class_hint(c))
                    .small()
                    .color(format::GREY),
            );
        }
    });
    ui.end_row();
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
                path_segment(f.device_query.trim())
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
            // No SLA clock runs on a change (docs/dispatch-sla-plans.md): no due times.
            if f.kind == CHANGE_KIND {
                ui.label(RichText::new(t!("call-change-no-sla")).color(format::GREY));
                return;
            }
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
