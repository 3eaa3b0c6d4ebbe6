"""Radiotherapy rules (docs/clinical/rules.md "Radiotherapy"); NOMS lives in ``noms.py``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from core.derive import haematological_kind, word
from core.derive.tables import ADT_NAMES, SYSTEMIC_KINDS
from core.i18n import MESSAGES
from core.models import Analyte, BilskyGrade, Lesion, SurgeonStability, Treatment, TreatmentKind, VisceralMets
from core.rules.base import (
    NEUROLOGY,
    Outcome,
    Rule,
    RuleContext,
    describe_missing,
    fired,
    fmt,
    needs,
    not_fired,
)
from core.rules.facts import (
    RADIORESISTANT,
    Findings,
    ecog_value,
    has_neuro_deficit,
    is_active,
    katagiri_band,
    lab,
    mscc_findings,
    painful_lesions,
    painful_unirradiated,
    site_en,
    site_zh,
    sites,
    sites_zh,
    surgery_records,
    survival_weeks,
)
from core.rules.mscc_surgery import mscc_candidate
from core.rules.treatment_state import fixing_operations, last_radiotherapy, radiotherapy_after, within_weeks

LOW_GRADE_FOR_SBRT = (BilskyGrade.G0, BilskyGrade.G1A, BilskyGrade.G1B)
OLIGOMETASTATIC_MAX_LESIONS = 5
REIRRADIATION_AFTER = timedelta(weeks=4)


def _short_course(ctx: RuleContext) -> tuple[bool | None, str, str]:
    """Whether expected survival < policy threshold or Katagiri is high risk (None: unknown).
    The Katagiri band is not read for haematological malignancy (myeloma, lymphoma, by primary or
    confirmed histology): RULES.md precedence says the strategy bands do not apply to it, although
    Katagiri's own cohort included myeloma."""
    threshold = ctx.policy.rt_single_fraction_survival_weeks
    weeks = survival_weeks(ctx)
    katagiri = None if haematological_kind(ctx.cf.case) is not None else katagiri_band(ctx)
    if weeks is not None and weeks < threshold:
        return (
            True,
            f"expected survival {weeks} weeks < {threshold}",
            f"预计生存期{weeks}周<{threshold}周",
        )
    if katagiri == "high_risk":
        score = ctx.scores.patient["katagiri_new"]
        return True, f"Katagiri {score.total} (high risk)", f"Katagiri {score.total}分（高危）"
    if weeks is not None:
        return (
            False,
            f"expected survival {weeks} weeks ≥ {threshold}",
            f"预计生存期{weeks}周≥{threshold}周",
        )
    if katagiri is not None:
        score = ctx.scores.patient["katagiri_new"]
        return (
            False,
            f"Katagiri {score.total} ({katagiri}); expected survival not recorded",
            f"Katagiri {score.total}分（{katagiri}）；未记录预计生存期",
        )
    return None, "", ""


def _pain_rule(ctx: RuleContext, want_short: bool) -> Outcome:
    lesions, irradiated = painful_unirradiated(ctx)
    if not lesions:
        if irradiated:
            return not_fired(
                f"painful lesion at {sites(irradiated)} irradiated already (see RT-REIRR)",
                f"{sites_zh(irradiated)}疼痛病灶已放疗（见RT-REIRR）",
            )
        return not_fired("no painful lesion recorded", "未记录疼痛病灶")
    short, en, zh = _short_course(ctx)
    if short is None:
        if haematological_kind(ctx.cf.case) is not None:
            return needs("expected_survival_weeks")  # the Katagiri band is not read here
        return needs("expected_survival_weeks", "katagiri_new")
    if short != want_short:
        return not_fired(en, zh)
    return fired(f"painful lesion at {sites(lesions)}; {en}", f"{sites_zh(lesions)}疼痛病灶；{zh}")


def rt_pain_short(ctx: RuleContext) -> Outcome:
    return _pain_rule(ctx, want_short=True)


def rt_pain_long(ctx: RuleContext) -> Outcome:
    return _pain_rule(ctx, want_short=False)


def _separation_surgery(ctx: RuleContext, lesion: Lesion) -> bool:
    return any(t.lesion_id is not None and t.lesion_id == lesion.lesion_id for t in surgery_records(ctx))


def rt_sbrt(ctx: RuleContext) -> Outcome:
    cf, policy = ctx.cf, ctx.policy
    if not cf.lesions:
        return not_fired("no bone lesion recorded", "未记录骨病灶")
    missing: list[str] = []
    ecog, converted = ecog_value(ctx)
    if ecog is None:
        missing.append("ecog")
    elif ecog > 1:
        return not_fired(f"ECOG {ecog} > 1", f"ECOG {ecog}分>1")
    weeks = survival_weeks(ctx)
    if weeks is None:
        missing.append("expected_survival_weeks")
    elif weeks < policy.sbrt_min_survival_weeks:
        return not_fired(
            f"expected survival {weeks} weeks < {policy.sbrt_min_survival_weeks}",
            f"预计生存期{weeks}周<{policy.sbrt_min_survival_weeks}周",
        )
    if has_neuro_deficit(cf):
        return not_fired("neurological deficit present", "存在神经功能缺损")
    if not cf.case.neuro_assessed:
        missing.append("neurological assessment (neuro_assessed)")
    sins = {s.lesion_id: s for s in ctx.scores.lesion_scores("sins")}
    targets: list[Lesion] = []
    notes_en: list[str] = []
    notes_zh: list[str] = []
    for lesion in cf.lesions:
        if not lesion.is_spinal:
            targets.append(lesion)
            continue
        separated = _separation_surgery(ctx, lesion)
        if lesion.bilsky is None and not separated:
            missing.append(f"escc_grade ({lesion.site_label()})")
            continue
        if lesion.bilsky not in LOW_GRADE_FOR_SBRT and not separated:
            continue
        score = sins.get(lesion.lesion_id)
        if score is None or not score.complete or score.total is None:
            missing.append(f"sins ({lesion.site_label()})")
            continue
        if score.total > 12 and not separated:
            continue
        if 7 <= score.total <= 12 and not separated:
            call = lesion.surgeon_stability
            if call == SurgeonStability.UNSTABLE:
                continue  # stabilise first (NOMS 'M' unstable)
            if call == SurgeonStability.STABLE:
                notes_en.append(f"{score.label}: spine surgeon calls it stable")
                notes_zh.append(f"{score.label_zh}：脊柱外科判断为稳定")
            else:
                notes_en.append(f"{score.label}: spine-surgery opinion first")
                notes_zh.append(f"{score.label_zh}：需先请脊柱外科会诊")
        targets.append(lesion)
    if missing:
        return needs(*missing)
    mirels = {m.lesion_id: m for m in ctx.scores.lesion_scores("mirels")}
    for lesion in list(targets):
        score = mirels.get(lesion.lesion_id)
        if (lesion.pathological_fracture and not lesion.fracture_fixed) or (
            score is not None and score.complete and score.total is not None and score.total >= 9
        ):
            targets.remove(lesion)  # fixation first (ORTHO-FRACTURE / ORTHO-MIRELS-HIGH)
    if not targets:
        return not_fired("no lesion meets the Bilsky/SINS/Mirels conditions", "无病灶满足Bilsky/SINS/Mirels条件")
    why = Findings()
    all_targets = True  # oligometastatic / radioresistant: every target qualifies
    oligo = _oligometastatic(ctx, why)
    if cf.case.primary_tumour in RADIORESISTANT:
        why.add(
            f"radioresistant histology ({word(cf.case.primary_tumour)})",
            f"放疗抵抗组织学类型（{word(cf.case.primary_tumour, 'zh')}）",
        )
    reirradiated = [lesion for lesion in targets if lesion.is_spinal and lesion.prior_rt_dose_gy is not None]
    if reirradiated:
        why.add(
            f"spine re-irradiation ({sites(reirradiated)})",
            f"脊柱再程放疗（{sites_zh(reirradiated)}）",
        )
        if not oligo and cf.case.primary_tumour not in RADIORESISTANT:
            all_targets = False
    if not why.en:
        if why.missing:
            return needs(*why.missing)
        return not_fired(
            "not oligometastatic with a controlled primary, not radioresistant, no spine re-irradiation",
            "非原发灶已控制的寡转移、非放疗抵抗、无脊柱再程放疗",
        )
    # Safety rule 6: RT-SBRT names only the lesions that meet all its conditions.
    named = targets if all_targets else reirradiated
    via_en, via_zh = (f" (from KPS {cf.case.kps})", f"（由KPS {cf.case.kps}分换算）") if converted else ("", "")
    return fired(
        [
            f"ECOG {ecog}{via_en}",
            f"expected survival {weeks} weeks",
            *why.en,
            *notes_en,
            "targets: " + sites(named),
        ],
        [
            f"ECOG {ecog}分{via_zh}",
            f"预计生存期{weeks}周",
            *why.zh,
            *notes_zh,
            "靶区：" + sites_zh(named),
        ],
        targets=", ".join(lesion.site_label() for lesion in named),
    )


def _oligometastatic(ctx: RuleContext, why: Findings) -> bool:
    """Oligometastatic: at most 5 metastases counted in every organ, with a controlled primary.
    Visceral metastases present with an unknown count: not oligometastatic (safety rule 6)."""
    case = ctx.cf.case
    count = len(ctx.cf.lesions)
    if count > OLIGOMETASTATIC_MAX_LESIONS:
        return False
    if case.visceral_mets is None:
        why.missing.append("visceral_mets (oligometastatic: metastases in every organ count)")
        return False
    if case.visceral_mets != VisceralMets.NONE:
        return False
    if case.primary_controlled is True:
        why.add(
            f"oligometastatic ({count} bone lesion{'' if count == 1 else 's'}, no visceral metastases, primary controlled)",
            f"寡转移（{count}处骨病灶，无内脏转移，原发灶已控制）",
        )
        return True
    if case.primary_controlled is None:
        why.missing.append(f"primary_controlled (oligometastatic: {count} lesions)")
    return False


def _operated(ctx: RuleContext) -> list[tuple[str, str, str, str]]:
    """(site en, site zh, date en, date zh) of bone or spine operations within the post-operative
    window whose lesions have had no radiotherapy since (decision "Post-operative rules")."""
    cf = ctx.case_file
    weeks = ctx.policy.postop_window_weeks
    operated: list[tuple[str, str, str, str]] = []
    for t in fixing_operations(cf):
        if not within_weeks(cf, t.start_date, weeks) or radiotherapy_after(cf, t.lesion_ids, t.start_date):
            continue
        lesions = [les for les in cf.lesions if les.lesion_id is not None and les.lesion_id in t.lesion_ids]
        when = t.start_date.isoformat()
        if lesions:
            operated.append((sites(lesions), sites_zh(lesions), when, when))
        else:
            operated.append((t.name, t.name, when, when))
    return operated


def rt_postop(ctx: RuleContext) -> Outcome:
    operated = _operated(ctx)
    if not operated:
        return not_fired(
            f"no bone or spine operation in the last {ctx.policy.postop_window_weeks} weeks awaiting radiotherapy",
            f"近{ctx.policy.postop_window_weeks}周内无待放疗的骨/脊柱手术",
        )
    return fired(
        [f"operated at {site} ({when})" for site, _, when, _ in operated],
        [f"{site}已手术（{when}）" for _, site, _, when in operated],
    )


PENDING_OPINION = (
    "Emergency radiotherapy as soon as possible, ideally within 24 h (8/1, 16/2, 20/5 or 30/10) — the "
    "alternative pending the same-day surgical opinion",
    "尽快急诊放疗，最好在24小时内（8 Gy/1次、16 Gy/2次、20 Gy/5次或30 Gy/10次）——在当天外科意见前作为备选",
)


def rt_mscc(ctx: RuleContext) -> Outcome:
    mscc = mscc_findings(ctx)
    if not mscc.en:
        return not_fired("RF-MSCC not raised", "未触发脊髓压迫红旗") if not mscc.missing else needs(*mscc.missing)
    candidate, against, _, missing = mscc_candidate(ctx)
    if candidate is True:
        return not_fired(
            "surgical candidate: decompression first (ORTHO-MSCC-DECOMPRESS), then radiotherapy",
            "可手术：先减压（ORTHO-MSCC-DECOMPRESS），再放疗",
        )
    if candidate is None:
        asks = [describe_missing(code) for code in missing]
        return fired(
            ["MSCC: " + mscc.en[0], "surgical candidacy not yet known: " + "; ".join(en for en, _ in asks)],
            ["脊髓压迫：" + mscc.zh[0], "尚不能确定是否适合手术：" + "；".join(zh for _, zh in asks)],
            text=PENDING_OPINION,
            banner=[
                (f"MSCC: record {en} (same-day surgical opinion)", f"脊髓压迫：请记录{zh}（当天外科意见）") for en, zh in asks
            ],
            pending="surgical_opinion",
        )
    return fired(["MSCC: " + mscc.en[0], *(en for en, _ in against)], ["脊髓压迫：" + mscc.zh[0], *(zh for _, zh in against)])


def rt_reirr(ctx: RuleContext) -> Outcome:
    cf = ctx.cf
    hits: list[str] = []
    hits_zh: list[str] = []
    for lesion in painful_lesions(ctx):
        last = last_radiotherapy(cf, lesion)
        if last is None:
            continue
        if cf.as_of - last > REIRRADIATION_AFTER:
            days = (cf.as_of - last).days
            hits.append(f"{site_en(lesion)} painful {days} days after RT")
            hits_zh.append(f"{site_zh(lesion)}放疗后{days}天仍疼痛")
    if not hits:
        return not_fired()
    return fired(hits, hits_zh)


RADIUM_COURSE = 6
RADIUM_INTERVAL = timedelta(weeks=4)
# Pre-dose counts for the second and later injections (Xofigo label; docs/clinical/scores.md section 14).
RADIUM_NEXT_ANC_FROM = Decimal("1.0")
RADIUM_NEXT_PLATELETS_FROM = Decimal("50")


def radium_injections(ctx: RuleContext) -> list[Treatment]:
    return sorted(
        (
            t
            for t in ctx.cf.treatments
            if t.kind == TreatmentKind.RADIONUCLIDE
            and t.start_date <= ctx.cf.as_of
            and any(w in t.name.casefold() for w in ("radium", "ra-223", "xofigo"))
        ),
        key=lambda t: t.start_date,
    )


def _radium_combinations(ctx: RuleContext, course_start: date) -> list[tuple[str, str]]:
    """Treatments radium-223 must not be given with (RT-RA223; EMA 2018): abiraterone +
    prednisone/prednisolone, and other systemic therapy except ADT -- each named, with its start
    when it began during the course."""
    found: list[tuple[str, str]] = []
    active = [t for t in ctx.cf.treatments if is_active(t, ctx) and t not in radium_injections(ctx)]

    def named(ts: list[Treatment]) -> tuple[str, str]:
        en = ", ".join(t.name + (f" (started {t.start_date.isoformat()})" if t.start_date >= course_start else "") for t in ts)
        zh = "、".join(t.name + (f"（{t.start_date.isoformat()}开始）" if t.start_date >= course_start else "") for t in ts)
        return en, zh

    abiraterone = [t for t in active if "abiraterone" in t.name.casefold()]
    if abiraterone:
        steroid = [t for t in active if any(w in t.name.casefold() for w in ("prednisolone", "prednisone"))]
        en, zh = named(abiraterone + steroid)
        found.append(
            (
                f"on {en}: radium-223 must not be given with abiraterone + prednisone/prednisolone (EMA 2018)",
                f"正在使用{zh}：镭-223不得与阿比特龙+泼尼松/泼尼松龙联用（EMA 2018）",
            )
        )
    other = [
        t for t in active if t.kind in SYSTEMIC_KINDS and not any(w in t.name.casefold() for w in (*ADT_NAMES, "abiraterone"))
    ]
    if other:
        en, zh = named(other)
        found.append(
            (
                f"on {en}: radium-223 only with ADT, not with other systemic therapy",
                f"正在使用{zh}：镭-223仅可与雄激素剥夺治疗（ADT）联用，不与其他全身治疗联用",
            )
        )
    return found


def rt_ra223(ctx: RuleContext) -> Outcome:
    score = ctx.scores.patient.get("radium_223")
    if score is None:
        return not_fired("prostate cancer only", "仅适用于前列腺癌")
    given = radium_injections(ctx)
    k = len(given)
    if k >= RADIUM_COURSE:
        # Safety rule 6: a course of at most 6 injections; never suggested again after it.
        return not_fired(
            f"radium-223 course complete: {k} of {RADIUM_COURSE} injections given (last {given[-1].start_date.isoformat()})",
            f"镭-223疗程已完成：已注射{k}/{RADIUM_COURSE}次（末次{given[-1].start_date.isoformat()}）",
        )
    if k:
        due = given[-1].start_date + RADIUM_INTERVAL
        anc, platelets = lab(ctx, Analyte.NEUTROPHILS), lab(ctx, Analyte.PLATELETS)
        course_en = f"radium-223 course: {k} of {RADIUM_COURSE} given, next due {due.isoformat()}"
        course_zh = f"镭-223疗程：已注射{k}/{RADIUM_COURSE}次，下次应于{due.isoformat()}"
        failed_en: list[str] = []
        failed_zh: list[str] = []
        if anc is not None and anc.value < RADIUM_NEXT_ANC_FROM:
            failed_en.append(f"neutrophils {fmt(anc.value)} < 1.0 ×10⁹/L")
            failed_zh.append(f"中性粒细胞 {fmt(anc.value)}<1.0×10⁹/L")
        if platelets is not None and platelets.value < RADIUM_NEXT_PLATELETS_FROM:
            failed_en.append(f"platelets {fmt(platelets.value)} < 50 ×10⁹/L")
            failed_zh.append(f"血小板 {fmt(platelets.value)}<50×10⁹/L")
        combined = _radium_combinations(ctx, given[0].start_date)
        visceral = ctx.cf.case.visceral_mets
        if visceral in (VisceralMets.NODULAR, VisceralMets.DISSEMINATED):
            # The label's exclusion holds during a course too: visceral disease found mid-course.
            combined.append(
                (
                    f"visceral metastases now recorded ({word(visceral)}): radium-223 is not for visceral disease "
                    "— review the course",
                    f"现已记录内脏转移（{word(visceral, 'zh')}）：镭-223不适用于内脏转移——请复核疗程",
                )
            )
        if failed_en or combined:
            why_en = ["pre-dose counts fail — " + "; ".join(failed_en)] if failed_en else []
            why_zh = ["给药前血象不达标——" + "；".join(failed_zh)] if failed_zh else []
            why_en += [en for en, _ in combined]
            why_zh += [zh for _, zh in combined]
            last = given[-1].start_date.isoformat()
            held_en = f"radium-223 course: {k} of {RADIUM_COURSE} given (last {last}); the next is held"
            held_zh = f"镭-223疗程：已注射{k}/{RADIUM_COURSE}次（末次{last}）；暂缓下一次"
            return fired(
                [held_en, *failed_en, *(en for en, _ in combined)],
                [held_zh, *failed_zh, *(zh for _, zh in combined)],
                "urgent",
                text=(
                    f"Hold the next radium-223 injection (injection {k + 1} of {RADIUM_COURSE}): " + "; ".join(why_en),
                    f"暂缓下一次镭-223注射（第{k + 1}/{RADIUM_COURSE}次）：" + "；".join(why_zh),
                ),
                course=f"{k}/{RADIUM_COURSE}",
                held="combination" if combined else "counts",
            )
        missing_counts = [name for name, value in (("neutrophils", anc), ("platelets", platelets)) if value is None]
        text = (
            f"Radium-223 injection {k} of {RADIUM_COURSE} given; next due {due.isoformat()} (pre-dose counts: "
            "neutrophils ≥ 1.0, platelets ≥ 50 ×10⁹/L)"
            + (f"; measure {' and '.join(missing_counts)} before it" if missing_counts else ""),
            f"镭-223已注射{k}/{RADIUM_COURSE}次；下次应于{due.isoformat()}（给药前血象：中性粒细胞≥1.0、血小板≥50×10⁹/L）"
            + ("；给药前请检测血常规" if missing_counts else ""),
        )
        return fired(course_en, course_zh, text=text, course=f"{k}/{RADIUM_COURSE}", next_due=due.isoformat())
    if score.band == "eligible":
        return fired(
            f"radium-223 eligible: {score.total} kBq per injection",
            f"符合镭-223治疗条件：每次{score.total} kBq",
            activity_kbq=score.total,
        )
    if score.result.flags:
        failed = [MESSAGES.get(f"board.flag.{flag}", (word(flag), word(flag, "zh"))) for flag in score.result.flags]
        return not_fired("not eligible: " + "; ".join(en for en, _ in failed), "不符合条件：" + "；".join(zh for _, zh in failed))
    return needs(*(f"radium_223.{name}" for name in score.missing))


SPECIALTY = "radiotherapy"

RULES: tuple[Rule, ...] = (
    Rule(
        id="RT-PAIN-SHORT",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="8 Gy × 1",
        text_zh="8 Gy单次放疗",
        rationale_en="Painful lesion with expected survival < {rt_single_fraction_survival_weeks} "
        "weeks or Katagiri high risk: single fraction gives equal pain relief.",
        rationale_zh="疼痛病灶且预计生存期<{rt_single_fraction_survival_weeks}周或Katagiri高危：单次放疗止痛效果相当。",
        source="ASTRO 2017/2024",
        condition=rt_pain_short,
    ),
    Rule(
        id="RT-PAIN-LONG",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="20 Gy/5 or 30 Gy/10 (8 Gy × 1 remains acceptable)",
        text_zh="20 Gy/5次或30 Gy/10次（8 Gy单次仍可接受）",
        rationale_en="Painful lesion with longer expected survival: fewer re-treatments.",
        rationale_zh="疼痛病灶且预计生存期较长：再治疗率较低。",
        source="ASTRO 2017/2024",
        condition=rt_pain_long,
    ),
    Rule(
        id="RT-SBRT",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Consider SBRT",
        text_zh="考虑立体定向放疗（SBRT）",
        rationale_en="ECOG ≤ 1, expected survival ≥ {sbrt_min_survival_weeks} weeks, Bilsky "
        "0–1b, no deficit, SINS ≤ 12 (opinion if 7–12; not if the surgeon calls it unstable), "
        "and oligometastatic (≤ 5 lesions, primary controlled), radioresistant or spine "
        "re-irradiation.",
        rationale_zh="ECOG ≤1、预计生存期≥{sbrt_min_survival_weeks}周、Bilsky 0–1b级、"
        "无神经功能缺损、SINS ≤12（7–12分需外科意见；外科判断不稳定者除外），且为寡转移"
        "（≤5处病灶、原发灶已控制）、放疗抵抗或脊柱再程放疗。",
        source="ASTRO 2024; SABR-COMET; NOMS",
        condition=rt_sbrt,
    ),
    Rule(
        id="RT-POSTOP",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Post-operative radiotherapy to the operated site",
        text_zh="术区术后放疗",
        rationale_en="Reduces local progression after a bone or spine operation (within {postop_window_weeks} weeks; "
        "not after a mastectomy or nephrectomy).",
        rationale_zh="降低骨/脊柱手术后局部进展（术后{postop_window_weeks}周内；乳房或肾切除术后不适用）。",
        source="lecture",
        condition=rt_postop,
    ),
    Rule(
        id="RT-MSCC",
        specialty=SPECIALTY,
        urgency="emergency",
        precedence=NEUROLOGY,
        text_en="Emergency radiotherapy as soon as possible, ideally within 24 h (8/1, 16/2, 20/5 or 30/10)",
        text_zh="尽快急诊放疗，最好在24小时内（8 Gy/1次、16 Gy/2次、20 Gy/5次或30 Gy/10次）",
        rationale_en="MSCC in a patient who is not a surgical candidate (ORTHO-MSCC-DECOMPRESS), or a highly "
        "radiosensitive tumour; the alternative while fitness or the level is not yet known.",
        rationale_zh="脊髓压迫且不适合手术（见ORTHO-MSCC-DECOMPRESS），或高度放疗敏感肿瘤；适合手术与否或受压节段未明时作为备选。",
        source="ASTRO 2024; NICE NG234",
        condition=rt_mscc,
    ),
    Rule(
        id="RT-REIRR",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Consider re-irradiation (interval ≥ 4–6 weeks)",
        text_zh="考虑再程放疗（间隔≥4–6周）",
        rationale_en="Pain persisting or recurring > 4 weeks after radiotherapy to the site.",
        rationale_zh="放疗后疼痛持续或复发超过4周。",
        source="lecture; ASTRO 2017",
        condition=rt_reirr,
    ),
    Rule(
        id="RT-RA223",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Radium-223 55 kBq/kg every 4 weeks × 6; bone-modifying agent advised",
        text_zh="镭-223 55 kBq/kg，每4周1次，共6次；建议联合骨改良药物",
        rationale_en="mCRPC, symptomatic bone metastases ≥ 2, no visceral disease, nodes < 3 cm, "
        "not with abiraterone + prednisone nor other systemic therapy except ADT, ≥ 2 prior "
        "lines, blood counts.",
        rationale_zh="mCRPC、有症状骨转移≥2处、无内脏转移、淋巴结<3 cm、"
        "不与阿比特龙+泼尼松或除ADT外其他全身治疗联用、既往≥2线治疗、血象达标。",
        source="label; ALSYMPCA; EMA 2018",
        condition=rt_ra223,
    ),
)
