"""The set-based CSV import against the case-by-case one: a 200-case file (half of its patients
already stored, some with new facts and a differing name) leaves the store exactly as importing
each case on its own does; refusals in a large file still name file, row and column; the CSV
reader's row rules; the garbage collector is back on after an import."""

from __future__ import annotations

import csv
import functools
import gc
import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from core.interop.csv_tables import parse_csv_tables
from core.interop.report import ImportReport
from core.models import SYSTEM_ACTOR
from db.connection import connect
from db.interop.files import gc_paused, import_bytes, import_path
from db.interop.store import export_case_file
from tests.conftest import Stores
from tests.interop.test_casefile_json import COUNT_TABLES, clinical, counts
from tests.interop.test_csv import CSV_DIR
from tests.interop.test_fhir import normal

Tables = dict[str, list[dict[str, str]]]
LAB = {"analyte": "calcium", "value": "2.41", "unit": "mmol/L", "taken_on": "2026-10-01"}


@functools.cache
def _example_tables() -> tuple[dict[str, list[str]], Tables]:
    headers: dict[str, list[str]] = {}
    rows: Tables = {}
    for src in sorted(CSV_DIR.glob("*.csv")):
        with src.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            headers[src.name] = list(reader.fieldnames or [])
            rows[src.name] = list(reader)
    return headers, rows


def _examples() -> tuple[dict[str, list[str]], Tables]:
    headers, rows = _example_tables()
    return headers, {name: [dict(r) for r in table] for name, table in rows.items()}


def _cases(n: int) -> Tables:
    """N cases made from the seven lecture cases' rows (MRNs BULK-0001…, in turn)."""
    _, rows = _examples()
    templates = sorted({r["mrn"] for r in rows["patients.csv"]})
    out: Tables = {name: [] for name in rows}
    for i in range(n):
        mrn = f"BULK-{i + 1:04d}"
        for name, table in rows.items():
            for r in table:
                if r["mrn"] == templates[i % len(templates)]:
                    out[name].append({**r, "mrn": mrn, **({"lecture_case": ""} if "lecture_case" in r else {})})
    return out


def _text(name: str, rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=_examples()[0][name], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _zip(tables: Tables, keep: Callable[[str], bool] = lambda mrn: True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, rows in tables.items():
            z.writestr(name, _text(name, [r for r in rows if keep(r["mrn"])]))
    return buf.getvalue()


def _store_content(cur: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Every case as its exported case file (clinical content, lesion links by ref), by MRN."""
    rows = cur.execute("SELECT mrn, case_id FROM mdt_case JOIN patient USING (patient_id) ORDER BY mrn, case_id").fetchall()
    return {mrn: normal(clinical(export_case_file(cur, SYSTEM_ACTOR, case_id)[1])) for mrn, case_id in rows}


def _data_counts(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: n for t, n in counts(cur).items() if t in (*COUNT_TABLES, "assessment") and t != "audit_log"}


def test_a_200_case_file_equals_importing_each_case_on_its_own(empty_db: str, stores: Stores) -> None:
    tables = _cases(200)
    mrns = [r["mrn"] for r in tables["patients.csv"]]
    first = set(mrns[:150])
    # The second file: every case; 50 new patients, 25 stored ones with a new lab, one with a differing name.
    second = {name: [dict(r) for r in rows] for name, rows in tables.items()}
    second["labs.csv"] += [{"mrn": m, **LAB} for m in mrns[:25]]
    second["patients.csv"][2]["display_name"] = "Renamed In The Registry"
    changed = set(mrns[:25]) | set(mrns[150:])

    one_by_one_db = stores.copy(empty_db)
    bulk, single = connect(empty_db), connect(one_by_one_db)
    try:
        reports = [import_bytes(bulk, SYSTEM_ACTOR, "first.zip", _zip(tables, first.__contains__))]
        reports.append(import_bytes(bulk, SYSTEM_ACTOR, "second.zip", _zip(second)))
        assert all(r.ok and r.written for r in reports), [r.refused[:3] for r in reports]
        assert reports[1].matched_patients == 150 and reports[1].added["patient"] == 50
        assert reports[1].added["lab_result"] == 25 + sum(1 for r in tables["labs.csv"] if r["mrn"] not in first)

        conflicts: list[str] = []
        for mrn in mrns[:150]:
            one = import_bytes(single, SYSTEM_ACTOR, f"{mrn}.zip", _zip(tables, mrn.__eq__))
            assert one.ok and one.written, one.refused[:3]
        # The second file's cases one by one (those it leaves unchanged would add nothing: see below).
        for mrn in sorted(changed):
            one = import_bytes(single, SYSTEM_ACTOR, f"{mrn}.zip", _zip(second, mrn.__eq__))
            assert one.ok and one.written, one.refused[:3]
            conflicts += one.conflicts
        assert sorted(reports[1].conflicts) == sorted(conflicts) != []
        assert _data_counts(bulk) == _data_counts(single)
        assert _store_content(bulk) == _store_content(single)
        # Importing the second file once more adds nothing.
        again = import_bytes(bulk, SYSTEM_ACTOR, "second.zip", _zip(second))
        assert again.ok and sum(again.added.values()) == 0 and again.matched_patients == 200
    finally:
        bulk.close()
        single.close()


def test_refusals_in_a_200_case_file_name_file_row_and_column(empty_cur: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    tables = _cases(200)
    tables["labs.csv"][35]["taken_on"] = "2026-02-30"  # line 37 (the header is line 1)
    tables["lesions.csv"][299]["bilsky"] = "7"  # line 301
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, rows in tables.items():
        (folder / name).write_text(_text(name, rows), encoding="utf-8")
    before = counts(empty_cur)
    report = import_path(empty_cur, SYSTEM_ACTOR, folder)
    assert not report.ok and not report.written
    assert any(r.startswith("labs.csv row 37, column taken_on:") for r in report.refused), report.refused
    assert any(r.startswith("lesions.csv row 301, column bilsky:") for r in report.refused), report.refused
    assert len(report.refused) == 2
    assert counts(empty_cur) == before
    dry = import_path(empty_cur, SYSTEM_ACTOR, folder, dry_run=True)
    assert dry.refused == report.refused and counts(empty_cur) == before


def test_csv_rows_blank_short_and_long(tmp_path: Path) -> None:
    """Blank lines are skipped, a short row reads its missing cells as empty, a longer row than
    the header is refused by its line number."""
    _, rows = _examples()
    one = {name: [r for r in table if r["mrn"] == "DEMO-LC0001"] for name, table in rows.items()}
    files = {name: _text(name, table).encode() for name, table in one.items()}
    files["patients.csv"] = files["patients.csv"] + b"\n"
    labs = _text("labs.csv", one["labs.csv"]).splitlines()
    labs[1] = ",".join(labs[1].split(",")[:4])  # no taken_on cell: empty, so "required"
    files["labs.csv"] = ("\n".join(labs[:2]) + "\n\n" + "\n".join(labs[2:]) + "\n").encode()
    report = ImportReport(source="t")
    parse_csv_tables(files, report, as_of=date(2026, 12, 1))
    assert [r.split(":")[0] for r in report.refused] == ["labs.csv row 2, column taken_on"], report.refused

    files["labs.csv"] = ("\n".join(labs[:1]) + "\n" + labs[2] + ",extra\n").encode()
    report = ImportReport(source="t")
    parse_csv_tables(files, report, as_of=date(2026, 12, 1))
    assert report.refused == ["labs.csv row 2: has more cells than the header"]


@pytest.mark.parametrize("was_on", [True, False])
def test_the_collector_is_back_as_it_was_after_an_import(was_on: bool) -> None:
    (gc.enable if was_on else gc.disable)()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is was_on
        with pytest.raises(RuntimeError), gc_paused():
            raise RuntimeError("a failed import")
        assert gc.isenabled() is was_on
    finally:
        gc.enable()
