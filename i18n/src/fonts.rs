//! A font that shows Chinese on any machine: the system's own CJK font, found by the script
//! it covers (not by a list of paths), and a GB 2312 cut of Noto Sans SC shipped with
//! fieldsync as the last fallback.

use std::path::PathBuf;

/// Noto Sans CJK SC Regular cut to GB 2312 and the usual symbols (see `fonts/README.md`).
pub const BUNDLED_CJK: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular-GB2312.otf");

/// Families that are Simplified Chinese designs, best first: among several CJK fonts these
/// draw 中文 with mainland glyph shapes (a Japanese face draws some characters differently).
const PREFERRED: [&str; 11] = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "Microsoft YaHei UI",
    "PingFang SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Droid Sans Fallback",
];

/// Characters a face must draw to count as covering Simplified Chinese.
const PROBE: &str = "中文工单巡检设备报告确认";

/// A system font face.
#[derive(Clone, Debug)]
pub struct SystemFont {
    pub data: Vec<u8>,
    /// The face within a collection (`.ttc`).
    pub index: u32,
    pub family: String,
    pub path: Option<PathBuf>,
}

/// Whether the face in `data` draws every character of the probe.
pub fn covers_chinese(data: &[u8], index: u32) -> bool {
    ttf_parser::Face::parse(data, index)
        .is_ok_and(|face| PROBE.chars().all(|c| face.glyph_index(c).is_some()))
}

/// The system's best font for Simplified Chinese: a preferred family if installed, else any
/// face that covers Chinese. `None` on a machine without one (then use [`BUNDLED_CJK`]).
pub fn system_cjk() -> Option<SystemFont> {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    let regular = |f: &&fontdb::FaceInfo| {
        f.weight == fontdb::Weight::NORMAL && f.style == fontdb::Style::Normal
    };
    let by_family = PREFERRED.iter().find_map(|want| {
        db.faces()
            .filter(regular)
            .find(|f| f.families.iter().any(|(name, _)| name == want))
    });
    let candidates = by_family
        .into_iter()
        .chain(db.faces().filter(regular))
        .chain(db.faces());
    for face in candidates {
        let found = db.with_face_data(face.id, |data, index| {
            covers_chinese(data, index).then(|| (data.to_vec(), index))
        });
        if let Some(Some((data, index))) = found {
            let path = match &face.source {
                fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some(p.clone()),
                fontdb::Source::Binary(_) => None,
            };
            return Some(SystemFont {
                data,
                index,
                family: face
                    .families
                    .first()
                    .map(|f| f.0.clone())
                    .unwrap_or_default(),
                path,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_covers_chinese_and_the_app_symbols() {
        assert!(covers_chinese(BUNDLED_CJK, 0));
        let face = ttf_parser::Face::parse(BUNDLED_CJK, 0).unwrap();
        // Words of the demo, the GB 2312 range, and the symbols the screens draw.
        for c in "写字楼打印机巡检每周三服务报告签字确认故障率鑫龘"
            .chars()
            .chain("✓●×…·—".chars())
        {
            if c == '龘' {
                // Outside GB 2312: a system font must supply it.
                assert!(face.glyph_index(c).is_none());
                continue;
            }
            assert!(face.glyph_index(c).is_some(), "{c} missing");
        }
    }
}
