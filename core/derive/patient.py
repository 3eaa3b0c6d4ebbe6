"""Patient-level scores: Tomita, Tokuhashi, Katagiri, ECOG/KPS and the single-input scores."""

from __future__ import annotations

from collections.abc import Mapping

from core.derive.facts import (
    VISCERAL_NONE,
    _ecog_3_or_4,
    _ecog_rec,
    _katagiri_growth,
    _kps_rec,
    _lesion_count,
    _previous_chemotherapy,
    _primary_rec,
    _visceral_rec,
    _visceral_tomita,
)
from core.derive.provenance import _Collector, _derived, latest_lab, spinal_levels
from core.derive.results import DerivedScore, InputSource, InputValue
from core.derive.tables import (
    ECOG_TO_KPS_RANGE,
    TOKUHASHI_PRIMARY,
    TOKUHASHI_PRIMARY_DEFAULT,
    TOMITA_GROWTH,
    haematological_kind,
)
from core.derive.words import BY_USER, lab_record, lab_record_zh, word
from core.models import (
    Analyte,
    CaseFile,
    VisceralMets,
)
from core.policy import Policy
from core.scores import INCOMPLETE, evaluate, katagiri_lab_tier

# --------------------------------------------------------------------------------------------
# Patient-level scores
# --------------------------------------------------------------------------------------------


def _tomita(cf: CaseFile, overrides: Mapping[str, InputValue]) -> DerivedScore:
    c = _Collector()
    primary = cf.case.primary_tumour
    # The primary recorded or a confirmed lymphoma / plasma-cell histology (an unknown primary).
    applicable = haematological_kind(cf.case) is None
    note = note_zh = ""
    if not applicable:
        note = "Tomita does not apply to haematological malignancy (myeloma, lymphoma)"
        note_zh = "Tomita评分不适用于血液系统恶性肿瘤（多发性骨髓瘤、淋巴瘤）"
        c.missing("primary_tumor_growth", note, note_zh, _primary_rec(primary))
    elif "primary_tumor_growth" in overrides:
        c.put("primary_tumor_growth", overrides["primary_tumor_growth"], "case", BY_USER)
    elif cf.case.growth_override is not None:
        growth = cf.case.growth_override.value
        table = TOMITA_GROWTH.get(primary)
        if table is None:
            note = f"primary {word(primary)} is not in the board's table (decision 3)"
            note_zh = f"原发灶{word(primary, 'zh')}不在对照表中（决定3）"
        elif table == growth:
            note = f"same as the table's class for {word(primary)}"
            note_zh = f"与对照表中{word(primary, 'zh')}的分级相同"
        else:
            note = f"overrides the table's class for {word(primary)} ({word(table)})"
            note_zh = f"替代对照表中{word(primary, 'zh')}的分级（{word(table, 'zh')}）"
        c.put(
            "primary_tumor_growth",
            growth,
            "case",
            ("case: growth class set by the MDT", "病例：生长速度由MDT确定"),
            note,
            note_zh,
        )
    elif primary in TOMITA_GROWTH:
        c.put(
            "primary_tumor_growth",
            TOMITA_GROWTH[primary],
            "derived",
            _primary_rec(primary),
            "prefilled from the primary (decision 3); may be overridden",
            "按原发灶预填（决定3），可修改",
        )
    else:
        c.missing(
            "primary_tumor_growth",
            f"primary {word(primary)} is not in the board's table: choose slow, moderate or rapid",
            f"原发灶{word(primary, 'zh')}不在对照表中：请选择缓慢、中等或快速生长",
            _primary_rec(primary),
        )
    _visceral_tomita(c, cf)
    n = len(cf.lesions)
    if n == 0:
        c.missing("bone_metastases", "no bone lesion recorded", "未记录骨病灶", _lesion_count(cf))
    else:
        c.put(
            "bone_metastases",
            "solitary_or_isolated" if n == 1 else "multiple",
            "derived",
            _lesion_count(cf),
            "1 lesion → solitary; ≥ 2 → multiple (Tomita gives no threshold: review)",
            "1处→孤立；≥2处→多发（Tomita未给出阈值，请核对）",
        )
    return _derived("tomita", c, applicable=applicable, note=note, note_zh=note_zh)


def _frankel_rec(grade: str) -> tuple[str, str]:
    return f"case: Frankel {grade}", f"病例：Frankel {grade}级"


def _tokuhashi(cf: CaseFile) -> DerivedScore:
    c = _Collector()
    case = cf.case
    if case.kps is not None:
        c.put("kps", case.kps, "case", _kps_rec(case.kps))
    elif case.ecog is not None:
        if case.ecog == 1:
            note = "ECOG 1 may be KPS 70 or 80 (different categories): record KPS"
            note_zh = "ECOG 1分可对应KPS 70或80（分属不同类别）：请记录KPS"
        else:
            note = "ECOG mapped straight to the KPS category (decision 4), not through a KPS number"
            note_zh = "ECOG直接对应KPS类别（决定4），不经KPS数值换算"
        c.put("ecog", case.ecog, "converted", _ecog_rec(case.ecog), note, note_zh)
    else:
        c.missing("general_condition_kps", "neither KPS nor ECOG recorded", "未记录KPS或ECOG")
    levels = spinal_levels(cf)
    applicable = bool(levels)
    note = note_zh = ""
    if cf.lesions:
        extra = sum(1 for lesion in cf.lesions if not lesion.is_spinal)
        value = "zero" if extra == 0 else "one_to_two" if extra <= 2 else "ge3"
        c.put(
            "extraspinal_bone_mets",
            value,
            "derived",
            (f"lesions: {extra} outside the spine", f"病灶：脊柱外{extra}处"),
        )
    else:
        c.missing("extraspinal_bone_mets", "no bone lesion recorded", "未记录骨病灶")
    if levels:
        count = len(levels)
        value = "one" if count == 1 else "two" if count == 2 else "ge3"
        c.put(
            "vertebral_body_mets",
            value,
            "derived",
            (
                f"lesions: {count} vertebrae ({', '.join(levels)})",
                f"病灶：{count}个椎体（{'、'.join(word(level, 'zh') for level in levels)}）",
            ),
        )
    else:
        note = "not applicable: no spinal lesion recorded (Tokuhashi is for spinal metastases)"
        note_zh = "不适用：未记录脊柱病灶（Tokuhashi评分用于脊柱转移）"
        c.missing("vertebral_body_mets", note, note_zh, ("lesions: no spinal lesion", "病灶：无脊柱病灶"))
    visceral = case.visceral_mets
    if visceral is None:
        c.missing("major_organ_mets", "visceral disease not recorded", "未记录内脏转移情况")
    elif visceral == VisceralMets.NONE:
        c.put("major_organ_mets", "none", "case", VISCERAL_NONE)
    elif case.visceral_removable is None:
        c.missing(
            "major_organ_mets",
            f"visceral metastases {word(visceral)}: record whether they are removable",
            f"内脏转移（{word(visceral, 'zh')}）：请记录是否可切除",
        )
    else:
        value = "removable" if case.visceral_removable else "unremovable"
        c.put(
            "major_organ_mets",
            value,
            "case",
            (
                f"case: visceral metastases {word(visceral)}, {value}",
                f"病例：内脏转移（{word(visceral, 'zh')}），" + ("可切除" if case.visceral_removable else "不可切除"),
            ),
        )
    c.put(
        "primary_site_group",
        TOKUHASHI_PRIMARY.get(case.primary_tumour, TOKUHASHI_PRIMARY_DEFAULT),
        "derived",
        _primary_rec(case.primary_tumour),
    )
    if case.frankel is None:
        c.missing("palsy_frankel", "Frankel grade not recorded", "未记录Frankel分级")
    else:
        c.put("palsy_frankel", case.frankel.value, "case", _frankel_rec(case.frankel.value))
    return _derived("tokuhashi_revised", c, applicable=applicable, note=note, note_zh=note_zh)


TIER_ZH = {"normal": "正常", "abnormal": "异常", "critical": "危急"}
CRITICAL_COMPONENTS = ("platelets_10e9_l", "corrected_calcium_mmol_l", "bilirubin_umol_l")
ABNORMAL_COMPONENTS = ("crp_mg_l", "ldh_u_l", "albumin_g_l")


def possible_lab_tiers(used: Mapping[str, object]) -> list[str]:
    """The Katagiri lab tiers the known values still allow, lowest first (decision 5 and safety
    rule 7: one critical value decides it; "normal" needs every component)."""
    known = katagiri_lab_tier(**used) if used else None
    if known == "critical":
        return ["critical"]
    tiers: list[str] = []
    if known != "abnormal" and all(name in used for name in (*CRITICAL_COMPONENTS, *ABNORMAL_COMPONENTS)):
        return ["normal"]
    if known != "abnormal":
        tiers.append("normal")
    if known == "abnormal" or any(name not in used for name in ABNORMAL_COMPONENTS):
        tiers.append("abnormal")
    if any(name not in used for name in CRITICAL_COMPONENTS):
        tiers.append("critical")
    return tiers


def _katagiri(cf: CaseFile, policy: Policy, corrected: DerivedScore) -> DerivedScore:
    c = _Collector()
    group, record, note, note_zh = _katagiri_growth(cf)
    if group is None:
        c.missing("primary_growth_group", note, note_zh, record)
    else:
        c.put("primary_growth_group", group, "derived", record, note, note_zh)
    visceral = cf.case.visceral_mets
    if visceral is None:
        c.missing("visceral_metastases", "visceral disease not recorded", "未记录内脏转移情况")
    else:
        c.put("visceral_metastases", visceral.value, "case", _visceral_rec(visceral))
    # Lab tier from the latest labs in the window (decision 5: corrected calcium).
    analytes = {
        "platelets_10e9_l": Analyte.PLATELETS,
        "bilirubin_umol_l": Analyte.BILIRUBIN,
        "crp_mg_l": Analyte.CRP,
        "ldh_u_l": Analyte.LDH,
        "albumin_g_l": Analyte.ALBUMIN,
    }
    used: dict[str, object] = {}
    records: list[str] = []
    records_zh: list[str] = []
    for name, analyte in analytes.items():
        lab = latest_lab(cf, analyte, policy)
        if lab is not None:
            used[name] = lab.value
            records.append(lab_record(lab, cf.as_of))
            records_zh.append(lab_record_zh(lab, cf.as_of))
    if corrected.complete and corrected.total is not None:
        used["corrected_calcium_mmol_l"] = corrected.total
        records.append(f"corrected Ca {corrected.total} mmol/L")
        records_zh.append(f"校正血钙 {corrected.total} mmol/L")
    readable = {
        "platelets_10e9_l": ("platelets", "血小板"),
        "corrected_calcium_mmol_l": ("corrected calcium", "校正血钙"),
        "bilirubin_umol_l": ("bilirubin", "胆红素"),
        "crp_mg_l": ("CRP", "CRP"),
        "ldh_u_l": ("LDH", "LDH"),
        "albumin_g_l": ("albumin", "白蛋白"),
    }
    absent = [readable[name] for name in readable if name not in used]
    _ecog_3_or_4(c, cf)
    _previous_chemotherapy(c, cf)
    n = len(cf.lesions)
    if n == 0:
        c.missing("multiple_skeletal_metastases", "no bone lesion recorded", "未记录骨病灶")
    else:
        c.put("multiple_skeletal_metastases", n > 1, "derived", _lesion_count(cf))
    possible = possible_lab_tiers(used)
    record = ("; ".join(records), "；".join(records_zh))
    window = policy.lab_score_window_days
    if not used:
        c.missing(
            "lab_tier",
            f"no platelets, calcium, bilirubin, CRP, LDH or albumin within {window} days",
            f"{window}天内无血小板、血钙、胆红素、CRP、LDH或白蛋白结果",
        )
    elif len(possible) == 1:
        c.put("lab_tier", possible[0], "derived", record)
    else:
        # Safety rule 7: complete only when the missing labs cannot change the band.
        bands = {evaluate("katagiri_new", {**c.values, "lab_tier": tier}).band for tier in possible}
        absent_en = ", ".join(en for en, _ in absent)
        absent_zh = "、".join(zh for _, zh in absent)
        if len(bands) == 1 and INCOMPLETE not in bands:
            c.put(
                "lab_tier",
                possible[0],
                "derived",
                record,
                f"not measured: {absent_en}; the tier could be {' or '.join(possible)}, the band is the same either way "
                "(the total is the lowest possible)",
                f"未检测：{absent_zh}；分级可能为{'或'.join(TIER_ZH[t] for t in possible)}，"
                "各种情况下分组相同（总分取最低可能值）",
            )
        else:
            c.missing(
                "lab_tier",
                f"lab tier could be {' or '.join(possible)} and that changes the band: measure {absent_en}",
                f"实验室分级可能为{'或'.join(TIER_ZH[t] for t in possible)}，会改变分组：请检测{absent_zh}",
                record,
            )
    return _derived("katagiri_new", c)


def _simple(
    score_id: str,
    name: str,
    value: InputValue | None,
    record: tuple[str, str],
    what: str,
    what_zh: str,
) -> DerivedScore:
    c = _Collector()
    if value is None:
        c.missing(name, f"{what} not recorded", f"未记录{what_zh}")
    else:
        c.put(name, value, "case", record)
    return _derived(score_id, c)


def _ecog(cf: CaseFile) -> DerivedScore:
    ecog, kps = cf.case.ecog, cf.case.kps
    if ecog is not None or kps is None:
        return _simple("ecog", "ecog", ecog, _ecog_rec(ecog), "ECOG", "ECOG评分")
    c = _Collector()
    c.missing(
        "ecog",
        f"ECOG not recorded; KPS {kps} (conventional crosswalk, display only)",
        f"未记录ECOG；KPS {kps}（常用对照，仅供显示）",
        _kps_rec(kps),
    )
    return _derived(
        "ecog",
        c,
        note=f"KPS {kps} recorded; ECOG not recorded natively",
        note_zh=f"已记录KPS {kps}；未直接记录ECOG",
        extra_flags=("ecog_not_recorded_kps_available",),
    )


def _karnofsky(cf: CaseFile) -> DerivedScore:
    ecog, kps = cf.case.ecog, cf.case.kps
    if kps is not None or ecog is None:
        return _simple("karnofsky", "kps", kps, _kps_rec(kps), "KPS", "KPS评分")
    c = _Collector()
    shown = ECOG_TO_KPS_RANGE[ecog]
    # The converted range is shown, never scored: a source without an input value.
    c.sources.append(
        InputSource(
            input="kps",
            value=shown,
            origin="converted",
            record=_ecog_rec(ecog)[0],
            record_zh=_ecog_rec(ecog)[1],
            note=f"KPS {shown} converted from ECOG {ecog} (conventional crosswalk; display only, never used for scoring)",
            note_zh=f"由ECOG {ecog}分换算为KPS {shown}（常用对照；仅供显示，不用于评分）",
        )
    )
    return _derived(
        "karnofsky",
        c,
        note=f"KPS {shown} (converted from ECOG {ecog}; display only)",
        note_zh=f"KPS {shown}（由ECOG {ecog}分换算；仅供显示）",
        extra_flags=("kps_converted_from_ecog",),
    )
