"""CSV tables into case-file documents: one file per table, one case per patient (docs/import-format.md).

``patients.csv`` and ``cases.csv`` are required; ``assessments.csv``, ``lesions.csv``,
``imaging.csv``, ``labs.csv``, ``treatments.csv`` and ``events.csv`` are optional. Every row names
its patient by ``mrn``; the columns are the case-file fields (same names, same models), lists are
separated by ``;``, dates are ISO (``YYYY-MM-DD``), units explicit (a lab row has its ``unit``), an
empty cell is "not recorded". A refusal names the file, the row (the line number, header = 1) and
the column.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from datetime import date
from typing import Any, get_args, get_origin

from core.assessments import ASSESSED_FIELDS
from core.casefile import json_schema
from core.interop.documents import MAX_IMPORT_BYTES, Parsed, validate_document
from core.interop.report import ImportReport
from core.models import Case

# file -> (document section, required file)
TABLES: dict[str, tuple[str, bool]] = {
    "patients.csv": ("patient", True),
    "cases.csv": ("case", True),
    "assessments.csv": ("assessments", False),
    "lesions.csv": ("lesions", False),
    "imaging.csv": ("studies", False),
    "labs.csv": ("labs", False),
    "treatments.csv": ("treatments", False),
    "events.csv": ("events", False),
}
LIST_SEPARATOR = ";"


@functools.cache
def columns() -> dict[str, dict[str, Any]]:
    """Per file, the accepted columns (besides ``mrn``) and their schema (from the case-file schema)."""
    schema = json_schema()
    out: dict[str, dict[str, Any]] = {}
    for name, (section, _) in TABLES.items():
        spec = schema["properties"][section]
        ref = (spec.get("items") or spec)["$ref"].rsplit("/", 1)[-1]
        props = dict(schema["$defs"][ref]["properties"])
        if section == "patient":
            props.pop("mrn")
        out[name] = props
    return out


def _is_list(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "array" or any(p.get("type") == "array" for p in prop.get("anyOf", []))


@functools.cache
def list_columns(name: str) -> frozenset[str]:
    """The columns of one table that hold lists (cells separated by ``;``)."""
    return frozenset(k for k, prop in columns()[name].items() if _is_list(prop))


@functools.cache
def _assessed_is_list(field: str) -> bool:
    annotation = Case.model_fields[field].annotation
    return get_origin(annotation) is tuple or any(get_origin(a) is tuple for a in get_args(annotation))


def _read(name: str, data: bytes, report: ImportReport) -> list[tuple[int, dict[str, str]]] | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.refuse(name, f"is not UTF-8 text (byte {exc.start})")
        return None
    # csv.reader rather than DictReader (the same rows, one dict per row built by zip): blank lines
    # are skipped, short rows read as empty cells, long rows refused.
    reader = csv.reader(io.StringIO(text, newline=""))
    raw_header = next(reader, [])
    header = [h.strip() for h in raw_header]
    if "mrn" not in header:
        report.refuse(f"{name} column mrn", "is missing (every row names its patient by MRN)")
        return None
    allowed = columns()[name]
    for h in header:
        if h != "mrn" and h not in allowed:
            report.refuse(f"{name} column {h}", "is not a column of this table (see docs/import-format.md)")
    width = len(header)
    rows = []
    for cells in reader:
        if not cells:
            continue
        if len(cells) > width:
            report.refuse(f"{name} row {reader.line_num}", "has more cells than the header")
            continue
        values = [c.strip() for c in cells]
        if len(values) < width:
            values += [""] * (width - len(values))
        rows.append((reader.line_num, dict(zip(header, values, strict=True))))
    return rows


def _cells(row: dict[str, str], lists: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k == "mrn" or v == "":
            continue
        out[k] = [x.strip() for x in v.split(LIST_SEPARATOR) if x.strip()] if k in lists else v
    return out


def parse_csv_tables(files: dict[str, bytes], report: ImportReport, as_of: date) -> list[Parsed]:
    """The validated documents of a set of CSV tables (file name -> bytes)."""
    report.kind = "csv"
    names = {n.rsplit("/", 1)[-1].lower(): data for n, data in files.items()}
    for name in names:
        if name not in TABLES:
            report.refuse(name, f"is not a table of the import (expected: {', '.join(TABLES)})")
    for name, (_, required) in TABLES.items():
        if required and name not in names:
            report.refuse(name, "is missing")
    if not report.ok:
        return []
    tables = {name: _read(name, names[name], report) for name in TABLES if name in names}
    if not report.ok:
        return []
    docs: dict[str, dict[str, Any]] = {}
    places: dict[str, dict[str, str]] = {}
    for line, row in tables["patients.csv"] or []:
        mrn = row.get("mrn", "")
        key = mrn.casefold()
        if key in docs:
            report.refuse(f"patients.csv row {line}, column mrn", "repeats an MRN of this file")
            continue
        docs[key] = {"format": "bonemdt-case/1", "patient": {"mrn": mrn, **_cells(row, list_columns("patients.csv"))}, "case": {}}
        places[key] = {"patient": f"patients.csv row {line}"}
    seen_case: set[str] = set()
    for name, (section, _) in TABLES.items():
        if name == "patients.csv" or tables.get(name) is None:
            continue
        for line, row in tables[name] or []:
            key = row.get("mrn", "").casefold()
            if key not in docs:
                report.refuse(f"{name} row {line}, column mrn", "names no patient of patients.csv")
                continue
            cells = _cells(row, list_columns(name))
            doc = docs[key]
            if section == "case":
                if key in seen_case:
                    report.refuse(f"{name} row {line}, column mrn", "a second case for this patient (one case per file)")
                    continue
                seen_case.add(key)
                doc["case"] = cells
                places[key]["case"] = f"{name} row {line}"
                continue
            if section == "assessments" and "field" in cells:
                field = cells["field"]
                if field in ASSESSED_FIELDS and _assessed_is_list(field):
                    # a list field's row with an empty value records "none found" (e.g. examined,
                    # no neurological signs), not a missing value
                    value = str(cells.get("value", ""))
                    cells["value"] = [x.strip() for x in value.split(LIST_SEPARATOR) if x.strip()]
            items = doc.setdefault(section, [])
            places[key][f"{section}[{len(items)}]"] = f"{name} row {line}"
            items.append(cells)
    for key in docs:
        if key not in seen_case:
            report.refuse(places[key]["patient"], "has no row in cases.csv")
    if not report.ok:
        return []
    out = []
    for key, doc in docs.items():
        inner = ImportReport(source=report.source)
        parsed = validate_document(doc, "case", inner, as_of)
        for refusal in inner.refused:
            where, _, why = refusal.removeprefix("case: ").partition(": ")
            section, _, column = where.partition(".")
            place = places[key].get(section) or places[key].get(section.split("[")[0]) or places[key]["patient"]
            report.refuse(f"{place}, column {column.split('.')[0]}" if column else place, why)
        if parsed is not None:
            out.append(parsed)
    # validate_document counted documents; the report counts rows of the tables.
    report.mapped[:] = [f"{name} row {line}" for name, rows in tables.items() for line, _ in rows or []] if report.ok else []
    return out


def parse_csv_zip(data: bytes, report: ImportReport, as_of: date) -> list[Parsed]:
    """CSV tables in a .zip (files at any depth; other entries refused)."""
    report.kind = "csv"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        report.refuse("file", "is not a readable .zip archive")
        return []
    files: dict[str, bytes] = {}
    with archive:
        total = 0
        for info in archive.infolist():
            if info.is_dir() or info.filename.rsplit("/", 1)[-1].startswith("."):
                continue
            total += info.file_size
            if total > 4 * MAX_IMPORT_BYTES:
                report.refuse("file", "unpacks to more than 40 MB")
                return []
            files[info.filename] = archive.read(info)
    return parse_csv_tables(files, report, as_of)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(_cell(v) for v in value)
    return str(value)


def write_csv_tables(documents: list[dict[str, Any]]) -> dict[str, str]:
    """Case-file documents as CSV tables (file name -> text), the inverse of
    :func:`parse_csv_tables`: per table, ``mrn`` and the columns some document fills, in the
    schema's order. docs/examples/csv/ is written with it from the lecture cases."""
    out: dict[str, str] = {}
    for name, (section, _) in TABLES.items():
        rows: list[dict[str, Any]] = []
        for doc in documents:
            mrn = doc["patient"]["mrn"]
            part = doc.get(section)
            for item in [part] if isinstance(part, dict) else part or []:
                rows.append({**item, "mrn": mrn})
        if not rows:
            continue
        header = ["mrn", *(c for c in columns()[name] if any(c in r for r in rows))]
        text = io.StringIO(newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(r.get(c)) for c in header] for r in rows)
        out[name] = text.getvalue()
    return out
