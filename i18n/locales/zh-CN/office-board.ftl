# 派工看板（field-app/src/screens/dispatch_board.rs、dispatch_model.rs）。
board-due = 截止 { $when }
board-no-sla = 无 SLA
board-sla-on-track = 正常
board-sla-at-risk = 临近超时
board-sla-breached = 已超时
board-sla-met = 已达成
board-legend-no-sla = 无 SLA（巡检）
board-sla-stopped = SLA { $state }
board-sla-overdue = { $clock ->
    [response] 响应
   *[resolution] 解决
}已超时，时限为 { $when }
board-sla-overdue-paused = { $clock ->
    [response] 响应
   *[resolution] 解决
}已超时，时限为 { $when } · 已暂停（挂起中）
board-sla-due-paused = { $clock ->
    [response] 响应
   *[resolution] 解决
}时限 { $when }（剩余 { $left } · 已暂停，挂起中）
board-sla-due-in = { $clock ->
    [response] 响应
   *[resolution] 解决
}时限 { $when }（还有 { $span }）
board-card-clock = { $clock ->
    [response] 响应时限
   *[resolution] 解决时限
}：{ $state } · { $when }
board-engineers-day = 工程师日程
board-previous-day = 前一天
board-today = 今天
board-next-day = 后一天
board-times-in = 时间按 { $zone }
board-unassigned = 待派工（{ $n }）
board-sort-sla-due = SLA 时限
board-sort-priority = 优先级
board-sort = 排序：
board-queue-empty = 没有待派工单：所有未完成工单都已有工程师。
board-loading = 正在加载看板…
board-no-site = 无站点
board-no-engineers = 服务器上没有工程师。
board-loading-engineers = 正在加载工程师…
board-engineer-load = 未完成 { $open } 张 · 级别 { $level }
board-engineer-skills = 技能：{ $skills }
board-not-scheduled = 未排期：
board-close = 关闭
board-no-priority = 无优先级
board-site = 站点：{ $name }
board-customer = 客户：{ $name }
board-scheduled = 排期 { $from }–{ $to }
board-assigned = 已派工程师
board-nobody = 尚未派工。
board-unassign = 取消派工
board-only-dispatchers = 只有调度员和管理员可以修改派工。
board-assign-engineer = 派工程师
board-slot = 时段
board-choose-engineer = 请选择工程师。
board-reschedule-to = 将 { $name } 改期到 { $from }–{ $to }
board-is-assigned = { $name } 已派工
board-assign-slot = 派 { $name } · { $from }–{ $to }
board-assign = 派 { $name }
board-sending = 正在发送到服务器…
board-loading-suggestions = 正在加载推荐…
board-no-suggestions = 无推荐：{ $error }
board-already-assigned = 已派工 · { $why }
board-other-engineers = 其他工程师
board-duration = 时长
board-slot-on = 日期
board-no-slot = 不指定时段：尽快
board-no-free-slot = 当天已没有空闲时段。
board-done-assigned = 已派工，工程师的应用下次同步时收到。
board-done-unassigned = 已取消派工，工程师的应用下次同步时收到。
board-done-assigned-scheduled = 已派工并排期，工程师的应用下次同步时收到。
board-done-rescheduled = 已改期，工程师的应用下次同步时收到。
board-fail-assign = 派工失败
board-fail-unassign = 取消派工失败
board-fail-slot = 已派工，但上门时间未能设定
board-fail-reschedule = 改期失败
board-unexpected-answer = 意外的应答“{ $tag }”
board-dispatch = 调度
board-kind-incident = 故障
board-kind-inspection = 巡检
board-caller = 报修人：{ $caller }
board-why-skills = 技能：{ $skills }
board-why-sep = 、
board-why-site = 熟悉该站点
board-why-customer = 服务过该客户
board-why-open = 未完成 { $count } 张
board-why-free = 计划时段空闲
board-why-clashes = 计划时段有 { $count } 项冲突
board-live-on-site = ● 在现场：{ $work }
board-live-en-route = → 在路上：{ $work }
board-live-on-hold = 挂起中：{ $work }
board-live-idle = 当前没有进行中的工单
