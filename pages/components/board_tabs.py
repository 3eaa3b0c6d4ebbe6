"""The case board's tabs: specialty suggestions, imaging, timeline, labs, lesions, decisions with
actions, and each section's "Add / edit" entry. Each takes the page context and the
:class:`db.board.Board` and only renders (scores and rules are computed in ``core``); figures are
cached per case version (:mod:`pages.components.cache`). Stored text goes through ``st.text`` or
is escaped before it reaches Markdown."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from core.i18n import enum_label, source_text
from core.minutes import meaning_label
from core.rules import RuleHit
from core.vocabulary import AgendaStatus, DecisionStatus, Outcome, PlanDisposition, PlanKind, Priority, QuorumState, Specialty
from db import actions, decision_reads
from db.board import Board
from pages.components import board_as_recorded, cache, figures, forms_facts, forms_lab, score_cards
from pages.components.board_common import (
    SPECIALTY_ORDER,
    URGENCY_COLOURS,
    as_date,
    code,
    crcl_points,
    hit_text,
    in_turn,
    labels,
    site_label,
)
from pages.components.decision_history import new_listing, where_decided
from pages.components.guard import PageContext
from pages.components.score_cards import badge_colour, escape_md
from pages.components.widgets import text_table


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
    text, reason = hit_text(ctx, hit)
    rationale = hit.rationale_zh if ctx.lang == "zh" else hit.rationale_en
    colour = URGENCY_COLOURS.get(hit.urgency, "gray")
    st.markdown(f":{colour}-badge[{enum_label(hit.urgency, ctx.lang, Priority)}] **{escape_md(text)}**")
    lines = [ctx.t("board.suggest.reason", reason=escape_md(reason))]
    if rationale:
        lines.append(ctx.t("board.suggest.rationale", rationale=escape_md(rationale)))
    lines.append(ctx.t("board.suggest.source", source=escape_md(source_text(hit.source, ctx.lang)), rule=hit.rule_id))
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


def timeline(ctx: PageContext, board: Board, agenda: pd.DataFrame, version: cache.Version | None = None) -> None:
    meeting_points = [
        (when, ctx.t("board.timeline.meeting", status=code(ctx, row.status, AgendaStatus)))
        for row in agenda.itertuples()
        if (when := as_date(row.meeting_date)) is not None
    ]
    frame = decision_reads.decisions_for_case(ctx.cur, board.cf.case.case_id or 0)
    decision_points = [
        (
            when,
            ctx.t(
                "board.timeline.decision",
                version=row.version,
                status=code(ctx, row.status, DecisionStatus),
                outcome=code(ctx, row.outcome, Outcome),
            ),
        )
        for row in frame.itertuples()
        if (when := as_date(row.decided_on)) is not None
    ]
    # The last 12 months by default: bars from years ago would squash this year's events.
    window = figures.timeline_window(board.cf, meeting_points, decision_points)
    if window is not None and st.toggle(ctx.t("board.timeline.full"), key="board_timeline_full"):
        window = None
    if window is not None:
        st.caption(ctx.t("board.timeline.window", start=window[0].isoformat(), end=window[1].isoformat()))
    figure = cache.figure(
        "timeline",
        cache.figure_key(version, board.cf, meeting_points, decision_points, ctx.lang, window),
        lambda: figures.timeline(board.cf, meeting_points, decision_points, labels(ctx), window=window),
    )
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})


def labs(ctx: PageContext, board: Board, version: cache.Version | None = None) -> None:
    if not board.cf.labs:
        st.info(ctx.t("board.labs.none"))
        return
    points = crcl_points(board.cf)
    figure = cache.figure(
        "labs",
        cache.figure_key(version, board.cf, points, ctx.lang),
        lambda: figures.lab_trends(board.cf, points, labels(ctx)),
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
            value = ctx.t("board.card.missing", items=score_cards.listing(ctx, score_cards.missing_items(ctx, score)))
        score_cards.lazy_breakdown(
            ctx,
            score,
            f"{title} · :{colour}[{escape_md(value or '')}]",
            key=score_cards.breakdown_key(score, "lesion"),
        )


def past_decisions(ctx: PageContext, board: Board) -> None:
    case_id = board.cf.case.case_id or 0
    frame = decision_reads.decisions_for_case(ctx.cur, case_id)
    if frame.empty:
        st.info(ctx.t("board.decisions.none"))
    for row in frame.itertuples():
        with st.container(border=True):
            when = as_date(row.decided_on)
            st.markdown(
                "**"
                + ctx.t(
                    "board.decisions.heading",
                    version=row.version,
                    status=code(ctx, row.status, DecisionStatus),
                    outcome=code(ctx, row.outcome, Outcome),
                    date=when.isoformat() if when else "—",
                )
                + "** · "
                + ctx.t("board.decisions.quorum", state=code(ctx, row.quorum_state, QuorumState))
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
                        meaning=escape_md(meaning_label(row.signature_meaning or "", ctx.lang)),
                    )
                )
                # the facts behind the decision, as they were when it was signed
                board_as_recorded.link(ctx, case_id, pd.Timestamp(row.signed_at).to_pydatetime())
            items = decision_reads.plan_items(ctx.cur, int(row.decision_id))
            if not items.empty:
                text_table(_plan_frame(ctx, items))
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
            # kind and rule in one column: six columns left the item and reason too narrow at 1024 px
            tr("board.decisions.kind"): [
                enum_label(str(k), ctx.lang, PlanKind) + (f" · {r}" if isinstance(r, str) and r else "")
                for k, r in zip(items["kind"], items["rule_id"], strict=True)
            ],
            tr("board.decisions.text"): items["text"],
            tr("board.decisions.disposition"): [enum_label(str(d), ctx.lang, PlanDisposition) for d in items["disposition"]],
            tr("board.decisions.reason"): items["reason"].fillna(""),
            tr("board.decisions.delivered"): [_yes_no(ctx, v) for v in items["delivered"]],
        }
    )


def open_actions(ctx: PageContext, case_id: int) -> None:
    tr = ctx.t
    st.subheader(tr("board.actions.title"))
    acts = actions.actions(ctx.cur, case_id=case_id)
    still_open = acts[acts["status"] == "open"] if not acts.empty else acts
    if still_open.empty:
        st.caption(tr("board.actions.none"))
    else:
        text_table(
            pd.DataFrame(
                {
                    tr("board.actions.description"): still_open["description"],
                    tr("board.actions.specialty"): [code(ctx, s, Specialty) for s in still_open["specialty"]],
                    tr("board.actions.owner"): still_open["owner"].fillna(""),
                    tr("board.actions.due"): [as_date(d) for d in still_open["due_date"]],
                    tr("board.actions.overdue"): [_yes_no(ctx, v) for v in still_open["overdue"]],
                }
            )
        )
    closed = len(acts) - len(still_open)
    if closed:
        st.caption(tr("board.actions.closed", n=closed))
