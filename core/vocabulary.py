"""The vocabularies of BoneMDT: every coded value (roles, specialties, sites, lesion findings,
analytes and their units, treatment and event kinds, workflow states) as a ``StrEnum``, so the same
strings live in Python, in the store's CHECK constraints (db/migrations) and in the message
catalogue; with the fixed tables that go with them (analyte units and ranges, unit conversions)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

# ---------------------------------------------------------------------------------------------
# Vocabularies


class Role(StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    COORDINATOR = "coordinator"
    ANALYST = "analyst"
    ADMIN = "admin"


class Specialty(StrEnum):
    MEDICAL_ONCOLOGY = "medical_oncology"
    ORTHOPAEDICS = "orthopaedics"
    SPINE_SURGERY = "spine_surgery"
    RADIOTHERAPY = "radiotherapy"
    RADIOLOGY = "radiology"
    PAIN_MEDICINE = "pain_medicine"
    REHABILITATION = "rehabilitation"
    NURSING = "nursing"
    INTERVENTIONAL = "interventional"
    PSYCHOLOGY = "psychology"
    COORDINATION = "coordination"


CORE_SPECIALTIES: tuple[Specialty, ...] = (
    Specialty.MEDICAL_ONCOLOGY,
    Specialty.ORTHOPAEDICS,
    Specialty.RADIOTHERAPY,
    Specialty.RADIOLOGY,
)
SURGICAL_SPECIALTIES: tuple[Specialty, ...] = (Specialty.ORTHOPAEDICS, Specialty.SPINE_SURGERY)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class PrimaryTumour(StrEnum):
    BREAST = "breast"
    PROSTATE = "prostate"
    LUNG_NSCLC = "lung_nsclc"
    LUNG_SCLC = "lung_sclc"
    KIDNEY = "kidney"
    THYROID = "thyroid"
    MYELOMA = "myeloma"
    LYMPHOMA = "lymphoma"
    COLORECTAL = "colorectal"
    RECTUM = "rectum"
    STOMACH = "stomach"
    LIVER = "liver"
    OESOPHAGUS = "oesophagus"
    PANCREAS = "pancreas"
    BLADDER = "bladder"
    UTERUS = "uterus"
    OVARY = "ovary"
    MELANOMA = "melanoma"
    HEAD_NECK = "head_neck"
    SARCOMA = "sarcoma"
    CARCINOID = "carcinoid"
    GALLBLADDER = "gallbladder"
    CERVIX = "cervix"
    UNKNOWN = "unknown_primary"
    OTHER = "other"


class Histology(StrEnum):
    ADENOCARCINOMA = "adenocarcinoma"
    SQUAMOUS_CELL = "squamous_cell"
    SMALL_CELL = "small_cell"
    INVASIVE_DUCTAL = "invasive_ductal"
    INVASIVE_LOBULAR = "invasive_lobular"
    ACINAR_ADENOCARCINOMA = "acinar_adenocarcinoma"
    CLEAR_CELL_RCC = "clear_cell_rcc"
    PAPILLARY_RCC = "papillary_rcc"
    PAPILLARY_THYROID = "papillary_thyroid"
    FOLLICULAR_THYROID = "follicular_thyroid"
    PLASMA_CELL = "plasma_cell"
    HEPATOCELLULAR = "hepatocellular"
    UROTHELIAL = "urothelial"
    NEUROENDOCRINE = "neuroendocrine"
    MELANOMA = "melanoma"
    SARCOMA = "sarcoma"
    LYMPHOMA = "lymphoma"
    OTHER = "other"
    NOT_CONFIRMED = "not_confirmed"


class Marker(StrEnum):
    """Receptor / driver status (ER, PR, HER2, EGFR, ALK)."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    UNKNOWN = "unknown"


class CastrationStatus(StrEnum):
    SENSITIVE = "sensitive"
    RESISTANT = "resistant"


VERTEBRAL_LEVELS: tuple[str, ...] = (
    ("Oc",)  # noqa: RUF005
    + tuple(f"C{i}" for i in range(1, 8))
    + tuple(f"T{i}" for i in range(1, 13))
    + tuple(f"L{i}" for i in range(1, 6))
    + tuple(f"S{i}" for i in range(1, 6))
)


class Bone(StrEnum):
    SPINE = "spine"
    SACRUM = "sacrum"
    PELVIS = "pelvis"
    FEMUR = "femur"
    HUMERUS = "humerus"
    TIBIA = "tibia"
    FIBULA = "fibula"
    RADIUS = "radius"
    ULNA = "ulna"
    RIB = "rib"
    SKULL = "skull"
    SCAPULA = "scapula"
    STERNUM = "sternum"
    CLAVICLE = "clavicle"


LONG_BONES: frozenset[Bone] = frozenset({Bone.FEMUR, Bone.HUMERUS, Bone.TIBIA, Bone.FIBULA, Bone.RADIUS, Bone.ULNA})
UPPER_LIMB: frozenset[Bone] = frozenset({Bone.HUMERUS, Bone.RADIUS, Bone.ULNA})
PAIRED_BONES: frozenset[Bone] = frozenset(
    {
        Bone.PELVIS,
        Bone.FEMUR,
        Bone.HUMERUS,
        Bone.TIBIA,
        Bone.FIBULA,
        Bone.RADIUS,
        Bone.ULNA,
        Bone.RIB,
        Bone.SCAPULA,
        Bone.CLAVICLE,
    }
)


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    MIDLINE = "midline"


class Segment(StrEnum):
    PROXIMAL = "proximal"
    SHAFT = "shaft"
    DISTAL = "distal"
    HEAD_NECK = "head_neck"
    PERITROCHANTERIC = "peritrochanteric"
    ACETABULUM = "acetabulum"
    ILIUM = "ilium"
    ISCHIUM_PUBIS = "ischium_pubis"
    WHOLE = "whole"


class LesionType(StrEnum):
    LYTIC = "lytic"
    BLASTIC = "blastic"
    MIXED = "mixed"


class LesionStatus(StrEnum):
    ACTIVE = "active"
    TREATED = "treated"
    RESPONDING = "responding"
    PROGRESSING = "progressing"


class SpinalPain(StrEnum):
    """SINS pain item (character, not intensity)."""

    MECHANICAL = "mechanical"
    OCCASIONAL_NON_MECHANICAL = "occasional_non_mechanical"
    PAIN_FREE = "pain_free"


class LimbPain(StrEnum):
    """Mirels pain item."""

    MILD = "mild"
    MODERATE = "moderate"
    FUNCTIONAL = "functional"


class GrowthClass(StrEnum):
    """Tomita growth class, prefilled from the primary (docs/clinical/scores.md decision 3), overridable."""

    SLOW = "slow"
    MODERATE = "moderate"
    RAPID = "rapid"


class SurgeonStability(StrEnum):
    """The spine surgeon's call on a potentially unstable level (NOMS 'M' axis)."""

    STABLE = "stable"
    UNSTABLE = "unstable"


class SizeFraction(StrEnum):
    LT_ONE_THIRD = "lt_one_third"
    ONE_THIRD_TO_TWO_THIRDS = "one_third_to_two_thirds"
    GT_TWO_THIRDS = "gt_two_thirds"


class Alignment(StrEnum):
    SUBLUXATION_TRANSLATION = "subluxation_translation"
    DE_NOVO_DEFORMITY = "de_novo_deformity"
    NORMAL = "normal"


class Collapse(StrEnum):
    GT_50 = "gt_50_collapse"
    LT_50 = "lt_50_collapse"
    NO_COLLAPSE_GT_50_INVOLVED = "no_collapse_gt_50_involved"
    NONE = "none"


class Posterolateral(StrEnum):
    BILATERAL = "bilateral"
    UNILATERAL = "unilateral"
    NONE = "none"


class BilskyGrade(StrEnum):
    G0 = "0"
    G1A = "1a"
    G1B = "1b"
    G1C = "1c"
    G2 = "2"
    G3 = "3"


class Modality(StrEnum):
    XR = "xr"
    CT = "ct"
    MRI = "mri"
    BONE_SCAN = "bone_scan"
    PET_CT = "pet_ct"
    PSMA_PET = "psma_pet"
    SPECT_CT = "spect_ct"


class Analyte(StrEnum):
    CALCIUM = "calcium"
    IONISED_CALCIUM = "ionised_calcium"
    ALBUMIN = "albumin"
    CREATININE = "creatinine"
    ALP = "alp"
    HB = "hb"
    PLATELETS = "platelets"
    NEUTROPHILS = "neutrophils"
    PSA = "psa"
    CA15_3 = "ca15_3"
    CEA = "cea"
    CA125 = "ca125"
    CRP = "crp"
    LDH = "ldh"
    BILIRUBIN = "bilirubin"
    PHOSPHATE = "phosphate"
    MAGNESIUM = "magnesium"


# SI unit stored and the physical range accepted for each analyte (outside -> rejected).
ANALYTE_UNITS: dict[Analyte, tuple[str, Decimal, Decimal]] = {
    Analyte.CALCIUM: ("mmol/L", Decimal("1.00"), Decimal("5.00")),
    Analyte.IONISED_CALCIUM: ("mmol/L", Decimal("0.50"), Decimal("3.00")),
    Analyte.ALBUMIN: ("g/L", Decimal("10"), Decimal("60")),
    Analyte.CREATININE: ("µmol/L", Decimal("20"), Decimal("1500")),
    Analyte.ALP: ("U/L", Decimal("10"), Decimal("5000")),
    Analyte.HB: ("g/L", Decimal("30"), Decimal("220")),
    Analyte.PLATELETS: ("10^9/L", Decimal("1"), Decimal("1500")),
    Analyte.NEUTROPHILS: ("10^9/L", Decimal("0"), Decimal("100")),
    Analyte.PSA: ("µg/L", Decimal("0"), Decimal("10000")),
    Analyte.CA15_3: ("kU/L", Decimal("0"), Decimal("10000")),
    Analyte.CEA: ("µg/L", Decimal("0"), Decimal("10000")),
    Analyte.CA125: ("kU/L", Decimal("0"), Decimal("20000")),
    Analyte.CRP: ("mg/L", Decimal("0"), Decimal("500")),
    Analyte.LDH: ("U/L", Decimal("50"), Decimal("10000")),
    Analyte.BILIRUBIN: ("µmol/L", Decimal("1"), Decimal("800")),
    Analyte.PHOSPHATE: ("mmol/L", Decimal("0.1"), Decimal("5.0")),
    Analyte.MAGNESIUM: ("mmol/L", Decimal("0.1"), Decimal("5.0")),
}

# Conversions into the stored SI unit (docs/clinical/scores.md, "Store values in SI").
UNIT_CONVERSIONS: dict[tuple[Analyte, str], Decimal] = {
    (Analyte.CALCIUM, "mg/dL"): Decimal(1) / Decimal("4.008"),
    (Analyte.ALBUMIN, "g/dL"): Decimal(10),
    (Analyte.HB, "g/dL"): Decimal(10),
    (Analyte.CREATININE, "mg/dL"): Decimal("88.4"),
    (Analyte.BILIRUBIN, "mg/dL"): Decimal("17.1"),
    (Analyte.CRP, "mg/dL"): Decimal(10),
    (Analyte.PLATELETS, "/µL"): Decimal("0.001"),
    (Analyte.PSA, "ng/mL"): Decimal(1),
    (Analyte.CA15_3, "U/mL"): Decimal(1),
    (Analyte.CA125, "U/mL"): Decimal(1),
    (Analyte.CEA, "ng/mL"): Decimal(1),
}


def to_si(analyte: Analyte, value: Decimal, unit: str) -> Decimal:
    """Convert ``value`` in ``unit`` to the analyte's stored SI unit (exact decimal arithmetic)."""
    si_unit = ANALYTE_UNITS[analyte][0]
    if unit == si_unit:
        return value
    factor = UNIT_CONVERSIONS.get((analyte, unit))
    if factor is None:
        allowed = [si_unit] + [u for (a, u) in UNIT_CONVERSIONS if a == analyte]
        raise ValueError(f"unit must be one of {', '.join(allowed)}")
    return value * factor


TUMOUR_MARKER_BY_PRIMARY: dict[PrimaryTumour, Analyte] = {
    PrimaryTumour.PROSTATE: Analyte.PSA,
    PrimaryTumour.BREAST: Analyte.CA15_3,
    PrimaryTumour.LUNG_NSCLC: Analyte.CEA,
    PrimaryTumour.COLORECTAL: Analyte.CEA,
    PrimaryTumour.RECTUM: Analyte.CEA,
    PrimaryTumour.STOMACH: Analyte.CEA,
    PrimaryTumour.OVARY: Analyte.CA125,
}


class TreatmentKind(StrEnum):
    SURGERY = "surgery"
    RADIOTHERAPY = "radiotherapy"
    CHEMOTHERAPY = "chemotherapy"
    ENDOCRINE = "endocrine"
    TARGETED = "targeted"
    IMMUNOTHERAPY = "immunotherapy"
    BONE_MODIFYING_AGENT = "bone_modifying_agent"
    RADIONUCLIDE = "radionuclide"
    ANALGESIA = "analgesia"
    VERTEBRAL_AUGMENTATION = "vertebral_augmentation"
    STEROID = "steroid"


class SurgeryProcedure(StrEnum):
    """What an operation did (docs/clinical/rules.md safety rule 3: only bone or spine operations count as fixation)."""

    BIOPSY = "biopsy"
    DECOMPRESSION = "decompression"
    STABILISATION = "stabilisation"
    DECOMPRESSION_STABILISATION = "decompression_stabilisation"
    FIXATION = "fixation"
    ARTHROPLASTY = "arthroplasty"
    RESECTION = "resection"
    NON_SKELETAL = "non_skeletal"

    @property
    def skeletal(self) -> bool:
        return self is not SurgeryProcedure.NON_SKELETAL

    @property
    def stabilises(self) -> bool:
        """Decompression, stabilisation, fixation, arthroplasty or resection of the lesion (not a biopsy)."""
        return self not in (SurgeryProcedure.NON_SKELETAL, SurgeryProcedure.BIOPSY)


class EventKind(StrEnum):
    DIAGNOSIS = "diagnosis"
    PATHOLOGICAL_FRACTURE = "pathological_fracture"
    CORD_COMPRESSION = "cord_compression"
    HYPERCALCAEMIA = "hypercalcaemia"
    SURGERY_TO_BONE = "surgery_to_bone"
    RADIOTHERAPY_TO_BONE = "radiotherapy_to_bone"
    PROGRESSION = "progression"
    RESPONSE = "response"
    DEATH = "death"


SKELETAL_RELATED_EVENTS: frozenset[EventKind] = frozenset(
    {
        EventKind.PATHOLOGICAL_FRACTURE,
        EventKind.CORD_COMPRESSION,
        EventKind.HYPERCALCAEMIA,
        EventKind.SURGERY_TO_BONE,
        EventKind.RADIOTHERAPY_TO_BONE,
    }
)


class CaseStatus(StrEnum):
    REFERRED = "referred"
    READY = "ready"
    LISTED = "listed"
    DISCUSSED = "discussed"
    CLOSED = "closed"


class Stream(StrEnum):
    FULL = "full"
    STANDARD_OF_CARE = "standard_of_care"


class Priority(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class Frankel(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


class VisceralMets(StrEnum):
    NONE = "none"
    NODULAR = "nodular"
    DISSEMINATED = "disseminated"


class NeuroSign(StrEnum):
    LIMB_WEAKNESS = "limb_weakness"
    SENSORY_LEVEL = "sensory_level"
    GAIT_DISTURBANCE = "gait_disturbance"
    BLADDER_BOWEL = "bladder_bowel_dysfunction"
    SADDLE_ANAESTHESIA = "saddle_anaesthesia"
    RADICULAR_PAIN = "radicular_or_band_pain"


class SpinalPainSign(StrEnum):
    PROGRESSIVE = "progressive_spinal_pain"
    ON_STRAINING = "pain_on_straining"
    NIGHT_PAIN = "night_pain"
    TENDERNESS = "localised_tenderness"


class CalciumSymptom(StrEnum):
    CONFUSION = "confusion_or_drowsiness"
    VOMITING = "vomiting"
    DEHYDRATION = "dehydration"
    AKI = "acute_kidney_injury"
    ARRHYTHMIA = "arrhythmia"
    TETANY = "tetany"
    SEIZURES = "seizures"
    LONG_QT = "long_qt"


HYPOCALCAEMIA_SYMPTOMS: frozenset[CalciumSymptom] = frozenset(
    {CalciumSymptom.TETANY, CalciumSymptom.SEIZURES, CalciumSymptom.LONG_QT}
)


class PainCharacter(StrEnum):
    NOCICEPTIVE = "nociceptive"
    NEUROPATHIC = "neuropathic"
    MIXED = "mixed"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class AgendaStatus(StrEnum):
    LISTED = "listed"
    DISCUSSED = "discussed"
    RATIFIED = "ratified"
    DEFERRED = "deferred"
    NOT_DISCUSSED = "not_discussed"


class DecisionStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


class Outcome(StrEnum):
    DECIDED = "decided"
    DEFERRED = "deferred"
    NO_DECISION = "no_decision"


class QuorumState(StrEnum):
    QUORATE = "quorate"
    PROVISIONAL = "provisional"
    CHAIR_OVERRIDE = "chair_override"


class PlanDisposition(StrEnum):
    ACCEPTED = "accepted"
    MODIFIED = "modified"
    REJECTED = "rejected"
    FREE_TEXT = "free_text"


class PlanKind(StrEnum):
    FIXATION = "fixation"
    DECOMPRESSION = "decompression"
    RADIOTHERAPY = "radiotherapy"
    SYSTEMIC = "systemic"
    BONE_MODIFYING_AGENT = "bone_modifying_agent"
    ANALGESIA = "analgesia"
    REHABILITATION = "rehabilitation"
    INVESTIGATION = "investigation"
    EMERGENCY = "emergency"
    OTHER = "other"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class NotDeliveredReason(StrEnum):
    PATIENT_CHOICE = "patient_choice"
    COMORBIDITY = "comorbidity"
    NEW_INFORMATION = "new_information"
    OTHER = "other"


class FollowUpKind(StrEnum):
    CLINICAL_REVIEW = "clinical_review"
    LABS = "labs"
    IMAGING = "imaging"
    PRE_DOSE_LABS = "pre_dose_labs"


class FollowUpStatus(StrEnum):
    DUE = "due"
    DONE = "done"
    MISSED = "missed"
