//! The domain's closed sets in words: statuses, status actions, roles. Their ids are built
//! from the stable codes (`status-on_site`), so a new variant without words fails the test
//! below, not a user.

use crate::lang::Lang;
use fieldsync::Role;
use fieldsync::model::Refusal;
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

/// Why an edit was refused, in words that say what to do (`refusal-<code>`).
pub fn refusal(lang: Lang, r: &Refusal) -> String {
    let id = format!("refusal-{}", r.code());
    let text = |s: &str| crate::Arg::from(s.to_owned());
    let args: Vec<(&str, crate::Arg)> = match r {
        Refusal::UnknownWorkKind { kind } | Refusal::NotFeedback { kind } => {
            vec![("kind", text(kind))]
        }
        Refusal::IllegalTransition { action, status: st } => vec![
            ("action", text(&event(lang, *action))),
            ("status", text(&status(lang, *st))),
        ],
        Refusal::RequiredItemsEmpty { items } => {
            let sep = if lang == Lang::ZhCn { "、" } else { ", " };
            vec![("items", text(&items.join(sep)))]
        }
        Refusal::NotPassFail { result } => vec![("result", text(result))],
        Refusal::UnknownCategory { category } => vec![("category", text(category))],
        Refusal::UnknownDeviceField { field } => vec![("field", text(field))],
        Refusal::DeviceNotLinked { device } => vec![("device", text(device))],
        Refusal::TextRequired { what } | Refusal::TextTooLong { what } => {
            let words = lang.tr(&format!("refusal-text-{}", what.as_str()));
            vec![("what", text(&words))]
        }
        Refusal::NoSuchComplaint { id } => vec![("id", text(id))],
        Refusal::UnknownChangeClass { class } => vec![("class", text(class))],
        Refusal::HoldNeedsReason
        | Refusal::ReadingNotANumber
        | Refusal::PartIncomplete
        | Refusal::TimeEntryBackwards
        | Refusal::PhotoNotADigest
        | Refusal::SignerNameRequired
        | Refusal::ImpactUrgencyRange
        | Refusal::WindowBackwards
        | Refusal::DownInTheFuture
        | Refusal::RestoredBeforeDown
        | Refusal::RestoredInTheFuture
        | Refusal::ComplaintReceivedMissing
        | Refusal::ComplaintReceivedAfterRecorded
        | Refusal::ComplaintReceivedBeforeOpened
        | Refusal::ComplaintDueBeforeReceived
        | Refusal::ComplaintDueMissing
        | Refusal::ComplaintNotNamed
        | Refusal::ComplaintOutcome
        | Refusal::ScoreRange
        | Refusal::OnlyFinishedWorkScored
        | Refusal::OwnWork
        | Refusal::ChangeNotApproved
        | Refusal::ChangeRejected
        | Refusal::ChangeRejectionNeedsReason
        | Refusal::ChangeReasonTooLong
        | Refusal::ChangePreApproved
        | Refusal::ChangeNeedsClass
        | Refusal::ClassOnlyForChanges
        | Refusal::NotAChange => Vec::new(),
    };
    lang.tr_args(&id, &args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldsync::model::FeedbackText;

    #[test]
    fn every_refusal_has_words_in_every_language_with_its_details() {
        for lang in Lang::ALL {
            for r in Refusal::samples() {
                let key = format!("refusal-{}", r.code());
                assert!(lang.has(&key), "{key} missing in {lang:?}");
                let words = refusal(lang, &r);
                assert!(
                    !words.contains('{'),
                    "{key} in {lang:?} left a placeholder: {words}"
                );
                // The details a person needs to act are in the words.
                match &r {
                    Refusal::RequiredItemsEmpty { items } => {
                        assert!(items.iter().all(|i| words.contains(i.as_str())), "{words}");
                    }
                    Refusal::DeviceNotLinked { device } => {
                        assert!(words.contains(device.as_str()), "{words}")
                    }
                    _ => {}
                }
            }
            for what in [FeedbackText::ComplaintReason, FeedbackText::ReportedBack] {
                assert!(lang.has(&format!("refusal-text-{}", what.as_str())));
            }
        }
        let zh = refusal(
            Lang::ZhCn,
            &Refusal::IllegalTransition {
                action: EventKind::Completed,
                status: Status::Assigned,
            },
        );
        assert!(zh.contains("已派单") && zh.contains("完成"), "{zh}");
    }

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
