# 服务器写入文档的文字（用客户地点的语言）：巡检计划生成的工单。
plan-occurrence-title = { $plan } — { $date }
plan-occurrence-description = 计划巡检，当地时间 { $from }–{ $to }（{ $zone }）。
