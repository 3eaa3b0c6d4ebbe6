"""Score cards of the case board: value, coloured band, breakdown with provenance, trend.

A card shows one patient-level score (SINS, Mirels and Bilsky at their worst lesion): the value,
the band as a badge in the app's band colour (``figures.band_colour`` mapped to Streamlit's
fixed palette, no HTML), a "missing: …" prompt instead of a value when an input is missing,
the score's flags, when it was computed and how it moved (``db.scores.score_history``), and an
expander with the point-by-point breakdown and where each input came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal, cast, get_args

import pandas as pd
import streamlit as st

from core.derive import CaseScores, DerivedScore, InputSource
from core.i18n import MESSAGES, enum_label
from core.messages.vocabulary import vocabulary_of
from core.scores import SCORES
from core.text import md_inline
from core.vocabulary import (
    Alignment,
    BilskyGrade,
    Collapse,
    Frankel,
    GrowthClass,
    LesionType,
    LimbPain,
    Posterolateral,
    Sex,
    SizeFraction,
    SpinalPain,
    VisceralMets,
)
from pages.components.figures import AMBER, GREEN, GREY, RED, band_colour
from pages.components.guard import PageContext

# The app's band colours (figures.BAND_COLOURS) in Streamlit's named palette.
PALETTE: dict[str, str] = {GREEN: "green", AMBER: "orange", RED: "red", GREY: "gray"}

CARD_ORDER: tuple[str, ...] = (
    "sins",
    "mirels",
    "bilsky_escc",
    "tomita",
    "tokuhashi_revised",
    "katagiri_new",
    "corrected_calcium",
    "ctcae_hypercalcaemia",
    "zoledronic_acid_dose",
    "who_analgesic_ladder",
    "frankel",
    "ecog",
    "karnofsky",
    "radium_223",
)
LESION_LEVEL: frozenset[str] = frozenset({"sins", "mirels", "bilsky_escc"})

History = Callable[[str], "Trend"]


def escape_md(text: object) -> str:
    """Stored or user text made literal inside Markdown (the one escaper, core.text.md_inline)."""
    return md_inline(text)


# The colour names Streamlit's badges, metric deltas and coloured text accept.
Colour = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary"]
COLOURS: frozenset[str] = frozenset(get_args(Colour))


def colour_name(name: str) -> Colour:
    """``name`` as one of Streamlit's colour names (gray when it is not one)."""
    return cast(Colour, name) if name in COLOURS else "gray"


def badge_colour(band: str) -> Colour:
    return colour_name(PALETTE.get(band_colour(band), "gray"))


def number(value: object) -> str:
    """A score value for display: long computed decimals (CrCl) to 0.1, others as stored."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            return format(value.quantize(Decimal("0.1")), "f")
        return format(value, "f")
    if isinstance(value, float):
        return f"{value:.1f}" if value != int(value) else str(int(value))
    return str(value)


def label(ctx: PageContext, key: str, fallback: str) -> str:
    """A catalogue message when the key exists, else the code made readable."""
    return ctx.t(key) if key in MESSAGES else fallback.replace("_", " ")


def input_label(ctx: PageContext, name: str) -> str:
    return label(ctx, f"board.input.{name}", name)


def flag_label(ctx: PageContext, flag: str) -> str:
    return label(ctx, f"board.flag.{flag}", flag)


# The vocabulary of a coded input value, by input (and by score where two scores share an input name).
_INPUT_VOCAB: dict[str, type[StrEnum]] = {
    "alignment": Alignment,
    "vertebral_body_collapse": Collapse,
    "posterolateral_involvement": Posterolateral,
    "lesion_type": LesionType,
    "bone_lesion": LesionType,
    "visceral_metastases": VisceralMets,
    "major_organ_mets": VisceralMets,
    "primary_tumor_growth": GrowthClass,
    "sex": Sex,
    "escc_grade": BilskyGrade,
    "palsy_frankel": Frankel,
    "frankel_grade": Frankel,
    "size_fraction": SizeFraction,
    "sins.pain": SpinalPain,
    "mirels.pain": LimbPain,
}


def shown_value(ctx: PageContext, value: str | None, score_id: str = "", name: str = "") -> str:
    """An input's value in words: a code is labelled from the vocabulary of its input (``pain`` is
    SINS's spinal pain or Mirels's limb pain), else from the one vocabulary holding it."""
    if value is None:
        return ctx.t("board.not_recorded")
    if value in ("true", "false"):
        return ctx.t("board.yes") if value == "true" else ctx.t("board.no")
    vocab = _INPUT_VOCAB.get(f"{score_id}.{name}") or _INPUT_VOCAB.get(name)
    if vocab is not None and value in {m.value for m in vocab}:
        return enum_label(value, ctx.lang, vocab)
    if re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+|[a-z]+", value):
        found = vocabulary_of(value)
        return value.replace("_", " ") if found is None else enum_label(value, ctx.lang, found)
    return value


def _note(ctx: PageContext, en: str, zh: str) -> str:
    return zh if ctx.lang == "zh" and zh else en


def band_text(ctx: PageContext, score: DerivedScore) -> str:
    result = score.result
    return result.band_label_zh if ctx.lang == "zh" else result.band_label_en


# ---------------------------------------------------------------------------------------------
# Which cards


@dataclass(frozen=True)
class Card:
    score: DerivedScore
    lesions: int = 0  # lesions scored, for the worst-lesion cards


def select_cards(scores: CaseScores) -> tuple[list[Card], list[DerivedScore]]:
    """The cards to show, in board order, and the scores that do not apply to this case.

    SINS, Mirels and Bilsky show the worst complete lesion, or the first incomplete one when
    none is complete; they are left out when the case has no lesion of that kind.
    """
    cards: list[Card] = []
    not_applicable: list[DerivedScore] = []
    for score_id in CARD_ORDER:
        if score_id in LESION_LEVEL:
            per_lesion = scores.lesion_scores(score_id)
            if not per_lesion:
                continue
            worst = scores.get(score_id) or next((s for s in per_lesion if s.applicable and not s.complete), None)
            if worst is None:
                # Every lesion's score is not applicable (Mirels on a fractured bone).
                not_applicable.extend(per_lesion)
                continue
            cards.append(Card(worst, len(per_lesion)))
            continue
        score = scores.patient.get(score_id)
        if score is None:
            continue
        if not score.applicable:
            not_applicable.append(score)
        else:
            cards.append(Card(score))
    return cards, not_applicable


def converted_sources(score: DerivedScore) -> list[InputSource]:
    """Display-only conversions standing in for every missing input (KPS from ECOG)."""
    converted = [s for s in score.sources if s.origin == "converted"]
    if score.complete or not converted:
        return []
    if set(score.missing) <= {s.input for s in converted}:
        return converted
    return []


def headline(ctx: PageContext, score: DerivedScore) -> str | None:
    """The value a card shows large; None when only the band speaks (radium not eligible)."""
    sid, result = score.score_id, score.result
    converted = converted_sources(score)
    if converted:
        return "≈ " + " / ".join(str(s.value) for s in converted)
    if not score.complete:
        return None
    if sid == "bilsky_escc":
        return str(score.inputs.get("escc_grade", ""))
    if sid == "frankel":
        return score.band
    if sid == "who_analgesic_ladder":
        return label(ctx, f"board.ladder.{score.band}", score.band)
    if sid == "ctcae_hypercalcaemia":
        return ctx.t("board.value.grade", n=score.band.removeprefix("grade_"))
    if sid == "zoledronic_acid_dose":
        if score.band.endswith("_mg"):
            return score.band.removesuffix("_mg") + " mg"
        return ctx.t("board.value.not_recommended")
    if sid == "radium_223":
        return None if result.total is None else ctx.t("board.value.kbq", value=number(result.total))
    if result.total is None:
        return score.band
    return number(result.total)


def aside(ctx: PageContext, text: str, note: str) -> str:
    """The text with its note in brackets, full-width in Chinese."""
    return f"{text}（{note}）" if ctx.lang == "zh" else f"{text} ({note})"


def listing(ctx: PageContext, items: list[str]) -> str:
    """Items joined with the language's separator ("; " or "；")."""
    return ("；" if ctx.lang == "zh" else "; ").join(items)


def missing_items(ctx: PageContext, score: DerivedScore) -> list[str]:
    """What is missing, in words: the derivation's note when it has one, else the input name."""
    notes = {s.input: (s.note_zh if ctx.lang == "zh" and s.note_zh else s.note) for s in score.sources if s.origin == "missing"}
    items = []
    for name in score.missing:
        note = notes.get(name)
        items.append(aside(ctx, input_label(ctx, name), note) if note else input_label(ctx, name))
    return items


# ---------------------------------------------------------------------------------------------
# Trend


def _when(value: object) -> date | None:
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def trend(history: pd.DataFrame | None) -> list[float]:
    """The numeric totals of the score's history, oldest first (for the sparkline)."""
    if history is None or history.empty or "total" not in history.columns:
        return []
    return [float(v) for v in _oldest_first(history)["total"] if v is not None and not pd.isna(v)]


def _oldest_first(history: pd.DataFrame) -> pd.DataFrame:
    """The history by computed_at (the store reads it in that order: sorted only when it is not)."""
    if "computed_at" not in history.columns or history["computed_at"].is_monotonic_increasing:
        return history
    return history.sort_values("computed_at")


@dataclass(frozen=True)
class Trend:
    """What a card shows of its score's history: the totals oldest first (the sparkline), the
    snapshot before the latest as (total, band, day), and the day of the latest computation.
    Built once per history (:meth:`of`; cached per case version by ``cache.trends``)."""

    points: tuple[float, ...] = ()
    previous: tuple[object, str, date | None] | None = None
    computed: date | None = None

    @classmethod
    def of(cls, history: pd.DataFrame | None) -> Trend:
        if history is None or history.empty or "computed_at" not in history.columns:
            return cls(tuple(trend(history)))
        ordered = _oldest_first(history)
        previous = None
        if len(ordered) >= 2:
            row = ordered.iloc[-2]
            previous = (row.get("total"), str(row.get("band", "")), _when(row["computed_at"]))
        return cls(tuple(trend(ordered)), previous, _when(ordered["computed_at"].max()))


def _previous(ctx: PageContext, score_id: str, history: Trend | None) -> str | None:
    if history is None or history.previous is None:
        return None
    total, band, when = history.previous
    if total is not None and not pd.isna(total):
        value = number(Decimal(str(total)))
    else:
        bands = SCORES[score_id].bands if score_id in SCORES else {}
        pair = bands.get(band)
        value = (pair[1] if ctx.lang == "zh" else pair[0]) if pair else band
    return ctx.t("board.card.previous", value=value, date=when.isoformat() if when else "—")


def _computed(history: Trend | None, as_of: date) -> date:
    return (history.computed if history is not None else None) or as_of


# ---------------------------------------------------------------------------------------------
# Rendering


def breakdown_frame(ctx: PageContext, score: DerivedScore) -> pd.DataFrame:
    rows = [
        {
            ctx.t("board.card.item"): escape_md(item.label_zh if ctx.lang == "zh" else item.label_en),
            ctx.t("board.card.points"): "" if item.points is None else number(item.points),
        }
        for item in score.result.breakdown
    ]
    return pd.DataFrame(rows)


def sources_frame(ctx: PageContext, score: DerivedScore) -> pd.DataFrame:
    rows = []
    for src in score.sources:
        note = src.note_zh if ctx.lang == "zh" and src.note_zh else src.note
        rows.append(
            {
                ctx.t("board.card.input"): escape_md(input_label(ctx, src.input)),
                ctx.t("board.card.value"): escape_md(shown_value(ctx, src.value, score.score_id, src.input)),
                ctx.t("board.card.origin"): escape_md(label(ctx, f"board.origin.{src.origin}", src.origin)),
                ctx.t("board.card.record"): escape_md(src.record_zh if ctx.lang == "zh" and src.record_zh else src.record),
                ctx.t("board.card.note"): escape_md(note),
            }
        )
    return pd.DataFrame(rows)


def render_breakdown(ctx: PageContext, score: DerivedScore) -> None:
    """The point-by-point breakdown and where each input came from (inside an expander)."""
    result = score.result
    if result.breakdown:
        st.table(breakdown_frame(ctx, score), hide_index=True, border="horizontal")
    action = result.action_zh if ctx.lang == "zh" else result.action_en
    if action:
        st.caption(ctx.t("board.card.action", action=escape_md(action)))
    note = score.note_zh if ctx.lang == "zh" and score.note_zh else score.note
    if note:
        st.caption(escape_md(note))
    if score.sources:
        st.caption(ctx.t("board.card.where_from"))
        st.table(sources_frame(ctx, score), hide_index=True, border="horizontal")
    st.caption(ctx.t("board.card.reference", source=escape_md(result.source)))


def breakdown_key(score: DerivedScore, where: str) -> str:
    """Widget key of a breakdown expander (stable per score, and per lesion in the table)."""
    suffix = f"_{score.lesion_id}" if where == "lesion" and score.lesion_id is not None else ""
    return f"board_bd_{where}_{score.score_id}{suffix}"


def lazy_breakdown(ctx: PageContext, score: DerivedScore, title: str, *, key: str) -> None:
    """An expander whose breakdown tables are built only while it is open (one rerun to open)."""
    expander = st.expander(title, key=key, on_change="rerun")
    if expander.open:
        with expander:
            render_breakdown(ctx, score)


def band_line(ctx: PageContext, score: DerivedScore, colour: str) -> None:
    """The band in its colour, wrapping (a badge would cut a long label short); bands without a
    clinical colour (ECOG, KPS, Frankel descriptions) as a plain caption."""
    text = escape_md(band_text(ctx, score))
    if colour == "gray":
        st.caption(text)
    else:
        st.markdown(f":{colour}-background[:{colour}[{text}]]")


CARD_WIDTH = 260  # px: wide enough for a band label and a title on two lines; the row wraps
PICK_KEY = "board_bd_pick"


def computed_on(history: Trend | None, as_of: date) -> date:
    """The day a card's score was last computed (the board's date when it has no history)."""
    return _computed(history, as_of)


def render_card(
    ctx: PageContext,
    card: Card,
    *,
    history: Trend | None,
    as_of: date,
    board_computed: date | None = None,
    site: str = "",
) -> None:
    """One card: the score's name (wrapping, never cut), value, band, site and flags. The
    "computed" date shows only when it differs from the board's one line (``board_computed``)."""
    score = card.score
    sid = score.score_id
    name = ctx.t(f"board.score.{sid}")
    if sid == "corrected_calcium" and score.result.value_unit:
        name = f"{name} ({score.result.value_unit})"
    full = SCORES[sid].name_zh if ctx.lang == "zh" else SCORES[sid].name_en
    colour = badge_colour(score.band)
    value = headline(ctx, score)
    converted = converted_sources(score)
    with st.container(border=True, width=CARD_WIDTH, key=f"board_card_{sid}"):
        # The name as wrapping text: a metric label is cut to one line ("Bilsk…").
        st.markdown(f"**{escape_md(name)}**", help=full)
        if score.complete or converted:
            points = list(history.points) if history is not None else []
            st.metric(
                name,
                value if value is not None else ctx.t("board.none"),
                label_visibility="collapsed",
                chart_data=points if len(points) >= 2 else None,
                delta_color=colour_name(colour),
            )
            if converted:
                st.badge(ctx.t("board.card.converted"), color="gray")
            else:
                band_line(ctx, score, colour)
        else:
            st.warning(ctx.t("board.card.missing", items=escape_md(listing(ctx, missing_items(ctx, score)))))
        notes = []
        if card.lesions > 1 and site:
            notes.append(ctx.t("board.card.at_site", n=card.lesions, site=escape_md(site)))
        elif site:
            notes.append(escape_md(site))
        if sid == "zoledronic_acid_dose" and score.complete and score.total is not None:
            notes.append(ctx.t("board.card.crcl", value=number(score.total)))
        previous = _previous(ctx, sid, history)
        if previous:
            notes.append(previous)
        computed = _computed(history, as_of)
        if computed != board_computed:
            notes.append(ctx.t("board.card.computed", date=computed.isoformat()))
        if notes:
            st.caption(" · ".join(notes))
        if score.result.flags:
            flags = ", ".join(flag_label(ctx, f) for f in score.result.flags)
            st.caption(ctx.t("board.card.flags", items=escape_md(flags)))


def card_title(ctx: PageContext, card: Card) -> str:
    return ctx.t(f"board.score.{card.score.score_id}")


def render_breakdowns(ctx: PageContext, cards: Sequence[Card]) -> None:
    """ "Points and sources" at the board's full width: pick one or more scores, their tables show
    below (built only when picked, so an unopened board pays nothing for them)."""
    by_id = {card.score.score_id: card for card in cards}
    if not by_id:
        return
    picked = st.pills(
        ctx.t("board.card.breakdown"),
        list(by_id),
        selection_mode="multi",
        format_func=lambda sid: card_title(ctx, by_id[sid]),
        key=PICK_KEY,
    )
    for sid in picked or []:
        if sid in by_id:
            with st.container(border=True):
                st.markdown(f"**{escape_md(card_title(ctx, by_id[sid]))}**")
                render_breakdown(ctx, by_id[sid].score)


def render_cards(
    ctx: PageContext,
    scores: CaseScores,
    *,
    as_of: date,
    history: History | None = None,
    sites: dict[int, str] | None = None,
    breakdowns: bool = True,
) -> None:
    """The cards in a row that wraps to the width (fixed-width cards: as many per row as fit),
    one "computed" line for the board, the scores that do not apply, then (``breakdowns``) the
    "Points and sources" picker; a caller that lays the cards out in a column passes False and
    calls :func:`render_breakdowns` at full width."""
    cards, not_applicable = select_cards(scores)
    sites = sites or {}
    histories = {card.score.score_id: history(card.score.score_id) if history else None for card in cards}
    dates = [computed_on(h, as_of) for h in histories.values()]
    board_computed = max(set(dates), key=dates.count) if dates else as_of  # the date most cards share
    with st.container(horizontal=True, gap="small"):
        for card in cards:
            score = card.score
            render_card(
                ctx,
                card,
                history=histories[score.score_id],
                as_of=as_of,
                board_computed=board_computed,
                site=sites.get(score.lesion_id, score.site) if score.lesion_id else score.site,
            )
    st.caption(ctx.t("board.cards.computed", date=board_computed.isoformat(), as_of=as_of.isoformat()))
    if not_applicable:
        items = listing(
            ctx, [aside(ctx, ctx.t(f"board.score.{s.score_id}"), _note(ctx, s.note, s.note_zh)) for s in not_applicable]
        )
        st.caption(ctx.t("board.card.not_applicable", items=escape_md(items)))
    if breakdowns:
        render_breakdowns(ctx, cards)
