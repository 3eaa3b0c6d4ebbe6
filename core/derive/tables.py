"""The board's published mapping tables for score inputs (docs/clinical/scores.md decisions 3-5, 11)."""

from __future__ import annotations

from core.models import (
    Analyte,
    Bone,
    Case,
    Histology,
    PrimaryTumour,
    TreatmentKind,
)

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

# Tomita growth class, docs/clinical/scores.md decision 3. Colorectal includes the rectum. Primaries not
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
# A confirmed haematological histology whatever the primary recorded (an unknown primary with
# lymphoma or plasma-cell histology is lymphoma or myeloma; read as core.rules.mscc_surgery reads
# histology for radiosensitivity).
HAEMATOLOGICAL_HISTOLOGY: dict[Histology, PrimaryTumour] = {
    Histology.LYMPHOMA: P.LYMPHOMA,
    Histology.PLASMA_CELL: P.MYELOMA,
}


def haematological_kind(case: Case) -> PrimaryTumour | None:
    """Lymphoma or myeloma when the primary recorded or the confirmed histology says so, else None
    (docs/clinical/rules.md precedence: the strategy bands do not apply to haematological malignancy;
    ONC-BMA is for a solid tumour or myeloma). Confirmed histology wins over the primary recorded."""
    if case.histology is not None and case.histology in HAEMATOLOGICAL_HISTOLOGY:
        return HAEMATOLOGICAL_HISTOLOGY[case.histology]
    if case.primary_tumour in HAEMATOLOGICAL:
        return case.primary_tumour
    return None


def on_histology(case: Case, lang: str = "en") -> str:
    """ ", on histology" when the haematological kind comes from the confirmed histology rather
    than the primary recorded, else ""."""
    kind = haematological_kind(case)
    if kind is None or case.primary_tumour == kind:
        return ""
    return "，依据病理" if lang == "zh" else ", on histology"


# Tokuhashi 2005 primary-site group (docs/clinical/scores.md section 4). "Sarcoma" is not osteosarcoma by
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

# Conventional ECOG -> KPS crosswalk, display only (docs/clinical/scores.md decision 11).
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
