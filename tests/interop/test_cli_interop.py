"""The interop commands through ``db.cli.main`` (argv), and the installed console script once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from db.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "lecture_case_2.json"


def test_evaluate_prints_scores_flags_and_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(EXAMPLE)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True
    ids = {s["id"] for s in out["scores"]}
    assert {"sins", "bilsky_escc", "tokuhashi_revised", "tomita"} <= ids
    for s in out["scores"]:
        assert {"id", "total", "band", "missing", "flags"} <= set(s)
    for h in out["red_flags"]:
        assert {"rule_id", "urgency", "reason", "cannot_exclude"} <= set(h)
    assert all({"rule_id", "specialty", "urgency"} <= set(h) for h in out["suggestions"])


def test_evaluate_in_chinese_and_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(EXAMPLE), "--lang", "zh", "--as-of", "2026-12-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lang"] == "zh" and out["as_of"] == "2026-12-01"
    assert any("分" in s["label"] or "级" in s["label"] for s in out["scores"])


def test_evaluate_invalid_file_exits_2_naming_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["lesions"][0]["level"] = "T13"
    doc["labs"][0]["unit"] = "furlongs"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", str(bad)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "case: lesions[0]" in err and "case: labs[0]" in err


def test_evaluate_malformed_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "bonemdt-case/1",', encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", str(bad)])
    assert exc.value.code == 2
    assert "line 1, column" in capsys.readouterr().err


def test_export_import_round_trip_via_cli(
    demo_db: str, empty_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c3.json"
    assert main(["export", "3", "--db", str(demo_db), "-o", str(out)]) == 0
    assert main(["export", "3", "--db", str(demo_db), "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["import", str(out), "--db", str(empty_db), "--dry-run"]) == 0
    assert "dry run, nothing written" in capsys.readouterr().out
    assert main(["import", str(out), "--db", str(empty_db)]) == 0
    assert "patient 1" in capsys.readouterr().out
    assert main(["import", str(out), "--db", str(empty_db)]) == 0
    assert "nothing new" in capsys.readouterr().out


def test_import_refusal_exits_2(empty_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["import", str(bad), "--db", str(empty_db)])
    assert exc.value.code == 2
    assert "case 1: is not a JSON object" in capsys.readouterr().err


def test_export_unknown_case_fails(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "999999", "--db", str(demo_db)]) == 1
    assert "999999" in capsys.readouterr().err


def test_console_script_evaluate() -> None:
    exe = Path(sys.executable).parent / "bonemdt"
    done = subprocess.run([str(exe), "evaluate", str(EXAMPLE)], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True


def test_export_fhir_and_import_bundle_via_cli(
    demo_db: str, empty_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export-fhir", "5", "--db", str(demo_db)]) == 0
    bundle = json.loads(capsys.readouterr().out)
    assert bundle["resourceType"] == "Bundle"
    out = tmp_path / "b.json"
    assert main(["export", "5", "--format", "fhir", "--db", str(demo_db), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["entry"] == bundle["entry"]
    capsys.readouterr()
    assert main(["import", str(out), "--db", str(empty_db)]) == 0
    assert "patient 1" in capsys.readouterr().out


def test_import_csv_folder_via_cli(empty_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(ROOT / "docs" / "examples" / "csv"), "--db", str(empty_db), "--dry-run"]) == 0
    assert "patient 7" in capsys.readouterr().out


def test_case_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["case-schema"]) == 0
    assert json.loads(capsys.readouterr().out)["properties"]["format"] == {"const": "bonemdt-case/1"}


def test_evaluate_with_the_store_policies(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(EXAMPLE), "--db", str(demo_db), "--db-policy"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
