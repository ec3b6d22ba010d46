# 我的工作：工程师的工单列表（field-app/src/screens/my_work.rs）。
mywork-heading = 我的工作
mywork-count = { $count } 个工单
mywork-new-incident = ＋ 新建故障
mywork-empty = 本机上还没有分派给你的工作。请同步获取工单，或新建故障。
mywork-col-when = 时间
mywork-col-work-order = 工单
mywork-col-site = 现场
mywork-col-status = 状态
mywork-col-priority = 优先级
mywork-col-sla = 时限
mywork-col-sync = 同步
mywork-conflict = { $status } ⚠ 冲突
