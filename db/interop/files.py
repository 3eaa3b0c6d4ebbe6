"""One import entry point for every file kind: a case-file JSON, a FHIR Bundle (JSON with
``"resourceType": "Bundle"``), or CSV tables (a folder or a .zip of them). Used by the
``bonemdt import`` command and the Admin page's import panel."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

from core.interop.documents import MAX_IMPORT_BYTES, Parsed, check_size, parse_case_files
from core.interop.report import ImportReport
from core.models import Actor
from db.interop.store import authorize_import, write_import

# What the Admin page accepts (the CLI also takes a folder of CSV files).
UPLOAD_TYPES = ("json", "zip")


def _is_bundle(data: bytes) -> bool:
    """A JSON object with a ``resourceType`` (FHIR); anything else goes to the case-file reader,
    which names the line and column of malformed JSON."""
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(raw, dict) and "resourceType" in raw


def parse_bytes(name: str, data: bytes, report: ImportReport, as_of: date) -> list[Parsed]:
    """The validated documents of one uploaded file (refusals in the report)."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if not check_size(data, report):
        return []
    if suffix == "zip":
        from core.interop.csv_tables import parse_csv_zip

        return parse_csv_zip(data, report, as_of)
    if suffix != "json":
        report.refuse("file", f"type .{suffix or '?'} is not accepted; use .json (case file or FHIR Bundle) or .zip (CSV tables)")
        return []
    if _is_bundle(data):
        from core.interop.fhir_import import parse_bundle

        return parse_bundle(data, report, as_of)
    return parse_case_files(data, report, as_of)


def import_bytes(
    cur: duckdb.DuckDBPyConnection, actor: Actor, name: str, data: bytes, *, dry_run: bool = False
) -> ImportReport:
    """Validate and write one file (all or nothing); the report says what happened."""
    authorize_import(cur, actor)
    report = ImportReport(source=Path(name).name)
    parsed = parse_bytes(name, data, report, date.today())
    return write_import(cur, actor, parsed, report, dry_run=dry_run)


def import_path(cur: duckdb.DuckDBPyConnection, actor: Actor, path: Path, *, dry_run: bool = False) -> ImportReport:
    """``bonemdt import PATH``: a file, or a folder of CSV tables."""
    authorize_import(cur, actor)
    if path.is_dir():
        from core.interop.csv_tables import parse_csv_tables

        report = ImportReport(source=path.name)
        tables: dict[str, bytes] = {}
        total = 0
        for f in sorted(path.glob("*.csv")):
            tables[f.name] = f.read_bytes()
            total += len(tables[f.name])
        if total > MAX_IMPORT_BYTES:
            limit = MAX_IMPORT_BYTES // (1024 * 1024)
            report.refuse("folder", f"holds {total / 1024 / 1024:.1f} MB of CSV; the limit is {limit} MB")
            parsed: list[Parsed] = []
        else:
            parsed = parse_csv_tables(tables, report, date.today())
        return write_import(cur, actor, parsed, report, dry_run=dry_run)
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        report = ImportReport(source=path.name)
        report.refuse("file", f"is {size / 1024 / 1024:.1f} MB; the limit is {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
        return write_import(cur, actor, [], report, dry_run=dry_run)
    return import_bytes(cur, actor, path.name, path.read_bytes(), dry_run=dry_run)
