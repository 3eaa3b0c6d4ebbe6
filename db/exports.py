"""Explicit CSV exports: role-checked, audited, formulas neutralised (docs/security-requirements.md, Requirements 5).

The built-in table download is switched off (``client.disableDataExport``); these functions are
the only way data leaves the board as a file. Identifiable exports (the case list) need the
EXPORT_CASES capability; the audit trail export follows the audit view's own redaction (an
analyst gets no values, reasons or typed sign-in names). Every export writes its audit row with
the row count before the file is handed over, and every text cell that a spreadsheet would read
as a formula (starting with = + - @, tab or CR) gets a leading apostrophe.
"""

from __future__ import annotations

import io
from datetime import date

import duckdb
import pandas as pd

from core.models import Actor
from core.permissions import Capability
from core.text import csv_cell
from db import audit, cases


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheets read CJK) with every text cell neutralised."""
    safe = frame.copy()
    safe.columns = [str(csv_cell(str(c))) for c in safe.columns]
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(csv_cell)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8-sig")


def cases_csv(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    *,
    text: str | None = None,
    statuses: list[str] | None = None,
    primaries: list[str] | None = None,
    priorities: list[str] | None = None,
    streams: list[str] | None = None,
) -> bytes:
    """The filtered case list (identifiable: MRN and name) as CSV, for chair and coordinator."""
    audit.authorize(cur, actor, Capability.EXPORT_CASES, "cases")
    frame = cases.list_cases(cur, text=text, statuses=statuses, primaries=primaries, priorities=priorities, streams=streams)
    audit.record(cur, actor, "export", "cases", None, after={"format": "csv", "rows": len(frame)})
    return to_csv(frame)


def audit_csv(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    *,
    patient_id: int | None = None,
    who: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> bytes:
    """The filtered audit trail as CSV, redacted for the actor's role like the on-screen view."""
    frame = audit.search_for(cur, actor, patient_id=patient_id, actor=who, action=action, since=since, until=until)
    audit.record(cur, actor, "export", "audit_log", None, after={"format": "csv", "rows": len(frame)})
    return to_csv(frame)
