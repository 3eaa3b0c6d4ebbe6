"""Every page rendered in Chinese shows no English UI text, no raw vocabulary code and no raw
message key (issue 11, item 6).

What is checked is the UI the app writes itself: titles, headings, widget labels and their
placeholders, tab and expander labels, buttons, metric labels, table headers and the options of
pickers. Stored data (patient names, free text typed in English) is not the UI and may be in any
language, so running text is checked only for raw codes and keys, and an element fails on
English only when its whole text is an English catalogue message whose Chinese differs.
"""

from __future__ import annotations

import enum
import json
import re
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import core.models as models
from core.i18n import MESSAGES
from pages.components.case_board import TAB_KEY
from pages.components.links import LINK_KEY_PREFIX
from pages.components.streamlit_own import STREAMLIT_OWN_ENGLISH
from tests.pages.conftest import app, open_entries

STREAMLIT_DEFAULTS = ("Choose an option", "Choose options", "No options to select", "Select...")
# The only English the Chinese UI may show: words Streamlit's frontend draws itself (file uploader),
# listed with the reason in pages/components/streamlit_own.py and named in our Chinese instructions.
ACCEPTED_STREAMLIT_ENGLISH = frozenset(STREAMLIT_OWN_ENGLISH)
# English catalogue texts whose Chinese differs: shown alone in the Chinese UI they are a bug.
ENGLISH_UI = {en for en, zh in MESSAGES.values() if en != zh and "{" not in en and re.search(r"[a-z]{3}", en)}
# Vocabulary codes (enum values with an underscore: "medical_oncology", "standard_of_care").
CODES = {
    member.value
    for obj in vars(models).values()
    if isinstance(obj, type) and issubclass(obj, enum.StrEnum) and obj is not enum.StrEnum
    for member in obj
    if "_" in member.value
}
KEY_TOKEN = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b")
CODE_TOKEN = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")

PAGES: list[tuple[str, str, dict[str, str], str | None]] = [
    ("overview", "chair", {}, None),
    ("overview", "member", {}, None),
    ("cases", "coordinator", {}, None),
    ("meetings", "chair", {}, None),
    ("meetings", "coordinator", {}, None),
    ("decisions", "chair", {}, None),
    ("analytics", "analyst", {}, None),
    ("admin", "admin", {}, None),
    ("admin", "analyst", {}, None),
]
CASE_TABS = ("suggestions", "imaging", "timeline", "labs", "lesions", "decisions")


def _labels(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) of the UI's own words: headings, labels, options, placeholders, headers."""
    out: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for kind in (
        "button",
        "selectbox",
        "multiselect",
        "text_input",
        "text_area",
        "toggle",
        "checkbox",
        "number_input",
        "date_input",
        "radio",
        "file_uploader",
    ):
        for e in at.get(kind):
            if kind == "button" and str(getattr(e, "key", "") or "").startswith(LINK_KEY_PREFIX):
                continue  # a link named by stored text (a patient's name), not the UI's own words
            out.append((kind, str(getattr(e, "label", ""))))
            placeholder = getattr(e, "placeholder", None)
            if placeholder:
                out.append((f"{kind} placeholder", str(placeholder)))
            if kind == "file_uploader" and e.help:
                out.append((f"{kind} help", str(e.help)))
            if kind in ("selectbox", "multiselect", "radio"):
                out += [(f"{kind} option", str(o)) for o in e.options]
    out += [("tab", str(e.label)) for e in at.get("tab")]
    out += [("expander", str(e.label)) for e in at.get("expander")]
    out += [("metric", str(e.label)) for e in at.metric]
    for frame in at.dataframe:
        out += [("column", header) for header in _headers(frame)]
    for table in at.table:
        out += [("column", str(c)) for c in table.value.columns]
    return out


def _headers(frame: Any) -> list[str]:
    """The headers a table shows: a column's configured label, else its name; hidden ones left out."""
    config = json.loads(frame.proto.columns or "{}")
    shown = []
    for name in frame.value.columns:
        conf = config.get(str(name), {})
        if conf.get("hidden"):
            continue
        shown.append(str(conf.get("label") or name))
    return shown


def _default_placeholders(at: AppTest) -> list[str]:
    """Pickers that would show Streamlit's own English placeholder ("Choose an option"): an empty
    selectbox or multiselect without a placeholder of ours."""
    empty = [e for e in at.selectbox if e.value is None] + list(at.multiselect)
    return [f"English placeholder: {e.label!r} ({e.key})" for e in empty if not getattr(e, "placeholder", "")]


def _running_text(at: AppTest) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    return out


def problems(at: AppTest) -> list[str]:
    found = []
    for where, text in _labels(at):
        bare = text.strip()
        if bare in ENGLISH_UI or bare in STREAMLIT_DEFAULTS:
            found.append(f"English {where}: {bare!r}")
        if bare in CODES:
            found.append(f"raw code {where}: {bare!r}")
        if where == "column" and re.fullmatch(r"[a-z][a-z0-9_]*", bare):
            found.append(f"raw column name: {bare!r}")
    for where, text in _labels(at) + _running_text(at):
        plain = re.sub(r"\]\([^)]*\)", "]", text)  # link targets ("case?case=2") are not shown
        plain = re.sub(r":material/[a-z_]+:", "", plain)
        found += [f"raw key {where}: {k!r} in {text[:80]!r}" for k in KEY_TOKEN.findall(plain) if k in MESSAGES]
        found += [f"raw code {where}: {c!r} in {text[:80]!r}" for c in CODE_TOKEN.findall(plain) if c in CODES]
    found += _default_placeholders(at)
    return sorted(set(found))


def _with_entries(at: AppTest, page: str, query: dict[str, str]) -> AppTest:
    """The case board with its data-entry forms built (as once opened), so their labels are checked too."""
    return open_entries(at, int(query["case"])) if page == "case" else at


def _zh(page: str, user_id: int, query: dict[str, str], tab: str | None = None) -> AppTest:
    at = _with_entries(app(page, user_id=user_id, query=query), page, query)
    at.session_state["lang"] = "zh"
    if tab is not None:
        at.session_state[TAB_KEY] = tab
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(("page", "user", "query", "tab"), PAGES, ids=lambda v: str(v) if isinstance(v, str) else "")
def test_page_in_chinese_shows_no_english_codes_or_keys(
    page_store: str, user_ids: dict[str, int], page: str, user: str, query: dict[str, str], tab: str | None
) -> None:
    assert problems(_zh(page, user_ids[user], query, tab)) == []


@pytest.mark.parametrize("tab", CASE_TABS)
def test_case_board_tabs_in_chinese(page_store: str, user_ids: dict[str, int], tab: str) -> None:
    from core.i18n import t

    at = _zh("case", user_ids["chair"], {"case": "2"}, t(f"board.tab.{tab}", "zh"))
    assert problems(at) == []


CJK = re.compile(r"[\u4e00-\u9fff]")
OWN_LABELS = (
    "button",
    "selectbox",
    "multiselect",
    "text_input",
    "text_area",
    "toggle",
    "checkbox",
    "tab",
    "expander",
    "metric",
    "column",
)


@pytest.mark.parametrize(("page", "user", "query", "tab"), PAGES, ids=lambda v: str(v) if isinstance(v, str) else "")
def test_page_in_english_shows_no_chinese_labels(
    page_store: str, user_ids: dict[str, int], page: str, user: str, query: dict[str, str], tab: str | None
) -> None:
    at = _with_entries(app(page, user_id=user_ids[user], query=query), page, query).run()
    assert not at.exception
    chinese = [f"{where}: {text!r}" for where, text in _labels(at) if where in OWN_LABELS and CJK.search(text)]
    assert chinese == []
    assert [p for p in problems(at) if p.startswith(("raw key", "raw code", "raw column"))] == []


def test_the_check_catches_english_codes_and_keys() -> None:
    """The checker itself: an English label, a raw code and a raw key are each reported."""
    at = AppTest.from_string(
        "import streamlit as st\n"
        "st.selectbox('Sex', ['male'], format_func=str)\n"
        "st.button('Save')\n"
        "st.caption('status: standard_of_care, see board.tab.labs')\n"
    ).run()
    found = " | ".join(problems(at))
    assert "English button: 'Save'" in found
    assert "'standard_of_care'" in found
    assert "'board.tab.labs'" in found


UPLOADERS = [("admin", "admin"), ("cases", "coordinator")]
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@pytest.mark.parametrize(("page", "user"), UPLOADERS)
def test_file_uploader_instructions_in_chinese(page_store: str, user_ids: dict[str, int], page: str, user: str) -> None:
    """Streamlit draws the uploader's own words in English; in Chinese the import panel gives its
    label, its help and the instructions beside it in Chinese, and the only English left in them
    is the accepted list (the words the user sees in the box, quoted so they know what to press)."""
    from core.i18n import t

    at = _zh(page, user_ids[user], {})
    uploaders = at.get("file_uploader")
    assert len(uploaders) == 1
    up = uploaders[0]
    assert up.label == t("import.file", "zh") and CJK.search(up.label)
    assert up.help == t("import.file_help", "zh") and CJK.search(up.help)
    hints = [str(c.value) for c in at.caption if "Browse files" in str(c.value)]
    assert len(hints) == 1, [str(c.value) for c in at.caption]
    hint = hints[0]
    for english in ACCEPTED_STREAMLIT_ENGLISH:
        assert english in hint  # each word the uploader shows in English is named in the instructions
    rest = hint
    for english in ACCEPTED_STREAMLIT_ENGLISH:
        rest = rest.replace(english, "")
    # what is left in Latin script: the file types and the unit, nothing else
    assert set(LATIN_WORD.findall(rest)) <= {"json", "zip", "MB"}, rest
    assert problems(at) == []


def test_streamlit_own_english_is_listed_once_with_a_reason() -> None:
    """The accepted English is exactly the one list, each entry with its reason, and none of it is
    a catalogue text the app could have translated."""
    assert {"Drag and drop file here", "Browse files", "Limit 10MB per file"} == ACCEPTED_STREAMLIT_ENGLISH
    assert all(reason.strip() for reason in STREAMLIT_OWN_ENGLISH.values())
    assert not ACCEPTED_STREAMLIT_ENGLISH & {en for en, _ in MESSAGES.values()}
