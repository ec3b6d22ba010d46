//! One engineer the server suggests for a work order, and why in the language in use: the
//! app words the server's fields (skills matched, knows the site, open work, clashes) instead
//! of showing the server's English reasons.

use fieldsync_i18n::t;
use serde::Deserialize;

/// One ranked engineer of `GET /v1/work-orders/{id}/suggestions`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Suggestion {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    #[serde(default)]
    pub score: f64,
    #[serde(default)]
    pub schedule_conflicts: usize,
    #[serde(default)]
    pub matched_skills: Vec<String>,
    #[serde(default)]
    pub same_site: bool,
    #[serde(default)]
    pub same_customer: bool,
    #[serde(default)]
    pub open_work: usize,
}

impl Suggestion {
    /// Why the server ranks this engineer here, in the language in use (the server's own
    /// `reasons` are English): skills, knowing the site or customer, open work, and — for a
    /// work order with a window — whether they are free then.
    pub fn why(&self, has_window: bool) -> String {
        let lang = fieldsync_i18n::current();
        let mut parts = Vec::new();
        if !self.matched_skills.is_empty() {
            let skills: Vec<String> = self
                .matched_skills
                .iter()
                .map(|s| fieldsync_i18n::words::skill(lang, s))
                .collect();
            parts.push(t!(
                "board-why-skills",
                skills = skills.join(&t!("board-why-sep"))
            ));
        }
        if self.same_site {
            parts.push(t!("board-why-site"));
        } else if self.same_customer {
            parts.push(t!("board-why-customer"));
        }
        parts.push(t!("board-why-open", count = self.open_work));
        if has_window {
            parts.push(match self.schedule_conflicts {
                0 => t!("board-why-free"),
                n => t!("board-why-clashes", count = n),
            });
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggestion_says_why_in_the_language_in_use() {
        use fieldsync_i18n::{Lang, ThreadLang};
        let s = Suggestion {
            matched_skills: vec!["hardware".into(), "ups".into()],
            same_customer: true,
            open_work: 4,
            schedule_conflicts: 1,
            ..Default::default()
        };
        let _zh = ThreadLang::set(Lang::ZhCn);
        assert_eq!(
            s.why(true),
            "技能：硬件、UPS 电源 · 服务过该客户 · 未完成 4 张 · 计划时段有 1 项冲突"
        );
        assert_eq!(
            s.why(false),
            "技能：硬件、UPS 电源 · 服务过该客户 · 未完成 4 张"
        );
        let _en = ThreadLang::set(Lang::En);
        assert_eq!(
            s.why(true),
            "skills: Hardware, UPS · serves this customer · 4 open work orders · \
             1 clash in the scheduled window"
        );
    }
}
