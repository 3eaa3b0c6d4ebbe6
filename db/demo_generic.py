"""The demo's generic cases: referrals, lesions, labs, histories, imaging, second episodes."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from core.scores.zoledronic import cockcroft_gault, dose_band
from db.demo_base import _Case
from db.demo_lecture import LectureCases
from db.demo_vocabulary import (
    CERVICAL_WEIGHTS,
    COMORBIDITIES,
    DEFAULT_TYPE_WEIGHTS,
    HISTOLOGY,
    KEY_WORKERS,
    LESION_TYPE_WEIGHTS,
    LUMBAR_WEIGHTS,
    MARKER,
    N_GENERIC_PATIENTS,
    N_PAST_MEETINGS,
    N_SECOND_EPISODES,
    PRIMARY_LABEL,
    PRIMARY_WEIGHTS,
    REFERRERS,
    THORACIC_WEIGHTS,
    WISHES,
    mirels_total,
    sins_total,
    site_label,
)


class GenericCases(LectureCases):
    """About 160 generic patients drawn from the lecture's distributions, and their rule inputs."""

    # -- generic cases -------------------------------------------------------------------------

    def generic_cases(self) -> None:
        slots: list[int | None] = [k for k in range(N_PAST_MEETINGS) for _ in range(10)]
        slots += [12] * 12 + [13] * 6 + [14] * 3 + [15] * 1
        slots += [None] * (N_GENERIC_PATIENTS - len(slots))
        self.rng.shuffle(slots)
        first_cases: list[_Case] = []
        for number, slot in enumerate(slots, start=1):
            first_cases.append(self.generic_case(number, slot))
        if not any(o == "no_decision" for c in first_cases for _, o in c.slots):
            # Always show one "no recommendation" outcome (a quarter of MDT cases get none).
            for c in first_cases:
                if c.slots and c.slots[0][1] == "deferred":
                    c.slots[0] = (c.slots[0][0], "no_decision")
                    break
        eligible = [c for c in first_cases if c.slots and c.slots[0][0] <= 4 and c.slots[-1][1] in ("decided", "ratified")]
        for c in self.rng.sample(eligible, min(N_SECOND_EPISODES, len(eligible))):
            self.second_episode(c)

    def _referral_for(self, slot: int | None, emergency: bool) -> date:
        if slot is None:
            return self.today - self.days(0, 6)
        m = self.meeting_dates[slot]
        back = self.days(1, 6) if emergency else self.days(3, 13)
        return min(m - back, self.today - self.days(0, 2))

    def generic_case(self, number: int, slot: int | None) -> _Case:
        rng = self.rng
        primary = self.pick(PRIMARY_WEIGHTS)
        sex = {"breast": "female", "prostate": "male"}.get(primary, rng.choice(("male", "female")))
        age = max(30, min(90, int(rng.gauss(70 if primary == "prostate" else 62, 10))))
        mscc = self.chance(0.045)
        ref = self._referral_for(slot, mscc)
        de_novo = self.chance(0.3)
        longest = 3000 if primary in ("breast", "prostate") else 1200
        diag = ref - (self.days(10, 90) if de_novo else self.days(200, longest))
        patient = self.add_patient(number, sex, age, ref)
        pid = patient["patient_id"]
        histology = self.pick(HISTOLOGY[primary])
        row: dict[str, Any] = {"primary_tumour": primary, "histology": histology, "diagnosis_date": diag}
        if primary == "breast":
            subtype = self.pick((("hr", 65), ("her2", 20), ("tnbc", 15)))
            row["er"] = "negative" if subtype == "tnbc" or (subtype == "her2" and self.chance(0.5)) else "positive"
            row["pr"] = "positive" if row["er"] == "positive" and self.chance(0.8) else "negative"
            row["her2"] = "positive" if subtype == "her2" else "negative"
            row["postmenopausal"] = age >= 52
        elif primary == "prostate":
            row["castration"] = "resistant" if not de_novo and self.chance(0.55) else "sensitive"
            if row["castration"] == "resistant":
                row["prior_mcrpc_lines"] = rng.choice((0, 1, 1, 2, 2, 3))
        elif primary == "lung_nsclc":
            if histology == "adenocarcinoma":
                row["egfr"] = "positive" if self.chance(0.4) else "negative"
                row["alk"] = "positive" if row["egfr"] == "negative" and self.chance(0.08) else "negative"
            else:
                row["egfr"] = self.pick((("negative", 70), ("unknown", 30)))
                row["alk"] = self.pick((("negative", 70), ("unknown", 30)))
        if primary == "unknown_primary" and histology == "not_confirmed":
            row["histology"] = None if self.chance(0.5) else histology
        ecog = self.pick(((0, 14), (1, 36), (2, 30), (3, 15), (4, 5)))
        lesions = self.generic_lesions(pid, primary, ref, diag, mscc)
        spinal = [x for x in lesions if x["bone"] == "spine"]
        high_bilsky = [x for x in spinal if x["bilsky"] in ("2", "3")]
        frankel, frankel_new, signs = "E", False, []
        if high_bilsky and self.chance(0.7):
            frankel = self.pick((("D", 70), ("C", 25), ("B", 5)))
            frankel_new = True
            signs = [
                "limb_weakness",
                *rng.sample(
                    ["sensory_level", "gait_disturbance", "bladder_bowel_dysfunction", "radicular_or_band_pain"],
                    rng.randint(1, 2),
                ),
            ]
            ecog = max(ecog, 2)
        elif spinal and self.chance(0.05):
            frankel = "D"
            frankel_new = False
        elif spinal and self.chance(0.04):
            signs = ["radicular_or_band_pain"]
        nrs = max(0, min(10, round(rng.gauss(5.2, 2.2))))
        if any(x["pathological_fracture"] for x in lesions) or high_bilsky:
            nrs = max(nrs, 6)
        pain_char = self.pick((("nociceptive", 60), ("mixed", 25), ("neuropathic", 15)))
        if signs:
            pain_char = "mixed"
        visceral = self.pick((("none", 55), ("nodular", 30), ("disseminated", 15)))
        if primary in ("myeloma",):
            visceral = "none"
        survival_base = {
            "breast": 30,
            "prostate": 30,
            "thyroid": 40,
            "myeloma": 30,
            "kidney": 18,
            "lung_nsclc": 14,
            "lung_sclc": 6,
        }.get(primary, 8)
        if row.get("egfr") == "positive" or row.get("alk") == "positive":
            survival_base = 24
        survival = max(
            1, int(survival_base * (1.0 - 0.2 * ecog) * rng.uniform(0.5, 1.4) * (0.6 if visceral == "disseminated" else 1.0))
        )
        weight = round(rng.gauss(72 if sex == "male" else 60, 10), 1)
        height = round(rng.gauss(171 if sex == "male" else 159, 6), 1)
        weight = min(max(weight, 38.0), 130.0)
        height = min(max(height, 140.0), 195.0)
        referrer, ref_spec = rng.choice(REFERRERS)
        comorb = rng.sample(COMORBIDITIES, rng.choice((0, 1, 1, 2)))
        renal = self.pick((("normal", 86), ("moderate", 10), ("severe", 4)))
        if renal != "normal":
            comorb.append("Chronic kidney disease")
        calc = self.pick((("normal", 88), ("mild", 6), ("high", 6)))
        marrow = self.chance(0.05) or (primary == "myeloma" and self.chance(0.3))
        stale_labs = self.chance(0.1)
        row.update(
            referral_date=ref,
            referrer=referrer,
            referrer_specialty=ref_spec,
            ecog=ecog,
            kps=None if self.chance(0.15) else self.kps_for(ecog),
            frankel=frankel,
            frankel_new=frankel_new if frankel != "E" else False,
            neuro_assessed=bool(signs) or frankel != "E" or self.chance(0.92),
            neuro_signs=signs,
            nrs=nrs,
            pain_character=pain_char,
            visceral_mets=visceral,
            visceral_treatable=None if visceral == "none" else self.chance(0.65 if visceral == "nodular" else 0.3),
            visceral_removable=None if visceral == "none" else (visceral == "nodular" and self.chance(0.3)),
            expected_survival_weeks=round(survival * 52 / 12),
            fit_for_surgery=ecog <= 2 and survival >= 3,
            prior_chemotherapy=primary not in ("prostate", "thyroid", "kidney") and self.chance(0.6),
            weight_kg=weight,
            height_cm=height,
            comorbidities="; ".join(comorb),
            patient_wishes="" if self.chance(0.08) else rng.choice(WISHES),
            key_worker=rng.choice(KEY_WORKERS),
            fever=marrow and self.chance(0.2),
            calcium_symptoms=(["confusion_or_drowsiness", "dehydration"] if calc == "high" and self.chance(0.5) else []),
        )
        if spinal:
            row["spinal_pain_signs"] = rng.sample(
                ["progressive_spinal_pain", "pain_on_straining", "night_pain", "localised_tenderness"], rng.choice((0, 1, 1, 2))
            )
        case = self.case_row(patient, **row)
        c = _Case(row=case, patient=patient, lesions=lesions, age=age, marrow=marrow)
        self.t["mdt_case"].append(case)
        self.t["lesion"].extend(lesions)
        self.cases.append(c)
        creat = self.generic_labs(c, renal, calc, stale_labs, slot)
        c.crcl = float(cockcroft_gault(age, weight, sex, creatinine_umol_l=creat))
        self.generic_history(c)
        self.generic_imaging(c, slot)
        c.urgency = self.urgency(c)
        case["priority"] = c.urgency
        case["stream"] = "standard_of_care" if c.urgency == "routine" and self.chance(0.42) else "full"
        case["question"] = self.question(c)
        case["dental_clearance"] = True if c.on_bma else (None if self.chance(0.5) else self.chance(0.5))
        c.slots = self.outcomes(slot, case["stream"])
        return c

    def outcomes(self, slot: int | None, stream: str) -> list[tuple[int, str]]:
        if slot is None:
            return []
        out: list[tuple[int, str]] = []
        k = slot
        while True:
            if k >= N_PAST_MEETINGS:
                out.append((k, "listed"))
                return out
            if stream == "standard_of_care":
                outcome = "ratified"
            elif out:
                outcome = "decided"
            else:
                outcome = self.pick((("decided", 85), ("deferred", 6), ("no_decision", 4), ("not_discussed", 5)))
            out.append((k, outcome))
            if outcome in ("decided", "ratified"):
                return out
            k += 1

    def generic_lesions(self, pid: int, primary: str, ref: date, diag: date, mscc: bool) -> list[dict[str, Any]]:
        rng = self.rng
        sites: list[str] = []
        if rng.random() < 0.63 or mscc:
            sites += ["spine"] * self.pick(((1, 55), (2, 30), (3, 15)))
        if rng.random() < 0.34:
            sites += ["pelvis"] * self.pick(((1, 75), (2, 25)))
        if rng.random() < 0.24:
            sites.append("long")
        if rng.random() < 0.18:
            sites += ["rib"] * self.pick(((1, 70), (2, 30)))
        if rng.random() < 0.14:
            sites.append(self.pick((("sacrum", 35), ("skull", 20), ("scapula", 15), ("sternum", 15), ("clavicle", 15))))
        if primary == "myeloma" and rng.random() < 0.7:
            sites += ["skull", "rib"]
        if not sites:
            sites.append(self.pick((("spine", 50), ("pelvis", 30), ("rib", 20))))
        sites = sites[:6]
        detected_from = max(diag, ref - timedelta(days=240))
        span = max(0, (ref - detected_from).days)
        weights = LESION_TYPE_WEIGHTS.get(primary, DEFAULT_TYPE_WEIGHTS)
        used_levels: set[str] = set()
        lesions: list[dict[str, Any]] = []
        for site in sites:
            ltype = self.pick(tuple(zip(("lytic", "blastic", "mixed"), weights, strict=True)))
            detected = detected_from + timedelta(days=rng.randint(0, span))
            size = max(5, min(120, int(rng.gauss(25, 12))))
            if site == "spine":
                les = self.spinal_lesion(pid, ltype, detected, size, used_levels)
            elif site == "long":
                les = self.long_bone_lesion(pid, ltype, detected, size)
            elif site == "pelvis":
                les = self.lesion_row(
                    pid,
                    "pelvis",
                    ltype,
                    detected,
                    side=rng.choice(("left", "right")),
                    segment=self.pick((("acetabulum", 35), ("ilium", 45), ("ischium_pubis", 20))),
                    size_mm=size,
                    painful=self.chance(0.55),
                )
            elif site == "sacrum":
                les = self.lesion_row(
                    pid,
                    "sacrum",
                    ltype,
                    detected,
                    level=self.pick((("S1", 50), ("S2", 30), (None, 20))),
                    side="midline",
                    size_mm=size,
                    painful=self.chance(0.5),
                )
            elif site in ("rib", "scapula", "clavicle"):
                les = self.lesion_row(
                    pid, site, ltype, detected, side=rng.choice(("left", "right")), size_mm=size, painful=self.chance(0.45)
                )
            else:  # skull, sternum
                les = self.lesion_row(pid, site, ltype, detected, side="midline", size_mm=size, painful=self.chance(0.3))
            if self.chance(0.06):
                les["size_mm"] = None
            lesions.append(les)
        if mscc:
            spinal = [x for x in lesions if x["bone"] == "spine"]
            target = next((x for x in spinal if x["level"].startswith("T")), spinal[0])
            target["bilsky"] = self.pick((("2", 60), ("3", 40)))
            target["painful"] = True
            target["spinal_pain"] = target["spinal_pain"] or "mechanical"
        if self.chance(0.11):
            self.add_fracture(lesions)
        return lesions

    def spinal_lesion(self, pid: int, ltype: str, detected: date, size: int, used: set[str]) -> dict[str, Any]:
        for _ in range(10):
            region = self.pick((("T", 58), ("L", 32), ("C", 10)))
            if region == "T":
                level = f"T{self.pick(tuple(zip(range(1, 13), THORACIC_WEIGHTS, strict=True)))}"
            elif region == "L":
                level = f"L{self.pick(tuple(zip(range(1, 6), LUMBAR_WEIGHTS, strict=True)))}"
            else:
                level = f"C{self.pick(tuple(zip(range(1, 8), CERVICAL_WEIGHTS, strict=True)))}"
            if level not in used:
                break
        used.add(level)
        high = ltype != "blastic" and self.chance(0.09)
        if high:
            values = {
                "spinal_pain": "mechanical",
                "alignment": self.pick((("de_novo_deformity", 70), ("subluxation_translation", 30))),
                "collapse": self.pick((("gt_50_collapse", 60), ("lt_50_collapse", 40))),
                "posterolateral": "bilateral",
            }
        else:
            values = {
                "spinal_pain": self.pick((("mechanical", 30), ("occasional_non_mechanical", 45), ("pain_free", 25))),
                "alignment": self.pick((("normal", 90), ("de_novo_deformity", 8), ("subluxation_translation", 2))),
                "collapse": self.pick(
                    (("none", 52), ("no_collapse_gt_50_involved", 22), ("lt_50_collapse", 18), ("gt_50_collapse", 8))
                ),
                "posterolateral": self.pick((("none", 58), ("unilateral", 30), ("bilateral", 12))),
            }
        bilsky = self.pick((("0", 55), ("1a", 22), ("1b", 13), ("1c", 10)))
        les = self.lesion_row(
            pid, "spine", ltype, detected, level=level, size_mm=size, bilsky=None if self.chance(0.12) else bilsky, **values
        )
        if self.chance(0.1):
            les[self.rng.choice(("spinal_pain", "alignment", "collapse", "posterolateral"))] = None
        les["painful"] = les["spinal_pain"] in ("mechanical", "occasional_non_mechanical")
        return les

    def long_bone_lesion(self, pid: int, ltype: str, detected: date, size: int) -> dict[str, Any]:
        bone = self.pick((("femur", 55), ("humerus", 28), ("tibia", 8), ("fibula", 4), ("radius", 3), ("ulna", 2)))
        segment = {
            "femur": (("head_neck", 15), ("peritrochanteric", 35), ("shaft", 35), ("distal", 15)),
            "humerus": (("proximal", 50), ("shaft", 40), ("distal", 10)),
            "tibia": (("proximal", 40), ("shaft", 50), ("distal", 10)),
        }.get(bone, (("shaft", 100),))
        les = self.lesion_row(
            pid,
            bone,
            ltype,
            detected,
            side=self.rng.choice(("left", "right")),
            segment=self.pick(segment),
            size_mm=size,
            size_fraction=self.pick((("lt_one_third", 40), ("one_third_to_two_thirds", 40), ("gt_two_thirds", 20))),
            limb_pain=self.pick((("mild", 35), ("moderate", 40), ("functional", 25))),
        )
        if self.chance(0.1):
            les[self.rng.choice(("size_fraction", "limb_pain"))] = None
        les["painful"] = les["limb_pain"] is not None or self.chance(0.5)
        return les

    def add_fracture(self, lesions: list[dict[str, Any]]) -> None:
        order = {"femur": 0, "humerus": 0, "tibia": 1, "spine": 2, "rib": 3, "pelvis": 4}
        candidates = sorted(lesions, key=lambda x: order.get(x["bone"], 9))
        target = candidates[0]
        if order.get(target["bone"], 9) == 9:
            return
        target["pathological_fracture"] = True
        target["painful"] = True
        if target["bone"] == "spine":
            target["collapse"] = self.pick((("lt_50_collapse", 50), ("gt_50_collapse", 50)))
        if target["bone"] in ("femur", "humerus", "tibia"):
            target["limb_pain"] = "functional"
            target["fracture_fixed"] = self.chance(0.4)
            if target["fracture_fixed"]:
                target["status"] = "treated"

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

    def second_episode(self, first: _Case) -> None:
        old = first.row
        last_meeting = first.slots[-1][0]
        slot = self.rng.choice([k for k in (8, 9, 10, 11, 12, 13) if k > last_meeting + 2])
        ref = self._referral_for(slot, False)
        ref = max(ref, self.meeting_dates[last_meeting] + timedelta(days=7))
        ref = self.cap(ref)
        pid = old["patient_id"]
        new = self.lesion_row(
            pid,
            "spine",
            "lytic",
            ref - self.days(1, 6),
            level=self.rng.choice(("T4", "T12", "L3", "L5")),
            size_mm=24,
            spinal_pain="mechanical",
            alignment="normal",
            collapse="lt_50_collapse",
            posterolateral="unilateral",
            bilsky="1b",
            painful=True,
            posterior_wall_intact=True,
        )
        if any(x["level"] == new["level"] for x in first.lesions):
            new["level"] = "T2" if new["level"] != "T2" else "L4"
        self.t["lesion"].append(new)
        lesions = [*first.lesions, new]
        values = {k: v for k, v in old.items() if k not in ("case_id", "created_at", "_plan")}
        values.update(
            referral_date=ref,
            nrs=min(10, (old["nrs"] or 4) + 2),
            status="referred",
            question=(
                f"Re-referral: new painful {new['level']} lesion (Bilsky 1b, < 50% "
                "collapse) after the previous MDT plan; radiotherapy or cement "
                "augmentation?"
            ),
            stream="full",
        )
        case = self.case_row(first.patient, **values)
        c = _Case(
            row=case,
            patient=first.patient,
            lesions=lesions,
            age=first.age,
            crcl=first.crcl,
            corrected_ca=first.corrected_ca,
            marrow=first.marrow,
            on_bma=first.on_bma,
        )
        self.t["mdt_case"].append(case)
        self.cases.append(c)
        self.add_study(
            pid,
            "mri",
            ref - self.days(1, 5),
            "Whole spine",
            *self.report("mri", [new], PRIMARY_LABEL[old["primary_tumour"]][0], 1),
            [new["lesion_id"]],
        )
        self._panel(pid, ref - self.days(1, 5), ca=2.4, alb=37, cr=80, alp=210, hb=115)
        self.add_event(pid, "progression", new["detected_date"], f"New {new['level']} metastasis")
        c.urgency = self.urgency(c)
        case["priority"] = c.urgency
        c.slots = self.outcomes(slot, "full")

    # -- rule inputs of the generic cases ------------------------------------------------------

    def rule_inputs(self) -> None:
        """Fill the rule-engine inputs (primary control, planned surgery, coagulopathy,
        infection, paraplegia duration, radium-223 nodes/eligibility, Tomita growth override,
        posterior wall, the spine surgeon's call) of the generic cases.

        Uses its own random stream so that every value drawn before it stays as it was. The
        lecture cases carry theirs explicitly.
        """
        rng = random.Random(f"{self.seed}:rule-inputs")  # noqa: S311 - synthetic data
        decided: dict[int, list[tuple[Any, ...]]] = {}
        for meta in self.plan_meta.values():
            if meta["outcome"] == "decided" and not meta["superseded"]:
                decided[meta["case"].row["case_id"]] = meta["plan"]
        seen: set[int] = set()
        for c in self.cases:
            if c.lecture is not None:
                continue
            row = c.row
            plan = decided.get(row["case_id"])
            operated = {
                p[5]
                for p in (plan or [])
                if len(p) > 5 and p[1] in ("fixation", "decompression") and p[3] in ("accepted", "modified") and p[5] is not None
            }
            if plan is not None:
                row["surgery_planned"] = any(
                    p[1] in ("fixation", "decompression") and p[3] in ("accepted", "modified") for p in plan
                )
            primary = row["primary_tumour"]
            if len(c.lesions) <= 5 and primary not in ("myeloma",):
                recent = (row["referral_date"] - row["diagnosis_date"]).days < 120
                row["primary_controlled"] = (
                    rng.random() < 0.15 if recent else rng.choices((True, False, None), weights=(65, 20, 15))[0]
                )
            if rng.random() < (0.35 if primary == "liver" else 0.025):
                row["coagulopathy"] = True
                inr = round(rng.uniform(1.6, 2.4), 1)
                row["comorbidities"] = "; ".join(x for x in (row["comorbidities"], f"Coagulopathy (INR {inr})") if x)
            if rng.random() < (0.5 if row["fever"] else 0.02):
                row["infection"] = True
                row["comorbidities"] = "; ".join(
                    x
                    for x in (
                        row["comorbidities"],
                        rng.choice(
                            (
                                "Pneumonia on IV antibiotics",
                                "Urinary tract infection on antibiotics",
                                "Infected sacral pressure ulcer",
                            )
                        ),
                    )
                    if x
                )
            if row["frankel"] in ("A", "B"):
                row["paraplegia_over_48h"] = rng.random() < 0.4
            elif row["frankel"] in ("C", "D"):
                row["paraplegia_over_48h"] = False  # a deficit, but not paraplegic
            if primary == "prostate" and row["castration"] == "resistant":
                if rng.random() < 0.75:
                    node = rng.uniform(3.0, 4.5) if rng.random() < 0.1 else max(0.5, rng.gauss(1.4, 0.7))
                    row["lymph_node_max_cm"] = round(min(node, 4.5), 1)
                lines = row["prior_mcrpc_lines"]
                if lines is not None and lines < 2:
                    row["ineligible_for_other_treatment"] = rng.choices((True, False, None), weights=(30, 50, 20))[0]
            if primary in ("bladder", "melanoma") and rng.random() < 0.7:
                row["growth_override"] = "rapid"  # not in the board's Tomita table
            elif (
                primary == "breast"
                and row["er"] == "negative"
                and row["pr"] == "negative"
                and row["her2"] == "negative"
                and rng.random() < 0.4
            ):
                row["growth_override"] = "moderate"  # triple-negative: the MDT's call
            for les in c.lesions:
                if les["bone"] != "spine" or les["lesion_id"] in seen:
                    continue
                seen.add(les["lesion_id"])
                if les["posterior_wall_intact"] is None:
                    if les["bilsky"] in ("2", "3"):
                        weights = (0, 60, 40)
                    elif les["collapse"] in ("lt_50_collapse", "gt_50_collapse"):
                        weights = (55, 30, 15)
                    elif les["collapse"] == "no_collapse_gt_50_involved":
                        weights = (50, 10, 40)
                    else:
                        weights = (30, 0, 70)
                    les["posterior_wall_intact"] = rng.choices((True, False, None), weights=weights)[0]
                total = sins_total(les)
                if plan is not None and total is not None and 7 <= total <= 12:
                    if les["lesion_id"] in operated:
                        les["surgeon_stability"] = "unstable"
                    else:
                        les["surgeon_stability"] = rng.choices(("stable", "unstable", None), weights=(70, 10, 20))[0]
