//! The demo's written service summary: the supervisor's technical summary, improvement
//! suggestions and plan evaluation for the office customer — last month's signed off (the
//! scheme wants it in the first week after the month) and this month's draft — so the demo's
//! monthly report shows what the maintenance scheme's 月度维护服务总结报告 holds.

use crate::hub::HubError;
use crate::kpis::Period;
use crate::storage::{Storage, SummaryNotes, UserRecord};
use fieldsync::{Role, TimestampMs};
use fieldsync_i18n::Lang;

/// The customer whose reports carry the notes: the office building of DOMAIN.md.
pub const NOTES_CUSTOMER: &str = "cust-northwind";

/// One month's notes in one language.
struct NotesText {
    technical_summary: &'static str,
    suggestions: &'static str,
    plan_evaluation: &'static str,
}

/// Last month's notes, then this month's draft.
const EN: [NotesText; 2] = [
    NotesText {
        technical_summary: "Patrols of the server room found the core switch's uplink port \
            logging CRC errors; the optical module was replaced on site and the errors stopped. \
            Two printer jams on the 3rd floor were cleared by replacing worn pickup rollers. \
            No outage of the core network this month.",
        suggestions: "Keep one spare optical module and one pickup-roller kit on site.\n\
            Move the weekly patrol to Wednesday mornings, before the finance team's print peak.\n\
            The customer's IT contact should approve firewall rule changes within one working day.",
        plan_evaluation: "All weekly patrols were done in their windows; one was moved by a day \
            for the customer's fire drill, agreed in advance.",
    },
    NotesText {
        technical_summary: "Draft: a firewall rule blocked the attendance system's server until \
            it was corrected; the core switch's port errors have not returned since the module \
            was replaced.",
        suggestions: "Review firewall changes as standard changes with a rollback step.",
        plan_evaluation: "Patrols on plan so far this month.",
    },
];

const ZH: [NotesText; 2] = [
    NotesText {
        technical_summary: "机房巡检发现核心交换机上联端口持续出现 CRC 错误，现场更换光模块后错误消失。\
            三楼打印机两次卡纸，更换磨损的搓纸轮后恢复。本月核心网络无中断。",
        suggestions: "现场常备一个光模块和一套搓纸轮备件。\n\
            每周巡检改在周三上午，避开财务部打印高峰。\n\
            建议客户 IT 联系人在一个工作日内审批防火墙策略变更。",
        plan_evaluation: "每周巡检均在时间窗内完成；一次因客户消防演练顺延一天，已提前与客户确认。",
    },
    NotesText {
        technical_summary: "草稿：一条防火墙策略误拦截考勤系统服务器，修正后恢复；\
            核心交换机更换光模块后端口错误未再出现。",
        suggestions: "防火墙变更按标准变更管理，并写明回退步骤。",
        plan_evaluation: "本月截至目前巡检按计划进行。",
    },
];

/// Write the notes of last month and this month (on the customer's Shanghai calendar) for
/// [`NOTES_CUSTOMER`], by the demo's supervisor; nothing without a supervisor.
pub fn seed_notes(
    db: &dyn Storage,
    users: &[UserRecord],
    now: TimestampMs,
    lang: Lang,
) -> Result<usize, HubError> {
    let Some(author) = users.iter().find(|u| u.role == Role::Supervisor) else {
        return Ok(0);
    };
    let texts = match lang {
        Lang::ZhCn => &ZH,
        _ => &EN,
    };
    let this_month = Period::month_of_in(now, chrono_tz::Asia::Shanghai);
    const DAY_MS: TimestampMs = 24 * 3_600_000;
    // Last month's were written on the 3rd of this month; the draft today.
    let (start, _) = this_month.range_in(chrono_tz::Asia::Shanghai);
    let written = [(start + 2 * DAY_MS).min(now), now];
    for ((period, text), at) in [this_month.previous(), this_month]
        .into_iter()
        .zip(texts)
        .zip(written)
    {
        db.put_summary_notes(&SummaryNotes {
            customer_id: NOTES_CUSTOMER.into(),
            period: period.label(),
            technical_summary: text.technical_summary.into(),
            suggestions: text.suggestions.into(),
            plan_evaluation: text.plan_evaluation.into(),
            updated_by: author.id,
            updated_at_ms: at,
        })?;
    }
    Ok(2)
}
