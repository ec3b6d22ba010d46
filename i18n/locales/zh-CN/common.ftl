# 各界面与文档共用的词语。
lang-name = 简体中文
common-items = { $count } 项
