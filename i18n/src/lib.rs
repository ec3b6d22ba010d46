//! fieldsync's words in English and 简体中文. Every sentence a person reads comes from the
//! Fluent files under `locales/` (one per screen group, the same names in each language),
//! and dates, times and durations are written the way each language writes them
//! ([`time`]). The app keeps one language in use ([`current`]); customer documents pass the
//! customer's language explicitly ([`Lang::tr`]).

mod bundle;
pub mod fonts;
mod lang;
pub mod time;
pub mod words;

pub use bundle::{Arg, check_all, message_ids};
pub use lang::{Lang, ThreadLang, current, set_current};

/// A translated message in the language in use: `t!("sync-now")`, or with arguments
/// `t!("wo-photos", count = n, who = name)`.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        $crate::current().tr($id)
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::current().tr_args($id, &[$((stringify!($name), $crate::Arg::from($value))),+])
    };
}

/// The same in a given language (customer documents): `tl!(lang, "report-title")`.
#[macro_export]
macro_rules! tl {
    ($lang:expr, $id:literal) => {
        $lang.tr($id)
    };
    ($lang:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $lang.tr_args($id, &[$((stringify!($name), $crate::Arg::from($value))),+])
    };
}
