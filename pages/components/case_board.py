"""The case board (``case?case=<id>``), laid out for a 3-minute discussion: the picker, header,
red flags and readiness, score cards beside the bone map, then the tabs (:mod:`board_tabs`).

Each section takes the page context and the :class:`db.board.Board` (facts, policy, scores,
rules, readiness) and only renders: scores and rules are computed in ``core``. The parts a user
works in are fragments, so a tab switch, a form's feedback or a breakdown pick reruns only that
part (:func:`guard.fragment_context` re-checks the session and draws the rerun's own cursor);
figures, score histories and the picker's options are cached per data version
(:mod:`pages.components.cache`). Stored text is shown with ``st.text`` or escaped before it
reaches Markdown; nothing goes through HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.i18n import enum_label, source_text
from db import cases, meetings
from db.board import Board
from pages.components import board_tabs, cache, figures, forms_assessment, forms_header, score_cards
from pages.components.board_common import URGENCY_COLOURS, as_date, hit_text, in_turn, labels, lesion_risk, site_label
from pages.components.cache import Version
from pages.components.guard import PageContext, fragment_context
from pages.components.score_cards import colour_name, escape_md

_MAX_QUERY_LEN = 12
TAB_KEY = "board_tab"
PICK_KEY = "board_case_pick"  # one per language: the options' labels change with it


# ---------------------------------------------------------------------------------------------
# Case picker


def case_picker(ctx: PageContext) -> int | None:
    """The searchable picker bound to ``?case=<id>``; an unknown id gets a clear message."""
    raw = st.query_params.get("case")
    case_id: int | None = None
    if raw is not None:
        text = str(raw).strip()
        if text.isdigit() and len(text) <= _MAX_QUERY_LEN and cases.case_exists(ctx.cur, int(text)):
            case_id = int(text)
        else:
            st.error(ctx.t("board.unknown", case=escape_md(text[:20])))
    if raw is None:  # no case asked for: the page's own heading (a case's board is headed by its patient)
        st.title(ctx.t("nav.case"))
    ids, names = cache.picker_options(ctx, case_id)
    # The URL is the source of truth: a deep link or a new ?case= moves the picker with it.
    key = f"{PICK_KEY}_{ctx.lang}"
    if st.session_state.get(key) != case_id:
        st.session_state[key] = case_id
    st.selectbox(
        ctx.t("board.picker"),
        ids,
        index=None,
        format_func=lambda cid: names.get(cid, str(cid)),
        placeholder=ctx.t("board.picker_hint"),
        key=key,
        on_change=_picked,
        args=(key,),
    )
    if case_id is None and raw is None:
        st.info(ctx.t("board.pick_prompt"))
    return case_id


def _picked(key: str) -> None:
    picked = st.session_state.get(key)
    if picked is not None:
        st.query_params["case"] = str(picked)


# ---------------------------------------------------------------------------------------------
# The board


def render(ctx: PageContext, board: Board, *, version: Version | None = None, read_only: bool = False) -> None:
    """The whole board. ``version``: the case's data version the board was loaded at (keys the
    cached figures and histories; None for a board as recorded). ``read_only``: the board as
    recorded at a past moment (no data entry)."""
    case_id = board.cf.case.case_id or 0
    agenda = meetings.case_agenda_history(ctx.cur, case_id)
    header(ctx, board, agenda)
    if not read_only:
        _header_entry(ctx, board)
        _assessment_entry(ctx, board)
    red_flags(ctx, board)
    readiness(ctx, board)
    cards, _ = score_cards.select_cards(board.scores)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.subheader(ctx.t("board.scores.title"))
        sites = {les.lesion_id: site_label(les, ctx.lang) for les in board.cf.lesions if les.lesion_id}
        # Fixed-width cards in a row that wraps: two per row at 1440, one at 1024, titles whole.
        score_cards.render_cards(
            ctx,
            board.scores,
            as_of=board.cf.as_of,
            sites=sites,
            history=cache.trends(ctx, case_id, version),
            breakdowns=False,
        )
    with right:
        bone_map(ctx, board, version)
    # "Points and sources" at the board's full width (a card is too narrow for the tables).
    _breakdowns(ctx, cards)
    _tabs(ctx, board, version, agenda, read_only)


@st.fragment
def _header_entry(ctx: PageContext, board: Board) -> None:
    forms_header.entry(fragment_context(ctx), board.cf)


@st.fragment
def _assessment_entry(ctx: PageContext, board: Board) -> None:
    forms_assessment.entry(fragment_context(ctx), board.cf)


@st.fragment
def _breakdowns(ctx: PageContext, cards: list[score_cards.Card]) -> None:
    score_cards.render_breakdowns(fragment_context(ctx), cards)


@st.fragment
def _tabs(ctx: PageContext, board: Board, version: Version | None, agenda: pd.DataFrame, read_only: bool) -> None:
    """The tabs, lazy (only the open one runs) and a fragment: switching tabs, or working in a
    tab's forms, reruns only this part."""
    ctx = fragment_context(ctx)

    def entry(entity: str) -> Callable[[], None]:
        return (lambda: None) if read_only else (lambda: board_tabs.data_entry(ctx, board, entity))

    sections: tuple[tuple[str, Callable[[], None]], ...] = (
        ("suggestions", lambda: board_tabs.suggestions(ctx, board)),
        ("imaging", in_turn(entry("imaging_study"), lambda: board_tabs.imaging(ctx, board))),
        (
            "timeline",
            in_turn(entry("treatment"), entry("clinical_event"), lambda: board_tabs.timeline(ctx, board, agenda, version)),
        ),
        ("labs", in_turn(entry("lab_result"), lambda: board_tabs.labs(ctx, board, version))),
        ("lesions", in_turn(entry("lesion"), lambda: board_tabs.lesions(ctx, board))),
        ("decisions", lambda: board_tabs.past_decisions(ctx, board)),
    )
    tabs = st.tabs([ctx.t(f"board.tab.{name}") for name, _ in sections], key=TAB_KEY, on_change="rerun")
    for tab, (_, draw) in zip(tabs, sections, strict=True):
        if tab.open:
            with tab:
                draw()


def header(ctx: PageContext, board: Board, agenda: pd.DataFrame) -> None:
    cf, tr = board.cf, ctx.t
    c, p = cf.case, cf.patient
    st.title(tr("board.title", name=escape_md(p.display_name), case=c.case_id))
    primary = enum_label(c.primary_tumour, ctx.lang)
    if c.histology is not None:
        histology = enum_label(c.histology, ctx.lang)
        primary += f"，{histology}" if ctx.lang == "zh" else f", {histology}"
    markers = [
        f"{name}{ {'positive': '+', 'negative': '−'}.get(value.value, '?') }"
        for name, value in (
            ("ER", c.er),
            ("PR", c.pr),
            ("HER2", c.her2),
            ("EGFR", c.egfr),
            ("ALK", c.alk),
        )
        if value is not None
    ]
    parts = [
        escape_md(p.mrn),
        tr("board.age_sex", age=cf.age, sex=enum_label(p.sex, ctx.lang)),
        f"**{primary}**",
        " ".join(markers),
        tr(f"board.castration.{c.castration.value}") if c.castration else "",
        (tr("board.postmenopausal") if c.postmenopausal else tr("board.premenopausal"))
        if c.postmenopausal is not None and c.primary_tumour.value == "breast"
        else "",
        tr("board.diagnosed", date=c.diagnosis_date.isoformat()) if c.diagnosis_date else "",
        tr(
            "board.referred",
            date=c.referral_date.isoformat(),
            specialty=enum_label(c.referrer_specialty, ctx.lang),
        ),
    ]
    st.markdown(" · ".join(part for part in parts if part))
    upcoming = (
        agenda[(agenda["status"] == "listed") & (agenda["meeting_date"].map(as_date) >= cf.as_of)] if not agenda.empty else agenda
    )
    next_meeting = as_date(upcoming["meeting_date"].iloc[0]) if not upcoming.empty else None
    none = tr("board.none")
    metrics = [
        (tr("board.metric.ecog"), none if c.ecog is None else str(c.ecog)),
        (tr("board.metric.kps"), none if c.kps is None else str(c.kps)),
        (tr("board.metric.frankel"), none if c.frankel is None else c.frankel.value),
        (tr("board.metric.nrs"), none if c.nrs is None else f"{c.nrs}/10"),
    ]
    new_deficit = bool(c.frankel_new) and c.frankel is not None and c.frankel.value != "E"
    # Metrics sized to their content in a wrapping row: equal columns cut "7/10" to "7…" at 1024.
    row = st.container(horizontal=True, gap="large", vertical_alignment="center")
    with row:
        for index, (name, value) in enumerate(metrics):
            delta = tr("board.frankel_new") if index == 2 and new_deficit else None
            st.metric(name, value, delta=delta, delta_color="red", delta_arrow="off", width="content")
    badges = [
        (
            "board.metric.priority",
            enum_label(c.priority, ctx.lang),
            URGENCY_COLOURS.get(c.priority.value, "gray"),
        ),
        ("board.metric.status", enum_label(c.status, ctx.lang), "blue"),
        ("board.metric.stream", enum_label(c.stream, ctx.lang), "gray"),
        ("board.metric.next_meeting", next_meeting.isoformat() if next_meeting else none, "violet"),
    ]
    with row, st.container(horizontal=True, gap="small", width=360):
        for key, value, colour in badges:
            st.badge(tr("board.badge_pair", name=tr(key), value=value), color=colour_name(colour))
    st.caption(tr("board.question"))
    st.text(c.question)
    if c.patient_wishes or c.comorbidities or c.key_worker:
        with st.expander(tr("board.background")):
            if c.patient_wishes:
                st.caption(tr("board.patient_wishes"))
                st.text(c.patient_wishes)
            if c.comorbidities:
                st.caption(tr("board.comorbidities"))
                st.text(c.comorbidities)
            if c.key_worker:
                st.caption(tr("board.key_worker", name=escape_md(c.key_worker)))


def red_flags(ctx: PageContext, board: Board) -> None:
    """One banner per red flag and emergency action: st.error for emergency, st.warning urgent."""
    hits = [h for h in board.rules.fired if h.specialty == "red_flag" or h.urgency == "emergency"]
    for hit in hits:
        if hit.urgency == "routine":
            continue
        text, reason = hit_text(ctx, hit)
        body = (
            f"**{escape_md(text)}**  \n"
            f"{ctx.t('board.redflag.reason', reason=escape_md(reason))}  \n"
            f"{ctx.t('board.redflag.source', source=escape_md(source_text(hit.source, ctx.lang)))} · {hit.rule_id}"
        )
        if hit.urgency == "emergency":
            st.error(body, icon=":material/emergency:")
        else:
            st.warning(body, icon=":material/warning:")
    # Safety rule 1: higher grades that cannot be excluded, questions, and what emergency rules need.
    for line in board.rules.banner:
        text = escape_md(line.text_zh if ctx.lang == "zh" else line.text_en)
        if line.urgency == "emergency":
            st.error(text, icon=":material/help:")
        else:
            st.warning(text, icon=":material/help:")


def readiness(ctx: PageContext, board: Board) -> None:
    """What is missing or stale before the case can be listed (CRUK 2017)."""
    problems = board.readiness.problems
    missing = [i for i in problems if not i.stale]
    stale = [i for i in problems if i.stale]

    def words(item: Any) -> str:
        return ctx.t(f"board.readiness.{item.key}")

    if missing:
        st.warning(
            ctx.t("board.ready.problems", items="; ".join(words(i) for i in missing)),
            icon=":material/checklist:",
        )
    if stale:
        policy = board.policy
        items = "; ".join(
            ctx.t(
                "board.ready.stale_item",
                item=words(i),
                days=i.detail,
                limit=policy.readiness_imaging_max_days if i.key == "imaging" else policy.readiness_lab_max_days,
            )
            for i in stale
        )
        st.warning(ctx.t("board.ready.stale", items=items), icon=":material/schedule:")


def bone_map(ctx: PageContext, board: Board, version: Version | None = None) -> None:
    lesions, risk = board.cf.lesions, lesion_risk(board.scores)
    figure = cache.figure(
        "bone_map",
        cache.figure_key(version, (list(lesions), sorted(risk.items())), ctx.lang),
        lambda: figures.bone_map(lesions, risk, labels(ctx)),
    )
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})
    if not board.cf.lesions:
        st.info(ctx.t("board.lesions.none"))
