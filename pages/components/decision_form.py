"""Widgets of the Decisions page: record a decision from the board's suggestions, sign, amend,
see earlier versions; actions, delivery and follow-ups of a signed decision.

Widget values live under stable keys (``dec.<case>.<draft id or new>.<field>``) seeded once from
the stored draft, so what the user typed survives reruns and failed saves. A save validates
every field first and writes nothing on error; the messages are shown under their fields on
the rerun. Stored text is always shown escaped (``md_escape``), never as HTML.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
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
from core.minutes import label, letter_to_markdown, md_escape, meaning_label, to_markdown
from core.models import (
    ActionItem,
    Decision,
    DecisionStatus,
    Delivery,
    NotDeliveredReason,
    Outcome,
    PlanDisposition,
    PlanItem,
    PlanKind,
    QuorumState,
    Specialty,
)
from core.permissions import Capability, allowed
from core.rules.base import RADIORESISTANT, RADIOSENSITIVE
from core.rules.follow_up import follow_up_schedule
from core.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, TextRuleError, check_text
from db import agenda, decisions
from db import minutes as minutes_db
from db.board import Board
from db.signatures import signature_intact
from db.users import SigningLockedError, list_users
from pages.components import documents
from pages.components.guard import PageContext

SUGGESTED = (PlanDisposition.ACCEPTED, PlanDisposition.MODIFIED, PlanDisposition.REJECTED)
NOMS_AXES = ("N", "O", "M", "S")

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
        )
        for h in board.rules.fired
    ]
    seen = {s.rule_id for s in out}
    for p in draft.plan if draft else ():
        if p.rule_id and p.rule_id not in seen:
            out.append(Suggestion(p.rule_id, "", "", p.text, "", p.kind, fired=False))
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
        out["O"] = tr("dec.noms.radiosensitive", primary=label(primary, lang))
    elif primary in RADIORESISTANT:
        out["O"] = tr("dec.noms.radioresistant", primary=label(primary, lang))
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


def _seed(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _field_error(errors: dict[str, str], key: str) -> None:
    if key in errors:
        st.error(errors[key], icon=":material/error:")


def _text_error(tr: Any, value: str, limit: int) -> str | None:
    try:
        check_text(value, limit)
    except TextRuleError:
        if len(value) > limit:
            return tr("dec.err.too_long", limit=limit)
        return tr("dec.err.bad_chars")
    return None


def _token(key: str) -> str:
    _seed(key, uuid.uuid4().hex)
    return str(st.session_state[key])


def _fresh_token(key: str) -> None:
    st.session_state[key] = uuid.uuid4().hex


def notice(key: str) -> None:
    kind_msg = st.session_state.pop(key, None)
    if kind_msg:
        kind, msg = kind_msg
        {"success": st.success, "error": st.error, "warning": st.warning}[kind](msg)


# ------------------------------------------------------------------------------------------------
# Recording (draft)


def draft_form(ctx: PageContext, board: Board, draft: Decision | None, item_id: int | None, meeting_id: int | None) -> None:
    tr, lang, case_id = ctx.t, ctx.lang, board.cf.case.case_id
    assert case_id is not None
    p = f"dec.{case_id}.{draft.decision_id if draft else 'new'}"
    errors: dict[str, str] = st.session_state.get(f"{p}.errors", {})
    if draft is not None:
        _seed(f"{p}.opened", draft.row_version)
        if draft.row_version != st.session_state[f"{p}.opened"]:
            st.warning(tr("dec.stale_draft"), icon=":material/sync_problem:")
        st.caption(tr("dec.draft_caption", version=draft.version))
        if draft.amendment_reason:
            st.caption(tr("dec.amending_because") + " " + md_escape(draft.amendment_reason))
    _seed(f"{p}.outcome", draft.outcome.value if draft else None)
    _seed(f"{p}.decided_on", draft.decided_on if draft else date.today())
    c1, c2 = st.columns([2, 1])
    c1.radio(
        tr("dec.outcome"), [o.value for o in Outcome], key=f"{p}.outcome", horizontal=True, format_func=lambda v: label(v, lang)
    )
    _field_error(errors, "outcome")
    c2.date_input(tr("dec.decided_on"), key=f"{p}.decided_on", max_value=date.today())
    _field_error(errors, "decided_on")

    st.subheader(tr("dec.suggestions"))
    items = suggestions(board, draft, lang)
    stored = {pi.rule_id: pi for pi in (draft.plan if draft else ()) if pi.rule_id}
    if not items:
        st.caption(tr("dec.no_suggestions"))
    for s in items:
        _suggestion_widget(ctx, p, s, stored.get(s.rule_id), errors)

    st.subheader(tr("dec.free_items"))
    free = [pi for pi in (draft.plan if draft else ()) if pi.disposition == PlanDisposition.FREE_TEXT]
    _seed(f"{p}.n_free", max(1, len(free)))
    for i in range(int(st.session_state[f"{p}.n_free"])):
        _seed(f"{p}.f{i}.kind", free[i].kind.value if i < len(free) else PlanKind.OTHER.value)
        _seed(f"{p}.f{i}.text", free[i].text if i < len(free) else "")
        a, b = st.columns([1, 3])
        a.selectbox(tr("dec.kind"), [k.value for k in PlanKind], key=f"{p}.f{i}.kind", format_func=lambda v: label(v, lang))
        b.text_input(tr("dec.free_text", n=i + 1), key=f"{p}.f{i}.text", max_chars=LONG_TEXT_MAX)
        _field_error(errors, f"f{i}.text")
    if st.button(tr("dec.add_free"), key=f"{p}.add_free", icon=":material/add:"):
        st.session_state[f"{p}.n_free"] += 1
        st.rerun()

    if any(les.is_spinal for les in board.cf.lesions):
        st.subheader(tr("dec.noms"))
        st.caption(tr("dec.noms_hint"))
        prefill = noms_prefill(board, tr, lang)
        cols = st.columns(4)
        for col, axis in zip(cols, NOMS_AXES, strict=True):
            _seed(f"{p}.noms.{axis}", (draft.noms.get(axis) if draft and draft.noms.get(axis) else prefill.get(axis, "")))
            col.text_area(tr(f"dec.noms.{axis}"), key=f"{p}.noms.{axis}", height=90, max_chars=SHORT_TEXT_MAX)
            with col:
                _field_error(errors, f"noms.{axis}")

    st.subheader(tr("dec.discussion"))
    _seed(f"{p}.summary", draft.summary if draft else "")
    _seed(f"{p}.dissent", draft.dissent if draft else "")
    st.text_area(tr("dec.summary"), key=f"{p}.summary", max_chars=LONG_TEXT_MAX, height=90)
    _field_error(errors, "summary")
    st.text_area(tr("dec.dissent"), key=f"{p}.dissent", max_chars=LONG_TEXT_MAX, height=70, help=tr("dec.dissent_help"))
    _field_error(errors, "dissent")
    _seed(f"{p}.contributing", [s.value for s in draft.contributing] if draft else [])
    st.multiselect(
        tr("dec.contributing"), [s.value for s in Specialty], key=f"{p}.contributing", format_func=lambda v: label(v, lang)
    )

    present = agenda.present_specialties(ctx.cur, meeting_id) if meeting_id is not None else []
    plan_now = _plan_preview(p, items)
    chair = allowed(ctx.actor.role, Capability.SIGN_DECISION)
    _seed(f"{p}.override", bool(draft and draft.quorum_state == QuorumState.CHAIR_OVERRIDE))
    _seed(f"{p}.override_reason", draft.quorum_override_reason if draft else "")
    override_reason = st.session_state[f"{p}.override_reason"] if chair and st.session_state[f"{p}.override"] else ""
    gate = decision_quorum(plan_now, present, chair_override_reason=override_reason)
    _quorum_widget(ctx, p, gate, present, chair, errors)

    unaddressed = [s.rule_id for s in items if s.fired and st.session_state.get(f"{p}.s.{s.rule_id}.disp") is None]
    if unaddressed:
        st.caption(tr("dec.unaddressed", n=len(unaddressed)))
    notice(f"dec.{case_id}.notice")  # next to the button the user just pressed
    if st.button(tr("dec.save_draft"), key=f"{p}.save", type="primary", icon=":material/save:"):
        _save(ctx, board, draft, item_id, p, items, present, chair)


def _suggestion_widget(ctx: PageContext, p: str, s: Suggestion, stored: PlanItem | None, errors: dict[str, str]) -> None:
    tr, lang = ctx.t, ctx.lang
    k = f"{p}.s.{s.rule_id}"
    _seed(f"{k}.disp", stored.disposition.value if stored else None)
    _seed(f"{k}.kind", stored.kind.value if stored else s.kind.value)
    _seed(f"{k}.text", stored.text if stored and stored.disposition == PlanDisposition.MODIFIED else s.text)
    _seed(f"{k}.reason", stored.reason if stored else "")
    with st.container(border=True):
        meta = [s.rule_id] + [label(v, lang) for v in (s.specialty, s.urgency) if v]
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
        b.selectbox(tr("dec.kind"), [x.value for x in PlanKind], key=f"{k}.kind", format_func=lambda v: label(v, lang))
        disp = st.session_state.get(f"{k}.disp")
        if disp == PlanDisposition.MODIFIED:
            st.text_area(tr("dec.modified_text"), key=f"{k}.text", max_chars=LONG_TEXT_MAX, height=80)
            _field_error(errors, f"s.{s.rule_id}.text")
        if disp in (PlanDisposition.MODIFIED, PlanDisposition.REJECTED):
            st.text_input(
                tr("dec.reason_modify" if disp == PlanDisposition.MODIFIED else "dec.reason_reject"),
                key=f"{k}.reason",
                max_chars=LONG_TEXT_MAX,
            )
            _field_error(errors, f"s.{s.rule_id}.reason")


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


def _quorum_widget(ctx: PageContext, p: str, gate: Any, present: list[Specialty], chair: bool, errors: dict[str, str]) -> None:
    tr, lang = ctx.t, ctx.lang
    st.subheader(tr("dec.quorum"))
    here = ", ".join(label(s, lang) for s in present) or tr("dec.doc.none")
    st.caption(tr("dec.present_specialties", names=here))
    missing = ", ".join(label(s, lang) for s in gate.missing)
    if gate.state == QuorumState.QUORATE:
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
                _field_error(errors, "quorum_override_reason")
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
            problem = _text_error(tr, value, LONG_TEXT_MAX)
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
                )
            )
    for i in range(int(ss.get(f"{p}.n_free", 0))):
        text = str(ss.get(f"{p}.f{i}.text", "")).strip()
        problem = _text_error(tr, text, LONG_TEXT_MAX)
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
        problem = _text_error(tr, value, SHORT_TEXT_MAX)
        if problem:
            errors[f"noms.{axis}"] = problem
        elif value:
            noms[axis] = value
    values: dict[str, Any] = {"plan": tuple(plan), "noms": noms}
    for field in ("summary", "dissent"):
        values[field] = str(ss.get(f"{p}.{field}", "")).strip()
        problem = _text_error(tr, values[field], LONG_TEXT_MAX)
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
    problem = _text_error(tr, reason, LONG_TEXT_MAX)
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
}


def _save(
    ctx: PageContext,
    board: Board,
    draft: Decision | None,
    item_id: int | None,
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
            decision = Decision(case_id=case_id, item_id=item_id, **values)
        else:
            decision = Decision.model_validate({**draft.model_dump(), **values, "row_version": st.session_state[f"{p}.opened"]})
        saved = decisions.save_draft(
            ctx.cur, ctx.actor, decision, token=_token(f"dec.{case_id}.token") if draft is None else None
        )
    except ValidationError:
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.invalid"))
    except FieldError as exc:
        st.session_state[f"{p}.errors"] = {k: tr(_DB_FIELD_MESSAGES.get(k, "dec.err.invalid")) for k in exc.errors}
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.fix_fields", n=len(exc.errors)))
    except ConflictError:
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.conflict"))
    except ImmutableRecordError:
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.immutable"))
    except PermissionDeniedError:
        st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.denied"))
    else:
        st.session_state[f"dec.{case_id}.{saved.decision_id}.opened"] = saved.row_version
        _fresh_token(f"dec.{case_id}.token")
        st.session_state[f"dec.{case_id}.notice"] = ("success", tr("dec.saved", version=saved.version))
    st.rerun()


# ------------------------------------------------------------------------------------------------
# Signing, the signed view, amending, earlier versions


def sign_box(ctx: PageContext, draft: Decision, board: Board) -> None:
    tr = ctx.t
    st.subheader(tr("dec.sign"))
    if not allowed(ctx.actor.role, Capability.SIGN_DECISION):
        st.info(tr("dec.sign.chair_only"), icon=":material/lock:")
        return
    p = f"dec.{draft.case_id}.{draft.decision_id}"
    errors: dict[str, str] = st.session_state.get(f"{p}.sign_errors", {})
    fired = {h.rule_id for h in board.rules.fired}
    missing = fired - {pi.rule_id for pi in draft.plan if pi.rule_id}
    if draft.outcome == Outcome.DECIDED and missing:
        st.warning(tr("dec.sign.unaddressed", n=len(missing)), icon=":material/rule:")
        return
    if draft.quorum_state == QuorumState.PROVISIONAL:
        st.caption(tr("dec.sign.provisional"))
    st.markdown(md_escape(tr("dec.sign.meaning", meaning=meaning_label("Approved as the MDT decision", ctx.lang))))
    st.caption(tr("dec.sign.scope", version=draft.version))
    # a fresh (empty) password field after every attempt: the password is never kept in the session
    attempt = int(st.session_state.get(f"{p}.attempt", 0))
    st.text_input(tr("dec.sign.password"), type="password", key=f"{p}.password.{attempt}", max_chars=200)
    _field_error(errors, "password")
    if st.button(tr("dec.sign.button"), key=f"{p}.sign", type="primary", icon=":material/signature:"):
        st.session_state[f"{p}.sign_errors"] = {}
        password = str(st.session_state.pop(f"{p}.password.{attempt}", "") or "")
        st.session_state[f"{p}.attempt"] = attempt + 1
        if _unsaved_edits(p, draft):
            # The signature covers the saved draft only: sign what is on screen, or nothing.
            st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("sec.unsaved_edits"))
            st.rerun()
        try:
            decisions.sign(
                ctx.cur,
                ctx.actor,
                int(draft.decision_id or 0),
                password=password,
                expected_version=int(st.session_state.get(f"{p}.opened", draft.row_version)),
            )
        except FieldError:
            st.session_state[f"{p}.sign_errors"] = {"password": tr("dec.err.password")}
        except ConflictError:
            st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("dec.err.conflict"))
        except (PermissionDeniedError, ImmutableRecordError):
            st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("dec.err.denied"))
        except SigningLockedError:
            st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("sec.sign_locked"))
        else:
            st.session_state[f"dec.{draft.case_id}.notice"] = ("success", tr("dec.signed_ok"))
        st.rerun()


def _unsaved_edits(p: str, draft: Decision) -> bool:
    """Whether the draft form on screen (same widget keys) differs from the saved draft."""
    ss = st.session_state

    def text(key: str) -> str:
        return str(ss.get(key, "") or "").strip()

    if f"{p}.outcome" in ss and ss[f"{p}.outcome"] != draft.outcome:
        return True
    if f"{p}.decided_on" in ss and ss[f"{p}.decided_on"] != draft.decided_on:
        return True
    for field in ("summary", "dissent"):
        if f"{p}.{field}" in ss and text(f"{p}.{field}") != getattr(draft, field):
            return True
    for axis in draft.noms:  # (NOMS fields the draft lacks show computed prefills, not edits)
        if f"{p}.noms.{axis}" in ss and text(f"{p}.noms.{axis}") != draft.noms[axis]:
            return True
    for item in draft.plan:
        key = f"{p}.s.{item.rule_id}.disp"
        if item.rule_id and key in ss and ss[key] != item.disposition:
            return True
    free = [text(f"{p}.f{i}.text") for i in range(int(ss.get(f"{p}.n_free", 0)))]
    saved_free = [i.text for i in draft.plan if i.disposition == PlanDisposition.FREE_TEXT]
    return f"{p}.n_free" in ss and [f for f in free if f] != saved_free


def decision_view(ctx: PageContext, d: Decision, signer: str | None) -> None:
    """A decision read-only: outcome, plan with dispositions, NOMS, discussion, signature."""
    tr, lang = ctx.t, ctx.lang
    if not signature_intact(d):
        st.error(tr("sec.signature_broken"), icon=":material/gpp_bad:")
    cols = st.columns(4)
    cols[0].metric(tr("dec.outcome"), label(d.outcome, lang))
    cols[1].metric(tr("dec.version"), f"{d.version} · {label(d.status, lang)}")
    cols[2].metric(tr("dec.quorum"), label(d.quorum_state, lang))
    cols[3].metric(tr("dec.decided_on"), d.decided_on.isoformat())
    if d.amendment_reason:
        st.caption(tr("dec.doc.amendment_reason") + ": " + md_escape(d.amendment_reason))
    if d.quorum_override_reason:
        st.caption(tr("dec.doc.override_reason") + ": " + md_escape(d.quorum_override_reason))
    if d.plan:
        frame = pd.DataFrame(
            [
                {
                    "#": p.position + 1,
                    tr("col.disposition"): label(p.disposition, lang),
                    tr("col.text"): p.text,
                    tr("col.reason"): p.reason,
                    tr("col.kind"): label(p.kind, lang),
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
        st.caption(tr("dec.contributing") + ": " + ", ".join(label(s, lang) for s in d.contributing))
    if d.status == DecisionStatus.SIGNED and d.signed_at is not None:
        with st.container(border=True):
            st.markdown("**" + md_escape(tr("dec.doc.signature")) + "**")
            st.markdown(
                md_escape(
                    tr(
                        "dec.signature_line",
                        name=signer or "?",
                        at=d.signed_at.strftime("%Y-%m-%d %H:%M UTC"),
                        meaning=meaning_label(d.signature_meaning, lang),
                    )
                )
            )
            st.caption(tr("dec.doc.hash") + ":")
            st.code(d.content_hash or "", language=None)


def amend_box(ctx: PageContext, d: Decision) -> None:
    tr = ctx.t
    if not allowed(ctx.actor.role, Capability.SIGN_DECISION):
        return
    p = f"dec.{d.case_id}.{d.decision_id}"
    errors: dict[str, str] = st.session_state.get(f"{p}.amend_errors", {})
    with st.expander(tr("dec.amend"), icon=":material/edit_note:", expanded=bool(errors)):
        st.caption(tr("dec.amend_hint"))
        st.text_area(tr("dec.amend_reason"), key=f"{p}.amend_reason", max_chars=LONG_TEXT_MAX, height=80)
        _field_error(errors, "amendment_reason")
        if st.button(tr("dec.amend_button"), key=f"{p}.amend"):
            reason = str(st.session_state.get(f"{p}.amend_reason", "")).strip()
            problem = tr("dec.err.reason_required") if not reason else _text_error(tr, reason, LONG_TEXT_MAX)
            st.session_state[f"{p}.amend_errors"] = {"amendment_reason": problem} if problem else {}
            if not problem:
                try:
                    decisions.amend(ctx.cur, ctx.actor, int(d.decision_id or 0), reason=reason, token=_token(f"{p}.amend_token"))
                except FieldError:
                    st.session_state[f"{p}.amend_errors"] = {"amendment_reason": tr("dec.err.reason_required")}
                except (ConflictError, WorkflowError):
                    st.session_state[f"dec.{d.case_id}.notice"] = ("error", tr("dec.err.conflict"))
                except PermissionDeniedError:
                    st.session_state[f"dec.{d.case_id}.notice"] = ("error", tr("dec.err.denied"))
                else:
                    st.session_state[f"dec.{d.case_id}.notice"] = ("success", tr("dec.amended_ok"))
            st.rerun()


def history_view(ctx: PageContext, history: pd.DataFrame, skip_id: int | None) -> None:
    rows = history[history["decision_id"] != skip_id] if skip_id is not None else history
    if rows.empty:
        return
    st.subheader(ctx.t("dec.previous_versions"))
    for r in rows.itertuples():
        title = ctx.t("dec.version_title", version=int(r.version), status=label(str(r.status), ctx.lang))
        with st.expander(title):
            decision_view(
                ctx, decisions.get_decision(ctx.cur, int(r.decision_id)), None if pd.isna(r.signed_by) else str(r.signed_by)
            )


def opinions_box(ctx: PageContext, case_id: int, item_id: int | None) -> None:
    tr, lang = ctx.t, ctx.lang
    st.subheader(tr("dec.opinions"))
    ops = minutes_db.opinions_for_case(ctx.cur, case_id)
    if ops.empty:
        st.caption(tr("dec.no_opinions"))
    for r in ops.itertuples():
        st.markdown(
            f"**{md_escape(label(str(r.specialty), lang))}** · {md_escape(str(r.author or ''))} · "
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
    a.markdown(f"{md_escape(tr('col.specialty'))}  \n**{md_escape(label(own.value, lang))}**")
    b.text_area(tr("dec.opinion_text"), key=f"{p}.text", max_chars=LONG_TEXT_MAX, height=70)
    _field_error(errors, "text")
    # Keyed by the submission token: a repeated click sent for the button of an earlier run matches nothing.
    if st.button(tr("dec.add_opinion"), key=f"{p}.add.{_token(f'{p}.token')}", icon=":material/forum:"):
        text = str(st.session_state.get(f"{p}.text", "")).strip()
        problem = tr("dec.err.text_required") if not text else _text_error(tr, text, LONG_TEXT_MAX)
        st.session_state[f"{p}.errors"] = {"text": problem} if problem else {}
        if not problem:
            try:
                agenda.add_opinion(ctx.cur, ctx.actor, item_id, own, text, token=_token(f"{p}.token"))
            except PermissionDeniedError:
                st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.denied"))
            except FieldError:
                st.session_state[f"{p}.errors"] = {"text": tr("dec.err.invalid")}
            else:
                _fresh_token(f"{p}.token")
                st.session_state.pop(f"{p}.text", None)
        st.rerun()


# ------------------------------------------------------------------------------------------------
# Actions, delivery and follow-ups of a signed decision


def _highlight_overdue(frame: pd.DataFrame, flag: pd.Series) -> Any:
    """Overdue rows tinted (a constant style; cell text stays as data)."""
    styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
    styles.loc[flag.fillna(False).astype(bool).to_numpy()] = "background-color: #fde2e1; color: #8a1c12"
    return frame.style.apply(lambda _: styles, axis=None)


def actions_table(ctx: PageContext, acts: pd.DataFrame, *, with_patient: bool) -> None:
    tr, lang = ctx.t, ctx.lang
    if acts.empty:
        st.caption(tr("dec.no_actions"))
        return
    n_overdue = int(acts["overdue"].fillna(False).sum())
    if n_overdue:
        st.warning(tr("dec.overdue_actions", n=n_overdue), icon=":material/alarm:")
    cols = (["case_id", "patient"] if with_patient else []) + ["description", "specialty", "owner", "due_date", "status"]
    frame = pd.DataFrame(
        {tr(f"col.{c}"): acts[c].map(lambda v: label(v, lang)) if c in ("specialty", "status") else acts[c] for c in cols}
    )
    frame[tr("col.overdue")] = acts["overdue"].fillna(False).map(lambda v: tr("dec.overdue") if v else "")
    st.dataframe(
        _highlight_overdue(frame, acts["overdue"]),
        hide_index=True,
        width="stretch",
        column_config={tr("col.due_date"): st.column_config.DateColumn(format="YYYY-MM-DD")},
    )


def actions_panel(ctx: PageContext, case_id: int, signed: Decision | None) -> None:
    tr, lang = ctx.t, ctx.lang
    acts = decisions.actions(ctx.cur, case_id=case_id)
    actions_table(ctx, acts, with_patient=False)
    _complete_widget(ctx, case_id, acts)
    if signed is None:
        st.caption(tr("dec.actions_need_signed"))
        return
    if not allowed(ctx.actor.role, Capability.MANAGE_ACTIONS):
        st.caption(tr("dec.actions_chair_coordinator"))
        return
    items = decisions.plan_items(ctx.cur, int(signed.decision_id or 0))
    items = items[items["disposition"] != PlanDisposition.REJECTED.value]
    if items.empty:
        return
    p = f"dec.{case_id}.act"
    users = _owners(ctx)
    st.markdown("**" + md_escape(tr("dec.new_action")) + "**")
    errors: dict[str, str] = st.session_state.get(f"{p}.errors", {})
    texts = dict(zip(items["plan_item_id"].astype(int), items["text"], strict=True))
    a, b = st.columns(2)
    item = a.selectbox(tr("dec.from_plan_item"), list(texts), key=f"{p}.item", format_func=lambda i: texts[i][:90])
    owner = b.selectbox(tr("col.owner"), list(users), key=f"{p}.owner", format_func=lambda u: users[u][0])
    c, d = st.columns(2)
    _seed(f"{p}.specialty", users[owner][1] or Specialty.MEDICAL_ONCOLOGY.value)
    c.selectbox(tr("col.specialty"), [s.value for s in Specialty], key=f"{p}.specialty", format_func=lambda v: label(v, lang))
    _seed(f"{p}.due", date.today() + timedelta(days=7))
    d.date_input(tr("col.due_date"), key=f"{p}.due", min_value=date.today())
    _field_error(errors, "due_date")
    st.text_input(
        tr("dec.action_description"),
        key=f"{p}.description",
        max_chars=LONG_TEXT_MAX,
        placeholder=tr("dec.action_description_hint"),
    )
    _field_error(errors, "description")
    if st.button(tr("dec.create_action"), key=f"{p}.create.{_token(f'{p}.token')}", icon=":material/add_task:"):
        description = str(st.session_state.get(f"{p}.description", "")).strip() or str(texts[item])
        problem = _text_error(tr, description, LONG_TEXT_MAX)
        due = st.session_state.get(f"{p}.due")
        found = {"description": problem} if problem else {}
        if not isinstance(due, date):
            found["due_date"] = tr("dec.err.date_required")
        st.session_state[f"{p}.errors"] = found
        if not found:
            try:
                decisions.add_action(
                    ctx.cur,
                    ctx.actor,
                    ActionItem(
                        case_id=case_id,
                        decision_id=signed.decision_id,
                        plan_item_id=int(item),
                        description=description,
                        owner_user_id=int(owner),
                        specialty=Specialty(st.session_state[f"{p}.specialty"]),
                        due_date=due,
                    ),
                    token=_token(f"{p}.token"),
                )
            except PermissionDeniedError:
                st.session_state[f"dec.{case_id}.act_notice"] = ("error", tr("dec.err.denied"))
            else:
                _fresh_token(f"{p}.token")
                st.session_state.pop(f"{p}.description", None)
                st.session_state[f"dec.{case_id}.act_notice"] = ("success", tr("dec.action_created"))
        st.rerun()


def _owners(ctx: PageContext) -> dict[int, tuple[str, str | None]]:
    frame = list_users(ctx.cur)
    frame = frame[frame["active"] & frame["role"].isin(["chair", "member", "coordinator"])]
    return {int(r.user_id): (str(r.display_name), None if pd.isna(r.specialty) else str(r.specialty)) for r in frame.itertuples()}


def _complete_widget(ctx: PageContext, case_id: int, acts: pd.DataFrame) -> None:
    tr = ctx.t
    if acts.empty:
        return
    manager = allowed(ctx.actor.role, Capability.MANAGE_ACTIONS)
    mine = acts[(acts["status"] == "open") & (manager | (acts["owner_user_id"] == ctx.actor.user_id))]
    if mine.empty:
        return
    p = f"dec.{case_id}.done"
    rows = {int(r.action_id): (str(r.description), int(r.row_version)) for r in mine.itertuples()}
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    chosen = a.selectbox(tr("dec.complete_which"), list(rows), key=f"{p}.which", format_func=lambda i: rows[i][0][:90])
    if b.button(tr("dec.complete"), key=f"{p}.button", icon=":material/task_alt:"):
        try:
            decisions.complete_action(ctx.cur, ctx.actor, chosen, expected_version=rows[chosen][1])
        except PermissionDeniedError:
            st.session_state[f"dec.{case_id}.act_notice"] = ("error", tr("dec.err.denied"))
        except ConflictError:
            st.session_state[f"dec.{case_id}.act_notice"] = ("error", tr("dec.err.conflict"))
        else:
            st.session_state[f"dec.{case_id}.act_notice"] = ("success", tr("dec.action_done"))
        st.rerun()


def delivery_panel(ctx: PageContext, case_id: int, signed: Decision | None) -> None:
    tr, lang = ctx.t, ctx.lang
    if signed is None or signed.outcome != Outcome.DECIDED:
        st.caption(tr("dec.delivery_need_signed"))
        return
    items = decisions.plan_items(ctx.cur, int(signed.decision_id or 0))
    items = items[items["disposition"] != PlanDisposition.REJECTED.value]
    can = allowed(ctx.actor.role, Capability.MANAGE_ACTIONS)
    for r in items.itertuples():
        with st.container(border=True):
            st.markdown(f"**{int(r.position) + 1}. {md_escape(label(str(r.kind), lang))}** — {md_escape(str(r.text))}")
            if not pd.isna(r.delivered):
                when = "" if pd.isna(r.delivered_on) else pd.Timestamp(r.delivered_on).date().isoformat()
                st.caption(
                    tr("dec.doc.delivered_on", on=when)
                    if bool(r.delivered)
                    else tr("dec.doc.not_delivered", reason=label(str(r.reason_not), lang))
                )
            elif can:
                _delivery_widget(ctx, case_id, int(r.plan_item_id))
            else:
                st.caption(tr("dec.delivery_pending"))


def _delivery_widget(ctx: PageContext, case_id: int, plan_item_id: int) -> None:
    tr, lang = ctx.t, ctx.lang
    p = f"dec.{case_id}.dl{plan_item_id}"
    errors: dict[str, str] = st.session_state.get(f"{p}.errors", {})
    _seed(f"{p}.state", None)
    st.radio(
        tr("dec.delivered_q"), ["yes", "no"], key=f"{p}.state", horizontal=True, format_func=lambda v: tr(f"dec.delivered_{v}")
    )
    state = st.session_state[f"{p}.state"]
    if state == "yes":
        _seed(f"{p}.on", date.today())
        st.date_input(tr("dec.delivered_on_label"), key=f"{p}.on", max_value=date.today())
    elif state == "no":
        _seed(f"{p}.reason", None)
        st.selectbox(
            tr("dec.reason_not"),
            [r.value for r in NotDeliveredReason],
            key=f"{p}.reason",
            format_func=lambda v: label(v, lang),
            placeholder=tr("dec.choose"),
        )
        _field_error(errors, "reason_not")
        st.text_input(tr("dec.delivery_note"), key=f"{p}.note", max_chars=LONG_TEXT_MAX)
    if state and st.button(tr("dec.record_delivery"), key=f"{p}.save"):
        reason = st.session_state.get(f"{p}.reason")
        note = str(st.session_state.get(f"{p}.note", "")).strip()
        found = {}
        if state == "no" and reason is None:
            found["reason_not"] = tr("dec.err.reason_not")
        problem = _text_error(tr, note, LONG_TEXT_MAX)
        if problem:
            found["reason_not"] = problem
        st.session_state[f"{p}.errors"] = found
        if not found:
            try:
                decisions.record_delivery(
                    ctx.cur,
                    ctx.actor,
                    Delivery(
                        plan_item_id=plan_item_id,
                        delivered=state == "yes",
                        delivered_on=st.session_state.get(f"{p}.on") if state == "yes" else None,
                        reason_not=NotDeliveredReason(reason) if state == "no" else None,
                        note=note,
                    ),
                    token=_token(f"{p}.token"),
                )
            except (PermissionDeniedError, WorkflowError):
                st.session_state[f"dec.{case_id}.act_notice"] = ("error", tr("dec.err.denied"))
            except (FieldError, ValidationError):
                st.session_state[f"dec.{case_id}.act_notice"] = ("error", tr("dec.err.invalid"))
            else:
                st.session_state[f"dec.{case_id}.act_notice"] = ("success", tr("dec.delivery_saved"))
        st.rerun()


def follow_up_panel(ctx: PageContext, board: Board, signed: Decision | None) -> None:
    tr, lang = ctx.t, ctx.lang
    case_id = int(board.cf.case.case_id or 0)
    fus = decisions.follow_ups(ctx.cur, case_id=case_id)
    if signed is not None and minutes_db.follow_up_count(ctx.cur, int(signed.decision_id or 0)) == 0:
        schedule = follow_up_schedule(signed.decided_on, board.policy)
        st.caption(
            tr(
                "dec.fu_schedule",
                n=len(schedule),
                first=schedule[0][0].isoformat() if schedule else "—",
                last=schedule[-1][0].isoformat() if schedule else "—",
            )
        )
        if (
            allowed(ctx.actor.role, Capability.MANAGE_ACTIONS)
            and schedule
            and st.button(tr("dec.fu_create"), key=f"dec.{case_id}.fu", icon=":material/event_repeat:")
        ):
            try:
                n = decisions.schedule_follow_ups(ctx.cur, ctx.actor, int(signed.decision_id or 0), schedule)
            except PermissionDeniedError:
                st.session_state[f"dec.{case_id}.fu_notice"] = ("error", tr("dec.err.denied"))
            else:
                st.session_state[f"dec.{case_id}.fu_notice"] = ("success", tr("dec.fu_created", n=n))
            st.rerun()
    elif signed is None:
        st.caption(tr("dec.fu_need_signed"))
    follow_up_table(ctx, fus, lang)


def follow_up_table(ctx: PageContext, fus: pd.DataFrame, lang: str, *, with_patient: bool = False) -> None:
    tr = ctx.t
    if fus.empty:
        st.caption(tr("dec.no_follow_ups"))
        return
    n_overdue = int(fus["overdue"].fillna(False).sum())
    if n_overdue:
        st.warning(tr("dec.overdue_follow_ups", n=n_overdue), icon=":material/alarm:")
    cols = (["case_id", "patient"] if with_patient else []) + ["kind", "due_date", "status"]
    frame = pd.DataFrame(
        {tr(f"col.{c}"): fus[c].map(lambda v: label(v, lang)) if c in ("kind", "status") else fus[c] for c in cols}
    )
    frame[tr("col.overdue")] = fus["overdue"].fillna(False).map(lambda v: tr("dec.overdue") if v else "")
    st.dataframe(
        _highlight_overdue(frame, fus["overdue"]),
        hide_index=True,
        width="stretch",
        column_config={tr("col.due_date"): st.column_config.DateColumn(format="YYYY-MM-DD")},
    )


# ------------------------------------------------------------------------------------------------
# Minutes and letters


def documents_panel(ctx: PageContext, meeting_id: int | None, meeting_date: str, case_id: int | None, patient: str) -> None:
    """Download buttons; the document is built (and the export audited) only when clicked."""
    tr, store, actor = ctx.t, ctx.store, ctx.actor
    doc_lang = (
        st.segmented_control(
            tr("dec.doc_language"),
            ["en", "zh"],
            default=ctx.lang,
            key="dec.doc_lang",
            format_func=lambda c: "English" if c == "en" else "简体中文",
        )
        or ctx.lang
    )
    font_ok = documents.font_available()
    if not font_ok:
        st.error(tr("dec.font_missing", path=documents.font_path()), icon=":material/font_download_off:")

    def minutes_md(mid: int) -> str:
        return to_markdown(minutes_db.export_minutes(store.cursor(), actor, mid, "markdown"), doc_lang)

    def minutes_pdf(mid: int) -> bytes:
        return documents.minutes_pdf(minutes_db.export_minutes(store.cursor(), actor, mid, "pdf"), doc_lang)

    def letter_md(cid: int) -> str:
        return letter_to_markdown(minutes_db.export_letter(store.cursor(), actor, cid, "markdown"), doc_lang)

    def letter_pdf(cid: int) -> bytes:
        return documents.letter_pdf(minutes_db.export_letter(store.cursor(), actor, cid, "pdf"), doc_lang)

    targets = []
    if meeting_id is not None:
        targets.append(
            ("min", tr("dec.minutes_for", date=meeting_date), f"minutes-{meeting_date}", int(meeting_id), minutes_md, minutes_pdf)
        )
    if case_id is not None:
        targets.append(
            (
                "let",
                tr("dec.letter_for", patient=patient),
                f"outcome-letter-case-{int(case_id)}",
                int(case_id),
                letter_md,
                letter_pdf,
            )
        )
    for key, title, stem, ident, make_md, make_pdf in targets:
        st.subheader(title)
        a, b = st.columns(2)
        a.download_button(
            tr("dec.download_md"),
            key=f"dec.{key}_md",
            icon=":material/description:",
            mime="text/markdown",
            file_name=f"{stem}-{doc_lang}.md",
            on_click="ignore",
            data=functools.partial(make_md, ident),
        )
        b.download_button(
            tr("dec.download_pdf"),
            key=f"dec.{key}_pdf",
            icon=":material/picture_as_pdf:",
            mime="application/pdf",
            file_name=f"{stem}-{doc_lang}.pdf",
            on_click="ignore",
            disabled=not font_ok,
            data=functools.partial(make_pdf, ident),
        )
    st.caption(tr("dec.export_audited"))
