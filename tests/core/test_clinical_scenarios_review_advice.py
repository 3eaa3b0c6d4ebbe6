"""Clinical scenarios from the independent review, part "advice": MSCC surgical candidacy
(lymphoma without histology, established paraplegia), performance status as a surgical
contraindication, a radium-223 course with abiraterone started, analgesic steps that fit the
patient (docs/clinical/rules.md safety rules 1, 5 and 6) and the Chinese texts of them all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.core.case_kit import bone, lab, make_case, mirels_lesion, spine, treatment
from tests.core.scenario_kit import Scenario, check

NEURO_OK = {"neuro_assessed": True, "frankel": "E"}
PLT = [lab("platelets", "200", 1), lab("neutrophils", "4.0", 1), lab("hb", "120", 1)]
SPINE_FIT = {"fit_for_surgery": True, "expected_survival_weeks": 52}
MALE_68 = {"sex": "male", "birth_date": date(1958, 1, 1)}  # age 68 on AS_OF


def radium_case(given: int, *, extra_treatments: tuple[object, ...] = (), **case: object):  # type: ignore[no-untyped-def]
    injections = [treatment("radionuclide", "radium-223", days_ago=10 + 28 * (given - 1 - i)) for i in range(given)]
    fields: dict[str, object] = {
        "primary_tumour": "prostate",
        "castration": "resistant",
        "nrs": 5,
        "visceral_mets": "none",
        "lymph_node_max_cm": Decimal("1"),
        "prior_mcrpc_lines": 2,
        "weight_kg": Decimal("80"),
        "lesions": [spine("T9", 12), bone("pelvis", 13, segment="ilium"), bone("rib", 14)],
        "treatments": [treatment("endocrine", "goserelin", days_ago=400, ongoing=True), *injections, *extra_treatments],
        "labs": [lab("neutrophils", "2.0", 2), lab("platelets", "150", 2), lab("hb", "115", 2)],
        **NEURO_OK,
    }
    fields.update(case)
    return make_case(sex="male", birth_date=date(1958, 3, 1), **fields)  # type: ignore[arg-type]


ABIRATERONE = (
    treatment("endocrine", "abiraterone", 5, ongoing=True),
    treatment("steroid", "prednisolone", 5, ongoing=True),
)

MSCC: list[Scenario] = []
ORTHO: list[Scenario] = []
RADIUM: list[Scenario] = []
PAIN: list[Scenario] = []

MSCC += [
    # Decisions "MSCC with missing inputs": "suspected lymphoma without histology counts as highly
    # radiosensitive only after haematology advice, until then as unknown".
    Scenario(
        "R-mscc-lymphoma-without-histology-is-unknown-radiosensitivity",
        make_case(primary_tumour="lymphoma", lesions=[spine("T9", 12, bilsky="3")], labs=PLT, **NEURO_OK, **SPINE_FIT),
        fired={"RT-MSCC": "emergency"},
        text_has={"RT-MSCC": "pending the same-day surgical opinion"},
    ),
    # ORTHO-MSCC-DECOMPRESS needs "no paraplegia > 48 h"; an established (not new) Frankel A with
    # the duration unrecorded is what ORTHO-CONTRA calls "established paraplegia (> 48 h)".
    Scenario(
        "R-mscc-established-frankel-a-no-same-day-decompression",
        make_case(
            lesions=[spine("T9", 12, bilsky="3")], frankel="A", frankel_new=False, neuro_assessed=True, labs=PLT, **SPINE_FIT
        ),
        present=("RF-MSCC", "RT-MSCC"),
        absent=("ORTHO-MSCC-DECOMPRESS",),
    ),
]

ORTHO += [
    # Decision "Performance status": only with a NEW neurological deficit is an unrecorded
    # "limited by the lesion" not a contraindication. An old, not-new Frankel D is not that.
    Scenario(
        "R-contra-ecog-3-old-frankel-d-is-contraindication",
        make_case(
            lesions=[mirels_lesion(9)],
            ecog=3,
            frankel="D",
            frankel_new=False,
            neuro_assessed=True,
            expected_survival_weeks=52,
            labs=PLT,
        ),
        present=("ORTHO-CONTRA",),
    ),
]

RADIUM += [
    # RT-RA223 "not with abiraterone + prednisone/prednisolone" (EMA 2018).
    Scenario(
        "R-radium-course-with-abiraterone-started-holds",
        radium_case(2, extra_treatments=ABIRATERONE),
        text_lacks={"RT-RA223": "next due"},
    ),
]

PAIN += [
    # Rule 5: step 2 (weak opioid = codeine) with CrCl < 30 names the renal contraindication.
    Scenario(
        "R-pain-step2-crcl-under-30-names-renal",
        make_case(nrs=5, weight_kg=Decimal("60"), labs=[lab("creatinine", "3.0", 2, unit="mg/dL"), *PLT], **MALE_68, **NEURO_OK),
        present=("PAIN-STEP2", "PAIN-SAFETY"),
        text_has={"PAIN-STEP2": "CrCl"},
    ),
    # Rule 5: "A conflict shown side by side is also named" (step 1 NSAID vs platelets 30).
    Scenario(
        "R-pain-step1-nsaid-with-platelets-30-conflict-named",
        make_case(nrs=2, labs=[lab("platelets", "30", 1), lab("creatinine", "70", 1)], weight_kg=Decimal("60"), **NEURO_OK),
        present=("PAIN-STEP1", "PAIN-SAFETY"),
        conflicts=(("PAIN-STEP1", "PAIN-SAFETY"),),
    ),
]

ALL = MSCC + ORTHO + RADIUM + PAIN


@pytest.mark.parametrize("scenario", ALL, ids=str)
def test_review_advice(scenario: Scenario) -> None:
    check(scenario)
