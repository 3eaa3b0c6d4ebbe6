"""A decision read-only (outcome, plan, NOMS, discussion, signature) and the case's earlier
decisions: each listing's decision with the meeting that made it, and earlier versions."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.minutes import label, md_escape, meaning_label, stamp
from core.models import (
    Decision,
    DecisionStatus,
)
from core.vocabulary import Outcome, PlanDisposition, PlanKind, QuorumState, Specialty
from db import decision_reads
from db.signatures import signature_intact
from pages.components.decision_common import NOMS_AXES
from pages.components.guard import PageContext


def decision_view(ctx: PageContext, d: Decision, signer: str | None, *, new_listing: bool = False) -> None:
    """A decision read-only: outcome, plan with dispositions, NOMS, discussion, signature.

    ``new_listing``: the decision of a later listing of the case (its reason says why it was
    decided again), not an amendment of the one before."""
    tr, lang = ctx.t, ctx.lang
    if not signature_intact(d):
        st.error(tr("sec.signature_broken"), icon=":material/gpp_bad:")
    if d.emergency:
        st.warning(tr("dec.doc.emergency_value"), icon=":material/emergency:")
    cols = st.columns(4)
    cols[0].metric(tr("dec.outcome"), label(d.outcome, lang, Outcome))
    cols[1].metric(tr("dec.version"), f"{d.version} · {label(d.status, lang, DecisionStatus)}")
    cols[2].metric(tr("dec.quorum"), label(d.quorum_state, lang, QuorumState))
    cols[3].metric(tr("dec.decided_on"), d.decided_on.isoformat())
    if d.amendment_reason:
        key = "dec.relisting_reason_label" if new_listing else "dec.doc.amendment_reason"
        st.caption(tr(key) + ": " + md_escape(d.amendment_reason))
    if d.quorum_override_reason:
        st.caption(tr("dec.doc.override_reason") + ": " + md_escape(d.quorum_override_reason))
    if d.plan:
        frame = pd.DataFrame(
            [
                {
                    "#": p.position + 1,
                    tr("col.disposition"): label(p.disposition, lang, PlanDisposition),
                    tr("col.text"): p.text,
                    tr("col.reason"): p.reason,
                    tr("col.kind"): label(p.kind, lang, PlanKind),
                    tr("col.rule_id"): p.rule_id or "",
                }
                for p in d.plan
            ]
        )
        st.dataframe(
            frame, hide_index=True, width="stretch", column_config={tr("col.text"): st.column_config.TextColumn(width="large")}
        )
    else:
        st.caption(tr("dec.no_plan"))
    for axis in NOMS_AXES:
        if d.noms.get(axis):
            st.markdown(f"**NOMS {axis}**: " + md_escape(d.noms[axis]))
    for key, value in (("dec.summary", d.summary), ("dec.dissent", d.dissent)):
        if value:
            st.markdown(f"**{md_escape(tr(key))}**: " + md_escape(value))
    if d.contributing:
        st.caption(tr("dec.contributing") + ": " + ", ".join(label(s, lang, Specialty) for s in d.contributing))
    if d.status == DecisionStatus.SIGNED and d.signed_at is not None:
        with st.container(border=True):
            st.markdown("**" + md_escape(tr("dec.doc.signature")) + "**")
            st.markdown(
                md_escape(
                    tr(
                        "dec.signature_line",
                        name=signer or "?",
                        at=stamp(d.signed_at, lang),
                        meaning=meaning_label(d.signature_meaning, lang),
                    )
                )
            )
            st.caption(tr("dec.doc.hash") + ":")
            st.code(d.content_hash or "", language=None)


def new_listing(history: pd.DataFrame, decision_id: int) -> bool:
    """Whether the decision is a later listing's own decision (its predecessor belongs to another
    agenda item, or to none), rather than an amendment of the one before."""
    rows = history.set_index("decision_id")
    if decision_id not in rows.index:
        return False
    row = rows.loc[decision_id]
    if pd.isna(row["predecessor_id"]) or int(row["predecessor_id"]) not in rows.index:
        return False
    before = rows.loc[int(row["predecessor_id"])]
    same = (pd.isna(before["item_id"]) and pd.isna(row["item_id"])) or before["item_id"] == row["item_id"]
    return not same


def where_decided(ctx: PageContext, row: Any) -> str:
    """The meeting that made a decision (with its date), or 'emergency outside a meeting'."""
    if bool(row.emergency) or pd.isna(row.meeting_date):
        return ctx.t("dec.history.emergency")
    return ctx.t("dec.history.meeting", date=pd.Timestamp(row.meeting_date).date().isoformat())


def history_view(ctx: PageContext, history: pd.DataFrame, shown: int | None) -> None:
    """Every other decision of the case, read-only, newest first: earlier listings' decisions with
    the meeting that made them, and earlier versions of this one."""
    rows = history[history["decision_id"] != shown] if shown is not None else history
    if rows.empty:
        return
    st.subheader(ctx.t("dec.history"))
    for r in rows.itertuples():
        title = ctx.t(
            "dec.history.title",
            where=where_decided(ctx, r),
            version=int(r.version),
            status=label(str(r.status), ctx.lang, DecisionStatus),
        )
        with st.expander(title):
            decision_view(
                ctx,
                decision_reads.get_decision(ctx.cur, int(r.decision_id)),
                None if pd.isna(r.signed_by) else str(r.signed_by),
                new_listing=new_listing(history, int(r.decision_id)),
            )
