"""The message catalogue: every key in English and Chinese; every key the app uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.i18n import MESSAGES, t

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_present(key: str) -> None:
    en, zh = MESSAGES[key]
    assert en.strip() and zh.strip()
    # Names and symbols (ECOG, "{value} kBq") may read the same in both; any other text needs Chinese.
    if re.sub(r"\W", "", zh) != re.sub(r"\W", "", en):
        assert CJK.search(zh), f"{key}: Chinese text has no Chinese characters"
    # Chinese may leave out an English-only detail, never ask for a value English does not give.
    assert set(re.findall(r"{(\w+)}", zh)) <= set(re.findall(r"{(\w+)}", en)), f"{key}: placeholders differ"


def test_keys_used_in_the_app_exist() -> None:
    used: set[str] = set()
    for path in [ROOT / "streamlit_app.py", *(ROOT / "pages").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""(?:\btr|\.t|\bt)\(\s*["']([a-z0-9_]+\.[a-z0-9_.]*[a-z0-9_])["']""", text))
    missing = sorted(k for k in used if k not in MESSAGES)
    assert missing == []


def test_formatting() -> None:
    assert t("cases.count", "zh", n=3) == "共 3 条"
    with pytest.raises(KeyError):
        t("no.such.key")


def test_counts_are_worded_for_their_number() -> None:
    """No "case(s)": a count reads "4 cases" or "1 case" (a ``.one`` twin for n = 1)."""
    assert [k for k, (en, _) in MESSAGES.items() if re.search(r"\w\(s\)", en)] == []
    assert t("urg.banner", n=4).startswith("4 cases escalated")
    assert t("urg.banner", n=1).startswith("1 case escalated since listing: its")
    assert t("import.refused", n=1) == "Refused, nothing was written (1 problem):"


def test_rule_sources_read_in_chinese() -> None:
    """A rule's source keeps its citations and translates its plain words ("lecture", "department
    policy", "label"), which read English in Chinese before (browser walk, 2026-12)."""
    from core.i18n import source_text
    from core.rules import RULES

    assert source_text("lecture; department policy", "en") == "lecture; department policy"
    assert source_text("lecture; department policy", "zh") == "讲座；科室策略"
    assert source_text("lecture; NICE NG234", "zh") == "讲座；NICE NG234"
    plain = re.compile(r"\b(lecture|policy|labels?|guidelines|practice|hypervascular|febrile)\b", re.IGNORECASE)
    for rule in RULES:
        shown = source_text(rule.source, "zh")
        assert not plain.search(shown), f"{rule.id}: {shown}"
