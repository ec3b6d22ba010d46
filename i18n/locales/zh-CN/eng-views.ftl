# 工单视图和冲突中显示的名称（field-app/src/views.rs、state.rs、thumbs.rs）。
views-device-elsewhere = 设备 { $id }（不在本机上）
views-you = 你
views-user = 用户 { $id }
views-other-device = 另一台设备（{ $id }）
views-check-field = 检查项“{ $item }”（{ $field }）
views-field-title = 标题
views-field-priority = 优先级
views-field-category = 类别
state-part-name-missing = 请填写备件名称
state-part-quantity-bad = 数量“{ $quantity }”不是正整数
thumb-elsewhere = 照片保存在拍摄它的设备上
thumb-no-preview = 无预览
thumb-cannot-read = 无法读取 { $path }：{ $error }
thumb-not-image = 不是可读取的图片：{ $error }
thumb-no-folder = 缩略图路径没有文件夹
thumb-cannot-create = 无法创建 { $path }：{ $error }
thumb-cannot-write = 无法写入缩略图：{ $error }
