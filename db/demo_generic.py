"""The demo's generic cases: about 160 referrals drawn from the lecture's distributions (patient,
case row, meeting outcomes), second episodes and the rule inputs. Their lesions, histories and
reports come from the mixins below (db/demo_lesions.py, db/demo_history.py, db/demo_reports.py)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from core.scores.zoledronic import cockcroft_gault
from db.demo_base import _Case
from db.demo_reports import GenericReports
from db.demo_vocabulary import (
    COMORBIDITIES,
    HISTOLOGY,
    KEY_WORKERS,
    N_GENERIC_PATIENTS,
    N_PAST_MEETINGS,
    N_SECOND_EPISODES,
    PRIMARY_LABEL,
    PRIMARY_WEIGHTS,
    REFERRERS,
    WISHES,
    sins_total,
)


class GenericCases(GenericReports):
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
