//! Fonts: egui's defaults plus a system CJK font as a fallback, so Chinese, Japanese and
//! Korean findings and device names render (when such a font is installed).

use egui::{FontData, FontDefinitions, FontFamily};
use std::sync::Arc;

/// Where common Linux, macOS and Windows installs keep a CJK font, with the face index for
/// Simplified Chinese in collections.
const CANDIDATES: [(&str, u32); 6] = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
];

/// Font definitions with the first CJK font found appended as a fallback; the path used.
pub fn definitions() -> (FontDefinitions, Option<&'static str>) {
    let mut fonts = FontDefinitions::default();
    for (path, index) in CANDIDATES {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let data = FontData::from_blob(Arc::new(bytes), index);
        fonts.font_data.insert("cjk".into(), Arc::new(data));
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            fonts.families.entry(family).or_default().push("cjk".into());
        }
        return (fonts, Some(path));
    }
    (fonts, None)
}

/// Install the fonts on a context.
pub fn install(ctx: &egui::Context) {
    let (defs, path) = definitions();
    match path {
        Some(p) => tracing::info!(font = p, "CJK fallback font loaded"),
        None => tracing::warn!("no CJK font found: Chinese text will show as boxes"),
    }
    ctx.set_fonts(defs);
}
