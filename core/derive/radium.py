"""Radium-223 eligibility inputs from the case, its treatments and labs (docs/clinical/scores.md section 14)."""

from __future__ import annotations

from collections.abc import Mapping

from core.derive.calcium import _weight_rec
from core.derive.facts import _lesion_count, _visceral_rec
from core.derive.provenance import _Collector, _derived, _name_has, is_active
from core.derive.results import DerivedScore, InputValue
from core.derive.tables import ADT_NAMES, SYSTEMIC_KINDS
from core.derive.words import BY_USER, _fmt, word, yes_no
from core.models import (
    Analyte,
    CaseFile,
    CastrationStatus,
    TreatmentKind,
    VisceralMets,
)
from core.policy import Policy


def _radium(cf: CaseFile, policy: Policy, overrides: Mapping[str, InputValue]) -> DerivedScore:
    c = _Collector()
    case = cf.case
    if case.castration is None:
        c.missing("castration_resistant", "castration status not recorded", "未记录去势状态")
    else:
        c.put(
            "castration_resistant",
            case.castration == CastrationStatus.RESISTANT,
            "case",
            (
                f"case: {word(case.castration)}",
                f"病例：{word(case.castration, 'zh')}",
            ),
        )
    painful = [lesion for lesion in cf.lesions if lesion.painful]
    if painful or (case.nrs is not None and case.nrs >= 1):
        record = (
            (f"{len(painful)} painful lesion(s)", f"{len(painful)}处疼痛病灶")
            if painful
            else (f"case: NRS {case.nrs}", f"病例：NRS {case.nrs}分")
        )
        c.put("symptomatic_bone_mets", True, "derived", record)
    elif case.nrs is not None:
        c.put(
            "symptomatic_bone_mets",
            False,
            "derived",
            (f"case: NRS {case.nrs}, no painful lesion", f"病例：NRS {case.nrs}分，无疼痛病灶"),
        )
    else:
        c.missing("symptomatic_bone_mets", "pain (NRS) not recorded", "未记录疼痛评分（NRS）")
    if case.visceral_mets is None:
        c.missing("known_visceral_mets", "visceral disease not recorded", "未记录内脏转移情况")
    else:
        c.put(
            "known_visceral_mets",
            case.visceral_mets != VisceralMets.NONE,
            "case",
            _visceral_rec(case.visceral_mets),
        )
    if cf.lesions:
        c.put("bone_metastasis_count", len(cf.lesions), "derived", _lesion_count(cf))
    else:
        c.missing("bone_metastasis_count", "no bone lesion recorded", "未记录骨病灶")
    if "lymph_node_max_cm" in overrides:
        c.put("lymph_node_max_cm", overrides["lymph_node_max_cm"], "case", BY_USER)
    elif case.lymph_node_max_cm is not None:
        c.put(
            "lymph_node_max_cm",
            case.lymph_node_max_cm,
            "case",
            (
                f"case: largest lymph node {_fmt(case.lymph_node_max_cm)} cm",
                f"病例：最大淋巴结 {_fmt(case.lymph_node_max_cm)} cm",
            ),
        )
    else:
        c.missing(
            "lymph_node_max_cm",
            "largest lymph node (cm) not recorded",
            "未记录最大淋巴结直径（cm）",
        )
    active = [t for t in cf.treatments if is_active(t, cf.as_of)]
    abiraterone = [t for t in active if _name_has(t, ("abiraterone",))]
    c.put(
        "concurrent_abiraterone",
        bool(abiraterone),
        "derived",
        (f"treatments: {abiraterone[0].name} ongoing", f"治疗：{abiraterone[0].name}（进行中）")
        if abiraterone
        else ("treatments: no active abiraterone", "治疗：目前未使用阿比特龙"),
    )
    other = [
        t
        for t in active
        if t.kind in SYSTEMIC_KINDS and not _name_has(t, ADT_NAMES) and not _name_has(t, ("abiraterone", "radium"))
    ]
    c.put(
        "other_systemic_therapy_except_adt",
        bool(other),
        "derived",
        (
            "treatments: " + ", ".join(t.name for t in other) + " active",
            "治疗：" + "、".join(t.name for t in other) + "（进行中）",
        )
        if other
        else (
            "treatments: no active systemic therapy other than ADT",
            "治疗：除ADT外无进行中的全身治疗",
        ),
    )
    if case.prior_mcrpc_lines is None:
        c.missing("prior_mcrpc_lines", "prior mCRPC lines not recorded", "未记录既往mCRPC治疗线数")
    else:
        c.put(
            "prior_mcrpc_lines",
            case.prior_mcrpc_lines,
            "case",
            (
                f"case: {case.prior_mcrpc_lines} prior mCRPC lines",
                f"病例：既往mCRPC治疗{case.prior_mcrpc_lines}线",
            ),
        )
    if "ineligible_for_other_treatment" in overrides:
        c.put(
            "ineligible_for_other_treatment",
            overrides["ineligible_for_other_treatment"],
            "case",
            BY_USER,
        )
    elif case.ineligible_for_other_treatment is not None:
        ineligible = case.ineligible_for_other_treatment
        c.put(
            "ineligible_for_other_treatment",
            ineligible,
            "case",
            (
                f"case: ineligible for other treatment: {yes_no(ineligible)}",
                f"病例：不适合其他治疗：{yes_no(ineligible, 'zh')}",
            ),
        )
    elif case.prior_mcrpc_lines is None or case.prior_mcrpc_lines < 2:
        # Only asked when fewer than two prior lines are recorded (EU 2018: >= 2 lines *or*
        # ineligible for other treatment).
        c.missing(
            "ineligible_for_other_treatment",
            "fewer than 2 prior mCRPC lines recorded: is the patient ineligible for other treatment?",
            "既往mCRPC治疗少于2线：患者是否不适合其他治疗？",
        )
    given = [t for t in cf.treatments if t.kind == TreatmentKind.RADIONUCLIDE and _name_has(t, ("radium", "ra-223", "xofigo"))]
    c.put(
        "dose_number",
        min(len(given) + 1, 6),
        "derived",
        (f"treatments: {len(given)} radium-223 record(s)", f"治疗：镭-223记录{len(given)}次"),
        "next dose number",
        "下一次给药序号",
    )
    if case.weight_kg is None:
        c.missing("weight_kg", "weight not recorded", "未记录体重")
    else:
        c.put("weight_kg", case.weight_kg, "case", _weight_rec(case.weight_kg))
    c.lab("anc_10e9_l", cf, Analyte.NEUTROPHILS, policy)
    c.lab("platelets_10e9_l", cf, Analyte.PLATELETS, policy)
    c.lab("hb_g_l", cf, Analyte.HB, policy)
    return _derived("radium_223", c)
