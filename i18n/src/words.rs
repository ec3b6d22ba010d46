//! The domain's closed sets in words: statuses, status actions, roles. Their ids are built
//! from the stable codes (`status-on_site`), so a new variant without words fails the test
//! below, not a user.

use crate::lang::Lang;
use fieldsync::Role;
use fieldsync::status::{EventKind, Status};

/// "On site" / "已到场".
pub fn status(lang: Lang, s: Status) -> String {
    lang.tr(&format!("status-{}", s.as_str()))
}

/// "Sent back" / "退回": an event in a work order's log.
pub fn event(lang: Lang, k: EventKind) -> String {
    lang.tr(&format!("event-{}", k.as_str()))
}

/// "Engineer" / "工程师".
pub fn role(lang: Lang, r: Role) -> String {
    lang.tr(&format!("role-{}", r.as_str()))
}

/// "Hardware" / "硬件": a fault category (`fieldsync::model::work_order::CATEGORIES`); a
/// category this version does not know shows as written.
pub fn category(lang: Lang, code: &str) -> String {
    lang.tr_opt(&format!("category-{code}"))
        .unwrap_or_else(|| code.to_owned())
}

/// "Switch" / "交换机": a device type as the asset ledger stores it (`switch`, `access_point`);
/// a type this version does not know shows as written.
pub fn device_type(lang: Lang, code: &str) -> String {
    lang.tr_opt(&format!("device-type-{}", code.replace('_', "-")))
        .unwrap_or_else(|| code.to_owned())
}

/// An engineer's skill: a fault category or a device type, in words.
pub fn skill(lang: Lang, code: &str) -> String {
    lang.tr_opt(&format!("category-{code}"))
        .unwrap_or_else(|| device_type(lang, code))
}

/// The outcome recorded on completion ("fixed"), in words where it is a known code.
pub fn outcome(lang: Lang, code: &str) -> String {
    lang.tr_opt(&format!("outcome-{code}"))
        .unwrap_or_else(|| code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_device_type_has_words_in_every_language() {
        for lang in Lang::ALL {
            for code in fieldsync::model::device::DEVICE_TYPES {
                let key = format!("device-type-{}", code.replace('_', "-"));
                assert!(lang.has(&key), "{key} missing in {lang:?}");
            }
        }
    }

    #[test]
    fn every_variant_has_words_in_every_language() {
        for lang in Lang::ALL {
            for s in Status::ALL {
                assert!(
                    lang.has(&format!("status-{}", s.as_str())),
                    "{s:?} {lang:?}"
                );
            }
            for k in EventKind::ALL {
                assert!(lang.has(&format!("event-{}", k.as_str())), "{k:?} {lang:?}");
            }
            for r in [
                Role::Engineer,
                Role::Dispatcher,
                Role::Supervisor,
                Role::Admin,
            ] {
                assert!(lang.has(&format!("role-{}", r.as_str())), "{r:?} {lang:?}");
            }
        }
        for lang in Lang::ALL {
            for c in fieldsync::model::work_order::CATEGORIES {
                assert!(lang.has(&format!("category-{c}")), "{c} {lang:?}");
            }
        }
        assert_eq!(category(Lang::ZhCn, "hardware"), "硬件");
        assert_eq!(category(Lang::ZhCn, "quantum"), "quantum");
        assert_eq!(status(Lang::ZhCn, Status::OnSite), "已到场");
        assert_eq!(event(Lang::En, EventKind::Rejected), "Sent back");
    }
}
