"""FHIR R4: every lecture case exports as a valid Bundle and comes back with the same clinical content;
foreign minimal Bundles import; wrong resource type, unknown code and wrong unit are refused by name."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import pytest
from fhir.resources.R4B.bundle import Bundle

from core.models import SYSTEM_ACTOR
from db.connection import connect
from db.demo import lecture_case_id
from db.interop.fhir import export_bundle_json
from db.interop.files import import_bytes
from db.interop.store import export_case_file
from tests.interop.test_casefile_json import clinical, counts

DECIMAL_KEYS = {"value", "dose_gy", "weight_kg", "height_cm", "lymph_node_max_cm", "prior_rt_dose_gy"}


def normal(data: Any) -> Any:
    """Decimals compared by value (2.3800 == 2.38 == the JSON number 2.38)."""
    if isinstance(data, dict):
        out = {}
        for k, v in data.items():
            if k in DECIMAL_KEYS and isinstance(v, str | int | float) and not isinstance(v, bool):
                with contextlib.suppress(InvalidOperation):
                    v = Decimal(str(v)).normalize()
            out[k] = normal(v)
        return out
    if isinstance(data, list):
        return [normal(v) for v in data]
    return data


@pytest.mark.parametrize("n", range(1, 8))
def test_lecture_case_fhir_round_trip(demo_cur2: duckdb.DuckDBPyConnection, empty_db: str, n: int) -> None:
    case_id = lecture_case_id(demo_cur2, n)
    cf, doc = export_case_file(demo_cur2, SYSTEM_ACTOR, case_id)
    text = export_bundle_json(demo_cur2, cf, doc)
    bundle = Bundle.model_validate_json(text)
    kinds = {e.resource.__resource_type__ for e in bundle.entry}
    assert {"Patient", "Condition", "Observation"} <= kinds
    raw = json.loads(text)
    codes = {c["code"] for e in raw["entry"] for c in (e["resource"].get("code") or {}).get("coding", [])}
    assert "94222008" in codes or not cf.lesions
    profiles = {p for e in raw["entry"] for p in (e["resource"].get("meta") or {}).get("profile", [])}
    assert any(p.endswith("mcode-primary-cancer-condition") for p in profiles)
    con = connect(empty_db)
    try:
        report = import_bytes(con, SYSTEM_ACTOR, f"case{n}.json", text.encode())
        assert report.ok and report.written, report.refused
        assert any(i.startswith("Observation/score-") for i in report.ignored)
        new_id = con.execute("SELECT max(case_id) FROM mdt_case").fetchall()[0][0]
        _, back = export_case_file(con, SYSTEM_ACTOR, new_id)
        assert normal(clinical(back)) == normal(clinical(doc))
        before = counts(con)
        again = import_bytes(con, SYSTEM_ACTOR, f"case{n}.json", text.encode())
        assert again.ok and sum(again.added.values()) == 0
        assert {k: v for k, v in counts(con).items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
    finally:
        con.close()


def foreign_bundle(**changes: Any) -> dict[str, Any]:
    """A minimal Bundle as another system writes it: Patient, a primary Condition, ECOG and a calcium."""
    today = date.today().isoformat()
    resources: list[dict[str, Any]] = [
        {
            "resourceType": "Patient",
            "id": "p1",
            "identifier": [{"system": "urn:oid:1.2.3.4", "value": "EXT-4711"}],
            "name": [{"family": "Muster", "given": ["Erika"]}],
            "gender": "female",
            "birthDate": "1961-05-02",
        },
        {"resourceType": "Organization", "id": "org", "name": "Registry"},
        {
            "resourceType": "Condition",
            "id": "c1",
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "C50.9"}]},
            "subject": {"reference": "Patient/p1"},
            "onsetDateTime": "2020-03-01",
        },
        {
            "resourceType": "Observation",
            "id": "o1",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "89247-1"}]},
            "subject": {"reference": "Patient/p1"},
            "effectiveDateTime": today,
            "valueInteger": 2,
        },
        {
            "resourceType": "Observation",
            "id": "o2",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "2000-8"}]},
            "subject": {"reference": "Patient/p1"},
            "effectiveDateTime": today,
            "valueQuantity": {"value": 10.4, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"},
        },
    ]
    for rid, patch in changes.items():
        for r in resources:
            if r["id"] == rid:
                r.update(patch)
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def test_foreign_minimal_bundle_imports(empty_cur: duckdb.DuckDBPyConnection) -> None:
    report = import_bytes(empty_cur, SYSTEM_ACTOR, "registry.json", json.dumps(foreign_bundle()).encode())
    assert report.ok and report.written, report.refused
    assert report.added["patient"] == 1 and report.added["lab_result"] == 1 and report.added["assessment"] == 1
    assert "Organization/org: not used by BoneMDT" in report.ignored
    row = empty_cur.execute(
        "SELECT p.mrn, p.display_name, c.primary_tumour, c.status, c.case_id FROM patient p JOIN mdt_case c USING (patient_id)"
    ).fetchall()
    assert [r[:4] for r in row] == [("EXT-4711", "Erika Muster", "breast", "referred")]
    ecog = empty_cur.execute("SELECT field, value FROM assessment WHERE case_id = ?", [row[0][4]]).fetchall()
    assert ecog == [("ecog", "2")]
    # mg/dL calcium converted exactly to the stored SI unit.
    value, unit = empty_cur.execute("SELECT value, unit FROM lab_result").fetchall()[0]
    assert unit == "mmol/L" and abs(float(value) - 10.4 / 4.008) < 1e-3


@pytest.mark.parametrize(
    ("bundle", "place"),
    [
        ({"resourceType": "Patient", "id": "x", "gender": "female"}, "resourceType: Patient is not a Bundle"),
        (
            foreign_bundle(o1={"code": {"coding": [{"system": "http://loinc.org", "code": "99999-9"}]}}),
            "Observation/o1.code.coding",
        ),
        (
            foreign_bundle(c1={"code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "Z99"}]}}),
            "Condition/c1.code.coding",
        ),
        (
            foreign_bundle(o2={"valueQuantity": {"value": 2.4, "system": "http://unitsofmeasure.org", "code": "mmol/mol"}}),
            "Observation/o2.valueQuantity.code",
        ),
        (
            foreign_bundle(o2={"valueQuantity": {"value": 2.4, "system": "http://unitsofmeasure.org", "code": "g/L"}}),
            "Observation/o2 (labs[0])",
        ),
        (foreign_bundle(p1={"birthDate": "not-a-date"}), "Patient/p1.birthDate"),
    ],
)
def test_bad_bundles_are_refused_naming_resource_and_element(
    empty_cur: duckdb.DuckDBPyConnection, bundle: dict[str, Any], place: str
) -> None:
    before = counts(empty_cur)
    report = import_bytes(empty_cur, SYSTEM_ACTOR, "bad.json", json.dumps(bundle).encode())
    assert not report.ok and not report.written
    assert any(r.startswith(place) for r in report.refused), report.refused
    assert counts(empty_cur) == before
