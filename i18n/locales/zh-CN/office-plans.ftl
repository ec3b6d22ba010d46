# 巡检计划（field-app/src/screens/plans.rs、plans_model.rs）。
plans-count = { $count } 个巡检计划
plans-new-button = ＋ 新建计划
plans-load-failed = 巡检计划加载失败：{ $error }
plans-loading = 正在加载巡检计划…
plans-empty-dispatcher = 还没有巡检计划。点“＋ 新建计划”设置定期巡检（如每周驻场巡检、每月 UPS 测试），服务器会提前生成对应工单。
plans-empty = 还没有巡检计划。
plans-col-plan = 计划
plans-col-site = 站点
plans-col-recurrence = 周期
plans-col-window = 时间段
plans-col-engineer = 工程师
plans-col-priority = 优先级
plans-col-state = 状态
plans-paused = 已暂停
plans-active = 执行中
plans-edit = 编辑
plans-resume = 恢复
plans-pause = 暂停
plans-edit-heading = 编辑巡检计划
plans-new-heading = 新建巡检计划
plans-edit-note = 修改从保存时起生效，已排的巡检保持不变。
plans-save = 保存计划
plans-cancel = 取消
plans-saving = 保存中…
plans-title = 标题
plans-site = 站点
plans-choose = （请选择）
plans-devices = 设备
plans-devices-all = 站点全部设备
plans-devices-of-type = 按类型
plans-device-type = 设备类型
plans-devices-listed = 已列出 { $count } 台
plans-recurrence = 周期
plans-rrule-hint = iCalendar RRULE，例如 FREQ=WEEKLY;BYDAY=WE 或 FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO（选“自定义 RRULE”后可输入）
plans-starts-on = 开始日期
plans-window-start = 开始时间
plans-window-end = 结束时间
plans-time-zone = 时区
plans-horizon = 提前生成（天）
plans-default-engineer = 默认工程师
plans-no-engineer = （无：由调度员派工）
plans-priority = 优先级
plans-paused-label = 暂停
plans-paused-hint = 暂停期间不生成新的巡检
plans-next-visits = 接下来的巡检
plans-preview-waiting = 计划填写完整后显示预览。
plans-no-visits = 此规则不会产生以后的巡检。
plans-times-in = 时间按 { $zone }
plans-saved = 计划已保存，巡检工单由服务器生成。
plans-not-saved = 未保存：{ $error }
plans-pause-failed = 无法暂停或恢复此计划
plans-rule-empty = 请输入周期规则，例如 FREQ=WEEKLY;BYDAY=WE。
plans-rule-not-key-value = “{ $part }”不是 KEY=VALUE 格式（各部分用 ; 分隔）。
plans-rule-dtstart = 请去掉 DTSTART：计划的第一天在“开始日期”中设置。
plans-rule-unknown-part = 未知的 RRULE 部分 { $key }（可用：{ $known }）。
plans-rule-no-value = { $key } 没有值。
plans-rule-no-freq = 规则需要 FREQ（DAILY、WEEKLY、MONTHLY 或 YEARLY）。
plans-rule-bad-freq = FREQ={ $freq }：巡检只能按 DAILY、WEEKLY、MONTHLY 或 YEARLY 重复。
plans-need-title = 请输入标题，例如“每周机房巡检”。
plans-need-site = 请选择要巡检的站点。
plans-window-order = 结束时间必须晚于开始时间。
plans-bad-zone = “{ $value }”不是时区名称（例如 Asia/Shanghai）。
plans-bad-horizon = 提前生成天数：1 到 366 天。
plans-need-device-type = 请输入要巡检的设备类型（例如 ups）。
plans-template = 检查模板
plans-template-none = （不带检查项）
plans-template-elsewhere = 本机没有的检查模板
plans-repeat-daily = 每天
plans-repeat-weekly = 每周
plans-repeat-monthly = 每月
plans-repeat-working-days = 每个工作日（按站点日历）
plans-repeat-custom = 自定义 RRULE
plans-every = 每
plans-unit-days = { $n ->
   *[other] 天
}
plans-unit-weeks = { $n ->
   *[other] 周
}
plans-unit-months = { $n ->
   *[other] 个月
}
plans-on-weekdays = 星期
plans-on-month = 日期
plans-monthly-by-day = 按日期
plans-monthly-by-weekday = 按星期
plans-month-day = { $day }日
plans-month-last-day = 最后一天
plans-nth-first = 第一个
plans-nth-second = 第二个
plans-nth-third = 第三个
plans-nth-fourth = 第四个
plans-nth-last = 最后一个
plans-working-days-only = 仅工作日（跳过法定节假日）
plans-working-days-note = 工作日按站点日历计算：跳过法定节假日，含调休上班日（周六、周日补班）。
plans-rrule-produced = 此周期保存为的 iCalendar 规则（如需手写，请选择“自定义 RRULE”）。
plans-need-weekday = 请至少勾选一个星期。
plans-bad-interval = “每”后面的数字为 1 到 { $max }。
plans-bad-month-day = 请选择每月的日期（1–31 日或最后一天）。
plans-list-sep = 、
plans-describe-daily = { $n ->
    [1] 每天
   *[other] 每 { $n } 天
}
plans-describe-weekly = { $n ->
    [1] 每周 { $days }
   *[other] 每 { $n } 周的 { $days }
}
plans-describe-monthly-day = { $n ->
    [1] 每月{ $day }日
   *[other] 每 { $n } 个月的{ $day }日
}
plans-describe-monthly-last-day = { $n ->
    [1] 每月最后一天
   *[other] 每 { $n } 个月的最后一天
}
plans-describe-monthly-nth = { $n ->
    [1] 每月{ $nth }{ $weekday }
   *[other] 每 { $n } 个月的{ $nth }{ $weekday }
}
plans-describe-working-days = 每个工作日
plans-describe-working-days-only = { $rule }（仅工作日）
plans-month-day-choice = 每月几日
plans-month-week-choice = 第几个
plans-month-weekday-choice = 星期几
