"""Domain models of BoneMDT (pydantic v2).

The vocabularies (``StrEnum``s) live in core/vocabulary.py and are re-exported here, so
``from core.models import Bone`` keeps working. Values are SI as stored
(docs/clinical/scores.md: mmol/L, g/L, µmol/L, 10⁹/L). Cross-field rules: no future dates,
a decision never before its referral, lab values inside physical ranges for their analyte.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from core.meeting_models import (
    SYSTEM_ACTOR,
    ActionItem,
    Actor,
    AgendaItem,
    AppUser,
    Attendance,
    AuditEntry,
    Decision,
    Delivery,
    FollowUp,
    Meeting,
    PlanItem,
    SpecialtyOpinion,
    check_decision_after_referral,
)
from core.records import EARLIEST_DATE, LATEST_DATE, _not_future, _Record, _Value, fold_mrn, today_of
from core.text import LongText, RequiredLongText, RequiredShortText, ShortText
from core.vocabulary import (
    ANALYTE_UNITS,
    CORE_SPECIALTIES,
    HYPOCALCAEMIA_SYMPTOMS,
    LONG_BONES,
    PAIRED_BONES,
    SKELETAL_RELATED_EVENTS,
    SURGICAL_SPECIALTIES,
    TUMOUR_MARKER_BY_PRIMARY,
    UNIT_CONVERSIONS,
    UPPER_LIMB,
    VERTEBRAL_LEVELS,
    ActionStatus,
    AgendaStatus,
    Alignment,
    Analyte,
    BilskyGrade,
    Bone,
    CalciumSymptom,
    CaseStatus,
    CastrationStatus,
    Collapse,
    DecisionStatus,
    EventKind,
    FollowUpKind,
    FollowUpStatus,
    Frankel,
    GrowthClass,
    Histology,
    LesionStatus,
    LesionType,
    LimbPain,
    Marker,
    MeetingStatus,
    Modality,
    NeuroSign,
    NotDeliveredReason,
    Outcome,
    PainCharacter,
    PlanDisposition,
    PlanKind,
    Posterolateral,
    PrimaryTumour,
    Priority,
    QuorumState,
    Role,
    Segment,
    Sex,
    Side,
    SizeFraction,
    Specialty,
    SpinalPain,
    SpinalPainSign,
    Stream,
    SurgeonStability,
    SurgeryProcedure,
    TreatmentKind,
    VisceralMets,
    to_si,
)

# ---------------------------------------------------------------------------------------------
# Patient and case


class Patient(_Record):
    patient_id: int | None = None
    mrn: str = Field(min_length=3, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]{2,19}$")
    display_name: RequiredShortText
    sex: Sex
    birth_date: date
    synthetic: bool = False

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth(cls, v: date, info: ValidationInfo) -> date:
        today = today_of(info)
        if v > today:
            raise ValueError("must not be in the future")
        if (today - v).days > 120 * 366:
            raise ValueError("is implausibly old (more than 120 years ago)")
        if (today - v).days < 16 * 365:
            raise ValueError("gives an age under 16; BoneMDT is an adult service")
        return v

    @property
    def mrn_folded(self) -> str:
        return fold_mrn(self.mrn)

    def age_on(self, on: date) -> int:
        years = on.year - self.birth_date.year
        if (on.month, on.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class Case(_Record):
    """One referral episode (table ``mdt_case``)."""

    case_id: int | None = None
    patient_id: int
    referral_date: date
    referrer: RequiredShortText
    referrer_specialty: Specialty
    question: RequiredLongText
    stream: Stream = Stream.FULL
    priority: Priority = Priority.ROUTINE
    status: CaseStatus = CaseStatus.REFERRED
    primary_tumour: PrimaryTumour
    histology: Histology | None = None
    diagnosis_date: date | None = None
    er: Marker | None = None
    pr: Marker | None = None
    her2: Marker | None = None
    egfr: Marker | None = None
    alk: Marker | None = None
    castration: CastrationStatus | None = None
    postmenopausal: bool | None = None
    ecog: int | None = Field(default=None, ge=0, le=5)
    kps: int | None = Field(default=None, ge=0, le=100, multiple_of=10)
    # ECOG >= 3 caused by the lesion itself (pain or deficit from it): not a surgical contraindication.
    ecog_limited_by_lesion: bool | None = None
    frankel: Frankel | None = None
    frankel_new: bool | None = None
    neuro_assessed: bool = False
    neuro_signs: tuple[NeuroSign, ...] = ()
    spinal_pain_signs: tuple[SpinalPainSign, ...] = ()
    nrs: int | None = Field(default=None, ge=0, le=10)
    pain_character: PainCharacter | None = None
    on_step3_opioid: bool = False
    visceral_mets: VisceralMets | None = None
    visceral_treatable: bool | None = None
    visceral_removable: bool | None = None
    expected_survival_weeks: int | None = Field(default=None, ge=0, le=1040)
    fit_for_surgery: bool | None = None
    prior_chemotherapy: bool | None = None
    prior_mcrpc_lines: int | None = Field(default=None, ge=0, le=10)
    weight_kg: Decimal | None = Field(default=None, ge=30, le=250)
    height_cm: Decimal | None = Field(default=None, ge=120, le=230)
    fever: bool = False
    coagulopathy: bool = False
    infection: bool = False
    paraplegia_over_48h: bool | None = None
    primary_controlled: bool | None = None
    surgery_planned: bool | None = None
    lymph_node_max_cm: Decimal | None = Field(default=None, ge=0, le=30)
    ineligible_for_other_treatment: bool | None = None
    growth_override: GrowthClass | None = None
    calcium_symptoms: tuple[CalciumSymptom, ...] = ()
    dental_clearance: bool | None = None
    jaw_or_thigh_symptoms: bool = False
    active_bleeding: bool = False
    comorbidities: LongText = ""
    patient_wishes: LongText = ""
    key_worker: ShortText = ""
    lecture_case: int | None = Field(default=None, ge=1, le=7)
    row_version: int = 1
    created_at: datetime | None = None

    _not_future_referral = field_validator("referral_date", "diagnosis_date")(_not_future)

    @model_validator(mode="after")
    def _cross_field(self) -> Case:
        if self.diagnosis_date is not None and self.diagnosis_date > self.referral_date:
            raise ValueError("diagnosis_date must not be after the referral date")
        if self.castration is not None and self.primary_tumour != PrimaryTumour.PROSTATE:
            raise ValueError("castration status applies to prostate cancer only")
        return self


class Lesion(_Record):
    lesion_id: int | None = None
    patient_id: int
    bone: Bone
    level: str | None = None
    side: Side | None = None
    segment: Segment | None = None
    lesion_type: LesionType
    size_mm: int | None = Field(default=None, ge=1, le=400)
    size_fraction: SizeFraction | None = None
    limb_pain: LimbPain | None = None
    spinal_pain: SpinalPain | None = None
    alignment: Alignment | None = None
    collapse: Collapse | None = None
    posterolateral: Posterolateral | None = None
    bilsky: BilskyGrade | None = None
    posterior_wall_intact: bool | None = None
    surgeon_stability: SurgeonStability | None = None
    pathological_fracture: bool = False
    fracture_fixed: bool = False
    painful: bool = False
    prior_rt_dose_gy: Decimal | None = Field(default=None, gt=0, le=100)
    prior_rt_date: date | None = None
    status: LesionStatus = LesionStatus.ACTIVE
    detected_date: date | None = None
    # The surgeon's stability call is dated and signed (who made it, on which day).
    surgeon_stability_on: date | None = None
    surgeon_stability_by: ShortText = ""
    row_version: int = 1
    # Who recorded this version of the fact and when (filled by the store).
    recorded_at: datetime | None = None
    recorded_by: str = ""

    _nf = field_validator("prior_rt_date", "detected_date", "surgeon_stability_on")(_not_future)

    @model_validator(mode="after")
    def _site_rules(self) -> Lesion:
        if self.bone == Bone.SPINE:
            if self.level is None:
                raise ValueError("level is required for a spinal lesion (Oc, C1–C7, T1–T12, L1–L5, S1–S5)")
            if self.level not in VERTEBRAL_LEVELS:
                raise ValueError("level must be one of Oc, C1–C7, T1–T12, L1–L5, S1–S5")
        elif self.bone == Bone.SACRUM:
            if self.level is not None and self.level not in ("S1", "S2", "S3", "S4", "S5"):
                raise ValueError("level of a sacral lesion must be one of S1–S5")
        elif self.level is not None:
            raise ValueError("level applies to spinal and sacral lesions only")
        if self.segment == Segment.PERITROCHANTERIC and self.bone != Bone.FEMUR:
            raise ValueError("segment peritrochanteric applies to the femur only")
        if self.segment in (Segment.ACETABULUM, Segment.ILIUM, Segment.ISCHIUM_PUBIS) and (self.bone != Bone.PELVIS):
            raise ValueError("segments acetabulum/ilium/ischium_pubis apply to the pelvis only")
        if self.bone in PAIRED_BONES and self.side == Side.MIDLINE:
            raise ValueError("side of a paired bone must be left or right")
        if self.fracture_fixed and not self.pathological_fracture:
            raise ValueError("fracture_fixed needs a recorded pathological fracture")
        spinal_only = (
            self.spinal_pain,
            self.alignment,
            self.collapse,
            self.posterolateral,
            self.bilsky,
            self.posterior_wall_intact,
            self.surgeon_stability,
        )
        if self.bone not in (Bone.SPINE, Bone.SACRUM) and any(v is not None for v in spinal_only):
            raise ValueError("SINS and Bilsky items apply to spinal lesions only")
        if self.bone not in LONG_BONES and (self.size_fraction is not None or self.limb_pain is not None):
            raise ValueError("Mirels items apply to long-bone lesions only")
        return self

    @property
    def is_spinal(self) -> bool:
        return self.bone in (Bone.SPINE, Bone.SACRUM)

    @property
    def is_long_bone(self) -> bool:
        return self.bone in LONG_BONES

    def site_label(self) -> str:
        if self.level:
            return self.level
        parts = [p for p in (self.side, self.bone, self.segment) if p is not None]
        return " ".join(str(p) for p in parts)


class ImagingStudy(_Record):
    study_id: int | None = None
    patient_id: int
    modality: Modality
    study_date: date
    region: RequiredShortText
    findings: LongText = ""
    impression: LongText = ""
    lesion_ids: tuple[int, ...] = ()
    # Version of the fact (optimistic concurrency) and who recorded it when (filled by the store).
    row_version: int = 1
    recorded_at: datetime | None = None
    recorded_by: str = ""

    _nf = field_validator("study_date")(_not_future)


class LabResult(_Record):
    lab_id: int | None = None
    patient_id: int
    analyte: Analyte
    value: Decimal
    unit: str
    taken_on: date
    # The value and unit as entered, when the entry was converted to SI (safety rule 7: a value
    # entered exactly at a published threshold in its own unit lands in the band it names).
    entered_value: Decimal | None = None
    entered_unit: str | None = None
    # Version of the fact (optimistic concurrency) and who recorded it when (filled by the store).
    row_version: int = 1
    recorded_at: datetime | None = None
    recorded_by: str = ""

    _nf = field_validator("taken_on")(_not_future)

    @model_validator(mode="before")
    @classmethod
    def _to_si(cls, data: Any) -> Any:
        if isinstance(data, dict) and "analyte" in data and "value" in data and "unit" in data:
            try:
                analyte = Analyte(data["analyte"])
                value = Decimal(str(data["value"]))
            except (ValueError, ArithmeticError):
                return data
            unit = str(data["unit"])
            si_unit = ANALYTE_UNITS[analyte][0]
            if unit != si_unit:
                data = dict(data)
                data["value"] = to_si(analyte, value, unit)
                data["unit"] = si_unit
                data.setdefault("entered_value", value)
                data.setdefault("entered_unit", unit)
        return data

    @model_validator(mode="after")
    def _range(self) -> LabResult:
        unit, lo, hi = ANALYTE_UNITS[self.analyte]
        if self.unit != unit:
            raise ValueError(f"unit of {self.analyte.value} must be {unit}")
        if not lo <= self.value <= hi:
            raise ValueError(f"value of {self.analyte.value} must lie between {lo} and {hi} {unit}")
        return self


class Treatment(_Record):
    treatment_id: int | None = None
    patient_id: int
    kind: TreatmentKind
    name: RequiredShortText
    start_date: date
    end_date: date | None = None
    dose_text: ShortText = ""
    dose_gy: Decimal | None = Field(default=None, gt=0, le=100)
    fractions: int | None = Field(default=None, ge=1, le=40)
    lesion_id: int | None = None
    # The lesions this surgery or radiotherapy treated (safety rule 3); ``lesion_id`` is the first.
    lesion_ids: tuple[int, ...] = ()
    # Surgery only: what the operation did; None = not recorded (treated as non-skeletal unless
    # the record names a lesion).
    procedure: SurgeryProcedure | None = None
    ongoing: bool = False
    # Version of the fact (optimistic concurrency) and who recorded it when (filled by the store).
    row_version: int = 1
    recorded_at: datetime | None = None
    recorded_by: str = ""

    _nf = field_validator("start_date", "end_date")(_not_future)

    @model_validator(mode="before")
    @classmethod
    def _lesion_links(cls, data: object) -> object:
        if isinstance(data, dict):
            ids = tuple(data.get("lesion_ids") or ())
            first = data.get("lesion_id")
            if first is not None and first not in ids:
                ids = (first, *ids)
            data = {**data, "lesion_ids": ids, "lesion_id": first if first is not None else (ids[0] if ids else None)}
        return data

    @property
    def skeletal_surgery(self) -> bool:
        """A bone or spine operation linked to a lesion (safety rule 3), never a mastectomy or nephrectomy."""
        if self.kind != TreatmentKind.SURGERY:
            return False
        if self.procedure is not None:
            return self.procedure.skeletal and bool(self.lesion_ids)
        return bool(self.lesion_ids)

    @model_validator(mode="after")
    def _dates(self) -> Treatment:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        if (self.dose_gy is not None or self.fractions is not None) and self.kind not in (TreatmentKind.RADIOTHERAPY,):
            raise ValueError("dose_gy and fractions apply to radiotherapy only")
        return self


class ClinicalEvent(_Record):
    event_id: int | None = None
    patient_id: int
    kind: EventKind
    event_date: date
    lesion_id: int | None = None
    description: LongText = ""
    # Version of the fact (optimistic concurrency) and who recorded it when (filled by the store).
    row_version: int = 1
    recorded_at: datetime | None = None
    recorded_by: str = ""

    _nf = field_validator("event_date")(_not_future)


class CaseFile(_Value):
    """Everything the board knows about one case: the input of scores, rules and pages."""

    case: Case
    patient: Patient
    lesions: tuple[Lesion, ...] = ()
    studies: tuple[ImagingStudy, ...] = ()
    labs: tuple[LabResult, ...] = ()
    treatments: tuple[Treatment, ...] = ()
    events: tuple[ClinicalEvent, ...] = ()
    as_of: date
    # The date each clinical field of ``case`` describes (ECOG, KPS, Frankel, neurology, pain,
    # expected survival, fitness for surgery, weight, fever, calcium symptoms, ...: safety rule 2),
    # keyed by the ``Case`` field name. A field not named here is dated at the referral date.
    observed: dict[str, date] = Field(default_factory=dict)

    def observed_on(self, field: str) -> date:
        """The date the case's current value of ``field`` describes (referral date when undated)."""
        return self.observed.get(field, self.case.referral_date)

    def fact_age_days(self, field: str) -> int:
        return (self.as_of - self.observed_on(field)).days

    @property
    def age(self) -> int:
        return self.patient.age_on(self.as_of)

    def latest_lab(self, analyte: Analyte, within_days: int | None = None) -> LabResult | None:
        candidates = [lab for lab in self.labs if lab.analyte == analyte and lab.taken_on <= self.as_of]
        if within_days is not None:
            candidates = [lab for lab in candidates if (self.as_of - lab.taken_on).days <= within_days]
        return max(candidates, key=lambda lab: (lab.taken_on, lab.lab_id or 0), default=None)


__all__ = [
    "ANALYTE_UNITS",
    "CORE_SPECIALTIES",
    "EARLIEST_DATE",
    "HYPOCALCAEMIA_SYMPTOMS",
    "LATEST_DATE",
    "LONG_BONES",
    "PAIRED_BONES",
    "SKELETAL_RELATED_EVENTS",
    "SURGICAL_SPECIALTIES",
    "SYSTEM_ACTOR",
    "TUMOUR_MARKER_BY_PRIMARY",
    "UNIT_CONVERSIONS",
    "UPPER_LIMB",
    "VERTEBRAL_LEVELS",
    "ActionItem",
    "ActionStatus",
    "Actor",
    "AgendaItem",
    "AgendaStatus",
    "Alignment",
    "Analyte",
    "AppUser",
    "Attendance",
    "AuditEntry",
    "BilskyGrade",
    "Bone",
    "CalciumSymptom",
    "Case",
    "CaseFile",
    "CaseStatus",
    "CastrationStatus",
    "ClinicalEvent",
    "Collapse",
    "Decision",
    "DecisionStatus",
    "Delivery",
    "EventKind",
    "FollowUp",
    "FollowUpKind",
    "FollowUpStatus",
    "Frankel",
    "GrowthClass",
    "Histology",
    "ImagingStudy",
    "LabResult",
    "Lesion",
    "LesionStatus",
    "LesionType",
    "LimbPain",
    "Marker",
    "Meeting",
    "MeetingStatus",
    "Modality",
    "NeuroSign",
    "NotDeliveredReason",
    "Outcome",
    "PainCharacter",
    "Patient",
    "PlanDisposition",
    "PlanItem",
    "PlanKind",
    "Posterolateral",
    "PrimaryTumour",
    "Priority",
    "QuorumState",
    "Role",
    "Segment",
    "Sex",
    "Side",
    "SizeFraction",
    "Specialty",
    "SpecialtyOpinion",
    "SpinalPain",
    "SpinalPainSign",
    "Stream",
    "SurgeonStability",
    "SurgeryProcedure",
    "Treatment",
    "TreatmentKind",
    "VisceralMets",
    "check_decision_after_referral",
    "fold_mrn",
    "to_si",
]
