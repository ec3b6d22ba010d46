# 本机计算的时限倒计时（field-app/src/sla_clocks.rs）。
eng-sla-from = 依据：{ $source }。
eng-sla-source-contract = 由本机根据工单事件和合同“{ $contract }”计算
eng-sla-source-due-times = 服务器写入工单的到期时间（本机尚无客户合同，挂起时间未扣除）
eng-sla-on-site-in-time = 按时到场
eng-sla-resolved-in-time-clock = 按时解决
eng-sla-on-site-late = 到场超时 { $span }
eng-sla-resolved-late-clock = 解决超时 { $span }
eng-sla-response-overdue-by = 响应已超时 { $span }
eng-sla-resolution-overdue-by = 解决已超时 { $span }
eng-sla-response-paused = 响应时限暂停（挂起）：剩余 { $left }
eng-sla-resolution-paused = 解决时限暂停（挂起）：剩余 { $left }
eng-sla-response-left = 响应：剩余 { $left }（{ $due } 到期）
eng-sla-resolution-left = 解决：剩余 { $left }（{ $due } 到期）
