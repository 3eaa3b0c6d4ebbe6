"""The message catalogue: every key in English and Chinese; every key the app uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.i18n import MESSAGES, t

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
SAME_IN_BOTH = re.compile(r"^[A-Z0-9 ()/\-\.#·:{}%–]+$|^(CT|MRI|PET-CT|PSMA PET|SPECT-CT|BoneMDT|ECOG|Frankel|NRS|Bilsky)$")


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_present(key: str) -> None:
    en, zh = MESSAGES[key]
    assert en.strip() and zh.strip()
    if not SAME_IN_BOTH.match(en):
        assert CJK.search(zh), f"{key}: Chinese text has no Chinese characters"
    assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", zh)), f"{key}: placeholders differ"


def test_keys_used_in_the_app_exist() -> None:
    used: set[str] = set()
    for path in [ROOT / "streamlit_app.py", *(ROOT / "pages").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""(?:\btr|\.t|\bt)\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']""", text))
    missing = sorted(k for k in used if k not in MESSAGES)
    assert missing == []


def test_formatting() -> None:
    assert t("cases.count", "zh", n=3) == "共 3 条"
    with pytest.raises(KeyError):
        t("no.such.key")
