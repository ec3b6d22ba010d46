//! The work order screen: details, status actions (with the device clock), conflicts, the
//! devices with their outages, the checklist, findings, parts, photos, the service report
//! PDF, signature, time on site and the event history.

use super::{checklist, outages, wo_extras};
use crate::format;
use crate::runtime::files::PickPurpose;
use crate::screens::common::section;
use crate::state::ReportPdfStatus;
use crate::state::command::Command;
use crate::state::{AppState, Screen, WorkOrderView};
use egui::RichText;
use fieldsync::Role;
use fieldsync::policy::may_append_event;
use fieldsync::status::{EventKind, transition};
use fieldsync_i18n::{self as i18n, t};

/// The engineer's status actions, in the order of a visit.
const ACTIONS: [EventKind; 5] = [
    EventKind::Accepted,
    EventKind::EnRoute,
    EventKind::OnSite,
    EventKind::Resumed,
    EventKind::Completed,
];

/// The button for a status action.
fn action_label(kind: EventKind) -> String {
    match kind {
        EventKind::Accepted => t!("eng-wo-act-accept"),
        EventKind::EnRoute => t!("eng-wo-act-en-route"),
        EventKind::OnSite => t!("eng-wo-act-on-site"),
        EventKind::Resumed => t!("eng-wo-act-resume"),
        EventKind::Completed => t!("eng-wo-act-complete"),
        other => i18n::words::event(i18n::current(), other),
    }
}

/// A person to call: name, number, and a button that copies the number (to dial it on a
/// phone, or paste it into a softphone).
fn person_ui(ui: &mut egui::Ui, name: &str, phone: &str) {
    ui.horizontal(|ui| {
        ui.label(name);
        if !phone.is_empty() {
            ui.label(RichText::new(phone).monospace());
            if ui
                .small_button(t!("eng-wo-copy-phone"))
                .on_hover_text(t!("eng-wo-copy-phone-hint"))
                .clicked()
            {
                ui.ctx().copy_text(phone.to_owned());
            }
        }
    });
}

pub fn work_order_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let now = state.now_ms;
    let report_pdf = state.report_pdf.clone();
    let role = state.identity.as_ref().map_or(Role::Engineer, |i| i.role);
    let me = state
        .identity
        .as_ref()
        .map(|i| i.user_id.clone())
        .unwrap_or_default();
    let countdown = state
        .work_order
        .as_ref()
        .and_then(|v| state.sla_clocks.for_work_order(&v.wo, &v.folded, now));
    let Some(v) = &mut state.work_order else {
        ui.label(t!("eng-wo-none-open"));
        if ui.button(t!("eng-wo-back-to-my-work")).clicked() {
            out.push(Command::Go(Screen::MyWork));
        }
        return;
    };
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            header_ui(ui, v, now, countdown.as_ref(), out);
            if let Some(n) = &v.notice {
                egui::Frame::new()
                    .fill(egui::Color32::from_rgb(253, 236, 236))
                    .inner_margin(6.0)
                    .show(ui, |ui| {
                        ui.label(RichText::new(n).color(format::RED).strong());
                    });
            }
            status_actions_ui(ui, v, role, out);
            complete_summary_ui(ui, v, now, out);
            conflicts_ui(ui, v, out);
            if !v.wo.description.as_str().trim().is_empty() {
                section(ui, &t!("eng-wo-description"));
                ui.label(v.wo.description.as_str());
            }
            known_errors_ui(ui, v, out);
            section(ui, &t!("eng-wo-devices"));
            outages::devices_ui(ui, v, now, out);
            if ui.button(t!("eng-wo-new-incident")).clicked() {
                out.push(Command::IncidentFromWorkOrder);
            }
            section(ui, &t!("eng-wo-checklist"));
            checklist::checklist_ui(ui, v, out);
            section(ui, &t!("eng-wo-findings-section"));
            findings_ui(ui, v, out);
            section(ui, &t!("eng-wo-parts"));
            wo_extras::parts_ui(ui, v, &me, now, out);
            section(ui, &t!("eng-wo-photos"));
            wo_extras::photos_ui(ui, v, out);
            section(ui, &t!("eng-wo-report"));
            report_pdf_ui(ui, v, report_pdf.as_ref(), out);
            section(ui, &t!("eng-wo-signature"));
            wo_extras::signature_ui(ui, v, out);
            section(ui, &t!("eng-wo-history"));
            history_ui(ui, v);
            ui.add_space(20.0);
        });
}

fn header_ui(
    ui: &mut egui::Ui,
    v: &WorkOrderView,
    now: i64,
    countdown: Option<&crate::state::sla_clocks::Countdown>,
    out: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        if ui.button(t!("eng-wo-back")).clicked() {
            out.push(Command::Go(Screen::MyWork));
        }
        let title = match &v.wo.number {
            Some(n) => format!("{n} · {}", v.wo.title),
            None => v.wo.title.clone(),
        };
        ui.heading(title);
        if v.wo.number.is_none() {
            ui.label(
                RichText::new(t!("eng-wo-number-pending"))
                    .small()
                    .color(format::GREY),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        let st = v.folded.status;
        ui.label(
            RichText::new(i18n::words::status(i18n::current(), st))
                .strong()
                .color(format::status_color(st)),
        );
        ui.label("·");
        ui.label(super::new_incident::kind_word(&v.wo.kind));
        if let Some(p) = &v.wo.priority {
            ui.label("·");
            ui.label(RichText::new(p).strong());
        }
        if let Some(c) = &v.wo.category {
            ui.label("·");
            ui.label(super::new_incident::category_word(c));
        }
        ui.label("·");
        let (text, color) = format::badge(v.badge);
        ui.label(RichText::new(text).color(color));
        if let Some(cd) = countdown {
            for c in [&cd.response, &cd.resolution].into_iter().flatten() {
                ui.label("·");
                ui.label(
                    RichText::new(t!("eng-wo-sla", clock = &c.text))
                        .color(crate::state::sla_clocks::color(c.state)),
                )
                .on_hover_text(cd.details());
            }
        }
    });
    if let Some((code, reason)) = &v.rejection {
        ui.label(
            RichText::new(t!(
                "eng-wo-refused",
                reason = format::reject_reason(code),
                detail = reason
            ))
            .color(format::RED),
        );
    }
    egui::Grid::new("wo_details")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            if let Some(site) = &v.site {
                ui.label(t!("eng-wo-site"));
                ui.label(format!("{} — {}", site.name, site.address));
                ui.end_row();
                if let (Some(name), format::Zone::Site(_)) = (&site.time_zone, v.zone()) {
                    ui.label(t!("eng-wo-site-time"));
                    ui.label(t!(
                        "eng-wo-site-time-now",
                        time = format::time_in(now, v.zone()),
                        zone = name
                    ));
                    ui.end_row();
                }
                if !site.customer_name.is_empty() {
                    ui.label(t!("eng-wo-customer"));
                    ui.label(&site.customer_name);
                    ui.end_row();
                }
                if !site.access_notes.is_empty() {
                    ui.label(t!("eng-wo-access"));
                    ui.label(&site.access_notes);
                    ui.end_row();
                }
                for c in site.contacts.values() {
                    ui.label(t!("eng-wo-contact"));
                    person_ui(ui, &c.name, c.phone.as_deref().unwrap_or(""));
                    ui.end_row();
                }
            }
            if let Some(c) = &v.wo.caller {
                ui.label(t!("eng-wo-caller"));
                person_ui(ui, &c.name, &c.phone);
                ui.end_row();
            }
            change_rows_ui(ui, v);
            if let (Some(a), b) = (v.wo.scheduled_start_ms, v.wo.scheduled_end_ms) {
                ui.label(t!("eng-wo-scheduled"));
                let end = b
                    .map(|b| format!(" – {}", format::time_in(b, v.zone())))
                    .unwrap_or_default();
                ui.label(format!("{}{end}", format::time_in(a, v.zone())));
                ui.end_row();
            }
            // Always there ("—" before arrival): a row appearing on "On site" pushed the
            // status buttons down under the pointer.
            ui.label(t!("eng-wo-time-on-site"));
            let t = match (v.folded.first_on_site_ms, v.wo.time_on_site_ms()) {
                (_, Some(ms)) => format::duration(ms),
                (Some(on_site), None) => t!(
                    "eng-wo-on-site-since",
                    time = format::time_in(on_site, v.zone()),
                    span = format::duration(now - on_site - v.folded.on_hold_ms)
                ),
                (None, None) => "—".to_owned(),
            };
            ui.label(t);
            ui.end_row();
        });
}

/// A change's class and where its approval stands, with who decided and why: the engineer
/// sees before travelling whether the work may start.
fn change_rows_ui(ui: &mut egui::Ui, v: &WorkOrderView) {
    use crate::screens::common::change_class as words;
    let Some(state) = v.wo.approval_state() else {
        return;
    };
    ui.label(t!("eng-wo-change"));
    ui.vertical(|ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(words::class_word(v.wo.change_class.as_ref())).strong());
            ui.label("·");
            let color = words::state_color(&state, ui.visuals().dark_mode);
            ui.label(
                RichText::new(words::state_word(&state))
                    .strong()
                    .color(color),
            );
        });
        if let Some(a) = &v.wo.change_approval {
            ui.label(words::decision_lines(a, &v.names, v.zone()).join("\n"));
        }
    });
    ui.end_row();
}

/// The completion summary, over the screen: what the report will hold (checks, findings,
/// signature, time on site, parts, photos) before the work is completed.
fn complete_summary_ui(
    ui: &mut egui::Ui,
    v: &WorkOrderView,
    now: fieldsync::TimestampMs,
    out: &mut Vec<Command>,
) {
    if !v.drafts.confirming_complete {
        return;
    }
    let wo = &v.wo;
    let answered = wo.checklist.values().filter(|i| i.is_answered()).count();
    let findings = wo.checklist.values().filter(|i| i.is_failed()).count();
    let on_site = v
        .folded
        .first_on_site_ms
        .map(|at| format::duration(now - at - v.folded.on_hold_ms));
    let modal = egui::Modal::new(egui::Id::unique("complete_summary")).show(ui.ctx(), |ui| {
        ui.set_max_width(460.0);
        ui.heading(t!("eng-complete-title"));
        egui::Grid::new("complete_summary_grid")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                ui.label(t!("eng-complete-checks"));
                ui.label(t!(
                    "eng-complete-checks-answered",
                    answered = answered,
                    total = wo.checklist.len()
                ));
                ui.end_row();
                ui.label(t!("eng-complete-findings"));
                let f = if findings > 0 {
                    RichText::new(t!("eng-complete-findings-count", count = findings))
                        .color(format::RED)
                } else {
                    RichText::new(t!("eng-complete-none"))
                };
                ui.label(f);
                ui.end_row();
                ui.label(t!("eng-complete-signature"));
                match &wo.signature {
                    Some(s) => ui.label(
                        RichText::new(t!("eng-complete-signed-by", name = &s.signer_name))
                            .color(format::GREEN),
                    ),
                    None => {
                        ui.label(RichText::new(t!("eng-complete-not-signed")).color(format::AMBER))
                    }
                };
                ui.end_row();
                ui.label(t!("eng-wo-time-on-site"));
                ui.label(on_site.unwrap_or_else(|| "—".into()));
                ui.end_row();
                ui.label(t!("eng-complete-parts"));
                ui.label(wo.parts.len().to_string());
                ui.end_row();
                ui.label(t!("eng-complete-photos"));
                ui.label(wo.photos.len().to_string());
                ui.end_row();
            });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui
                .button(RichText::new(t!("eng-complete-confirm")).strong())
                .clicked()
            {
                out.push(Command::ConfirmComplete);
            }
            if ui.button(t!("eng-complete-back")).clicked() {
                out.push(Command::CancelComplete);
            }
        });
    });
    if modal.should_close() {
        out.push(Command::CancelComplete);
    }
}

fn status_actions_ui(ui: &mut egui::Ui, v: &mut WorkOrderView, role: Role, out: &mut Vec<Command>) {
    let status = v.folded.status;
    let allowed = |k: EventKind| transition(status, k).is_some() && may_append_event(role, k);
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(t!("eng-wo-status"));
        // Every action keeps its place (disabled when not possible now), so a double click
        // never lands on the next step.
        for kind in ACTIONS {
            let may = may_append_event(role, kind) && v.rights.findings;
            let b = ui.add_enabled(
                allowed(kind) && may,
                egui::Button::new(RichText::new(action_label(kind)).strong()),
            );
            if b.clicked() {
                out.push(Command::Status { kind, note: None });
            }
        }
        // The hold form keeps its place too, enabled only while a hold is possible.
        if v.rights.findings && may_append_event(role, EventKind::OnHold) {
            ui.separator();
            let can_hold = allowed(EventKind::OnHold);
            ui.add_enabled(
                can_hold,
                egui::TextEdit::singleline(&mut v.drafts.hold_reason)
                    .hint_text(t!("eng-wo-hold-reason-hint"))
                    .desired_width(200.0),
            )
            .accessible_name(t!("eng-wo-hold-reason"));
            if ui
                .add_enabled(can_hold, egui::Button::new(t!("eng-wo-put-on-hold")))
                .clicked()
            {
                out.push(Command::Status {
                    kind: EventKind::OnHold,
                    note: Some(v.drafts.hold_reason.clone()),
                });
            }
        }
    });
    // Shown from the start, not when "Complete" becomes possible: a line appearing after a
    // click moves everything below it.
    let missing = v.wo.missing_required();
    if status.is_open() && v.rights.findings && !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|i| i.label.as_str()).collect();
        ui.label(
            RichText::new(t!(
                "eng-wo-fill-before-complete",
                items = names.join(&t!("eng-wo-list-sep"))
            ))
            .color(format::AMBER),
        );
    }
    if let Some(c) = &v.folded.sent_back_comment
        && status == fieldsync::status::Status::Reopened
    {
        ui.label(RichText::new(t!("eng-wo-sent-back", comment = c)).color(format::RED));
    }
}

fn conflicts_ui(ui: &mut egui::Ui, v: &WorkOrderView, out: &mut Vec<Command>) {
    if v.folded.conflicts.is_empty() && v.conflicts.is_empty() {
        return;
    }
    section(ui, &t!("eng-wo-conflicts"));
    for c in &v.folded.conflicts {
        let who = v
            .names
            .get(&c.by)
            .cloned()
            .unwrap_or_else(|| t!("eng-wo-user", id = crate::format::short_id(&c.by)));
        ui.label(
            RichText::new(t!(
                "eng-wo-status-conflict",
                status = i18n::words::status(i18n::current(), c.kept),
                who = who,
                event = i18n::words::event(i18n::current(), c.event_kind),
                time = format::time_in(c.at_ms, v.zone())
            ))
            .color(format::RED),
        );
    }
    for c in &v.conflicts {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("{}:", c.label)).strong());
            for (value, who) in &c.values {
                ui.label(t!("eng-wo-value-set-by", value = value, who = who));
                if c.pickable
                    && v.rights.checklist
                    && ui.small_button(t!("eng-wo-keep-this")).clicked()
                {
                    out.push(Command::PickWorkOrderValue {
                        path: c.path.clone(),
                        value: value.clone(),
                    });
                }
            }
        });
    }
}

fn findings_ui(ui: &mut egui::Ui, v: &mut WorkOrderView, out: &mut Vec<Command>) {
    let enabled = v.rights.findings;
    let r = ui
        .add_enabled(
            enabled,
            egui::TextEdit::multiline(&mut v.drafts.findings)
                .desired_rows(5)
                .desired_width(f32::INFINITY)
                .hint_text(t!("eng-wo-findings-hint")),
        )
        .accessible_name(t!("eng-wo-findings"));
    if r.changed() {
        v.drafts.findings_dirty = true;
    }
    ui.horizontal(|ui| {
        let save = ui
            .add_enabled(
                enabled && v.drafts.findings_dirty,
                egui::Button::new(t!("eng-wo-save-findings")),
            )
            .clicked();
        if (save || r.lost_focus()) && v.drafts.findings_dirty {
            out.push(Command::SaveFindings(v.drafts.findings.clone()));
        }
        if v.drafts.findings_dirty {
            ui.label(RichText::new(t!("eng-wo-not-saved-yet")).color(format::AMBER));
        } else if enabled {
            ui.label(RichText::new(t!("eng-wo-saved-on-device")).color(format::GREY));
        }
    });
}

/// "Save report PDF…": made here from the local store, so it works offline, for the customer
/// to read before signing. The status of the last save of this work order is shown beside it.
fn report_pdf_ui(
    ui: &mut egui::Ui,
    v: &WorkOrderView,
    status: Option<&ReportPdfStatus>,
    out: &mut Vec<Command>,
) {
    let status = status.filter(|s| s.doc() == v.id);
    let saving = matches!(status, Some(ReportPdfStatus::Saving { .. }));
    ui.horizontal_wrapped(|ui| {
        let b = ui
            .add_enabled(!saving, egui::Button::new(t!("eng-wo-save-pdf")))
            .on_hover_text(t!("eng-wo-save-pdf-hint"));
        if b.clicked() {
            out.push(Command::BrowseFiles {
                purpose: PickPurpose::SaveReport,
                dir: None,
            });
        }
        match status {
            Some(ReportPdfStatus::Saving { path, .. }) => {
                ui.spinner();
                ui.label(t!("eng-wo-pdf-making", path = path.display().to_string()));
            }
            Some(ReportPdfStatus::Saved { path, .. }) => {
                ui.label(
                    RichText::new(t!("eng-wo-pdf-saved", path = path.display().to_string()))
                        .color(format::GREEN),
                );
            }
            Some(ReportPdfStatus::Failed { error, .. }) => {
                ui.label(RichText::new(t!("eng-wo-pdf-failed", error = error)).color(format::RED));
            }
            None => {
                ui.label(RichText::new(t!("eng-wo-pdf-offline")).color(format::GREY));
            }
        }
    });
}

fn history_ui(ui: &mut egui::Ui, v: &WorkOrderView) {
    let mut events = v.wo.events.clone();
    events.sort_by(|a, b| a.at_ms.cmp(&b.at_ms).then_with(|| a.id.cmp(&b.id)));
    egui::Grid::new("history")
        .striped(true)
        .num_columns(3)
        .spacing([12.0, 2.0])
        .show(ui, |ui| {
            for e in events {
                ui.label(format::time_in(e.at_ms, v.zone()));
                let what = e
                    .kind()
                    .map_or(e.kind.clone(), |k| i18n::words::event(i18n::current(), k));
                ui.label(match e.note {
                    Some(n) => t!("eng-wo-event-note", event = what, note = n),
                    None => what,
                });
                let who = v
                    .names
                    .get(&e.by)
                    .cloned()
                    .unwrap_or_else(|| t!("eng-wo-user", id = crate::format::short_id(&e.by)));
                ui.label(RichText::new(who).color(format::GREY));
                ui.end_row();
            }
        });
}

/// The workaround of each problem this incident is linked to (a published known error,
/// held on this computer), with the way to its article in the knowledge base.
fn known_errors_ui(ui: &mut egui::Ui, v: &WorkOrderView, out: &mut Vec<Command>) {
    for k in &v.known_errors {
        // An outline, not a fill: the texts keep the theme's colours, light or dark.
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.5, format::AMBER))
            .inner_margin(8.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    RichText::new(t!("problems-eng-known-problem", title = &k.title))
                        .strong()
                        .color(format::AMBER),
                );
                ui.label(RichText::new(t!("problems-eng-known-error")).strong());
                ui.label(&k.known_error);
                ui.label(RichText::new(t!("problems-eng-workaround")).strong());
                ui.label(&k.workaround);
                if ui.button(t!("problems-eng-open-article")).clicked() {
                    out.push(Command::OpenArticle(k.article));
                    out.push(Command::Go(Screen::Knowledge));
                }
            });
        ui.add_space(4.0);
    }
}
