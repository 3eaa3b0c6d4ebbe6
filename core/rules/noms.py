"""NOMS framework for spinal metastases (Laufer I et al. Oncologist 2013;18:744-751).

N = Bilsky ESCC band, O = radiosensitivity of the histology, M = SINS band, S = fitness for
surgery and expected survival. The path is provisional while M is "potentially unstable"
(SINS 7-12) until the spine surgeon calls it stable or unstable (docs/clinical/scores.md section 6); the call
is recorded on the lesion (``surgeon_stability``) and then decides M.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.derive import haematological_kind, word, yes_no
from core.models import Lesion, PrimaryTumour
from core.rules.base import (
    NOMS_GROUP,
    Outcome,
    Rule,
    RuleContext,
    Urgency,
    fired,
    needs,
    not_fired,
)
from core.rules.facts import (
    RADIORESISTANT,
    RADIOSENSITIVE,
    site_en,
    site_zh,
    treated_lesion_ids,
)

MECHANICAL = {"stable": "stable", "indeterminate": "potentially_unstable", "unstable": "unstable"}

# (en, zh) of each path.
PATHS: dict[str, tuple[str, str]] = {
    "cebrt": (
        "conventional EBRT (radiosensitive; regardless of cord compression)",
        "常规外照射（放疗敏感，无论脊髓压迫程度）",
    ),
    "sbrt": ("stereotactic radiosurgery / SBRT", "立体定向放射外科/SBRT"),
    "separation": (
        "separation surgery (decompression + stabilisation) followed by SRS",
        "分离手术（减压+固定）后行立体定向放射外科",
    ),
    "rt_or_bsc": (
        "radiotherapy (cEBRT or SRS as feasible) / best supportive care",
        "放疗（常规外照射或立体定向放射外科）/最佳支持治疗",
    ),
    "stabilise": (
        "stabilisation (open surgery for gross instability; cement augmentation for axial-load "
        "pain), then radiotherapy per N + O",
        "先行固定（明显不稳定行开放手术；轴向负荷痛行骨水泥强化），再按N+O放疗",
    ),
    "non_operative": (
        "non-operative: radiotherapy, systemic and supportive care",
        "非手术：放疗、全身及支持治疗",
    ),
}


def _path(n: str, o: str, m: str, operable: bool) -> str:
    """The NOMS decision table (docs/clinical/scores.md section 6); M "potentially unstable" reads as stable."""
    if m == "unstable":
        return "stabilise" if operable else "non_operative"
    if o == "radiosensitive":
        return "cebrt"
    if n in ("low_grade", "intermediate_1c"):
        return "sbrt"
    return "separation" if operable else "rt_or_bsc"


# The axes in words (en, zh).
N_WORDS: dict[str, tuple[str, str]] = {
    "low_grade": ("low-grade ESCC", "低级别硬膜外脊髓压迫"),
    "intermediate_1c": ("ESCC abutting the cord", "硬膜外脊髓压迫触及脊髓"),
    "high_grade": ("high-grade ESCC", "高级别硬膜外脊髓压迫"),
}
O_WORDS: dict[str, tuple[str, str]] = {
    "radiosensitive": ("radiosensitive", "放疗敏感"),
    "radioresistant": ("radioresistant", "放疗抵抗"),
}
M_WORDS: dict[str, tuple[str, str]] = {
    "stable": ("stable", "稳定"),
    "potentially_unstable": ("potentially unstable", "潜在不稳定"),
    "unstable": ("unstable", "不稳定"),
}


@dataclass(frozen=True)
class Axes:
    """One lesion's NOMS axes: codes (for the decision table) and their words."""

    n: str
    o: str
    m: str
    surgeon_call: bool
    en: str
    zh: str


def _axes_text(
    n: str,
    o: str,
    m: str,
    *,
    grade: str,
    sins_total: object,
    surgeon_call: bool,
    primary: PrimaryTumour,
    fit: bool,
    weeks: int,
) -> tuple[str, str]:
    n_en, n_zh = N_WORDS[n]
    o_en, o_zh = O_WORDS[o]
    m_en, m_zh = M_WORDS[m]
    if surgeon_call:
        m_en = f"{m_en} by the spine surgeon's call (SINS {sins_total})"
        m_zh = f"脊柱外科判断为{m_zh}（SINS {sins_total}分）"
    elif m == "potentially_unstable":
        m_en = f"{m_en} (SINS {sins_total}) — spine-surgery opinion pending"
        m_zh = f"{m_zh}（SINS {sins_total}分）——待脊柱外科判断"
    else:
        m_en = f"{m_en} (SINS {sins_total})"
        m_zh = f"{m_zh}（SINS {sins_total}分）"
    en = (
        f"N: {n_en} (Bilsky {grade}), O: {o_en} ({word(primary)}), M: {m_en}, "
        f"S: fit for surgery: {yes_no(fit)}, expected survival {weeks} weeks"
    )
    zh = (
        f"N：{n_zh}（Bilsky {grade}级），O：{o_zh}（{word(primary, 'zh')}），M：{m_zh}，"
        f"S：可耐受手术：{yes_no(fit, 'zh')}，预计生存期{weeks}周"
    )
    return en, zh


def _lesion_path(ctx: RuleContext, lesion: Lesion) -> tuple[str | None, list[str], Axes | None]:
    cf, policy = ctx.cf, ctx.policy
    site = lesion.site_label()
    missing: list[str] = []
    bilsky = next(
        (s for s in ctx.scores.lesion_scores("bilsky_escc") if s.lesion_id == lesion.lesion_id),
        None,
    )
    sins = next((s for s in ctx.scores.lesion_scores("sins") if s.lesion_id == lesion.lesion_id), None)
    n = bilsky.band if bilsky is not None and bilsky.complete else None
    if n is None:
        missing.append(f"N: escc_grade ({site})")
    m = MECHANICAL.get(sins.band) if sins is not None and sins.complete else None
    surgeon_call = False
    if m is None:
        missing.append(f"M: sins ({site})")
    elif m == "potentially_unstable" and lesion.surgeon_stability is not None:
        m = lesion.surgeon_stability.value  # the spine surgeon's call settles SINS 7-12
        surgeon_call = True
    # O reads a confirmed lymphoma or plasma-cell histology too (an unknown primary with lymphoma
    # histology is radiosensitive), as ORTHO-MSCC-DECOMPRESS and ONC-BMA do.
    primary = haematological_kind(cf.case) or cf.case.primary_tumour
    o = "radiosensitive" if primary in RADIOSENSITIVE else "radioresistant" if primary in RADIORESISTANT else None
    if o is None:
        missing.append(f"O: radiosensitivity ({primary.value})")
    fit = cf.case.fit_for_surgery
    weeks = cf.case.expected_survival_weeks
    if fit is None:
        missing.append("S: fit_for_surgery")
    if weeks is None:
        missing.append("S: expected_survival_weeks")
    if missing:
        return None, missing, None
    assert n is not None
    assert bilsky is not None
    assert m is not None
    assert sins is not None
    assert o is not None
    assert fit is not None
    assert weeks is not None
    operable = fit and weeks >= policy.surgery_min_survival_weeks
    path = _path(n, o, m, operable)
    en, zh = _axes_text(
        n,
        o,
        m,
        grade=str(bilsky.inputs["escc_grade"]),
        sins_total=sins.total,
        surgeon_call=surgeon_call,
        primary=primary,
        fit=fit,
        weeks=weeks,
    )
    return path, [], Axes(n=n, o=o, m=m, surgeon_call=surgeon_call, en=en, zh=zh)


def noms(ctx: RuleContext) -> Outcome:
    treated = treated_lesion_ids(ctx)
    operated = [lesion for lesion in ctx.cf.lesions if lesion.is_spinal and lesion.lesion_id in treated]
    spinal = [lesion for lesion in ctx.cf.lesions if lesion.is_spinal and lesion.lesion_id not in treated]
    if not spinal:
        if operated:
            # Safety rule 3: an operated level is judged on findings dated after the operation.
            where_en = ", ".join(site_en(lesion) for lesion in operated)
            where_zh = "、".join(site_zh(lesion) for lesion in operated)
            return not_fired(
                f"{where_en} operated after the findings recorded: NOMS on post-operative imaging",
                f"{where_zh}在所记录影像后已手术：NOMS以术后影像为准",
            )
        return not_fired("no spinal lesion", "无脊柱病灶")
    en: list[str] = []
    zh: list[str] = []
    missing: list[str] = []
    urgency: Urgency = "routine"
    detail: dict[str, str] = {}  # site -> path id (read by the decision form), provisional
    provisional = False
    for lesion in spinal:
        path, lacking, axes = _lesion_path(ctx, lesion)
        if path is None or axes is None:
            missing.extend(lacking)
            continue
        text_en, text_zh = PATHS[path]
        note_en = note_zh = ""
        if axes.m == "potentially_unstable":
            provisional = True
            note_en = " — provisional: spine-surgery opinion on stability required"
            note_zh = "——暂定：需脊柱外科判断稳定性"
        if axes.n == "intermediate_1c":
            note_en += "; Bilsky 1c: surgery vs radiosurgery contested — discuss"
            note_zh += "；Bilsky 1c级：手术与放射外科存在争议，需讨论"
        en.append(f"{site_en(lesion)}: {axes.en} → {text_en}{note_en}")
        zh.append(f"{site_zh(lesion)}：{axes.zh}→{text_zh}{note_zh}")
        detail[lesion.site_label()] = path
        if axes.n == "high_grade" or axes.m == "unstable":
            urgency = "urgent"
    if not en:
        return needs(*missing)
    if provisional:
        detail["provisional"] = "true"
    return fired(en, zh, urgency, detail=detail)


RULES: tuple[Rule, ...] = (
    Rule(
        id="NOMS",
        specialty="radiotherapy",
        urgency="routine",
        precedence=NOMS_GROUP,
        text_en="The NOMS path for each spinal lesion (provisional while M is potentially "
        "unstable and the spine surgeon has not called it)",
        text_zh="各脊柱病灶的NOMS路径（M为潜在不稳定且脊柱外科尚未判断时为暂定）",
        rationale_en="Neurologic, oncologic, mechanical and systemic axes decide between "
        "cEBRT, SBRT, separation surgery, stabilisation and non-operative care.",
        rationale_zh="神经、肿瘤、机械和全身四个维度决定常规外照射、SBRT、分离手术、固定或非手术治疗。",
        source="Laufer 2013; Bilsky & Smith 2006",
        condition=noms,
    ),
)
