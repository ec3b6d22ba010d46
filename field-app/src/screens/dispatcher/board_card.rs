//! The dispatch board's card of the selected work order: what it is and how its SLA stands,
//! who is assigned, and where the dispatcher assigns (server suggestions first, with
//! reasons), picks a slot, reschedules or unassigns.

use super::dispatch_board::{sla_line, sla_text, status_words, what_words};
use crate::format;
use crate::runtime::messages::ApiCall;
use crate::state::AppState;
use crate::state::command::Command;
use crate::state::dispatch::dispatch_board::reschedule_call;
use crate::state::dispatch::dispatch_model::{
    self as model, BoardRow, MINUTE_MS, Suggestion, local_hm, zoned_day_hm, zoned_hm,
};
use crate::state::dispatch::may_dispatch;
use crate::widgets::DatePicker;
use egui::RichText;
use fieldsync_i18n::{self as i18n, t};

/// The selected work order: details, assignees, assignment with suggestions and slots.
pub fn card_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let tz = state.dispatch.zone();
    let now = state.now_ms;
    let Some(row) = state.dispatch.board.selected_row().cloned() else {
        return;
    };
    // The title wraps inside the panel: a label in a plain horizontal row does not, and
    // a long title pushed the whole card off the panel's left edge.
    ui.horizontal_top(|ui| {
        let title_w = (ui.available_width() - 28.0).max(60.0);
        ui.allocate_ui_with_layout(
            egui::vec2(title_w, 0.0),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                ui.set_width(title_w);
                ui.add(egui::Label::new(RichText::new(row.label()).strong().size(15.0)).wrap());
            },
        );
        if ui
            .small_button("×")
            .on_hover_text(t!("board-close"))
            .clicked()
        {
            state.dispatch.board.selected = None;
        }
    });
    let d = &state.dispatch;
    let status = status_words(&row);
    let priority = row
        .priority
        .clone()
        .unwrap_or_else(|| t!("board-no-priority"));
    ui.label(format!("{} · {} · {}", priority, what_words(&row), status));
    if let Some(s) = &row.site_id {
        ui.label(t!("board-site", name = d.site_name(s)));
    } else if let Some(c) = &row.customer_id {
        ui.label(t!("board-customer", name = d.customer_name(c)));
    }
    let caller = [row.caller_name.as_deref(), row.caller_phone.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>();
    if !caller.is_empty() {
        ui.label(t!("board-caller", caller = caller.join(" · ")));
    }
    ui.label(RichText::new(sla_line(&row, tz, now)).color(sla_text(ui, row.sla_state())));
    if let Some(r) = &row.sla {
        for (what, c) in [("response", &r.response), ("resolution", &r.resolution)] {
            ui.label(
                RichText::new(t!(
                    "board-card-clock",
                    clock = what,
                    state = model::sla_word(Some(c.state)),
                    when = zoned_day_hm(tz, c.due_ms)
                ))
                .small(),
            );
        }
    }
    if let Some((a, b)) = row.window() {
        ui.label(t!(
            "board-scheduled",
            from = model::local_day_hm(tz, a),
            to = zoned_hm(tz, b)
        ));
    }
    let can = may_dispatch(state);
    crate::screens::common::section(ui, &t!("board-assigned"));
    if row.assignees.is_empty() {
        ui.label(t!("board-nobody"));
    }
    for a in &row.assignees {
        ui.horizontal(|ui| {
            ui.label(state.dispatch.engineer_name(a));
            if can
                && ui
                    .add_enabled(
                        !state.dispatch.board.busy,
                        egui::Button::new(t!("board-unassign")),
                    )
                    .clicked()
            {
                state.dispatch.board.busy = true;
                out.push(Command::Api(ApiCall::post_json(
                    format!("dispatch.unassign.{}", row.doc_id),
                    format!("/v1/work-orders/{}/unassign", row.doc_id),
                    &serde_json::json!({ "user": a }),
                )));
            }
        });
    }
    if !can {
        ui.add_space(6.0);
        ui.label(RichText::new(t!("board-only-dispatchers")).color(format::GREY));
        return;
    }
    if !row.is_open() {
        return;
    }
    crate::screens::common::section(ui, &t!("board-assign-engineer"));
    pick_ui(ui, state, &row);
    crate::screens::common::section(ui, &t!("board-slot"));
    slot_ui(ui, state, &row, tz);
    ui.add_space(8.0);
    let b = &state.dispatch.board;
    let Some(pick) = b.pick.clone() else {
        ui.label(t!("board-choose-engineer"));
        return;
    };
    let name = state.dispatch.engineer_name(&pick);
    let already = row.assignees.contains(&pick);
    let label = match (already, b.slot) {
        (true, Some((a, c))) => t!(
            "board-reschedule-to",
            name = name,
            from = local_hm(tz, a),
            to = local_hm(tz, c)
        ),
        (true, None) => t!("board-is-assigned", name = name),
        (false, Some((a, c))) => t!(
            "board-assign-slot",
            name = name,
            from = local_hm(tz, a),
            to = local_hm(tz, c)
        ),
        (false, None) => t!("board-assign", name = name),
    };
    let enabled = !(b.busy || (already && b.slot.is_none()));
    if ui
        .add_enabled(enabled, egui::Button::new(RichText::new(label).strong()))
        .clicked()
    {
        let slot = b.slot;
        let id = row.doc_id.clone();
        let b = &mut state.dispatch.board;
        b.busy = true;
        if already {
            if let Some(slot) = slot {
                out.push(Command::Api(reschedule_call(&id, slot)));
            }
        } else {
            b.pending_slot = slot.map(|s| (id.clone(), s));
            out.push(Command::Api(ApiCall::post_json(
                format!("dispatch.assign.{id}"),
                format!("/v1/work-orders/{id}/assign"),
                &serde_json::json!({ "user": pick }),
            )));
        }
    }
    if state.dispatch.board.busy {
        ui.label(RichText::new(t!("board-sending")).color(format::GREY));
    }
}

/// Engineers to choose from: the server's suggestions first (with reasons), then anyone
/// the suggestions did not rank.
fn pick_ui(ui: &mut egui::Ui, state: &mut AppState, row: &BoardRow) {
    let d = &mut state.dispatch;
    let suggested: Vec<Suggestion> = match &d.board.suggestions {
        None => {
            ui.label(RichText::new(t!("board-loading-suggestions")).color(format::GREY));
            Vec::new()
        }
        Some(Err(e)) => {
            ui.label(RichText::new(t!("board-no-suggestions", error = e)).color(format::GREY));
            Vec::new()
        }
        Some(Ok(list)) => list.clone(),
    };
    for (i, s) in suggested.iter().enumerate() {
        let mark = if i == 0 { "★ " } else { "" };
        let text = format!("{mark}{}", s.display_name);
        let picked = d.board.pick.as_deref() == Some(s.user_id.as_str());
        if ui
            .selectable_label(picked, RichText::new(text).strong())
            .clicked()
        {
            d.board.pick = Some(s.user_id.clone());
            d.board.slot = None;
        }
        let mut why = s.why(row.window().is_some());
        if row.assignees.contains(&s.user_id) {
            why = t!("board-already-assigned", why = why);
        }
        ui.label(RichText::new(why).small().color(format::GREY));
    }
    let others: Vec<(String, String)> = d
        .engineers
        .iter()
        .filter(|e| !suggested.iter().any(|s| s.user_id == e.user_id))
        .map(|e| (e.user_id.clone(), e.display_name.clone()))
        .collect();
    if !others.is_empty() && !suggested.is_empty() {
        ui.label(RichText::new(t!("board-other-engineers")).small());
    }
    for (id, name) in others {
        let picked = d.board.pick.as_deref() == Some(id.as_str());
        if ui.selectable_label(picked, name).clicked() {
            d.board.pick = Some(id);
            d.board.slot = None;
        }
    }
}

/// Free slots of the chosen engineer on the board's day, or "as soon as possible".
fn slot_ui(ui: &mut egui::Ui, state: &mut AppState, row: &BoardRow, tz: chrono_tz::Tz) {
    let now = state.now_ms;
    let d = &mut state.dispatch;
    let day = d.board.day.unwrap_or_else(|| model::local_date(tz, now));
    // Wrapped: in the narrower card of a small window the day goes under the duration.
    ui.horizontal_wrapped(|ui| {
        ui.label(t!("board-duration"));
        egui::ComboBox::from_id_salt("slot_duration")
            .selected_text(format::duration(d.board.duration_min * MINUTE_MS))
            .show_ui(ui, |ui| {
                for m in [30, 60, 90, 120, 180, 240] {
                    if ui
                        .selectable_value(
                            &mut d.board.duration_min,
                            m,
                            format::duration(m * MINUTE_MS),
                        )
                        .clicked()
                    {
                        d.board.slot = None;
                    }
                }
            })
            .response
            .accessible_name(t!("board-duration"));
        // The slots' day is the board's: picking another here moves the board too, so the
        // timeline beside the card shows the day the slot is on.
        ui.label(t!("board-slot-on"));
        let today = model::local_date(tz, now);
        let mut picked = day;
        let shown = i18n::time::weekday_date(i18n::current(), &day);
        // The work's customer's calendar marks holidays and 调休 days.
        let calendar = d
            .contracts
            .iter()
            .find(|c| row.customer_id.as_deref() == Some(c.customer_id.as_str()))
            .map(|c| &c.calendar);
        let (off, on) = calendar.map_or((&[][..], &[][..]), |c| {
            (c.holidays.as_slice(), c.working_days.as_slice())
        });
        let picker = DatePicker::new("slot_day", &mut picked, today)
            .label(shown)
            .marks(off, on);
        if ui.add(picker).changed() {
            d.board.day = (picked != today).then_some(picked);
            d.board.slot = None;
        }
    });
    if ui
        .selectable_label(d.board.slot.is_none(), t!("board-no-slot"))
        .clicked()
    {
        d.board.slot = None;
    }
    let Some(pick) = d.board.pick.clone() else {
        return;
    };
    // The selected work order's own window does not block its new slot.
    let others: Vec<BoardRow> = d
        .board
        .rows
        .iter()
        .filter(|r| r.doc_id != row.doc_id)
        .cloned()
        .collect();
    let slots = model::offered_slots(
        &others,
        &pick,
        tz,
        day,
        d.board.duration_min * MINUTE_MS,
        now,
    );
    if slots.is_empty() {
        ui.label(RichText::new(t!("board-no-free-slot")).color(format::GREY));
    }
    ui.horizontal_wrapped(|ui| {
        for s in slots {
            let text = format!("{}–{}", local_hm(tz, s.0), local_hm(tz, s.1));
            if ui.selectable_label(d.board.slot == Some(s), text).clicked() {
                d.board.slot = Some(s);
            }
        }
    });
}
