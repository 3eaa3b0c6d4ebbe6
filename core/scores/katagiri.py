"""New Katagiri score (2014) for patients with skeletal metastasis.

Katagiri H, Okada R, Takagi T, et al. New prognostic factors and scoring system for patients with
skeletal metastasis. Cancer Med 2014;3(5):1359-1367. The primary is classed by treatability
(hormone dependence, targetable driver), not by organ alone. The laboratory item is one tier
(docs/clinical/scores.md decision 5): critical 2, else abnormal 1, else normal 0 (never 3; the tiers use
different analytes). ``katagiri_lab_tier`` derives the tier from stored SI lab values. Only the
verified survival figures are shown.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from core.scores.base import (
    INCOMPLETE,
    YES_NO_LABELS,
    Band,
    ScoreInput,
    ScoreInputError,
    ScoreResult,
    band_by_upper_bound,
    choice,
    define,
    make_result,
    sum_points,
    to_decimal,
    yes_no,
)

SCORE_ID = "katagiri_new"
SOURCE = "Katagiri H et al. Cancer Med 2014;3(5):1359-1367"

_YES_NO_POINTS = {"true": 1, "false": 0}

POINTS: dict[str, dict[str, int]] = {
    "primary_growth_group": {"slow": 0, "moderate": 2, "rapid": 3},
    "visceral_metastases": {"none": 0, "nodular": 1, "disseminated": 2},
    "lab_tier": {"normal": 0, "abnormal": 1, "critical": 2},
    "ecog_ps_3_or_4": _YES_NO_POINTS,
    "previous_chemotherapy": _YES_NO_POINTS,
    "multiple_skeletal_metastases": _YES_NO_POINTS,
}

# Decision 5, in SI units. Critical: any of these; abnormal: any of the next.
CRITICAL_PLATELETS_BELOW = Decimal("100")  # 10^9/L
CRITICAL_CORRECTED_CALCIUM_FROM = Decimal("2.57")  # mmol/L (10.3 mg/dL)
CRITICAL_BILIRUBIN_FROM = Decimal("24")  # umol/L (1.4 mg/dL)
ABNORMAL_CRP_FROM = Decimal("4")  # mg/L (0.4 mg/dL)
ABNORMAL_LDH_FROM = Decimal("250")  # U/L
ABNORMAL_ALBUMIN_BELOW = Decimal("37")  # g/L (3.7 g/dL)


def katagiri_lab_tier(
    platelets_10e9_l: object = None,
    corrected_calcium_mmol_l: object = None,
    bilirubin_umol_l: object = None,
    crp_mg_l: object = None,
    ldh_u_l: object = None,
    albumin_g_l: object = None,
) -> str | None:
    """The Katagiri laboratory tier from SI lab values (decision 5).

    Returns None when no lab value is given at all. Otherwise the tier is decided on the values
    present: ``critical`` if any critical criterion is met, else ``abnormal`` if any abnormal
    criterion is met, else ``normal`` -- even when some analytes are missing, because the tier
    can only rise with more data and the board shows the tier with its source values. Numbers
    are read through ``Decimal(str(x))``; a value that is not a number raises
    ScoreInputError (a ValueError) naming the analyte.
    """
    values = {
        "platelets_10e9_l": platelets_10e9_l,
        "corrected_calcium_mmol_l": corrected_calcium_mmol_l,
        "bilirubin_umol_l": bilirubin_umol_l,
        "crp_mg_l": crp_mg_l,
        "ldh_u_l": ldh_u_l,
        "albumin_g_l": albumin_g_l,
    }
    labs: dict[str, Decimal] = {}
    for name, raw in values.items():
        if raw is None:
            continue
        try:
            labs[name] = to_decimal(raw)
        except ValueError:
            raise ScoreInputError({name: "must be a number"}) from None
    if not labs:
        return None

    def below(name: str, limit: Decimal) -> bool:
        return name in labs and labs[name] < limit

    def at_least(name: str, limit: Decimal) -> bool:
        return name in labs and labs[name] >= limit

    if (
        below("platelets_10e9_l", CRITICAL_PLATELETS_BELOW)
        or at_least("corrected_calcium_mmol_l", CRITICAL_CORRECTED_CALCIUM_FROM)
        or at_least("bilirubin_umol_l", CRITICAL_BILIRUBIN_FROM)
    ):
        return "critical"
    if (
        at_least("crp_mg_l", ABNORMAL_CRP_FROM)
        or at_least("ldh_u_l", ABNORMAL_LDH_FROM)
        or below("albumin_g_l", ABNORMAL_ALBUMIN_BELOW)
    ):
        return "abnormal"
    return "normal"


ITEMS = {
    "primary_growth_group": ("Primary lesion", "原发灶"),
    "visceral_metastases": ("Visceral metastases", "内脏转移"),
    "lab_tier": ("Laboratory data", "实验室检查"),
    "ecog_ps_3_or_4": ("ECOG performance status 3 or 4", "ECOG体能状态3或4分"),
    "previous_chemotherapy": ("Previous chemotherapy", "既往化疗"),
    "multiple_skeletal_metastases": ("Multiple skeletal metastases", "多发骨转移"),
}

LABELS = {
    "primary_growth_group": {
        "slow": (
            "slow growth (hormone-dependent breast/prostate, thyroid, myeloma, lymphoma)",
            "生长缓慢（激素依赖性乳腺癌/前列腺癌、甲状腺癌、多发性骨髓瘤、恶性淋巴瘤）",
        ),
        "moderate": (
            "moderate growth (lung with targeted therapy, hormone-independent breast/prostate, "
            "renal cell carcinoma, sarcoma, others)",
            "生长中等（接受分子靶向治疗的肺癌、激素非依赖性乳腺癌/前列腺癌、肾细胞癌、肉瘤及其他）",
        ),
        "rapid": (
            "rapid growth (lung without targeted therapy, colorectal, gastric, pancreatic, "
            "head and neck, oesophageal, hepatocellular, melanoma, unknown origin)",
            "生长迅速（未接受分子靶向治疗的肺癌、结直肠癌、胃癌、胰腺癌、头颈部癌、食管癌、肝细胞癌、黑色素瘤、原发灶不明）",
        ),
    },
    "visceral_metastases": {
        "none": ("none", "无"),
        "nodular": ("nodular visceral or cerebral metastases", "结节性内脏或脑转移"),
        "disseminated": (
            "pleural, peritoneal or leptomeningeal dissemination",
            "胸膜、腹膜或软脑膜播散",
        ),
    },
    "lab_tier": {
        "normal": ("normal", "正常"),
        "abnormal": (
            "abnormal (CRP ≥ 4 mg/L, LDH ≥ 250 U/L or albumin < 37 g/L)",
            "异常（CRP ≥4 mg/L、LDH ≥250 U/L或白蛋白 <37 g/L）",
        ),
        "critical": (
            "critical (platelets < 100 ×10⁹/L, corrected calcium ≥ 2.57 mmol/L or total bilirubin ≥ 24 µmol/L)",
            "危急（血小板 <100×10⁹/L、校正血钙 ≥2.57 mmol/L或总胆红素 ≥24 µmol/L）",
        ),
    },
    "ecog_ps_3_or_4": YES_NO_LABELS,
    "previous_chemotherapy": YES_NO_LABELS,
    "multiple_skeletal_metastases": YES_NO_LABELS,
}

BAND_UPPER_BOUNDS = [(3, "low_risk"), (6, "intermediate_risk"), (10, "high_risk")]

BANDS = {
    "low_risk": Band(
        "Low risk (0–3): survival 91% at 1 year, 78% at 2 years",
        "低危（0–3分）：1年生存率91%，2年生存率78%",
        "Durable local treatment (e.g. multi-fraction radiotherapy or SBRT, reconstruction-type surgery)",
        "持久性局部治疗（如分次放疗或SBRT、重建性手术）",
    ),
    "intermediate_risk": Band(
        "Intermediate risk (4–6): survival about 49% at 1 year",
        "中危（4–6分）：1年生存率约49%",
        "Individualise local treatment between durable and short-course options",
        "在持久性与短程局部治疗之间个体化选择",
    ),
    "high_risk": Band(
        "High risk (7–10): survival 27% at 6 months, 6% at 1 year",
        "高危（7–10分）：6个月生存率27%，1年生存率6%",
        "Short-course palliation (e.g. 8 Gy × 1), minimal-burden surgery",
        "短程姑息治疗（如8 Gy单次放疗），创伤最小的手术",
    ),
}


class KatagiriInput(ScoreInput):
    primary_growth_group: Annotated[str | None, choice(*POINTS["primary_growth_group"])] = None
    visceral_metastases: Annotated[str | None, choice(*POINTS["visceral_metastases"])] = None
    lab_tier: Annotated[str | None, choice(*POINTS["lab_tier"])] = None
    ecog_ps_3_or_4: Annotated[bool | None, yes_no()] = None
    previous_chemotherapy: Annotated[bool | None, yes_no()] = None
    multiple_skeletal_metastases: Annotated[bool | None, yes_no()] = None


def score_katagiri(data: KatagiriInput) -> ScoreResult:
    total, breakdown, missing = sum_points(data.model_dump(), POINTS, LABELS, ITEMS)
    band = INCOMPLETE if missing else band_by_upper_bound(total, BAND_UPPER_BOUNDS)
    return make_result(
        score_id=SCORE_ID,
        source=SOURCE,
        bands=BANDS,
        band=band,
        total=total,
        breakdown=breakdown,
        missing=missing,
    )


DEFINITION = define(
    score_id=SCORE_ID,
    name_en="New Katagiri score (2014)",
    name_zh="新版Katagiri评分（2014）",
    input_model=KatagiriInput,
    bands=BANDS,
    total_range=(0, 10),
    source=SOURCE,
    function=score_katagiri,
    ordinal=True,
)
