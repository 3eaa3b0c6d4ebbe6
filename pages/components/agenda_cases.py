"""Per-case summaries for the meeting screen: live urgency, red flags and readiness for listing,
cached (``st.cache_data``) until the case's next audited write, and their short texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from db import urgency as live_urgency
from db.board import Board, case_stamps, load_board
from pages.components.guard import PageContext


@dataclass(frozen=True)
class CaseSummary:
    case_id: int
    urgency: str
    red_flags: tuple[tuple[str, str, str], ...]  # (rule id, en, zh)
    problems: tuple[tuple[str, bool, str], ...]  # (readiness key, stale, detail)

    @property
    def ready(self) -> bool:
        return not self.problems


def summarise(board: Board, *, decided: bool = False) -> CaseSummary:
    """The case's live urgency (db/urgency.py: its red-flag banner, never below the referral
    priority until a decision about the case is signed) and red flags, and what is missing or
    stale for listing."""
    case_id = int(board.cf.case.case_id or 0)
    live = live_urgency.from_report(case_id, None if decided else board.cf.case.priority, board.rules)
    return CaseSummary(
        case_id=case_id,
        urgency=live.urgency.value,
        red_flags=tuple((h.rule_id, h.text_en, h.text_zh) for h in board.rules.red_flags),
        problems=tuple((p.key, p.stale, p.detail) for p in board.readiness.problems),
    )


@st.cache_data(max_entries=4000, show_spinner=False)
def _summary(_cur: Any, store: str, case_id: int, stamp: int, today: date) -> CaseSummary:
    return summarise(load_board(_cur, case_id, today), decided=case_id in live_urgency.acted_on(_cur, [case_id]))


def summaries(ctx: PageContext, case_ids: list[int]) -> dict[int, CaseSummary]:
    """Urgency, red flags and readiness per case, recomputed only for cases whose data changed."""
    stamps = case_stamps(ctx.cur, case_ids)
    store = str(ctx.store.path)
    return {cid: _summary(ctx.cur, store, cid, stamps.get(cid, 0), date.today()) for cid in case_ids}


def readiness_text(ctx: PageContext, summary: CaseSummary) -> str:
    if summary.ready:
        return ctx.t("mtg.ready")
    parts = []
    for key, stale, detail in summary.problems:
        label = ctx.t(f"mtg.readiness.{key}")
        parts.append(ctx.t("mtg.stale", item=label, days=detail) if stale else label)
    sep = "、" if ctx.lang == "zh" else ", "
    return ctx.t("mtg.not_ready", items=sep.join(parts))


def short_flag(text: str) -> str:
    """A red flag's name: its text up to the first colon (the action follows the colon)."""
    return re.split(r"[:：]", text, maxsplit=1)[0].strip()


def short_flags(ctx: PageContext, summary: CaseSummary) -> str:
    sep = "；" if ctx.lang == "zh" else "; "
    return sep.join(short_flag(zh if ctx.lang == "zh" else en) for _, en, zh in summary.red_flags)
