"""Medical oncology rules (docs/clinical/rules.md "Medical oncology")."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from core.derive import haematological_kind, on_histology, word
from core.models import BilskyGrade, CastrationStatus, Marker, PrimaryTumour, TreatmentKind
from core.rules.base import (
    Fired,
    Outcome,
    Rule,
    RuleContext,
    describe_missing,
    fired,
    needs,
    not_fired,
    one_decimal,
)
from core.rules.facts import (
    active_treatments,
    corrected_calcium,
    on_bma,
    on_denosumab,
    on_zoledronic,
    sites,
    sites_zh,
)

P = PrimaryTumour
CALCIUM_SUPPLEMENT_SUPPRESSED_ABOVE = Decimal("2.60")
HYPOCALCAEMIA_BELOW = Decimal("2.20")
ZOLEDRONIC_DOSE_TEXT: dict[str, tuple[str, str]] = {
    "4.0_mg": ("zoledronic acid 4.0 mg", "唑来膦酸4.0 mg"),
    "3.5_mg": ("zoledronic acid 3.5 mg", "唑来膦酸3.5 mg"),
    "3.3_mg": ("zoledronic acid 3.3 mg", "唑来膦酸3.3 mg"),
    "3.0_mg": ("zoledronic acid 3.0 mg", "唑来膦酸3.0 mg"),
    "not_recommended": ("zoledronic acid not recommended", "不推荐唑来膦酸"),
}


SYSTEMIC_KINDS = (
    TreatmentKind.ENDOCRINE,
    TreatmentKind.TARGETED,
    TreatmentKind.CHEMOTHERAPY,
    TreatmentKind.IMMUNOTHERAPY,
)


def naming_current_line(condition: Callable[[RuleContext], Outcome]) -> Callable[[RuleContext], Outcome]:
    """A systemic-therapy suggestion names the systemic therapy already running (safety rule 3:
    advice that knows the treatment given), so the panel reads the class suggested against the
    line the patient is on."""

    def named(ctx: RuleContext) -> Outcome:
        out = condition(ctx)
        running = sorted(
            (t for kind in SYSTEMIC_KINDS for t in active_treatments(ctx, kind)), key=lambda t: (t.start_date, t.name)
        )
        if not isinstance(out, Fired) or not running:
            return out
        on = ", ".join(f"{t.name} since {t.start_date.isoformat()}" for t in running)
        on_zh = "、".join(f"{t.name}（{t.start_date.isoformat()}起）" for t in running)
        return out.model_copy(update={"reason_en": f"{out.reason_en}; on {on}", "reason_zh": f"{out.reason_zh}；正在使用{on_zh}"})

    named.__name__ = condition.__name__
    named.__doc__ = condition.__doc__
    return named


def _bma_indicated(ctx: RuleContext) -> Outcome | None:
    """None when a BMA is indicated, else the outcome that says why not (or what is missing)."""
    case = ctx.cf.case
    if not ctx.cf.lesions:
        return not_fired("no bone lesion recorded", "未记录骨病灶")
    if haematological_kind(case) == P.LYMPHOMA:
        # The primary recorded or a confirmed lymphoma histology (an unknown primary).
        return not_fired(
            f"lymphoma{on_histology(case)}: not a solid tumour or myeloma",
            f"淋巴瘤{on_histology(case, 'zh')}：非实体瘤或多发性骨髓瘤",
        )
    if case.primary_tumour == P.PROSTATE:
        if case.castration is None:
            return needs("castration")
        if case.castration == CastrationStatus.SENSITIVE:
            return not_fired(
                "castration-sensitive prostate cancer: skeletal-event doses not advised",
                "去势敏感性前列腺癌：不建议骨相关事件预防剂量",
            )
    current = on_bma(ctx)
    if current:
        return not_fired(f"already on {current[0].name}", f"已在使用{current[0].name}")
    return None


def _both_bma(ctx: RuleContext) -> Outcome | None:
    """Zoledronic acid and denosumab both active: do not combine (SCORES.md §10.3)."""
    zol, dmab = on_zoledronic(ctx), on_denosumab(ctx)
    if not (zol and dmab):
        return None
    names = f"{zol[0].name} and {dmab[0].name}"
    names_zh = f"{zol[0].name}与{dmab[0].name}"
    return fired(
        f"{names} both recorded as active: do not combine zoledronic acid and denosumab",
        f"{names_zh}均记录为正在使用：唑来膦酸与地舒单抗（地诺单抗）不可联用",
        "urgent",
        text=(
            "Zoledronic acid and denosumab both active: do not combine — continue one bone-modifying agent only",
            "唑来膦酸与地舒单抗（地诺单抗）同时在用：不可联用——仅保留一种骨改良药物",
        ),
        combination="zoledronic_and_denosumab",
    )


def onc_bma(ctx: RuleContext) -> Outcome:
    both = _both_bma(ctx)
    if both is not None:
        return both
    blocked = _bma_indicated(ctx)
    if blocked is not None:
        return blocked
    zol = ctx.scores.patient["zoledronic_acid_dose"]
    if zol.complete and zol.total is not None:
        dose_en, dose_zh = ZOLEDRONIC_DOSE_TEXT[zol.band]
        crcl = one_decimal(zol.total)
        dose_en = f"{dose_en} (CrCl {crcl} mL/min)"
        dose_zh = f"{dose_zh}（肌酐清除率 {crcl} mL/min）"
    else:
        lacking = [describe_missing(name) for name in zol.missing]
        dose_en = "zoledronic acid dose pending CrCl (missing: " + ", ".join(en for en, _ in lacking) + ")"
        dose_zh = "唑来膦酸剂量待肌酐清除率确定（缺少：" + "、".join(zh for _, zh in lacking) + "）"
    corrected = corrected_calcium(ctx)
    if corrected is None:
        ca_en = "calcium + vitamin D once corrected calcium is known (not measured)"
        ca_zh = "校正血钙结果出来后补充钙和维生素D（尚未检测）"
        calcium_state = "unknown"
    elif corrected > CALCIUM_SUPPLEMENT_SUPPRESSED_ABOVE:
        ca_en = f"no calcium/vitamin D supplement (corrected Ca {corrected} > 2.60)"
        ca_zh = f"暂停钙剂/维生素D（校正血钙 {corrected} >2.60）"
        calcium_state = "suppressed"
    elif corrected < HYPOCALCAEMIA_BELOW:
        ca_en = f"correct hypocalcaemia first (corrected Ca {corrected}), then calcium + vitamin D"
        ca_zh = f"先纠正低钙血症（校正血钙 {corrected}），再补充钙和维生素D"
        calcium_state = "correct_first"
    else:
        ca_en = (
            "≥ 500 mg calcium + ≥ 400 IU vitamin D daily (label); total calcium intake "
            "1000–1200 mg/day and vitamin D 800–1000 IU/day (lecture)"
        )
        ca_zh = "每日补充钙≥500 mg + 维生素D≥400 IU（说明书）；总钙摄入1000–1200 mg/天、维生素D 800–1000 IU/天（讲座）"
        calcium_state = "advised"
    text = (
        f"Bone-modifying agent: {dose_en}, or denosumab 120 mg every 4 weeks; dental review first; {ca_en}",
        f"骨改良药物：{dose_zh}，或地舒单抗（地诺单抗）120 mg每4周一次；用药前口腔评估；{ca_zh}",
    )
    primary = ctx.cf.case.primary_tumour
    count = len(ctx.cf.lesions)
    return fired(
        f"bone metastases from {word(primary)} ({count} lesion{'' if count == 1 else 's'}); {dose_en}",
        f"{word(primary, 'zh')}骨转移（{count}处）；{dose_zh}",
        text=text,
        zoledronic_dose=zol.band,
        crcl_ml_min=one_decimal(zol.total) if zol.total is not None else "",
        calcium_vitamin_d=calcium_state,
    )


def onc_bma_renal(ctx: RuleContext) -> Outcome:
    if not on_bma(ctx):
        # Safety rule 5: no denosumab advice where no bone-modifying agent is indicated (lymphoma,
        # castration-sensitive prostate cancer, no bone lesion); a patient on one is still told.
        blocked = _bma_indicated(ctx)
        if blocked is not None:
            return blocked
    zol = ctx.scores.patient["zoledronic_acid_dose"]
    if not zol.complete or zol.total is None:
        return needs(*(f"zoledronic_acid_dose.{name}" for name in zol.missing))
    crcl = one_decimal(zol.total)
    if zol.band == "not_recommended":
        en, zh = f"CrCl {crcl} mL/min < 30", f"肌酐清除率 {crcl} mL/min <30"
        corrected = corrected_calcium(ctx)
        base_en = "Zoledronic acid not recommended; denosumab with close calcium monitoring"
        base_zh = "不推荐唑来膦酸；可用地舒单抗（地诺单抗）并密切监测血钙"
        if corrected is None:
            # Safety rule 1: denosumab's calcium check cannot be read without a calcium.
            return fired(
                f"{en}; corrected calcium not measured",
                f"{zh}；校正血钙尚未检测",
                text=(
                    f"{base_en}; measure corrected calcium before the first dose",
                    f"{base_zh}；首次用药前检测校正血钙",
                ),
                calcium="unknown",
            )
        if corrected < HYPOCALCAEMIA_BELOW:
            # Decision 8 / safety rule 5: name the hypocalcaemia that denosumab would worsen.
            return fired(
                f"{en}; hypocalcaemia (corrected Ca {corrected} < {HYPOCALCAEMIA_BELOW})",
                f"{zh}；低钙血症（校正血钙 {corrected} <{HYPOCALCAEMIA_BELOW}）",
                text=(
                    f"{base_en}; correct hypocalcaemia (corrected Ca {corrected}) before the first dose",
                    f"{base_zh}；首次用药前先纠正低钙血症（校正血钙 {corrected}）",
                ),
                calcium="correct_first",
            )
        return fired(en, zh)
    return not_fired(f"CrCl {crcl} mL/min", f"肌酐清除率 {crcl} mL/min")


def onc_dental(ctx: RuleContext) -> Outcome:
    if on_bma(ctx) or not isinstance(onc_bma(ctx), Fired):
        return not_fired("no bone-modifying agent being started", "未开始骨改良药物")
    if ctx.cf.case.dental_clearance is True:
        return not_fired("dental clearance recorded", "已记录口腔评估通过")
    return fired(
        "starting a bone-modifying agent; no dental clearance recorded",
        "拟开始骨改良药物；未记录口腔评估",
    )


def _m(value: Marker | None, lang: str = "en") -> str:
    if value is None:
        return "未记录" if lang == "zh" else "not recorded"
    return word(value, lang)


def onc_hr_breast(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    if case.primary_tumour != P.BREAST:
        return not_fired()
    # Safety rule 1: a receptor recorded "unknown" is missing, as if not recorded (like ONC-EGFR).
    if Marker.POSITIVE not in (case.er, case.pr):
        lacking = [n for n, v in (("er", case.er), ("pr", case.pr)) if v in (None, Marker.UNKNOWN)]
        if lacking:
            return needs(*lacking)
        return not_fired("ER and PR negative", "ER和PR阴性")
    if case.her2 in (None, Marker.UNKNOWN):
        return needs("her2")
    if case.her2 != Marker.NEGATIVE:
        return not_fired(f"HER2 {word(case.her2)}", f"HER2{word(case.her2, 'zh')}")
    en = f"breast ER {_m(case.er)}, PR {_m(case.pr)}, HER2 negative"
    zh = f"乳腺癌 ER{_m(case.er, 'zh')}、PR{_m(case.pr, 'zh')}、HER2阴性"
    if case.postmenopausal is False:
        en += "; premenopausal: add ovarian function suppression"
        zh += "；绝经前：加用卵巢功能抑制"
    return fired(en, zh)


def onc_her2(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    if case.primary_tumour != P.BREAST:
        return not_fired()
    if case.her2 in (None, Marker.UNKNOWN):
        return needs("her2")
    if case.her2 == Marker.POSITIVE:
        return fired("breast HER2 positive", "乳腺癌HER2阳性")
    return not_fired(f"HER2 {word(case.her2)}", f"HER2{word(case.her2, 'zh')}")


def onc_prostate(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    if case.primary_tumour != P.PROSTATE:
        return not_fired()
    if case.castration is None:
        return needs("castration")
    if case.castration != CastrationStatus.SENSITIVE:
        return not_fired("castration-resistant", "去势抵抗")
    spinal = [lesion for lesion in ctx.cf.lesions if lesion.is_spinal]
    epidural = [lesion for lesion in spinal if lesion.bilsky not in (None, BilskyGrade.G0)]
    if spinal or epidural:
        where, where_zh = sites(spinal), sites_zh(spinal)
        return fired(
            f"castration-sensitive prostate cancer with spinal metastases ({where}): flare "
            "protection — LHRH antagonist (or orchiectomy), or an antiandrogen before the first "
            "agonist dose",
            f"去势敏感性前列腺癌伴脊柱转移（{where_zh}）：预防闪烁反应——使用LHRH拮抗剂（或睾丸切除），"
            "或在首剂激动剂前先用抗雄激素药物",
            "urgent",
            flare_protection="required",
        )
    return fired("castration-sensitive prostate cancer", "去势敏感性前列腺癌")


def onc_crpc(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    if case.primary_tumour != P.PROSTATE:
        return not_fired()
    if case.castration is None:
        return needs("castration")
    if case.castration == CastrationStatus.RESISTANT:
        return fired("castration-resistant prostate cancer", "去势抵抗性前列腺癌")
    return not_fired("castration-sensitive", "去势敏感")


def onc_egfr(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    if case.primary_tumour != P.LUNG_NSCLC:
        return not_fired()
    if case.egfr is None or case.egfr == Marker.UNKNOWN:
        return needs("egfr")
    if case.egfr == Marker.POSITIVE:
        return fired("NSCLC with an EGFR mutation", "非小细胞肺癌EGFR突变")
    return not_fired("EGFR negative", "EGFR阴性")


def onc_rcc(ctx: RuleContext) -> Outcome:
    if ctx.cf.case.primary_tumour == P.KIDNEY:
        return fired("renal cell carcinoma", "肾细胞癌")
    return not_fired()


def onc_chemo(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    if case.primary_tumour in (P.LUNG_SCLC, P.OVARY):
        return fired(
            f"chemosensitive primary ({word(case.primary_tumour)})",
            f"化疗敏感原发肿瘤（{word(case.primary_tumour, 'zh')}）",
        )
    if case.primary_tumour != P.BREAST:
        return not_fired()
    markers = {"er": case.er, "pr": case.pr, "her2": case.her2}
    if Marker.POSITIVE in markers.values():
        return not_fired("a targeted or endocrine option exists", "存在靶向或内分泌治疗选择")
    unknown = [name for name, value in markers.items() if value in (None, Marker.UNKNOWN)]
    if unknown:
        return needs(*unknown)
    return fired("triple-negative breast cancer (no targeted option)", "三阴性乳腺癌（无靶向治疗选择）")


SPECIALTY = "medical_oncology"

RULES: tuple[Rule, ...] = (
    Rule(
        id="ONC-BMA",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Bone-modifying agent: zoledronic acid at the CrCl dose, or denosumab 120 mg "
        "every 4 weeks; dental review first; calcium + vitamin D (suppressed when corrected Ca "
        "> 2.60); correct hypocalcaemia first",
        text_zh="骨改良药物：按肌酐清除率确定唑来膦酸剂量，或地舒单抗（地诺单抗）120 mg每4周一次；"
        "用药前口腔评估；补充钙和维生素D（校正血钙>2.60时暂停）；先纠正低钙血症",
        rationale_en="Reduces skeletal-related events in bone metastases from solid tumours and "
        "myeloma (not castration-sensitive prostate cancer).",
        rationale_zh="减少实体瘤骨转移及多发性骨髓瘤的骨相关事件（去势敏感性前列腺癌除外）。",
        source="label; ESMO 2020",
        condition=onc_bma,
    ),
    Rule(
        id="ONC-BMA-RENAL",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Zoledronic acid not recommended; denosumab with close calcium monitoring",
        text_zh="不推荐唑来膦酸；可用地舒单抗（地诺单抗）并密切监测血钙",
        rationale_en="CrCl < 30 mL/min (Cockcroft–Gault).",
        rationale_zh="肌酐清除率<30 mL/min（Cockcroft–Gault）。",
        source="label",
        condition=onc_bma_renal,
    ),
    Rule(
        id="ONC-DENTAL",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Dental evaluation before the first dose (ONJ risk)",
        text_zh="首次用药前行口腔评估（颌骨坏死风险）",
        rationale_en="Preventive dentistry lowers the risk of osteonecrosis of the jaw.",
        rationale_zh="预防性口腔处理可降低颌骨坏死风险。",
        source="MASCC/ISOO/ASCO 2019",
        condition=onc_dental,
    ),
    Rule(
        id="ONC-HR-BREAST",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Aromatase inhibitor (or fulvestrant) + CDK4/6 inhibitor; premenopausal: add "
        "ovarian function suppression; tamoxifen if an AI is unsuitable",
        text_zh="芳香化酶抑制剂（或氟维司群）+ CDK4/6抑制剂；绝经前加卵巢功能抑制；不适合AI者用他莫昔芬",
        rationale_en="ER/PR-positive, HER2-negative breast cancer.",
        rationale_zh="ER/PR阳性、HER2阴性乳腺癌。",
        source="lecture; ESMO",
        condition=naming_current_line(onc_hr_breast),
    ),
    Rule(
        id="ONC-HER2",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="HER2-directed therapy (trastuzumab + pertuzumab + taxane)",
        text_zh="抗HER2治疗（曲妥珠单抗+帕妥珠单抗+紫杉类）",
        rationale_en="HER2-positive breast cancer.",
        rationale_zh="HER2阳性乳腺癌。",
        source="lecture",
        condition=naming_current_line(onc_her2),
    ),
    Rule(
        id="ONC-PROSTATE",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Androgen deprivation plus intensification (an androgen-receptor pathway "
        "inhibitor ± docetaxel) unless unfit; with spinal metastases or Bilsky ≥ 1: an LHRH "
        "antagonist (or orchiectomy), or an antiandrogen started before the first agonist dose",
        text_zh="雄激素剥夺治疗联合强化（雄激素受体通路抑制剂±多西他赛），除非不能耐受；伴脊柱转移或"
        "Bilsky≥1级：使用LHRH拮抗剂（或睾丸切除），或在首剂激动剂前先用抗雄激素药物",
        rationale_en="A testosterone flare can cause cord compression.",
        rationale_zh="睾酮闪烁反应可导致脊髓压迫。",
        source="lecture; current guidelines",
        condition=naming_current_line(onc_prostate),
    ),
    Rule(
        id="ONC-CRPC",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Abiraterone or enzalutamide (not combined with radium-223); docetaxel; radium-223 per RT-RA223",
        text_zh="阿比特龙或恩扎卢胺（不与镭-223联用）；多西他赛；镭-223见RT-RA223",
        rationale_en="Castration-resistant prostate cancer.",
        rationale_zh="去势抵抗性前列腺癌。",
        source="lecture; EMA 2018",
        condition=naming_current_line(onc_crpc),
    ),
    Rule(
        id="ONC-EGFR",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="EGFR TKI (the lecture used erlotinib, then osimertinib on T790M; osimertinib is "
        "now first line — check the current guideline)",
        text_zh="EGFR-TKI（讲座使用厄洛替尼，T790M突变后改奥希替尼；现奥希替尼为一线——请核对最新指南）",
        rationale_en="NSCLC with an EGFR mutation.",
        rationale_zh="EGFR突变的非小细胞肺癌。",
        source="lecture; FLAURA",
        condition=naming_current_line(onc_egfr),
    ),
    Rule(
        id="ONC-RCC",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Systemic therapy (the lecture used sunitinib; immunotherapy-based combinations "
        "are now first line — check the current guideline); note radioresistance and "
        "hypervascularity",
        text_zh="全身治疗（讲座使用舒尼替尼；现以免疫治疗为基础的联合方案为一线——请核对最新指南）；注意放疗抵抗和富血供",
        rationale_en="Renal cell carcinoma.",
        rationale_zh="肾细胞癌。",
        source="lecture",
        condition=naming_current_line(onc_rcc),
    ),
    Rule(
        id="ONC-CHEMO",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Systemic chemotherapy per primary; monitor blood counts",
        text_zh="按原发肿瘤行全身化疗；监测血常规",
        rationale_en="Chemosensitive primary (SCLC, breast, ovary) without a targeted option.",
        rationale_zh="化疗敏感的原发肿瘤（小细胞肺癌、乳腺癌、卵巢癌）且无靶向治疗选择。",
        source="lecture",
        condition=naming_current_line(onc_chemo),
    ),
)
