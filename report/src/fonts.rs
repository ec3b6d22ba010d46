//! Fonts for PDF reports. Nothing is bundled: the server uses a system font that covers CJK
//! (Noto Sans CJK from Debian's `fonts-noto-cjk`, a TrueType collection krilla reads and
//! subsets), or the file named by `FIELDSYNC_REPORT_FONT` (`path` or `path#index`). Fonts are
//! loaded once per process.

use krilla::text::Font;
use std::sync::OnceLock;

/// Regular and bold faces (bold falls back to regular when no bold file exists).
#[derive(Clone)]
pub struct Fonts {
    pub regular: Font,
    pub bold: Font,
}

/// Index 2 of Noto Sans CJK collections is Simplified Chinese (JP, KR, SC, TC, HK).
const CANDIDATES: [(&str, &str, u32); 3] = [
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        2,
    ),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "",
        0,
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        0,
    ),
];

fn load(path: &str, index: u32) -> Option<Font> {
    let bytes = std::fs::read(path).ok()?;
    Font::new(bytes.into(), index)
}

fn discover() -> Result<Fonts, String> {
    if let Ok(spec) = std::env::var("FIELDSYNC_REPORT_FONT") {
        let (path, index) = match spec.rsplit_once('#') {
            Some((p, i)) => (
                p,
                i.parse()
                    .map_err(|_| format!("bad font index in {spec:?}"))?,
            ),
            None => (spec.as_str(), 0),
        };
        let regular = load(path, index)
            .ok_or_else(|| format!("FIELDSYNC_REPORT_FONT: cannot read a font from {spec:?}"))?;
        return Ok(Fonts {
            bold: regular.clone(),
            regular,
        });
    }
    for (regular, bold, index) in CANDIDATES {
        if let Some(r) = load(regular, index) {
            let b = load(bold, index).unwrap_or_else(|| r.clone());
            tracing::info!(font = regular, "report font loaded");
            return Ok(Fonts {
                regular: r,
                bold: b,
            });
        }
    }
    Err("no font for PDF reports: install fonts-noto-cjk or set FIELDSYNC_REPORT_FONT".into())
}

/// The process-wide report fonts, or why there are none.
pub fn fonts() -> Result<&'static Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS.get_or_init(discover).as_ref().map_err(Clone::clone)
}
