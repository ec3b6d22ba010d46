//! The dispatch board: the unassigned queue (by priority or SLA due), every engineer's day
//! as a timeline coloured by SLA state, and the selected work order's card
//! ([`super::board_card`]) where the dispatcher assigns (server suggestions first, with
//! reasons), picks a slot, reschedules or unassigns. Every change goes to the server, which
//! writes it with its own actor so it reaches the engineer at their next sync.

use crate::format;
use crate::state::AppState;
use crate::state::command::Command;
use crate::state::dispatch::dispatch_board::select;
use crate::state::dispatch::dispatch_model::{
    self as model, BoardRow, HOUR_MS, QueueSort, local_hm, zoned_day_hm, zoned_hm,
};
use chrono::NaiveDate;
use egui::{Color32, RichText};
use fieldsync::TimestampMs;
use fieldsync::sla::SlaState;
use fieldsync_i18n::{self as i18n, t};

/// Width of the engineers' name column on the timeline.
const NAME_W: f32 = 150.0;
const ROW_H: f32 = 34.0;

/// The colour of an SLA state as text (lightened on a dark background).
pub fn sla_text(ui: &egui::Ui, s: Option<SlaState>) -> Color32 {
    format::readable(sla_color(s), ui.visuals().dark_mode)
}

/// Colour of an SLA state on the board.
pub fn sla_color(s: Option<SlaState>) -> Color32 {
    match s {
        Some(SlaState::OnTrack) => format::BLUE,
        Some(SlaState::AtRisk) => format::AMBER,
        Some(SlaState::Breached) => format::RED,
        Some(SlaState::Met) => format::GREEN,
        None => format::GREY,
    }
}

/// "response due 14:30 (in 45 min)", "resolution overdue since 11:00", "SLA met".
pub fn sla_line(row: &BoardRow, tz: chrono_tz::Tz, now: TimestampMs) -> String {
    let Some(r) = &row.sla else {
        return match row.next_due_ms() {
            Some(due) => t!("board-due", when = zoned_day_hm(tz, due)),
            None => t!("board-no-sla"),
        };
    };
    let (what, clock) = if r.response.stopped_at_ms.is_none() {
        ("response", &r.response)
    } else {
        ("resolution", &r.resolution)
    };
    if clock.stopped_at_ms.is_some() {
        return t!(
            "board-sla-stopped",
            state = model::sla_word(Some(r.worst()))
        );
    }
    // Always with the zone's label: the board's zone need not be the dispatcher's.
    let when = if model::local_date(tz, clock.due_ms) == model::local_date(tz, now) {
        zoned_hm(tz, clock.due_ms)
    } else {
        zoned_day_hm(tz, clock.due_ms)
    };
    if clock.state == SlaState::Breached {
        if r.paused {
            t!("board-sla-overdue-paused", clock = what, when = when)
        } else {
            t!("board-sla-overdue", clock = what, when = when)
        }
    } else if r.paused {
        // On hold the due time moves: what is left of the clock is what stays true.
        t!(
            "board-sla-due-paused",
            clock = what,
            when = when,
            left = format::duration(clock.remaining_ms.max(0))
        )
    } else {
        // Wall-clock time to the due time shown, not the business time left: at 01:00
        // "due 10:00 (1 h left)" reads as a contradiction.
        t!(
            "board-sla-due-in",
            clock = what,
            when = when,
            span = format::duration((clock.due_ms - now).max(0))
        )
    }
}

/// A row's status in words (the server's code when it is not one the app knows).
pub fn status_words(row: &BoardRow) -> String {
    row.status().map_or(row.status.clone(), |s| {
        i18n::words::status(i18n::current(), s)
    })
}

/// What a row is about in words: its fault category, else its kind.
pub fn what_words(row: &BoardRow) -> String {
    match (row.category.as_deref(), row.kind.as_str()) {
        (Some(c), _) => crate::screens::common::category_label(c),
        (None, "incident") => t!("board-kind-incident"),
        (None, "inspection") => t!("board-kind-inspection"),
        (None, other) => other.to_string(),
    }
}

pub fn board_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let tz = state.dispatch.zone();
    let today = model::local_date(tz, state.now_ms);
    let day = state.dispatch.board.shown_day(tz, state.now_ms);
    egui::Panel::left("dispatch_queue")
        .resizable(false)
        .exact_size(360.0)
        .show(ui, |ui| queue_ui(ui, state, out));
    if state.dispatch.board.selected.is_some() {
        egui::Panel::right("dispatch_card")
            .resizable(false)
            .exact_size(330.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("card_scroll")
                    .show(ui, |ui| super::board_card::card_ui(ui, state, out))
            });
    }
    egui::CentralPanel::default().show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new(t!("board-engineers-day")).strong().size(16.0));
            if ui
                .small_button("◀")
                .on_hover_text(t!("board-previous-day"))
                .clicked()
            {
                state.dispatch.board.day = day.pred_opt();
            }
            let label = i18n::time::full_date(i18n::current(), &day);
            if ui
                .add_enabled(day != today, egui::Button::new(t!("board-today")))
                .clicked()
            {
                state.dispatch.board.day = None;
            }
            // Fixed width: the arrows stay put while the dispatcher clicks through days.
            ui.add_sized(
                [140.0, 18.0],
                egui::Label::new(RichText::new(label).strong()),
            );
            if ui
                .small_button("▶")
                .on_hover_text(t!("board-next-day"))
                .clicked()
            {
                state.dispatch.board.day = day.succ_opt();
            }
            let zone = format!("{} ({})", tz.name(), model::zone_label(tz, state.now_ms));
            ui.label(RichText::new(t!("board-times-in", zone = zone)).color(format::GREY));
        });
        legend_ui(ui);
        egui::ScrollArea::vertical()
            .id_salt("timeline_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| timeline_ui(ui, state, day, out));
    });
}

fn legend_ui(ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        for (s, word) in [
            (Some(SlaState::OnTrack), t!("board-sla-on-track")),
            (Some(SlaState::AtRisk), t!("board-sla-at-risk")),
            (Some(SlaState::Breached), t!("board-sla-breached")),
            (Some(SlaState::Met), t!("board-sla-met")),
            (None, t!("board-legend-no-sla")),
        ] {
            ui.label(RichText::new("■").color(sla_color(s)));
            ui.label(RichText::new(word).small().color(sla_text(ui, s)));
        }
    });
}

/// Colour of a priority in the queue: P1 red and P2 amber stand out from routine work.
fn priority_color(ui: &egui::Ui, p: Option<&str>) -> Color32 {
    let c = match p {
        Some("P1") => format::RED,
        Some("P2") => format::AMBER,
        _ => return ui.visuals().strong_text_color(),
    };
    format::readable(c, ui.visuals().dark_mode)
}

/// "P1 · WO-2026-00012 · Printer jam" with the priority in its colour (one label, so it
/// reads and is found as one line).
fn priority_title(ui: &egui::Ui, row: &BoardRow) -> egui::text::LayoutJob {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let strong = ui.visuals().strong_text_color();
    let p = row.priority.as_deref();
    let mut job = egui::text::LayoutJob::default();
    job.append(
        p.unwrap_or("—"),
        0.0,
        egui::TextFormat::simple(font.clone(), priority_color(ui, p)),
    );
    job.append(
        &format!(" · {}", row.label()),
        0.0,
        egui::TextFormat::simple(font, strong),
    );
    job
}

fn queue_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let tz = state.dispatch.zone();
    let now = state.now_ms;
    ui.horizontal(|ui| {
        let n = model::unassigned_queue(&state.dispatch.board.rows, QueueSort::Priority).len();
        ui.label(
            RichText::new(t!("board-unassigned", n = n))
                .strong()
                .size(16.0),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let sort = &mut state.dispatch.board.sort;
            ui.selectable_value(sort, QueueSort::SlaDue, t!("board-sort-sla-due"));
            ui.selectable_value(sort, QueueSort::Priority, t!("board-sort-priority"));
            ui.label(t!("board-sort"));
        });
    });
    ui.separator();
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .id_salt("queue_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let d = &state.dispatch;
            let queue = model::unassigned_queue(&d.board.rows, d.board.sort);
            if queue.is_empty() {
                ui.label(if d.loaded_at_ms.is_some() {
                    t!("board-queue-empty")
                } else {
                    t!("board-loading")
                });
            }
            for row in queue {
                let selected = d.board.selected.as_deref() == Some(row.doc_id.as_str());
                let text_color = sla_text(ui, row.sla_state());
                egui::Frame::new()
                    .stroke(egui::Stroke::new(
                        if selected { 2.0 } else { 1.0 },
                        text_color,
                    ))
                    .inner_margin(6.0)
                    .corner_radius(4.0)
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        let title = priority_title(ui, row);
                        if ui.selectable_label(selected, title).clicked() {
                            clicked = Some(row.doc_id.clone());
                        }
                        let place = row
                            .site_id
                            .as_deref()
                            .map(|s| d.site_name(s))
                            .or_else(|| row.customer_id.as_deref().map(|c| d.customer_name(c)))
                            .unwrap_or_else(|| t!("board-no-site"));
                        let what = what_words(row);
                        ui.label(RichText::new(format!("{place} · {what}")).small());
                        ui.label(RichText::new(sla_line(row, tz, now)).color(text_color));
                    });
                ui.add_space(4.0);
            }
        });
    if let Some(id) = clicked {
        select(state, &id, out);
    }
}

fn timeline_ui(ui: &mut egui::Ui, state: &mut AppState, day: NaiveDate, out: &mut Vec<Command>) {
    let tz = state.dispatch.zone();
    let now = state.now_ms;
    let d = &state.dispatch;
    if d.engineers.is_empty() {
        ui.label(if d.loaded_at_ms.is_some() {
            t!("board-no-engineers")
        } else {
            t!("board-loading-engineers")
        });
        return;
    }
    let (day_start, _) = model::day_bounds(tz, day);
    let days: Vec<(String, model::EngineerDay<'_>)> = d
        .engineers
        .iter()
        .map(|e| {
            (
                e.user_id.clone(),
                model::engineer_day(&d.board.rows, &e.user_id, tz, day),
            )
        })
        .collect();
    let windows: Vec<_> = days
        .iter()
        .flat_map(|(_, ed)| ed.blocks.iter().filter_map(|r| r.window()))
        .collect();
    let (first_h, last_h) = model::timeline_hours(&windows, tz, day);
    let span_ms = i64::from(last_h - first_h) * HOUR_MS;
    let origin = day_start + i64::from(first_h) * HOUR_MS;
    let width = (ui.available_width() - NAME_W - 8.0).max(200.0);
    let x_of = |left: f32, ms: TimestampMs| {
        left + ((ms - origin) as f32 / span_ms as f32).clamp(0.0, 1.0) * width
    };
    // Lanes follow the theme: the working day is the "paper", hours outside it are shaded
    // (a fixed near-white lane glared on the dark theme and hid its hour lines).
    let visuals = ui.visuals();
    let work_fill = visuals.extreme_bg_color;
    let off_fill = work_fill.lerp_to_gamma(visuals.text_color(), 0.12);
    let grid = visuals.widgets.noninteractive.bg_stroke.color;
    let hour_text = visuals.weak_text_color();
    let now_line = format::readable(format::RED, visuals.dark_mode);
    let work = (
        model::local_time(tz, day, model::WORKDAY_MINUTES.0),
        model::local_time(tz, day, model::WORKDAY_MINUTES.1),
    );
    // Hour header.
    let (rect, _) = ui.allocate_exact_size(egui::vec2(NAME_W + width, 18.0), egui::Sense::hover());
    let left = rect.left() + NAME_W;
    for h in first_h..=last_h {
        let x = x_of(left, origin + i64::from(h - first_h) * HOUR_MS);
        ui.painter().text(
            egui::pos2(x, rect.center().y),
            egui::Align2::CENTER_CENTER,
            format!("{h:02}"),
            egui::FontId::proportional(11.0),
            hour_text,
        );
    }
    let mut clicked = None;
    for (e, (user_id, ed)) in d.engineers.iter().zip(&days) {
        ui.separator();
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.set_width(NAME_W - 8.0);
                ui.label(RichText::new(&e.display_name).strong());
                let open = d
                    .board
                    .rows
                    .iter()
                    .filter(|r| r.is_open() && r.assignees.contains(user_id))
                    .count();
                let lang = fieldsync_i18n::current();
                let skills: Vec<String> = e
                    .skills
                    .iter()
                    .map(|s| fieldsync_i18n::words::skill(lang, s))
                    .collect();
                ui.label(
                    RichText::new(t!("board-engineer-load", open = open, level = e.level)).small(),
                )
                .on_hover_text(t!(
                    "board-engineer-skills",
                    skills = skills.join(&t!("board-why-sep"))
                ));
                // Where they are now, from the work they report on: on site, on the way, on
                // hold, or nothing in progress.
                let (text, color) = live_status(&d.board.rows, user_id);
                ui.label(RichText::new(text).small().color(color));
            });
            let (rect, _) = ui.allocate_exact_size(egui::vec2(width, ROW_H), egui::Sense::hover());
            let painter = ui.painter_at(rect);
            painter.rect_filled(rect, 3.0, off_fill);
            let working = egui::Rect::from_x_y_ranges(
                x_of(rect.left(), work.0)..=x_of(rect.left(), work.1),
                rect.y_range(),
            );
            painter.rect_filled(working, 0.0, work_fill);
            for h in first_h..=last_h {
                let x = x_of(rect.left(), origin + i64::from(h - first_h) * HOUR_MS);
                painter.line_segment(
                    [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
                    egui::Stroke::new(1.0, grid),
                );
            }
            // Only when now is on the shown hours: clamped to an edge it read as 07:00.
            if (origin..=origin + span_ms).contains(&now) {
                let x = x_of(rect.left(), now);
                painter.line_segment(
                    [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
                    egui::Stroke::new(2.0, now_line),
                );
            }
            for r in &ed.blocks {
                let Some((a, b)) = r.window() else { continue };
                let x0 = x_of(rect.left(), a);
                let x1 = x_of(rect.left(), b).max(x0 + 6.0);
                let block = egui::Rect::from_min_max(
                    egui::pos2(x0 + 1.0, rect.top() + 3.0),
                    egui::pos2(x1 - 1.0, rect.bottom() - 3.0),
                );
                let mut fill = sla_color(r.sla_state());
                if !r.is_open() {
                    fill = fill.gamma_multiply(0.5);
                }
                // The title is what a block has room for ("WO-2026-000…" told nothing);
                // the number is in the tooltip and the card.
                let label = RichText::new(&r.title).color(Color32::WHITE).small();
                let resp = ui
                    .put(block, egui::Button::new(label).fill(fill).truncate())
                    .on_hover_text(format!(
                        "{}\n{}–{} · {}\n{}",
                        r.label(),
                        local_hm(tz, a),
                        zoned_hm(tz, b),
                        status_words(r),
                        sla_line(r, tz, now)
                    ));
                if resp.clicked() {
                    clicked = Some(r.doc_id.clone());
                }
            }
        });
        if !ed.unscheduled.is_empty() {
            // Wrapped lines stay right of the name column.
            ui.horizontal_top(|ui| {
                ui.add_space(NAME_W);
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(t!("board-not-scheduled"))
                            .small()
                            .color(format::GREY),
                    );
                    for r in &ed.unscheduled {
                        let text = RichText::new(r.label()).color(sla_text(ui, r.sla_state()));
                        if ui
                            .small_button(text)
                            .on_hover_text(sla_line(r, tz, now))
                            .clicked()
                        {
                            clicked = Some(r.doc_id.clone());
                        }
                    }
                });
            });
        }
    }
    if let Some(id) = clicked {
        select(state, &id, out);
    }
}

/// An engineer's live status from the board's rows: the work they are on site for, on the
/// way to, or holding (the latest such), else that nothing is in progress.
fn live_status(
    rows: &[crate::state::dispatch::dispatch_model::BoardRow],
    user_id: &str,
) -> (String, egui::Color32) {
    use fieldsync::status::Status;
    let current = rows
        .iter()
        .filter(|r| r.assignees.iter().any(|a| a == user_id))
        .filter(|r| {
            matches!(
                r.status(),
                Some(Status::OnSite | Status::EnRoute | Status::OnHold)
            )
        })
        .max_by_key(|r| r.created_at_ms);
    match current {
        Some(r) => {
            let label = r.label();
            match r.status() {
                Some(Status::OnSite) => (t!("board-live-on-site", work = label), format::GREEN),
                Some(Status::EnRoute) => (t!("board-live-en-route", work = label), format::AMBER),
                _ => (t!("board-live-on-hold", work = label), format::GREY),
            }
        }
        None => (t!("board-live-idle"), format::GREY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::dispatch::dispatch_model::MINUTE_MS;

    #[test]
    fn sla_line_without_a_report_uses_due_times() {
        let tz = chrono_tz::Asia::Shanghai;
        let row = BoardRow {
            response_due_ms: Some(1_794_990_600_000),
            ..Default::default()
        };
        assert_eq!(sla_line(&row, tz, 0), "due Wed 18 Nov 16:30 CST");
        assert_eq!(sla_line(&BoardRow::default(), tz, 0), "no SLA");
        let _ = MINUTE_MS;
    }

    #[test]
    fn sla_line_counts_wall_clock_time_to_the_due_time_shown() {
        use fieldsync::sla::{ClockReport, SlaReport};
        let tz = chrono_tz::Asia::Shanghai;
        // Thu 03 Dec 2026 01:00 Shanghai; a P1 due at 10:00 with 1 business hour left.
        let now = 1_796_230_800_000;
        let clock = ClockReport {
            state: SlaState::OnTrack,
            target_ms: HOUR_MS,
            due_ms: now + 9 * HOUR_MS,
            stopped_at_ms: None,
            elapsed_ms: 0,
            remaining_ms: HOUR_MS,
            paused_ms: 0,
        };
        let mut row = BoardRow {
            sla: Some(SlaReport {
                priority: "P1".into(),
                response: clock.clone(),
                resolution: clock,
                paused: false,
                warnings: vec![],
            }),
            ..Default::default()
        };
        assert_eq!(
            sla_line(&row, tz, now),
            "response due 10:00 CST (in 9 h 0 min)"
        );
        // On hold the due time moves: the clock's remainder is what holds.
        if let Some(r) = row.sla.as_mut() {
            r.paused = true;
        }
        assert_eq!(
            sla_line(&row, tz, now),
            "response due 10:00 CST (1 h 0 min left · paused, on hold)"
        );
    }
}
