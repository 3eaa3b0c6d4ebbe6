"""Readiness items (docs/clinical/rules.md, "Meeting standards": what a case needs before listing)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "ready.question": ("question to the MDT", "提交 MDT 的问题"),
    "ready.primary_histology": ("primary and histology", "原发灶与病理"),
    "ready.lesions": ("lesion list with sites", "病灶及部位"),
    "ready.performance": ("ECOG or KPS", "ECOG 或 KPS 评分"),
    "ready.neurology": ("neurology", "神经功能评估"),
    "ready.pain": ("pain score", "疼痛评分"),
    "ready.patient_wishes": ("what the patient knows and wants", "患者知情与意愿"),
    "ready.imaging": ("imaging with dates (≤ 8 weeks)", "影像（8 周内）"),
    "ready.lab_calcium": ("calcium (≤ 4 weeks)", "血钙（4 周内）"),
    "ready.lab_creatinine": ("creatinine (≤ 4 weeks)", "肌酐（4 周内）"),
    "ready.stale": ("stale", "已过期"),
}
