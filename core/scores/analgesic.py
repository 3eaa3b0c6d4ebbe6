"""WHO analgesic ladder step from pain intensity (NRS 0-10).

WHO. Cancer pain relief. Geneva 1986 (three-step ladder); WHO 2018 cancer-pain guidelines;
Fallon M et al. ESMO guidelines, Ann Oncol 2018;29(Suppl 4):iv166-iv191. Cut-points 1-3 / 4-6 /
7-10 follow the China NHC 癌症疼痛诊疗规范 (2018) (docs/clinical/scores.md decision 9); target NRS <= 3.
A VAS in cm is rounded half up to a whole number; a VAS in mm is divided by 10 first. The NRS is
used when given; otherwise the VAS (cm before mm). The step is a label, so ``total`` is None.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from core.scores.base import (
    INCOMPLETE,
    Band,
    BreakdownItem,
    ScoreInput,
    ScoreResult,
    band_by_upper_bound,
    decimal_in,
    define,
    integer_in,
    make_result,
    show,
)

SCORE_ID = "who_analgesic_ladder"
SOURCE = "WHO Cancer Pain Relief 1986; China NHC 癌症疼痛诊疗规范 (2018)"
SCHEME = "China NHC 2018 (1–3 / 4–6 / 7–10)"

BAND_UPPER_BOUNDS = [(0, "no_pain"), (3, "step_1"), (6, "step_2"), (10, "step_3")]

BANDS = {
    "no_pain": Band(
        "No pain (NRS 0)",
        "无痛（NRS 0）",
        "No analgesic needed; reassess pain at every visit",
        "无需镇痛药物；每次就诊时再评估疼痛",
    ),
    "step_1": Band(
        "Mild pain (NRS 1–3): WHO step 1",
        "轻度疼痛（NRS 1–3）：WHO第一阶梯",
        "Non-opioid (paracetamol, NSAID) ± adjuvant; target NRS ≤ 3",
        "非阿片类药物（对乙酰氨基酚、非甾体抗炎药）±辅助药物；目标NRS ≤3",
    ),
    "step_2": Band(
        "Moderate pain (NRS 4–6): WHO step 2",
        "中度疼痛（NRS 4–6）：WHO第二阶梯",
        "Weak opioid (codeine, tramadol) or low-dose strong opioid ± non-opioid ± adjuvant; "
        "bone pain: consider radiotherapy and a bone-modifying agent; target NRS ≤ 3",
        "弱阿片类药物（可待因、曲马多）或低剂量强阿片类药物±非阿片类药物±辅助药物；骨转移疼痛考虑放疗及骨改良药物；目标NRS ≤3",
    ),
    "step_3": Band(
        "Severe pain (NRS 7–10): WHO step 3",
        "重度疼痛（NRS 7–10）：WHO第三阶梯",
        "Strong opioid (morphine first line; oxycodone, hydromorphone, fentanyl) ± non-opioid "
        "± adjuvant; bone pain: consider radiotherapy and a bone-modifying agent; "
        "target NRS ≤ 3",
        "强阿片类药物（首选吗啡；羟考酮、氢吗啡酮、芬太尼）±非阿片类药物±辅助药物；骨转移疼痛考虑放疗及骨改良药物；目标NRS ≤3",
    ),
}


def vas_to_nrs(vas_cm: Decimal) -> int:
    """VAS in cm -> whole NRS, rounded half up (4.5 cm -> 5)."""
    return int(vas_cm.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class AnalgesicLadderInput(ScoreInput):
    nrs: Annotated[int | None, integer_in(0, 10)] = None
    vas_cm: Annotated[Decimal | None, decimal_in("0", "10", "cm")] = None
    vas_mm: Annotated[Decimal | None, decimal_in("0", "100", "mm")] = None


def score_analgesic_ladder(data: AnalgesicLadderInput) -> ScoreResult:
    flags: list[str] = []
    if data.nrs is not None:
        nrs = data.nrs
        item = BreakdownItem(
            input="nrs",
            value=show(data.nrs),
            points=None,
            label_en=f"Pain NRS {data.nrs}/10 (scheme: {SCHEME})",
            label_zh=f"疼痛数字评分（NRS）{data.nrs}/10（分级方案：国家卫健委2018）",
        )
    elif data.vas_cm is not None:
        nrs = vas_to_nrs(data.vas_cm)
        flags.append("nrs_from_vas")
        item = BreakdownItem(
            input="vas_cm",
            value=show(data.vas_cm),
            points=None,
            label_en=f"Pain VAS {data.vas_cm} cm → NRS {nrs} (rounded half up)",
            label_zh=f"疼痛视觉模拟评分（VAS）{data.vas_cm} cm → NRS {nrs}（四舍五入）",
        )
    elif data.vas_mm is not None:
        nrs = vas_to_nrs(data.vas_mm / 10)
        flags.append("nrs_from_vas")
        item = BreakdownItem(
            input="vas_mm",
            value=show(data.vas_mm),
            points=None,
            label_en=f"Pain VAS {data.vas_mm} mm ÷ 10 → NRS {nrs} (rounded half up)",
            label_zh=f"疼痛视觉模拟评分（VAS）{data.vas_mm} mm ÷ 10 → NRS {nrs}（四舍五入）",
        )
    else:
        return make_result(
            score_id=SCORE_ID,
            source=SOURCE,
            bands=BANDS,
            band=INCOMPLETE,
            total=None,
            breakdown=(),
            missing=("nrs",),
        )
    band = band_by_upper_bound(nrs, BAND_UPPER_BOUNDS)
    if nrs > 3:
        flags.append("above_target_nrs_3")
    return make_result(
        score_id=SCORE_ID,
        source=SOURCE,
        bands=BANDS,
        band=band,
        total=None,
        breakdown=[item],
        flags=flags,
    )


DEFINITION = define(
    score_id=SCORE_ID,
    name_en="WHO analgesic ladder (by NRS)",
    name_zh="WHO三阶梯镇痛（按NRS评分）",
    input_model=AnalgesicLadderInput,
    bands=BANDS,
    total_range=None,
    source=SOURCE,
    function=score_analgesic_ladder,
    ordinal=True,
)
