# 我的工作：工程师的工单列表（field-app/src/screens/my_work.rs）。
eng-mywork-heading = 我的工作
eng-mywork-count = { $count } 个工单
eng-mywork-new-incident = ＋ 新建故障
eng-mywork-empty = 本机上还没有分派给你的工作。请同步获取工单，或新建故障。
eng-mywork-col-when = 时间
eng-mywork-col-work-order = 工单
eng-mywork-col-site = 现场
eng-mywork-col-status = 状态
eng-mywork-col-priority = 优先级
eng-mywork-col-sla = 时限
eng-mywork-col-sync = 同步
eng-mywork-conflict = { $status } ⚠ 冲突
