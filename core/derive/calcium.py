"""Corrected calcium, its CTCAE grade and the Cockcroft-Gault creatinine clearance."""

from __future__ import annotations

from decimal import Decimal

from core.derive.facts import _primary_rec
from core.derive.provenance import _Collector, _derived, latest_lab
from core.derive.results import DerivedScore, InputSource
from core.derive.tables import P, haematological_kind
from core.derive.words import _fmt, _lab_rec, lab_age_zh, lab_record, lab_record_zh, word
from core.i18n import MESSAGES
from core.models import (
    Analyte,
    CaseFile,
    LabResult,
)
from core.policy import Policy
from core.scores.base import Band
from core.scores.calcium import CORRECTED_BANDS, CTCAE_BANDS


def paired_albumin(cf: CaseFile, calcium: LabResult, pair_days: int) -> LabResult | None:
    """The albumin taken nearest the calcium, within ``pair_days`` of it (inclusive; safety rule
    2: calcium and albumin pair when taken within 7 days of each other); on a tie the newer."""
    albumins = [
        lab
        for lab in cf.labs
        if lab.analyte == Analyte.ALBUMIN
        and lab.taken_on <= cf.as_of
        and abs((lab.taken_on - calcium.taken_on).days) <= pair_days
    ]
    return min(
        albumins,
        key=lambda lab: (abs((lab.taken_on - calcium.taken_on).days), -lab.taken_on.toordinal()),
        default=None,
    )


def _calcium_pair(cf: CaseFile, policy: Policy) -> tuple[LabResult | None, LabResult | None]:
    """Latest calcium in the scores' window and the albumin paired with it."""
    calcium = latest_lab(cf, Analyte.CALCIUM, policy)
    if calcium is None:
        return None, latest_lab(cf, Analyte.ALBUMIN, policy)
    return calcium, paired_albumin(cf, calcium, policy.calcium_albumin_pair_days)


def _corrected_calcium(cf: CaseFile, policy: Policy, crcl: Decimal | None) -> tuple[DerivedScore, LabResult | None]:
    c = _Collector()
    calcium, albumin = _calcium_pair(cf, policy)
    if calcium is None:
        c.lab("calcium_mmol_l", cf, Analyte.CALCIUM, policy)
    else:
        c.put(
            "calcium_mmol_l",
            calcium.value,
            "lab",
            _lab_rec(calcium, cf.as_of),
            f"{(cf.as_of - calcium.taken_on).days} days old",
            lab_age_zh(calcium, cf.as_of),
            observed_on=calcium.taken_on,
        )
    if albumin is None and calcium is not None:
        days = policy.calcium_albumin_pair_days
        c.missing(
            "albumin_g_l",
            f"no albumin within {days} days of the calcium of {calcium.taken_on.isoformat()} (they must be paired)",
            f"{calcium.taken_on.isoformat()}血钙前后{days}天内无白蛋白结果（二者须配对）",
        )
    elif albumin is None:
        c.lab("albumin_g_l", cf, Analyte.ALBUMIN, policy)
    else:
        gap = abs((albumin.taken_on - calcium.taken_on).days) if calcium is not None else 0
        note = f"albumin taken {gap} day(s) apart from the calcium" if gap else ""
        note_zh = f"白蛋白与血钙检测相隔{gap}天" if gap else lab_age_zh(albumin, cf.as_of)
        c.put("albumin_g_l", albumin.value, "lab", _lab_rec(albumin, cf.as_of), note, note_zh, observed_on=albumin.taken_on)
    c.put(
        "myeloma",
        haematological_kind(cf.case) == P.MYELOMA,  # the primary recorded or a plasma-cell histology
        "case",
        _primary_rec(cf.case.primary_tumour),
    )
    if crcl is not None and crcl <= 250:
        c.put(
            "creatinine_clearance_ml_min",
            crcl,
            "derived",
            (
                f"Cockcroft–Gault CrCl {_fmt(crcl)} mL/min",
                f"Cockcroft–Gault公式肌酐清除率 {_fmt(crcl)} mL/min",
            ),
        )
    ionised = latest_lab(cf, Analyte.IONISED_CALCIUM, policy)
    if ionised is not None and calcium is not None and ionised.taken_on < calcium.taken_on:
        # A newer value always overrides an older one (safety rule 2): an old ionised calcium
        # never hides a new total calcium.
        ionised = None
    derived = _derived("corrected_calcium", c)
    if ionised is not None:
        derived = derived.model_copy(
            update={
                "sources": (
                    *derived.sources,
                    InputSource(
                        input="ionised_calcium",
                        value=str(ionised.value),
                        origin="lab",
                        record=lab_record(ionised, cf.as_of),
                        record_zh=lab_record_zh(ionised, cf.as_of),
                        note="ionised calcium recorded: hypercalcaemia is graded on it",
                        note_zh="已记录离子钙：高钙血症按离子钙分级",
                    ),
                )
            }
        )
    return derived, ionised


# Published thresholds in conventional units (safety rule 7, decision "Units"): the Zometa label's
# hypercalcaemia of malignancy is corrected Ca >= 12.0 mg/dL; CTCAE v5.0 grades > 11.5, > 12.5 and
# > 13.5 mg/dL. A calcium entered in mg/dL is banded on these, the mmol/L value shown beside.
MG_HCM_FROM = Decimal("12.0")
MG_CTCAE_UPPER_BOUNDS: list[tuple[Decimal, str]] = [
    (Decimal("11.5"), "grade_1"),
    (Decimal("12.5"), "grade_2"),
    (Decimal("13.5"), "grade_3"),
]
MG_ULN = Decimal("10.4")


def corrected_mg_dl(corrected: DerivedScore, calcium: LabResult | None) -> Decimal | None:
    """The corrected calcium in mg/dL (0.8 mg/dL per g/dL albumin below 4.0) when the calcium was
    entered in mg/dL, else None."""
    if calcium is None or calcium.entered_unit != "mg/dL" or calcium.entered_value is None:
        return None
    albumin = corrected.inputs.get("albumin_g_l")
    if not isinstance(albumin, Decimal):
        return None
    return calcium.entered_value + Decimal("0.08") * (Decimal(40) - albumin)


def _rebanded(score: DerivedScore, band: str, bands: dict[str, Band], mg: Decimal) -> DerivedScore:
    if score.band == band:
        return score
    chosen = bands[band]
    result = score.result.model_copy(
        update={
            "band": band,
            "band_label_en": chosen.label_en,
            "band_label_zh": chosen.label_zh,
            "action_en": chosen.action_en,
            "action_zh": chosen.action_zh,
            "flags": (*score.result.flags, "banded_on_entered_unit"),
        }
    )
    shown = mg.quantize(Decimal("0.1"))
    return score.model_copy(
        update={
            "result": result,
            "note": f"entered in mg/dL: corrected {shown} mg/dL is banded on the published mg/dL threshold",
            "note_zh": f"以mg/dL录入：校正血钙{shown} mg/dL按公布的mg/dL阈值分级",
        }
    )


def entered_unit_bands(
    corrected: DerivedScore, ctcae: DerivedScore, calcium: LabResult | None
) -> tuple[DerivedScore, DerivedScore]:
    """Corrected-calcium and CTCAE bands on the entered unit's thresholds (Ca 12.0 mg/dL = HCM)."""
    mg = corrected_mg_dl(corrected, calcium) if corrected.complete else None
    if mg is None:
        return corrected, ctcae
    if corrected.band == "mild" and mg >= MG_HCM_FROM:
        corrected = _rebanded(corrected, "moderate", CORRECTED_BANDS, mg)
    if ctcae.complete:
        grade = "grade_4"
        if mg <= MG_ULN:
            grade = "grade_0"
        else:
            for bound, name in MG_CTCAE_UPPER_BOUNDS:
                if mg <= bound:
                    grade = name
                    break
        ctcae = _rebanded(ctcae, grade, CTCAE_BANDS, mg)
    return corrected, ctcae


def _input_word(name: str, lang: str = "en") -> str:
    """A score input's name in words (the board's catalogue), lower-case in English."""
    pair = MESSAGES.get(f"board.input.{name}")
    if pair is None:
        return name.replace("_", " ")
    return pair[1] if lang == "zh" else pair[0][:1].lower() + pair[0][1:]


def _ctcae(corrected: DerivedScore, ionised: LabResult | None, cf: CaseFile) -> DerivedScore:
    c = _Collector()
    if corrected.complete and corrected.total is not None:
        c.put(
            "corrected_calcium_mmol_l",
            corrected.total,
            "derived",
            (
                f"corrected Ca {corrected.total} mmol/L (from calcium and albumin)",
                f"校正血钙 {corrected.total} mmol/L（由血钙和白蛋白计算）",
            ),
        )
    else:
        c.missing(
            "corrected_calcium_mmol_l",
            "corrected calcium needs calcium and albumin: " + ", ".join(_input_word(name) for name in corrected.missing),
            "校正血钙需要血钙和白蛋白：" + "、".join(_input_word(name, "zh") for name in corrected.missing),
        )
    note = note_zh = ""
    if ionised is not None:
        note = (
            f"ionised calcium {ionised.value} mmol/L recorded ({lab_record(ionised, cf.as_of)}): "
            "the rules grade hypercalcaemia on it (CTCAE ionised ranges)"
        )
        note_zh = f"已记录离子钙{ionised.value} mmol/L：规则按离子钙（CTCAE离子钙范围）分级"
    return _derived("ctcae_hypercalcaemia", c, note=note, note_zh=note_zh)


def _weight_rec(weight: object) -> tuple[str, str]:
    return f"case: weight {weight} kg", f"病例：体重 {weight} kg"


def _zoledronic(cf: CaseFile, policy: Policy) -> DerivedScore:
    c = _Collector()
    age = cf.age
    if age < 18:
        c.missing(
            "age_years",
            "Cockcroft–Gault is for adults (age ≥ 18)",
            "Cockcroft–Gault公式仅用于成人（≥18岁）",
        )
    else:
        c.put(
            "age_years",
            age,
            "derived",
            (
                f"patient: born {cf.patient.birth_date.isoformat()}, age {age} on {cf.as_of.isoformat()}",
                f"患者：{cf.patient.birth_date.isoformat()}出生，{cf.as_of.isoformat()}时{age}岁",
            ),
        )
    if cf.case.weight_kg is None:
        c.missing("weight_kg", "weight not recorded", "未记录体重")
    else:
        c.put("weight_kg", cf.case.weight_kg, "case", _weight_rec(cf.case.weight_kg))
    c.put(
        "sex",
        cf.patient.sex.value,
        "case",
        (f"patient: {word(cf.patient.sex)}", f"患者：{word(cf.patient.sex, 'zh')}性"),
    )
    c.lab("serum_creatinine_umol_l", cf, Analyte.CREATININE, policy)
    if cf.case.height_cm is not None:
        c.put(
            "height_cm",
            cf.case.height_cm,
            "case",
            (f"case: height {cf.case.height_cm} cm", f"病例：身高 {cf.case.height_cm} cm"),
            "for the BMI ≥ 30 check only",
            "仅用于BMI≥30核查",
        )
    return _derived("zoledronic_acid_dose", c)
