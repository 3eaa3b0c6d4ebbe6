"""``bonemdt`` commands for cases in and out: evaluate, import, export, export-fhir, case-schema.

``evaluate`` needs no store: it reads a case file and prints what the board would show. The others
take ``--db`` like every command. Registered from db/cli.py by :func:`register`.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from core.casefile import field_reference, json_schema
from core.interop.documents import MAX_IMPORT_BYTES, parse_case_files
from core.interop.evaluate import evaluate_case_file
from core.interop.report import ImportReport
from core.models import SYSTEM_ACTOR
from db.connection import store_target


class InvalidInput(Exception):
    """An input file the command refuses: the errors are printed, the exit code is 2."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


def _fail(errors: list[str], payload: dict[str, Any] | None = None) -> None:
    """Print the refusals (and the JSON payload, if any) and exit 2."""
    if payload is not None:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    for e in errors:
        print(f"bonemdt: error: {e}", file=sys.stderr)
    raise SystemExit(2)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be an ISO date (YYYY-MM-DD)") from None


def cmd_evaluate(args: argparse.Namespace) -> str:
    path = Path(args.file)
    if not path.is_file():
        _fail([f"{path}: no such file"])
    if path.stat().st_size > MAX_IMPORT_BYTES:
        _fail([f"{path}: file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB"])
    report = ImportReport(source=path.name)
    parsed = parse_case_files(path.read_bytes(), report, args.as_of or date.today())
    if not report.ok:
        _fail(report.refused, {"ok": False, "errors": report.refused})
    if len(parsed) != 1:
        _fail([f"{path}: evaluate takes one case file; this file holds {len(parsed)}"])
    policy = None
    if args.db_policy:
        from db.cli import _open
        from db.policies import load_policy

        con = _open(store_target(args.db))
        try:
            policy = load_policy(con)
        finally:
            con.close()
    result = evaluate_case_file(parsed[0].case_file, policy, args.lang)
    return json.dumps({"ok": True, **result}, ensure_ascii=False, indent=2)


def cmd_import(args: argparse.Namespace) -> str:
    from db.cli import CliError, _open
    from db.interop.files import import_path

    path = Path(args.file)
    if not path.exists():
        raise CliError(f"{path}: no such file or folder")
    con = _open(store_target(args.db))
    try:
        report = import_path(con, SYSTEM_ACTOR, path, dry_run=args.dry_run)
    finally:
        con.close()
    if not report.ok:
        _fail(report.refused, report.as_dict())
    lines = [report.summary(), *(f"conflict: {c}" for c in report.conflicts)]
    return "\n".join(lines)


def _export(case_id: int, fmt: str, db: str, out: str | None) -> str:
    from core.errors import NotFoundError
    from db.cli import CliError, _open
    from db.interop.store import export_case_file

    con = _open(store_target(db))
    try:
        try:
            cf, doc = export_case_file(con, SYSTEM_ACTOR, case_id)
        except NotFoundError as exc:
            raise CliError(str(exc)) from exc
        if fmt == "fhir":
            from db.interop.fhir import export_bundle_json

            text = export_bundle_json(con, cf, doc)
        else:
            text = doc.to_json()
    finally:
        con.close()
    if out is None:
        return text
    Path(out).write_text(text + "\n", encoding="utf-8")
    return f"case {case_id} written to {out} ({fmt})"


def cmd_export(args: argparse.Namespace) -> str:
    return _export(args.case_id, args.format, args.db, args.output)


def cmd_export_fhir(args: argparse.Namespace) -> str:
    return _export(args.case_id, "fhir", args.db, args.output)


REFERENCE_MARK = "## Field reference\n"


def cmd_case_schema(args: argparse.Namespace) -> str:
    if args.markdown:
        # Replace the generated part of docs/case-file.md (everything after the field-reference heading).
        if args.output is None:
            return field_reference()
        doc = Path(args.output)
        head = doc.read_text(encoding="utf-8").split(REFERENCE_MARK)[0] if doc.exists() else ""
        doc.write_text(head + REFERENCE_MARK + "\n" + field_reference(), encoding="utf-8")
        return f"field reference written to {args.output}"
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False)
    if args.output is None:
        return text
    Path(args.output).write_text(text + "\n", encoding="utf-8")
    return f"schema written to {args.output}"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the interop commands to the ``bonemdt`` parser."""
    e = sub.add_parser("evaluate", parents=[common], help="scores, red flags and suggestions of a case file (no store needed)")
    e.add_argument("file", help="a bonemdt-case/1 JSON file")
    e.add_argument("--as-of", type=_date, help="evaluate as on this date (default: today)")
    e.add_argument("--lang", choices=["en", "zh"], default="en")
    e.add_argument("--db-policy", action="store_true", help="use the department policies of the store given by --db")
    e.set_defaults(func=cmd_evaluate)
    i = sub.add_parser("import", parents=[common], help="import a case file, a FHIR Bundle or CSV tables (folder or .zip)")
    i.add_argument("file")
    i.add_argument("--dry-run", action="store_true", help="validate and report; change nothing")
    i.set_defaults(func=cmd_import)
    x = sub.add_parser("export", parents=[common], help="a case as a case file (json) or a FHIR R4 Bundle (fhir)")
    x.add_argument("case_id", type=int)
    x.add_argument("--format", choices=["json", "fhir"], default="json")
    x.add_argument("-o", "--output", help="file to write (default: standard output)")
    x.set_defaults(func=cmd_export)
    f = sub.add_parser("export-fhir", parents=[common], help="a case as a FHIR R4 Bundle (short for export --format fhir)")
    f.add_argument("case_id", type=int)
    f.add_argument("-o", "--output")
    f.set_defaults(func=cmd_export_fhir)
    s = sub.add_parser("case-schema", parents=[common], help="the JSON Schema of the case file (docs/case-file.schema.json)")
    s.add_argument("-o", "--output")
    s.add_argument("--markdown", action="store_true", help="the field reference of docs/case-file.md instead")
    s.set_defaults(func=cmd_case_schema)
