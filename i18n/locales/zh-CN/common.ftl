# 各界面与文档共用的词语。
lang-name = 简体中文
common-items = { $count } 项
date-picker-hint = 点击在日历上选择日期
date-picker-previous-month = 上个月
date-picker-next-month = 下个月
date-picker-today = 今天
clock-hours = { $what }：时
clock-minutes = { $what }：分
date-picker-holiday = 法定节假日
date-picker-make-up-day = 调休上班日
