//! Review (supervisor): completed work orders from the local store, each with a comment box
//! and Approve / Send back. A decision is an `approved` / `rejected` event appended through
//! `LocalStore::edit`, so it syncs like any other edit; sending back needs a comment, which
//! the engineer sees when the work order reopens on their device. "Report & history" opens
//! one report with its change history ([`super::review_history`]). Engineers are named from
//! the people directory this device keeps, so names show offline too.

use crate::format;
use crate::state::AppState;
use crate::state::command::Command;
use egui::RichText;
use fieldsync::status::EventKind;
use fieldsync_i18n::t;

/// Widest a work order's title stands in the queue before it wraps: a quarter of the
/// window, within these bounds.
const TITLE_WIDTH: (f32, f32) = (240.0, 480.0);

pub fn review_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    if state.review_history.doc.is_some() {
        return super::review_history::history_page_ui(ui, state, out);
    }
    ui.horizontal(|ui| {
        ui.heading(t!("review-title"));
        ui.label(t!("review-awaiting", count = state.review_queue.len()));
    });
    if state.review_queue.is_empty() {
        ui.add_space(20.0);
        ui.label(t!("review-empty"));
        return;
    }
    let title_width = (ui.available_width() * 0.25).clamp(TITLE_WIDTH.0, TITLE_WIDTH.1);
    // Both ways: at 800 px the table is wider than the window.
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("review_queue")
                .striped(true)
                .num_columns(9)
                .spacing([14.0, 8.0])
                .show(ui, |ui| {
                    for h in [
                        t!("review-col-completed"),
                        t!("review-col-work-order"),
                        t!("review-col-engineer"),
                        t!("review-col-site"),
                        t!("review-col-priority"),
                        t!("review-col-findings"),
                        t!("review-col-signed"),
                        t!("review-col-on-site"),
                        t!("review-col-comment"),
                    ] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    let names = super::names::names_of(state);
                    for row in &state.review_queue {
                        // On the site's clock, labelled with its zone.
                        let zone = row
                            .site_id
                            .as_ref()
                            .and_then(|s| state.site_zones.get(s).copied())
                            .unwrap_or_default();
                        ui.label(
                            row.completed_at_ms
                                .map_or("—".to_string(), |ms| format::time_in(ms, zone)),
                        );
                        let title = match &row.number {
                            Some(n) => format!("{n} · {}", row.title),
                            None => row.title.clone(),
                        };
                        // Long titles wrap, so the decision buttons stay in view at 1280 px.
                        let open = ui.scope(|ui| {
                            ui.set_max_width(title_width);
                            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
                            ui.link(RichText::new(title).strong()).clicked()
                        });
                        if open.inner {
                            out.push(Command::OpenWorkOrder(row.doc_id));
                        }
                        let engineers: Vec<String> = row
                            .assignees
                            .iter()
                            .map(|u| super::names::who(&names, u))
                            .collect();
                        ui.label(if engineers.is_empty() {
                            "—".to_string()
                        } else {
                            engineers.join(", ")
                        });
                        ui.label(row.site_name.as_deref().unwrap_or("—"));
                        ui.label(row.priority.as_deref().unwrap_or("—"));
                        match state.review_facts.get(&row.doc_id) {
                            Some(facts) => facts_ui(ui, facts),
                            // Not read (a report this device cannot open): unknown, not "none".
                            None => {
                                for _ in 0..3 {
                                    ui.label("—");
                                }
                            }
                        }
                        // The comment above its buttons: one column, so the row fits 1280 px.
                        ui.vertical(|ui| {
                            let comment = state.review_comments.entry(row.doc_id).or_default();
                            // Sized explicitly: in a grid the field would shrink to its column.
                            ui.add_sized(
                                [240.0, 20.0],
                                egui::TextEdit::singleline(comment)
                                    .hint_text(t!("review-comment-hint")),
                            );
                            let has_comment = !comment.trim().is_empty();
                            ui.horizontal(|ui| {
                                // The evidence first: the report with photos and signature.
                                let history = ui
                                    .button(t!("review-open-history"))
                                    .on_hover_text(t!("review-open-history-hint"));
                                if history.clicked() {
                                    out.push(Command::OpenReviewHistory(row.doc_id));
                                }
                                if ui.button(t!("review-approve")).clicked() {
                                    out.push(Command::Review {
                                        id: row.doc_id,
                                        kind: EventKind::Approved,
                                        comment: comment.trim().to_owned(),
                                    });
                                }
                                let back = ui
                                    .add_enabled(
                                        has_comment,
                                        egui::Button::new(t!("review-send-back")),
                                    )
                                    .on_disabled_hover_text(t!("review-send-back-needs-comment"));
                                if back.clicked() {
                                    out.push(Command::Review {
                                        id: row.doc_id,
                                        kind: EventKind::Rejected,
                                        comment: comment.trim().to_owned(),
                                    });
                                }
                            });
                        });
                        ui.end_row();
                    }
                });
        });
}

/// Findings (red when any), signature and time on site of one queued report.
fn facts_ui(ui: &mut egui::Ui, facts: &crate::state::ReviewFacts) {
    if facts.findings > 0 {
        ui.label(
            RichText::new(t!("review-findings", count = facts.findings))
                .color(format::RED)
                .strong(),
        );
    } else {
        ui.label(RichText::new(t!("review-no-findings")).color(format::GREY));
    }
    if facts.signed {
        ui.label(RichText::new(t!("review-signed")).color(format::GREEN));
    } else {
        ui.label(RichText::new(t!("review-not-signed")).color(format::AMBER));
    }
    ui.label(facts.on_site_ms.map_or("—".to_string(), format::duration));
}
