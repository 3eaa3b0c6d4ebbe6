"""Shared facts several scores read: visceral disease, ECOG/KPS records, growth groups."""

from __future__ import annotations

from core.derive.provenance import _Collector
from core.derive.tables import KATAGIRI_GROWTH, P
from core.derive.words import NOT_RECORDED, word, yes_no
from core.models import (
    CaseFile,
    CastrationStatus,
    Marker,
    PrimaryTumour,
    TreatmentKind,
    VisceralMets,
)

# --------------------------------------------------------------------------------------------
# Shared facts
# --------------------------------------------------------------------------------------------


def _lesion_count(cf: CaseFile) -> tuple[str, str]:
    return f"lesions: {len(cf.lesions)} recorded", f"病灶：已记录{len(cf.lesions)}处"


VISCERAL_NONE = ("case: no visceral metastases", "病例：无内脏转移")


def _visceral_tomita(c: _Collector, cf: CaseFile) -> None:
    visceral = cf.case.visceral_mets
    if visceral is None:
        c.missing("visceral_metastases", "visceral disease not recorded", "未记录内脏转移情况")
    elif visceral == VisceralMets.NONE:
        c.put("visceral_metastases", "none", "case", VISCERAL_NONE)
    elif cf.case.visceral_treatable is None:
        c.missing(
            "visceral_metastases",
            f"visceral metastases {word(visceral)}: record whether they are treatable",
            f"内脏转移（{word(visceral, 'zh')}）：请记录是否可治疗",
        )
    else:
        value = "treatable" if cf.case.visceral_treatable else "untreatable"
        c.put(
            "visceral_metastases",
            value,
            "case",
            (
                f"case: visceral metastases {word(visceral)}, {value}",
                f"病例：内脏转移（{word(visceral, 'zh')}），" + ("可治疗" if cf.case.visceral_treatable else "不可治疗"),
            ),
        )


def _ecog_rec(ecog: object) -> tuple[str, str]:
    return f"case: ECOG {ecog}", f"病例：ECOG {ecog}分"


def _kps_rec(kps: object) -> tuple[str, str]:
    return f"case: KPS {kps}", f"病例：KPS {kps}分"


def _primary_rec(primary: PrimaryTumour) -> tuple[str, str]:
    return f"case: primary {word(primary)}", f"病例：原发肿瘤为{word(primary, 'zh')}"


def _ecog_3_or_4(c: _Collector, cf: CaseFile) -> None:
    ecog, kps = cf.case.ecog, cf.case.kps
    if ecog is not None and ecog <= 4:
        c.put("ecog_ps_3_or_4", ecog in (3, 4), "case", _ecog_rec(ecog))
    elif ecog is None and kps is not None and kps > 0:
        c.put(
            "ecog_ps_3_or_4",
            kps <= 40,
            "converted",
            _kps_rec(kps),
            "converted from KPS (KPS ≤ 40 ≈ ECOG 3–4, conventional crosswalk); record ECOG",
            "由KPS换算（KPS ≤40约相当于ECOG 3–4分，常用对照）；请记录ECOG",
        )
    else:
        c.missing("ecog_ps_3_or_4", "ECOG not recorded (or not scorable)", "未记录ECOG（或无法评分）")


def _previous_chemotherapy(c: _Collector, cf: CaseFile) -> None:
    chemo = [t for t in cf.treatments if t.kind == TreatmentKind.CHEMOTHERAPY and t.start_date <= cf.as_of]
    if chemo:
        first = min(chemo, key=lambda t: t.start_date)
        ident = f" #{first.treatment_id}" if first.treatment_id is not None else ""
        c.put(
            "previous_chemotherapy",
            True,
            "derived",
            (
                f"treatment{ident} chemotherapy {first.name} from {first.start_date.isoformat()}",
                f"治疗{ident}：化疗 {first.name}，{first.start_date.isoformat()}开始",
            ),
        )
    elif cf.case.prior_chemotherapy is not None:
        c.put(
            "previous_chemotherapy",
            cf.case.prior_chemotherapy,
            "case",
            (
                f"case: prior chemotherapy {yes_no(cf.case.prior_chemotherapy)}",
                f"病例：既往化疗：{yes_no(cf.case.prior_chemotherapy, 'zh')}",
            ),
        )
    else:
        c.missing("previous_chemotherapy", "prior chemotherapy not recorded", "未记录既往化疗情况")


def _katagiri_growth(cf: CaseFile) -> tuple[str | None, tuple[str, str], str, str]:
    """(group, record, note_en, note_zh) from the primary and its receptor/driver status."""
    case = cf.case
    primary = case.primary_tumour
    if primary == P.BREAST:
        markers = (case.er, case.pr)
        record = (
            f"case: breast cancer, ER {_m(case.er)}, PR {_m(case.pr)}",
            f"病例：乳腺癌，ER {_m(case.er, 'zh')}，PR {_m(case.pr, 'zh')}",
        )
        if Marker.POSITIVE in markers:
            return "slow", record, "hormone-dependent breast cancer", "激素依赖性乳腺癌"
        if all(m == Marker.NEGATIVE for m in markers):
            return "moderate", record, "hormone-independent breast cancer", "激素非依赖性乳腺癌"
        return None, record, "record ER and PR status", "请记录ER和PR状态"
    if primary == P.PROSTATE:
        record = (
            f"case: prostate cancer, castration status {_m(case.castration)}",
            f"病例：前列腺癌，去势状态：{_m(case.castration, 'zh')}",
        )
        if case.castration == CastrationStatus.SENSITIVE:
            return (
                "slow",
                record,
                "castration-sensitive (hormone-dependent)",
                "去势敏感（激素依赖）",
            )
        if case.castration == CastrationStatus.RESISTANT:
            return "moderate", record, "castration-resistant (hormone-independent)", "去势抵抗"
        return None, record, "record castration status", "请记录去势状态"
    if primary == P.LUNG_NSCLC:
        record = (
            f"case: NSCLC, EGFR {_m(case.egfr)}, ALK {_m(case.alk)}",
            f"病例：非小细胞肺癌，EGFR {_m(case.egfr, 'zh')}，ALK {_m(case.alk, 'zh')}",
        )
        targeted = [t for t in cf.treatments if t.kind == TreatmentKind.TARGETED]
        if Marker.POSITIVE in (case.egfr, case.alk) or targeted:
            return (
                "moderate",
                record,
                "lung cancer with molecularly targeted therapy",
                "接受分子靶向治疗的肺癌",
            )
        if case.egfr == Marker.NEGATIVE and case.alk == Marker.NEGATIVE:
            return (
                "rapid",
                record,
                "lung cancer without targeted therapy",
                "未接受分子靶向治疗的肺癌",
            )
        return None, record, "record EGFR and ALK status", "请记录EGFR和ALK状态"
    group = KATAGIRI_GROWTH.get(primary)
    record = _primary_rec(primary)
    if group is None:
        return (
            None,
            record,
            "primary not in the board's table: choose the group",
            "原发灶不在对照表中：请选择分组",
        )
    return group, record, "", ""


def _m(value: object, lang: str = "en") -> str:
    if value is None:
        return NOT_RECORDED[1] if lang == "zh" else NOT_RECORDED[0]
    return word(value, lang)


def _visceral_rec(visceral: VisceralMets) -> tuple[str, str]:
    if visceral == VisceralMets.NONE:
        return VISCERAL_NONE
    return (
        f"case: visceral metastases {word(visceral)}",
        f"病例：内脏转移（{word(visceral, 'zh')}）",
    )
