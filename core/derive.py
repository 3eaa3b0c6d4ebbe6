"""Derivation of every score's inputs from a case's stored facts, with provenance.

``derive_scores`` builds the inputs of each score from a ``CaseFile`` -- lesions, labs,
ECOG/KPS, Frankel, the primary with receptor/driver status, visceral disease, the counts of bone
and vertebral lesions, prior chemotherapy -- and evaluates them with ``core.scores.evaluate``.
SINS and Bilsky are scored per spinal lesion and Mirels per long-bone lesion (the patient's
SINS is the maximum, SCORES.md decision 2); Tomita, Tokuhashi, Katagiri and the rest per
patient. Every input carries an ``InputSource`` saying which record it came from, that it was
derived or converted (ECOG -> KPS), or that it is missing. A lab counts only within
``Policy.lab_window_days``; the latest one is used and its age is stated.

The mapping tables below are the board's published choices (SCORES.md decisions 3-5 and the
research notes); a primary a table does not cover is left missing for the user to choose.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from core.i18n import MESSAGES, enum_label
from core.models import (
    Analyte,
    Bone,
    CaseFile,
    CastrationStatus,
    LabResult,
    Lesion,
    Marker,
    PrimaryTumour,
    Segment,
    Treatment,
    TreatmentKind,
    VisceralMets,
)
from core.policy import Policy
from core.scores import INCOMPLETE, ScoreResult, evaluate, katagiri_lab_tier

Origin = Literal["case", "lesion", "lab", "derived", "converted", "missing"]
InputValue = str | int | bool | Decimal

PATIENT_SCORES: tuple[str, ...] = (
    "tomita",
    "tokuhashi_revised",
    "katagiri_new",
    "corrected_calcium",
    "ctcae_hypercalcaemia",
    "zoledronic_acid_dose",
    "who_analgesic_ladder",
    "frankel",
    "ecog",
    "karnofsky",
    "radium_223",
)
LESION_SCORES: tuple[str, ...] = ("sins", "bilsky_escc", "mirels")

# --------------------------------------------------------------------------------------------
# Mapping tables (data)
# --------------------------------------------------------------------------------------------

P = PrimaryTumour

# Tomita growth class, SCORES.md decision 3. Colorectal includes the rectum. Primaries not
# listed: the user must choose; haematological malignancy: Tomita does not apply.
TOMITA_GROWTH: dict[PrimaryTumour, str] = {
    P.BREAST: "slow",
    P.THYROID: "slow",
    P.PROSTATE: "slow",
    P.CARCINOID: "slow",
    P.KIDNEY: "moderate",
    P.UTERUS: "moderate",
    P.LUNG_NSCLC: "rapid",
    P.LUNG_SCLC: "rapid",
    P.STOMACH: "rapid",
    P.LIVER: "rapid",
    P.OESOPHAGUS: "rapid",
    P.PANCREAS: "rapid",
    P.COLORECTAL: "rapid",
    P.RECTUM: "rapid",
    P.UNKNOWN: "rapid",
}
HAEMATOLOGICAL: frozenset[PrimaryTumour] = frozenset({P.MYELOMA, P.LYMPHOMA})

# Tokuhashi 2005 primary-site group (SCORES.md section 4). "Sarcoma" is not osteosarcoma by
# default, so it falls under "others" (2).
_P0 = "p0_lung_osteosarcoma_stomach_bladder_esophagus_pancreas"
TOKUHASHI_PRIMARY: dict[PrimaryTumour, str] = {
    P.LUNG_NSCLC: _P0,
    P.LUNG_SCLC: _P0,
    P.STOMACH: _P0,
    P.BLADDER: _P0,
    P.OESOPHAGUS: _P0,
    P.PANCREAS: _P0,
    P.LIVER: "p1_liver_gallbladder_unidentified",
    P.GALLBLADDER: "p1_liver_gallbladder_unidentified",
    P.UNKNOWN: "p1_liver_gallbladder_unidentified",
    P.KIDNEY: "p3_kidney_uterus",
    P.UTERUS: "p3_kidney_uterus",
    P.RECTUM: "p4_rectum",
    P.THYROID: "p5_thyroid_breast_prostate_carcinoid",
    P.BREAST: "p5_thyroid_breast_prostate_carcinoid",
    P.PROSTATE: "p5_thyroid_breast_prostate_carcinoid",
    P.CARCINOID: "p5_thyroid_breast_prostate_carcinoid",
}
TOKUHASHI_PRIMARY_DEFAULT = "p2_other"

# Katagiri 2014 growth group for primaries whose group does not depend on receptor/driver
# status (breast, prostate and NSCLC are decided in ``_katagiri_growth``). "other": missing.
KATAGIRI_GROWTH: dict[PrimaryTumour, str] = {
    P.LUNG_SCLC: "rapid",
    P.KIDNEY: "moderate",
    P.SARCOMA: "moderate",
    P.UTERUS: "moderate",
    P.OVARY: "moderate",
    P.THYROID: "slow",
    P.MYELOMA: "slow",
    P.LYMPHOMA: "slow",
    P.COLORECTAL: "rapid",
    P.RECTUM: "rapid",
    P.STOMACH: "rapid",
    P.PANCREAS: "rapid",
    P.HEAD_NECK: "rapid",
    P.OESOPHAGUS: "rapid",
    P.LIVER: "rapid",
    P.MELANOMA: "rapid",
    P.UNKNOWN: "rapid",
    P.GALLBLADDER: "rapid",
    P.CERVIX: "rapid",
    P.BLADDER: "rapid",
}

# Mirels site class. The femur is decided by its segment (peritrochanteric scores 3).
MIRELS_SITE: dict[Bone, str] = {
    Bone.HUMERUS: "upper_limb",
    Bone.RADIUS: "upper_limb",
    Bone.ULNA: "upper_limb",
    Bone.TIBIA: "lower_limb",
    Bone.FIBULA: "lower_limb",
}

# Androgen-deprivation therapy (allowed with radium-223); matched in the treatment name.
ADT_NAMES: tuple[str, ...] = (
    "goserelin",
    "leuprorelin",
    "leuprolide",
    "triptorelin",
    "buserelin",
    "histrelin",
    "degarelix",
    "relugolix",
    "orchiectomy",
    "orchidectomy",
    "adt",
    "lhrh",
    "gnrh",
)
SYSTEMIC_KINDS: frozenset[TreatmentKind] = frozenset(
    {
        TreatmentKind.CHEMOTHERAPY,
        TreatmentKind.ENDOCRINE,
        TreatmentKind.TARGETED,
        TreatmentKind.IMMUNOTHERAPY,
        TreatmentKind.RADIONUCLIDE,
    }
)

# Conventional ECOG -> KPS crosswalk, display only (SCORES.md decision 11).
ECOG_TO_KPS_RANGE: dict[int, str] = {
    0: "90–100",
    1: "70–80",
    2: "50–60",
    3: "30–40",
    4: "10–20",
    5: "0",
}

LAB_UNITS: dict[Analyte, str] = {
    Analyte.CALCIUM: "mmol/L",
    Analyte.IONISED_CALCIUM: "mmol/L",
    Analyte.ALBUMIN: "g/L",
    Analyte.CREATININE: "µmol/L",
    Analyte.HB: "g/L",
    Analyte.PLATELETS: "×10⁹/L",
    Analyte.NEUTROPHILS: "×10⁹/L",
    Analyte.CRP: "mg/L",
    Analyte.LDH: "U/L",
    Analyte.BILIRUBIN: "µmol/L",
}

# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


class InputSource(BaseModel):
    """Where one score input came from: a record, a derivation, a conversion, or nowhere."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: str
    value: str | None
    origin: Origin
    record: str
    note: str = ""
    note_zh: str = ""
    record_zh: str = ""


class DerivedScore(BaseModel):
    """One score evaluated on derived inputs, with the provenance of each input."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    score_id: str
    lesion_id: int | None = None
    site: str = ""  # Lesion.site_label(): the machine form (enum values), kept for lookups
    site_en: str = ""  # the site in words, per language
    site_zh: str = ""
    result: ScoreResult
    sources: tuple[InputSource, ...]
    inputs: dict[str, InputValue]
    applicable: bool = True
    note: str = ""
    note_zh: str = ""

    @property
    def complete(self) -> bool:
        return self.result.band != INCOMPLETE

    @property
    def total(self) -> int | Decimal | None:
        return self.result.total

    @property
    def band(self) -> str:
        return self.result.band

    @property
    def missing(self) -> tuple[str, ...]:
        return self.result.missing

    def _shown(self) -> str:
        shown = self.inputs.get("escc_grade") if self.score_id == "bilsky_escc" else self.total
        return "" if shown is None else _fmt(shown)

    @property
    def label(self) -> str:
        """``"SINS 11 at T9 — Indeterminate: potentially unstable (7–12)"`` for reasons."""
        name = SCORE_NAMES.get(self.score_id, self.score_id)
        value = self._shown()
        unit = f" {self.result.value_unit}" if self.result.value_unit and value else ""
        shown = f" {value}{unit}" if value else ""
        site = self.site_en or self.site
        where = f" at {site}" if site else ""
        return f"{name}{shown}{where} — {self.result.band_label_en}"

    @property
    def label_zh(self) -> str:
        """``"T9 SINS 11分——潜在不稳定（7–12分）"``: the Chinese of ``label``."""
        name = SCORE_NAMES_ZH.get(self.score_id, SCORE_NAMES.get(self.score_id, self.score_id))
        value = self._shown()
        unit = "级" if self.score_id in ("bilsky_escc", "frankel") else "分"
        if self.result.value_unit:
            unit = f" {self.result.value_unit}"
        shown = f" {value}{unit}" if value else ""
        site = self.site_zh or self.site
        where = f"{site} " if site else ""
        return f"{where}{name}{shown}——{self.result.band_label_zh}"

    def source(self, name: str) -> InputSource | None:
        return next((s for s in self.sources if s.input == name), None)

    @property
    def hash(self) -> str:
        return inputs_hash(self.inputs)


SCORE_NAMES: dict[str, str] = {
    "sins": "SINS",
    "mirels": "Mirels",
    "bilsky_escc": "Bilsky",
    "tomita": "Tomita",
    "tokuhashi_revised": "Tokuhashi",
    "katagiri_new": "Katagiri",
    "corrected_calcium": "corrected Ca",
    "ctcae_hypercalcaemia": "CTCAE hypercalcaemia",
    "zoledronic_acid_dose": "CrCl",
    "who_analgesic_ladder": "WHO ladder",
    "frankel": "Frankel",
    "ecog": "ECOG",
    "karnofsky": "KPS",
    "radium_223": "Radium-223",
}

SCORE_NAMES_ZH: dict[str, str] = {
    "corrected_calcium": "校正血钙",
    "ctcae_hypercalcaemia": "CTCAE高钙血症",
    "zoledronic_acid_dose": "肌酐清除率",
    "who_analgesic_ladder": "WHO三阶梯",
    "radium_223": "镭-223",
}

BILSKY_ORDER: tuple[str, ...] = ("0", "1a", "1b", "1c", "2", "3")


class CaseScores(BaseModel):
    """Every derived score of one case: per patient and per lesion."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient: dict[str, DerivedScore]
    per_lesion: tuple[DerivedScore, ...]

    def lesion_scores(self, score_id: str) -> tuple[DerivedScore, ...]:
        return tuple(s for s in self.per_lesion if s.score_id == score_id)

    def _max(self, score_id: str) -> DerivedScore | None:
        complete = [s for s in self.lesion_scores(score_id) if s.complete and s.total is not None]
        return max(complete, key=lambda s: s.total or 0, default=None)

    @property
    def max_sins(self) -> DerivedScore | None:
        """The patient's SINS: the highest complete per-lesion SINS (decision 2)."""
        return self._max("sins")

    @property
    def max_mirels(self) -> DerivedScore | None:
        return self._max("mirels")

    @property
    def worst_bilsky(self) -> DerivedScore | None:
        graded = [s for s in self.lesion_scores("bilsky_escc") if s.complete]
        return max(
            graded,
            key=lambda s: BILSKY_ORDER.index(str(s.inputs["escc_grade"])),
            default=None,
        )

    def get(self, score_id: str) -> DerivedScore | None:
        """A patient-level score, or the worst lesion for SINS, Mirels and Bilsky."""
        if score_id == "sins":
            return self.max_sins
        if score_id == "mirels":
            return self.max_mirels
        if score_id == "bilsky_escc":
            return self.worst_bilsky
        return self.patient.get(score_id)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        # Long computed values (CrCl) are shown to 0.1; stored values as entered.
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            return format(value.quantize(Decimal("0.1")), "f")
        return format(value, "f")
    return str(value)


# Words for vocabulary values the shared catalogue (core.i18n ``vocab.*``) does not hold.
_WORDS: dict[str, tuple[str, str]] = {
    # primaries whose catalogue label carries brackets
    "lung_nsclc": ("non-small-cell lung cancer", "非小细胞肺癌"),
    "lung_sclc": ("small-cell lung cancer", "小细胞肺癌"),
    # histology
    "adenocarcinoma": ("adenocarcinoma", "腺癌"),
    "squamous_cell": ("squamous cell carcinoma", "鳞状细胞癌"),
    "small_cell": ("small cell carcinoma", "小细胞癌"),
    "invasive_ductal": ("invasive ductal carcinoma", "浸润性导管癌"),
    "invasive_lobular": ("invasive lobular carcinoma", "浸润性小叶癌"),
    "acinar_adenocarcinoma": ("acinar adenocarcinoma", "腺泡腺癌"),
    "clear_cell_rcc": ("clear-cell renal cell carcinoma", "透明细胞肾细胞癌"),
    "papillary_rcc": ("papillary renal cell carcinoma", "乳头状肾细胞癌"),
    "papillary_thyroid": ("papillary thyroid carcinoma", "甲状腺乳头状癌"),
    "follicular_thyroid": ("follicular thyroid carcinoma", "甲状腺滤泡癌"),
    "plasma_cell": ("plasma-cell neoplasm", "浆细胞肿瘤"),
    "hepatocellular": ("hepatocellular carcinoma", "肝细胞癌"),
    "urothelial": ("urothelial carcinoma", "尿路上皮癌"),
    "neuroendocrine": ("neuroendocrine tumour", "神经内分泌肿瘤"),
    "not_confirmed": ("not histologically confirmed", "未经组织学确诊"),
    # receptor / driver status, castration
    "positive": ("positive", "阳性"),
    "negative": ("negative", "阴性"),
    "unknown": ("unknown", "未知"),
    "sensitive": ("castration-sensitive", "去势敏感"),
    "resistant": ("castration-resistant", "去势抵抗"),
    # visceral disease, growth classes
    "none": ("none", "无"),
    "nodular": ("nodular", "结节性"),
    "disseminated": ("disseminated", "弥漫性"),
    "sacrum": ("sacrum", "骶骨"),
    "slow": ("slow", "缓慢"),
    "moderate": ("moderate", "中等"),
    "rapid": ("rapid", "快速"),
    # pain character
    "nociceptive": ("nociceptive", "伤害感受性"),
    "neuropathic": ("neuropathic", "神经病理性"),
    # analytes
    "calcium": ("calcium", "血钙"),
    "ionised_calcium": ("ionised calcium", "离子钙"),
    "albumin": ("albumin", "白蛋白"),
    "creatinine": ("creatinine", "肌酐"),
    "alp": ("ALP", "碱性磷酸酶"),
    "hb": ("haemoglobin", "血红蛋白"),
    "platelets": ("platelets", "血小板"),
    "neutrophils": ("neutrophils", "中性粒细胞"),
    "psa": ("PSA", "PSA"),
    "ca15_3": ("CA 15-3", "CA 15-3"),
    "cea": ("CEA", "CEA"),
    "ca125": ("CA-125", "CA-125"),
    "crp": ("CRP", "CRP"),
    "ldh": ("LDH", "LDH"),
    "bilirubin": ("bilirubin", "胆红素"),
    "phosphate": ("phosphate", "血磷"),
    "magnesium": ("magnesium", "血镁"),
}


def word(value: object, lang: str = "en") -> str:
    """A vocabulary value (enum or code) in words, English or Chinese; never the raw code."""
    raw = str(getattr(value, "value", value))
    pair = _WORDS.get(raw) or MESSAGES.get(f"vocab.{raw}")
    if pair is None:
        return enum_label(raw, lang)
    return pair[1] if lang == "zh" else pair[0]


def words(value: object) -> tuple[str, str]:
    """``(en, zh)`` of a vocabulary value."""
    return word(value, "en"), word(value, "zh")


def site_text(lesion: Lesion, lang: str = "en") -> str:
    """A lesion's site in words: the level, or side, bone and segment (``left femur head/neck``)."""
    if lesion.level:
        return lesion.level
    parts: list[str] = []
    if lesion.side is not None and not (lang == "zh" and lesion.side.value == "midline"):
        parts.append(word(lesion.side, lang))
    parts.append(word(lesion.bone, lang))
    if lesion.segment is not None:
        pair = MESSAGES.get(f"board.segment.{lesion.segment.value}")
        segment = lesion.segment.value.replace("_", " ")
        parts.append(segment if pair is None else pair[1] if lang == "zh" else pair[0])
    return ("" if lang == "zh" else " ").join(parts)


def sites_text(lesions: Iterable[Lesion], lang: str = "en") -> str:
    return ("、" if lang == "zh" else ", ").join(site_text(lesion, lang) for lesion in lesions)


def yes_no(value: bool, lang: str = "en") -> str:
    if lang == "zh":
        return "是" if value else "否"
    return "yes" if value else "no"


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def inputs_hash(inputs: Mapping[str, object]) -> str:
    """Stable sha256 of the inputs' canonical JSON (sorted keys, Decimals as text)."""
    canonical = json.dumps(_jsonable(inputs), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def lesion_label(lesion: Lesion, index: int) -> str:
    ident = f"#{lesion.lesion_id}" if lesion.lesion_id is not None else f"{index + 1}"
    return f"lesion {ident} {site_text(lesion)}"


def lesion_label_zh(lesion: Lesion, index: int) -> str:
    ident = f"#{lesion.lesion_id}" if lesion.lesion_id is not None else f"{index + 1}"
    return f"病灶{ident}（{site_text(lesion, 'zh')}）"


def lab_record(lab: LabResult, as_of: date) -> str:
    """``"lab calcium 2.45 mmol/L on 2026-11-02 (25 days old)"``."""
    unit = LAB_UNITS.get(lab.analyte, lab.unit)
    age = (as_of - lab.taken_on).days
    return f"lab {word(lab.analyte)} {lab.value} {unit} on {lab.taken_on.isoformat()} ({age} days old)"


def lab_record_zh(lab: LabResult, as_of: date) -> str:
    """``"检验：血钙 2.45 mmol/L，2026-11-02检测（距今25天）"``."""
    unit = LAB_UNITS.get(lab.analyte, lab.unit)
    return f"检验：{word(lab.analyte, 'zh')} {lab.value} {unit}，{lab_age_zh(lab, as_of)}"


def lab_age_zh(lab: LabResult, as_of: date) -> str:
    return f"{lab.taken_on.isoformat()}检测（距今{(as_of - lab.taken_on).days}天）"


def latest_lab(cf: CaseFile, analyte: Analyte, policy: Policy) -> LabResult | None:
    return cf.latest_lab(analyte, within_days=policy.lab_window_days)


def is_active(treatment: Treatment, as_of: date) -> bool:
    """Ongoing, or ending today or later (a record without end date and not ongoing is done)."""
    if treatment.start_date > as_of:
        return False
    return treatment.ongoing or (treatment.end_date is not None and treatment.end_date >= as_of)


def _name_has(treatment: Treatment, words: Iterable[str]) -> bool:
    name = treatment.name.casefold()
    return any(word in name for word in words)


def spinal_levels(cf: CaseFile) -> tuple[str, ...]:
    """Distinct vertebrae involved (a sacral lesion without level counts as the sacrum)."""
    levels: dict[str, None] = {}
    for lesion in cf.lesions:
        if lesion.is_spinal:
            levels[lesion.level or "sacrum"] = None
    return tuple(levels)


NOT_RECORDED = ("not recorded", "未记录")
BY_USER = ("entered by the user", "用户录入")


def _lab_rec(lab: LabResult, as_of: date) -> tuple[str, str]:
    return lab_record(lab, as_of), lab_record_zh(lab, as_of)


class _Collector:
    """Accumulates a score's inputs and their provenance."""

    def __init__(self) -> None:
        self.values: dict[str, InputValue] = {}
        self.sources: list[InputSource] = []

    def put(
        self,
        name: str,
        value: InputValue | None,
        origin: Origin,
        record: tuple[str, str],
        note: str = "",
        note_zh: str = "",
    ) -> None:
        """Record one input; ``record`` is ``(en, zh)`` of where it came from."""
        if value is None:
            origin = "missing"
        else:
            self.values[name] = value
        self.sources.append(
            InputSource(
                input=name,
                value=None if value is None else _fmt(value),
                origin=origin,
                record=record[0],
                note=note,
                note_zh=note_zh,
                record_zh=record[1],
            )
        )

    def missing(self, name: str, note: str, note_zh: str, record: tuple[str, str] = NOT_RECORDED) -> None:
        self.put(name, None, "missing", record, note, note_zh)

    def lab(self, name: str, cf: CaseFile, analyte: Analyte, policy: Policy) -> LabResult | None:
        lab = latest_lab(cf, analyte, policy)
        if lab is None:
            older = cf.latest_lab(analyte)
            if older is not None:
                self.missing(
                    name,
                    f"latest {word(analyte)} is {(cf.as_of - older.taken_on).days} days old "
                    f"(outside the {policy.lab_window_days}-day window)",
                    f"最近一次{word(analyte, 'zh')}检测距今{(cf.as_of - older.taken_on).days}天"
                    f"（超出{policy.lab_window_days}天有效期）",
                    record=_lab_rec(older, cf.as_of),
                )
            else:
                self.missing(
                    name,
                    f"no {word(analyte)} result within {policy.lab_window_days} days",
                    f"{policy.lab_window_days}天内无{word(analyte, 'zh')}检测结果",
                )
            return None
        age = (cf.as_of - lab.taken_on).days
        self.put(
            name,
            lab.value,
            "lab",
            _lab_rec(lab, cf.as_of),
            f"{age} days old",
            lab_age_zh(lab, cf.as_of),
        )
        return lab


def _derived(
    score_id: str,
    collector: _Collector,
    *,
    lesion: Lesion | None = None,
    site: str = "",
    applicable: bool = True,
    note: str = "",
    note_zh: str = "",
    extra_flags: tuple[str, ...] = (),
) -> DerivedScore:
    result = evaluate(score_id, collector.values)
    if extra_flags:
        result = result.model_copy(update={"flags": tuple(dict.fromkeys((*result.flags, *extra_flags)))})
    return DerivedScore(
        score_id=score_id,
        lesion_id=lesion.lesion_id if lesion is not None else None,
        site=site,
        site_en=site_text(lesion) if lesion is not None else "",
        site_zh=site_text(lesion, "zh") if lesion is not None else "",
        result=result,
        sources=tuple(collector.sources),
        inputs=dict(collector.values),
        applicable=applicable,
        note=note,
        note_zh=note_zh,
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


# --------------------------------------------------------------------------------------------
# Per-lesion scores
# --------------------------------------------------------------------------------------------


def _sins(lesion: Lesion, label: tuple[str, str]) -> DerivedScore:
    c = _Collector()
    if lesion.level is not None:
        c.put("level", lesion.level, "lesion", label)
    else:
        c.missing("level", "sacral lesion without a level", "骶骨病灶未记录节段", label)
    fields: tuple[tuple[str, object, str, str], ...] = (
        ("pain", lesion.spinal_pain, "pain character (mechanical?)", "疼痛性质（是否为机械性）"),
        ("bone_lesion", lesion.lesion_type, "lesion type", "病灶类型"),
        ("alignment", lesion.alignment, "alignment", "脊柱序列"),
        ("vertebral_body_collapse", lesion.collapse, "vertebral body collapse", "椎体塌陷"),
        (
            "posterolateral_involvement",
            lesion.posterolateral,
            "posterolateral involvement",
            "后外侧结构受累",
        ),
    )
    for name, value, what, what_zh in fields:
        if value is None:
            c.missing(name, f"{what} not recorded for {label[0]}", f"{label[1]}未记录{what_zh}", label)
        else:
            c.put(name, str(getattr(value, "value", value)), "lesion", label)
    return _derived("sins", c, lesion=lesion, site=lesion.site_label())


def _bilsky(lesion: Lesion, label: tuple[str, str]) -> DerivedScore:
    c = _Collector()
    if lesion.bilsky is None:
        c.missing(
            "escc_grade",
            f"Bilsky grade not recorded for {label[0]}",
            f"{label[1]}未记录Bilsky分级",
            label,
        )
    else:
        c.put("escc_grade", lesion.bilsky.value, "lesion", label)
    return _derived("bilsky_escc", c, lesion=lesion, site=lesion.site_label())


def _mirels(lesion: Lesion, label: tuple[str, str]) -> DerivedScore:
    c = _Collector()
    if lesion.bone == Bone.FEMUR:
        if lesion.segment == Segment.PERITROCHANTERIC:
            c.put("site", "peritrochanteric", "lesion", label)
        elif lesion.segment is None:
            c.missing(
                "site",
                "femoral segment not recorded (peritrochanteric scores 3, elsewhere 2)",
                "未记录股骨节段（转子周围3分，其他部位2分）",
                label,
            )
        else:
            c.put("site", "lower_limb", "lesion", label)
    else:
        c.put("site", MIRELS_SITE[lesion.bone], "lesion", label)
    fields: tuple[tuple[str, object, str, str], ...] = (
        ("pain", lesion.limb_pain, "limb pain", "肢体疼痛"),
        ("lesion_type", lesion.lesion_type, "lesion type", "病灶类型"),
        (
            "size_fraction",
            lesion.size_fraction,
            "fraction of the bone diameter destroyed",
            "骨破坏占骨直径比例",
        ),
    )
    for name, value, what, what_zh in fields:
        if value is None:
            c.missing(name, f"{what} not recorded for {label[0]}", f"{label[1]}未记录{what_zh}", label)
        else:
            c.put(name, str(getattr(value, "value", value)), "lesion", label)
    return _derived("mirels", c, lesion=lesion, site=lesion.site_label())


# --------------------------------------------------------------------------------------------
# Patient-level scores
# --------------------------------------------------------------------------------------------


def _tomita(cf: CaseFile, overrides: Mapping[str, InputValue]) -> DerivedScore:
    c = _Collector()
    primary = cf.case.primary_tumour
    applicable = primary not in HAEMATOLOGICAL
    note = note_zh = ""
    if not applicable:
        note = "Tomita does not apply to haematological malignancy (myeloma, lymphoma)"
        note_zh = "Tomita评分不适用于血液系统恶性肿瘤（骨髓瘤、淋巴瘤）"
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


def _visceral_rec(visceral: VisceralMets) -> tuple[str, str]:
    if visceral == VisceralMets.NONE:
        return VISCERAL_NONE
    return (
        f"case: visceral metastases {word(visceral)}",
        f"病例：内脏转移（{word(visceral, 'zh')}）",
    )


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
    tier = katagiri_lab_tier(**used) if used else None
    if tier is None:
        c.missing(
            "lab_tier",
            f"no platelets, calcium, bilirubin, CRP, LDH or albumin within {policy.lab_window_days} days",
            f"{policy.lab_window_days}天内无血小板、血钙、胆红素、CRP、LDH或白蛋白结果",
        )
    else:
        note = (
            f"not measured: {', '.join(en for en, _ in absent)} (the tier can only rise)" if absent and tier != "critical" else ""
        )
        note_zh = f"未检测：{'、'.join(zh for _, zh in absent)}（分级只可能升高）" if note else ""
        c.put("lab_tier", tier, "derived", ("; ".join(records), "；".join(records_zh)), note, note_zh)
    _ecog_3_or_4(c, cf)
    _previous_chemotherapy(c, cf)
    n = len(cf.lesions)
    if n == 0:
        c.missing("multiple_skeletal_metastases", "no bone lesion recorded", "未记录骨病灶")
    else:
        c.put("multiple_skeletal_metastases", n > 1, "derived", _lesion_count(cf))
    return _derived("katagiri_new", c)


def _calcium_pair(cf: CaseFile, policy: Policy) -> tuple[LabResult | None, LabResult | None]:
    """Latest calcium in the window and the albumin of the same or the nearest date."""
    calcium = latest_lab(cf, Analyte.CALCIUM, policy)
    if calcium is None:
        return None, latest_lab(cf, Analyte.ALBUMIN, policy)
    albumins = [
        lab
        for lab in cf.labs
        if lab.analyte == Analyte.ALBUMIN
        and lab.taken_on <= cf.as_of
        and (cf.as_of - lab.taken_on).days <= policy.lab_window_days
    ]
    albumin = min(
        albumins,
        key=lambda lab: (abs((lab.taken_on - calcium.taken_on).days), -lab.taken_on.toordinal()),
        default=None,
    )
    return calcium, albumin


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
        )
    if albumin is None:
        c.lab("albumin_g_l", cf, Analyte.ALBUMIN, policy)
    else:
        gap = abs((albumin.taken_on - calcium.taken_on).days) if calcium is not None else 0
        note = f"albumin taken {gap} day(s) apart from the calcium" if gap else ""
        note_zh = f"白蛋白与血钙检测相隔{gap}天" if gap else lab_age_zh(albumin, cf.as_of)
        c.put("albumin_g_l", albumin.value, "lab", _lab_rec(albumin, cf.as_of), note, note_zh)
    c.put(
        "myeloma",
        cf.case.primary_tumour == P.MYELOMA,
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


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def derive_scores(
    cf: CaseFile,
    policy: Policy | None = None,
    overrides: Mapping[str, Mapping[str, InputValue]] | None = None,
) -> CaseScores:
    """Derive and evaluate every score of the case.

    ``overrides`` maps a score id to inputs the user entered instead of the derived value
    (e.g. ``{"tomita": {"primary_tumor_growth": "moderate"}}``); supported for Tomita's growth
    class and radium-223's lymph-node size / ineligibility. The case record holds these too
    (``growth_override``, ``lymph_node_max_cm``, ``ineligible_for_other_treatment``) and is used
    when no override is given; an override wins over the record.
    """
    policy = policy or Policy()
    overrides = overrides or {}
    per_lesion: list[DerivedScore] = []
    for index, lesion in enumerate(cf.lesions):
        label = (lesion_label(lesion, index), lesion_label_zh(lesion, index))
        if lesion.is_spinal:
            per_lesion.append(_sins(lesion, label))
            per_lesion.append(_bilsky(lesion, label))
        if lesion.is_long_bone:
            per_lesion.append(_mirels(lesion, label))
    case = cf.case
    zoledronic = _zoledronic(cf, policy)
    crcl = zoledronic.total if zoledronic.complete else None
    corrected, ionised = _corrected_calcium(cf, policy, Decimal(crcl) if crcl is not None else None)
    builders: dict[str, Callable[[], DerivedScore]] = {
        "tomita": lambda: _tomita(cf, overrides.get("tomita", {})),
        "tokuhashi_revised": lambda: _tokuhashi(cf),
        "katagiri_new": lambda: _katagiri(cf, policy, corrected),
        "corrected_calcium": lambda: corrected,
        "ctcae_hypercalcaemia": lambda: _ctcae(corrected, ionised, cf),
        "zoledronic_acid_dose": lambda: zoledronic,
        "who_analgesic_ladder": lambda: _simple(
            "who_analgesic_ladder",
            "nrs",
            case.nrs,
            (f"case: NRS {case.nrs}", f"病例：NRS {case.nrs}分"),
            "pain NRS",
            "疼痛评分（NRS）",
        ),
        "frankel": lambda: _simple(
            "frankel",
            "frankel_grade",
            case.frankel.value if case.frankel else None,
            _frankel_rec(case.frankel.value if case.frankel else ""),
            "Frankel grade",
            "Frankel分级",
        ),
        "ecog": lambda: _ecog(cf),
        "karnofsky": lambda: _karnofsky(cf),
    }
    if case.primary_tumour == P.PROSTATE:
        builders["radium_223"] = lambda: _radium(cf, policy, overrides.get("radium_223", {}))
    patient = {score_id: build() for score_id, build in builders.items()}
    return CaseScores(patient=patient, per_lesion=tuple(per_lesion))


def labelled(scores: Iterable[DerivedScore]) -> str:
    """``"SINS 11 at T9 — Indeterminate: …; SINS 8 at L2 — Indeterminate: …"``."""
    return "; ".join(score.label for score in scores)


def labelled_zh(scores: Iterable[DerivedScore]) -> str:
    return "；".join(score.label_zh for score in scores)


__all__ = [
    "CaseScores",
    "DerivedScore",
    "InputSource",
    "derive_scores",
    "inputs_hash",
    "lab_record",
    "lab_record_zh",
    "latest_lab",
    "site_text",
    "word",
]
