//! Every symbol the app's source writes has a glyph in the fonts the app installs: a symbol
//! without one renders as a box (the "✔" of every answered check did, on the most used
//! screen). egui_kittest fails a frame that shows a missing glyph; this test draws each
//! non-ASCII character found in `field-app/src` and in the translation files the screens
//! read (`i18n/locales`; CJK text aside: the bundled GB 2312 font covers it) and names the
//! ones that would be boxes with only the fonts fieldsync ships, whatever this machine has.

use egui_kittest::Harness;
use fieldsync_app::fonts;
use std::collections::BTreeSet;
use std::path::Path;

/// Chinese, Japanese and Korean text and punctuation: drawn by the CJK fallback font.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
}

fn symbols_in(dir: &Path, out: &mut BTreeSet<char>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            symbols_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "ftl") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.extend(text.chars().filter(|c| !c.is_ascii() && !is_cjk(*c)));
        }
    }
}

fn renders(c: char) -> bool {
    std::panic::catch_unwind(|| {
        let mut h = Harness::builder()
            .with_size([120.0, 40.0])
            // Only the fonts fieldsync ships: a machine without a Chinese system font (or
            // whose font lacks a symbol) must not show boxes either.
            .with_context_setup(|ctx| ctx.set_fonts(fonts::definitions(None).0))
            .build_ui(move |ui| {
                ui.label(c.to_string());
            });
        h.run();
    })
    .is_ok()
}

#[test]
fn every_symbol_the_screens_use_has_a_glyph() {
    let mut symbols = BTreeSet::new();
    symbols_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut symbols,
    );
    symbols_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../i18n/locales"),
        &mut symbols,
    );
    assert!(symbols.contains(&'→'), "the scan found the app's symbols");
    assert!(
        symbols.contains(&'⚠'),
        "the scan read the translation files"
    );
    let missing: Vec<String> = symbols
        .into_iter()
        .filter(|c| !renders(*c))
        .map(|c| format!("{c} (U+{:04X})", c as u32))
        .collect();
    assert!(missing.is_empty(), "drawn as boxes: {missing:?}");
}
