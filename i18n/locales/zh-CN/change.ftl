# 变更管理：变更类别（标准、紧急、重大）与主管审批（fieldsync::model::change）。
refusal-change_not_approved = 该变更在主管审批前不能开始实施。可以先接单和出发，待审批通过后再开始。
refusal-change_rejected = 主管已驳回该变更，不能再实施。请联系调度员。
refusal-change_rejection_needs_reason = 驳回变更需要填写理由。
refusal-change_reason_too_long = 理由过长（最多 2000 字）。
refusal-change_pre_approved = 标准变更已预先批准，无需审批。
refusal-change_needs_class = 请选择变更类别：标准、紧急或重大。
refusal-unknown_change_class = “{ $class }”不是本版本认识的变更类别。
refusal-class_only_for_changes = 只有变更工单才有变更类别。
refusal-not_a_change = 该工单不是变更。

change-class-standard = 标准变更
change-class-emergency = 紧急变更
change-class-major = 重大变更
change-class-unknown = 变更类别“{ $class }”
change-class-none = 变更（未分类：按重大变更处理）
change-state-pre-approved = 已预先批准
change-state-pending = 待审批，批准后方可实施
change-state-awaiting-retrospective = 待事后补批
change-state-approved = 已批准
change-state-rejected = 已驳回
change-state-unknown = 审批结果“{ $decision }”（本版本不认识：按未批准处理）
change-decided = { $who } { $decision }，{ $when }
change-decided-reason = 理由：{ $reason }

call-kind = 类型
call-kind-incident = 事件（故障报修）
call-kind-change = 变更（计划内修改）
call-change-class = 变更类别
call-change-class-hint-standard = 已预先批准：按既定流程的例行工作。
call-change-class-hint-emergency = 可立即实施，事后由主管补批。
call-change-class-hint-major = 须经主管批准后方可实施。

screen-changes = 变更审批
changes-title = 待审批的变更
changes-count = { $count } 项变更
changes-empty = 没有待审批的变更。
changes-intro = 紧急变更在前（可能已在实施），其余按开单时间排列。
changes-col-class = 类别与状态
changes-col-work-order = 工单
changes-col-decision = 审批
changes-reason-hint = 理由（驳回时必填）
changes-approve = 批准
changes-reject = 驳回
changes-approved = 已批准该变更，工程师下次同步时可见。
changes-rejected = 已驳回该变更，工程师下次同步时可见。
changes-recent = 最近审批
changes-offline-note = 审批结果保存在本机，下次同步时发送。

eng-wo-change = 变更
call-save-change = 保存变更
call-change-no-sla = 变更不计 SLA 时限：在计划窗口内实施。
