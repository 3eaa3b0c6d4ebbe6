"""Validation messages (core.validation maps pydantic error types here) and field names."""

MESSAGES: dict[str, tuple[str, str]] = {
    "val.missing": ("is required", "为必填项"),
    "val.invalid": ("is not valid", "无效"),
    "val.string_too_short": ("needs at least {min_length} characters", "至少需要 {min_length} 个字符"),
    "val.string_too_long": ("allows at most {max_length} characters", "最多 {max_length} 个字符"),
    "val.pattern": ("has characters or a form that is not allowed", "含有不允许的字符或格式"),
    "val.string_type": ("must be text", "必须为文本"),
    "val.greater_than": ("must be more than {gt}", "必须大于 {gt}"),
    "val.greater_than_equal": ("must be at least {ge}", "不得小于 {ge}"),
    "val.less_than": ("must be less than {lt}", "必须小于 {lt}"),
    "val.less_than_equal": ("must be at most {le}", "不得大于 {le}"),
    "val.number": ("must be a number", "必须为数字"),
    "val.whole_number": ("must be a whole number", "必须为整数"),
    "val.date": ("must be a date", "必须为日期"),
    "val.choice": ("pick one of the offered choices", "请从选项中选择"),
    "val.too_few": ("needs at least {min_length} entries", "至少需要 {min_length} 项"),
    "val.too_many": ("allows at most {max_length} entries", "最多 {max_length} 项"),
    "val.extra": ("is not a field of this form", "不是此表单的字段"),
    "val.taken": ("is already taken", "已被占用"),
    "val.empty": ("must not be empty", "不能为空"),
    "val.mrn_registered": (
        "is already registered (MRNs are compared without case)",
        "该病历号已登记（病历号比较不区分大小写）",
    ),
    "val.control": ("contains a control character; remove it", "含有控制字符，请删除"),
    "val.invisible": (
        "contains an invisible or direction-changing character (bidirectional control, zero-width or similar); remove it",
        "含有不可见或改变文字方向的字符（双向控制符、零宽字符等），请删除",
    ),
    # field names that have no column label
    "field.username": ("Username", "用户名"),
    "field.password": ("Password", "密码"),
    "field.display_name": ("Name", "姓名"),
    "field.birth_date": ("Birth date", "出生日期"),
    "field.referrer": ("Referrer", "转诊医生"),
    "field.referrer_specialty": ("Referrer's specialty", "转诊科室"),
    "field.question": ("Question to the MDT", "提交 MDT 的问题"),
    "field.histology": ("Histology", "病理类型"),
    "field.castration": ("Castration status", "去势状态"),
    "field.patient_wishes": ("What the patient knows and wants", "患者知情情况与意愿"),
    "field.comorbidities": ("Comorbidities", "合并症"),
    "field.kps": ("KPS", "KPS"),
    "field.value": ("Value", "取值"),
    "field.analyte": ("Test", "检验项目"),
    "field.taken_on": ("Date taken", "采样日期"),
    "field.text": ("Opinion", "意见"),
    "field.form": ("Form", "表单"),
    "admin.username_placeholder": ("lower case, e.g. wang.li", "小写字母，如 wang.li"),
}
MESSAGES.update(
    {
        "common.choose_many": ("Any that apply", "可多选"),
        "common.choose_one": ("Choose one", "请选择"),
    }
)
