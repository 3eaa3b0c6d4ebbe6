"""Presentation mode of a meeting (``meetings?meeting=<id>&present=1``), made for a projector.

Drawn without the sidebar (guard.presenting_view); at 1024×768 the case's name, presenter,
question, red flags, key scores and bone map are above the fold, with the case and meeting
clocks against the time budget (cases × minutes per case). Below the fold the board's sections
and the decision form of the presented case open in place (sections.py).

The chair leads: the case the chair presents is stored (db/presenting.py) and members who
follow the chair see their view move when the chair moves (a fragment polls the stored case).
The ticking clock and the follow poll count as activity, so nobody who watches is signed out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import FieldError, NotFoundError, PermissionDeniedError, WorkflowError
from core.i18n import enum_label
from core.models import AgendaStatus, Meeting, MeetingStatus
from core.permissions import Capability
from core.vocabulary import PrimaryTumour, Priority, Stream
from db import agenda as workflow
from db import audit, presenting
from db.board import Board
from pages.components import clock, presentation_sections
from pages.components.agenda_common import attempt, can, flash, md
from pages.components.agenda_status import elapsed, minutes_seconds, pause_timer, status_options, timer_open
from pages.components.cache import board as cached_board
from pages.components.figures import AMBER, GREEN, HIGH_RISK_BANDS, RED, Labels, band_colour, bone_map
from pages.components.guard import PageContext, keep_alive
from pages.components.score_cards import colour_name

BREAK_AFTER_SECONDS = 90 * 60
FOLLOW_POLL_SECONDS = 3
BONE_MAP_HEIGHT = 330
KEY_SCORES = (
    ("sins", "SINS"),
    ("mirels", "Mirels"),
    ("bilsky_escc", "Bilsky"),
    ("tomita", "Tomita"),
    ("tokuhashi_revised", "Tokuhashi"),
    ("katagiri_new", "Katagiri"),
)
# Red flags shown in full above the fold; the rest are listed below it.
FLAGS_ABOVE = 2
_BADGE = {GREEN: "green", AMBER: "orange", RED: "red"}
_URGENCY_COLOUR = {"emergency": "red", "urgent": "orange", "routine": "blue"}
FOLLOW_KEY = "mtg_follow"


def index_key(meeting_id: int) -> str:
    return f"mtg_present_idx_{meeting_id}"


def is_chair(ctx: PageContext) -> bool:
    return can(ctx, Capability.SIGN_DECISION)


def following(ctx: PageContext, meeting_id: int) -> bool:
    """Whether this member's view follows the chair (on by default for everyone but the chair)."""
    if is_chair(ctx):
        return False
    return bool(st.session_state.setdefault(f"{FOLLOW_KEY}_{meeting_id}", True))


def shown_index(ctx: PageContext, meeting: Meeting, frame: pd.DataFrame) -> tuple[int, int | None]:
    """The agenda position to show, and the chair's current item (None when not presenting)."""
    mid = int(meeting.meeting_id or 0)
    n = len(frame)
    current = presenting.current_item(ctx.cur, mid)
    items = [int(i) for i in frame["item_id"]]
    if following(ctx, mid) and current in items:
        idx = items.index(int(current))
        st.session_state[index_key(mid)] = idx
        return idx, current
    return min(max(int(st.session_state.get(index_key(mid), 0)), 0), n - 1), current


def render(ctx: PageContext, meeting: Meeting, frame: pd.DataFrame) -> None:
    tr = ctx.t
    mid = int(meeting.meeting_id or 0)
    if frame.empty:
        st.info(tr("mtg.agenda_empty"))
        return
    n = len(frame)
    idx, current = shown_index(ctx, meeting, frame)
    row = frame.iloc[idx]
    item_id, case_id = int(row["item_id"]), int(row["case_id"])
    if is_chair(ctx) and meeting.status != MeetingStatus.CLOSED and current != item_id:
        # The room follows the chair: store the case the chair now presents.
        attempt(ctx, presenting.present_item, ctx.cur, ctx.actor, mid, item_id)
    timer_open(item_id, clock.now())
    board = cached_board(ctx, case_id)
    opened = f"opened_case_{case_id}"
    if not st.session_state.get(opened):
        audit.record(ctx.cur, ctx.actor, "open_case", "mdt_case", case_id, patient_id=board.cf.patient.patient_id)
        st.session_state[opened] = True
    state = presenting.state(ctx.cur, mid)
    names = presenting.presenters(ctx.cur, mid)

    head, nav, clocks = st.columns([5, 4, 3], vertical_alignment="top")
    with head:
        title(ctx, board, row)
        badges(ctx, board, row, names.get(item_id))
    with nav:
        navigation(ctx, meeting, idx, n, current, item_id)
    with clocks:
        _clock(ctx, meeting, item_id, n, state.minutes_per_case)
    if board.cf.case.question.strip():
        st.markdown(f"**{md(board.cf.case.question)}**")
    flags, key_scores, skeleton = st.columns([5, 4, 3], gap="small")
    with flags:
        red_flags(ctx, board)
    with key_scores:
        scores(ctx, board)
    with skeleton:
        figure = bone_map(board.cf.lesions, lesion_risk(board), Labels.zh() if ctx.lang == "zh" else Labels.en())
        figure.update_layout(height=BONE_MAP_HEIGHT, margin={"t": 24, "b": 4, "l": 4, "r": 4}, showlegend=False)
        st.plotly_chart(figure, width="stretch", key=f"mtg_bone_map_{case_id}", config={"displayModeBar": False})
    status_buttons(ctx, meeting, row, idx, n)
    more_flags(ctx, board)
    settings(ctx, meeting, item_id, n, state.minutes_per_case, names.get(item_id))
    presentation_sections.render(ctx, board, meeting, item_id)


def go_to(meeting_id: int, idx: int) -> None:
    pause_timer(clock.now())
    st.session_state[index_key(meeting_id)] = idx
    st.rerun()


def navigation(ctx: PageContext, meeting: Meeting, idx: int, n: int, current: int | None, item_id: int) -> None:
    """Previous / next for the chair (and a member not following, or while the chair has not
    opened a case); a member following the chair gets the follow switch and a live poll."""
    tr, mid = ctx.t, int(meeting.meeting_id or 0)
    follow = following(ctx, mid)
    if not is_chair(ctx):
        st.toggle(tr("pres.follow"), key=f"{FOLLOW_KEY}_{mid}")
    if follow:
        _follow_watch(ctx, mid, item_id if current is not None else None)
    if follow and current is not None:
        st.markdown(f"**{tr('mtg.p.position', k=idx + 1, n=n)}**")
        return
    st.markdown(f"**{tr('mtg.p.position', k=idx + 1, n=n)}**")
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if st.button(tr("mtg.p.previous"), icon=":material/arrow_back:", key="mtg_prev", disabled=idx == 0, shortcut="Left"):
            go_to(mid, idx - 1)
        if st.button(
            tr("mtg.p.next"),
            icon=":material/arrow_forward:",
            key="mtg_next",
            disabled=idx >= n - 1,
            shortcut="Right",
            type="primary",
        ):
            go_to(mid, idx + 1)
    if is_chair(ctx) and meeting.status != MeetingStatus.CLOSED:
        st.caption(tr("pres.presenting_to_room"))


@st.fragment(run_every=FOLLOW_POLL_SECONDS)
def _follow_watch(ctx: PageContext, meeting_id: int, shown_item: int | None) -> None:
    """A member's follow view: poll the chair's current case and move when it changes. Watching
    counts as activity (keep_alive); a session that ended meanwhile goes to the sign-in."""
    if not keep_alive():
        st.rerun(scope="app")
    current = presenting.current_item(ctx.store.cursor(), meeting_id)
    if current is not None and current != shown_item:
        st.rerun(scope="app")
    if current is None:
        st.caption(ctx.t("pres.chair_not_presenting"))
    else:
        st.caption(f":material/sync: {ctx.t('pres.following')}")


@st.fragment(run_every="1s")
def _clock(ctx: PageContext, meeting: Meeting, item_id: int, cases: int, minutes_per_case: int) -> None:
    """The only part that ticks: the case's and the meeting's clocks against the budget, and the
    break prompt. Presentation mode on screen counts as activity."""
    if not keep_alive():
        st.rerun(scope="app")
    tr = ctx.t
    case_seconds = elapsed(item_id, clock.now())
    c1, c2 = st.columns(2)
    per_case = minutes_per_case * 60
    c1.metric(
        tr("mtg.p.case_time"),
        minutes_seconds(case_seconds),
        delta=tr("pres.of_planned", planned=minutes_seconds(per_case)),
        delta_color="red" if case_seconds > per_case else "off",
        delta_arrow="off",
    )
    spent = presenting.budget(cases, minutes_per_case, meeting.started_at, meeting.ended_at or clock.utc_now())
    running = spent.elapsed_seconds
    c2.metric(
        tr("mtg.p.meeting_time"),
        minutes_seconds(running) if meeting.started_at is not None else "—",
        delta=tr("pres.of_planned", planned=minutes_seconds(spent.planned_seconds)),
        delta_color="red" if spent.over else "off",
        delta_arrow="off",
    )
    if meeting.status == MeetingStatus.IN_PROGRESS and running >= BREAK_AFTER_SECONDS:
        st.warning(tr("mtg.p.break", minutes=int(running // 60)), icon=":material/coffee:")


def title(ctx: PageContext, board: Board, row: pd.Series) -> None:
    cf = board.cf
    st.subheader(f"{md(cf.patient.display_name)} · \\#{int(row['case_id'])}")


def badges(ctx: PageContext, board: Board, row: pd.Series, presenter: tuple[int, str] | None) -> None:
    cf = board.cf
    with st.container(horizontal=True, gap="small"):
        st.badge(
            enum_label(str(row["urgency"]), ctx.lang, Priority),
            icon=":material/priority_high:",
            color=colour_name(_URGENCY_COLOUR.get(str(row["urgency"]), "blue")),
        )
        st.badge(enum_label(str(row["stream"]), ctx.lang, Stream), color="violet")
        st.badge(enum_label(str(row["status"]), ctx.lang, AgendaStatus), color="gray")
        st.badge(enum_label(cf.case.primary_tumour, ctx.lang, PrimaryTumour), color="blue")
        st.badge(ctx.t("mtg.p.age", age=cf.age), color="gray")
        if presenter is None:
            st.badge(ctx.t("pres.no_presenter"), icon=":material/person_off:", color="gray")
        else:
            st.badge(ctx.t("pres.presenter", name=md(presenter[1])), icon=":material/co_present:", color="green")


def status_buttons(ctx: PageContext, meeting: Meeting, row: pd.Series, idx: int, n: int) -> None:
    """The chair marks the item; the time stored is the case's clock."""
    if not is_chair(ctx) or meeting.status == MeetingStatus.CLOSED:
        return
    if meeting.status == MeetingStatus.PLANNED:
        st.caption(ctx.t("mtg.p.start_first"))
        return
    item_id = int(row["item_id"])
    # Signing the item's decision marks it discussed; by hand: deferred (with its reason) or not reached.
    with st.container(border=True):
        st.markdown(f"**{ctx.t('mtg.p.mark')}**")
        with st.form(f"mtg_p_mark_{item_id}", border=False):
            reason = st.text_input(ctx.t("dec.defer_reason"), key=f"mtg_p_reason_{item_id}", max_chars=4000)
            with st.container(horizontal=True):
                pressed = [
                    status
                    for status in status_options(str(row["stream"]))
                    if st.form_submit_button(enum_label(status, ctx.lang, AgendaStatus), key=f"mtg_p_status_{status}")
                ]
    if not pressed:
        return
    status = pressed[0]
    seconds = int(elapsed(item_id, clock.now()))
    ok, _ = attempt(
        ctx,
        workflow.set_item_status,
        ctx.cur,
        ctx.actor,
        item_id,
        AgendaStatus(status),
        discussion_seconds=seconds,
        reason=reason if status == AgendaStatus.DEFERRED else "",
    )
    if ok:
        flash(ctx.t("mtg.p.marked", status=enum_label(status, ctx.lang, AgendaStatus), time=minutes_seconds(seconds)))
        go_to(int(meeting.meeting_id or 0), min(idx + 1, n - 1))


def _flag(ctx: PageContext, hit: object) -> None:
    text, reason = (hit.text_zh, hit.reason_zh) if ctx.lang == "zh" else (hit.text_en, hit.reason_en)  # type: ignore[attr-defined]
    st.error(f"**{md(text)}**  \n{md(reason)}", icon=":material/flag:")


def red_flags(ctx: PageContext, board: Board) -> None:
    hits = board.rules.red_flags
    if not hits:
        st.success(f"**{ctx.t('mtg.p.no_red_flags')}**", icon=":material/check_circle:")
        return
    st.markdown(f"**:red[:material/flag: {ctx.t('mtg.p.red_flags')}]**")
    for hit in hits[:FLAGS_ABOVE]:
        _flag(ctx, hit)
    if len(hits) > FLAGS_ABOVE:
        st.caption(ctx.t("pres.more_flags", n=len(hits) - FLAGS_ABOVE))


def more_flags(ctx: PageContext, board: Board) -> None:
    for hit in board.rules.red_flags[FLAGS_ABOVE:]:
        _flag(ctx, hit)


def scores(ctx: PageContext, board: Board) -> None:
    """One line per key score: name, value and band (compact enough for the projector's fold)."""
    st.markdown(f"**{ctx.t('mtg.p.scores')}**")
    with st.container(gap="small"):
        for score_id, name in KEY_SCORES:
            st.markdown(_score_line(ctx, board, score_id, name))


def _score_line(ctx: PageContext, board: Board, score_id: str, name: str) -> str:
    score = board.scores.get(score_id)
    if score is None or not score.applicable:
        return f"**{name}** — :gray[{ctx.t('mtg.p.not_applicable')}]"
    if not score.complete:
        return f"**{name}** ? :gray[{ctx.t('mtg.p.incomplete')}]"
    result = score.result
    label = result.band_label_zh if ctx.lang == "zh" else result.band_label_en
    grade = score.inputs.get("escc_grade") if score_id == "bilsky_escc" else None
    value = score.total if score.total is not None else grade
    shown = md(value) if value is not None else "—"
    return f"**{name} {shown}** :{_BADGE.get(band_colour(score.band), 'gray')}-background[{md(label)}]"


def lesion_risk(board: Board) -> dict[int, str]:
    """Each lesion's worst SINS / Mirels / Bilsky band (outlined on the bone map when high)."""
    risk: dict[int, str] = {}
    for score in board.scores.per_lesion:
        if score.lesion_id is None or not score.complete:
            continue
        if score.lesion_id not in risk or score.band in HIGH_RISK_BANDS:
            risk[score.lesion_id] = score.band
    return risk


def settings(
    ctx: PageContext, meeting: Meeting, item_id: int, cases: int, minutes: int, presenter: tuple[int, str] | None
) -> None:
    """Who presents this case and the minutes per case (coordinator and chair)."""
    if not can(ctx, Capability.BUILD_AGENDA) or meeting.status == MeetingStatus.CLOSED:
        return
    tr, mid = ctx.t, int(meeting.meeting_id or 0)
    choices = presenting.presenter_choices(ctx.cur)
    people: dict[int, str] = {int(r.user_id): str(r.display_name) for r in choices.itertuples()}
    options: list[int | None] = [None, *people]
    stored = presenter[0] if presenter else None
    with st.expander(tr("pres.settings"), icon=":material/tune:"):
        left, right = st.columns([3, 2])
        picked = left.selectbox(
            tr("pres.pick_presenter"),
            options,
            index=options.index(stored) if stored in options else 0,
            key=f"pres_presenter_{item_id}",
            format_func=lambda u: tr("pres.nobody") if u is None else people.get(u, "?"),
        )
        slot_presenter = left.empty()
        chosen_minutes = right.number_input(
            tr("pres.minutes_per_case"),
            min_value=presenting.MINUTES_PER_CASE_RANGE[0],
            max_value=presenting.MINUTES_PER_CASE_RANGE[1],
            value=minutes,
            step=1,
            key=f"pres_minutes_{mid}",
        )
        slot_minutes = right.empty()
        planned = minutes_seconds(cases * minutes * 60)
        right.caption(tr("pres.budget", cases=cases, minutes=minutes, planned=planned))
    if picked != stored and _write(ctx, slot_presenter, presenting.set_presenter, ctx.cur, ctx.actor, item_id, picked):
        flash(tr("pres.saved_presenter"))
        st.rerun()
    if int(chosen_minutes) != minutes and _write(
        ctx, slot_minutes, presenting.set_minutes_per_case, ctx.cur, ctx.actor, mid, int(chosen_minutes)
    ):
        flash(tr("pres.saved_minutes"))
        st.rerun()


_FIELD_MESSAGES = {"minutes_per_case": "pres.err.minutes", "presenter": "pres.err.presenter"}


def _write(ctx: PageContext, slot: object, fn: object, *args: object) -> bool:
    """One presenting write; a refusal is shown next to its field, in the user's language."""
    try:
        fn(*args)  # type: ignore[operator]
    except FieldError as exc:
        for field in exc.errors:
            slot.error(ctx.t(_FIELD_MESSAGES.get(field, "pres.err.presenter")))  # type: ignore[attr-defined]
        return False
    except PermissionDeniedError:
        slot.error(ctx.t("pres.err.denied"))  # type: ignore[attr-defined]
        return False
    except (WorkflowError, NotFoundError):
        slot.error(ctx.t("pres.err.closed"))  # type: ignore[attr-defined]
        return False
    return True
