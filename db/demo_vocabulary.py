"""The demo generator's vocabulary: sizes and dates of the dataset, weighted choices, labels,
and the small helpers that read a generated lesion through core's scores (no arithmetic here)."""

from __future__ import annotations

from datetime import time
from typing import Any

from core.derive import MIRELS_SITE
from core.models import (
    Bone,
    Lesion,
    Segment,
)
from core.scores.mirels import MirelsInput, score_mirels
from core.scores.sins import SinsInput, score_sins

DEFAULT_SEED = 20261127
N_GENERIC_PATIENTS = 160
N_SECOND_EPISODES = 6
N_PAST_MEETINGS = 12
N_UPCOMING_MEETINGS = 4
MEETING_WEEKDAY = 3  # Thursday
MEETING_TIME = time(8, 0)
MEETING_LOCATION = "MDT Room 3 / 多学科会诊室"

LECTURE_CASE_MRNS: dict[int, str] = {n: f"DEMO-LC{n:04d}" for n in range(1, 8)}

# (table, id column, sequence) in insert order (parents before children).
TABLES: tuple[tuple[str, str | None, str | None], ...] = (
    ("patient", "patient_id", "seq_patient"),
    ("mdt_case", "case_id", "seq_case"),
    ("assessment", "assessment_id", "seq_assessment"),
    ("lesion", "lesion_id", "seq_lesion"),
    ("imaging_study", "study_id", "seq_study"),
    ("imaging_lesion", None, None),
    ("lab_result", "lab_id", "seq_lab"),
    ("treatment", "treatment_id", "seq_treatment"),
    ("clinical_event", "event_id", "seq_event"),
    ("meeting", "meeting_id", "seq_meeting"),
    ("attendance", None, None),
    ("agenda_item", "item_id", "seq_item"),
    ("specialty_opinion", "opinion_id", "seq_opinion"),
    ("decision", "decision_id", "seq_decision"),
    ("plan_item", "plan_item_id", "seq_plan_item"),
    ("plan_item_text", None, None),
    ("action_item", "action_id", "seq_action"),
    ("delivery", "delivery_id", "seq_delivery"),
    ("follow_up", "follow_up_id", "seq_follow_up"),
)

# ---------------------------------------------------------------------------------------------
# Vocabulary for the generator

PRIMARY_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("breast", 27),
    ("prostate", 20),
    ("lung_nsclc", 20),
    ("kidney", 8),
    ("thyroid", 5),
    ("myeloma", 4),
    ("lung_sclc", 3),
    ("colorectal", 3),
    ("stomach", 2),
    ("liver", 2),
    ("bladder", 2),
    ("melanoma", 1),
    ("oesophagus", 1),
    ("unknown_primary", 2),
)
PRIMARY_LABEL = {
    "breast": ("breast cancer", "乳腺癌"),
    "prostate": ("prostate cancer", "前列腺癌"),
    "lung_nsclc": ("non-small-cell lung cancer", "非小细胞肺癌"),
    "lung_sclc": ("small-cell lung cancer", "小细胞肺癌"),
    "kidney": ("renal cell carcinoma", "肾癌"),
    "thyroid": ("thyroid cancer", "甲状腺癌"),
    "myeloma": ("multiple myeloma", "多发性骨髓瘤"),
    "colorectal": ("colorectal cancer", "结直肠癌"),
    "stomach": ("gastric cancer", "胃癌"),
    "liver": ("hepatocellular carcinoma", "肝癌"),
    "bladder": ("bladder cancer", "膀胱癌"),
    "melanoma": ("melanoma", "黑色素瘤"),
    "oesophagus": ("oesophageal cancer", "食管癌"),
    "unknown_primary": ("cancer of unknown primary", "原发灶不明肿瘤"),
}
# lytic / blastic / mixed weights per primary (lecture: prostate blastic; lung, kidney and
# thyroid lytic; breast often mixed).
LESION_TYPE_WEIGHTS = {
    "breast": (68, 8, 24),
    "prostate": (8, 78, 14),
    "lung_nsclc": (90, 3, 7),
    "kidney": (97, 0, 3),
    "thyroid": (95, 0, 5),
    "myeloma": (100, 0, 0),
    "lung_sclc": (80, 8, 12),
}
DEFAULT_TYPE_WEIGHTS = (82, 8, 10)
RADIORESISTANT = {"kidney", "thyroid", "liver", "colorectal", "lung_nsclc", "melanoma"}
HISTOLOGY = {
    "breast": (("invasive_ductal", 80), ("invasive_lobular", 20)),
    "prostate": (("acinar_adenocarcinoma", 100),),
    "lung_nsclc": (("adenocarcinoma", 75), ("squamous_cell", 25)),
    "lung_sclc": (("small_cell", 100),),
    "kidney": (("clear_cell_rcc", 85), ("papillary_rcc", 15)),
    "thyroid": (("follicular_thyroid", 60), ("papillary_thyroid", 40)),
    "myeloma": (("plasma_cell", 100),),
    "colorectal": (("adenocarcinoma", 100),),
    "stomach": (("adenocarcinoma", 100),),
    "liver": (("hepatocellular", 100),),
    "bladder": (("urothelial", 100),),
    "melanoma": (("melanoma", 100),),
    "oesophagus": (("squamous_cell", 100),),
    "unknown_primary": (("adenocarcinoma", 50), ("not_confirmed", 50)),
}
MARKER = {
    "prostate": "psa",
    "breast": "ca15_3",
    "lung_nsclc": "cea",
    "colorectal": "cea",
    "stomach": "cea",
    "kidney": "ldh",
    "lung_sclc": "ldh",
    "myeloma": "ldh",
}
REFERRERS = (
    ("Dr Demo Wang (Medical Oncology)", "medical_oncology"),
    ("Dr Demo Huang (Medical Oncology)", "medical_oncology"),
    ("Dr Demo Gupta (Medical Oncology)", "medical_oncology"),
    ("Dr Demo Smith (Orthopaedics)", "orthopaedics"),
    ("Dr Demo Brown (Spine Surgery)", "spine_surgery"),
    ("Dr Demo Li (Radiotherapy)", "radiotherapy"),
    ("Dr Demo Zhang (Pain Medicine)", "pain_medicine"),
    ("Dr Demo Okafor (Radiology)", "radiology"),
)
KEY_WORKERS = (
    "CNS Demo Nurse Chen",
    "CNS Demo Nurse Patel",
    "CNS Demo Nurse Liu",
    "Demo Key Worker Zhou",
    "CNS Demo Nurse Evans",
)
COMORBIDITIES = (
    "Hypertension",
    "Type 2 diabetes",
    "COPD",
    "Atrial fibrillation on apixaban",
    "Ischaemic heart disease",
    "Osteoarthritis of both knees",
    "Hypothyroidism",
    "Depression",
    "Obesity",
    "高血压",
    "2型糖尿病",
)
WISHES = (
    "Wants to stay mobile and go home to family.",
    "Wishes to avoid surgery if at all possible.",
    "Understands the diagnosis; wants to keep working part-time.",
    "希望控制疼痛，尽量居家治疗。",
    "Knows the cancer has spread; prefers treatment close to home.",
    "Wants to be well enough to attend a family wedding in three months.",
    "患者了解病情，愿意接受手术及放疗。",
    "Unsure about further treatment; wishes to discuss with family first.",
    "Prioritises pain control and quality of life over prolonging treatment.",
    "Keen on any treatment that keeps her walking.",
)
THORACIC_WEIGHTS = (2, 2, 3, 4, 5, 6, 7, 8, 8, 8, 7, 6)
LUMBAR_WEIGHTS = (6, 6, 5, 5, 4)
CERVICAL_WEIGHTS = (1, 2, 2, 2, 2, 2, 2)

SURGEON_FOR = {"spine": "spine", "sacrum": "spine"}
OWNER_FOR_KIND = {
    "radiotherapy": "radonc",
    "fixation": "member",
    "decompression": "spine",
    "systemic": "oncology2",
    "bone_modifying_agent": "oncology2",
    "analgesia": "pain",
    "rehabilitation": "rehab",
    "investigation": "radiology",
    "emergency": "spine",
    "other": "nurse",
}
SPECIALTY_OF_OWNER = {
    "radonc": "radiotherapy",
    "member": "orthopaedics",
    "spine": "spine_surgery",
    "oncology2": "medical_oncology",
    "chair": "medical_oncology",
    "pain": "pain_medicine",
    "rehab": "rehabilitation",
    "radiology": "radiology",
    "nurse": "nursing",
    "coordinator": "coordination",
}
TREATMENT_KINDS = {
    "radiotherapy",
    "fixation",
    "decompression",
    "systemic",
    "bone_modifying_agent",
    "analgesia",
    "rehabilitation",
    "emergency",
}
URGENCY_RANK = {"emergency": 0, "urgent": 1, "routine": 2}


def site_label(les: dict[str, Any]) -> str:
    if les["bone"] == "spine":
        return str(les["level"])
    if les["bone"] == "sacrum":
        return f"sacrum {les['level']}" if les["level"] else "sacrum"
    parts = [les["side"] if les["side"] in ("left", "right") else None, les["bone"]]
    if les["segment"] and les["segment"] != "whole":
        parts.append(les["segment"].replace("_", " "))
    return " ".join(p for p in parts if p)


_UNDATED = frozenset(Lesion.model_fields) - {"detected_date", "prior_rt_date", "surgeon_stability_on"}


def _lesion(les: dict[str, Any]) -> Lesion:
    """A generated lesion as the domain model (its site and score items; dates left out)."""
    return Lesion.model_validate({k: v for k, v in les.items() if k in _UNDATED})


def sins_total(les: dict[str, Any]) -> int | None:
    """SINS of a generated lesion by core's score (None when not spinal or an input is missing)."""
    if les["bone"] not in ("spine", "sacrum") or not les["level"]:
        return None
    lesion = _lesion(les)
    result = score_sins(
        SinsInput(
            level=lesion.level,
            pain=None if lesion.spinal_pain is None else lesion.spinal_pain.value,
            bone_lesion=lesion.lesion_type.value,
            alignment=None if lesion.alignment is None else lesion.alignment.value,
            vertebral_body_collapse=None if lesion.collapse is None else lesion.collapse.value,
            posterolateral_involvement=None if lesion.posterolateral is None else lesion.posterolateral.value,
        )
    )
    return None if result.missing else int(result.total or 0)


def mirels_total(les: dict[str, Any]) -> int | None:
    """Mirels of a generated long-bone lesion by core's score (None when an input is missing)."""
    if les["bone"] not in ("femur", "humerus", "tibia", "fibula", "radius", "ulna"):
        return None
    if les["limb_pain"] is None or les["size_fraction"] is None:
        return None
    lesion = _lesion(les)
    if lesion.bone == Bone.FEMUR:
        site = "peritrochanteric" if lesion.segment == Segment.PERITROCHANTERIC else "lower_limb"
    else:
        site = MIRELS_SITE[lesion.bone]
    result = score_mirels(
        MirelsInput(site=site, pain=les["limb_pain"], lesion_type=les["lesion_type"], size_fraction=les["size_fraction"])
    )
    return None if result.missing else int(result.total or 0)
