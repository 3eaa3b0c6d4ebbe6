"""Editing the case header on the board (referral details, primary tumour and markers, wishes)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "field.diagnosis_date": ("Date of primary diagnosis", "原发肿瘤诊断日期"),
    "field.er": ("ER", "ER"),
    "field.pr": ("PR", "PR"),
    "field.her2": ("HER2", "HER2"),
    "field.egfr": ("EGFR", "EGFR"),
    "field.alk": ("ALK", "ALK"),
    "field.postmenopausal": ("Postmenopausal", "绝经后"),
    "field.growth_override": ("Primary growth class (override)", "原发肿瘤生长分级（人工指定）"),
    "field.key_worker": ("Key worker", "个案联络人"),
    "header.entry": (
        "Edit case details (referral, primary tumour, markers, wishes)",
        "修改病例信息（转诊、原发肿瘤、分子标志、意愿）",
    ),
    "header.submit": ("Save case details", "保存病例信息"),
    "header.reason": ("Reason for the change *", "修改原因 *"),
    "header.reason.required": ("Give the reason for the change.", "请填写修改原因。"),
    "header.unchanged": ("Nothing was changed.", "没有任何修改。"),
    "header.saved": ("Case details saved.", "病例信息已保存。"),
    "header.conflict": (
        "Someone else changed this case since you opened it; nothing was saved. The form now shows the current version.",
        "自您打开以来该病例已被他人修改；未保存任何内容。表单现显示当前版本。",
    ),
    "header.yours": ("Your changes (not saved): {changes}", "您的修改（未保存）：{changes}"),
}
