//! The Fluent bundles, one per language, built once from the embedded `locales/` files; a
//! message missing in a language falls back to English and then to its id, so a gap shows
//! up as a visible id, never as a panic. [`check_all`] is what the tests hold the files to.

use crate::lang::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

mod files {
    include!(concat!(env!("OUT_DIR"), "/locales.rs"));
}

fn files(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::En => files::EN,
        Lang::ZhCn => files::ZH_CN,
    }
}

/// A value put into a message: text, or a number (which also picks the plural form).
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(v.clone())
    }
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn from(v: $t) -> Self {
                Arg::Number(v as f64)
            }
        }
    )*};
}
number_arg!(i32, i64, u32, u64, usize, f32, f64);

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
    let all = BUNDLES.get_or_init(|| [build(Lang::En), build(Lang::ZhCn)]);
    match lang {
        Lang::En => &all[0],
        Lang::ZhCn => &all[1],
    }
}

fn build(lang: Lang) -> Bundle {
    let id = lang.code().parse().expect("language codes are valid tags");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around arguments render as boxes in egui and in PDFs.
    bundle.set_use_isolating(false);
    for (name, source) in files(lang) {
        let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(r, e)| {
            tracing::error!(file = name, lang = lang.code(), errors = ?e, "translation file has errors");
            r
        });
        if let Err(e) = bundle.add_resource(resource) {
            tracing::error!(file = name, lang = lang.code(), errors = ?e, "translation clashes");
        }
    }
    bundle
}

impl Lang {
    /// The message `id` in this language.
    pub fn tr(self, id: &str) -> String {
        self.tr_args(id, &[])
    }

    /// The message `id` with its arguments filled in.
    pub fn tr_args(self, id: &str, args: &[(&str, Arg)]) -> String {
        let found = [self, Lang::En].into_iter().find_map(|lang| {
            let b = bundle(lang);
            b.get_message(id)?.value().map(|p| (b, p))
        });
        let Some((bundle, pattern)) = found else {
            tracing::warn!(id, "no such message");
            return id.to_owned();
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            let v = match value {
                Arg::Text(s) => FluentValue::from(s.as_str()),
                Arg::Number(n) => FluentValue::from(*n),
            };
            fluent_args.set(*name, v);
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "message formatted with errors");
        }
        text.into_owned()
    }

    /// The message `id`, or `None` where neither this language nor English has it (words
    /// for an open set of codes, where an unknown code shows as itself).
    pub fn tr_opt(self, id: &str) -> Option<String> {
        (self.has(id) || Lang::En.has(id)).then(|| self.tr(id))
    }

    /// Whether this language has message `id` (not through the English fallback).
    pub fn has(self, id: &str) -> bool {
        bundle(self).has_message(id)
    }
}

/// Every message id of a language.
pub fn message_ids(lang: Lang) -> BTreeSet<String> {
    parsed(lang).into_keys().map(|(_, id)| id).collect()
}

/// For each (file, message id): the variables it uses.
fn parsed(lang: Lang) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (file, source) in files(lang) {
        let resource = fluent_syntax::parser::parse(*source).unwrap_or_else(|(r, _)| r);
        for entry in resource.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                out.insert(((*file).to_owned(), m.id.name.to_owned()), vars);
            }
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, out),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                pattern_vars(&v.value, out);
            }
        }
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
        }
        _ => {}
    }
}

/// What is wrong with the translation files, one line each: a file that does not parse, a
/// message id defined twice, a message or file present in one language only, or a
/// translation that drops or invents a variable. Empty when all is well.
pub fn check_all() -> Vec<String> {
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        let mut seen = BTreeMap::new();
        for (file, source) in files(lang) {
            if let Err((_, errors)) = fluent_syntax::parser::parse(*source) {
                for e in errors {
                    problems.push(format!("{}/{file}.ftl: {e:?}", lang.code()));
                }
            }
            let resource = fluent_syntax::parser::parse(*source).unwrap_or_else(|(r, _)| r);
            for entry in resource.body {
                if let ast::Entry::Message(m) = entry {
                    if let Some(other) = seen.insert(m.id.name.to_owned(), *file) {
                        problems.push(format!(
                            "{}: {} is defined in {other}.ftl and again in {file}.ftl",
                            lang.code(),
                            m.id.name
                        ));
                    }
                    if m.value.is_none() {
                        problems.push(format!("{}: {} has no text", lang.code(), m.id.name));
                    }
                }
            }
        }
    }
    let en = parsed(Lang::En);
    for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
        let other = parsed(lang);
        for ((file, id), vars) in &en {
            match other.get(&(file.clone(), id.clone())) {
                None => problems.push(format!("{}/{file}.ftl lacks {id}", lang.code())),
                Some(v) if v != vars => problems.push(format!(
                    "{}/{file}.ftl: {id} uses {v:?}, English uses {vars:?}",
                    lang.code()
                )),
                Some(_) => {}
            }
        }
        for (file, id) in other.keys() {
            if !en.contains_key(&(file.clone(), id.clone())) {
                problems.push(format!(
                    "en/{file}.ftl lacks {id} (found in {})",
                    lang.code()
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_files_are_complete_and_consistent() {
        let problems = check_all();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn messages_in_both_languages_with_plurals() {
        assert_eq!(Lang::En.tr("lang-name"), "English");
        assert_eq!(Lang::ZhCn.tr("lang-name"), "简体中文");
        assert_eq!(
            Lang::En.tr_args("common-items", &[("count", Arg::from(1))]),
            "1 item"
        );
        assert_eq!(
            Lang::En.tr_args("common-items", &[("count", Arg::from(3))]),
            "3 items"
        );
        assert_eq!(
            Lang::ZhCn.tr_args("common-items", &[("count", Arg::from(3))]),
            "3 项"
        );
        // No isolation marks around arguments (they show as boxes).
        assert!(
            !Lang::En
                .tr_args("common-items", &[("count", Arg::from(2))])
                .contains('\u{2068}')
        );
    }

    #[test]
    fn a_missing_message_shows_its_id() {
        assert_eq!(Lang::ZhCn.tr("no-such-message"), "no-such-message");
    }
}
