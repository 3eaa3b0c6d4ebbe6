"""Attendance and quorum: who is present (toggled by the coordinator, written at once), the core
specialties' quorum and the attendance grade as a live meter.
"""

from __future__ import annotations

import logging

import streamlit as st

from core.errors import ConflictError, FieldError, NotFoundError, PermissionDeniedError, WorkflowError
from core.i18n import enum_label
from core.meeting_rules import attendance_grade, quorum
from core.models import CORE_SPECIALTIES, Meeting, MeetingStatus, Specialty
from core.permissions import Capability
from db import agenda as workflow
from db import listing
from pages.components.agenda_common import can, md
from pages.components.guard import PageContext
from pages.components.widgets import localise_frame

log = logging.getLogger("bonemdt.meetings")


def core_name(ctx: PageContext, specialty: Specialty) -> str:
    """Core specialty label; the surgical seat is filled by orthopaedics or spine surgery."""
    if specialty == Specialty.ORTHOPAEDICS:
        return ctx.t("mtg.core_surgery")
    return enum_label(specialty, ctx.lang, Specialty)


def quorum_line(ctx: PageContext, present: list[Specialty]) -> str:
    q = quorum(present)
    if q.quorate:
        return ctx.t("mtg.quorate")
    sep = "、" if ctx.lang == "zh" else ", "
    return ctx.t("mtg.missing_core", names=sep.join(core_name(ctx, s) for s in q.missing_core))


def _toggle_attendance(ctx: PageContext, meeting_id: int, user_id: int, specialty: str, key: str) -> None:
    value = bool(st.session_state.get(key))
    try:
        workflow.set_attendance(ctx.cur, ctx.actor, meeting_id, user_id, Specialty(specialty), value)
    except PermissionDeniedError:
        st.session_state[f"{key}_err"] = "mtg.err.denied"
    except (WorkflowError, NotFoundError, ConflictError, FieldError):
        st.session_state[f"{key}_err"] = "mtg.err.attendance"
    except Exception:
        log.exception("attendance write failed for meeting %s", meeting_id)
        st.session_state[f"{key}_err"] = "error.generic"


def attendance_panel(ctx: PageContext, meeting: Meeting) -> None:
    tr = ctx.t
    mid = int(meeting.meeting_id or 0)
    editable = can(ctx, Capability.BUILD_AGENDA) and meeting.status != MeetingStatus.CLOSED
    meter = st.container(border=True)
    people = listing.members(ctx.cur, mid)
    if editable:
        cols = st.columns(2)  # three columns cut "name · specialty" at 1024 px
        for i, row in enumerate(people.itertuples()):
            key = f"mtg_att_{mid}_{int(row.user_id)}"
            st.session_state[key] = bool(row.present)
            with cols[i % 2]:
                st.toggle(
                    f"{md(row.display_name)} · {enum_label(row.specialty, ctx.lang, Specialty)}",
                    key=key,
                    on_change=_toggle_attendance,
                    args=(ctx, mid, int(row.user_id), str(row.specialty), key),
                )
                err = st.session_state.pop(f"{key}_err", None)
                if err:
                    st.error(tr(err))
    else:
        st.dataframe(localise_frame(people[["display_name", "specialty", "present"]], ctx.lang), hide_index=True, width="stretch")
    present = [Specialty(s) for s in sorted(set(people.loc[people["present"], "specialty"]))]
    with meter:
        quorum_meter(ctx, present)


def quorum_meter(ctx: PageContext, present: list[Specialty]) -> None:
    tr = ctx.t
    q = quorum(present)
    grade = attendance_grade(present)
    st.progress(
        q.share,
        text=tr("mtg.quorum_meter", n=len(CORE_SPECIALTIES) - len(q.missing_core), total=len(CORE_SPECIALTIES), grade=grade),
    )
    with st.container(horizontal=True):
        for core in CORE_SPECIALTIES:
            here = core not in q.missing_core
            st.badge(
                core_name(ctx, core),
                icon=":material/check_circle:" if here else ":material/cancel:",
                color="green" if here else "red",
            )
    if q.quorate:
        st.success(tr("mtg.quorate"))
    else:
        st.warning(quorum_line(ctx, present))
    others = ", ".join(enum_label(s, ctx.lang, Specialty) for s in present) or tr("common.none")
    st.caption(tr("mtg.specialties_present", names=others))
