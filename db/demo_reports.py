"""The demo's generic cases as referred: imaging studies and their reports, urgency and the
referral question."""

from __future__ import annotations

from typing import Any

from db.demo_base import _Case
from db.demo_history import GenericHistory
from db.demo_vocabulary import (
    PRIMARY_LABEL,
    mirels_total,
    sins_total,
    site_label,
)


class GenericReports(GenericHistory):
    """A generic case's imaging reports, urgency and referral question."""

    # -- imaging, urgency, referral question ---------------------------------------------------

    def generic_imaging(self, c: _Case, slot: int | None) -> None:
        rng = self.rng
        pid = c.row["patient_id"]
        ref = self.cap(self.meeting_dates[slot]) if slot is not None else self.today
        stale = self.chance(0.12)
        latest = ref - (self.days(60, 110) if stale else self.days(1, 35))
        n = rng.choice((1, 2, 2, 3, 3, 4))
        primary = c.row["primary_tumour"]
        label = PRIMARY_LABEL[primary][0]
        all_ids = [x["lesion_id"] for x in c.lesions]
        if primary == "prostate":
            whole = self.pick((("bone_scan", 50), ("psma_pet", 50)))
        elif primary == "myeloma":
            whole = "ct"
        else:
            whole = self.pick((("bone_scan", 50), ("pet_ct", 38), ("spect_ct", 12)))
        whole_region = {
            "bone_scan": "Whole body",
            "psma_pet": "Whole body",
            "pet_ct": "Skull base to mid-thigh",
            "ct": "Whole-body low-dose CT",
            "spect_ct": "Thoracolumbar spine and pelvis",
        }[whole]
        studies: list[tuple[str, str, list[dict[str, Any]]]] = []
        spinal = [x for x in c.lesions if x["bone"] in ("spine", "sacrum")]
        longs = [x for x in c.lesions if x["bone"] in ("femur", "humerus", "tibia", "fibula", "radius", "ulna")]
        trunk = [x for x in c.lesions if x["bone"] in ("pelvis", "rib", "sternum", "sacrum")]
        if n >= 2 and spinal:
            studies.append(("mri", "Whole spine", spinal))
        if n >= 2 and longs:
            les = longs[0]
            studies.append(("xr", f"{les['side'].capitalize()} {les['bone']}", [les]))
        if n >= 3 and trunk:
            studies.append(("ct", "Chest/abdomen/pelvis", trunk))
        studies = studies[: n - 1]
        studies.insert(0, (whole, whole_region, c.lesions))
        # The most recent study is the last region-specific one (or the whole-body one).
        on = latest
        for modality, region, shown in reversed(studies):
            findings, impression = self.report(modality, shown, label, len(all_ids))
            self.add_study(pid, modality, on, region, findings, impression, [x["lesion_id"] for x in shown])
            on = on - self.days(3, 40)

    def report(self, modality: str, shown: list[dict[str, Any]], label: str, total: int) -> tuple[str, str]:
        parts = []
        for les in shown:
            bits = [f"{site_label(les)}: {les['lesion_type']} lesion"]
            if les["size_mm"]:
                bits.append(f"{les['size_mm']} mm")
            if les["pathological_fracture"]:
                bits.append("pathological fracture")
            if les["collapse"] in ("lt_50_collapse", "gt_50_collapse"):
                bits.append("< 50% collapse" if les["collapse"] == "lt_50_collapse" else "> 50% collapse")
            if les["bilsky"] and modality == "mri":
                bits.append("no epidural extension" if les["bilsky"] == "0" else f"epidural disease, Bilsky {les['bilsky']}")
            if les["bilsky"] in ("2", "3") and modality == "mri":
                bits.append("spinal cord compression")
            parts.append(", ".join(bits))
        findings = "; ".join(parts) + "."
        if modality in ("bone_scan", "psma_pet", "pet_ct", "spect_ct", "ct") and total > 1:
            impression = f"Multiple bone metastases ({total}) consistent with known {label}."
        elif total == 1:
            impression = f"Solitary bone metastasis ({site_label(shown[0])}) from {label}."
        else:
            impression = f"Metastatic involvement of {', '.join(site_label(x) for x in shown)}."
        if any(x["bilsky"] in ("2", "3") for x in shown) and modality == "mri":
            impression += " Metastatic spinal cord compression."
        if self.chance(0.12):
            impression += " 多发骨转移。"
        return findings[:3900], impression

    def urgency(self, c: _Case) -> str:
        row = c.row
        spinal = [x for x in c.lesions if x["bone"] in ("spine", "sacrum")]
        if (
            row["neuro_signs"]
            or (row["frankel"] in ("A", "B", "C", "D") and row["frankel_new"])
            or any(x["bilsky"] in ("2", "3") for x in spinal)
            or c.corrected_ca > 3.10
            or (c.corrected_ca >= 3.0 and row["calcium_symptoms"])
        ):
            return "emergency"
        sins = [s for s in (sins_total(x) for x in spinal) if s is not None]
        mirels = [m for m in (mirels_total(x) for x in c.lesions) if m is not None]
        unfixed = any(x["pathological_fracture"] and not x["fracture_fixed"] for x in c.lesions)
        if (
            (sins and max(sins) >= 13)
            or (mirels and max(mirels) >= 9)
            or unfixed
            or row["nrs"] >= 7
            or c.corrected_ca >= 3.0
            or c.marrow
        ):
            return "urgent"
        return "routine"

    def question(self, c: _Case) -> str:
        rng = self.rng
        row = c.row
        primary_en, primary_zh = PRIMARY_LABEL[row["primary_tumour"]]
        spinal = [x for x in c.lesions if x["bone"] == "spine"]
        mscc = [x for x in spinal if x["bilsky"] in ("2", "3")]
        sins = [(sins_total(x), x) for x in spinal]
        unstable = [x for s, x in sins if s is not None and s >= 13]
        mirels = [(mirels_total(x), x) for x in c.lesions]
        impending = [(m, x) for m, x in mirels if m is not None and m >= 9]
        fractures = [x for x in c.lesions if x["pathological_fracture"]]
        painful = [x for x in c.lesions if x["painful"]] or c.lesions
        zh = self.chance(0.2)
        if mscc:
            s = site_label(mscc[0])
            return (
                f"{s}转移瘤伴脊髓压迫，请讨论减压手术或急诊放疗。"
                if zh
                else f"Metastatic spinal cord compression at {s} (Bilsky {mscc[0]['bilsky']}): "
                "decompression and stabilisation, or emergency radiotherapy?"
            )
        if c.corrected_ca >= 3.0:
            return (
                f"Hypercalcaemia (corrected calcium {c.corrected_ca:.2f} mmol/L) with bone "
                f"metastases from {primary_en}: acute management and bone-modifying agent?"
            )
        if fractures:
            s = site_label(fractures[0])
            return (
                f"{s}病理性骨折，是否手术固定及术后放疗？"
                if zh
                else f"Pathological fracture of the {s}: fixation and post-operative radiotherapy?"
            )
        if unstable:
            s = site_label(unstable[0])
            return f"SINS {sins_total(unstable[0])} at {s}: is stabilisation indicated before radiotherapy?"
        if impending:
            m, x = impending[0]
            return (
                f"{site_label(x)}溶骨性病变（Mirels {m}分），是否需要预防性内固定？"
                if zh
                else f"Painful {site_label(x)} lesion, Mirels {m}: prophylactic fixation before radiotherapy?"
            )
        if row["nrs"] >= 6:
            s = site_label(rng.choice(painful))
            return (
                f"骨转移疼痛（NRS {row['nrs']}），{s}，是否行姑息性放疗？"
                if zh
                else f"Uncontrolled bone pain (NRS {row['nrs']}) from the {s}: palliative radiotherapy and analgesia plan?"
            )
        return (
            f"新发{primary_zh}骨转移，请MDT讨论全身治疗及骨改良药物。"
            if zh
            else rng.choice(
                (
                    f"New bone metastases from {primary_en}: systemic therapy, bone-modifying agent and "
                    "need for local treatment?",
                    f"Bone metastases from {primary_en}, stable symptoms: confirm standard-of-care plan and follow-up.",
                    f"Progression in bone on current therapy ({primary_en}): next line and local treatment?",
                )
            )
        )
