"""Widgets of the Decisions page: record a decision from the board's suggestions, sign, amend,
see earlier versions; actions, delivery and follow-ups of a signed decision.

Widget values live under stable keys (``dec.<case>.<draft id or new>.<field>``) seeded once from
the stored draft, so what the user typed survives reruns and failed saves. A save validates
every field first and writes nothing on error; the messages are shown under their fields on
the rerun. Stored text is always shown escaped (``md_escape``), never as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from core.errors import (
    ConflictError,
    FieldError,
    ImmutableRecordError,
    PermissionDeniedError,
    WorkflowError,
)
from core.meeting_rules import decision_quorum
from core.minutes import label, md_escape
from core.models import (
    Decision,
    Outcome,
    PlanDisposition,
    PlanItem,
    PlanKind,
    QuorumState,
    Specialty,
)
from core.permissions import Capability, allowed
from core.rules.facts import (
    RADIORESISTANT,
    RADIOSENSITIVE,
)
from core.text import LONG_TEXT_MAX, SHORT_TEXT_MAX
from core.vocabulary import PrimaryTumour, Priority
from db import agenda, decisions
from db import minutes as minutes_db
from db.board import Board
from pages.components.decision_common import NOMS_AXES, field_error, fresh_token, notice, seed, text_error, token
from pages.components.guard import PageContext

SUGGESTED = (PlanDisposition.ACCEPTED, PlanDisposition.MODIFIED, PlanDisposition.REJECTED)

# Default plan kind of a suggestion, by rule id or prefix (the user can change it per item).
KIND_BY_RULE: tuple[tuple[str, PlanKind], ...] = (
    ("ORTHO-BIOPSY", PlanKind.INVESTIGATION),
    ("ORTHO-MIRELS", PlanKind.FIXATION),
    ("ORTHO-SINS-UNSTABLE", PlanKind.FIXATION),
    ("ORTHO-FRACTURE", PlanKind.FIXATION),
    ("ORTHO-CEMENT", PlanKind.FIXATION),
    ("ORTHO-", PlanKind.OTHER),
    ("PAIN-RT", PlanKind.RADIOTHERAPY),
    ("RT-", PlanKind.RADIOTHERAPY),
    ("NOMS", PlanKind.RADIOTHERAPY),
    ("ONC-BMA", PlanKind.BONE_MODIFYING_AGENT),
    ("ONC-DENTAL", PlanKind.INVESTIGATION),
    ("ONC-", PlanKind.SYSTEMIC),
    ("PAIN-", PlanKind.ANALGESIA),
    ("REHAB-", PlanKind.REHABILITATION),
    ("EMERG-", PlanKind.EMERGENCY),
    ("RF-SPINE-PAIN", PlanKind.INVESTIGATION),
)
NOMS_KIND_BY_PATH = {"separation": PlanKind.DECOMPRESSION, "stabilise": PlanKind.FIXATION, "non_operative": PlanKind.OTHER}


@dataclass(frozen=True)
class Suggestion:
    rule_id: str
    specialty: str
    urgency: str
    text: str
    reason: str
    kind: PlanKind
    fired: bool = True
    texts: tuple[str, str] | None = None  # the rule's text in English and Chinese (a fired rule)


def suggested_kind(rule_id: str, urgency: str, detail: dict[str, str]) -> PlanKind:
    if rule_id == "NOMS":
        paths = set(detail.values())
        for path, kind in NOMS_KIND_BY_PATH.items():
            if path in paths:
                return kind
    if rule_id.startswith("RF-"):
        return (
            PlanKind.EMERGENCY
            if urgency == "emergency"
            else next((k for p, k in KIND_BY_RULE if rule_id.startswith(p)), PlanKind.INVESTIGATION)
        )
    return next((k for p, k in KIND_BY_RULE if rule_id.startswith(p)), PlanKind.OTHER)


def suggestions(board: Board, draft: Decision | None, lang: str) -> list[Suggestion]:
    """The board's fired rules, plus rules kept in the draft that no longer fire (never dropped)."""
    out = [
        Suggestion(
            h.rule_id,
            h.specialty,
            h.urgency,
            h.text_zh if lang == "zh" else h.text_en,
            h.reason_zh if lang == "zh" else h.reason_en,
            suggested_kind(h.rule_id, h.urgency, h.detail),
            texts=(h.text_en, h.text_zh),
        )
        for h in board.rules.fired
    ]
    seen = {s.rule_id for s in out}
    for p in draft.plan if draft else ():
        if p.rule_id and p.rule_id not in seen:
            out.append(Suggestion(p.rule_id, "", "", p.text, "", p.kind, fired=False, texts=p.texts))
    return out


def noms_prefill(board: Board, tr: Any, lang: str) -> dict[str, str]:
    """N, O, M, S where the board knows them (spinal cases only)."""
    cf, scores = board.cf, board.scores
    out: dict[str, str] = {}
    bilsky = scores.worst_bilsky
    if bilsky is not None:
        out["N"] = f"Bilsky {bilsky.inputs.get('escc_grade')}" + (f" ({bilsky.site})" if bilsky.site else "")
    primary = cf.case.primary_tumour
    if primary in RADIOSENSITIVE:
        out["O"] = tr("dec.noms.radiosensitive", primary=label(primary, lang, PrimaryTumour))
    elif primary in RADIORESISTANT:
        out["O"] = tr("dec.noms.radioresistant", primary=label(primary, lang, PrimaryTumour))
    sins = scores.max_sins
    if sins is not None:
        out["M"] = f"SINS {sins.total}" + (f" ({sins.site})" if sins.site else "") + " — " + tr(f"dec.noms.m.{sins.band}")
    parts = []
    if cf.case.ecog is not None:
        parts.append(f"ECOG {cf.case.ecog}")
    if cf.case.fit_for_surgery is not None:
        parts.append(tr("dec.noms.fit") if cf.case.fit_for_surgery else tr("dec.noms.unfit"))
    if cf.case.expected_survival_weeks is not None:
        parts.append(tr("dec.noms.survival", weeks=cf.case.expected_survival_weeks))
    if parts:
        out["S"] = ", ".join(parts)
    return out


# ------------------------------------------------------------------------------------------------
# Recording (draft)


@dataclass(frozen=True)
class NewDecision:
    """Where a new decision belongs: an agenda item of a meeting, or an emergency outside one;
    ``reason`` says why a case decided before is decided again (stored with the new version)."""

    item_id: int | None
    meeting_id: int | None
    emergency: bool = False
    reason: str = ""


def draft_form(ctx: PageContext, board: Board, draft: Decision | None, slot: NewDecision) -> None:
    """The decision's draft: a new one for ``slot`` or the stored ``draft``; the quorum comes from
    the attendance recorded for the slot's meeting (none for an emergency outside a meeting)."""
    tr, lang, case_id = ctx.t, ctx.lang, board.cf.case.case_id
    assert case_id is not None
    meeting_id = slot.meeting_id
    p = f"dec.{case_id}.{draft.decision_id if draft else 'new'}"
    errors: dict[str, str] = st.session_state.get(f"{p}.errors", {})
    if draft is not None:
        seed(f"{p}.opened", draft.row_version)
        if draft.row_version != st.session_state[f"{p}.opened"]:
            st.warning(tr("dec.stale_draft"), icon=":material/sync_problem:")
        st.caption(tr("dec.draft_caption", version=draft.version))
        if draft.amendment_reason:
            st.caption(tr("dec.amending_because") + " " + md_escape(draft.amendment_reason))
    elif slot.reason:
        st.caption(tr("dec.new_listing_caption"))
    seed(f"{p}.outcome", draft.outcome.value if draft else None)
    seed(f"{p}.decided_on", draft.decided_on if draft else date.today())
    c1, c2 = st.columns([2, 1])
    c1.radio(
        tr("dec.outcome"),
        [o.value for o in Outcome],
        key=f"{p}.outcome",
        horizontal=True,
        format_func=lambda v: label(v, lang, Outcome),
    )
    field_error(errors, "outcome")
    c2.date_input(tr("dec.decided_on"), key=f"{p}.decided_on", max_value=date.today())
    field_error(errors, "decided_on")

    st.subheader(tr("dec.suggestions"))
    items = suggestions(board, draft, lang)
    stored = {pi.rule_id: pi for pi in (draft.plan if draft else ()) if pi.rule_id}
    if not items:
        st.caption(tr("dec.no_suggestions"))
    for s in items:
        _suggestion_widget(ctx, p, s, stored.get(s.rule_id), errors)

    st.subheader(tr("dec.free_items"))
    free = [pi for pi in (draft.plan if draft else ()) if pi.disposition == PlanDisposition.FREE_TEXT]
    seed(f"{p}.n_free", max(1, len(free)))
    for i in range(int(st.session_state[f"{p}.n_free"])):
        seed(f"{p}.f{i}.kind", free[i].kind.value if i < len(free) else PlanKind.OTHER.value)
        seed(f"{p}.f{i}.text", free[i].text if i < len(free) else "")
        a, b = st.columns([1, 3])
        a.selectbox(
            tr("dec.kind"), [k.value for k in PlanKind], key=f"{p}.f{i}.kind", format_func=lambda v: label(v, lang, PlanKind)
        )
        b.text_input(tr("dec.free_text", n=i + 1), key=f"{p}.f{i}.text", max_chars=LONG_TEXT_MAX)
        field_error(errors, f"f{i}.text")
    if st.button(tr("dec.add_free"), key=f"{p}.add_free", icon=":material/add:"):
        st.session_state[f"{p}.n_free"] += 1
        st.rerun()

    if any(les.is_spinal for les in board.cf.lesions):
        st.subheader(tr("dec.noms"))
        st.caption(tr("dec.noms_hint"))
        prefill = noms_prefill(board, tr, lang)
        # two by two: four across left each prefill ("ECOG 2, 可耐受手术, 预计生存期 78 周") cut
        # in a box a quarter of the page wide at 1024 px
        cols = [*st.columns(2), *st.columns(2)]
        for col, axis in zip(cols, NOMS_AXES, strict=True):
            seed(f"{p}.noms.{axis}", (draft.noms.get(axis) if draft and draft.noms.get(axis) else prefill.get(axis, "")))
            col.text_area(tr(f"dec.noms.{axis}"), key=f"{p}.noms.{axis}", height=90, max_chars=SHORT_TEXT_MAX)
            with col:
                field_error(errors, f"noms.{axis}")

    st.subheader(tr("dec.discussion"))
    seed(f"{p}.summary", draft.summary if draft else "")
    seed(f"{p}.dissent", draft.dissent if draft else "")
    st.text_area(tr("dec.summary"), key=f"{p}.summary", max_chars=LONG_TEXT_MAX, height=90)
    field_error(errors, "summary")
    st.text_area(tr("dec.dissent"), key=f"{p}.dissent", max_chars=LONG_TEXT_MAX, height=70, help=tr("dec.dissent_help"))
    field_error(errors, "dissent")
    seed(f"{p}.contributing", [s.value for s in draft.contributing] if draft else [])
    st.multiselect(
        tr("dec.contributing"),
        [s.value for s in Specialty],
        key=f"{p}.contributing",
        format_func=lambda v: label(v, lang, Specialty),
        placeholder=tr("common.choose_many"),  # not Streamlit's English "Choose options"
    )

    present = agenda.present_specialties(ctx.cur, meeting_id) if meeting_id is not None else []
    plan_now = _plan_preview(p, items)
    chair = allowed(ctx.actor.role, Capability.SIGN_DECISION)
    seed(f"{p}.override", bool(draft and draft.quorum_state == QuorumState.CHAIR_OVERRIDE))
    seed(f"{p}.override_reason", draft.quorum_override_reason if draft else "")
    override_reason = st.session_state[f"{p}.override_reason"] if chair and st.session_state[f"{p}.override"] else ""
    gate = decision_quorum(plan_now, present, chair_override_reason=override_reason)
    planned = any(i.disposition != PlanDisposition.REJECTED for i in plan_now)
    _quorum_widget(ctx, p, gate, present, chair, errors, planned=planned)

    unaddressed = [s.rule_id for s in items if s.fired and st.session_state.get(f"{p}.s.{s.rule_id}.disp") is None]
    if unaddressed:
        st.caption(tr("dec.unaddressed", n=len(unaddressed)))
    notice(f"dec.{case_id}.notice")  # next to the button the user just pressed
    if st.button(tr("dec.save_draft"), key=f"{p}.save", type="primary", icon=":material/save:"):
        _save(ctx, board, draft, slot, p, items, present, chair)


def _suggestion_widget(ctx: PageContext, p: str, s: Suggestion, stored: PlanItem | None, errors: dict[str, str]) -> None:
    tr, lang = ctx.t, ctx.lang
    k = f"{p}.s.{s.rule_id}"
    seed(f"{k}.disp", stored.disposition.value if stored else None)
    seed(f"{k}.kind", stored.kind.value if stored else s.kind.value)
    seed(f"{k}.text", stored.text if stored and stored.disposition == PlanDisposition.MODIFIED else s.text)
    seed(f"{k}.reason", stored.reason if stored else "")
    with st.container(border=True):
        meta = [s.rule_id, tr(f"board.specialty.{s.specialty}"), label(s.urgency, lang, Priority)]
        st.markdown("**" + md_escape(" · ".join(meta)) + "**")
        st.markdown(md_escape(s.text))
        if s.reason:
            st.caption(tr("dec.why") + " " + md_escape(s.reason))
        if not s.fired:
            st.caption(tr("dec.no_longer_fired"))
        a, b = st.columns([3, 2])
        a.radio(
            tr("dec.disposition"),
            [d.value for d in SUGGESTED],
            key=f"{k}.disp",
            horizontal=True,
            format_func=lambda v: tr(f"dec.disp.{v}"),
        )
        b.selectbox(tr("dec.kind"), [x.value for x in PlanKind], key=f"{k}.kind", format_func=lambda v: label(v, lang, PlanKind))
        disp = st.session_state.get(f"{k}.disp")
        if disp == PlanDisposition.MODIFIED:
            st.text_area(tr("dec.modified_text"), key=f"{k}.text", max_chars=LONG_TEXT_MAX, height=80)
            field_error(errors, f"s.{s.rule_id}.text")
        if disp in (PlanDisposition.MODIFIED, PlanDisposition.REJECTED):
            st.text_input(
                tr("dec.reason_modify" if disp == PlanDisposition.MODIFIED else "dec.reason_reject"),
                key=f"{k}.reason",
                max_chars=LONG_TEXT_MAX,
            )
            field_error(errors, f"s.{s.rule_id}.reason")


def _plan_preview(p: str, items: list[Suggestion]) -> list[PlanItem]:
    """The plan as typed so far (unvalidated), for the live quorum gate."""
    out = []
    for s in items:
        disp = st.session_state.get(f"{p}.s.{s.rule_id}.disp")
        if disp:
            out.append(
                PlanItem.model_construct(
                    rule_id=s.rule_id,
                    kind=PlanKind(st.session_state[f"{p}.s.{s.rule_id}.kind"]),
                    text=s.text,
                    disposition=PlanDisposition(disp),
                    reason="",
                )
            )
    for i in range(int(st.session_state.get(f"{p}.n_free", 0))):
        if str(st.session_state.get(f"{p}.f{i}.text", "")).strip():
            out.append(
                PlanItem.model_construct(
                    kind=PlanKind(st.session_state[f"{p}.f{i}.kind"]),
                    text="x",
                    disposition=PlanDisposition.FREE_TEXT,
                    reason="",
                    rule_id=None,
                )
            )
    return out


def _quorum_widget(
    ctx: PageContext, p: str, gate: Any, present: list[Specialty], chair: bool, errors: dict[str, str], *, planned: bool
) -> None:
    tr, lang = ctx.t, ctx.lang
    st.subheader(tr("dec.quorum"))
    here = ", ".join(label(s, lang, Specialty) for s in present) or tr("dec.doc.none")
    st.caption(tr("dec.present_specialties", names=here))
    missing = ", ".join(label(s, lang, Specialty) for s in gate.missing)
    if gate.state == QuorumState.QUORATE and not planned:
        # Nothing in the plan yet needs a specialty: "quorate" beside "present: none" misled.
        st.info(tr("dec.quorum.no_plan"), icon=":material/pending:")
    elif gate.state == QuorumState.QUORATE:
        st.success(tr("dec.quorum.quorate"), icon=":material/check_circle:")
    elif gate.state == QuorumState.PROVISIONAL:
        st.warning(tr("dec.quorum.provisional", missing=missing), icon=":material/hourglass_top:")
    else:
        st.info(tr("dec.quorum.override", missing=missing), icon=":material/verified_user:")
    if gate.missing:
        if chair:
            st.checkbox(tr("dec.override"), key=f"{p}.override")
            if st.session_state[f"{p}.override"]:
                st.text_input(tr("dec.override_reason"), key=f"{p}.override_reason", max_chars=LONG_TEXT_MAX)
                field_error(errors, "quorum_override_reason")
        else:
            st.caption(tr("dec.override_chair_only"))


def _collect(
    ctx: PageContext, board: Board, p: str, items: list[Suggestion], present: list[Specialty], chair: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """Read and validate every field; returns the decision's values and the field errors."""
    tr, ss = ctx.t, st.session_state
    errors: dict[str, str] = {}
    plan: list[PlanItem] = []
    for s in items:
        k = f"{p}.s.{s.rule_id}"
        disp = ss.get(f"{k}.disp")
        if disp is None:
            continue
        text = str(ss.get(f"{k}.text", "")).strip() if disp == PlanDisposition.MODIFIED else s.text
        reason = str(ss.get(f"{k}.reason", "")).strip() if disp != PlanDisposition.ACCEPTED else ""
        if disp == PlanDisposition.MODIFIED and not text:
            errors[f"s.{s.rule_id}.text"] = tr("dec.err.text_required")
        if disp in (PlanDisposition.MODIFIED, PlanDisposition.REJECTED) and not reason:
            errors[f"s.{s.rule_id}.reason"] = tr("dec.err.reason_required")
        for field, value in (("text", text), ("reason", reason)):
            problem = text_error(tr, value, LONG_TEXT_MAX)
            if problem:
                errors[f"s.{s.rule_id}.{field}"] = problem
        if not any(e.startswith(f"s.{s.rule_id}.") for e in errors):
            plan.append(
                PlanItem(
                    position=len(plan),
                    rule_id=s.rule_id,
                    kind=PlanKind(ss[f"{k}.kind"]),
                    text=text,
                    disposition=PlanDisposition(disp),
                    reason=reason,
                    # taken as suggested: both languages stored, so documents follow the reader
                    texts=s.texts if disp == PlanDisposition.ACCEPTED else None,
                )
            )
    for i in range(int(ss.get(f"{p}.n_free", 0))):
        text = str(ss.get(f"{p}.f{i}.text", "")).strip()
        problem = text_error(tr, text, LONG_TEXT_MAX)
        if problem:
            errors[f"f{i}.text"] = problem
        elif text:
            plan.append(
                PlanItem(
                    position=len(plan), kind=PlanKind(ss[f"{p}.f{i}.kind"]), text=text, disposition=PlanDisposition.FREE_TEXT
                )
            )
    noms = {}
    for axis in NOMS_AXES:
        value = str(ss.get(f"{p}.noms.{axis}", "")).strip()
        problem = text_error(tr, value, SHORT_TEXT_MAX)
        if problem:
            errors[f"noms.{axis}"] = problem
        elif value:
            noms[axis] = value
    values: dict[str, Any] = {"plan": tuple(plan), "noms": noms}
    for field in ("summary", "dissent"):
        values[field] = str(ss.get(f"{p}.{field}", "")).strip()
        problem = text_error(tr, values[field], LONG_TEXT_MAX)
        if problem:
            errors[field] = problem
    if ss.get(f"{p}.outcome") is None:
        errors["outcome"] = tr("dec.err.outcome_required")
    decided_on = ss.get(f"{p}.decided_on")
    if not isinstance(decided_on, date):
        errors["decided_on"] = tr("dec.err.date_required")
    elif decided_on > date.today():
        errors["decided_on"] = tr("dec.err.future")
    elif decided_on < board.cf.case.referral_date:
        errors["decided_on"] = tr("dec.err.before_referral")
    override = chair and bool(ss.get(f"{p}.override"))
    reason = str(ss.get(f"{p}.override_reason", "")).strip() if override else ""
    gate = decision_quorum(plan, present, chair_override_reason=reason)
    if override and gate.missing and not reason:
        errors["quorum_override_reason"] = tr("dec.err.override_reason")
    problem = text_error(tr, reason, LONG_TEXT_MAX)
    if problem:
        errors["quorum_override_reason"] = problem
    values.update(
        outcome=ss.get(f"{p}.outcome"),
        decided_on=decided_on,
        quorum_state=gate.state,
        quorum_override_reason=reason if gate.state == QuorumState.CHAIR_OVERRIDE else "",
        contributing=tuple(Specialty(s) for s in ss.get(f"{p}.contributing", [])),
    )
    return values, errors


_DB_FIELD_MESSAGES = {
    "decided_on": "dec.err.before_referral",
    "decision": "dec.err.exists",
    "password": "dec.err.password",
    "amendment_reason": "dec.err.reason_required",
    "item_id": "dec.err.invalid",
    "emergency": "dec.err.invalid",
}


def _save(
    ctx: PageContext,
    board: Board,
    draft: Decision | None,
    slot: NewDecision,
    p: str,
    items: list[Suggestion],
    present: list[Specialty],
    chair: bool,
) -> None:
    tr, case_id = ctx.t, board.cf.case.case_id
    assert case_id is not None
    values, errors = _collect(ctx, board, p, items, present, chair)
    st.session_state[f"{p}.errors"] = errors
    if errors:
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.fix_fields", n=len(errors)))
        st.rerun()
    try:
        if draft is None:
            decision = Decision(
                case_id=case_id, item_id=slot.item_id, emergency=slot.emergency, amendment_reason=slot.reason, **values
            )
        else:
            decision = Decision.model_validate({**draft.model_dump(), **values, "row_version": st.session_state[f"{p}.opened"]})
        saved = decisions.save_draft(ctx.cur, ctx.actor, decision, token=token(f"dec.{case_id}.token") if draft is None else None)
    except ValidationError:
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.invalid"))
    except FieldError as exc:
        st.session_state[f"{p}.errors"] = {k: tr(_DB_FIELD_MESSAGES.get(k, "dec.err.invalid")) for k in exc.errors}
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.fix_fields", n=len(exc.errors)))
    except ConflictError:
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.conflict"))
    except WorkflowError:
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.meeting_closed"))
    except ImmutableRecordError:
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.immutable"))
    except PermissionDeniedError:
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.denied"))
    else:
        st.session_state[f"dec.{case_id}.{saved.decision_id}.opened"] = saved.row_version
        fresh_token(f"dec.{case_id}.token")
        st.session_state[f"dec.{case_id}.notice"] = ("success", tr("dec.saved", version=saved.version))
    st.rerun()


def opinions_box(ctx: PageContext, case_id: int, item_id: int | None) -> None:
    tr, lang = ctx.t, ctx.lang
    st.subheader(tr("dec.opinions"))
    ops = minutes_db.opinions_for_case(ctx.cur, case_id)
    if ops.empty:
        st.caption(tr("dec.no_opinions"))
    for r in ops.itertuples():
        st.markdown(
            f"**{md_escape(label(str(r.specialty), lang, Specialty))}** · {md_escape(str(r.author or ''))} · "
            f"{pd.Timestamp(r.created_at).date().isoformat()}  \n{md_escape(str(r.text))}"
        )
    if item_id is None or not allowed(ctx.actor.role, Capability.ADD_OPINION):
        return
    p = f"dec.{case_id}.op"
    errors: dict[str, str] = st.session_state.get(f"{p}.errors", {})
    own = ctx.actor.specialty
    if own is None:  # an opinion speaks for the author's own specialty (db.agenda.add_opinion)
        st.caption(tr("opinion.no_specialty"))
        return
    a, b = st.columns([1, 3])
    a.markdown(f"{md_escape(tr('col.specialty'))}  \n**{md_escape(label(own.value, lang, Specialty))}**")
    b.text_area(tr("dec.opinion_text"), key=f"{p}.text", max_chars=LONG_TEXT_MAX, height=70)
    field_error(errors, "text")
    # Keyed by the submission token: a repeated click sent for the button of an earlier run matches nothing.
    if st.button(tr("dec.add_opinion"), key=f"{p}.add.{token(f'{p}.token')}", icon=":material/forum:"):
        text = str(st.session_state.get(f"{p}.text", "")).strip()
        problem = tr("dec.err.text_required") if not text else text_error(tr, text, LONG_TEXT_MAX)
        st.session_state[f"{p}.errors"] = {"text": problem} if problem else {}
        if not problem:
            try:
                agenda.add_opinion(ctx.cur, ctx.actor, item_id, own, text, token=token(f"{p}.token"))
            except PermissionDeniedError:
                st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.denied"))
            except FieldError:
                st.session_state[f"{p}.errors"] = {"text": tr("dec.err.invalid")}
            else:
                fresh_token(f"{p}.token")
                st.session_state.pop(f"{p}.text", None)
        st.rerun()
