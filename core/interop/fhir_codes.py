"""Code systems of the FHIR mapping (docs/fhir.md): LOINC and UCUM for labs and performance status,
ICD-10 and SNOMED CT for the cancer conditions and body sites, mCODE profile URLs, and the BoneMDT
local code systems for what no standard code names exactly (scores, assessments, events)."""

from __future__ import annotations

from core.models import Analyte, Bone, PrimaryTumour

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
DICOM = "http://dicom.nema.org/resources/ontology/DCM"
MRN_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"

LOCAL = "https://bonemdt.local/fhir"
CS_PRIMARY = f"{LOCAL}/CodeSystem/primary-tumour"
CS_BONE = f"{LOCAL}/CodeSystem/bone"
CS_SCORE = f"{LOCAL}/CodeSystem/score"
CS_SCORE_PART = f"{LOCAL}/CodeSystem/score-component"
CS_ASSESSMENT = f"{LOCAL}/CodeSystem/assessment"
CS_EVENT = f"{LOCAL}/CodeSystem/clinical-event"
CS_TREATMENT = f"{LOCAL}/CodeSystem/treatment-kind"
CS_PROCEDURE = f"{LOCAL}/CodeSystem/surgery-procedure"
CS_PLAN = f"{LOCAL}/CodeSystem/plan-kind"
CS_MODALITY = f"{LOCAL}/CodeSystem/modality"
MRN_SYSTEM = f"{LOCAL}/NamingSystem/mrn"
EXT = f"{LOCAL}/StructureDefinition"
EXT_LESION = f"{EXT}/lesion"  # the lesion's own fields (JSON) on its Condition
EXT_CASE = f"{EXT}/case-header"  # the referral header (JSON) on the ServiceRequest
EXT_DOSE = f"{EXT}/radiotherapy-dose"  # total dose (Gy) and fractions on a radiotherapy Procedure
EXT_STUDY = f"{EXT}/imaging-study"  # region, findings and impression (JSON) on an ImagingStudy

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition"
PROFILE_PATIENT = f"{MCODE}/mcode-cancer-patient"
PROFILE_PRIMARY = f"{MCODE}/mcode-primary-cancer-condition"
PROFILE_SECONDARY = f"{MCODE}/mcode-secondary-cancer-condition"
PROFILE_ECOG = f"{MCODE}/mcode-ecog-performance-status"
PROFILE_KARNOFSKY = f"{MCODE}/mcode-karnofsky-performance-status"
PROFILE_LAB = f"{MCODE}/mcode-tumor-marker-test"
PROFILE_SURGERY = f"{MCODE}/mcode-cancer-related-surgical-procedure"
PROFILE_RADIOTHERAPY = f"{MCODE}/mcode-radiotherapy-course-summary"
PROFILE_MEDICATION = f"{MCODE}/mcode-cancer-related-medication-statement"

LOINC_ECOG = "89247-1"
LOINC_KARNOFSKY = "89243-0"

# Secondary malignant neoplasm of bone.
SNOMED_BONE_METASTASIS = "94222008"
ICD10_BONE_METASTASIS = "C79.5"

# Analyte -> (LOINC code, display) for the stored SI unit.
LAB_LOINC: dict[Analyte, tuple[str, str]] = {
    Analyte.CALCIUM: ("2000-8", "Calcium [Moles/volume] in Serum or Plasma"),
    Analyte.IONISED_CALCIUM: ("1995-0", "Calcium.ionized [Moles/volume] in Serum or Plasma"),
    Analyte.ALBUMIN: ("1751-7", "Albumin [Mass/volume] in Serum or Plasma"),
    Analyte.CREATININE: ("14682-9", "Creatinine [Moles/volume] in Serum or Plasma"),
    Analyte.ALP: ("6768-6", "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma"),
    Analyte.HB: ("718-7", "Hemoglobin [Mass/volume] in Blood"),
    Analyte.PLATELETS: ("777-3", "Platelets [#/volume] in Blood by Automated count"),
    Analyte.NEUTROPHILS: ("751-8", "Neutrophils [#/volume] in Blood by Automated count"),
    Analyte.PSA: ("2857-1", "Prostate specific Ag [Mass/volume] in Serum or Plasma"),
    Analyte.CA15_3: ("6875-9", "Cancer Ag 15-3 [Units/volume] in Serum or Plasma"),
    Analyte.CEA: ("2039-6", "Carcinoembryonic Ag [Mass/volume] in Serum or Plasma"),
    Analyte.CA125: ("10334-1", "Cancer Ag 125 [Units/volume] in Serum or Plasma"),
    Analyte.CRP: ("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma"),
    Analyte.LDH: ("2532-0", "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma"),
    Analyte.BILIRUBIN: ("14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma"),
    Analyte.PHOSPHATE: ("14879-1", "Phosphate [Moles/volume] in Serum or Plasma"),
}
LOINC_LAB: dict[str, Analyte] = {code: analyte for analyte, (code, _) in LAB_LOINC.items()}

# BoneMDT unit text <-> UCUM code (the stored SI units and the accepted conventional ones).
UNIT_TO_UCUM: dict[str, str] = {
    "mmol/L": "mmol/L",
    "g/L": "g/L",
    "µmol/L": "umol/L",
    "U/L": "U/L",
    "10^9/L": "10*9/L",
    "µg/L": "ug/L",
    "kU/L": "k[U]/L",
    "mg/L": "mg/L",
    "mg/dL": "mg/dL",
    "g/dL": "g/dL",
    "ng/mL": "ng/mL",
    "U/mL": "U/mL",
    "/µL": "/uL",
}
UCUM_TO_UNIT: dict[str, str] = {ucum: unit for unit, ucum in UNIT_TO_UCUM.items()}

# Primary tumour -> ICD-10 (three/four-character code of the site, unspecified part).
PRIMARY_ICD10: dict[PrimaryTumour, str] = {
    PrimaryTumour.BREAST: "C50.9",
    PrimaryTumour.PROSTATE: "C61",
    PrimaryTumour.LUNG_NSCLC: "C34.9",
    PrimaryTumour.LUNG_SCLC: "C34.9",
    PrimaryTumour.KIDNEY: "C64",
    PrimaryTumour.THYROID: "C73",
    PrimaryTumour.MYELOMA: "C90.0",
    PrimaryTumour.COLORECTAL: "C18.9",
    PrimaryTumour.RECTUM: "C20",
    PrimaryTumour.STOMACH: "C16.9",
    PrimaryTumour.LIVER: "C22.9",
    PrimaryTumour.OESOPHAGUS: "C15.9",
    PrimaryTumour.PANCREAS: "C25.9",
    PrimaryTumour.BLADDER: "C67.9",
    PrimaryTumour.OVARY: "C56",
    PrimaryTumour.MELANOMA: "C43.9",
    PrimaryTumour.CERVIX: "C53.9",
    PrimaryTumour.GALLBLADDER: "C23",
    PrimaryTumour.UNKNOWN: "C80.1",
}
# ICD-10 codes that name one primary only (C34.9 is lung without the cell type: not mapped).
ICD10_PRIMARY: dict[str, PrimaryTumour] = {
    code: primary for primary, code in PRIMARY_ICD10.items() if list(PRIMARY_ICD10.values()).count(code) == 1
}

# Bone -> SNOMED CT body structure ("Bone structure of ...").
BONE_SNOMED: dict[Bone, tuple[str, str]] = {
    Bone.FEMUR: ("71341001", "Bone structure of femur"),
    Bone.HUMERUS: ("85050009", "Bone structure of humerus"),
    Bone.TIBIA: ("12611008", "Bone structure of tibia"),
    Bone.FIBULA: ("87342007", "Bone structure of fibula"),
    Bone.RADIUS: ("62413002", "Bone structure of radius"),
    Bone.ULNA: ("23416004", "Bone structure of ulna"),
    Bone.RIB: ("113197003", "Bone structure of rib"),
    Bone.SKULL: ("89546000", "Bone structure of skull"),
    Bone.SCAPULA: ("79601000", "Bone structure of scapula"),
    Bone.STERNUM: ("56873002", "Bone structure of sternum"),
    Bone.CLAVICLE: ("51299004", "Bone structure of clavicle"),
    Bone.SACRUM: ("54735007", "Bone structure of sacrum"),
    Bone.SPINE: ("421060004", "Structure of vertebral column"),
}
SNOMED_BONE: dict[str, Bone] = {code: bone for bone, (code, _) in BONE_SNOMED.items()}

DICOM_MODALITY: dict[str, str] = {
    "xr": "DX",
    "ct": "CT",
    "mri": "MR",
    "bone_scan": "NM",
    "pet_ct": "PT",
    "psma_pet": "PT",
    "spect_ct": "NM",
}
