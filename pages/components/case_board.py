"""Sections of the case board (``case?case=<id>``), laid out for a 3-minute discussion.

Header and red flags on top; score cards beside the bone map; then tabs for the specialty
suggestions, imaging, timeline, labs, lesions, and decisions with actions. Each section takes the
page context and the :class:`db.board.Board` (facts, policy, scores, rules, readiness) and only
renders: scores and rules are computed in ``core``. Stored text is shown with ``st.text`` or
escaped before it reaches Markdown; nothing goes through HTML.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.derive import CaseScores
from core.i18n import MESSAGES, enum_label, t
from core.models import Analyte, CaseFile, Lesion
from core.rules import RuleHit
from core.scores import ScoreInputError, cockcroft_gault
from core.vocabulary import (
    AgendaStatus,
    DecisionStatus,
    Outcome,
    PlanDisposition,
    PlanKind,
    PrimaryTumour,
    Priority,
    QuorumState,
    Specialty,
)
from db import cases, decisions, meetings
from db import scores as score_store
from db.board import Board
from pages.components import board_as_recorded, figures, forms_assessment, forms_facts, forms_header, forms_lab, score_cards
from pages.components.decision_history import new_listing, where_decided
from pages.components.guard import PageContext
from pages.components.score_cards import badge_colour, colour_name, escape_md

# Emergencies first (RULES.md precedence), then the specialties in the order of the MDT round.
SPECIALTY_ORDER: tuple[str, ...] = (
    "emergency",
    "orthopaedics",
    "radiotherapy",
    "medical_oncology",
    "pain_medicine",
    "rehabilitation",
    "follow_up",
)
URGENCY_COLOURS: dict[str, str] = {"emergency": "red", "urgent": "orange", "routine": "gray"}
# Bands that outline a lesion on the bone map, worst first (figures.HIGH_RISK_BANDS).
_RISK_ORDER: tuple[str, ...] = (
    "unstable",
    "high_risk",
    "high_grade",
    "indeterminate",
    "borderline",
    "intermediate_1c",
)
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
    choices = cases.case_choices(ctx.cur, include=case_id)
    ids = [cid for cid, _ in choices]
    names = {cid: _picker_label(ctx, text) for cid, text in choices}
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


def _picker_label(ctx: PageContext, text: str) -> str:
    """``#12 · name · MRN · lung_nsclc`` with the primary in the user's language."""
    head, _, primary = text.rpartition(" · ")
    return f"{head} · {enum_label(primary, ctx.lang, PrimaryTumour)}" if head else text


# ---------------------------------------------------------------------------------------------
# Small helpers


def site_label(lesion: Lesion, lang: str) -> str:
    """A lesion's site in the user's language: the level, or side, bone and segment."""
    if lesion.level:
        prefix = enum_label(lesion.bone, lang) + " " if lesion.bone.value == "sacrum" else ""
        return prefix + lesion.level
    parts = []
    if lesion.side is not None:
        parts.append(enum_label(lesion.side, lang))
    parts.append(enum_label(lesion.bone, lang))
    if lesion.segment is not None:
        parts.append(enum_label(lesion.segment, lang))
    return ("" if lang == "zh" else " ").join(parts)


def _t(lang: str, key: str, fallback: str) -> str:
    return t(key, lang) if key in MESSAGES else fallback.replace("_", " ")


def _as_date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _code(ctx: PageContext, value: object, vocab: type[StrEnum]) -> str:
    """A value of ``vocab`` in words; '—' when absent."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ctx.t("board.none")
    return enum_label(str(value), ctx.lang, vocab)


def lesion_risk(scores: CaseScores) -> dict[int, str]:
    """Each lesion's worst SINS / Mirels / Bilsky band (for the bone map's risk outline)."""
    risk: dict[int, str] = {}
    for score in scores.per_lesion:
        if score.lesion_id is None or not score.complete:
            continue
        current = risk.get(score.lesion_id)
        if current is None or _rank(score.band) < _rank(current):
            risk[score.lesion_id] = score.band
    return risk


def _rank(band: str) -> int:
    return _RISK_ORDER.index(band) if band in _RISK_ORDER else len(_RISK_ORDER)


def crcl_points(cf: CaseFile) -> list[tuple[date, float]]:
    """Cockcroft–Gault clearance at each creatinine result (current weight; none without it)."""
    if cf.case.weight_kg is None:
        return []
    points = []
    for lab in cf.labs:
        if lab.analyte != Analyte.CREATININE:
            continue
        try:
            value = cockcroft_gault(
                cf.patient.age_on(lab.taken_on),
                cf.case.weight_kg,
                cf.patient.sex.value,
                creatinine_umol_l=lab.value,
            )
        except (ScoreInputError, ValueError, ArithmeticError):
            continue
        points.append((lab.taken_on, float(value)))
    return sorted(points)


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_figure(kind: str, key: str, _build: Callable[[], go.Figure]) -> go.Figure:
    """A figure built once per (kind, content key); reruns of the same case reuse it."""
    return _build()


def figure_key(*parts: object) -> str:
    """sha256 of the figure's inputs (models as JSON) so a changed record rebuilds it."""
    plain = [p.model_dump(mode="json") if hasattr(p, "model_dump") else p for p in parts]
    return hashlib.sha256(json.dumps(plain, default=str, sort_keys=True).encode()).hexdigest()


def _labels(ctx: PageContext) -> figures.Labels:
    return figures.Labels.zh() if ctx.lang == "zh" else figures.Labels.en()


# ---------------------------------------------------------------------------------------------
# The board


def in_turn(*parts: Callable[[], object]) -> Callable[[], None]:
    """One section drawn from several parts, in order."""

    def draw() -> None:
        for part in parts:
            part()

    return draw


def render(ctx: PageContext, board: Board, *, read_only: bool = False) -> None:
    """The whole board. ``read_only``: the board as recorded at a past moment (no data entry)."""
    agenda = meetings.case_agenda_history(ctx.cur, board.cf.case.case_id or 0)
    header(ctx, board, agenda)
    if not read_only:
        forms_header.entry(ctx, board.cf)
        forms_assessment.entry(ctx, board.cf)
    red_flags(ctx, board)
    readiness(ctx, board)
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
            history=lambda sid: score_store.score_history(ctx.cur, board.cf.case.case_id or 0, sid),
            breakdowns=False,
        )
    with right:
        bone_map(ctx, board)
    # "Points and sources" at the board's full width (a card is too narrow for the tables).
    score_cards.render_breakdowns(ctx, score_cards.select_cards(board.scores)[0])

    def entry(entity: str) -> None:
        if not read_only:
            data_entry(ctx, board, entity)

    sections: tuple[tuple[str, Callable[[], None]], ...] = (
        ("suggestions", lambda: suggestions(ctx, board)),
        ("imaging", in_turn(lambda: entry("imaging_study"), lambda: imaging(ctx, board))),
        (
            "timeline",
            in_turn(lambda: entry("treatment"), lambda: entry("clinical_event"), lambda: timeline(ctx, board, agenda)),
        ),
        ("labs", in_turn(lambda: entry("lab_result"), lambda: labs(ctx, board))),
        ("lesions", in_turn(lambda: entry("lesion"), lambda: lesions(ctx, board))),
        ("decisions", lambda: past_decisions(ctx, board)),
    )
    # Lazy tabs: only the open tab runs (the figures cost most of a rerun).
    tabs = st.tabs([ctx.t(f"board.tab.{name}") for name, _ in sections], key=TAB_KEY, on_change="rerun")
    for tab, (_, draw) in zip(tabs, sections, strict=True):
        if tab.open:
            with tab:
                draw()


def data_entry(ctx: PageContext, board: Board, entity: str) -> None:
    """The "Add / edit" entry point of a board section (forms in place; the board recomputes on save)."""
    cf, lang = board.cf, ctx.lang
    if entity == "lesion":
        forms_facts.entry(ctx, cf, entity, cf.lesions, lambda x: f"#{x.lesion_id} {site_label(x, lang)}")
    elif entity == "imaging_study":
        forms_facts.entry(ctx, cf, entity, cf.studies, lambda x: f"{x.study_date} {enum_label(x.modality, lang)} {x.region}")
    elif entity == "treatment":
        forms_facts.entry(ctx, cf, entity, cf.treatments, lambda x: f"{x.start_date} {enum_label(x.kind, lang)} {x.name}")
    elif entity == "clinical_event":
        forms_facts.entry(ctx, cf, entity, cf.events, lambda x: f"{x.event_date} {enum_label(x.kind, lang)}")
    elif entity == "lab_result":
        forms_facts.entry(
            ctx,
            cf,
            entity,
            tuple(reversed(cf.labs)),
            lambda x: f"{x.taken_on} {enum_label(x.analyte, lang)} {x.value} {x.unit}",
            add=in_turn(lambda: forms_lab.single_form(ctx, cf), lambda: st.divider(), lambda: forms_lab.grid_form(ctx, cf)),
        )


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
        agenda[(agenda["status"] == "listed") & (agenda["meeting_date"].map(_as_date) >= cf.as_of)]
        if not agenda.empty
        else agenda
    )
    next_meeting = _as_date(upcoming["meeting_date"].iloc[0]) if not upcoming.empty else None
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


def _hit_text(ctx: PageContext, hit: RuleHit) -> tuple[str, str]:
    if ctx.lang == "zh":
        return hit.text_zh, hit.reason_zh
    return hit.text_en, hit.reason_en


def red_flags(ctx: PageContext, board: Board) -> None:
    """One banner per red flag and emergency action: st.error for emergency, st.warning urgent."""
    hits = [h for h in board.rules.fired if h.specialty == "red_flag" or h.urgency == "emergency"]
    for hit in hits:
        if hit.urgency == "routine":
            continue
        text, reason = _hit_text(ctx, hit)
        body = (
            f"**{escape_md(text)}**  \n"
            f"{ctx.t('board.redflag.reason', reason=escape_md(reason))}  \n"
            f"{ctx.t('board.redflag.source', source=escape_md(hit.source))} · {hit.rule_id}"
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


def bone_map(ctx: PageContext, board: Board) -> None:
    lesions, risk = board.cf.lesions, lesion_risk(board.scores)
    figure = _cached_figure(
        "bone_map",
        figure_key(list(lesions), sorted(risk.items()), ctx.lang),
        lambda: figures.bone_map(lesions, risk, _labels(ctx)),
    )
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})
    if not board.cf.lesions:
        st.info(ctx.t("board.lesions.none"))


# ---------------------------------------------------------------------------------------------
# Tabs


def suggestions(ctx: PageContext, board: Board) -> None:
    report = board.rules
    st.caption(ctx.t("board.suggest.disclaimer"))
    if report.conflicts:
        st.markdown(f"**{ctx.t('board.suggest.conflicts')}**")
        for conflict in report.conflicts:
            st.warning(
                ctx.t(
                    "board.suggest.conflict",
                    name=conflict.name_zh if ctx.lang == "zh" else conflict.name_en,
                )
            )
            for column, rule_id in zip(st.columns(2), conflict.rule_ids, strict=True):
                hit = report.hit(rule_id)
                with column, st.container(border=True):
                    if hit is not None:
                        _suggestion(ctx, hit)
    groups: dict[str, list[RuleHit]] = {s: [] for s in SPECIALTY_ORDER}
    for hit in report.fired:
        if hit.specialty in groups:
            groups[hit.specialty].append(hit)
    needs: dict[str, list[str]] = {}
    for item in report.needs_data:
        needs.setdefault(item.specialty, []).append(
            ctx.t(
                "board.suggest.needs",
                rule=item.rule_id,
                items=escape_md("; ".join((item.missing_zh if ctx.lang == "zh" else item.missing_en) or item.missing)),
            )
        )
    shown = [s for s in SPECIALTY_ORDER if groups[s] or needs.get(s)]
    columns = st.columns(2, gap="medium")
    for index, specialty in enumerate(shown):
        with columns[index % 2], st.container(border=True):
            st.markdown(f"#### {ctx.t(f'board.specialty.{specialty}')}")
            for hit in groups[specialty]:
                _suggestion(ctx, hit)
            if not groups[specialty]:
                st.caption(ctx.t("board.suggest.none"))
            for line in needs.get(specialty, []):
                st.caption(":material/help: " + line)
    if needs.get("red_flag"):
        with st.container(border=True):
            st.markdown(f"**{ctx.t('board.suggest.needs_title')}** · {ctx.t('board.specialty.red_flag')}")
            for line in needs["red_flag"]:
                st.caption(":material/help: " + line)


def _suggestion(ctx: PageContext, hit: RuleHit) -> None:
    """Urgency and suggestion on one line; why it fired, the rationale and the source below."""
    text, reason = _hit_text(ctx, hit)
    rationale = hit.rationale_zh if ctx.lang == "zh" else hit.rationale_en
    colour = URGENCY_COLOURS.get(hit.urgency, "gray")
    st.markdown(f":{colour}-badge[{enum_label(hit.urgency, ctx.lang, Priority)}] **{escape_md(text)}**")
    lines = [ctx.t("board.suggest.reason", reason=escape_md(reason))]
    if rationale:
        lines.append(ctx.t("board.suggest.rationale", rationale=escape_md(rationale)))
    lines.append(ctx.t("board.suggest.source", source=escape_md(hit.source), rule=hit.rule_id))
    st.caption("  \n".join(lines))


def imaging(ctx: PageContext, board: Board) -> None:
    cf, policy = board.cf, board.policy
    if not cf.studies:
        st.warning(ctx.t("board.imaging.none"))
        return
    studies = sorted(cf.studies, key=lambda s: s.study_date, reverse=True)
    latest_age = (cf.as_of - studies[0].study_date).days
    if latest_age > policy.readiness_imaging_max_days:
        st.warning(ctx.t("board.imaging.stale", days=latest_age, limit=policy.readiness_imaging_max_days))
    by_id = {les.lesion_id: les for les in cf.lesions}
    for study in studies:
        with st.container(border=True):
            st.markdown(
                "**"
                + ctx.t(
                    "board.imaging.heading",
                    date=study.study_date.isoformat(),
                    modality=enum_label(study.modality, ctx.lang),
                    region=escape_md(study.region),
                )
                + "** · "
                + ctx.t("board.imaging.age", n=(cf.as_of - study.study_date).days)
            )
            shown = [site_label(by_id[i], ctx.lang) for i in study.lesion_ids if i in by_id]
            st.caption(
                ctx.t("board.imaging.lesions", sites=escape_md(", ".join(shown))) if shown else ctx.t("board.imaging.no_lesions")
            )
            for key, text in (
                ("board.imaging.findings", study.findings),
                ("board.imaging.impression", study.impression),
            ):
                if text.strip():
                    st.markdown(f"*{ctx.t(key)}:* {escape_md(text)}")


def timeline(ctx: PageContext, board: Board, agenda: pd.DataFrame) -> None:
    meeting_points = [
        (when, ctx.t("board.timeline.meeting", status=_code(ctx, row.status, AgendaStatus)))
        for row in agenda.itertuples()
        if (when := _as_date(row.meeting_date)) is not None
    ]
    frame = decisions.decisions_for_case(ctx.cur, board.cf.case.case_id or 0)
    decision_points = [
        (
            when,
            ctx.t(
                "board.timeline.decision",
                version=row.version,
                status=_code(ctx, row.status, DecisionStatus),
                outcome=_code(ctx, row.outcome, Outcome),
            ),
        )
        for row in frame.itertuples()
        if (when := _as_date(row.decided_on)) is not None
    ]
    # The last 12 months by default: bars from years ago would squash this year's events.
    window = figures.timeline_window(board.cf, meeting_points, decision_points)
    if window is not None and st.toggle(ctx.t("board.timeline.full"), key="board_timeline_full"):
        window = None
    if window is not None:
        st.caption(ctx.t("board.timeline.window", start=window[0].isoformat(), end=window[1].isoformat()))
    figure = _cached_figure(
        "timeline",
        figure_key(board.cf, meeting_points, decision_points, ctx.lang, window),
        lambda: figures.timeline(board.cf, meeting_points, decision_points, _labels(ctx), window=window),
    )
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})


def labs(ctx: PageContext, board: Board) -> None:
    if not board.cf.labs:
        st.info(ctx.t("board.labs.none"))
        return
    points = crcl_points(board.cf)
    figure = _cached_figure(
        "labs",
        figure_key(board.cf, points, ctx.lang),
        lambda: figures.lab_trends(board.cf, points, _labels(ctx)),
    )
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})


def lesion_rows(ctx: PageContext, board: Board) -> pd.DataFrame:
    """One row per lesion: site, type, SINS / Mirels / Bilsky with their bands, fracture."""
    scores = board.scores
    tr = ctx.t

    def scored(score_id: str, lesion_id: int | None) -> str:
        found = [s for s in scores.lesion_scores(score_id) if s.lesion_id == lesion_id]
        if not found:
            return ""
        score = found[0]
        if not score.complete:
            return tr("board.card.incomplete")
        value = score.inputs.get("escc_grade") if score_id == "bilsky_escc" else score.total
        return f"{value} · {score_cards.band_text(ctx, score)}"

    rows = []
    for lesion in board.cf.lesions:
        fracture = (
            (tr("board.lesions.fixed") if lesion.fracture_fixed else tr("board.yes"))
            if lesion.pathological_fracture
            else tr("board.no")
        )
        rows.append(
            {
                tr("board.lesions.id"): f"#{lesion.lesion_id}",
                tr("board.lesions.site"): site_label(lesion, ctx.lang),
                tr("board.lesions.type"): enum_label(lesion.lesion_type, ctx.lang),
                tr("board.lesions.size"): lesion.size_mm,
                tr("board.lesions.sins"): scored("sins", lesion.lesion_id),
                tr("board.lesions.mirels"): scored("mirels", lesion.lesion_id),
                tr("board.lesions.bilsky"): scored("bilsky_escc", lesion.lesion_id),
                tr("board.lesions.fracture"): fracture,
                tr("board.lesions.status"): enum_label(lesion.status, ctx.lang),
            }
        )
    return pd.DataFrame(rows)


def lesions(ctx: PageContext, board: Board) -> None:
    if not board.cf.lesions:
        st.info(ctx.t("board.lesions.none"))
        return
    st.dataframe(lesion_rows(ctx, board), hide_index=True, width="stretch")
    st.caption(ctx.t("board.lesions.breakdowns"))
    sites = {les.lesion_id: site_label(les, ctx.lang) for les in board.cf.lesions}
    for score in board.scores.per_lesion:
        colour = badge_colour(score.band)
        value = score_cards.headline(ctx, score) if score.complete else ctx.t("board.card.incomplete")
        title = ctx.t(
            "board.lesions.score_at",
            score=ctx.t(f"board.score.{score.score_id}"),
            site=escape_md(sites.get(score.lesion_id, score.site)),
        )
        if not score.complete:
            value = ctx.t("board.card.missing", items="; ".join(score_cards.missing_items(ctx, score)))
        score_cards.lazy_breakdown(
            ctx,
            score,
            f"{title} · :{colour}[{escape_md(value or '')}]",
            key=score_cards.breakdown_key(score, "lesion"),
        )


def past_decisions(ctx: PageContext, board: Board) -> None:
    case_id = board.cf.case.case_id or 0
    frame = decisions.decisions_for_case(ctx.cur, case_id)
    if frame.empty:
        st.info(ctx.t("board.decisions.none"))
    for row in frame.itertuples():
        with st.container(border=True):
            when = _as_date(row.decided_on)
            st.markdown(
                "**"
                + ctx.t(
                    "board.decisions.heading",
                    version=row.version,
                    status=_code(ctx, row.status, DecisionStatus),
                    outcome=_code(ctx, row.outcome, Outcome),
                    date=when.isoformat() if when else "—",
                )
                + "** · "
                + ctx.t("board.decisions.quorum", state=_code(ctx, row.quorum_state, QuorumState))
            )
            st.caption(where_decided(ctx, row))  # the meeting that made it, or an emergency outside one
            _stored_text(ctx, "board.decisions.summary", row.summary)
            again = new_listing(frame, int(row.decision_id))
            _stored_text(ctx, "dec.relisting_reason_label" if again else "board.decisions.amendment", row.amendment_reason)
            _stored_text(ctx, "board.decisions.override", row.quorum_override_reason)
            _stored_text(ctx, "board.decisions.dissent", row.dissent)
            if row.status == "signed" and isinstance(row.signed_at, datetime | pd.Timestamp):
                st.caption(
                    ctx.t(
                        "board.decisions.signed",
                        name=escape_md(row.signed_by or ""),
                        at=f"{row.signed_at:%Y-%m-%d %H:%M}",
                        meaning=escape_md(row.signature_meaning or ""),
                    )
                )
                # the facts behind the decision, as they were when it was signed
                board_as_recorded.link(ctx, case_id, pd.Timestamp(row.signed_at).to_pydatetime())
            items = decisions.plan_items(ctx.cur, int(row.decision_id))
            if not items.empty:
                st.dataframe(_plan_frame(ctx, items), hide_index=True, width="stretch")
    open_actions(ctx, case_id)


def _stored_text(ctx: PageContext, key: str, value: object) -> None:
    if isinstance(value, str) and value.strip():
        st.caption(ctx.t(key))
        st.text(value)


def _yes_no(ctx: PageContext, value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ctx.t("board.none")
    return ctx.t("board.yes") if bool(value) else ctx.t("board.no")


def _plan_frame(ctx: PageContext, items: pd.DataFrame) -> pd.DataFrame:
    tr = ctx.t
    return pd.DataFrame(
        {
            tr("board.decisions.rule"): items["rule_id"].fillna(""),
            tr("board.decisions.kind"): [enum_label(str(k), ctx.lang, PlanKind) for k in items["kind"]],
            tr("board.decisions.text"): items["text"],
            tr("board.decisions.disposition"): [enum_label(str(d), ctx.lang, PlanDisposition) for d in items["disposition"]],
            tr("board.decisions.reason"): items["reason"].fillna(""),
            tr("board.decisions.delivered"): [_yes_no(ctx, v) for v in items["delivered"]],
        }
    )


def open_actions(ctx: PageContext, case_id: int) -> None:
    tr = ctx.t
    st.subheader(tr("board.actions.title"))
    acts = decisions.actions(ctx.cur, case_id=case_id)
    still_open = acts[acts["status"] == "open"] if not acts.empty else acts
    if still_open.empty:
        st.caption(tr("board.actions.none"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    tr("board.actions.description"): still_open["description"],
                    tr("board.actions.specialty"): [_code(ctx, s, Specialty) for s in still_open["specialty"]],
                    tr("board.actions.owner"): still_open["owner"].fillna(""),
                    tr("board.actions.due"): still_open["due_date"],
                    tr("board.actions.overdue"): [_yes_no(ctx, v) for v in still_open["overdue"]],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    closed = len(acts) - len(still_open)
    if closed:
        st.caption(tr("board.actions.closed", n=closed))
