//! The two languages, how a locale tag names one, and the one in use by the app.

use std::sync::atomic::{AtomicU8, Ordering};

/// A language fieldsync is written in. A closed set: adding one means a complete set of
/// `locales/<code>/` files, which the tests check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    /// 简体中文, as written in mainland China.
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag: `en`, `zh-CN` (also the folder under `locales/`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's name in itself, for a language menu read by someone who may not read
    /// the other one.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    /// The language a locale tag asks for: `zh`, `zh-CN`, `zh_CN.UTF-8`, `zh-Hans-CN`, `zh-SG`
    /// → 简体中文; `zh-TW`/`zh-HK`/`zh-Hant` are not Simplified, and they and everything else
    /// → English. `None` for an empty tag.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim();
        if tag.is_empty() {
            return None;
        }
        // POSIX form: language_TERRITORY.codeset@modifier.
        let tag = tag
            .split(['.', '@'])
            .next()
            .unwrap_or(tag)
            .replace('_', "-");
        let parts: Vec<String> = tag.split('-').map(|p| p.to_ascii_lowercase()).collect();
        if parts.first().map(String::as_str) != Some("zh") {
            return Some(Lang::En);
        }
        let traditional = parts
            .iter()
            .skip(1)
            .any(|p| matches!(p.as_str(), "hant" | "tw" | "hk" | "mo"));
        let simplified = parts.iter().skip(1).any(|p| p == "hans");
        Some(if traditional && !simplified {
            Lang::En
        } else {
            Lang::ZhCn
        })
    }

    /// The language of a stored code ([`Lang::code`]), as saved in settings.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language the operating system's user asked for (`LANG`/`LC_ALL` on Linux, the
    /// user's UI languages on Windows and macOS); English when it names neither.
    pub fn from_os() -> Lang {
        // LC_ALL and LANG first: a user who starts the app with `LANG=zh_CN.UTF-8` means it.
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            let value = std::env::var(var).unwrap_or_default();
            if matches!(value.as_str(), "" | "C" | "POSIX" | "C.UTF-8" | "C.utf8") {
                continue;
            }
            if let Some(lang) = Lang::from_tag(&value) {
                return lang;
            }
        }
        sys_locale::get_locales()
            .find_map(|t| Lang::from_tag(&t))
            .unwrap_or_default()
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

thread_local! {
    /// A language for this thread only ([`ThreadLang`]): tests draw screens in both
    /// languages side by side in one process.
    static THREAD: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

/// The language the app shows now.
pub fn current() -> Lang {
    if let Some(l) = THREAD.with(std::cell::Cell::get) {
        return l;
    }
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::ZhCn,
        _ => Lang::En,
    }
}

/// Switch the app's language, on every thread (or only on this one while it has its own,
/// see [`ThreadLang`]); the next frame is drawn in it.
pub fn set_current(lang: Lang) {
    if THREAD.with(|t| t.get().is_some()) {
        THREAD.with(|t| t.set(Some(lang)));
        return;
    }
    CURRENT.store(
        match lang {
            Lang::En => 0,
            Lang::ZhCn => 1,
        },
        Ordering::Relaxed,
    );
}

/// This thread speaks `lang` until the guard drops (tests).
#[must_use = "the language reverts when the guard drops"]
pub struct ThreadLang(Option<Lang>);

impl ThreadLang {
    pub fn set(lang: Lang) -> ThreadLang {
        ThreadLang(THREAD.with(|t| t.replace(Some(lang))))
    }
}

impl Drop for ThreadLang {
    fn drop(&mut self) {
        THREAD.with(|t| t.set(self.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags() {
        for zh in [
            "zh",
            "zh-CN",
            "zh_CN.UTF-8",
            "zh-Hans-CN",
            "zh_SG",
            "ZH-cn",
            "zh-Hans-HK",
        ] {
            assert_eq!(Lang::from_tag(zh), Some(Lang::ZhCn), "{zh}");
        }
        for en in [
            "en",
            "en_US.UTF-8",
            "de-DE",
            "zh-TW",
            "zh_HK.UTF-8",
            "zh-Hant",
            "C",
        ] {
            assert_eq!(Lang::from_tag(en), Some(Lang::En), "{en}");
        }
        assert_eq!(Lang::from_tag(" "), None);
        {
            let _zh = ThreadLang::set(Lang::ZhCn);
            assert_eq!(current(), Lang::ZhCn);
        }
        assert_eq!(current(), Lang::En);
        for l in Lang::ALL {
            assert_eq!(Lang::from_code(l.code()), Some(l));
        }
    }
}
