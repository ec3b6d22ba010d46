//! Fonts for PDF reports, which must draw Chinese: the file named by `FIELDSYNC_REPORT_FONT`
//! (`path` or `path#index`), else Noto Sans CJK SC with its bold face (Debian's
//! `fonts-noto-cjk`), else the system's Chinese font found by the script it covers, else the
//! GB 2312 cut of Noto Sans SC bundled with fieldsync — so a PDF never shows boxes. krilla
//! embeds only the glyphs used. Fonts are loaded once per process.

use krilla::text::Font;
use std::sync::OnceLock;

/// Regular and bold faces (bold falls back to regular when no bold file exists).
#[derive(Clone)]
pub struct Fonts {
    pub regular: Font,
    pub bold: Font,
}

/// Index 2 of Noto Sans CJK collections is Simplified Chinese (JP, KR, SC, TC, HK); this
/// one comes with a bold face, which the search by script below does not look for.
const NOTO_CJK: (&str, &str, u32) = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    2,
);

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
    let (regular, bold, index) = NOTO_CJK;
    if let Some(r) = load(regular, index) {
        let b = load(bold, index).unwrap_or_else(|| r.clone());
        tracing::info!(font = regular, "report font loaded");
        return Ok(Fonts {
            regular: r,
            bold: b,
        });
    }
    if let Some(f) = fieldsync_i18n::fonts::system_cjk()
        && let Some(r) = Font::new(f.data.into(), f.index)
    {
        tracing::info!(family = f.family, "report font loaded (system)");
        return Ok(Fonts {
            bold: r.clone(),
            regular: r,
        });
    }
    let r = Font::new(fieldsync_i18n::fonts::BUNDLED_CJK.to_vec().into(), 0)
        .ok_or("the bundled CJK font does not load")?;
    tracing::info!("report font: the bundled Noto Sans SC cut");
    Ok(Fonts {
        bold: r.clone(),
        regular: r,
    })
}

/// The process-wide report fonts, or why there are none.
pub fn fonts() -> Result<&'static Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS.get_or_init(discover).as_ref().map_err(Clone::clone)
}
