"""Pure helpers of the case board (score_cards.py, board_common.py, cache.py) and its messages, no AppTest."""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import partial

import pytest

from core.i18n import MESSAGES, t
from core.messages.case_board import MESSAGES as BOARD_MESSAGES
from core.models import Bone, Lesion, LesionType, Segment, Side
from db.board import Board, load_board
from db.connection import connect
from db.demo import lecture_case_id
from pages.components import board_common, cache, score_cards
from pages.components.figures import BAND_COLOURS, band_colour
from pages.components.guard import PageContext


def context(lang: str) -> PageContext:
    return PageContext(store=None, cur=None, actor=None, lang=lang, t=partial(t, lang=lang))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def boards(demo_source: str) -> Iterator[dict[int, Board]]:
    """Every demo case's board (facts, scores, rules), loaded read-only from the template."""
    con = connect(demo_source, read_only=True)
    try:
        cur = con.cursor()
        ids = [int(r[0]) for r in cur.execute("SELECT case_id FROM mdt_case").fetchall()]
        loaded = {case_id: load_board(cur, case_id) for case_id in ids}
        loaded[-1] = loaded[lecture_case_id(cur, 1)]
        loaded[-2] = loaded[lecture_case_id(cur, 2)]
        yield loaded
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# Messages


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(BOARD_MESSAGES))
def test_every_board_message_has_both_languages_and_the_same_fields(key: str) -> None:
    en, zh = BOARD_MESSAGES[key]
    assert key.startswith("board.")
    assert en.strip()
    assert zh.strip()
    assert _fields(en) == _fields(zh)
    assert MESSAGES[key] == (en, zh)  # registered in the catalogue, not shadowed


def test_every_flag_input_and_origin_of_the_demo_has_words(boards: dict[int, Board]) -> None:
    """No raw code reaches a card: each flag, input and origin the demo produces has a message."""
    seen: set[str] = set()
    for board in boards.values():
        for score in (*board.scores.patient.values(), *board.scores.per_lesion):
            seen |= {f"board.flag.{f}" for f in score.result.flags}
            seen |= {f"board.input.{s.input}" for s in score.sources}
            seen |= {f"board.input.{m}" for m in score.missing}
            seen |= {f"board.origin.{s.origin}" for s in score.sources}
        seen |= {f"board.specialty.{h.specialty}" for h in board.rules.fired}
        seen |= {f"board.readiness.{i.key}" for i in board.readiness.items}
        if board.cf.case.histology is not None:
            seen.add(f"vocab.Histology.{board.cf.case.histology.value}")
    assert sorted(k for k in seen if k not in MESSAGES) == []


# ---------------------------------------------------------------------------------------------
# Markdown escaping of stored text

ESCAPES = [
    ("plain words", "plain words"),
    ("Spine-surgery (T9) 8 Gy × 1: ok", "Spine-surgery (T9) 8 Gy × 1: ok"),
    ("![x](http://evil/x.png)", r"\!\[x\](http\://evil/x.png)"),
    ("[click](javascript:alert(1))", r"\[click\](javascript\:alert(1))"),
    ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert(1)\>"),
    (":red[alarm] :material/home:", r"\:red\[alarm\] \:material/home:"),
    ("**bold** _it_ `code` ~~s~~ $x$", r"\*\*bold\*\* \_it\_ \`code\` \~\~s\~\~ \$x\$"),
    ("# heading", r"\# heading"),
    ("12. item", r"12\. item"),
    ("- list", r"\- list"),
    ("> quote", r"\> quote"),
    ("line one\nline two", "line one line two"),
    ("see www.example.com", r"see www\.example.com"),
    ("骨转移 | 表格", r"骨转移 \| 表格"),
]


@pytest.mark.parametrize(("raw", "escaped"), ESCAPES, ids=[e[0][:20] for e in ESCAPES])
def test_escape_md(raw: str, escaped: str) -> None:
    assert score_cards.escape_md(raw) == escaped


# ---------------------------------------------------------------------------------------------
# Colours and cards


@pytest.mark.parametrize("band", [*sorted(BAND_COLOURS), "not_a_band"])
def test_badge_colour_follows_the_app_band_colour(band: str) -> None:
    assert score_cards.badge_colour(band) == score_cards.PALETTE[band_colour(band)]


def test_cards_of_lecture_case_2(boards: dict[int, Board]) -> None:
    board = boards[-2]
    cards, not_applicable = score_cards.select_cards(board.scores)
    ids = [c.score.score_id for c in cards]
    assert ids == [s for s in score_cards.CARD_ORDER if s in ids]  # board order
    assert "mirels" not in ids  # no long-bone lesion
    assert "radium_223" not in ids  # not prostate
    assert not not_applicable
    en, zh = context("en"), context("zh")
    by_id = {c.score.score_id: c.score for c in cards}
    assert score_cards.headline(en, by_id["sins"]) == "11"
    assert score_cards.headline(en, by_id["bilsky_escc"]) == "2"
    assert score_cards.headline(en, by_id["frankel"]) == "E"  # three weeks after the corpectomy
    assert score_cards.headline(en, by_id["who_analgesic_ladder"]) == "step 1"
    assert score_cards.headline(zh, by_id["who_analgesic_ladder"]) == "第一阶梯"
    assert score_cards.headline(en, by_id["zoledronic_acid_dose"]) == "4.0 mg"
    assert score_cards.headline(en, by_id["ctcae_hypercalcaemia"]) == "grade 0"
    assert score_cards.headline(en, by_id["corrected_calcium"]) == "2.44"
    assert score_cards.band_text(zh, by_id["sins"]) == "潜在不稳定（7–12分）"


def test_every_incomplete_card_names_what_is_missing(boards: dict[int, Board]) -> None:
    en, zh = context("en"), context("zh")
    checked = 0
    for board in boards.values():
        for card in score_cards.select_cards(board.scores)[0]:
            score = card.score
            if score.complete or score_cards.converted_sources(score):
                continue
            checked += 1
            assert score_cards.headline(en, score) is None
            words = score_cards.missing_items(en, score)
            assert len(words) == len(score.missing)
            assert all("_" not in w.split(" (")[0] for w in words), words
            assert len(score_cards.missing_items(zh, score)) == len(score.missing)
    assert checked > 20


def test_kps_converted_from_ecog_shows_the_range(boards: dict[int, Board]) -> None:
    converted = [
        b.scores.patient["karnofsky"]
        for b in boards.values()
        if "kps_converted_from_ecog" in b.scores.patient["karnofsky"].result.flags
    ]
    assert converted
    en = context("en")
    for score in converted:
        shown = score_cards.headline(en, score)
        assert shown is not None
        assert shown.startswith("≈ ")


def test_not_applicable_scores_are_listed_not_carded(boards: dict[int, Board]) -> None:
    found = False
    for board in boards.values():
        cards, not_applicable = score_cards.select_cards(board.scores)
        carded = {c.score.score_id for c in cards}
        for score in not_applicable:
            found = True
            assert score.score_id not in carded
            assert score.note
    assert found


@pytest.mark.parametrize(
    ("total", "shown"),
    [(Decimal("77.07375"), "77.1"), (Decimal("2.44"), "2.44"), (11, "11"), (60.0, "60")],
)
def test_number(total: object, shown: str) -> None:
    assert score_cards.number(total) == shown


def test_trend_and_breakdown_frames(boards: dict[int, Board]) -> None:
    import pandas as pd

    history = pd.DataFrame(
        {
            "computed_at": pd.to_datetime(["2026-01-02", "2026-01-01"]),
            "total": [11.0, 9.0],
            "band": ["indeterminate", "indeterminate"],
        }
    )
    assert score_cards.trend(history) == [9.0, 11.0]
    assert score_cards.trend(None) == []
    # What a card shows of it, summarised once: the one before the latest, the latest day.
    summary = score_cards.Trend.of(history)
    assert summary == score_cards.Trend((9.0, 11.0), (9.0, "indeterminate", date(2026, 1, 1)), date(2026, 1, 2))
    assert score_cards._previous(context("en"), "sins", summary) == t("board.card.previous", "en", value="9.0", date="2026-01-01")
    assert score_cards.Trend.of(None) == score_cards.Trend() and score_cards._previous(context("en"), "sins", None) is None
    assert score_cards.computed_on(score_cards.Trend(), date(2026, 2, 1)) == date(2026, 2, 1)
    sins = boards[-2].scores.get("sins")
    assert sins is not None
    frame = score_cards.breakdown_frame(context("zh"), sins)
    assert list(frame.columns) == ["项目", "分值"]
    assert frame["分值"].astype(int).sum() == 11
    sources = score_cards.sources_frame(context("en"), sins)
    assert set(sources["From"]) == {"lesion record"}


# ---------------------------------------------------------------------------------------------
# Board helpers


def test_lesion_risk_keeps_the_worst_band(boards: dict[int, Board]) -> None:
    board = boards[-2]
    risk = board_common.lesion_risk(board.scores)
    t9 = next(les for les in board.cf.lesions if les.level == "T9")
    assert risk[t9.lesion_id] == "high_grade"  # Bilsky 2 outranks SINS indeterminate


def test_crcl_points_match_the_zoledronic_card(boards: dict[int, Board]) -> None:
    board = boards[-1]
    points = board_common.crcl_points(board.cf)
    assert points == sorted(points)
    card = board.scores.patient["zoledronic_acid_dose"]
    assert card.total is not None
    assert points[-1][1] == pytest.approx(float(card.total), abs=0.5)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "left femur peritrochanteric"), ("zh", "左股骨转子周围")],
)
def test_site_label(lang: str, expected: str) -> None:
    lesion = Lesion(
        patient_id=1,
        bone=Bone.FEMUR,
        side=Side.LEFT,
        segment=Segment.PERITROCHANTERIC,
        lesion_type=LesionType.LYTIC,
        detected_date=date(2025, 1, 1),
    )
    assert board_common.site_label(lesion, lang) == expected
    spine = Lesion(patient_id=1, bone=Bone.SPINE, level="T9", lesion_type=LesionType.MIXED)
    assert board_common.site_label(spine, lang) == "T9"


def test_figure_key_changes_with_content(boards: dict[int, Board]) -> None:
    """A board as recorded (no version): keyed by a hash of its content."""
    cf = boards[-1].cf
    key = partial(cache.figure_key, None)
    assert key(cf, "en") == key(cf, "en")
    assert key(cf, "en") != key(cf, "zh")
    assert key(cf, "en") != key(boards[-2].cf, "en")


def test_figure_key_follows_the_case_version(boards: dict[int, Board]) -> None:
    """The current board: keyed by the case's data version (no hashing of the case file), so a
    data change (a new stamp), another case, another day or another language builds anew."""
    cf = boards[-1].cf
    v = cache.Version("store.duckdb", 7, 41, date(2026, 12, 1))
    same = cache.figure_key(v, cf, "en")
    assert same == cache.figure_key(v, boards[-2].cf, "en")  # the content is not read
    for other in (
        cache.Version("store.duckdb", 7, 42, date(2026, 12, 1)),
        cache.Version("store.duckdb", 8, 41, date(2026, 12, 1)),
        cache.Version("store.duckdb", 7, 41, date(2026, 12, 2)),
        cache.Version("other.duckdb", 7, 41, date(2026, 12, 1)),
    ):
        assert cache.figure_key(other, cf, "en") != same
    assert cache.figure_key(v, cf, "zh") != same


@pytest.mark.parametrize(("lang", "primary"), [("en", "lung (NSCLC)"), ("zh", "非小细胞肺癌")])
def test_picker_label_names_the_primary_in_the_language(lang: str, primary: str) -> None:
    assert cache.picker_label("#12 · Ms A · MRN1 · lung_nsclc", lang) == f"#12 · Ms A · MRN1 · {primary}"
