"""Reading case-file JSON: one ``bonemdt-case/1`` document, or a JSON array of them, per file.

Every refusal names its place (``case 2: lesions[0].level``); the caller writes nothing when the
report holds any refusal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from core.assessments import Assessment
from core.casefile import CaseDocument
from core.errors import FieldError
from core.interop.report import ImportReport
from core.models import CaseFile

# The Admin page's upload limit (.streamlit/config.toml maxUploadSize) holds for the CLI too.
MAX_IMPORT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Parsed:
    """One document of a file, validated: where it came from, the document and its CaseFile."""

    label: str
    document: CaseDocument
    case_file: CaseFile
    assessments: tuple[Assessment, ...] = ()


def check_size(data: bytes, report: ImportReport) -> bool:
    if len(data) > MAX_IMPORT_BYTES:
        report.refuse("file", f"is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
        return False
    return True


def load_json(data: bytes, report: ImportReport) -> Any:
    """The file's JSON, or None with a refusal naming line and column."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        report.refuse("file", f"is not UTF-8 text (byte {exc.start})")
    except json.JSONDecodeError as exc:
        report.refuse(f"line {exc.lineno}, column {exc.colno}", f"malformed JSON ({exc.msg})")
    return None


def validate_document(raw: Any, label: str, report: ImportReport, as_of: date, *, today: date | None = None) -> Parsed | None:
    """One document validated into its CaseFile; refusals go to the report, prefixed by ``label``.
    No date may lie after ``today`` (default: the wall clock)."""
    if not isinstance(raw, dict):
        report.refuse(label, "is not a JSON object")
        return None
    try:
        doc = CaseDocument.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors(include_input=False):
            loc = ".".join(str(p) for p in err["loc"])
            report.refuse(f"{label}: {loc}", err["msg"])
        return None
    try:
        cf, assessments = doc.validated(as_of, today=today)
    except FieldError as exc:
        for where, msg in exc.errors.items():
            report.refuse(f"{label}: {where}", msg)
        return None
    report.mapped.append(label)
    return Parsed(label, doc, cf, assessments)


def parse_case_files(data: bytes, report: ImportReport, as_of: date) -> list[Parsed]:
    """Every document of a case-file JSON (one object, or an array of objects)."""
    report.kind = "json"
    if not check_size(data, report):
        return []
    raw = load_json(data, report)
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for i, item in enumerate(items):
        label = f"case {i + 1}" if isinstance(raw, list) else "case"
        parsed = validate_document(item, label, report, as_of)
        if parsed is not None:
            out.append(parsed)
    return out
