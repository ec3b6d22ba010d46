//! Every word a person reads in the app comes from the translation files: this scans the
//! app's source for string literals that look like sentences or labels (outside `t!`, log
//! macros and ids) and fails on any, and checks that every `t!("id")` the app uses exists in
//! both languages.

use std::path::{Path, PathBuf};

/// Files whose literals are not read by people, and why.
const NOT_FOR_PEOPLE: &[(&str, &str)] = &[
    (
        "main.rs",
        "command-line start-up; its messages go to the terminal log",
    ),
    (
        "config.rs",
        "command-line flags (clap help comes from doc comments)",
    ),
    (
        "sample.rs",
        "sample work orders: their text is data, like a customer's own",
    ),
    (
        "demo.rs",
        "starts the in-process demo server; its messages go to the log",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The string literals of `src` (before its `#[cfg(test)]` module) with the text on their
/// line before them.
fn literals(src: &str) -> Vec<(usize, String, String)> {
    let src = src.split("#[cfg(test)]").next().unwrap_or(src);
    let b: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut line_start) = (0, 1, 0);
    while i < b.len() {
        let c = b[i];
        if c == '\n' {
            line += 1;
            line_start = i + 1;
            i += 1;
        } else if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                if b[i] == '\n' {
                    line += 1;
                    line_start = i + 1;
                }
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime.
            if b.get(i + 1) == Some(&'\\') {
                i += 2;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if c == '"' || (c == 'r' && matches!(b.get(i + 1), Some('"' | '#'))) {
            let before: String = b[line_start..i].iter().collect();
            let start_line = line;
            let mut text = String::new();
            if c == 'r' {
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&'"') {
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= b.len() {
                        break;
                    }
                    if b[j] == '"' && (1..=hashes).all(|k| b.get(j + k) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    if b[j] == '\n' {
                        line += 1;
                    }
                    text.push(b[j]);
                    j += 1;
                }
                i = j;
            } else {
                let mut j = i + 1;
                while j < b.len() && b[j] != '"' {
                    if b[j] == '\\' {
                        j += 1;
                    }
                    if b[j] == '\n' {
                        line += 1;
                        line_start = j + 1;
                    }
                    text.push(b[j]);
                    j += 1;
                }
                i = j + 1;
            }
            out.push((start_line, before, text));
        } else {
            i += 1;
        }
    }
    out
}

/// Calls whose literal is not read by people: translation ids, widget ids, logs, developer
/// messages.
const NOT_WORDS_AFTER: &[&str] = &[
    "t!(",
    "tl!(",
    "Id::new(",
    "Grid::new(",
    "id_salt(",
    "tracing::",
    "debug!(",
    "info!(",
    "warn!(",
    "error!(",
    "expect(",
    "panic!(",
    "unreachable!(",
    "#[",
    "Panel::",
    "Window::new(",
    "debug_struct(",
    "field(",
];

/// Whether `before` calls `name` (a whole name: `t!(` is not the end of `format!(`).
fn calls(before: &str, name: &str) -> bool {
    before.match_indices(name).any(|(i, _)| {
        !before[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Whether a literal reads as words: any Chinese, or Latin letters with a space between words
/// or a capital first letter ("Sync now", "Server"); ids, keys, paths and format strings
/// without words ("sign_in", "{} · {}") do not.
fn for_people(text: &str) -> bool {
    let mut plain = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    if plain
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    {
        return true;
    }
    let words: Vec<&str> = plain
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .collect();
    // Constants and machine syntax such as iCalendar rules (`FREQ=WEEKLY;BYDAY=WE`).
    let constant = plain
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "_=;,:-+".contains(c));
    if words.is_empty() || constant || plain.contains("://") {
        return false;
    }
    let first_cap = plain
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase());
    let spaced = plain.trim().contains(' ') && words.len() >= 2;
    first_cap || spaced
}

fn app_sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn no_words_for_people_outside_the_translation_files() {
    let mut found = Vec::new();
    for (name, src) in app_sources() {
        if NOT_FOR_PEOPLE.iter().any(|(f, _)| *f == name) {
            continue;
        }
        for (line, before, text) in literals(&src) {
            if NOT_WORDS_AFTER.iter().any(|p| calls(&before, p)) || !for_people(&text) {
                continue;
            }
            found.push(format!("{name}:{line}: {text:?}"));
        }
    }
    assert!(
        found.is_empty(),
        "{} literal(s) for people outside the translation files (use t!):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn every_message_the_app_uses_exists_in_both_languages() {
    let mut missing = Vec::new();
    for (name, src) in app_sources() {
        for (i, _) in src.match_indices("t!(") {
            if src[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            let rest = src[i + 3..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                continue;
            };
            let id = &rest[..rest.find('"').unwrap()];
            for lang in fieldsync_i18n::Lang::ALL {
                if !lang.has(id) {
                    missing.push(format!("{name}: {id} in {}", lang.code()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "messages missing:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_scanner_sees_words_and_skips_ids() {
    assert!(for_people("Sync now"));
    assert!(for_people("Server"));
    assert!(for_people("{n} document(s) waiting"));
    assert!(for_people("同步"));
    assert!(!for_people("sign_in"));
    assert!(!for_people("{} · {}"));
    assert!(!for_people("https://fieldsync.example.com"));
    assert!(!for_people("image/png"));
    assert!(!for_people("HOSTNAME"));
    assert!(!for_people("FREQ=MONTHLY;BYDAY=1MO,-1FR"));
    assert!(!for_people("RRULE:"));
    let lits = literals("ui.label(\"Hello there\"); // \"not this\"\nlet c = '\"'; t!(\"x-y\");");
    let texts: Vec<_> = lits.iter().map(|l| l.2.as_str()).collect();
    assert_eq!(texts, ["Hello there", "x-y"]);
    assert!(calls("ui.label(t!(", "t!("));
    assert!(!calls("ui.label(format!(", "t!("));
}
