"""The demo's generic cases, their course before the referral: labs, treatments and events,
systemic regimens by primary, zoledronic-acid doses and fixation names."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from core.scores.zoledronic import dose_band
from db.demo_base import _Case
from db.demo_lesions import GenericLesions
from db.demo_vocabulary import (
    MARKER,
    PRIMARY_LABEL,
    site_label,
)


class GenericHistory(GenericLesions):
    """A generic case's labs and its treatments and events before the referral."""

    # -- labs, history, regimens ---------------------------------------------------------------

    def generic_labs(self, c: _Case, renal: str, calc: str, stale: bool, slot: int | None) -> float:
        rng = self.rng
        pid = c.row["patient_id"]
        primary = c.row["primary_tumour"]
        ref = self.meeting_dates[slot] if slot is not None else self.today
        ref = self.cap(ref)
        latest = ref - (self.days(30, 50) if stale else self.days(0, 10))
        n = rng.randint(3, 6)
        dates = [latest]
        for _ in range(n - 1):
            dates.append(dates[-1] - self.days(18, 40))
        dates.reverse()
        male = c.patient["sex"] == "male"
        alb0, alb1 = rng.uniform(36, 44), rng.uniform(29, 41)
        cc1 = {"normal": rng.uniform(2.18, 2.58), "mild": rng.uniform(2.65, 2.95), "high": rng.uniform(3.04, 3.6)}[calc]
        cc0 = min(cc1, rng.uniform(2.2, 2.5))
        cr_final = {
            "normal": rng.uniform(55, 100) if male else rng.uniform(45, 85),
            "moderate": rng.uniform(125, 175),
            "severe": rng.uniform(220, 330),
        }[renal]
        cr0 = cr_final * rng.uniform(0.75, 1.0)
        blastic = any(x["lesion_type"] == "blastic" for x in c.lesions)
        alp1 = rng.uniform(180, 900) if blastic else rng.uniform(80, 380)
        hb1 = rng.uniform(95, 140) if primary != "myeloma" else rng.uniform(80, 110)
        plt1, neut1 = rng.uniform(150, 380), rng.uniform(2.0, 7.0)
        if c.marrow:
            which = rng.choice(("hb", "plt", "neut"))
            hb1 = rng.uniform(68, 79) if which == "hb" else hb1
            plt1 = rng.uniform(22, 48) if which == "plt" else plt1
            neut1 = rng.uniform(0.6, 0.95) if which == "neut" else neut1
        marker = MARKER.get(primary)
        rising = self.chance(0.6)
        if marker == "psa":
            m1 = rng.uniform(8, 250) if c.row["castration"] == "resistant" else rng.uniform(0.2, 40)
        elif marker == "ca15_3":
            m1 = rng.uniform(20, 220)
        elif marker == "cea":
            m1 = rng.uniform(3, 90)
        else:
            m1 = rng.uniform(180, 450)
        last_corr = cc1
        last_alb = alb1
        for j, d in enumerate(dates):
            f = j / (n - 1)

            def lerp(a: float, b: float, f: float = f) -> float:
                return a + (b - a) * f

            alb = lerp(alb0, alb1) + rng.uniform(-1, 1)
            corrected = lerp(cc0, cc1) + rng.uniform(-0.04, 0.04)
            if j == n - 1:
                corrected, alb = cc1, alb1
                last_corr, last_alb = corrected, alb
            self.add_lab(pid, "albumin", alb, d)
            self.add_lab(pid, "calcium", corrected - 0.02 * (40 - alb), d)
            self.add_lab(pid, "creatinine", lerp(cr0, cr_final) * rng.uniform(0.95, 1.05), d)
            self.add_lab(pid, "alp", lerp(alp1 * 0.7, alp1), d)
            self.add_lab(pid, "hb", lerp(max(hb1, 110), hb1), d)
            self.add_lab(pid, "platelets", lerp(max(plt1, 180), plt1), d)
            self.add_lab(pid, "neutrophils", lerp(max(neut1, 2.5), neut1), d)
            if marker:
                start = m1 * (0.6 if rising else 1.6)
                self.add_lab(pid, marker, lerp(start, m1), d)
            if self.chance(0.5):
                self.add_lab(pid, "crp", rng.uniform(1, 60), d)
            if self.chance(0.3) and marker != "ldh":
                self.add_lab(pid, "ldh", rng.uniform(150, 420), d)
            if self.chance(0.3):
                self.add_lab(pid, "bilirubin", rng.uniform(4, 22), d)
        rounded_ca = round(last_corr - 0.02 * (40 - last_alb), 2)
        c.corrected_ca = rounded_ca + 0.02 * (40 - round(last_alb, 2))
        if calc == "high":
            self.add_event(pid, "hypercalcaemia", latest, f"Corrected calcium {c.corrected_ca:.2f} mmol/L")
        elif self.chance(0.07):
            self.add_event(
                pid, "hypercalcaemia", dates[0] - self.days(20, 120), "Hypercalcaemia treated with IV fluids and zoledronic acid"
            )
        return cr_final

    def generic_history(self, c: _Case) -> None:
        """Treatments and events before the referral."""
        rng = self.rng
        row = c.row
        pid = row["patient_id"]
        ref, diag = row["referral_date"], row["diagnosis_date"]
        primary = row["primary_tumour"]
        label = PRIMARY_LABEL[primary][0]
        hist = (row["histology"] or "histology not confirmed").replace("_", " ")
        self.add_event(pid, "diagnosis", diag, f"Diagnosis of {label} ({hist})")
        first_bone = min(x["detected_date"] for x in c.lesions)
        if first_bone > diag + timedelta(days=60):
            self.add_event(pid, "progression", first_bone, "Bone metastases detected")
        regimen = self.systemic_regimen(row, first_line=True)
        if regimen and (ref - diag).days > 20:
            start = diag + self.days(10, 20)
            ended = (ref - diag).days > 240 and self.chance(0.5)
            end = ref - self.days(5, 60) if ended else None
            if end is not None and end < start:
                end = None
            for kind, name, dose in regimen:
                self.add_treatment(pid, kind, name, start, end, dose)
            if end is not None:
                self.add_event(pid, "progression", end, f"Progression on {regimen[0][1]}")
            elif start + timedelta(days=90) < ref and self.chance(0.3):
                self.add_event(pid, "response", start + self.days(60, 90), f"Partial response on {regimen[0][1]}")
        if row["nrs"] >= 7 and self.chance(0.55):
            name, dose = rng.choice(
                (("Oxycodone CR", "10 mg q12h"), ("Morphine SR", "30 mg q12h"), ("Fentanyl patch", "25 µg/h every 72 h"))
            )
            if c.crcl < 30 and name == "Morphine SR":
                name, dose = "Oxycodone CR", "5 mg q12h"
            self.add_treatment(pid, "analgesia", name, ref - self.days(3, 30), None, dose)
            row["on_step3_opioid"] = True
        elif row["nrs"] >= 4:
            name, dose = rng.choice((("Tramadol", "50 mg qds"), ("Codeine + paracetamol", "30/500 mg qds")))
            self.add_treatment(pid, "analgesia", name, ref - self.days(5, 40), None, dose)
        elif row["nrs"] >= 1:
            self.add_treatment(
                pid, "analgesia", rng.choice(("Paracetamol", "Ibuprofen", "Celecoxib")), ref - self.days(5, 60), None, "as needed"
            )
        bma_ok = not (primary == "prostate" and row["castration"] == "sensitive")
        if bma_ok and (ref - first_bone).days > 40 and self.chance(0.45):
            start = first_bone + self.days(7, 30)
            if c.crcl < 30 or self.chance(0.35):
                self.add_treatment(pid, "bone_modifying_agent", "Denosumab", start, None, "120 mg SC every 4 weeks")
            else:
                self.add_treatment(
                    pid, "bone_modifying_agent", "Zoledronic acid", start, None, f"{self.zol_dose(c.crcl)} IV every 4 weeks"
                )
            c.on_bma = True
        # Prior radiotherapy to one painful lesion (lesion carries prior_rt_*).
        painful = [x for x in c.lesions if x["painful"] and x["detected_date"] < ref - timedelta(days=30)]
        if painful and self.chance(0.45):
            les = rng.choice(painful)
            dose, fr = self.pick((((8, 1), 40), ((20, 5), 35), ((30, 10), 25)))
            on = les["detected_date"] + self.days(7, 20)
            if on < ref:
                les["prior_rt_dose_gy"] = dose
                les["prior_rt_date"] = on
                les["status"] = rng.choice(("treated", "responding", "progressing"))
                self.add_treatment(
                    pid,
                    "radiotherapy",
                    f"Radiotherapy {site_label(les)}",
                    on,
                    on + timedelta(days=max(0, int((fr - 1) * 1.4))),
                    f"{dose} Gy in {fr} fraction{'s' if fr > 1 else ''}",
                    dose,
                    fr,
                    les["lesion_id"],
                )
                self.add_event(
                    pid, "radiotherapy_to_bone", on, f"Palliative RT {site_label(les)} {dose} Gy/{fr}", les["lesion_id"]
                )
        for les in c.lesions:
            if les["pathological_fracture"]:
                when = max(les["detected_date"], ref - self.days(1, 14))
                self.add_event(pid, "pathological_fracture", when, f"Pathological fracture {site_label(les)}", les["lesion_id"])
                if les["fracture_fixed"]:
                    self.add_treatment(pid, "surgery", self.fixation_name(les), when, when, lesion_id=les["lesion_id"])
                    self.add_event(pid, "surgery_to_bone", when, f"Fixation {site_label(les)}", les["lesion_id"])
            if les["bilsky"] in ("2", "3"):
                self.add_event(
                    pid,
                    "cord_compression",
                    ref,
                    f"Metastatic spinal cord compression at {les['level']} (Bilsky {les['bilsky']})",
                    les["lesion_id"],
                )
                if row["neuro_signs"]:
                    self.add_treatment(pid, "steroid", "Dexamethasone", ref, None, "10 mg IV then 4 mg q6h")
        if primary == "thyroid" and (ref - diag).days > 120 and self.chance(0.6):
            on = diag + self.days(40, 90)
            self.add_treatment(pid, "radionuclide", "Radioiodine I-131", on, on, "5.5 GBq")

    def zol_dose(self, crcl: float) -> str:
        """The zoledronic-acid dose of core's renal bands (3.0 mg also below 30 mL/min: the demo
        prescribes it only with the renal caveat in the plan)."""
        band = dose_band(Decimal(str(crcl)))
        return "3.0 mg" if band == "not_recommended" else band.replace("_", " ").replace("4.0 mg", "4 mg")

    def fixation_name(self, les: dict[str, Any]) -> str:
        site = site_label(les)
        if les["bone"] == "femur" and les["segment"] == "head_neck":
            return f"Hemiarthroplasty {site}"
        if les["bone"] in ("femur", "humerus", "tibia"):
            return f"Intramedullary nailing {site}"
        if les["bone"] == "spine":
            return f"Posterior stabilisation {site}"
        return f"Fixation {site}"

    def systemic_regimen(self, row: dict[str, Any], first_line: bool) -> list[tuple[str, str, str]]:
        primary = row["primary_tumour"]
        rng = self.rng
        if primary == "breast":
            if row["her2"] == "positive":
                return (
                    [
                        ("targeted", "Trastuzumab", "6 mg/kg every 3 weeks"),
                        ("targeted", "Pertuzumab", "420 mg every 3 weeks"),
                        ("chemotherapy", "Docetaxel", "75 mg/m² every 3 weeks"),
                    ]
                    if first_line
                    else [("targeted", "Trastuzumab deruxtecan", "5.4 mg/kg every 3 weeks")]
                )
            if row["er"] == "positive":
                if first_line:
                    ai = rng.choice(("Letrozole", "Anastrozole"))
                    return [
                        ("endocrine", ai, "daily"),
                        ("targeted", rng.choice(("Palbociclib", "Ribociclib")), "days 1–21 of 28"),
                    ]
                return [("endocrine", "Fulvestrant", "500 mg IM every 4 weeks")]
            return [("chemotherapy", rng.choice(("Capecitabine", "Nab-paclitaxel")), "per protocol")]
        if primary == "prostate":
            if row["castration"] == "sensitive":
                return (
                    [
                        ("endocrine", "Goserelin", "10.8 mg SC every 12 weeks"),
                        ("endocrine", "Bicalutamide", "50 mg daily (flare cover)"),
                    ]
                    if first_line
                    else [("endocrine", "Abiraterone", "1000 mg daily"), ("steroid", "Prednisone", "5 mg daily")]
                )
            return (
                [("endocrine", "Enzalutamide", "160 mg daily")]
                if first_line
                else [("chemotherapy", "Docetaxel", "75 mg/m² every 3 weeks")]
            )
        if primary == "lung_nsclc":
            if row["egfr"] == "positive":
                return [("targeted", "Osimertinib", "80 mg daily")]
            if row["alk"] == "positive":
                return [("targeted", "Alectinib", "600 mg twice daily")]
            return [
                ("immunotherapy", "Pembrolizumab", "200 mg every 3 weeks"),
                ("chemotherapy", "Carboplatin + pemetrexed", "every 3 weeks"),
            ]
        return {
            "kidney": [("targeted", "Sunitinib", "50 mg daily, 4 weeks on / 2 off")]
            if not first_line
            else [("immunotherapy", "Pembrolizumab", "200 mg q3w"), ("targeted", "Axitinib", "5 mg twice daily")],
            "thyroid": [("targeted", "Lenvatinib", "24 mg daily")],
            "myeloma": [
                ("targeted", "Bortezomib", "1.3 mg/m² weekly"),
                ("targeted", "Lenalidomide", "25 mg days 1–21"),
                ("steroid", "Dexamethasone", "40 mg weekly"),
            ],
            "lung_sclc": [("chemotherapy", "Carboplatin + etoposide", "every 3 weeks")],
            "colorectal": [("chemotherapy", "FOLFOX", "every 2 weeks")],
            "stomach": [("chemotherapy", "XELOX", "every 3 weeks")],
            "liver": [("targeted", "Lenvatinib", "8 mg daily")],
            "bladder": [("chemotherapy", "Gemcitabine + cisplatin", "every 3 weeks")],
            "melanoma": [("immunotherapy", "Nivolumab", "480 mg every 4 weeks")],
            "oesophagus": [("chemotherapy", "Paclitaxel + carboplatin", "weekly")],
            "unknown_primary": [("chemotherapy", "Carboplatin + paclitaxel", "every 3 weeks")],
        }.get(primary, [])
