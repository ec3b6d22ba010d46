//! The demo's problem record: the clinic's UPS raised a battery fault last month and alarms
//! again now — two incidents on one device, linked to one problem whose known error and
//! workaround are published to the knowledge base (so the engineer sent to the open alarm
//! sees the workaround on it, offline).

use crate::hub::{Hub, HubError};
use crate::problems::publish;
use crate::storage::{ProblemRecord, UserRecord, WorkOrderFilter, problems_of};
use fieldsync::problem::ProblemStatus;
use fieldsync::{DocId, Role, TimestampMs};
use fieldsync_i18n::Lang;

/// The problem's words in one language.
struct ProblemText {
    title: &'static str,
    description: &'static str,
    root_cause: &'static str,
    known_error: &'static str,
    workaround: &'static str,
}

const EN: ProblemText = ProblemText {
    title: "Clinic UPS alarms recur: battery pack ageing",
    description: "The clinic's UPS reported a battery fault last month and alarms again; \
                  both calls came from the server cupboard.",
    root_cause: "The battery pack is past its four-year service life; its capacity drops \
                 under load and the UPS raises a battery alarm.",
    known_error: "UPS battery alarm (replace battery) on the APC Smart-UPS 3000 at the clinic \
                  while mains power is present.",
    workaround: "Run the UPS self-test from the front panel; if it passes, silence the alarm \
                 and keep the load under 60 %. If it fails, put the UPS on bypass and call \
                 the office for a battery pack (change request for the replacement).",
};

const ZH: ProblemText = ProblemText {
    title: "诊所 UPS 反复告警：电池组老化",
    description: "诊所 UPS 上月报电池故障，本月再次告警；两次报修均来自弱电间。",
    root_cause: "电池组已超过四年使用寿命，带载时容量下降，UPS 发出电池告警。",
    known_error: "诊所 APC Smart-UPS 3000 在市电正常时报“更换电池”告警。",
    workaround: "在前面板运行 UPS 自检；自检通过则消除告警，负载保持在 60% 以下。\
                 自检失败则将 UPS 切换到旁路，并联系办公室申请更换电池组（提交变更请求）。",
};

/// Link the incidents at `site` on `device` into one published problem, written by the
/// supervisor. Nothing is written when fewer than two such incidents exist.
pub fn seed_problem(
    hub: &Hub,
    users: &[UserRecord],
    site: DocId,
    device: &str,
    now: TimestampMs,
    lang: Lang,
) -> Result<bool, HubError> {
    let text = match lang {
        Lang::ZhCn => &ZH,
        _ => &EN,
    };
    let Some(author) = users.iter().find(|u| u.role == Role::Supervisor) else {
        return Ok(false);
    };
    let s = hub.db().blocking();
    let rows = s.list_work_orders(&WorkOrderFilter {
        site: Some(site.to_string()),
        ..Default::default()
    })?;
    let mut incidents: Vec<_> = rows
        .iter()
        .filter(|r| r.kind == "incident" && r.device_ids.iter().any(|d| d == device))
        .collect();
    if incidents.len() < 2 {
        return Ok(false);
    }
    incidents.sort_by_key(|r| r.created_at_ms);
    let mut p = ProblemRecord {
        id: DocId::new().to_string(),
        status: ProblemStatus::KnownError,
        title: text.title.into(),
        description: text.description.into(),
        root_cause: text.root_cause.into(),
        known_error: text.known_error.into(),
        workaround: text.workaround.into(),
        category: Some("hardware".into()),
        device_type: Some("ups".into()),
        incidents: incidents.iter().map(|r| r.doc_id.clone()).collect(),
        article_id: None,
        published_at_ms: Some(now),
        revision: 1,
        created_by: author.id,
        created_at_ms: now,
        updated_by: author.id,
        updated_at_ms: now,
    };
    p.article_id = Some(publish::publish(hub, &p, now)?.to_string());
    problems_of(s)?.insert_problem(&p)?;
    Ok(true)
}
