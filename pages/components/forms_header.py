"""The case header on the board: referral details, the primary tumour and its markers, what the
patient wants. Corrected in place by those allowed (``db.cases.update_case`` checks the role:
clinical fields need EDIT_CLINICAL, referral fields EDIT_DEMOGRAPHICS), with a reason, against the
version read (a concurrent change ends in a clear conflict and nothing is saved), audited in the
same transaction. The clinical observations (ECOG, Frankel, pain, ...) are dated assessments and
are recorded in their own form (forms_assessment.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import streamlit as st
from pydantic import BaseModel, ValidationError

from core.errors import BoneMDTError, ConflictError, FieldError
from core.models import (
    Case,
    CaseFile,
    CastrationStatus,
    GrowthClass,
    Histology,
    Marker,
    PrimaryTumour,
    Priority,
    Role,
    Specialty,
    Stream,
)
from core.permissions import Capability, allowed
from core.text import SHORT_TEXT_MAX
from db import cases
from pages.components.forms import FormState, field_errors
from pages.components.forms_facts import Field, enum_values, render_fields
from pages.components.widgets import entry_expander

REFERRAL_FIELDS: tuple[Field, ...] = (
    Field("referral_date", "date", required=True),
    Field("referrer", "text", required=True),
    Field("referrer_specialty", "enum", enum_values(Specialty), vocab=Specialty, required=True),
    Field("question", "area", required=True),
    Field("priority", "enum", enum_values(Priority), vocab=Priority, required=True),
    Field("stream", "enum", enum_values(Stream), vocab=Stream, required=True),
    Field("key_worker", "text"),
)
CLINICAL_HEADER_FIELDS: tuple[Field, ...] = (
    Field("primary_tumour", "enum", enum_values(PrimaryTumour), vocab=PrimaryTumour, required=True),
    Field("histology", "enum", enum_values(Histology), vocab=Histology),
    Field("diagnosis_date", "date"),
    Field("er", "enum", enum_values(Marker), vocab=Marker),
    Field("pr", "enum", enum_values(Marker), vocab=Marker),
    Field("her2", "enum", enum_values(Marker), vocab=Marker),
    Field("egfr", "enum", enum_values(Marker), vocab=Marker),
    Field("alk", "enum", enum_values(Marker), vocab=Marker),
    Field("castration", "enum", enum_values(CastrationStatus), vocab=CastrationStatus),
    Field("postmenopausal", "enum", ("yes", "no")),
    Field("growth_override", "enum", enum_values(GrowthClass), vocab=GrowthClass),
    Field("comorbidities", "area"),
    Field("patient_wishes", "area"),
)
_YES_NO = {None: None, "yes": True, "no": False}


def fields_for(role: Role) -> tuple[Field, ...]:
    """The header fields this role may change (the store checks it again)."""
    out: tuple[Field, ...] = ()
    if allowed(role, Capability.EDIT_DEMOGRAPHICS):
        out += REFERRAL_FIELDS
    if allowed(role, Capability.EDIT_CLINICAL):
        out += CLINICAL_HEADER_FIELDS
    return out


def _shown(case: Case) -> BaseModel:
    """The case as the form shows it (postmenopausal as yes / no / not recorded)."""
    data = case.model_dump()
    data["postmenopausal"] = None if case.postmenopausal is None else ("yes" if case.postmenopausal else "no")
    return cast(BaseModel, SimpleNamespace(**data))


def changes_of(case: Case, values: dict[str, Any]) -> dict[str, Any]:
    """What the form changes on ``case`` (strings for enums, as entered; unchanged fields left out)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "postmenopausal":
            value = _YES_NO[value]
        if isinstance(value, str) and name not in ("question", "referrer", "key_worker", "comorbidities", "patient_wishes"):
            value = value or None
        stored = getattr(case, name)
        stored = getattr(stored, "value", stored)
        if value != stored:
            out[name] = value
    return out


def entry_key(case_id: int) -> str:
    """The key of the "edit case details" expander (built once opened: widgets.entry_expander)."""
    return f"board_entry_header_{case_id}"


def entry(ctx: Any, cf: CaseFile) -> None:
    """The board's "edit case details" section, for the roles that may change the header."""
    fields = fields_for(ctx.actor.role)
    if not fields:
        return
    case = cf.case
    name = f"header_{case.case_id}"
    form = FormState(name)
    read = form.key("read_version")  # the version the form was filled from
    st.session_state.setdefault(read, case.row_version)
    box = entry_expander(ctx.t("header.entry"), key=entry_key(case.case_id or 0), icon=":material/edit_note:")
    if box is None:
        return
    with box:
        form.notice()
        form.error("form")
        with st.form(f"{name}__form", border=False):
            values = render_fields(ctx, form, fields, cf, _shown(case))
            reason = st.text_input(ctx.t("header.reason"), max_chars=SHORT_TEXT_MAX, key=form.key("reason"))
            form.error("reason")
            submitted = form.submit(ctx.t("header.submit"), type="primary")
        if submitted:
            save(ctx, form, case, int(st.session_state[read]), values, reason)


def _forget_input(form: FormState) -> None:
    """Drop the form's widget values and the version read: it shows the stored case again."""
    keep = {form.key("token"), form.key("errors"), form.key("notice")}
    for key in [k for k in st.session_state if str(k).startswith(f"{form.name}__") and k not in keep]:
        del st.session_state[key]


def save(ctx: Any, form: FormState, case: Case, read_version: int, values: dict[str, Any], reason: str) -> None:
    """Save the header changes against the version the user read; every problem shown at once."""
    missing = {
        f.name: ctx.t("form.required") for f in fields_for(ctx.actor.role) if f.required and values.get(f.name) in (None, "")
    }
    changes = changes_of(case, values)
    if not reason.strip():
        missing["reason"] = ctx.t("header.reason.required")
    if missing:
        form.fail(missing)
        return
    if not changes:
        form.fail({"form": ctx.t("header.unchanged")})
        return
    try:
        cases.update_case(
            ctx.cur, ctx.actor, case.model_copy(update={"row_version": read_version}), changes, reason=reason.strip()
        )
    except ConflictError:
        # Nothing saved; the user's values are named in the message, the form shows the stored case.
        yours = "; ".join(f"{f}: {'—' if v is None else v}" for f, v in changes.items())
        _forget_input(form)
        form.fail({"form": ctx.t("header.conflict") + " " + ctx.t("header.yours", changes=yours)})
        return
    except (ValidationError, FieldError) as exc:
        form.fail(field_errors(exc, ctx.lang))
        return
    except BoneMDTError as exc:
        form.fail({"form": str(exc)})
        return
    _forget_input(form)
    form.done(ctx.t("header.saved"))
