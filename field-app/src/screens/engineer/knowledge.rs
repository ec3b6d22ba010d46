//! Knowledge base: full-text search of known errors and solutions, offline.

use crate::format;
use crate::state::AppState;
use crate::state::command::Command;
use egui::RichText;
use fieldsync_i18n::t;

pub fn knowledge_ui(ui: &mut egui::Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let k = &mut state.knowledge;
    ui.horizontal(|ui| {
        ui.heading(t!("eng-kb-heading"));
        ui.add(
            egui::TextEdit::singleline(&mut k.query)
                .hint_text(t!("eng-kb-search-hint"))
                .desired_width(360.0),
        )
        .accessible_name(t!("eng-kb-search"));
    });
    if k.searched.as_deref() != Some(k.query.as_str()) {
        out.push(Command::SearchKnowledge(k.query.clone()));
    }
    ui.columns(2, |cols| {
        egui::ScrollArea::vertical()
            .id_salt("kb_list")
            .auto_shrink([false, false])
            .show(&mut cols[0], |ui| {
                if k.results.is_empty() {
                    ui.label(t!("eng-kb-none"));
                }
                for r in &k.results {
                    let selected = k.open.as_ref().is_some_and(|a| a.id == r.doc_id);
                    let text = match &r.category {
                        Some(c) => format!("{} [{}]", r.title, category_words(c)),
                        None => r.title.clone(),
                    };
                    if ui.selectable_label(selected, text).clicked() {
                        out.push(Command::OpenArticle(r.doc_id));
                    }
                }
            });
        egui::ScrollArea::vertical()
            .id_salt("kb_article")
            .auto_shrink([false, false])
            .show(&mut cols[1], |ui| {
                let Some(a) = &k.open else {
                    ui.label(RichText::new(t!("eng-kb-choose")).color(format::GREY));
                    return;
                };
                ui.heading(&a.title);
                if let Some(c) = &a.category {
                    ui.label(RichText::new(category_words(c)).color(format::GREY));
                }
                ui.add_space(6.0);
                ui.label(RichText::new(t!("eng-kb-symptoms")).strong());
                ui.label(&a.symptoms);
                ui.add_space(6.0);
                ui.label(RichText::new(t!("eng-kb-solution")).strong());
                ui.label(&a.solution);
                if !a.tags.is_empty() {
                    ui.add_space(6.0);
                    ui.label(RichText::new(a.tags.join(" · ")).color(format::GREY));
                }
            });
    });
}

/// An article's fault category in the reader's language ("硬件", not "hardware").
fn category_words(code: &str) -> String {
    fieldsync_i18n::words::category(fieldsync_i18n::current(), code)
}
