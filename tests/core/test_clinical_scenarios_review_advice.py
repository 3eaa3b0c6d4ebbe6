"""Clinical scenarios from the independent review, part "advice": MSCC surgical candidacy
(lymphoma without histology, established paraplegia), performance status as a surgical
contraindication, a radium-223 course with abiraterone started, analgesic steps that fit the
patient (docs/clinical/rules.md safety rules 1, 5 and 6), and the Chinese texts of them all.

Each defect has the review's scenario (``R-...``, failing before the fix) and the other side of
the fix (``ok-...``: what must not change)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.models import CaseFile
from core.rules import NeedsData, NotFired, RuleReport, evaluate_rules
from core.rules.base import describe_missing
from core.scores import SCORES
from tests.core.case_kit import bone, lab, make_case, mirels_lesion, run, spine, treatment
from tests.core.scenario_kit import Scenario, ago, check

NEURO_OK = {"neuro_assessed": True, "frankel": "E"}
PLT = [lab("platelets", "200", 1), lab("neutrophils", "4.0", 1), lab("hb", "120", 1)]
SPINE_FIT = {"fit_for_surgery": True, "expected_survival_weeks": 52}
MALE_68 = {"sex": "male", "birth_date": date(1958, 1, 1)}  # age 68 on AS_OF
BILSKY_3 = [spine("T9", 12, bilsky="3")]
CRCL_20 = [lab("creatinine", "3.0", 2, unit="mg/dL"), *PLT]  # male 68 y, 60 kg: CrCl 20 mL/min
CLEAN_LABS = [lab("creatinine", "70", 1), *PLT]


def mscc(**case: object) -> CaseFile:
    fields: dict[str, object] = {"lesions": BILSKY_3, "labs": PLT, **NEURO_OK, **SPINE_FIT}
    fields.update(case)
    return make_case(**fields)  # type: ignore[arg-type]


def contra(**case: object) -> CaseFile:
    fields: dict[str, object] = {"lesions": [mirels_lesion(9)], "expected_survival_weeks": 52, "labs": PLT, **NEURO_OK}
    fields.update(case)
    return make_case(**fields)  # type: ignore[arg-type]


def pain(nrs: int, labs: list[object], **case: object) -> CaseFile:
    fields: dict[str, object] = {"nrs": nrs, "weight_kg": Decimal("60"), "labs": labs, **MALE_68, **NEURO_OK}
    fields.update(case)
    return make_case(**fields)  # type: ignore[arg-type]


def radium_case(given: int, *, extra_treatments: tuple[object, ...] = (), **case: object) -> CaseFile:
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

# ---------------------------------------------------------------------------------------------
# 7. Decisions "MSCC with missing inputs": "suspected lymphoma without histology counts as highly
# radiosensitive only after haematology advice, until then as unknown" -> candidacy unknown,
# RT-MSCC as the alternative "pending the same-day surgical opinion".
LYMPHOMA: list[Scenario] = [
    Scenario(
        "R-mscc-lymphoma-without-histology-is-unknown-radiosensitivity",
        mscc(primary_tumour="lymphoma"),
        fired={"RT-MSCC": "emergency"},
        text_has={"RT-MSCC": "pending the same-day surgical opinion"},
        text_lacks={"RT-MSCC": "highly radiosensitive tumour"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
        banner_has=("haematology advice",),
    ),
    Scenario(
        "R-mscc-lymphoma-histology-not-confirmed-is-unknown",
        mscc(primary_tumour="lymphoma", histology="not_confirmed"),
        text_has={"RT-MSCC": "pending the same-day surgical opinion"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
    ),
    Scenario(
        "ok-mscc-lymphoma-with-histology-is-radiosensitive",
        mscc(primary_tumour="lymphoma", histology="lymphoma"),
        fired={"RT-MSCC": "emergency"},
        reason_has={"RT-MSCC": "highly radiosensitive tumour (lymphoma)"},
        text_lacks={"RT-MSCC": "pending"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
    ),
    # Same class: an unknown primary with lymphoma (or plasma-cell) histology is highly
    # radiosensitive -- it was read as a surgical candidate.
    Scenario(
        "R-mscc-unknown-primary-lymphoma-histology-is-radiosensitive",
        mscc(primary_tumour="unknown_primary", histology="lymphoma"),
        fired={"RT-MSCC": "emergency"},
        reason_has={"RT-MSCC": "highly radiosensitive tumour (lymphoma on histology)"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
    ),
    Scenario(
        "ok-mscc-myeloma-radiosensitive",
        mscc(primary_tumour="myeloma", histology="plasma_cell"),
        reason_has={"RT-MSCC": "highly radiosensitive tumour (myeloma)"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
    ),
    Scenario(
        "ok-mscc-breast-fit-decompression",
        mscc(primary_tumour="breast", histology="invasive_ductal"),
        fired={"ORTHO-MSCC-DECOMPRESS": "emergency"},
        absent=("RT-MSCC",),
    ),
]

# ---------------------------------------------------------------------------------------------
# 8. ORTHO-MSCC-DECOMPRESS needs "no paraplegia > 48 h", read the way ORTHO-CONTRA reads it.
PARAPLEGIA: list[Scenario] = [
    Scenario(
        "R-mscc-established-frankel-a-no-same-day-decompression",
        mscc(frankel="A", frankel_new=False),
        present=("RF-MSCC", "RT-MSCC", "ORTHO-CONTRA"),
        absent=("ORTHO-MSCC-DECOMPRESS",),
        reason_has={"RT-MSCC": "established paraplegia", "ORTHO-CONTRA": "established paraplegia"},
    ),
    # A new Frankel B (or one whose newness is not recorded) with its duration unrecorded:
    # candidacy unknown in both rules -- ask, RT-MSCC pending the surgical opinion.
    Scenario(
        "R-mscc-new-frankel-b-duration-unknown-asks",
        mscc(frankel="B", frankel_new=True),
        fired={"RT-MSCC": "emergency"},
        text_has={"RT-MSCC": "pending the same-day surgical opinion"},
        absent=("ORTHO-MSCC-DECOMPRESS", "ORTHO-CONTRA"),
        banner_has=("whether paraplegia has lasted > 48 h",),
    ),
    Scenario(
        "R-mscc-frankel-a-newness-unknown-duration-unknown-asks",
        mscc(frankel="A"),
        text_has={"RT-MSCC": "pending the same-day surgical opinion"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
        banner_has=("whether paraplegia has lasted > 48 h",),
    ),
    Scenario(
        "ok-mscc-new-frankel-a-under-48h-decompression",
        mscc(frankel="A", frankel_new=True, paraplegia_over_48h=False),
        fired={"ORTHO-MSCC-DECOMPRESS": "emergency"},
        absent=("RT-MSCC", "ORTHO-CONTRA"),
    ),
    Scenario(
        "ok-mscc-paraplegia-over-48h-radiotherapy",
        mscc(frankel="A", frankel_new=True, paraplegia_over_48h=True),
        reason_has={"RT-MSCC": "paraplegia > 48 h (Frankel A)"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
        present=("ORTHO-CONTRA",),
    ),
    Scenario(
        "ok-mscc-established-frankel-c-not-paraplegia",
        mscc(frankel="C", frankel_new=False),
        fired={"ORTHO-MSCC-DECOMPRESS": "emergency"},
        absent=("RT-MSCC",),
    ),
]

# ---------------------------------------------------------------------------------------------
# 11. Decision "Performance status": "not recorded with a NEW neurological deficit present -> not
# a contraindication, and the banner asks". An old (not new) deficit is not that.
ECOG: list[Scenario] = [
    Scenario(
        "R-contra-ecog-3-old-frankel-d-is-contraindication",
        contra(ecog=3, frankel="D", frankel_new=False),
        present=("ORTHO-CONTRA",),
        reason_has={"ORTHO-CONTRA": "ECOG 3 — a contraindication unless the lesion itself causes it"},
    ),
    Scenario(
        "R-contra-ecog-3-new-frankel-d-not-counted-banner-asks",
        contra(ecog=3, frankel="D", frankel_new=True),
        absent=("ORTHO-CONTRA",),
        banner_has=("is performance limited by the lesion itself?",),
    ),
    # Rule 1: a Frankel A-D whose newness is not recorded counts as new.
    Scenario(
        "R-contra-ecog-3-frankel-d-newness-unknown-banner-asks",
        contra(ecog=3, frankel="D"),
        absent=("ORTHO-CONTRA",),
        banner_has=("is performance limited by the lesion itself?",),
    ),
    Scenario(
        "ok-contra-ecog-3-limited-by-lesion-not-counted",
        contra(ecog=3, frankel="D", frankel_new=False, ecog_limited_by_lesion=True),
        absent=("ORTHO-CONTRA",),
    ),
    Scenario(
        "ok-contra-ecog-3-no-deficit-counted",
        contra(ecog=3),
        present=("ORTHO-CONTRA",),
    ),
    Scenario(
        "ok-contra-kps-40-converted-ecog-3",
        contra(kps=40),
        present=("ORTHO-CONTRA",),
        reason_has={"ORTHO-CONTRA": "from KPS 40"},
    ),
]

# ---------------------------------------------------------------------------------------------
# 12. RT-RA223 "not with abiraterone + prednisone/prednisolone nor other systemic therapy except
# ADT": a running course is held, and the board says why.
RADIUM: list[Scenario] = [
    Scenario(
        "R-radium-course-with-abiraterone-started-holds",
        radium_case(2, extra_treatments=ABIRATERONE),
        fired={"RT-RA223": "urgent"},
        text_has={"RT-RA223": "Hold the next radium-223 injection (injection 3 of 6)"},
        text_lacks={"RT-RA223": "next due"},
        reason_has={"RT-RA223": "abiraterone (started 2026-11-15), prednisolone"},
        conflicts=(("RT-RA223", "ONC-CRPC"),),
    ),
    Scenario(
        "radium-course-with-visceral-metastases-found-holds",
        radium_case(3, visceral_mets="nodular"),
        fired={"RT-RA223": "urgent"},
        text_has={"RT-RA223": "Hold the next radium-223 injection (injection 4 of 6)"},
        reason_has={"RT-RA223": "visceral metastases now recorded"},
        text_lacks={"RT-RA223": "next due"},
    ),
    Scenario(
        "R-radium-course-with-docetaxel-holds",
        radium_case(3, extra_treatments=(treatment("chemotherapy", "docetaxel", 3, ongoing=True),)),
        text_has={"RT-RA223": "Hold the next radium-223 injection (injection 4 of 6)"},
        reason_has={"RT-RA223": "docetaxel (started 2026-11-17): radium-223 only with ADT"},
        text_lacks={"RT-RA223": "next due"},
    ),
    Scenario(
        "ok-radium-course-on-adt-only-next-due",
        radium_case(2),
        fired={"RT-RA223": "routine"},
        text_has={"RT-RA223": "injection 2 of 6 given; next due"},
    ),
    Scenario(
        "ok-radium-course-abiraterone-stopped-next-due",
        radium_case(2, extra_treatments=(treatment("endocrine", "abiraterone", 200, end_date=date(2026, 9, 1)),)),
        text_has={"RT-RA223": "injection 2 of 6 given; next due"},
    ),
]

# ---------------------------------------------------------------------------------------------
# 13, 14. Safety rule 5: "drug suggestions name the contraindications present ... A conflict
# shown side by side is also named" -- every step of the ladder, as PAIN-STEP3 already did.
PAIN: list[Scenario] = [
    Scenario(
        "R-pain-step2-crcl-under-30-names-renal",
        pain(5, CRCL_20),
        present=("PAIN-STEP2", "PAIN-SAFETY"),
        text_has={"PAIN-STEP2": "CrCl 20.0 mL/min: not codeine or morphine"},
        text_lacks={"PAIN-STEP2": "Weak opioid or"},
        conflicts=(("PAIN-STEP2", "PAIN-SAFETY"),),
    ),
    Scenario(
        "ok-pain-step2-normal-crcl-default",
        pain(5, CLEAN_LABS),
        text_has={"PAIN-STEP2": "Weak opioid or low-dose strong opioid ± non-opioid ± adjuvant"},
        absent=("PAIN-SAFETY",),
    ),
    Scenario(
        "R-pain-step1-nsaid-with-platelets-30-conflict-named",
        pain(2, [lab("platelets", "30", 1), lab("creatinine", "70", 1)]),
        present=("PAIN-STEP1", "PAIN-SAFETY"),
        text_has={"PAIN-STEP1": "paracetamol; no NSAID: platelets 30"},
        conflicts=(("PAIN-STEP1", "PAIN-SAFETY"),),
    ),
    Scenario(
        "R-pain-step1-crcl-under-30-no-nsaid",
        pain(3, CRCL_20),
        text_has={"PAIN-STEP1": "no NSAID: CrCl 20.0 mL/min"},
        conflicts=(("PAIN-STEP1", "PAIN-SAFETY"),),
    ),
    Scenario(
        "R-pain-step1-renal-decline-on-zoledronic-no-nsaid",
        pain(
            2,
            [lab("creatinine", "70", 61), lab("creatinine", "124", 2), *PLT],
            treatments=[treatment("bone_modifying_agent", "zoledronic acid", 60, ongoing=True)],
        ),
        text_has={"PAIN-STEP1": "no NSAID: renal decline on zoledronic acid"},
        conflicts=(("PAIN-STEP1", "PAIN-SAFETY"),),
    ),
    Scenario(
        "R-pain-step1-on-dexamethasone-nsaid-with-ppi",
        pain(2, CLEAN_LABS, treatments=[treatment("steroid", "dexamethasone", 5, ongoing=True)]),
        text_has={"PAIN-STEP1": "NSAID only with caution and PPI cover: on dexamethasone"},
        present=("PAIN-SAFETY",),
    ),
    Scenario(
        "ok-pain-step1-clean-labs-default",
        pain(2, CLEAN_LABS),
        text_has={"PAIN-STEP1": "Non-opioid (paracetamol, NSAID) ± adjuvant"},
        absent=("PAIN-SAFETY",),
    ),
    Scenario(
        "R-pain-step3-platelets-30-morphine-but-no-nsaid",
        pain(8, [lab("platelets", "30", 1), lab("creatinine", "70", 1)]),
        text_has={"PAIN-STEP3": "morphine first line) ± non-opioid (paracetamol; no NSAID: platelets 30"},
        conflicts=(("PAIN-STEP3", "PAIN-SAFETY"),),
    ),
    Scenario(
        "ok-pain-step3-crcl-under-30-no-morphine",
        pain(8, CRCL_20),
        text_has={"PAIN-STEP3": "oxycodone, hydromorphone or fentanyl, dose-reduced"},
        conflicts=(("PAIN-STEP3", "PAIN-SAFETY"),),
    ),
]

ALL = LYMPHOMA + PARAPLEGIA + ECOG + RADIUM + PAIN


@pytest.mark.parametrize("scenario", ALL, ids=str)
def test_review_advice(scenario: Scenario) -> None:
    check(scenario)


def _conflict(report: RuleReport, pair: tuple[str, str]) -> str | None:
    return next((c.name_en for c in report.conflicts if c.rule_ids == pair), None)


def test_no_pain_conflict_without_a_contraindication() -> None:
    for nrs, step in ((2, "PAIN-STEP1"), (5, "PAIN-STEP2"), (8, "PAIN-STEP3")):
        report = evaluate_rules(pain(nrs, CLEAN_LABS))
        assert report.hit(step) is not None
        assert _conflict(report, (step, "PAIN-SAFETY")) is None
    # Dexamethasone asks for caution (PPI cover), not a conflict.
    report = evaluate_rules(pain(2, CLEAN_LABS, treatments=[treatment("steroid", "dexamethasone", 5, ongoing=True)]))
    assert _conflict(report, ("PAIN-STEP1", "PAIN-SAFETY")) is None


def test_pain_conflicts_name_the_reason() -> None:
    report = evaluate_rules(pain(2, [lab("platelets", "30", 1), lab("creatinine", "70", 1)]))
    assert "platelets 30 ×10⁹/L" in (_conflict(report, ("PAIN-STEP1", "PAIN-SAFETY")) or "")
    report = evaluate_rules(pain(5, CRCL_20))
    name = _conflict(report, ("PAIN-STEP2", "PAIN-SAFETY")) or ""
    assert "no codeine or morphine" in name and "avoid NSAIDs" in name


def test_contra_question_reaches_the_banner_when_nothing_else_fires() -> None:
    """The ORTHO-CONTRA question stands when ECOG >= 3 is not counted (new deficit) and the rule
    does not fire -- and also while the rule still needs data."""
    question = "is performance limited by the lesion itself?"
    quiet = run("ORTHO-CONTRA", contra(ecog=3, frankel="D", frankel_new=True))
    assert isinstance(quiet, NotFired) and any(question in text for text in quiet.banner_en)
    waiting = run("ORTHO-CONTRA", contra(ecog=3, frankel="D", frankel_new=True, expected_survival_weeks=None))
    assert isinstance(waiting, NeedsData) and waiting.missing == ("expected_survival_weeks",)
    assert any(question in text for text in waiting.banner_en)
    # RF-MSCC set aside (the level was decompressed after the findings): only ORTHO-CONTRA asks.
    cf = contra(
        ecog=3,
        frankel="D",
        frankel_new=True,
        lesions=[mirels_lesion(9), spine("T9", 12, detected_date=ago(20))],
        observed={"frankel": ago(5), "frankel_new": ago(5)},
        treatments=[treatment("surgery", "T9 decompression", 2, lesion_ids=(12,), procedure="decompression")],
    )
    report = evaluate_rules(cf)
    assert report.hit("RF-MSCC") is None and report.hit("ORTHO-CONTRA") is None
    lines = [line for line in report.banner if line.rule_id == "ORTHO-CONTRA"]
    assert len(lines) == 1 and lines[0].kind == "ask" and lines[0].urgency == "urgent"
    assert question in lines[0].text_en and "伴新发神经功能缺损" in lines[0].text_zh


def test_contra_question_not_repeated_beside_rf_mscc() -> None:
    report = evaluate_rules(mscc(ecog=3, frankel="C", frankel_new=True))
    asks = [line for line in report.banner if "is performance limited by the lesion itself?" in line.text_en]
    assert [line.rule_id for line in asks] == ["RF-MSCC"]


def test_radium_not_eligible_reason_in_words() -> None:
    outcome = run("RT-RA223", radium_case(0, extra_treatments=ABIRATERONE))
    assert isinstance(outcome, NotFired)
    assert outcome.reason_en == "not eligible: on abiraterone (not with radium-223)"
    assert "with_abiraterone" not in outcome.reason_zh and "阿比特龙" in outcome.reason_zh


# ---------------------------------------------------------------------------------------------
# E. Chinese texts: no English words left (drug and treatment names as entered, score names and
# citations aside), no "(from KPS", weeks not months.
ASCII_WORDS = re.compile(r"[a-z]{3,} [a-z]{2,}|\(from KPS")
LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z/])")


def zh_texts(cf: CaseFile) -> Iterator[tuple[str, str]]:
    report = evaluate_rules(cf)
    names = sorted((t.name for t in cf.treatments), key=len, reverse=True)

    def scrub(text: str) -> str:
        for name in names:  # user-entered treatment names stay as entered
            text = text.replace(name, "")
        return text

    for hit in report.fired:
        for name in ("text_zh", "reason_zh", "rationale_zh"):
            yield f"{hit.rule_id}.{name}", scrub(getattr(hit, name))
        for text in hit.banner_zh:
            yield f"{hit.rule_id}.banner_zh", scrub(text)
    for line in report.banner:
        yield f"banner {line.rule_id}", scrub(line.text_zh)
    for need in report.needs_data:
        for text in need.missing_zh:
            yield f"{need.rule_id}.missing_zh", text
    for conflict in report.conflicts:
        yield f"conflict {conflict.rule_ids}", scrub(conflict.name_zh)


@pytest.mark.parametrize("scenario", ALL, ids=str)
def test_review_advice_chinese_text(scenario: Scenario) -> None:
    bad = [f"{where}: {text}" for where, text in zh_texts(scenario.case) if "{" in text or ASCII_WORDS.search(text)]
    assert not bad, "\n".join(bad)


def test_rt_mscc_missing_items_in_chinese() -> None:
    for cf in (mscc(primary_tumour="lymphoma"), mscc(lesions=[spine("T9", 12)], neuro_signs=("limb_weakness",))):
        hit = evaluate_rules(cf).hit("RT-MSCC")
        assert hit is not None
        for text in (hit.reason_zh, *hit.banner_zh):
            assert not ASCII_WORDS.search(text), text
    assert describe_missing("compression level (Bilsky 2–3 on imaging)")[1] == "受压节段（影像学Bilsky 2–3级）"


def test_from_kps_in_chinese() -> None:
    contra_hit = evaluate_rules(contra(kps=40)).hit("ORTHO-CONTRA")
    rehab_hit = evaluate_rules(contra(kps=40)).hit("REHAB-FUNCTION")
    assert contra_hit is not None and rehab_hit is not None
    for text in (contra_hit.reason_zh, rehab_hit.reason_zh):
        assert "（由KPS 40分换算）" in text and "from KPS" not in text


def test_sbrt_survival_in_weeks_in_chinese() -> None:
    cf = make_case(
        lesions=[bone("rib", 30)], ecog=1, expected_survival_weeks=20, visceral_mets="none", primary_controlled=True, **NEURO_OK
    )
    outcome = run("RT-SBRT", cf)
    assert isinstance(outcome, NotFired)
    assert outcome.reason_zh == "预计生存期20周<26周", outcome.reason_zh
    assert "个月" not in outcome.reason_zh and "‹" not in outcome.reason_zh


def _emitted_codes() -> set[str]:
    """Every missing-item code written in core/rules (``needs(...)``, ``missing.append/extend``,
    module constants), f-string fields filled with "3"; and every score input as
    ``<score>.<input> (<site>)``."""
    codes: set[str] = set()

    def render(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else "3" for v in node.values)  # type: ignore[misc]
        return None

    for path in sorted(Path("core/rules").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                is_needs = isinstance(func, ast.Name) and func.id == "needs"
                owner = func.value if isinstance(func, ast.Attribute) else None
                is_missing = (
                    isinstance(func, ast.Attribute)
                    and func.attr in ("append", "extend")
                    and (
                        (isinstance(owner, ast.Attribute) and owner.attr == "missing")
                        or (isinstance(owner, ast.Name) and owner.id in ("missing", "lacking"))
                    )
                )
                if is_needs or is_missing:
                    codes.update(code for arg in node.args if (code := render(arg)) is not None)
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.endswith("_UNKNOWN")
                and (code := render(node.value)) is not None
            ):
                codes.add(code)
    for score_id, definition in SCORES.items():
        codes.update(f"{score_id}.{name} (T9)" for name in definition.input_model.model_fields)
    return codes


EMITTED = sorted(_emitted_codes())


def test_missing_codes_found() -> None:
    assert len(EMITTED) > 60
    assert "radiosensitivity (possible lymphoma: haematology advice)" in EMITTED
    assert "compression level (Bilsky 2–3 on imaging)" in EMITTED


@pytest.mark.parametrize("code", EMITTED)
def test_every_missing_code_has_chinese_words(code: str) -> None:
    en, zh = describe_missing(code, {"T9": ("T9", "T9")})
    assert en and zh
    assert not LOWER_WORD.search(zh), f"{code!r} -> {zh!r}"  # score names (Tokuhashi, KPS) may stand


def test_rf_mscc_asks_about_ecog_without_claiming_a_new_deficit() -> None:
    """Bilsky 3 alone with ECOG 3: RF-MSCC asks whether the lesion limits performance, without
    saying "with a new neurological deficit" (there is none; review of 2026-12-06)."""
    from tests.core.case_kit import make_case, spine

    quiet = make_case(lesions=[spine(bilsky="3")], ecog=3, neuro_assessed=True, frankel="E")
    lines = [line.text_en for line in evaluate_rules(quiet).banner if line.rule_id == "RF-MSCC"]
    assert "ECOG 3: is performance limited by the lesion itself?" in lines
    assert not any("new neurological deficit" in line for line in lines)
    weak = make_case(lesions=[spine(bilsky="3")], ecog=3, neuro_assessed=True, frankel="D", frankel_new=True)
    texts = [line.text_en for line in evaluate_rules(weak).banner]
    assert sum("is performance limited by the lesion itself" in t for t in texts) == 1
    assert any("with a new neurological deficit" in t for t in texts)
