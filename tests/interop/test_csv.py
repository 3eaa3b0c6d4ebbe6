"""CSV tables: the example folder imports as the seven lecture cases; a bad date in row 37 is refused
by file, row and column with nothing written; zip upload; unknown columns and MRNs refused."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

from core.casefile import CaseDocument
from core.models import SYSTEM_ACTOR
from db.interop.files import import_bytes, import_path
from db.interop.store import export_case_file
from tests.interop.test_casefile_json import EXAMPLES, clinical, counts
from tests.interop.test_fhir import normal

CSV_DIR = Path(__file__).resolve().parents[2] / "docs" / "examples" / "csv"


def unordered(data: dict[str, Any]) -> dict[str, Any]:
    """A document with the rows of each list section in a fixed order (an export lists them in the
    board's order, a file in the order it was written)."""
    return {
        k: sorted(v, key=lambda r: json.dumps(r, sort_keys=True, default=str)) if isinstance(v, list) else v
        for k, v in data.items()
    }


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "csv"
    target.mkdir()
    for f in CSV_DIR.glob("*.csv"):
        (target / f.name).write_bytes(f.read_bytes())
    return target


def test_example_folder_imports_the_lecture_cases(empty_cur: duckdb.DuckDBPyConnection) -> None:
    report = import_path(empty_cur, SYSTEM_ACTOR, CSV_DIR)
    assert report.ok and report.written, report.refused
    assert report.added["patient"] == 7 and report.added["mdt_case"] == 7
    for path in EXAMPLES:
        doc = CaseDocument.model_validate_json(path.read_text(encoding="utf-8"))
        mrn = doc.patient["mrn"]
        case_id = empty_cur.execute(
            "SELECT case_id FROM mdt_case JOIN patient USING (patient_id) WHERE mrn = ?", [mrn]
        ).fetchall()[0][0]
        _, back = export_case_file(empty_cur, SYSTEM_ACTOR, case_id)
        assert unordered(normal(clinical(back))) == unordered(normal(clinical(doc))), path.name
    again = import_path(empty_cur, SYSTEM_ACTOR, CSV_DIR)
    assert again.ok and sum(again.added.values()) == 0


def test_bad_date_in_row_37_is_refused_by_place(empty_cur: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    lines = (folder / "labs.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[36].split(",")
    cells[header.index("taken_on")] = "2026-02-30"
    lines[36] = ",".join(cells)
    (folder / "labs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = counts(empty_cur)
    report = import_path(empty_cur, SYSTEM_ACTOR, folder)
    assert not report.ok and not report.written
    assert any(r.startswith("labs.csv row 37, column taken_on:") for r in report.refused), report.refused
    assert counts(empty_cur) == before


def test_zip_upload_and_dry_run(empty_cur: duckdb.DuckDBPyConnection) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in CSV_DIR.glob("*.csv"):
            z.writestr(f"export/{f.name}", f.read_bytes())
    before = counts(empty_cur)
    report = import_bytes(empty_cur, SYSTEM_ACTOR, "tables.zip", buf.getvalue(), dry_run=True)
    assert report.ok and report.added["patient"] == 7 and not report.written
    assert counts(empty_cur) == before


@pytest.mark.parametrize(
    ("file", "edit", "place"),
    [
        ("labs.csv", lambda t: t.replace("taken_on", "taken_at", 1), "labs.csv column taken_at"),
        ("events.csv", lambda t: t + "NOBODY-1,death,2026-01-01,,\n", "events.csv row"),
        ("lesions.csv", lambda t: t.replace(",T9,", ",T13,", 1), "lesions.csv row"),
    ],
)
def test_bad_tables_are_refused(empty_cur: duckdb.DuckDBPyConnection, tmp_path: Path, file: str, edit, place: str) -> None:
    folder = _copy(tmp_path)
    (folder / file).write_text(edit((folder / file).read_text(encoding="utf-8")), encoding="utf-8")
    report = import_path(empty_cur, SYSTEM_ACTOR, folder)
    assert not report.ok and any(r.startswith(place) for r in report.refused), report.refused
    assert empty_cur.execute("SELECT count(*) FROM patient").fetchall()[0][0] == 0


def test_examples_agree_with_json_examples() -> None:
    mrns = {json.loads(p.read_text(encoding="utf-8"))["patient"]["mrn"] for p in EXAMPLES}
    assert mrns == {line.split(",")[0] for line in (CSV_DIR / "patients.csv").read_text(encoding="utf-8").splitlines()[1:]}
