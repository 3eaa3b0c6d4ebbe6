"""The demo's plan items in Chinese beside the English the generator writes (issue 11).

The demo stands for a team that works in either language, so each plan item it records carries
both texts (``plan_item_text``, migration 014) and the Chinese minutes and letters of demo
meetings read in Chinese. The generator's sentences are built from a few templates
(db/demo_meetings.py, db/demo_plans.py, db/demo_history.py) and the lecture cases' fixed plans
(db/demo_lecture.py); :func:`plan_text_zh` turns each into Chinese: one template list, one table
of drug names, the lecture's sentences. A sentence it does not know gets no Chinese (then shown as
recorded); tests/db/test_document_language.py fails on any demo plan item left so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from core.i18n import enum_label
from core.vocabulary import Bone, Segment, Side

DRUGS_ZH: dict[str, str] = {
    "trastuzumab deruxtecan": "德曲妥珠单抗",
    "trastuzumab": "曲妥珠单抗",
    "pertuzumab": "帕妥珠单抗",
    "docetaxel": "多西他赛",
    "letrozole": "来曲唑",
    "anastrozole": "阿那曲唑",
    "palbociclib": "哌柏西利",
    "ribociclib": "瑞波西利",
    "fulvestrant": "氟维司群",
    "capecitabine": "卡培他滨",
    "nab-paclitaxel": "白蛋白结合型紫杉醇",
    "goserelin": "戈舍瑞林",
    "bicalutamide": "比卡鲁胺",
    "abiraterone": "阿比特龙",
    "prednisone": "泼尼松",
    "enzalutamide": "恩扎卢胺",
    "osimertinib": "奥希替尼",
    "alectinib": "阿来替尼",
    "pembrolizumab": "帕博利珠单抗",
    "carboplatin": "卡铂",
    "pemetrexed": "培美曲塞",
    "sunitinib": "舒尼替尼",
    "axitinib": "阿昔替尼",
    "lenvatinib": "仑伐替尼",
    "bortezomib": "硼替佐米",
    "lenalidomide": "来那度胺",
    "dexamethasone": "地塞米松",
    "etoposide": "依托泊苷",
    "folfox": "FOLFOX 方案",
    "xelox": "XELOX 方案",
    "gemcitabine": "吉西他滨",
    "cisplatin": "顺铂",
    "nivolumab": "纳武利尤单抗",
    "paclitaxel": "紫杉醇",
}

# The lecture cases' fixed plans (db/demo_lecture.py), sentence by sentence.
LECTURE_ZH: dict[str, str] = {
    "Dexamethasone 10 mg IV then 4 mg q6h from presentation (neurological deficit), tapered after surgery; PPI cover, "
    "glucose checks": (
        "就诊起地塞米松 10 mg 静注，随后 4 mg 每 6 小时一次（神经功能缺损），术后逐渐减量；质子泵抑制剂保护，监测血糖"
    ),
    "Emergency decompression: T9 subtotal corpectomy, titanium mesh with cement, posterior instrumentation T7–T11 "
    "(done on day 1)": "急诊减压：T9 次全椎体切除，钛网加骨水泥重建，T7–T11 后路内固定（第 1 天完成）",
    "Continue zoledronic acid 4 mg every 4 weeks with radium-223": "继续唑来膦酸 4 mg 每 4 周一次，联合镭-223",
    "Zoledronic acid 4 mg IV every 4 weeks (CrCl > 60 mL/min); calcium and vitamin D": (
        "唑来膦酸 4 mg 静滴，每 4 周一次（肌酐清除率 > 60 mL/min）；补充钙剂和维生素 D"
    ),
    "Zoledronic acid 4 mg IV every 4 weeks after dental clearance": "口腔评估通过后唑来膦酸 4 mg 静滴，每 4 周一次",
    "Zoledronic acid 4 mg IV every 4 weeks": "唑来膦酸 4 mg 静滴，每 4 周一次",
    "Continue zoledronic acid": "继续唑来膦酸",
    "Zoledronic acid 4 mg IV every 4 weeks; dental review done": "唑来膦酸 4 mg 静滴，每 4 周一次；已完成口腔检查",
    "Zoledronic acid 4 mg every 4 weeks (CrCl 68 mL/min; solitary kidney: creatinine before each dose)": (
        "唑来膦酸 4 mg 每 4 周一次（肌酐清除率 68 mL/min；孤立肾：每次给药前查肌酐）"
    ),
    "Abiraterone or enzalutamide": "阿比特龙或恩扎卢胺",
    "Dental review before the first zoledronic acid dose": "首次使用唑来膦酸前行口腔检查",
    "Continue osimertinib 80 mg daily": "继续奥希替尼 80 mg 每日一次",
    "Trastuzumab + pertuzumab + docetaxel every 3 weeks": "曲妥珠单抗 + 帕妥珠单抗 + 多西他赛，每 3 周一次",
    "Letrozole 2.5 mg daily": "来曲唑 2.5 mg 每日一次",
    "Continue fulvestrant 500 mg q4w and add palbociclib 125 mg days 1–21 of 28": (
        "继续氟维司群 500 mg 每 4 周一次，加用哌柏西利 125 mg（28 天周期的第 1–21 天）"
    ),
    "Sunitinib 50 mg daily, 4 weeks on / 2 off": "舒尼替尼 50 mg 每日一次，用 4 周停 2 周",
    "Spine-surgery opinion: SINS 7 at L2 (potentially unstable) — no stabilisation needed before radiotherapy": (
        "脊柱外科意见：L2 SINS 7 分（潜在不稳定）——放疗前无需稳定手术"
    ),
    "Pregabalin 150 mg q12h for the neuropathic component": "普瑞巴林 150 mg 每 12 小时一次，针对神经病理性疼痛成分",
    "Paracetamol 1 g qds as needed": "对乙酰氨基酚 1 g 按需每日四次",
    "Tramadol 50 mg qds as needed": "曲马多 50 mg 按需每日四次",
    "Tramadol 50–100 mg qds; review at 2 weeks": "曲马多 50–100 mg 每日四次；2 周后复查",
    "Oxycodone CR 10 mg q12h titrated to 20 mg q12h; immediate-release rescue dose; laxative prophylaxis": (
        "羟考酮缓释片 10 mg 每 12 小时一次，滴定至 20 mg 每 12 小时一次；即释制剂解救剂量；预防性使用通便药"
    ),
    "Early graded mobilisation: standing with help day 3, walking aid; avoid overloading the construct": (
        "早期分级活动：第 3 天在协助下站立，使用助行器；避免内固定过度负荷"
    ),
    "8 Gy single fraction to the right acetabulum": "右侧髋臼 8 Gy 单次放疗",
    "Radiotherapy to L2: 30 Gy in 10 fractions": "L2 放疗：30 Gy 分 10 次",
    "Adjuvant thoracic radiotherapy to T9 from week 2: 20 Gy in 5 fractions": "术后第 2 周起 T9 胸椎辅助放疗：20 Gy 分 5 次",
    "Radium-223 55 kBq/kg every 4 weeks × 6 (two prior mCRPC lines; abiraterone stopped; no visceral disease)": (
        "镭-223 55 kBq/kg 每 4 周一次 × 6（既往两线 mCRPC 治疗；已停用阿比特龙；无内脏转移）"
    ),
    "SBRT to T8: 27 Gy in 3 fractions (radioresistant histology)": "T8 SBRT：27 Gy 分 3 次（放疗抵抗组织学类型）",
    "Full blood count before each palbociclib cycle; CT chest/abdomen/pelvis and bone scan in 3 months": (
        "每个哌柏西利周期前查血常规；3 个月后复查胸腹盆 CT 及骨扫描"
    ),
    "Blood counts before each radium-223 cycle; PSA and ALP every 4 weeks": (
        "每个镭-223 周期前查血常规；每 4 周查 PSA 和碱性磷酸酶"
    ),
    "MRI brain and CT chest in 3 months": "3 个月后复查头颅 MRI 及胸部 CT",
}

# Fixed sentences of the generator (db/demo_meetings.py, db/demo_plans.py).
FIXED_ZH: dict[str, str] = {
    "Standard of care ratified; follow-up every 3 months": "批准标准治疗；每 3 个月随访",
    "IV 0.9% saline, then zoledronic acid 4 mg over ≥ 15 min; stop calcium/vitamin D; recheck calcium in 48 h": (
        "静脉输注 0.9% 氯化钠，随后唑来膦酸 4 mg 静滴 ≥ 15 分钟；停用钙剂/维生素 D；48 小时后复查血钙"
    ),
    "Whole-spine MRI within 24 h; dexamethasone only for severe pain": "24 小时内行全脊柱 MRI；仅在剧烈疼痛时使用地塞米松",
    "Pregabalin 75 mg twice daily (renally dosed)": "普瑞巴林 75 mg 每日两次（按肾功能调整剂量）",
    "Functional assessment (ECOG/KPS/Barthel) and graded programme; walking aid": (
        "功能评估（ECOG/KPS/Barthel）及分级康复计划；使用助行器"
    ),
    "Transfusion support / G-CSF as indicated; review chemotherapy timing": "按需输血支持/使用 G-CSF；重新评估化疗时机",
    "Palliative care referral for symptom support": "转介姑息治疗，加强症状控制",
    "Discuss goals of care with family at next clinic": "下次门诊与家属讨论治疗目标",
    "Continue current bone-modifying agent": "继续当前骨改良药物",
    "Dental review before the first dose": "首次用药前行口腔检查",
    "Denosumab 120 mg SC every 4 weeks": "地舒单抗 120 mg 皮下注射，每 4 周一次",
    "Tramadol 50 mg qds or low-dose oxycodone": "曲马多 50 mg 每日四次或小剂量羟考酮",
    "Paracetamol 1 g qds": "对乙酰氨基酚 1 g 每日四次",
    "Deferred: whole-spine MRI needed before a decision; re-list next week": "推迟：决策前需行全脊柱 MRI；下周重新列入议程",
    "Deferred: awaiting histology from biopsy; re-list next week": "推迟：等待活检病理结果；下周重新列入议程",
    "Deferred: CT staging outstanding; re-list next week": "推迟：CT 分期检查尚未完成；下周重新列入议程",
    "No recommendation reached: imaging older than 8 weeks and no calcium result; repeat and re-list": (
        "未形成建议：影像检查超过 8 周且无血钙结果；复查后重新列入议程"
    ),
    "Amendment: New MRI after the meeting showed an additional lesion; radiotherapy field extended.": (
        "修订：会后新的 MRI 显示另一处病灶；扩大放疗野。"
    ),
    "Amendment: Creatinine result received after the meeting: bone-modifying agent changed.": (
        "修订：会后收到肌酐结果：更换骨改良药物。"
    ),
    "Amendment: Patient declined surgery after counselling; plan changed to radiotherapy alone.": (
        "修订：患者经沟通后拒绝手术；方案改为单纯放疗。"
    ),
}

# A sentence the demo team typed in Chinese, with its English.
TYPED_IN_CHINESE: dict[str, str] = {
    "告知患者及家属MDT意见，门诊随访。": "Tell the patient and family the MDT's advice; follow up in clinic."
}


def site_zh(text: str) -> str | None:
    """A site as db.demo_vocabulary.site_label writes it ("T5", "sacrum S1", "left femur shaft") in Chinese."""
    if re.fullmatch(r"(Oc|[CTLS]\d{1,2})", text):
        return text
    if text.startswith("sacrum"):
        return ("骶骨 " + text.removeprefix("sacrum").strip()).strip()
    words = text.split(" ")
    side = ""
    if words and words[0] in (Side.LEFT, Side.RIGHT):
        side = enum_label(words.pop(0), "zh", Side)
    if not words or words[0] not in {b.value for b in Bone}:
        return None
    bone = enum_label(words.pop(0), "zh", Bone)
    segment = ""
    if words:
        value = "_".join(words)
        if value not in {s.value for s in Segment}:
            return None
        segment = enum_label(value, "zh", Segment)
    return side + bone + segment


def _drugs_zh(text: str) -> str | None:
    """ "Letrozole + Palbociclib" in Chinese; None when a name is not in the table."""
    names = [DRUGS_ZH.get(name.strip().lower()) for name in re.split(r"\s*\+\s*", text)]
    return None if not all(names) else " + ".join(n for n in names if n)


def _fixation_zh(text: str) -> str | None:
    """db.demo_history.fixation_name ("Intramedullary nailing left femur shaft") in Chinese."""
    for en, zh in (
        ("hemiarthroplasty", "半髋关节置换"),
        ("intramedullary nailing", "髓内钉固定"),
        ("posterior stabilisation", "后路稳定手术"),
        ("fixation", "内固定"),
    ):
        if text.lower().startswith(en + " "):
            site = site_zh(text[len(en) + 1 :])
            return None if site is None else f"{site}{zh}"
    return None


def _sub(fn: Callable[[str], str | None]) -> Callable[[re.Match[str]], dict[str, str] | None]:
    return lambda m: None if (v := fn(m["x"])) is None else {"x": v}


# (English template, Chinese template, translator of the variable part ``x``).
_TEMPLATES: tuple[tuple[str, str, Callable[[str], str | None]], ...] = (
    (r"Dexamethasone 10 mg IV then 4 mg q6h \(neurological signs\); whole-spine MRI; same-day opinions \((?P<x>.+)\)",
     "地塞米松 10 mg 静注，随后 4 mg 每 6 小时一次（有神经体征）；全脊柱 MRI；当日各专科会诊（{x}）", site_zh),
    (r"Separation surgery at (?P<x>.+): decompression and posterior stabilisation", "{x} 分离手术：减压及后路稳定", site_zh),
    (r"Post-operative RT to (?P<x>.+) 20 Gy/5 from week 2", "术后第 2 周起 {x} 放疗 20 Gy/5 次", site_zh),
    (r"Post-operative RT to (?P<x>.+) 20 Gy/5", "{x} 术后放疗 20 Gy/5 次", site_zh),
    (r"Emergency RT to (?P<x>.+) 20 Gy/5 starting within 24 h", "24 小时内开始 {x} 急诊放疗 20 Gy/5 次", site_zh),
    (r"Posterior stabilisation at (?P<x>\S+) \(SINS (?P<n>\d+)\)", "{x} 后路稳定手术（SINS {n}）", site_zh),
    (r"Surgical stabilisation at (?P<x>.+)", "{x} 手术稳定", site_zh),
    (r"8 Gy × 1 to (?P<x>.+)", "{x} 放疗 8 Gy × 1 次", site_zh),
    (r"(?P<x>.+) within 48 h", "48 小时内行{x}", _fixation_zh),
    (r"Prophylactic (?P<x>.+) before radiotherapy", "放疗前预防性{x}", _fixation_zh),
    (r"Fixation of (?P<x>.+)", "{x}内固定", site_zh),
    (r"Spine-surgery opinion before RT: SINS (?P<n>\d+) at (?P<x>.+)", "放疗前脊柱外科会诊：{x} SINS {n}", site_zh),
    (r"SBRT to (?P<x>.+): 24 Gy/2", "{x} SBRT：24 Gy/2 次", site_zh),
    (r"(?P<d>20 Gy/5|30 Gy/10) to (?P<x>.+)", "{x} 放疗 {d} 次", site_zh),
    (r"Systemic therapy: (?P<x>.+)", "全身治疗：{x}", _drugs_zh),
    (r"(?P<x>.+) \(dose-reduced\)", "{x}（减量）", _drugs_zh),
    (r"Denosumab 120 mg SC every 4 weeks \(CrCl (?P<n>\d+) mL/min\); close calcium monitoring",
     "地舒单抗 120 mg 皮下注射，每 4 周一次（肌酐清除率 {n} mL/min）；密切监测血钙", str),
    (r"Zoledronic acid (?P<x>[\d.]+ mg) IV every 4 weeks \(CrCl (?P<n>\d+) mL/min\)",
     "唑来膦酸 {x} 静滴，每 4 周一次（肌酐清除率 {n} mL/min）", str),
    (r"Oxycodone CR 10 mg q12h titrated; IR rescue; laxative(?P<x>; avoid morphine \(CrCl < 30\))?",
     "羟考酮缓释片 10 mg 每 12 小时一次并滴定；即释制剂解救；通便药{x}", lambda x: "；避免吗啡（肌酐清除率 < 30）" if x else ""),
    (r"(?P<x>.+)", "{x}", _drugs_zh),  # a regimen: drug names joined by " + "
)  # fmt: skip


def plan_text_zh(text: str) -> str | None:
    """The Chinese of one demo plan sentence; None when the sentence is not one of the demo's."""
    for table in (FIXED_ZH, LECTURE_ZH):
        if text in table:
            return table[text]
    for pattern, zh, part in _TEMPLATES:
        m = re.fullmatch(pattern, text)
        if m is None:
            continue
        groups: dict[str, Any] = {k: v or "" for k, v in m.groupdict().items()}
        value = part(groups.get("x", ""))
        if value is None:
            continue
        return zh.format(**{**groups, "x": value})
    return None


def plan_texts(text: str) -> tuple[str, str] | None:
    """``(en, zh)`` of a demo plan item whose text is ``text`` (as recorded), or None."""
    if text in TYPED_IN_CHINESE:
        return TYPED_IN_CHINESE[text], text
    zh = plan_text_zh(text)
    return None if zh is None else (text, zh)
