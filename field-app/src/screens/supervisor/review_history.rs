//! A report's full history on the review page: the server's change list
//! (`/v1/docs/{id}/history`: who changed which fields, when) as a table, and the report as
//! it was after any change (`/v1/docs/{id}/at?upto=k`), clearly marked as past with a way
//! back. The history needs a connection (offline, the page says so); the current report
//! comes from this device. The page's state and the answers are in
//! [`crate::state::review_history`].

use super::change_words::{author, change_text};
use super::names::{names_of, who};
use crate::format;
use crate::state::AppState;
use crate::state::command::Command;
use crate::state::review_history::{HistoryState, history_call, show_change};
use egui::RichText;
use fieldsync::model::WorkOrder;
use fieldsync::status::Status;
use fieldsync_i18n::{self as i18n, t};
use std::collections::BTreeMap;

pub(super) fn history_page_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let h = &state.review_history;
    let Some(id) = h.doc else { return };
    let title = h.current.as_deref().map_or_else(
        || id.to_string(),
        |wo| match &wo.number {
            Some(n) => format!("{n} · {}", wo.title),
            None => wo.title.clone(),
        },
    );
    ui.horizontal(|ui| {
        if ui.button(t!("review-history-back-to-queue")).clicked() {
            state.review_history = Default::default();
        }
        ui.heading(t!("review-history-title", title = title));
    });
    if state.review_history.doc.is_none() {
        return;
    }
    decision_ui(ui, state, id, out);
    let picked = timeline_ui(ui, state, out);
    if let Some(k) = picked {
        show_change(state, k, out);
    }
    ui.add_space(4.0);
    let mut chosen = None;
    ui.columns(2, |cols| {
        // Both ways, like the changes: a wide checks table stays in its column (it ran
        // under the changes table at 800 px) and scrolls sideways to its ranges.
        egui::ScrollArea::both()
            .id_salt("review_report")
            .auto_shrink([false, false])
            .show(&mut cols[0], |ui| {
                report_side_ui(ui, state, out);
            });
        // Both ways: at 800 px in Chinese the table (times with their zone) is wider than
        // its half of the page, and its last column ran past the window.
        egui::ScrollArea::both()
            .id_salt("review_changes")
            .auto_shrink([false, false])
            .show(&mut cols[1], |ui| {
                chosen = changes_ui(ui, state);
            });
    });
    if let Some(k) = chosen {
        show_change(state, k, out);
    }
    let (names, zone) = (names_of(state), zone_of(state));
    if let Some(wo) = shown_report(&state.review_history) {
        super::evidence::viewer_ui(ui.ctx(), wo, &names, zone, &mut state.photos, out);
    }
}

/// Decide here, with the report in view: a comment, Approve, Send back (needs the comment).
/// Only while the report waits for review; the decision returns to the queue.
fn decision_ui(
    ui: &mut egui::Ui,
    state: &mut AppState,
    id: fieldsync::DocId,
    out: &mut Vec<Command>,
) {
    let waiting = state
        .review_history
        .current
        .as_deref()
        .is_some_and(|wo| wo.fold().status == Status::Completed);
    if !waiting {
        return;
    }
    let comment = state.review_comments.entry(id).or_default();
    let mut decided = false;
    ui.horizontal_wrapped(|ui| {
        ui.add(
            egui::TextEdit::singleline(comment)
                .hint_text(t!("review-comment-hint"))
                .desired_width(320.0),
        )
        .accessible_name(t!("review-page-comment"));
        if ui.button(t!("review-approve")).clicked() {
            out.push(Command::Review {
                id,
                kind: fieldsync::status::EventKind::Approved,
                comment: comment.trim().to_owned(),
            });
            decided = true;
        }
        let back = ui
            .add_enabled(
                !comment.trim().is_empty(),
                egui::Button::new(t!("review-send-back")),
            )
            .on_disabled_hover_text(t!("review-send-back-needs-comment"));
        if back.clicked() {
            out.push(Command::Review {
                id,
                kind: fieldsync::status::EventKind::Rejected,
                comment: comment.trim().to_owned(),
            });
            decided = true;
        }
    });
    if decided {
        state.review_history = Default::default();
    }
}

/// The slider over the changes and the "as of" banner; returns a change to show.
fn timeline_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) -> Option<usize> {
    let zone = zone_of(state);
    let names = names_of(state);
    let h = &mut state.review_history;
    let mut picked = None;
    if h.loading {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(t!("review-history-loading"));
        });
    }
    if let Some(p) = h.problem.clone() {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(p).color(format::RED));
            if ui.button(t!("review-history-try-again")).clicked()
                && let Some(id) = h.doc
            {
                h.loading = true;
                h.problem = None;
                out.push(Command::Api(history_call(id)));
            }
        });
    }
    let n = h.changes.as_ref().map_or(0, Vec::len);
    if n > 0 {
        ui.horizontal(|ui| {
            let l = ui.label(t!("review-history-as-of-change"));
            h.slider = h.slider.clamp(1, n);
            let r = ui
                .add(
                    egui::Slider::new(&mut h.slider, 1..=n)
                        .integer()
                        .suffix(t!("review-history-of-n", n = n)),
                )
                .labelled_by(l.id);
            // Ask only where the slider comes to rest, not for every change dragged over.
            if r.drag_stopped() || (r.changed() && !r.dragged()) {
                picked = Some(h.slider);
            }
            if let Some(c) = h.changes.as_ref().and_then(|c| c.get(h.slider - 1)) {
                ui.label(
                    RichText::new(format!("{} · {}", time_s(c.device_time_ms, zone), c.user))
                        .color(format::GREY),
                );
            }
            let current = ui.add_enabled(
                h.viewing.is_some(),
                egui::Button::new(t!("review-history-current-state")),
            );
            if current.clicked() {
                h.viewing = None;
                h.slider = n;
                h.past_problem = None;
            }
        });
    }
    let (fill, text, color) = match h.viewing {
        Some(k) => {
            let change = h.changes.as_ref().and_then(|c| c.get(k - 1));
            let when = change.map_or("—".into(), |c| time_s(c.device_time_ms, zone));
            let text = match change {
                Some(c) => t!(
                    "review-history-past-state-by",
                    when = when,
                    k = k,
                    n = n,
                    who = author(c),
                    what = change_text(c, h.current.as_deref(), &names)
                ),
                None => t!("review-history-past-state", when = when, k = k, n = n),
            };
            (egui::Color32::from_rgb(255, 243, 220), text, format::AMBER)
        }
        None => (
            egui::Color32::from_rgb(234, 246, 236),
            if n > 0 {
                t!("review-history-current-banner-pick")
            } else {
                t!("review-history-current-banner")
            },
            format::GREEN,
        ),
    };
    egui::Frame::new()
        .fill(fill)
        .inner_margin(6.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(text).strong().color(color));
                if h.viewing.is_some() && ui.button(t!("review-history-back-to-current")).clicked()
                {
                    h.viewing = None;
                    h.slider = n;
                    h.past_problem = None;
                }
            });
        });
    picked
}

/// The report shown: the past state picked, else the current one.
fn shown_report(h: &HistoryState) -> Option<&WorkOrder> {
    match h.viewing {
        Some(k) => h.past.get(&k).map(|p| &p.wo),
        None => h.current.as_deref(),
    }
}

/// The report of the chosen point: a past state from the server, or the current one, with
/// its evidence.
fn report_side_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let names = names_of(state);
    let zone = zone_of(state);
    let h = &state.review_history;
    if let Some(wo) = shown_report(h) {
        report_ui(ui, wo, &names, zone);
        super::evidence::evidence_ui(ui, wo, &names, zone, &mut state.photos, out);
        return;
    }
    match h.viewing {
        Some(k) if h.past_loading == Some(k) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(t!("review-history-loading-past", k = k));
            });
        }
        Some(_) => {
            let why = h
                .past_problem
                .clone()
                .unwrap_or_else(|| t!("review-history-past-not-loaded"));
            ui.label(RichText::new(why).color(format::RED));
        }
        None => {
            ui.label(t!("review-history-gone"));
        }
    }
}

/// The clock the page shows times on: the work order's site's (the device's if unknown).
fn zone_of(state: &AppState) -> format::Zone {
    state
        .review_history
        .current
        .as_deref()
        .and_then(|wo| wo.site_id.as_ref())
        .and_then(|s| state.site_zones.get(s).copied())
        .unwrap_or_default()
}

/// Date and time to the second, labelled with the zone: several changes often fall in one
/// minute.
fn time_s(ms: i64, zone: format::Zone) -> String {
    use chrono::Offset;
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return "?".into();
    };
    let lang = i18n::current();
    let (local, label) = match zone {
        format::Zone::Site(tz) => (
            t.with_timezone(&tz).naive_local(),
            i18n::time::zone_label(lang, tz, &t),
        ),
        format::Zone::Device => {
            let l = t.with_timezone(&chrono::Local);
            (
                l.naive_local(),
                i18n::time::offset_label(l.offset().fix().local_minus_utc()),
            )
        }
    };
    format!(
        "{} {} {label}",
        i18n::time::weekday_date(lang, &local),
        local.format("%H:%M:%S")
    )
}

/// The "changed" column shows at least this much ("title, checklist, assignees").
const CHANGED_MIN_W: f32 = 150.0;

/// The table of changes; returns the change clicked.
fn changes_ui(ui: &mut egui::Ui, state: &AppState) -> Option<usize> {
    let h = &state.review_history;
    let zone = zone_of(state);
    let Some(changes) = &h.changes else {
        if h.problem.is_some() {
            ui.label(RichText::new(t!("review-history-none-offline")).color(format::GREY));
        }
        return None;
    };
    crate::screens::common::section(ui, &t!("review-history-changes", count = changes.len()));
    let received = changes.iter().any(|c| c.received_at_ms.is_some());
    let names = names_of(state);
    let mut clicked = None;
    egui::Grid::new("review_history")
        .striped(true)
        .num_columns(if received { 5 } else { 4 })
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            let mut heads = vec![
                "#".to_string(),
                t!("review-history-col-who"),
                t!("review-history-col-device-time"),
            ];
            if received {
                heads.push(t!("review-history-col-received"));
            }
            heads.push(t!("review-history-col-changed"));
            for t in heads {
                ui.label(RichText::new(t).strong());
            }
            ui.end_row();
            for (i, c) in changes.iter().enumerate() {
                let k = i + 1;
                let selected = h.viewing == Some(k);
                if ui
                    .selectable_label(selected, format!("#{k}"))
                    .on_hover_text(t!("review-history-show-after-change"))
                    .clicked()
                {
                    clicked = Some(k);
                }
                ui.label(author(c));
                ui.label(time_s(c.device_time_ms, zone));
                if received {
                    ui.label(c.received_at_ms.map_or("—".into(), |ms| time_s(ms, zone)));
                }
                // Long field lists end in "…"; hovering shows them whole. Never narrower
                // than a few fields: a squeezed table scrolls sideways to them instead.
                ui.scope(|ui| {
                    ui.set_min_width(CHANGED_MIN_W);
                    ui.add(
                        egui::Label::new(change_text(c, h.current.as_deref(), &names)).truncate(),
                    );
                });
                ui.end_row();
            }
        });
    clicked
}

/// The parts of a report a supervisor reviews: status, visit, findings, checks, parts (the
/// photos and signature follow, [`super::evidence`]).
pub fn report_ui(
    ui: &mut egui::Ui,
    wo: &WorkOrder,
    names: &BTreeMap<String, String>,
    zone: format::Zone,
) {
    let lang = i18n::current();
    let folded = wo.fold();
    egui::Grid::new("review_report_fields")
        .num_columns(2)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            ui.label(t!("review-report-status"));
            ui.label(
                RichText::new(i18n::words::status(lang, folded.status))
                    .strong()
                    .color(format::status_color(folded.status)),
            );
            ui.end_row();
            let engineers: Vec<String> = wo
                .assignees
                .iter()
                .filter(|(_, on)| **on)
                .map(|(u, _)| who(names, u))
                .collect();
            ui.label(t!("review-report-engineer"));
            ui.label(if engineers.is_empty() {
                "—".into()
            } else {
                engineers.join(", ")
            });
            ui.end_row();
            let at = |ms: Option<i64>| ms.map_or("—".to_string(), |ms| format::time_in(ms, zone));
            ui.label(t!("review-report-arrived"));
            ui.label(at(folded.first_on_site_ms));
            ui.end_row();
            ui.label(t!("review-report-completed"));
            ui.label(at(folded.completed_at_ms));
            ui.end_row();
            ui.label(t!("review-report-time-on-site"));
            ui.label(wo.time_on_site_ms().map_or("—".into(), format::duration));
            ui.end_row();
            if let Some(o) = &folded.outcome {
                ui.label(t!("review-report-outcome"));
                ui.label(i18n::words::outcome(i18n::current(), o));
                ui.end_row();
            }
            if folded.status == Status::Reopened
                && let Some(c) = &folded.sent_back_comment
            {
                ui.label(t!("review-report-sent-back"));
                ui.label(RichText::new(c).color(format::RED));
                ui.end_row();
            }
        });
    crate::screens::common::section(ui, &t!("review-report-findings"));
    let findings = wo.findings.as_str();
    ui.label(if findings.trim().is_empty() {
        "—"
    } else {
        findings
    });
    if !wo.checklist.is_empty() {
        crate::screens::common::section(ui, &t!("review-report-checks"));
        egui::Grid::new("review_report_checks")
            .striped(true)
            .num_columns(3)
            .spacing([12.0, 3.0])
            .show(ui, |ui| {
                for (_, item) in wo.checklist_sorted() {
                    let (result, limits) = fieldsync_report::check_cells(item);
                    ui.label(&item.label);
                    let color = if item.is_failed() {
                        format::RED
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.label(RichText::new(result).color(color));
                    ui.label(RichText::new(limits).color(format::GREY));
                    ui.end_row();
                }
            });
    }
    if !wo.outages.is_empty() {
        crate::screens::common::section(ui, &t!("review-report-outages"));
        for (dev, o) in wo.outages.iter() {
            let device = names
                .get(dev)
                .cloned()
                .unwrap_or_else(|| t!("review-report-device-id", id = dev.get(..8).unwrap_or(dev)));
            let text = match o.restored_at_ms {
                None => t!(
                    "review-report-outage-open",
                    device = device,
                    from = format::time_in(o.down_from_ms, zone)
                ),
                Some(end) if o.is_inverted() => t!(
                    "review-report-outage-inverted",
                    device = device,
                    from = format::time_in(o.down_from_ms, zone),
                    to = format::time_in(end, zone),
                    span = format::duration(o.duration_ms().unwrap_or(0))
                ),
                Some(end) => t!(
                    "review-report-outage",
                    device = device,
                    from = format::time_in(o.down_from_ms, zone),
                    to = format::time_in(end, zone),
                    span = format::duration(o.duration_ms().unwrap_or(0))
                ),
            };
            let color = if o.restored_at_ms.is_none() || o.is_inverted() {
                format::RED
            } else {
                ui.visuals().text_color()
            };
            ui.label(RichText::new(text).color(color));
        }
    }
    if !wo.parts.is_empty() {
        crate::screens::common::section(ui, &t!("review-report-parts"));
        for p in wo.parts.values() {
            let line = if p.customer_consent {
                t!(
                    "review-report-part-consented",
                    quantity = p.quantity,
                    name = p.name.clone()
                )
            } else {
                t!(
                    "review-report-part-no-consent",
                    quantity = p.quantity,
                    name = p.name.clone()
                )
            };
            ui.label(line);
        }
    }
}
