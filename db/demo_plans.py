"""The demo's plans and their delivery: what each meeting decided for a case (plan items with their
rule, disposition and reason) and the treatments a delivered plan item produced."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from db.demo_base import _Case
from db.demo_generic import GenericCases
from db.demo_vocabulary import (
    RADIORESISTANT,
    mirels_total,
    sins_total,
    site_label,
)

# Systemic treatment kinds a new line of therapy replaces, and the drug that goes on under it
# (androgen deprivation continues with abiraterone or enzalutamide).
_SYSTEMIC_KINDS = frozenset({"endocrine", "targeted", "chemotherapy", "immunotherapy"})
_CONTINUED_BACKBONE = frozenset({"Goserelin"})
# Plan item kind -> the treatment kinds of a lecture file that deliver it.
_LECTURE_KINDS: dict[str, frozenset[str]] = {
    "emergency": frozenset({"steroid"}),
    "decompression": frozenset({"surgery"}),
    "fixation": frozenset({"surgery"}),
    "radiotherapy": frozenset({"radiotherapy", "radionuclide"}),
    "bone_modifying_agent": frozenset({"bone_modifying_agent"}),
    "systemic": _SYSTEMIC_KINDS,
    "analgesia": frozenset({"analgesia"}),
}


class MeetingPlans(GenericCases):
    """Plan items per decision, and the treatments their delivery produced."""

    # -- plans -----------------------------------------------------------------------------------

    def plan_for(self, c: _Case, k: int) -> list[tuple[Any, ...]]:
        rng = self.rng
        row = c.row
        plan: list[tuple[Any, ...]] = []
        survival = (row["expected_survival_weeks"] or 26) * 12 / 52  # months
        fit = bool(row["fit_for_surgery"])
        spinal = [x for x in c.lesions if x["bone"] == "spine"]
        mscc = [x for x in spinal if x["bilsky"] in ("2", "3")]
        unstable = [x for x in spinal if (sins_total(x) or 0) >= 13]
        consult = [x for x in spinal if 7 <= (sins_total(x) or 0) <= 12]
        impending = [x for x in c.lesions if (mirels_total(x) or 0) >= 9 and not x["pathological_fracture"]]
        fractured = [x for x in c.lesions if x["pathological_fracture"] and not x["fracture_fixed"]]
        covered: set[int] = set()
        if row["stream"] == "standard_of_care":
            plan.extend(self.systemic_plan(c))
            plan.extend(self.bma_plan(c))
            if row["nrs"] and row["nrs"] >= 1:
                plan.append(self.pain_plan(c))
            plan.append((None, "other", "Standard of care ratified; follow-up every 3 months", "free_text", ""))
            return self.tag(plan, {})
        targets: dict[int, int] = {}
        if c.corrected_ca >= 3.0:
            plan.append(
                (
                    "EMERG-HYPERCA",
                    "emergency",
                    "IV 0.9% saline, then zoledronic acid 4 mg over ≥ 15 min; stop calcium/vitamin D; recheck calcium in 48 h",
                    "accepted",
                    "",
                )
            )
        if mscc:
            s = mscc[0]
            covered.add(s["lesion_id"])
            plan.append(
                (
                    "EMERG-MSCC",
                    "emergency",
                    "Dexamethasone 10 mg IV then 4 mg q6h "
                    f"(neurological signs); whole-spine MRI; same-day opinions ({s['level']})"
                    if row["neuro_signs"]
                    else "Whole-spine MRI within 24 h; dexamethasone only for severe pain",
                    "accepted",
                    "",
                )
            )
            if fit and survival >= 3 and row["primary_tumour"] not in ("myeloma", "lymphoma"):
                targets[len(plan)] = s["lesion_id"]
                plan.append(
                    (
                        "NOMS",
                        "decompression",
                        f"Separation surgery at {s['level']}: decompression and posterior stabilisation",
                        "accepted",
                        "",
                    )
                )
                targets[len(plan)] = s["lesion_id"]
                plan.append(
                    ("RT-POSTOP", "radiotherapy", f"Post-operative RT to {s['level']} 20 Gy/5 from week 2", "accepted", "")
                )
            else:
                targets[len(plan)] = s["lesion_id"]
                plan.append(
                    ("RT-MSCC", "radiotherapy", f"Emergency RT to {s['level']} 20 Gy/5 starting within 24 h", "accepted", "")
                )
        for s in unstable[:1]:
            if s["lesion_id"] in covered:
                continue
            covered.add(s["lesion_id"])
            if fit and survival >= 3:
                targets[len(plan)] = s["lesion_id"]
                plan.append(
                    (
                        "ORTHO-SINS-UNSTABLE",
                        "fixation",
                        f"Posterior stabilisation at {s['level']} (SINS {sins_total(s)})",
                        "accepted",
                        "",
                    )
                )
                targets[len(plan)] = s["lesion_id"]
                plan.append(("RT-POSTOP", "radiotherapy", f"Post-operative RT to {s['level']} 20 Gy/5", "accepted", ""))
            else:
                plan.append(
                    (
                        "ORTHO-SINS-UNSTABLE",
                        "fixation",
                        f"Surgical stabilisation at {s['level']}",
                        "rejected",
                        f"Not fit for surgery (ECOG {row['ecog']}, expected survival {survival:.0f} months); brace",
                    )
                )
                targets[len(plan)] = s["lesion_id"]
                plan.append(("RT-PAIN-SHORT", "radiotherapy", f"8 Gy × 1 to {s['level']}", "accepted", ""))
        for x in (fractured + impending)[:1]:
            covered.add(x["lesion_id"])
            rule = "ORTHO-FRACTURE" if x["pathological_fracture"] else "ORTHO-MIRELS-HIGH"
            if fit and survival >= 1:
                targets[len(plan)] = x["lesion_id"]
                plan.append(
                    (
                        rule,
                        "fixation",
                        f"{self.fixation_name(x)} within 48 h"
                        if x["pathological_fracture"]
                        else f"Prophylactic {self.fixation_name(x).lower()} before radiotherapy",
                        "accepted",
                        "",
                    )
                )
                targets[len(plan)] = x["lesion_id"]
                plan.append(("RT-POSTOP", "radiotherapy", f"Post-operative RT to {site_label(x)} 20 Gy/5", "accepted", ""))
            else:
                plan.append(
                    (
                        rule,
                        "fixation",
                        f"Fixation of {site_label(x)}",
                        "rejected",
                        "Patient not fit for anaesthesia; protected weight-bearing",
                    )
                )
                targets[len(plan)] = x["lesion_id"]
                plan.append(("RT-PAIN-SHORT", "radiotherapy", f"8 Gy × 1 to {site_label(x)}", "accepted", ""))
        painful = [x for x in c.lesions if x["painful"] and x["lesion_id"] not in covered and x["prior_rt_dose_gy"] is None]
        if painful and (row["nrs"] or 0) >= 4 and len(plan) < 4:
            x = max(painful, key=lambda e: e["size_mm"] or 0)
            if x in consult:
                plan.append(
                    (
                        "ORTHO-SINS-CONSULT",
                        "investigation",
                        f"Spine-surgery opinion before RT: SINS {sins_total(x)} at {x['level']}",
                        "accepted",
                        "",
                    )
                )
            short = survival < 3 or (row["ecog"] or 0) >= 3
            targets[len(plan)] = x["lesion_id"]
            if short:
                plan.append(("RT-PAIN-SHORT", "radiotherapy", f"8 Gy × 1 to {site_label(x)}", "accepted", ""))
            elif (
                row["primary_tumour"] in RADIORESISTANT
                and (row["ecog"] or 0) <= 1
                and len(c.lesions) <= 3
                and x["bone"] == "spine"
                and x["bilsky"] in ("0", "1a", "1b")
            ):
                plan.append(("RT-SBRT", "radiotherapy", f"SBRT to {site_label(x)}: 24 Gy/2", "accepted", ""))
            elif self.chance(0.15):
                plan.append(
                    (
                        "RT-PAIN-LONG",
                        "radiotherapy",
                        f"8 Gy × 1 to {site_label(x)}",
                        "modified",
                        "Patient lives far away: single visit preferred",
                    )
                )
            else:
                dose = rng.choice(("20 Gy/5", "20 Gy/5", "30 Gy/10"))
                plan.append(("RT-PAIN-LONG", "radiotherapy", f"{dose} to {site_label(x)}", "accepted", ""))
        plan.extend(self.systemic_plan(c))
        plan.extend(self.bma_plan(c))
        if row["nrs"] and row["nrs"] >= 1:
            plan.append(self.pain_plan(c))
        if row["pain_character"] in ("neuropathic", "mixed") and self.chance(0.6):
            plan.append(("PAIN-NEURO", "analgesia", "Pregabalin 75 mg twice daily (renally dosed)", "accepted", ""))
        if ((row["ecog"] or 0) >= 2 or row["frankel"] in ("C", "D")) and self.chance(0.7):
            plan.append(
                (
                    "REHAB-FUNCTION",
                    "rehabilitation",
                    "Functional assessment (ECOG/KPS/Barthel) and graded programme; walking aid",
                    "accepted",
                    "",
                )
            )
        if c.marrow:
            plan.append(
                ("EMERG-MARROW", "other", "Transfusion support / G-CSF as indicated; review chemotherapy timing", "accepted", "")
            )
        if self.chance(0.12):
            plan.append(
                (
                    None,
                    "other",
                    rng.choice(
                        (
                            "Palliative care referral for symptom support",
                            "Discuss goals of care with family at next clinic",
                            "告知患者及家属MDT意见，门诊随访。",
                        )
                    ),
                    "free_text",
                    "",
                )
            )
        return self.tag(plan[:7], targets)

    @staticmethod
    def tag(plan: list[tuple[Any, ...]], targets: dict[int, int]) -> list[tuple[Any, ...]]:
        return [(*p, targets.get(i)) for i, p in enumerate(plan)]

    def systemic_plan(self, c: _Case) -> list[tuple[Any, ...]]:
        row = c.row
        primary = row["primary_tumour"]
        regimen = self.systemic_regimen(row, first_line=self.chance(0.5))
        if not regimen:
            return []
        text = " + ".join(name for _, name, _ in regimen)
        rule = None
        if primary == "breast":
            rule = "ONC-HER2" if row["her2"] == "positive" else "ONC-HR-BREAST" if row["er"] == "positive" else "ONC-CHEMO"
        elif primary == "prostate":
            rule = "ONC-PROSTATE" if row["castration"] == "sensitive" else "ONC-CRPC"
        elif primary == "lung_nsclc" and row["egfr"] == "positive":
            rule = "ONC-EGFR"
        elif primary == "kidney":
            rule = "ONC-RCC"
        elif primary == "lung_sclc":
            rule = "ONC-CHEMO"
        if rule is None:
            return [(None, "systemic", f"Systemic therapy: {text}", "free_text", "")]
        roll = self.rng.random()
        if roll < 0.08:
            return [(rule, "systemic", text, "rejected", "Patient declined further systemic therapy; best supportive care")]
        if roll < 0.2:
            return [(rule, "systemic", f"{text} (dose-reduced)", "modified", f"ECOG {row['ecog']}: start at reduced dose")]
        return [(rule, "systemic", text, "accepted", "")]

    def bma_plan(self, c: _Case) -> list[tuple[Any, ...]]:
        row = c.row
        if row["primary_tumour"] == "prostate" and row["castration"] == "sensitive":
            return []
        if c.on_bma:
            return [(None, "bone_modifying_agent", "Continue current bone-modifying agent", "free_text", "")]
        out: list[tuple[Any, ...]] = []
        if not row.get("dental_clearance"):
            out.append(("ONC-DENTAL", "investigation", "Dental review before the first dose", "accepted", ""))
        if c.crcl < 30:
            out.append(
                (
                    "ONC-BMA-RENAL",
                    "bone_modifying_agent",
                    f"Denosumab 120 mg SC every 4 weeks (CrCl {c.crcl:.0f} mL/min); close calcium monitoring",
                    "accepted",
                    "",
                )
            )
        elif self.chance(0.25):
            out.append(
                (
                    "ONC-BMA",
                    "bone_modifying_agent",
                    "Denosumab 120 mg SC every 4 weeks",
                    "modified",
                    "Preference for subcutaneous injection",
                )
            )
        else:
            out.append(
                (
                    "ONC-BMA",
                    "bone_modifying_agent",
                    f"Zoledronic acid {self.zol_dose(c.crcl)} IV every 4 weeks (CrCl {c.crcl:.0f} mL/min)",
                    "accepted",
                    "",
                )
            )
        return out

    def pain_plan(self, c: _Case) -> tuple[Any, ...]:
        nrs = c.row["nrs"] or 0
        if nrs >= 7:
            text = "Oxycodone CR 10 mg q12h titrated; IR rescue; laxative"
            if c.crcl < 30:
                text += "; avoid morphine (CrCl < 30)"
            return ("PAIN-STEP3", "analgesia", text, "accepted", "")
        if nrs >= 4:
            return ("PAIN-STEP2", "analgesia", "Tramadol 50 mg qds or low-dose oxycodone", "accepted", "")
        return ("PAIN-STEP1", "analgesia", "Paracetamol 1 g qds", "accepted", "")

    # -- delivery --------------------------------------------------------------------------------

    def deliver(self, c: _Case, p: tuple[Any, ...], on: date) -> None:
        """The treatment a delivered plan item produced (with its skeletal event)."""
        pid = c.row["patient_id"]
        kind, text = p[1], p[2]
        lesion_id = p[5] if len(p) > 5 else None
        les = next((x for x in c.lesions if x["lesion_id"] == lesion_id), None)
        if kind == "radiotherapy" and les is not None:
            if "8 Gy" in text:
                dose, fr = 8, 1
            elif "24 Gy/2" in text:
                dose, fr = 24, 2
            elif "30 Gy/10" in text:
                dose, fr = 30, 10
            else:
                dose, fr = 20, 5
            name = ("SBRT " if "SBRT" in text else "Radiotherapy ") + site_label(les)
            self.add_treatment(
                pid,
                "radiotherapy",
                name,
                on,
                on + timedelta(days=int((fr - 1) * 1.4)),
                f"{dose} Gy in {fr} fraction{'s' if fr > 1 else ''}",
                dose,
                fr,
                lesion_id,
            )
            self.add_event(pid, "radiotherapy_to_bone", on, f"{name} {dose} Gy/{fr}", lesion_id)
            if les["prior_rt_dose_gy"] is None:
                les["prior_rt_dose_gy"], les["prior_rt_date"] = dose, on
            les["status"] = "treated"
        elif kind in ("fixation", "decompression") and les is not None:
            name = (
                self.fixation_name(les)
                if kind == "fixation"
                else (f"Decompression and posterior stabilisation {site_label(les)}")
            )
            self.add_treatment(pid, "surgery", name, on, on, lesion_id=lesion_id)
            self.add_event(pid, "surgery_to_bone", on, name, lesion_id)
            if les["pathological_fracture"]:
                les["fracture_fixed"] = True
            les["status"] = "treated"
        elif kind == "bone_modifying_agent" and "Continue" not in text:
            name = "Denosumab" if "Denosumab" in text else "Zoledronic acid"
            self.add_treatment(pid, "bone_modifying_agent", name, on, None, text[:200])
        elif kind == "systemic":
            drugs = [d.removeprefix("Systemic therapy: ")[:200] for d in text.split(" (")[0].split(" + ")]
            ongoing = self.switch_line(pid, drugs, self.cap(on))
            for drug in drugs:
                if drug not in ongoing:  # a drug already taken goes on, not twice
                    self.add_treatment(pid, self.drug_kind(drug), drug, on, None)
        elif kind == "analgesia":
            drug = text.split(" ")[0]
            self.add_treatment(pid, "analgesia", drug, on, None, text[:200])
        elif kind == "emergency" and "Dexamethasone" in text:
            self.add_treatment(pid, "steroid", "Dexamethasone", on, on + timedelta(days=14), "10 mg IV then 4 mg q6h, tapered")

    def switch_line(self, pid: int, drugs: list[str], on: date) -> set[str]:
        """A new line of systemic therapy replaces the running one: every other ongoing systemic
        drug stops the day before (androgen deprivation, the backbone, goes on); returns the
        names of the new line's drugs that are already being taken."""
        kept: set[str] = set()
        for t in self.t["treatment"]:
            if t["patient_id"] != pid or not t["ongoing"] or t["kind"] not in _SYSTEMIC_KINDS:
                continue
            if t["name"] in drugs or t["name"] in _CONTINUED_BACKBONE:
                kept.add(t["name"])
            elif t["start_date"] < on:
                t["end_date"], t["ongoing"] = on - timedelta(days=1), False
        return kept & set(drugs)

    def lecture_delivery_day(self, c: _Case, p: tuple[Any, ...], decided_on: date) -> date | None:
        """The day a lecture case's file dates the treatment a plan item became: the file's
        treatment of that kind nearest the decision (an emergency operation may precede the
        meeting that ratifies it by up to a week); None when the file holds none."""
        kinds = _LECTURE_KINDS.get(p[1], frozenset())
        starts = [
            t["start_date"]
            for t in self.t["treatment"]
            if t["patient_id"] == c.patient["patient_id"]
            and t["kind"] in kinds
            and decided_on - timedelta(days=7) <= t["start_date"] <= decided_on + timedelta(days=60)
        ]
        return min(starts, key=lambda d: abs((d - decided_on).days), default=None)

    @staticmethod
    def drug_kind(drug: str) -> str:
        endocrine = {"Letrozole", "Anastrozole", "Fulvestrant", "Goserelin", "Bicalutamide", "Abiraterone", "Enzalutamide"}
        immuno = {"Pembrolizumab", "Nivolumab"}
        chemo = {"Docetaxel", "Capecitabine", "Nab-paclitaxel", "FOLFOX", "XELOX"}
        if drug in endocrine:
            return "endocrine"
        if drug in immuno:
            return "immunotherapy"
        if drug in ("Prednisone", "Dexamethasone"):
            return "steroid"
        if drug in chemo or "platin" in drug or "etoposide" in drug or "Gemcitabine" in drug:
            return "chemotherapy"
        return "targeted"
