//! Screens every role sees, shared drawing helpers; may import state, runtime types, leaf helpers.
//!
//! Sign-in, the sync status bar and sync details, the file dialog; `section` headings and
//! fault-category words used by several roles.

pub mod change_class;
pub mod file_picker;
pub mod sign_in;
pub mod status_bar;

use egui::RichText;
use fieldsync_i18n::t;

/// A bold section heading with some space above.
pub fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(10.0);
    ui.label(RichText::new(title).strong().size(16.0));
    ui.separator();
}

/// A fault category in words.
pub fn category_label(c: &str) -> String {
    match c {
        "network" => t!("dash-category-network"),
        "security" => t!("dash-category-security"),
        "software" => t!("dash-category-software"),
        "hardware" => t!("dash-category-hardware"),
        "other" => t!("dash-category-other"),
        other => other.to_string(),
    }
}
