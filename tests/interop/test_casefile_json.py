"""The case-file JSON: schema, examples, export -> evaluate = the board, import round trip, refusals."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import jsonschema
import pytest

from core.casefile import CaseDocument, json_schema
from core.interop.evaluate import evaluate_case_file
from core.models import SYSTEM_ACTOR, Role
from db.assessments import history as assessments_history
from db.board import load_board
from db.connection import connect
from db.demo import lecture_case_id
from db.demo_lecture import lecture_dates_for
from db.interop.files import import_bytes
from db.interop.store import export_case_file
from db.policies import load_policy
from tests.conftest import actor

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("lecture_case_*.json"))
COUNT_TABLES = ("patient", "mdt_case", "lesion", "imaging_study", "imaging_lesion", "lab_result", "treatment", "clinical_event")


def counts(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in (*COUNT_TABLES, "audit_log")}


def clinical(doc: CaseDocument) -> dict[str, object]:
    """The clinical content of a document (workflow state of the board left out)."""
    data = json.loads(doc.to_json())
    for key in ("status", "lecture_case"):
        data["case"].pop(key, None)
    return data


def test_schema_file_is_current() -> None:
    on_disk = json.loads((ROOT / "docs" / "case-file.schema.json").read_text(encoding="utf-8"))
    assert on_disk == json_schema(), "regenerate with: bonemdt case-schema -o docs/case-file.schema.json"


def test_schema_describes_sections_precisely() -> None:
    s = json_schema()
    lesion = s["$defs"]["LesionSection"]
    assert "ref" in lesion["properties"] and "lesion_id" not in lesion["properties"]
    assert lesion["additionalProperties"] is False and "bone" in lesion["required"]
    assert "lesion_refs" in s["$defs"]["TreatmentSection"]["properties"]
    assert s["properties"]["labs"]["items"] == {"$ref": "#/$defs/LabResultSection"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": "bonemdt-case/1", "patient": {}, "case": {}, "lesions": [{"bone": "spine", "x": 1}]}, s)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_validate_and_evaluate(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(raw, json_schema())
    # Evaluated in the calendar its dates are written for (the week after its last past meeting).
    day = lecture_dates_for(int(path.stem.rsplit("_", 1)[1])) + timedelta(days=7)
    cf = CaseDocument.model_validate(raw).to_case_file(day, today=day)
    result = evaluate_case_file(cf)
    assert result["scores"] and {"red_flags", "suggestions", "conflicts"} <= set(result)


def test_seven_examples() -> None:
    assert [p.stem for p in EXAMPLES] == [f"lecture_case_{n}" for n in range(1, 8)]


@pytest.mark.parametrize("n", range(1, 8))
def test_lecture_case_export_evaluates_as_the_board(demo_cur2: duckdb.DuckDBPyConnection, empty_db: str, n: int) -> None:
    case_id = lecture_case_id(demo_cur2, n)
    board = load_board(demo_cur2, case_id)
    _, doc = export_case_file(demo_cur2, SYSTEM_ACTOR, case_id)
    cf = CaseDocument.model_validate_json(doc.to_json()).to_case_file(board.cf.as_of)
    result = evaluate_case_file(cf, load_policy(demo_cur2))
    shown = [
        (s.score_id, s.site_en or s.site or None, s.result.band, list(s.result.missing), list(s.result.flags))
        for s in (*board.scores.patient.values(), *board.scores.per_lesion)
    ]
    assert [(s["id"], s["site"], s["band"], s["missing"], s["flags"]) for s in result["scores"]] == shown
    assert [(h["rule_id"], h["urgency"]) for h in result["red_flags"]] == [(h.rule_id, h.urgency) for h in board.rules.red_flags]
    assert [h["rule_id"] for h in result["suggestions"]] == list(board.rules.fired_ids)
    assert len(result["conflicts"]) == len(board.rules.conflicts)
    # Round trip through an empty store: the same clinical content comes back.
    con = connect(empty_db)
    try:
        report = import_bytes(con, SYSTEM_ACTOR, "case.json", doc.to_json().encode())
        assert report.ok and report.written, report.refused
        new_id = con.execute("SELECT max(case_id) FROM mdt_case").fetchall()[0][0]
        _, back = export_case_file(con, SYSTEM_ACTOR, new_id)
        assert clinical(back) == clinical(doc)
        # A second import of the same file adds nothing.
        before = counts(con)
        again = import_bytes(con, SYSTEM_ACTOR, "case.json", doc.to_json().encode())
        assert again.ok and sum(again.added.values()) == 0 and again.matched_patients == 1
        after = counts(con)
        assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
    finally:
        con.close()


def _doc() -> dict[str, object]:
    return json.loads(EXAMPLES[1].read_text(encoding="utf-8"))


def test_dry_run_changes_nothing(empty_cur: duckdb.DuckDBPyConnection) -> None:
    before = counts(empty_cur)
    report = import_bytes(empty_cur, SYSTEM_ACTOR, "c.json", json.dumps(_doc()).encode(), dry_run=True)
    assert report.ok and not report.written and report.added["patient"] == 1 and report.added["lesion"] >= 1
    assert counts(empty_cur) == before


@pytest.mark.parametrize(
    ("mutate", "place"),
    [
        (lambda d: d["lesions"][0].update(level="T13"), "case: lesions[0]"),
        (lambda d: d["labs"][0].update(unit="mmol/mol"), "case: labs[0]"),
        (lambda d: d["patient"].update(birth_date="2031-01-01"), "case: patient.birth_date"),
        (lambda d: d["treatments"][0].update(lesion_refs=["nowhere"]), "case: treatments[0].lesion_refs"),
        (lambda d: d.update(format="bonemdt-case/9"), "case: format"),
    ],
)
def test_invalid_document_is_refused_with_its_place(empty_cur: duckdb.DuckDBPyConnection, mutate, place: str) -> None:
    doc = _doc()
    mutate(doc)
    before = counts(empty_cur)
    report = import_bytes(empty_cur, SYSTEM_ACTOR, "c.json", json.dumps(doc).encode())
    assert not report.ok and not report.written
    assert any(r.startswith(place) for r in report.refused), report.refused
    assert counts(empty_cur) == before


def test_malformed_json_names_line_and_column(empty_cur: duckdb.DuckDBPyConnection) -> None:
    before = counts(empty_cur)
    report = import_bytes(empty_cur, SYSTEM_ACTOR, "c.json", b'{\n  "format": "bonemdt-case/1",\n  "patient": {,\n}')
    assert report.refused and report.refused[0].startswith("line 3, column")
    assert counts(empty_cur) == before


def test_file_over_the_limit_is_refused(empty_cur: duckdb.DuckDBPyConnection) -> None:
    before = counts(empty_cur)
    data = json.dumps([_doc()] * 1).encode() + b" " * (20 * 1024 * 1024)
    report = import_bytes(empty_cur, SYSTEM_ACTOR, "big.json", data)
    assert report.refused == ["file: is 20.0 MB; the limit is 10 MB"]
    assert counts(empty_cur) == before


def test_wrong_file_type_is_refused(empty_cur: duckdb.DuckDBPyConnection) -> None:
    report = import_bytes(empty_cur, SYSTEM_ACTOR, "notes.pdf", b"%PDF")
    assert report.refused and report.refused[0].startswith("file: type .pdf is not accepted")


def test_one_bad_document_writes_none_of_the_file(empty_cur: duckdb.DuckDBPyConnection) -> None:
    good, bad = _doc(), _doc()
    bad["patient"]["mrn"] = "OTHER-1"  # type: ignore[index]
    bad["labs"][0]["value"] = "999"  # type: ignore[index]
    before = counts(empty_cur)
    report = import_bytes(empty_cur, SYSTEM_ACTOR, "two.json", json.dumps([good, bad]).encode())
    assert not report.ok and any(r.startswith("case 2: labs[0]") for r in report.refused)
    assert counts(empty_cur) == before


def test_existing_mrn_is_matched_never_overwritten(demo_cur2: duckdb.DuckDBPyConnection) -> None:
    case_id = lecture_case_id(demo_cur2, 2)
    _, doc = export_case_file(demo_cur2, SYSTEM_ACTOR, case_id)
    data = json.loads(doc.to_json())
    data["patient"]["display_name"] = "Somebody Else"
    data["labs"].append({"analyte": "crp", "value": "12", "unit": "mg/L", "taken_on": date.today().isoformat()})
    before = counts(demo_cur2)
    report = import_bytes(demo_cur2, SYSTEM_ACTOR, "c.json", json.dumps(data).encode())
    assert report.ok and report.written and report.matched_patients == 1
    assert any("patient.display_name differs" in c for c in report.conflicts)
    assert report.added["lab_result"] == 1 and report.added["patient"] == 0 and report.added["mdt_case"] == 0
    after = counts(demo_cur2)
    assert after["lab_result"] == before["lab_result"] + 1
    name = demo_cur2.execute("SELECT display_name FROM patient WHERE mrn = ?", [data["patient"]["mrn"]]).fetchall()[0][0]
    assert name != "Somebody Else"
    rows = demo_cur2.execute("SELECT action, entity FROM audit_log ORDER BY seq DESC LIMIT 2").fetchall()
    assert rows == [("import", "import_file"), ("import", "patient")]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.CHAIR, Role.ANALYST])
def test_only_admin_and_coordinator_import(empty_cur: duckdb.DuckDBPyConnection, role: Role) -> None:
    from core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        import_bytes(empty_cur, actor(role), "c.json", json.dumps(_doc()).encode())
    assert empty_cur.execute("SELECT count(*) FROM patient").fetchall()[0][0] == 0
    assert empty_cur.execute("SELECT outcome FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()[0][0] == "denied"


def test_coordinator_imports(empty_cur: duckdb.DuckDBPyConnection) -> None:
    report = import_bytes(empty_cur, actor(Role.COORDINATOR, 3), "c.json", json.dumps(_doc()).encode())
    assert report.written and report.added["patient"] == 1


def test_field_reference_in_the_docs_is_current() -> None:
    from core.casefile import field_reference

    text = (ROOT / "docs" / "case-file.md").read_text(encoding="utf-8")
    assert text.split("## Field reference\n", 1)[1].strip() == field_reference().strip(), (
        "regenerate with: bonemdt case-schema --markdown -o docs/case-file.md"
    )


def test_imported_assessments_join_the_history_and_the_newest_stands(demo_cur2: duckdb.DuckDBPyConnection) -> None:
    case_id = lecture_case_id(demo_cur2, 2)
    cf, doc = export_case_file(demo_cur2, SYSTEM_ACTOR, case_id)
    data = json.loads(doc.to_json())
    today = date.today()
    old = cf.case.referral_date.replace(year=cf.case.referral_date.year - 1)
    data["assessments"] += [
        {"field": "nrs", "value": 2, "observed_on": today.isoformat()},
        {"field": "kps", "value": 40, "observed_on": old.isoformat()},
    ]
    report = import_bytes(demo_cur2, SYSTEM_ACTOR, "c.json", json.dumps(data).encode())
    # Both observations are new to the store, so both join the case's dated history ...
    assert report.ok and report.written and report.added["assessment"] == 2
    # ... and the board reads the newest of each field: today's NRS; the year-old KPS does not
    # replace the current one.
    now = load_board(demo_cur2, case_id).cf.case
    assert now.nrs == 2 and now.kps == cf.case.kps
    kps_history = assessments_history(demo_cur2, case_id, "kps")
    assert old in {a.observed_on for a in kps_history}
    after = demo_cur2.execute(
        "SELECT after_json FROM audit_log WHERE action = 'import' AND entity = 'patient' ORDER BY seq DESC LIMIT 1"
    ).fetchall()[0][0]
    assert json.loads(after)["assessment"] == 2
