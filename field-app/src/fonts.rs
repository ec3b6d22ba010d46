//! Fonts: egui's defaults, then the system's Chinese font (found by the script it covers),
//! then the GB 2312 cut of Noto Sans SC shipped with fieldsync, so Chinese renders on a
//! fresh machine too and rarer characters still come from the system font when it has them.

use egui::{FontData, FontDefinitions, FontFamily};
use fieldsync_i18n::fonts;
use std::sync::Arc;

/// Where the Chinese glyphs come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CjkSource {
    /// A system font (its family name) before the bundled one.
    System(String),
    /// Only the bundled font.
    Bundled,
}

/// Font definitions with the CJK fallbacks appended to both families.
pub fn definitions(system: Option<fonts::SystemFont>) -> (FontDefinitions, CjkSource) {
    let mut defs = FontDefinitions::default();
    let mut names = Vec::new();
    let source = match system {
        Some(f) => {
            let mut data = FontData::from_owned(f.data);
            data.index = f.index;
            defs.font_data.insert("cjk-system".into(), Arc::new(data));
            names.push("cjk-system");
            CjkSource::System(f.family)
        }
        None => CjkSource::Bundled,
    };
    defs.font_data.insert(
        "cjk-bundled".into(),
        Arc::new(FontData::from_static(fonts::BUNDLED_CJK)),
    );
    names.push("cjk-bundled");
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        let list = defs.families.entry(family).or_default();
        list.extend(names.iter().map(|n| (*n).to_owned()));
    }
    (defs, source)
}

/// Install the fonts on a context (the system's fonts are searched once per process).
pub fn install(ctx: &egui::Context) {
    static SYSTEM: std::sync::OnceLock<Option<fonts::SystemFont>> = std::sync::OnceLock::new();
    let system = SYSTEM.get_or_init(fonts::system_cjk).clone();
    let (defs, source) = definitions(system);
    match &source {
        CjkSource::System(family) => tracing::info!(family, "system CJK font loaded"),
        CjkSource::Bundled => tracing::info!("no system CJK font: using the bundled one"),
    }
    ctx.set_fonts(defs);
}
