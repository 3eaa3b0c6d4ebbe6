"""The demo's seven lecture cases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from db.demo_base import GeneratorBase, _Case


class LectureCases(GeneratorBase):
    """The lecture's seven worked cases (docs/clinical/lecture-cases.md), each at the point of its
    course the lecture describes."""

    # -- the seven lecture cases ---------------------------------------------------------------

    def lecture_case(self, n: int) -> None:
        getattr(self, f"_lecture_{n}")()

    def _register(
        self,
        case: dict[str, Any],
        patient: dict[str, Any],
        lesions: list[dict[str, Any]],
        age: int,
        n: int,
        slots: list[tuple[int, str]],
        urgency: str,
        **facts: Any,
    ) -> _Case:
        self.t["mdt_case"].append(case)
        self.t["lesion"].extend(lesions)
        c = _Case(row=case, patient=patient, lesions=lesions, age=age, slots=slots, lecture=n, urgency=urgency, **facts)
        self.cases.append(c)
        return c

    def _panel(
        self,
        pid: int,
        on: date,
        *,
        ca: float = 2.36,
        alb: float = 38,
        cr: float = 78,
        alp: float = 140,
        hb: float = 122,
        plt: float = 240,
        neut: float = 4.1,
        marker: tuple[str, float] | None = None,
    ) -> None:
        for analyte, value in (
            ("calcium", ca),
            ("albumin", alb),
            ("creatinine", cr),
            ("alp", alp),
            ("hb", hb),
            ("platelets", plt),
            ("neutrophils", neut),
        ):
            self.add_lab(pid, analyte, value, on)
        if marker:
            self.add_lab(pid, marker[0], marker[1], on)

    def _lecture_1(self) -> None:
        m = self.meeting_dates[9]
        ref = m - timedelta(days=4)
        diag = ref - timedelta(days=62)
        p = self.add_patient(None, "male", 66, ref, lecture=1)
        pid = p["patient_id"]
        # CT: cortex intact, posterior elements spared. The spine surgeon's opinion (plan item
        # ORTHO-SINS-CONSULT at meeting 9: no stabilisation needed) is on the record.
        l2 = self.lesion_row(
            pid,
            "spine",
            "lytic",
            ref - timedelta(days=6),
            level="L2",
            size_mm=32,
            spinal_pain="mechanical",
            alignment="normal",
            collapse="none",
            posterolateral="none",
            bilsky="0",
            painful=True,
            posterior_wall_intact=True,
            surgeon_stability="stable",
        )
        t10 = self.lesion_row(
            pid,
            "spine",
            "lytic",
            diag,
            level="T10",
            size_mm=14,
            spinal_pain="occasional_non_mechanical",
            alignment="normal",
            collapse="none",
            posterolateral="none",
            bilsky="0",
        )
        ilium = self.lesion_row(pid, "pelvis", "lytic", diag, side="right", segment="ilium", size_mm=22)
        rib = self.lesion_row(pid, "rib", "lytic", diag, side="left", size_mm=12)
        lesions = [l2, t10, ilium, rib]
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Wang (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 1: severe continuous low back pain (NRS 8), worse on turning "
                "and disturbing sleep; NSAIDs alone ineffective. MRI/CT: osteolytic L2, no "
                "cord compression. Analgesia, radiotherapy and bone-modifying agent?"
            ),
            priority="urgent",
            primary_tumour="lung_nsclc",
            histology="adenocarcinoma",
            diagnosis_date=diag,
            egfr="negative",
            alk="negative",
            ecog=2,
            kps=60,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            spinal_pain_signs=["progressive_spinal_pain", "night_pain"],
            nrs=8,
            pain_character="mixed",
            visceral_mets="none",
            expected_survival_weeks=39,
            fit_for_surgery=True,
            prior_chemotherapy=True,
            weight_kg=70,
            height_cm=172,
            primary_controlled=False,
            surgery_planned=False,
            dental_clearance=True,
            comorbidities="Ex-smoker (30 pack-years); hypertension",
            patient_wishes="Wants to sleep through the night and walk to the park again.",
            key_worker="CNS Demo Nurse Chen",
            lecture_case=1,
        )
        for k, back in enumerate((70, 30, 2)):
            d = ref - timedelta(days=back)
            self._panel(
                pid,
                d,
                ca=2.34 + 0.03 * k,
                alb=38 - k,
                cr=84 + 2 * k,
                alp=150 + 40 * k,
                hb=128 - 3 * k,
                marker=("cea", 18.0 + 9 * k),
            )
        recent = self.cap(self.meeting_dates[12] - timedelta(days=6))
        self._panel(pid, recent, ca=2.40, alb=37, cr=88, alp=168, hb=121, plt=226, neut=3.6, marker=("cea", 24.0))
        self.add_study(
            pid,
            "bone_scan",
            diag - timedelta(days=3),
            "Whole body",
            "Increased uptake at L2, T10, right ilium and left 6th rib.",
            "Multiple bone metastases consistent with known lung adenocarcinoma.",
            [x["lesion_id"] for x in lesions],
        )
        self.add_study(
            pid,
            "ct",
            ref - timedelta(days=8),
            "Lumbar spine",
            "Osteolytic destruction of the L2 vertebral body (32 mm); cortex intact; "
            "no vertebral collapse; posterior elements spared.",
            "Osteolytic L2 metastasis without collapse.",
            [l2["lesion_id"]],
        )
        self.add_study(
            pid,
            "mri",
            ref - timedelta(days=6),
            "Whole spine",
            "L2: T1-hypointense lytic metastasis, no epidural extension, no cord or "
            "cauda equina compression (Bilsky 0). Small T10 lesion, no collapse.",
            "Osteolytic L2 metastasis without cord compression; T10 metastasis.",
            [l2["lesion_id"], t10["lesion_id"]],
        )
        self.add_treatment(
            pid, "chemotherapy", "Carboplatin + pemetrexed", diag + timedelta(days=14), dose_text="AUC5 + 500 mg/m² q3w"
        )
        self.add_treatment(
            pid, "analgesia", "Ibuprofen", ref - timedelta(days=35), ref - timedelta(days=1), dose_text="400 mg tds (ineffective)"
        )
        self.add_treatment(
            pid, "analgesia", "Oxycodone CR", ref, dose_text="10 mg q12h titrated to 20 mg q12h; IR rescue; laxative"
        )
        self.add_treatment(pid, "analgesia", "Pregabalin", m + timedelta(days=1), dose_text="150 mg q12h (neuropathic component)")
        self.add_treatment(
            pid,
            "radiotherapy",
            "Radiotherapy L2",
            m + timedelta(days=2),
            m + timedelta(days=13),
            dose_text="30 Gy in 10 fractions, 3D-CRT",
            dose_gy=30,
            fractions=10,
            lesion_id=l2["lesion_id"],
        )
        self.add_treatment(
            pid, "bone_modifying_agent", "Zoledronic acid", m + timedelta(days=2), dose_text="4 mg IV every 4 weeks"
        )
        self.add_event(pid, "diagnosis", diag, "Lung adenocarcinoma with multiple bone metastases")
        self.add_event(pid, "radiotherapy_to_bone", m + timedelta(days=2), "RT L2 30 Gy/10", l2["lesion_id"])
        self.add_event(
            pid,
            "response",
            m + timedelta(days=13),
            "Pain response: NRS 8 → 3 at one week, NRS 2 after radiotherapy; oxycodone being tapered",
            l2["lesion_id"],
        )
        plan = [
            (
                "PAIN-STEP3",
                "analgesia",
                "Oxycodone CR 10 mg q12h titrated to 20 mg q12h; immediate-release rescue dose; laxative prophylaxis",
                "accepted",
                "",
            ),
            ("PAIN-NEURO", "analgesia", "Pregabalin 150 mg q12h for the neuropathic component", "accepted", ""),
            ("RT-PAIN-LONG", "radiotherapy", "Radiotherapy to L2: 30 Gy in 10 fractions", "accepted", ""),
            (
                "ORTHO-SINS-CONSULT",
                "investigation",
                "Spine-surgery opinion: SINS 7 at L2 (potentially unstable) — no stabilisation needed before radiotherapy",
                "accepted",
                "",
            ),
            (
                "ONC-BMA",
                "bone_modifying_agent",
                "Zoledronic acid 4 mg IV every 4 weeks (CrCl > 60 mL/min); calcium and vitamin D",
                "accepted",
                "",
            ),
        ]
        self._register(case, p, lesions, 66, 1, [(9, "decided"), (12, "listed")], "urgent", crcl=72.4, on_bma=False).row[
            "_plan"
        ] = plan

    def _lecture_2(self) -> None:
        m = self.meeting_dates[8]
        ref = m - timedelta(days=2)
        surgery = ref + timedelta(days=1)
        diag = ref - timedelta(days=5 * 365 + 20)
        p = self.add_patient(None, "female", 59, ref, lecture=2)
        pid = p["patient_id"]
        # SINS 11 is "potentially unstable": the board shows the case as the MDT met it, before
        # the spine surgeon's formal call, so it asks for the spine-surgery opinion (ORTHO-SINS-
        # CONSULT) and keeps NOMS provisional; the decision records the stabilisation done.
        t9 = self.lesion_row(
            pid,
            "spine",
            "lytic",
            ref,
            level="T9",
            size_mm=38,
            spinal_pain="mechanical",
            alignment="normal",
            collapse="lt_50_collapse",
            posterolateral="bilateral",
            bilsky="2",
            painful=True,
            status="treated",
            posterior_wall_intact=False,
            surgeon_stability=None,
        )
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Brown (Spine Surgery)",
            referrer_specialty="spine_surgery",
            question=(
                "Lecture case 2: 5 years after breast surgery, T9 metastasis with posterior "
                "wall involvement compressing the cord; lower-limb weakness and reduced "
                "sensation. SINS 11, Frankel D, Tomita 4, expected survival > 1 year. "
                "Emergency decompression done on the day after presentation — MDT review of "
                "adjuvant therapy."
            ),
            priority="emergency",
            primary_tumour="breast",
            histology="invasive_ductal",
            diagnosis_date=diag,
            er="positive",
            pr="positive",
            her2="negative",
            postmenopausal=True,
            ecog=2,
            kps=60,
            frankel="D",
            frankel_new=True,
            neuro_assessed=True,
            neuro_signs=["limb_weakness", "sensory_level"],
            spinal_pain_signs=["progressive_spinal_pain", "night_pain"],
            nrs=7,
            pain_character="mixed",
            visceral_mets="nodular",
            visceral_treatable=True,
            visceral_removable=False,
            expected_survival_weeks=78,
            fit_for_surgery=True,
            prior_chemotherapy=True,
            weight_kg=62,
            height_cm=160,
            dental_clearance=True,
            primary_controlled=True,
            surgery_planned=False,
            comorbidities="Right mastectomy and adjuvant chemotherapy 5 years ago; hypertension",
            patient_wishes="Wants to walk again and return to light work.",
            key_worker="CNS Demo Nurse Patel",
            lecture_case=2,
        )
        self._panel(pid, ref - timedelta(days=40), ca=2.38, alb=39, cr=66, alp=118, hb=126, marker=("ca15_3", 38.0))
        self._panel(pid, ref, ca=2.44, alb=37, cr=64, alp=132, hb=121, marker=("ca15_3", 52.0))
        self._panel(
            pid, m + timedelta(days=6), ca=2.36, alb=35, cr=70, alp=140, hb=112, plt=310, neut=7.9, marker=("ca15_3", 49.0)
        )
        self._panel(pid, self.meeting_dates[11], ca=2.38, alb=37, cr=68, alp=126, hb=118, marker=("ca15_3", 41.0))
        self.add_study(
            pid,
            "pet_ct",
            ref - timedelta(days=30),
            "Skull base to mid-thigh",
            "FDG-avid lytic T9 lesion; two small FDG-avid nodules in the right lower "
            "lobe (8 and 6 mm); no other skeletal lesion.",
            "Solitary T9 bone metastasis; small treatable lung nodules.",
            [t9["lesion_id"]],
        )
        self.add_study(
            pid,
            "mri",
            ref,
            "Whole spine",
            "T9 metastasis with < 50% vertebral body collapse, posterior wall "
            "involvement and epidural extension compressing the cord, CSF still "
            "visible (Bilsky 2); bilateral pedicle involvement; alignment normal.",
            "T9 metastasis with metastatic spinal cord compression (Bilsky 2).",
            [t9["lesion_id"]],
        )
        self.add_study(
            pid,
            "ct",
            ref,
            "Thoracic spine",
            "Lytic destruction of T9 body and both pedicles; < 50% collapse.",
            "Lytic T9 metastasis; SINS 11.",
            [t9["lesion_id"]],
        )
        self.add_study(
            pid,
            "xr",
            m + timedelta(days=5),
            "Thoracic spine",
            "Post-operative: T9 titanium mesh cage with cement, pedicle screws T7–T11; alignment maintained.",
            "Stable construct.",
            [t9["lesion_id"]],
        )
        self.add_treatment(pid, "surgery", "Right modified radical mastectomy", diag)
        self.add_treatment(
            pid,
            "endocrine",
            "Tamoxifen",
            diag + timedelta(days=180),
            diag + timedelta(days=180 + 5 * 365 - 60),
            dose_text="20 mg daily",
        )
        self.add_treatment(
            pid,
            "steroid",
            "Dexamethasone",
            ref,
            m + timedelta(days=10),
            dose_text="10 mg IV then 4 mg q6h; tapered after surgery",
        )
        self.add_treatment(
            pid,
            "surgery",
            "T9 subtotal corpectomy, titanium mesh with cement, posterior instrumentation T7–T11",
            surgery,
            surgery,
            lesion_id=t9["lesion_id"],
        )
        self.add_treatment(
            pid,
            "radiotherapy",
            "Adjuvant radiotherapy T9 (thoracic)",
            surgery + timedelta(days=14),
            surgery + timedelta(days=18),
            dose_text="20 Gy in 5 fractions from week 2",
            dose_gy=20,
            fractions=5,
            lesion_id=t9["lesion_id"],
        )
        self.add_treatment(
            pid, "bone_modifying_agent", "Zoledronic acid", m + timedelta(days=3), dose_text="4 mg IV every 4 weeks"
        )
        self.add_treatment(pid, "endocrine", "Letrozole", m + timedelta(days=3), dose_text="2.5 mg daily")
        self.add_event(pid, "diagnosis", diag, "Invasive ductal carcinoma of the breast, ER+ PR+")
        self.add_event(
            pid,
            "cord_compression",
            ref,
            "MSCC at T9 (Bilsky 2), lower-limb weakness and sensory level; Frankel D",
            t9["lesion_id"],
        )
        self.add_event(
            pid,
            "surgery_to_bone",
            surgery,
            "Emergency decompression: T9 subtotal corpectomy, T7–T11 instrumentation",
            t9["lesion_id"],
        )
        self.add_event(
            pid, "radiotherapy_to_bone", surgery + timedelta(days=14), "Adjuvant thoracic radiotherapy 20 Gy/5", t9["lesion_id"]
        )
        plan = [
            (
                "EMERG-MSCC",
                "emergency",
                "Dexamethasone 10 mg IV then 4 mg q6h from presentation "
                "(neurological deficit), tapered after surgery; PPI cover, glucose checks",
                "accepted",
                "",
            ),
            (
                "NOMS",
                "decompression",
                "Emergency decompression: T9 subtotal corpectomy, titanium "
                "mesh with cement, posterior instrumentation T7–T11 (done on day 1)",
                "accepted",
                "",
            ),
            (
                "RT-POSTOP",
                "radiotherapy",
                "Adjuvant thoracic radiotherapy to T9 from week 2: 20 Gy in 5 fractions",
                "accepted",
                "",
            ),
            (
                "REHAB-POSTOP",
                "rehabilitation",
                "Early graded mobilisation: standing with help day 3, walking aid; avoid overloading the construct",
                "accepted",
                "",
            ),
            ("ONC-BMA", "bone_modifying_agent", "Zoledronic acid 4 mg IV every 4 weeks", "accepted", ""),
            (
                "ONC-HR-BREAST",
                "systemic",
                "Letrozole 2.5 mg daily",
                "modified",
                "CDK4/6 inhibitor deferred until wound healing and adjuvant radiotherapy are complete; reconsider at review",
            ),
        ]
        noms = {
            "neurologic": "high_grade (Bilsky 2) with myelopathy",
            "oncologic": "radiosensitive (breast)",
            "mechanical": "unstable: spine surgeon's call (SINS 11, potentially unstable)",
            "systemic": "fit for surgery; expected survival > 12 months",
            "recommendation": "decompression and stabilisation, then radiotherapy",
        }
        c = self._register(case, p, [t9], 59, 2, [(8, "decided"), (12, "listed")], "emergency", crcl=90.0)
        c.row["_plan"] = plan
        c.row["_noms"] = noms

    def _lecture_3(self) -> None:
        m = self.meeting_dates[5]
        ref = m - timedelta(days=6)
        t0 = ref - timedelta(days=2200)  # bone metastases found (age 54, 2 years postmenopausal)
        diag = t0 - timedelta(days=4 * 365)
        p = self.add_patient(None, "female", 54, t0, lecture=3)
        pid = p["patient_id"]
        spine = [
            self.lesion_row(
                pid,
                "spine",
                "lytic",
                t0,
                level="L3",
                size_mm=28,
                spinal_pain="occasional_non_mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
                painful=True,
                prior_rt_dose_gy=30,
                prior_rt_date=t0 + timedelta(days=7),
                status="treated",
            ),
            self.lesion_row(
                pid,
                "spine",
                "mixed",
                t0,
                level="T8",
                size_mm=16,
                spinal_pain="pain_free",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
                status="responding",
            ),
            self.lesion_row(
                pid,
                "spine",
                "mixed",
                t0,
                level="L1",
                size_mm=14,
                spinal_pain="pain_free",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
                status="responding",
            ),
        ]
        pelvis = [
            self.lesion_row(pid, "pelvis", "mixed", t0, side="left", segment="ilium", size_mm=25, status="responding"),
            self.lesion_row(pid, "pelvis", "blastic", t0, side="right", segment="acetabulum", size_mm=18, status="responding"),
        ]
        lesions = spine + pelvis
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Huang (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 3: HR-positive breast cancer with spine and pelvic bone "
                "metastases for 6 years (letrozole 2 years, then fulvestrant 4 years, "
                "zoledronic acid throughout). New liver metastases: add palbociclib?"
            ),
            primary_tumour="breast",
            histology="invasive_ductal",
            diagnosis_date=diag,
            er="positive",
            pr="positive",
            her2="negative",
            postmenopausal=True,
            ecog=1,
            kps=80,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            nrs=2,
            pain_character="nociceptive",
            visceral_mets="nodular",
            visceral_treatable=True,
            visceral_removable=False,
            expected_survival_weeks=104,
            fit_for_surgery=True,
            prior_chemotherapy=False,
            weight_kg=64,
            height_cm=158,
            dental_clearance=True,
            primary_controlled=True,
            surgery_planned=False,
            comorbidities="Right modified radical mastectomy 10 years ago; osteoarthritis",
            patient_wishes="Wants to keep travelling with her grandchildren; prefers oral therapy.",
            key_worker="CNS Demo Nurse Liu",
            lecture_case=3,
        )
        self._panel(pid, t0, ca=2.52, alb=40, cr=70, alp=260, hb=124, marker=("ca15_3", 96.0))
        self._panel(pid, t0 + timedelta(days=180), ca=2.36, alb=41, cr=72, alp=150, hb=130, marker=("ca15_3", 34.0))
        self._panel(pid, ref - timedelta(days=60), ca=2.40, alb=40, cr=74, alp=132, hb=127, marker=("ca15_3", 41.0))
        self._panel(pid, ref - timedelta(days=4), ca=2.42, alb=38, cr=76, alp=176, hb=121, marker=("ca15_3", 88.0))
        self.add_lab(pid, "bilirubin", 14, ref - timedelta(days=4))
        all_ids = [x["lesion_id"] for x in lesions]
        self.add_study(
            pid,
            "bone_scan",
            t0,
            "Whole body",
            "Multiple foci of increased uptake: L3, T8, L1, left ilium, right acetabulum.",
            "Multiple bone metastases of the spine and pelvis.",
            all_ids,
        )
        self.add_study(
            pid,
            "pet_ct",
            t0 + timedelta(days=5),
            "Skull base to mid-thigh",
            "FDG-avid bone lesions as on bone scan; L3 lytic; no visceral lesion.",
            "Bone-only metastatic disease; no visceral disease.",
            all_ids,
        )
        self.add_study(
            pid,
            "ct",
            ref - timedelta(days=10),
            "Chest/abdomen/pelvis",
            "Three new hypodense liver lesions (largest 21 mm, segment VI). Bone "
            "lesions sclerotic and stable (L3, T8, L1, pelvis).",
            "New liver metastases; stable sclerotic bone metastases.",
            all_ids,
        )
        l3 = spine[0]["lesion_id"]
        self.add_treatment(pid, "surgery", "Right modified radical mastectomy", diag)
        self.add_treatment(pid, "endocrine", "Letrozole", t0, t0 + timedelta(days=730), dose_text="2.5 mg daily")
        self.add_treatment(
            pid, "bone_modifying_agent", "Zoledronic acid", t0, dose_text="4 mg IV every 4 weeks (every 12 weeks after 2 years)"
        )
        self.add_treatment(
            pid,
            "radiotherapy",
            "Radiotherapy L3",
            t0 + timedelta(days=7),
            t0 + timedelta(days=20),
            dose_text="30 Gy in 10 fractions",
            dose_gy=30,
            fractions=10,
            lesion_id=l3,
        )
        self.add_treatment(pid, "analgesia", "Tramadol", t0, t0 + timedelta(days=120), dose_text="50 mg qds")
        self.add_treatment(pid, "analgesia", "Celecoxib", t0, t0 + timedelta(days=120), dose_text="200 mg bd")
        self.add_treatment(pid, "endocrine", "Fulvestrant", t0 + timedelta(days=735), dose_text="500 mg IM every 4 weeks")
        self.add_treatment(pid, "targeted", "Palbociclib", m + timedelta(days=7), dose_text="125 mg daily, days 1–21 of 28")
        self.add_event(pid, "diagnosis", diag, "Invasive ductal carcinoma, ER+ PR+ HER2−")
        self.add_event(pid, "progression", t0, "Bone metastases of spine and pelvis (bone scan)")
        self.add_event(pid, "radiotherapy_to_bone", t0 + timedelta(days=7), "RT L3 30 Gy/10", l3)
        self.add_event(pid, "response", t0 + timedelta(days=180), "NRS 7 → 2 at 3 months; some lesions sclerotic at 6 months")
        self.add_event(
            pid, "progression", t0 + timedelta(days=730), "Bone progression after 2 years stable on letrozole → fulvestrant"
        )
        self.add_event(pid, "progression", ref - timedelta(days=10), "New liver metastases")
        plan = [
            (
                "ONC-HR-BREAST",
                "systemic",
                "Continue fulvestrant 500 mg q4w and add palbociclib 125 mg days 1–21 of 28",
                "accepted",
                "",
            ),
            (
                "ONC-BMA",
                "bone_modifying_agent",
                "Continue zoledronic acid",
                "modified",
                "More than 2 years of monthly dosing: continue every 12 weeks",
            ),
            (
                None,
                "investigation",
                "Full blood count before each palbociclib cycle; CT chest/abdomen/pelvis and bone scan in 3 months",
                "free_text",
                "",
            ),
        ]
        self._register(case, p, lesions, 60, 3, [(5, "decided")], "routine", on_bma=True).row["_plan"] = plan

    def _lecture_4(self) -> None:
        m = self.meeting_dates[7]
        ref = m - timedelta(days=5)
        diag = ref - timedelta(days=4 * 365 - 30)
        p = self.add_patient(None, "male", 68, diag, lecture=4)
        pid = p["patient_id"]
        t11 = self.lesion_row(
            pid,
            "spine",
            "blastic",
            diag,
            level="T11",
            size_mm=24,
            spinal_pain="mechanical",
            alignment="normal",
            collapse="lt_50_collapse",
            posterolateral="none",
            bilsky="1a",
            painful=True,
            prior_rt_dose_gy=24,
            prior_rt_date=diag + timedelta(days=760),
            status="treated",
            surgeon_stability="stable",
        )  # "no stabilisation needed"
        lesions = [
            t11,
            self.lesion_row(
                pid,
                "spine",
                "blastic",
                diag,
                level="T6",
                size_mm=15,
                spinal_pain="pain_free",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
            ),
            self.lesion_row(
                pid, "pelvis", "blastic", diag, side="left", segment="ilium", size_mm=40, painful=True, status="progressing"
            ),
            self.lesion_row(pid, "pelvis", "blastic", diag, side="right", segment="ischium_pubis", size_mm=22),
            self.lesion_row(pid, "rib", "blastic", diag, side="right", size_mm=15),
            self.lesion_row(pid, "rib", "blastic", diag, side="left", size_mm=12),
        ]
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Gupta (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 4: castration-resistant prostate cancer, osteoblastic "
                "metastases of pelvis, ribs and thoracic spine, no visceral disease; "
                "abiraterone stopped, docetaxel completed (two mCRPC lines). Symptomatic "
                "bone progression: radium-223?"
            ),
            primary_tumour="prostate",
            histology="acinar_adenocarcinoma",
            diagnosis_date=diag,
            castration="resistant",
            ecog=1,
            kps=80,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            nrs=5,
            pain_character="nociceptive",
            visceral_mets="none",
            expected_survival_weeks=104,
            fit_for_surgery=True,
            prior_chemotherapy=True,
            prior_mcrpc_lines=2,
            weight_kg=76,
            height_cm=170,
            dental_clearance=True,
            lymph_node_max_cm=1.5,
            ineligible_for_other_treatment=False,  # PSMA: no node > 3 cm
            primary_controlled=False,
            surgery_planned=False,
            comorbidities="Gleason 8 (4+4); type 2 diabetes",
            patient_wishes="Wants to stay active and keep gardening.",
            key_worker="CNS Demo Nurse Evans",
            lecture_case=4,
        )
        psa = (
            (diag, 86.0),
            (diag + timedelta(days=90), 0.5),
            (diag + timedelta(days=300), 0.3),
            (diag + timedelta(days=540), 2.1),
            (diag + timedelta(days=600), 4.8),
            (diag + timedelta(days=700), 1.2),
            (diag + timedelta(days=940), 6.5),
            (diag + timedelta(days=1150), 3.0),
            (ref - timedelta(days=35), 12.4),
            (ref - timedelta(days=3), 18.5),
        )
        for d, v in psa:
            self.add_lab(pid, "psa", v, d)
        self._panel(pid, diag, ca=2.40, alb=41, cr=88, alp=410, hb=132)
        self._panel(pid, diag + timedelta(days=540), ca=2.32, alb=40, cr=92, alp=190, hb=128)
        self._panel(pid, ref - timedelta(days=35), ca=2.30, alb=39, cr=96, alp=260, hb=118)
        self._panel(pid, ref - timedelta(days=3), ca=2.28, alb=38, cr=98, alp=310, hb=114, plt=205, neut=3.2)
        ids = [x["lesion_id"] for x in lesions]
        self.add_study(
            pid,
            "bone_scan",
            diag,
            "Whole body",
            "Multiple osteoblastic foci: pelvis, ribs bilaterally, T6 and T11.",
            "Multiple osteoblastic bone metastases (pelvis, ribs, thoracic spine).",
            ids,
        )
        self.add_study(
            pid,
            "mri",
            diag + timedelta(days=740),
            "Thoracic spine",
            "T11 blastic metastasis with < 50% collapse, epidural impingement without "
            "thecal sac deformation (Bilsky 1a); alignment normal.",
            "Painful T11 metastasis, SINS 8.",
            [t11["lesion_id"]],
        )
        self.add_study(
            pid,
            "psma_pet",
            ref - timedelta(days=12),
            "Whole body",
            "PSMA-avid bone metastases: pelvis (progressing left ilium), ribs, T6, T11; no nodes > 3 cm; no visceral metastases.",
            "Bone-predominant progression; no visceral disease.",
            ids,
        )
        self.add_treatment(
            pid,
            "endocrine",
            "Bicalutamide",
            diag - timedelta(days=7),
            diag + timedelta(days=28),
            dose_text="50 mg daily (flare cover, started first)",
        )
        self.add_treatment(pid, "endocrine", "Goserelin", diag, dose_text="3.6 mg SC every 28 days")
        self.add_treatment(
            pid,
            "bone_modifying_agent",
            "Zoledronic acid",
            diag + timedelta(days=545),
            dose_text="4 mg IV every 4 weeks (from castration resistance)",
        )
        self.add_treatment(
            pid, "endocrine", "Abiraterone", diag + timedelta(days=560), diag + timedelta(days=960), dose_text="1000 mg daily"
        )
        self.add_treatment(
            pid, "steroid", "Prednisone", diag + timedelta(days=560), diag + timedelta(days=960), dose_text="5 mg twice daily"
        )
        self.add_treatment(
            pid,
            "radiotherapy",
            "SBRT T11",
            diag + timedelta(days=760),
            diag + timedelta(days=762),
            dose_text="24 Gy in 2 fractions (SBRT)",
            dose_gy=24,
            fractions=2,
            lesion_id=t11["lesion_id"],
        )
        self.add_treatment(
            pid,
            "chemotherapy",
            "Docetaxel",
            diag + timedelta(days=990),
            diag + timedelta(days=1110),
            dose_text="75 mg/m² every 3 weeks × 6",
        )
        self.add_treatment(pid, "radionuclide", "Radium-223", m + timedelta(days=12), dose_text="55 kBq/kg every 4 weeks × 6")
        self.add_event(pid, "diagnosis", diag, "Prostate adenocarcinoma, Gleason 8 (4+4), PSA 86")
        self.add_event(pid, "response", diag + timedelta(days=90), "PSA 86 → 0.5; pain relieved")
        self.add_event(pid, "progression", diag + timedelta(days=540), "PSA rising: castration-resistant")
        self.add_event(
            pid,
            "radiotherapy_to_bone",
            diag + timedelta(days=760),
            "SBRT to painful T11 (SINS 8; spine surgeon: no stabilisation needed)",
            t11["lesion_id"],
        )
        self.add_event(pid, "progression", diag + timedelta(days=960), "PSA progression on abiraterone: stopped")
        self.add_event(pid, "progression", ref - timedelta(days=12), "Symptomatic bone progression after docetaxel (PSMA PET)")
        plan = [
            (
                "RT-RA223",
                "radiotherapy",
                "Radium-223 55 kBq/kg every 4 weeks × 6 (two prior mCRPC lines; abiraterone stopped; no visceral disease)",
                "accepted",
                "",
            ),
            ("ONC-BMA", "bone_modifying_agent", "Continue zoledronic acid 4 mg every 4 weeks with radium-223", "accepted", ""),
            (
                "ONC-CRPC",
                "systemic",
                "Abiraterone or enzalutamide",
                "rejected",
                "Progressed on abiraterone; not to be combined with radium-223",
            ),
            (None, "investigation", "Blood counts before each radium-223 cycle; PSA and ALP every 4 weeks", "free_text", ""),
        ]
        self._register(case, p, lesions, 72, 4, [(7, "decided")], "routine", on_bma=True).row["_plan"] = plan

    def _lecture_5(self) -> None:
        m = self.meeting_dates[4]
        ref = m - timedelta(days=5)
        diag = ref - timedelta(days=490)
        p = self.add_patient(None, "female", 56, diag, lecture=5)
        pid = p["patient_id"]
        lesions = [
            self.lesion_row(
                pid,
                "spine",
                "lytic",
                diag,
                level="T7",
                size_mm=18,
                spinal_pain="occasional_non_mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="unilateral",
                bilsky="0",
                status="responding",
            ),
            self.lesion_row(
                pid,
                "spine",
                "lytic",
                diag,
                level="L4",
                size_mm=20,
                spinal_pain="occasional_non_mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="1a",
                painful=True,
                status="responding",
            ),
            self.lesion_row(pid, "pelvis", "mixed", diag, side="right", segment="ilium", size_mm=30, status="responding"),
            self.lesion_row(
                pid,
                "femur",
                "lytic",
                diag,
                side="left",
                segment="shaft",
                size_mm=15,
                size_fraction="lt_one_third",
                limb_pain="mild",
                status="responding",
            ),
            self.lesion_row(pid, "rib", "lytic", diag, side="right", size_mm=10),
        ]
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Wang (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 5: EGFR exon 19 deletion lung adenocarcinoma with multiple "
                "bone metastases; erlotinib 14 months (pain relief at 4 weeks, lesions −30% "
                "at 8 weeks), intracranial progression with T790M → osimertinib. Bone "
                "review: bone-modifying agent and local treatment?"
            ),
            primary_tumour="lung_nsclc",
            histology="adenocarcinoma",
            diagnosis_date=diag,
            egfr="positive",
            alk="negative",
            ecog=1,
            kps=80,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            nrs=3,
            pain_character="nociceptive",
            visceral_mets="none",
            expected_survival_weeks=104,
            fit_for_surgery=True,
            prior_chemotherapy=False,
            weight_kg=55,
            height_cm=158,
            dental_clearance=True,
            comorbidities="Never smoker; brain metastases responding to osimertinib",
            patient_wishes="Wants to continue oral targeted therapy at home.",
            key_worker="CNS Demo Nurse Chen",
            lecture_case=5,
            primary_controlled=False,
            surgery_planned=False,  # lung primary in situ
        )
        for k, d in enumerate((diag, diag + timedelta(days=56), diag + timedelta(days=425), ref - timedelta(days=3))):
            self._panel(
                pid,
                d,
                ca=2.45 - 0.03 * k,
                alb=38,
                cr=58 + k,
                alp=(220, 140, 170, 120)[k],
                hb=120 + k,
                marker=("cea", (64.0, 21.0, 35.0, 9.5)[k]),
            )
        ids = [x["lesion_id"] for x in lesions]
        self.add_study(
            pid,
            "ct",
            diag - timedelta(days=5),
            "Chest",
            "Right upper lobe mass 38 mm; lytic lesions T7 and right 5th rib.",
            "Right lung adenocarcinoma with bone metastases.",
            [ids[0], ids[4]],
        )
        self.add_study(
            pid,
            "bone_scan",
            diag,
            "Whole body",
            "Increased uptake T7, L4, right ilium, left femoral shaft, right 5th rib.",
            "Multiple bone metastases.",
            ids,
        )
        self.add_study(
            pid,
            "mri",
            diag + timedelta(days=425),
            "Brain",
            "Three new enhancing lesions (largest 9 mm).",
            "Intracranial progression.",
            [],
        )
        self.add_study(
            pid,
            "pet_ct",
            ref - timedelta(days=9),
            "Skull base to mid-thigh",
            "Bone lesions with reduced avidity (T7, L4, right ilium, left femur, rib); lung primary smaller.",
            "Continued response on osimertinib.",
            ids,
        )
        self.add_treatment(
            pid, "targeted", "Erlotinib", diag + timedelta(days=7), diag + timedelta(days=425), dose_text="150 mg daily"
        )
        self.add_treatment(pid, "targeted", "Osimertinib", diag + timedelta(days=430), dose_text="80 mg daily (T790M)")
        self.add_treatment(pid, "analgesia", "Paracetamol", diag, dose_text="1 g qds as needed")
        self.add_treatment(
            pid, "bone_modifying_agent", "Zoledronic acid", m + timedelta(days=7), dose_text="4 mg IV every 4 weeks"
        )
        self.add_event(pid, "diagnosis", diag, "Right lung adenocarcinoma, EGFR exon 19 deletion, bone metastases")
        self.add_event(
            pid, "response", diag + timedelta(days=56), "Pain relief at 4 weeks; bone lesions −30% at 8 weeks on erlotinib"
        )
        self.add_event(pid, "progression", diag + timedelta(days=425), "Intracranial progression; T790M detected → osimertinib")
        plan = [
            ("ONC-EGFR", "systemic", "Continue osimertinib 80 mg daily", "accepted", ""),
            ("ONC-BMA", "bone_modifying_agent", "Zoledronic acid 4 mg IV every 4 weeks; dental review done", "accepted", ""),
            ("PAIN-STEP1", "analgesia", "Paracetamol 1 g qds as needed", "accepted", ""),
            (None, "investigation", "MRI brain and CT chest in 3 months", "free_text", ""),
        ]
        self._register(case, p, lesions, 57, 5, [(4, "decided")], "routine", crcl=85.0).row["_plan"] = plan

    def _lecture_6(self) -> None:
        m = self.meeting_dates[10]
        ref = m - timedelta(days=6)
        diag = ref - timedelta(days=2 * 365 + 40)
        p = self.add_patient(None, "female", 48, ref, lecture=6)
        pid = p["patient_id"]
        acet = self.lesion_row(
            pid, "pelvis", "lytic", ref - timedelta(days=12), side="right", segment="acetabulum", size_mm=34, painful=True
        )
        lesions = [
            self.lesion_row(
                pid,
                "spine",
                "mixed",
                ref - timedelta(days=12),
                level="T5",
                size_mm=18,
                spinal_pain="occasional_non_mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
                painful=True,
            ),
            self.lesion_row(
                pid,
                "spine",
                "lytic",
                ref - timedelta(days=12),
                level="L1",
                size_mm=22,
                spinal_pain="mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="unilateral",
                bilsky="1a",
                painful=True,
            ),
            acet,
            self.lesion_row(
                pid,
                "humerus",
                "lytic",
                ref - timedelta(days=12),
                side="left",
                segment="proximal",
                size_mm=20,
                size_fraction="lt_one_third",
                limb_pain="moderate",
                painful=True,
            ),
            self.lesion_row(pid, "sternum", "lytic", ref - timedelta(days=12), side="midline", size_mm=15),
        ]
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Huang (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 6: HER2-positive (3+) ER− PR− breast cancer, 2 years after "
                "surgery; multiple painful bone metastases. Systemic therapy, "
                "radiotherapy and bone-modifying agent?"
            ),
            priority="urgent",
            primary_tumour="breast",
            histology="invasive_ductal",
            diagnosis_date=diag,
            er="negative",
            pr="negative",
            her2="positive",
            postmenopausal=False,
            ecog=1,
            kps=70,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            spinal_pain_signs=["night_pain"],
            nrs=7,
            pain_character="nociceptive",
            visceral_mets="none",
            expected_survival_weeks=156,
            fit_for_surgery=True,
            prior_chemotherapy=True,
            weight_kg=58,
            height_cm=163,
            dental_clearance=False,
            comorbidities="Right breast surgery and adjuvant chemotherapy 2 years ago",
            patient_wishes="Two school-age children; wants effective treatment and to keep working.",
            key_worker="CNS Demo Nurse Patel",
            lecture_case=6,
            primary_controlled=True,
            surgery_planned=False,
        )
        self._panel(pid, ref - timedelta(days=90), ca=2.40, alb=42, cr=60, alp=90, hb=131, marker=("ca15_3", 22.0))
        self._panel(pid, ref - timedelta(days=3), ca=2.56, alb=40, cr=62, alp=240, hb=124, marker=("ca15_3", 71.0))
        self._panel(
            pid, m + timedelta(days=12), ca=2.44, alb=40, cr=63, alp=226, hb=117, plt=198, neut=2.4, marker=("ca15_3", 64.0)
        )
        ids = [x["lesion_id"] for x in lesions]
        self.add_study(
            pid,
            "bone_scan",
            ref - timedelta(days=12),
            "Whole body",
            "Increased uptake T5, L1, right acetabulum, left proximal humerus, sternum.",
            "Multiple bone metastases.",
            ids,
        )
        self.add_study(
            pid,
            "ct",
            ref - timedelta(days=8),
            "Chest/abdomen/pelvis",
            "Lytic lesions L1, right acetabulum (34 mm, medial wall intact), sternum; mixed T5; no visceral metastases.",
            "Multiple lytic bone metastases; no visceral disease.",
            ids,
        )
        self.add_treatment(pid, "surgery", "Right breast-conserving surgery", diag)
        self.add_treatment(
            pid,
            "chemotherapy",
            "Adjuvant epirubicin + cyclophosphamide then paclitaxel",
            diag + timedelta(days=30),
            diag + timedelta(days=200),
        )
        self.add_treatment(pid, "analgesia", "Tramadol", ref, dose_text="50–100 mg qds")
        start = m + timedelta(days=5)
        self.add_treatment(pid, "targeted", "Trastuzumab", start, dose_text="8 mg/kg loading then 6 mg/kg every 3 weeks")
        self.add_treatment(pid, "targeted", "Pertuzumab", start, dose_text="840 mg loading then 420 mg every 3 weeks")
        self.add_treatment(pid, "chemotherapy", "Docetaxel", start, dose_text="75 mg/m² every 3 weeks")
        self.add_treatment(
            pid,
            "radiotherapy",
            "Radiotherapy right acetabulum",
            m + timedelta(days=2),
            m + timedelta(days=2),
            dose_text="8 Gy single fraction",
            dose_gy=8,
            fractions=1,
            lesion_id=acet["lesion_id"],
        )
        self.add_event(pid, "diagnosis", diag, "Right invasive ductal carcinoma, ER− PR− HER2 3+")
        self.add_event(pid, "progression", ref - timedelta(days=12), "Multiple bone metastases")
        self.add_event(
            pid, "radiotherapy_to_bone", m + timedelta(days=2), "8 Gy single fraction to right acetabulum", acet["lesion_id"]
        )
        plan = [
            ("ONC-HER2", "systemic", "Trastuzumab + pertuzumab + docetaxel every 3 weeks", "accepted", ""),
            (
                "RT-PAIN-LONG",
                "radiotherapy",
                "8 Gy single fraction to the right acetabulum",
                "modified",
                "Chemotherapy starts next week; single visit preferred (8 Gy × 1 remains acceptable)",
            ),
            ("ONC-DENTAL", "investigation", "Dental review before the first zoledronic acid dose", "accepted", ""),
            ("ONC-BMA", "bone_modifying_agent", "Zoledronic acid 4 mg IV every 4 weeks after dental clearance", "accepted", ""),
            ("PAIN-STEP2", "analgesia", "Tramadol 50–100 mg qds; review at 2 weeks", "accepted", ""),
        ]
        self._register(case, p, lesions, 48, 6, [(10, "decided")], "urgent", crcl=95.0).row["_plan"] = plan

    def _lecture_7(self) -> None:
        m = self.meeting_dates[2]
        ref = m - timedelta(days=6)
        nephrectomy = ref - timedelta(days=185)
        p = self.add_patient(None, "male", 62, ref, lecture=7)
        pid = p["patient_id"]
        t8 = self.lesion_row(
            pid,
            "spine",
            "lytic",
            ref - timedelta(days=10),
            level="T8",
            size_mm=26,
            spinal_pain="occasional_non_mechanical",
            alignment="normal",
            collapse="none",
            posterolateral="unilateral",
            bilsky="1a",
            painful=True,
        )
        rib = self.lesion_row(pid, "rib", "lytic", ref - timedelta(days=10), side="right", size_mm=30, painful=True)
        rib2 = self.lesion_row(pid, "rib", "lytic", ref - timedelta(days=10), side="left", size_mm=14)
        lesions = [t8, rib, rib2]
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Gupta (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 7: clear-cell RCC, radical nephrectomy 6 months ago; new "
                "rib and thoracic spine metastases. Systemic therapy and local treatment "
                "of T8?"
            ),
            primary_tumour="kidney",
            histology="clear_cell_rcc",
            diagnosis_date=nephrectomy,
            ecog=1,
            kps=80,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            nrs=5,
            pain_character="nociceptive",
            visceral_mets="none",
            expected_survival_weeks=130,
            fit_for_surgery=True,
            prior_chemotherapy=False,
            weight_kg=80,
            height_cm=175,
            dental_clearance=True,
            comorbidities="Solitary kidney after nephrectomy; hypertension (worse on sunitinib, "
            "managed with amlodipine); hand-foot syndrome grade 1 on sunitinib",
            patient_wishes="Wants treatment that lets him keep driving his taxi.",
            key_worker="CNS Demo Nurse Liu",
            lecture_case=7,
            primary_controlled=True,
            surgery_planned=False,  # nephrectomy bed clear; SBRT T8
        )
        self._panel(pid, nephrectomy + timedelta(days=30), ca=2.38, alb=41, cr=104, alp=96, hb=138, marker=("ldh", 210.0))
        self._panel(pid, ref - timedelta(days=4), ca=2.52, alb=39, cr=110, alp=160, hb=129, marker=("ldh", 260.0))
        self._panel(
            pid, m + timedelta(days=40), ca=2.42, alb=40, cr=112, alp=150, hb=125, plt=180, neut=2.1, marker=("ldh", 240.0)
        )
        self.add_study(
            pid,
            "ct",
            ref - timedelta(days=10),
            "Chest/abdomen/pelvis",
            "Lytic expansile lesion right 8th rib (30 mm) and left 10th rib; lytic T8 "
            "with unilateral pedicle involvement; nephrectomy bed clear.",
            "Rib and thoracic spine metastases from clear-cell RCC.",
            [t8["lesion_id"], rib["lesion_id"], rib2["lesion_id"]],
        )
        self.add_study(
            pid,
            "mri",
            ref - timedelta(days=7),
            "Thoracic spine",
            "T8 metastasis, epidural impingement without thecal sac deformation (Bilsky 1a); no collapse.",
            "T8 metastasis, SINS 8.",
            [t8["lesion_id"]],
        )
        self.add_treatment(pid, "surgery", "Radical nephrectomy (right)", nephrectomy)
        self.add_treatment(pid, "targeted", "Sunitinib", m + timedelta(days=7), dose_text="50 mg daily, 4 weeks on / 2 weeks off")
        self.add_treatment(
            pid,
            "radiotherapy",
            "SBRT T8",
            m + timedelta(days=14),
            m + timedelta(days=18),
            dose_text="27 Gy in 3 fractions (SBRT)",
            dose_gy=27,
            fractions=3,
            lesion_id=t8["lesion_id"],
        )
        self.add_treatment(
            pid,
            "bone_modifying_agent",
            "Zoledronic acid",
            m + timedelta(days=7),
            dose_text="4 mg IV every 4 weeks (CrCl 68 mL/min)",
        )
        self.add_event(pid, "diagnosis", nephrectomy, "Clear-cell renal cell carcinoma")
        self.add_event(
            pid, "progression", ref - timedelta(days=10), "Rib and thoracic spine metastases 6 months after nephrectomy"
        )
        self.add_event(pid, "radiotherapy_to_bone", m + timedelta(days=14), "SBRT T8 27 Gy/3", t8["lesion_id"])
        self.add_event(
            pid, "response", m + timedelta(days=60), "Stable disease on sunitinib; hypertension and hand-foot syndrome managed"
        )
        plan = [
            (
                "ONC-RCC",
                "systemic",
                "Sunitinib 50 mg daily, 4 weeks on / 2 off",
                "modified",
                "Immunotherapy-based combination declined by the patient; sunitinib as in the "
                "lecture course, with blood-pressure monitoring",
            ),
            ("RT-SBRT", "radiotherapy", "SBRT to T8: 27 Gy in 3 fractions (radioresistant histology)", "accepted", ""),
            (
                "ONC-BMA",
                "bone_modifying_agent",
                "Zoledronic acid 4 mg every 4 weeks (CrCl 68 mL/min; solitary kidney: creatinine before each dose)",
                "accepted",
                "",
            ),
            ("PAIN-STEP2", "analgesia", "Tramadol 50 mg qds as needed", "accepted", ""),
        ]
        self._register(case, p, lesions, 62, 7, [(2, "decided")], "routine", crcl=68.4).row["_plan"] = plan
