"""STYLE.md's layering rule, kept by the machine: core is pure; db never imports streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "core": {"streamlit", "duckdb", "plotly", "pandas", "db", "pages"},
    "db": {"streamlit", "pages", "plotly"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer: str) -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & FORBIDDEN[layer])
        for p in (ROOT / layer).rglob("*.py")
        if _imports(p) & FORBIDDEN[layer]
    }
    assert offenders == {}


def test_no_html_sinks_in_app_code() -> None:
    sinks = ("unsafe_allow_html=True", "st.html(", "components.v1", "unsafe_allow_javascript")
    files = [ROOT / "streamlit_app.py", *(ROOT / "pages").rglob("*.py")]
    hits = [f"{p.name}: {s}" for p in files for s in sinks if s in p.read_text(encoding="utf-8")]
    assert hits == []


def test_no_sql_built_with_fstrings() -> None:
    import re

    pattern = re.compile(r"(execute|sql|query)\(\s*f[\"']")
    hits = [str(p) for p in (ROOT / "db").rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert hits == []
