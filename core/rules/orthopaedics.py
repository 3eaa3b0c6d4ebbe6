"""Orthopaedics / spine surgery rules (docs/clinical/rules.md "Orthopaedics / spine surgery")."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.derive import DerivedScore, haematological_kind, on_histology, word
from core.models import (
    Analyte,
    BilskyGrade,
    CaseFile,
    Collapse,
    Frankel,
    Histology,
    PrimaryTumour,
    SurgeonStability,
)
from core.rules.base import (
    NEUROLOGY,
    PROGNOSIS,
    STABILITY,
    Outcome,
    Rule,
    RuleContext,
    fired,
    fmt,
    needs,
    not_fired,
)
from core.rules.facts import (
    Findings,
    ecog_value,
    has_neuro_deficit,
    is_painful,
    lab,
    labels,
    labels_zh,
    mscc_findings,
    neuro_signs,
    new_frankel_deficit,
    scored,
    site_en,
    site_zh,
    sites,
    sites_zh,
    split_stale,
    survival_weeks,
    total_at_least,
    total_between,
    treated_lesion_ids,
)
from core.rules.mscc_surgery import ortho_mscc_decompress, paraplegia_over_48h
from core.rules.treatment_state import augmented_or_fixed_after_findings, biopsied, fixing_operations

HYPERVASCULAR_PRIMARIES: frozenset[PrimaryTumour] = frozenset({PrimaryTumour.KIDNEY, PrimaryTumour.THYROID, PrimaryTumour.LIVER})
HYPERVASCULAR_HISTOLOGY: frozenset[Histology] = frozenset(
    {
        Histology.CLEAR_CELL_RCC,
        Histology.PAPILLARY_RCC,
        Histology.FOLLICULAR_THYROID,
        Histology.PAPILLARY_THYROID,
        Histology.HEPATOCELLULAR,
    }
)
CONTRA_PLATELETS_BELOW = Decimal("50")
STABILITY_ZH: dict[SurgeonStability, str] = {
    SurgeonStability.STABLE: "稳定",
    SurgeonStability.UNSTABLE: "不稳定",
}


def biopsy_findings(ctx: RuleContext) -> Findings:
    """ORTHO-BIOPSY's reasons. It stops once a lesion was biopsied, once the cancer is
    histologically confirmed and the lesion is not solitary, or once the lesion is fixed (safety
    rule 3 and the decision "Post-operative rules")."""
    cf = ctx.case_file
    found = Findings()
    if not cf.lesions:
        return found
    solitary = len(cf.lesions) == 1
    histology = cf.case.histology
    confirmed = histology is not None and histology != Histology.NOT_CONFIRMED
    done = biopsied(cf)
    if done:
        found.superseded.append((f"biopsied on {done[-1].start_date.isoformat()}", f"已于{done[-1].start_date.isoformat()}活检"))
        return found
    if confirmed and not solitary:
        return found
    if solitary and (cf.lesions[0].fracture_fixed or any(cf.lesions[0].lesion_id in t.lesion_ids for t in fixing_operations(cf))):
        found.superseded.append(("the lesion is fixed", "病灶已固定"))
        return found
    if solitary:
        found.add(
            f"solitary bone lesion ({site_en(cf.lesions[0])})",
            f"孤立性骨病灶（{site_zh(cf.lesions[0])}）",
        )
    if histology == Histology.NOT_CONFIRMED:
        found.add("no histologically confirmed cancer", "无组织学确诊")
    elif histology is None:
        found.missing.append("histology")
    diagnosed = cf.case.diagnosis_date
    if diagnosed is None:
        found.missing.append("diagnosis_date (disease-free interval)")
    else:
        detected = [lesion.detected_date for lesion in cf.lesions if lesion.detected_date]
        first = min(detected, default=cf.case.referral_date)
        years = ctx.policy.long_disease_free_years
        if first - diagnosed >= timedelta(days=years * 365 + years // 4):
            found.add(
                f"long disease-free interval ({(first - diagnosed).days // 365} years from diagnosis)",
                f"无病间期长（确诊后{(first - diagnosed).days // 365}年）",
            )
    return found


def ortho_biopsy(ctx: RuleContext) -> Outcome:
    found = biopsy_findings(ctx)
    if not found.en and found.superseded:
        return not_fired("; ".join(en for en, _ in found.superseded), "；".join(zh for _, zh in found.superseded))
    if found.en and mscc_findings(ctx).en:
        # In an MSCC emergency the biopsy is taken at decompression, never "before any fixation".
        return fired(
            found.en,
            found.zh,
            text=(
                "Biopsy at decompression (send tissue for histology); staging alongside — do not delay the MSCC pathway",
                "减压术中活检（送组织病理）；同时完成分期——不得延误脊髓压迫处理流程",
            ),
        )
    return found.outcome()


def surgical_indications(ctx: RuleContext) -> list[tuple[str, str]]:
    """Facts that put surgery on the table, (en, zh) (named when ``surgery_planned`` is not
    recorded)."""
    reasons: list[tuple[str, str]] = []
    for lesion in ctx.cf.lesions:
        if lesion.pathological_fracture and not lesion.fracture_fixed:
            reasons.append((f"pathological fracture at {site_en(lesion)}", f"{site_zh(lesion)}病理性骨折"))
    mirels, _ = scored(ctx, "mirels", total_at_least(9))
    sins, _ = scored(ctx, "sins", total_at_least(13))
    reasons += [(s.label, s.label_zh) for s in (*mirels, *sins)]
    if mscc_findings(ctx).en:
        reasons.append(("suspected MSCC", "疑似脊髓压迫"))
    return reasons


def ortho_embolise(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    hypervascular = case.primary_tumour in HYPERVASCULAR_PRIMARIES or case.histology in HYPERVASCULAR_HISTOLOGY
    if not hypervascular:
        return not_fired()
    if case.surgery_planned is False:
        return not_fired("no surgery planned", "未计划手术")
    tumour = case.primary_tumour if case.histology is None else case.histology
    what, what_zh = word(tumour), word(tumour, "zh")
    if case.surgery_planned:
        return fired(
            f"hypervascular primary ({what}) planned for surgery",
            f"富血供原发肿瘤（{what_zh}）拟行手术",
        )
    # Not recorded: an open surgical indication keeps the reminder (bleeding risk); without
    # one, whether surgery is planned (e.g. a solitary metastasectomy) must be recorded.
    indications = surgical_indications(ctx)
    if not indications:
        return needs("surgery_planned")
    return fired(
        f"hypervascular primary ({what}) with a surgical indication (whether surgery is planned "
        "is not recorded): " + "; ".join(en for en, _ in indications),
        f"富血供原发肿瘤（{what_zh}）且有手术指征（未记录是否拟手术）：" + "；".join(zh for _, zh in indications),
    )


def _stale_first(hits: list[DerivedScore], row_text: tuple[str, str]) -> Outcome:
    """Fire on the lesion scores met; when every one is on findings older than the window (safety
    rule 2), the suggestion starts with re-imaging: the row's own text waits for current findings."""
    fresh, stale = split_stale(hits)
    if fresh:
        return fired(labels(hits), labels_zh(hits))
    en, zh = row_text
    return fired(
        labels(stale),
        labels_zh(stale),
        text=(
            "Re-image the lesion first (the findings are older than 8 weeks); if confirmed: " + en[0].lower() + en[1:],
            "请先复查影像（所见已超过8周）；如得到证实：" + zh,
        ),
    )


MIRELS_HIGH_TEXT = (
    "Prophylactic internal fixation before radiotherapy, if fit for surgery",
    "如可耐受手术，放疗前行预防性内固定",
)
SINS_UNSTABLE_TEXT = (
    "Surgical stabilisation if fit; spinal precautions meanwhile",
    "如可耐受手术行脊柱固定；其间采取脊柱保护措施（轴线翻身、避免扭转屈曲，必要时支具）",
)


def ortho_mirels_high(ctx: RuleContext) -> Outcome:
    hits, missing = scored(ctx, "mirels", total_at_least(9))
    if hits:
        return _stale_first(hits, MIRELS_HIGH_TEXT)
    return needs(*missing) if missing else not_fired()


def ortho_mirels_8(ctx: RuleContext) -> Outcome:
    hits, missing = scored(ctx, "mirels", total_between(8, 8))
    if hits:
        return fired(labels(hits), labels_zh(hits))
    return needs(*missing) if missing else not_fired()


def ortho_sins_consult(ctx: RuleContext) -> Outcome:
    hits, missing = scored(ctx, "sins", total_between(7, 12))
    calls = {lesion.lesion_id: lesion.surgeon_stability for lesion in ctx.cf.lesions if lesion.surgeon_stability is not None}
    # A level the spine surgeon has already called stable or unstable needs no further opinion.
    open_hits = [s for s in hits if s.lesion_id is None or s.lesion_id not in calls]
    if open_hits:
        return fired(labels(open_hits), labels_zh(open_hits))
    if missing:
        return needs(*missing)
    if hits:
        done = [(s, calls[s.lesion_id]) for s in hits if s.lesion_id is not None]
        return not_fired(
            "opinion recorded: " + "; ".join(f"{s.label}: spine surgeon calls it {call.value}" for s, call in done),
            "已有外科意见：" + "；".join(f"{s.label_zh}：脊柱外科判断为{STABILITY_ZH[call]}" for s, call in done),
        )
    return not_fired()


def ortho_sins_unstable(ctx: RuleContext) -> Outcome:
    hits, missing = scored(ctx, "sins", total_at_least(13))
    if hits:
        return _stale_first(hits, SINS_UNSTABLE_TEXT)  # spinal precautions meanwhile, whatever the age
    return needs(*missing) if missing else not_fired()


def ortho_fracture(ctx: RuleContext) -> Outcome:
    treated = treated_lesion_ids(ctx)
    fractures = [
        lesion
        for lesion in ctx.cf.lesions
        if lesion.pathological_fracture and not lesion.fracture_fixed and lesion.lesion_id not in treated
    ]
    if not fractures:
        return not_fired()
    biopsy = biopsy_findings(ctx)
    if biopsy.en:
        return not_fired(
            "ORTHO-BIOPSY applies first: " + "; ".join(biopsy.en),
            "需先行ORTHO-BIOPSY：" + "；".join(biopsy.zh),
        )
    if biopsy.missing:
        return needs(*biopsy.missing)
    return fired(
        f"pathological fracture at {sites(fractures)}, not fixed",
        f"{sites_zh(fractures)}病理性骨折，未固定",
    )


def ortho_cement(ctx: RuleContext) -> Outcome:
    candidates = [
        lesion
        for lesion in ctx.cf.lesions
        if lesion.is_spinal and lesion.collapse in (Collapse.LT_50, Collapse.GT_50) and is_painful(lesion)
    ]
    if not candidates:
        return not_fired("no painful vertebral compression fracture", "无疼痛性椎体压缩骨折")
    case = ctx.cf.case
    if has_neuro_deficit(ctx.cf):
        return not_fired("neurological deficit present", "存在神经功能缺损")
    missing: list[str] = []
    if not case.neuro_assessed:
        missing.append("neurological assessment (neuro_assessed)")
    sins_by_lesion = {s.lesion_id: s for s in ctx.scores.lesion_scores("sins")}
    alone: list[DerivedScore] = []  # SINS < 13: augmentation on its own
    with_fixation: list[DerivedScore] = []  # SINS >= 13: only as part of stabilisation
    excluded_en: list[str] = []
    excluded_zh: list[str] = []
    for lesion in candidates:
        site = lesion.site_label()
        treated = augmented_or_fixed_after_findings(ctx.cf, lesion)
        if treated is not None:
            # Safety rule 3: a level cemented or fixed after its findings is judged on newer findings.
            on = treated.start_date.isoformat()
            excluded_en.append(f"{site_en(lesion)} treated after these findings ({treated.name}, {on})")
            excluded_zh.append(f"{site_zh(lesion)}已在上述影像之后治疗（{treated.name}，{on}）")
            continue
        if lesion.bilsky is None:
            missing.append(f"escc_grade ({site})")
            continue
        if lesion.bilsky not in (BilskyGrade.G0, BilskyGrade.G1A):
            excluded_en.append(f"Bilsky {lesion.bilsky.value} at {site_en(lesion)}")
            excluded_zh.append(f"{site_zh(lesion)} Bilsky {lesion.bilsky.value}级")
            continue
        if lesion.posterior_wall_intact is False:
            excluded_en.append(f"posterior wall not intact at {site_en(lesion)}")
            excluded_zh.append(f"{site_zh(lesion)}椎体后壁不完整")
            continue
        sins = sins_by_lesion.get(lesion.lesion_id)
        if sins is None or not sins.complete or sins.total is None:
            missing.append(f"sins ({site})")
            continue
        if lesion.posterior_wall_intact is None:
            missing.append(f"posterior_wall_intact ({site})")
            continue
        (with_fixation if sins.total >= 13 else alone).append(sins)
    if (alone or with_fixation) and case.neuro_assessed:
        en = [f"painful compression fracture, posterior wall intact: {s.label}" for s in alone]
        zh = [f"疼痛性压缩骨折，椎体后壁完整：{s.label_zh}" for s in alone]
        en += [f"{s.label}: only as part of stabilisation" for s in with_fixation]
        zh += [f"{s.label_zh}：仅作为固定手术的一部分" for s in with_fixation]
        text = None
        if not alone:
            text = (
                "Vertebroplasty / kyphoplasty only as part of surgical stabilisation (SINS ≥ 13)",
                "仅在脊柱固定手术中联合椎体成形术/后凸成形术（SINS ≥13）",
            )
        return fired(en, zh, text=text)
    if missing:
        return needs(*missing)
    return not_fired("not a candidate: " + "; ".join(excluded_en), "不适合：" + "；".join(excluded_zh))


def contra_findings(ctx: RuleContext) -> Findings:
    cf, policy = ctx.cf, ctx.policy
    found = Findings()
    weeks = survival_weeks(ctx)
    if weeks is None:
        found.missing.append("expected_survival_weeks")
    else:
        if weeks < policy.surgery_min_survival_weeks:
            found.add(
                f"expected survival {weeks} weeks < {policy.surgery_min_survival_weeks} weeks (any surgery)",
                f"预计生存期{weeks}周<{policy.surgery_min_survival_weeks}周（任何手术）",
            )
        elif mscc_findings(ctx).en and weeks < policy.mscc_decompression_min_survival_weeks:
            found.add(
                f"expected survival {weeks} weeks < "
                f"{policy.mscc_decompression_min_survival_weeks} weeks (MSCC decompression, "
                "Patchell)",
                f"预计生存期{weeks}周<{policy.mscc_decompression_min_survival_weeks}周（MSCC减压手术，Patchell标准）",
            )
    # Read exactly as surgical candidacy reads it (ORTHO-MSCC-DECOMPRESS, core.rules.mscc_surgery).
    paraplegia, unknown = paraplegia_over_48h(cf)
    if paraplegia is not None:
        found.add(*paraplegia)
    elif unknown is not None:
        found.missing.append(unknown)
    ecog, converted = ecog_value(ctx)
    if ecog is not None and ecog >= 3:
        via_en, via_zh = (f" (from KPS {cf.case.kps})", f"（由KPS {cf.case.kps}分换算）") if converted else ("", "")
        limited = cf.case.ecog_limited_by_lesion
        if limited is True:
            pass  # the lesion itself limits performance: not a contraindication (decision)
        elif limited is None and new_neuro_deficit(cf):
            # Decision "Performance status": not recorded with a NEW deficit present -> not a
            # contraindication, and the banner asks (also when nothing else fires the rule).
            found.asks.append(
                (
                    f"ECOG {ecog}{via_en} with a new neurological deficit: is performance limited by the lesion itself? "
                    "(not counted as a contraindication meanwhile)",
                    f"ECOG {ecog}分{via_zh}伴新发神经功能缺损：体能受限是否由病灶本身所致？（在此之前不视为手术禁忌）",
                )
            )
        else:
            found.add(
                f"ECOG {ecog}{via_en} — not caused by the lesion itself"
                if limited is False
                else f"ECOG {ecog}{via_en} — a contraindication unless the lesion itself causes it",
                f"ECOG {ecog}分{via_zh}——非病灶本身所致"
                if limited is False
                else f"ECOG {ecog}分{via_zh}——除非由病灶本身所致，否则为手术禁忌",
            )
    platelets = lab(ctx, Analyte.PLATELETS)
    if platelets is None:
        found.missing.append("platelets")
    elif platelets.value < CONTRA_PLATELETS_BELOW:
        found.add(f"platelets {fmt(platelets.value)} ×10⁹/L", f"血小板 {fmt(platelets.value)}×10⁹/L")
    if cf.case.active_bleeding:
        found.add("active bleeding", "活动性出血")
    if cf.case.coagulopathy:
        found.add("coagulopathy", "凝血功能障碍")
    if cf.case.infection:
        found.add("infection", "感染")
    return found


def new_neuro_deficit(cf: CaseFile) -> bool:
    """A new neurological deficit (decision "Performance status"): a Frankel A-D that counts as new
    (newness not recorded counts as new, safety rule 1), or recorded neurological signs unless the
    Frankel deficit they belong to is recorded as not new."""
    if new_frankel_deficit(cf):
        return True
    case = cf.case
    old_deficit = case.frankel not in (None, Frankel.E) and case.frankel_new is False
    return bool(neuro_signs(cf)) and not old_deficit


def ortho_contra(ctx: RuleContext) -> Outcome:
    found = contra_findings(ctx)
    if found.en:
        return fired(found.en, found.zh, banner=found.asks)
    if found.missing:
        return needs(*found.missing, banner=found.asks)
    return not_fired(banner=found.asks)


def ortho_prognosis(ctx: RuleContext) -> Outcome:
    kind = haematological_kind(ctx.cf.case)
    if kind is not None:
        return not_fired(
            f"strategy bands do not apply to haematological malignancy ({word(kind)}{on_histology(ctx.cf.case)})",
            f"策略分级不适用于血液系统恶性肿瘤（{word(kind, 'zh')}{on_histology(ctx.cf.case, 'zh')}）",
        )
    found = Findings()
    actions_en: list[str] = []
    actions_zh: list[str] = []
    for score_id in ("tomita", "tokuhashi_revised"):
        score = ctx.scores.patient.get(score_id)
        if score is None or not score.applicable:
            continue
        if score.complete:
            found.add(score.label, score.label_zh)
            actions_en.append(
                f"{score.label}: the band's strategy is {score.result.action_en[:1].lower()}{score.result.action_en[1:]}"
            )
            actions_zh.append(f"{score.label_zh}：该分级对应的策略为{score.result.action_zh}")
        else:
            found.missing.extend(f"{score_id}.{name}" for name in score.missing)
    if found.en:
        text = (
            "Prognosis context (not an order, not a competing recommendation): " + "; ".join(actions_en),
            "预后参考：" + "；".join(actions_zh) + "（仅供参考，非医嘱，亦非竞争性建议）",
        )
        return fired(found.en, found.zh, text=text)
    return found.outcome()


SPECIALTY = "orthopaedics"

RULES: tuple[Rule, ...] = (
    Rule(
        id="ORTHO-BIOPSY",
        specialty=SPECIALTY,
        urgency="urgent",
        text_en="Staging and biopsy (planned with orthopaedic oncology) before any fixation",
        text_zh="任何内固定前先行分期和活检（与骨肿瘤科共同计划）",
        rationale_en="Nailing an undiagnosed primary bone sarcoma contaminates the canal.",
        rationale_zh="对未确诊的原发骨肉瘤行髓内钉固定会污染髓腔。",
        source="BOA 2015 good practice",
        condition=ortho_biopsy,
    ),
    Rule(
        id="ORTHO-EMBOLISE",
        specialty=SPECIALTY,
        urgency="urgent",
        text_en="Pre-operative embolisation (surgery within 48 h of it)",
        text_zh="术前栓塞（栓塞后48小时内手术）",
        rationale_en="Hypervascular metastases (renal cell, thyroid) bleed heavily at surgery.",
        rationale_zh="富血供转移瘤（肾细胞癌、甲状腺癌）术中出血多。",
        source="lecture (RCC is hypervascular); BOA 2015",
        condition=ortho_embolise,
    ),
    Rule(
        id="ORTHO-MSCC-DECOMPRESS",
        specialty=SPECIALTY,
        urgency="emergency",
        precedence=NEUROLOGY,
        text_en="Same-day spinal surgical opinion for decompression ± stabilisation, then post-operative radiotherapy",
        text_zh="当天请脊柱外科会诊，行减压±固定术，术后放疗",
        rationale_en="RF-MSCC in a surgical candidate: fit, expected survival ≥ {mscc_decompression_min_survival_weeks} "
        "weeks, no paraplegia > 48 h, compression at one level (contiguous levels count as one), not a highly "
        "radiosensitive tumour (lymphoma, myeloma, germ cell, small-cell lung).",
        rationale_zh="脊髓压迫且适合手术：可耐受手术、预计生存期≥{mscc_decompression_min_survival_weeks}周、"
        "无截瘫>48小时、单一节段受压（连续节段视为一处）、非高度放疗敏感肿瘤（淋巴瘤、多发性骨髓瘤、生殖细胞肿瘤、小细胞肺癌）。",
        source="Patchell 2005; NICE NG234",
        condition=ortho_mscc_decompress,
    ),
    Rule(
        id="ORTHO-MIRELS-HIGH",
        specialty=SPECIALTY,
        urgency="urgent",
        precedence=STABILITY,
        text_en=MIRELS_HIGH_TEXT[0],
        text_zh=MIRELS_HIGH_TEXT[1],
        rationale_en="Mirels ≥ 9: fracture risk ≥ 33 % at 6 months.",
        rationale_zh="Mirels ≥9分：6个月骨折风险≥33%。",
        source="Mirels 1989",
        condition=ortho_mirels_high,
    ),
    Rule(
        id="ORTHO-MIRELS-8",
        specialty=SPECIALTY,
        urgency="routine",
        precedence=STABILITY,
        text_en="Consider prophylactic fixation; clinical judgement",
        text_zh="考虑预防性内固定；结合临床判断",
        rationale_en="Mirels 8: borderline, about 15 % fracture risk.",
        rationale_zh="Mirels 8分：临界，骨折风险约15%。",
        source="Mirels 1989",
        condition=ortho_mirels_8,
    ),
    Rule(
        id="ORTHO-SINS-CONSULT",
        specialty=SPECIALTY,
        urgency="urgent",
        precedence=STABILITY,
        text_en="Spine-surgery opinion before radiotherapy (potentially unstable)",
        text_zh="放疗前请脊柱外科会诊（潜在不稳定）",
        rationale_en="SINS 7–12: potentially unstable.",
        rationale_zh="SINS 7–12分：潜在不稳定。",
        source="Fisher 2010 (SOSG)",
        condition=ortho_sins_consult,
    ),
    Rule(
        id="ORTHO-SINS-UNSTABLE",
        specialty=SPECIALTY,
        urgency="urgent",
        precedence=STABILITY,
        text_en=SINS_UNSTABLE_TEXT[0],
        text_zh=SINS_UNSTABLE_TEXT[1],
        rationale_en="SINS 13–18: unstable.",
        rationale_zh="SINS 13–18分：不稳定。",
        source="Fisher 2010",
        condition=ortho_sins_unstable,
    ),
    Rule(
        id="ORTHO-FRACTURE",
        specialty=SPECIALTY,
        urgency="urgent",
        precedence=STABILITY,
        text_en="Fixation within 24–48 h of diagnosis if fit: intramedullary nail for the shaft, "
        "arthroplasty for the femoral head/neck",
        text_zh="如可耐受，确诊后24–48小时内固定：骨干骨折用髓内钉，股骨头/颈骨折行关节置换",
        rationale_en="Early fixation relieves pain and restores function.",
        rationale_zh="早期固定可缓解疼痛、恢复功能。",
        source="lecture",
        condition=ortho_fracture,
    ),
    Rule(
        id="ORTHO-CEMENT",
        specialty=SPECIALTY,
        urgency="routine",
        precedence=STABILITY,
        text_en="Vertebroplasty / kyphoplasty",
        text_zh="椎体成形术/后凸成形术",
        rationale_en="Painful compression fracture without deficit, posterior wall intact, "
        "Bilsky 0–1a, SINS < 13 (or as part of stabilisation).",
        rationale_zh="疼痛性压缩骨折、无神经功能缺损、椎体后壁完整、Bilsky 0–1a级、SINS <13（或作为固定手术的一部分）。",
        source="lecture; NOMS",
        condition=ortho_cement,
    ),
    Rule(
        id="ORTHO-CONTRA",
        specialty=SPECIALTY,
        urgency="urgent",
        precedence=STABILITY,
        text_en="Surgery not advised (see the condition named)",
        text_zh="不建议手术（见所列条件）",
        rationale_en="Expected survival < {surgery_min_survival_weeks} weeks (any surgery) or "
        "< {mscc_decompression_min_survival_weeks} weeks (MSCC decompression); paraplegia "
        "> 48 h; ECOG ≥ 3 not caused by the lesion; platelets < 50 ×10⁹/L, coagulopathy or "
        "infection.",
        rationale_zh="预计生存期<{surgery_min_survival_weeks}周（任何手术）或"
        "<{mscc_decompression_min_survival_weeks}周（MSCC减压）；截瘫>48小时；"
        "非病灶所致的ECOG≥3分；血小板<50×10⁹/L、凝血障碍或感染。",
        source="lecture; Patchell 2005",
        condition=ortho_contra,
    ),
    Rule(
        id="ORTHO-PROGNOSIS",
        specialty=SPECIALTY,
        urgency="routine",
        precedence=PROGNOSIS,
        text_en="The strategy the Tomita / Tokuhashi band names, shown as prognosis context",
        text_zh="Tomita/Tokuhashi分级对应的策略，仅作预后参考",
        rationale_en="Strategy bands are context, not competing recommendations; solid tumours only.",
        rationale_zh="策略分级仅供参考，不作为竞争性建议；仅适用于实体瘤。",
        source="Tomita 2001; Tokuhashi 2005",
        condition=ortho_prognosis,
    ),
)
