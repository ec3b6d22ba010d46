# 知识库（field-app/src/screens/knowledge.rs）。
eng-kb-heading = 知识库
eng-kb-search-hint = 故障现象、报错信息、型号…
eng-kb-search = 搜索知识库
eng-kb-none = 没有匹配的文章。
eng-kb-choose = 请选择一篇文章。
eng-kb-symptoms = 故障现象
eng-kb-solution = 解决方法
