"""CaseDocument.from_case_file (pure): the inverse of to_case_file on the lecture-case builders,
dated values keep their dates, corrections keep their links."""

from __future__ import annotations

from datetime import date, timedelta

from core.assessments import Assessment
from core.casefile import CaseDocument
from core.derive import derive_scores
from core.interop.evaluate import evaluate_case_file
from tests.core.case_kit import lecture_case_1, lecture_case_2


def test_document_round_trip_gives_the_same_scores_and_rules() -> None:
    for cf in (lecture_case_1(), lecture_case_2()):
        doc = CaseDocument.from_case_file(cf)
        back = CaseDocument.model_validate_json(doc.to_json()).to_case_file(cf.as_of)
        assert back.case.model_dump(exclude={"case_id", "patient_id"}) == cf.case.model_dump(exclude={"case_id", "patient_id"})
        assert len(back.lesions) == len(cf.lesions) and len(back.labs) == len(cf.labs)
        before = derive_scores(cf)
        after = derive_scores(back)
        assert [(s.score_id, s.result.total, s.result.band) for s in before.patient.values()] == [
            (s.score_id, s.result.total, s.result.band) for s in after.patient.values()
        ]
        assert evaluate_case_file(back)["suggestions"] == evaluate_case_file(cf)["suggestions"]


def test_lesion_refs_replace_store_ids() -> None:
    cf = lecture_case_2()
    doc = CaseDocument.from_case_file(cf)
    assert doc.lesions[0]["ref"] == "T9"
    assert all("lesion_id" not in lesion and "patient_id" not in lesion for lesion in doc.lesions)
    assert "case_id" not in doc.case and "ecog" not in doc.case  # clinical values go out dated
    assert {"field": "ecog", "value": 2, "observed_on": cf.case.referral_date.isoformat()} in doc.assessments


def test_given_assessments_keep_dates_and_correction_links() -> None:
    cf = lecture_case_2()
    d0 = cf.as_of - timedelta(days=20)
    rows = [
        Assessment(assessment_id=7, case_id=1, field="ecog", value=1, observed_on=d0),
        Assessment(assessment_id=9, case_id=1, field="ecog", value=3, observed_on=d0 + timedelta(days=5)),
        Assessment(
            assessment_id=11, case_id=1, field="ecog", value=2, observed_on=d0 + timedelta(days=5), supersedes=9, reason="typo"
        ),
    ]
    doc = CaseDocument.from_case_file(cf, assessments=rows)
    assert [a.get("supersedes") for a in doc.assessments] == [None, None, 2]
    back = doc.to_case_file(cf.as_of)
    assert back.case.ecog == 2
    assert back.observed["ecog"] == d0 + timedelta(days=5)


def test_undated_header_values_count_as_observed_at_referral() -> None:
    cf = lecture_case_1()
    doc = CaseDocument.from_case_file(cf)
    raw = doc.model_dump()
    raw["case"]["nrs"] = 4
    raw["assessments"] = [a for a in raw["assessments"] if a["field"] != "nrs"]
    back = CaseDocument.model_validate(raw).to_case_file(date.today())
    assert back.case.nrs == 4 and back.observed_on("nrs") == cf.case.referral_date
