"""Helpers shared by the meeting screen's sections: the one escaper for stored text, the role
check, the once-after-rerun success message, and :func:`attempt`, which runs one write through
db/agenda.py (roles checked and audited there) and turns domain errors into ``st.error`` next to
the control; nothing raises to the user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import streamlit as st

from core.errors import ConflictError, FieldError, NotFoundError, PermissionDeniedError, WorkflowError
from core.permissions import Capability, allowed
from core.text import md_inline
from pages.components.guard import PageContext

log = logging.getLogger("bonemdt.meetings")
T = TypeVar("T")


def md(text: object) -> str:
    """Stored text made inert for st.markdown (the one escaper, core.text.md_inline)."""
    return md_inline(text)


def can(ctx: PageContext, capability: Capability) -> bool:
    return allowed(ctx.actor.role, capability)


def flash(message: str) -> None:
    """A success message shown once after the rerun that follows a write."""
    st.session_state["mtg_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("mtg_flash", None)
    if message:
        st.success(message)


# ------------------------------------------------------------------------------------------------
# Errors


_FIELD_KEYS = {
    ("override_reason", "the case is not ready"): "mtg.err.reason_needed",
    ("override_reason", ""): "mtg.err.text_invalid",
    ("count", ""): "mtg.err.count",
    ("location", ""): "mtg.err.text_invalid",
    ("meeting", "the case is already"): "mtg.err.already_listed",
    ("first", ""): "mtg.err.first",
    ("reason", "give the reason"): "mtg.err.defer_reason",
    ("reason", ""): "mtg.err.text_invalid",
}


def field_message(ctx: PageContext, field: str, raw: str) -> str:
    for (name, prefix), key in _FIELD_KEYS.items():
        if name == field and raw.startswith(prefix):
            return ctx.t(key, detail=raw)
    return raw


def attempt(
    ctx: PageContext,
    fn: Callable[..., T],
    *args: Any,
    slots: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> tuple[bool, T | None]:
    """Run one write; on a domain error show it (next to its field when a slot is given)."""
    try:
        return True, fn(*args, **kwargs)
    except FieldError as exc:
        for field, raw in exc.errors.items():
            target = (slots or {}).get(field) or st
            target.error(field_message(ctx, field, raw))
    except PermissionDeniedError:
        st.error(ctx.t("mtg.err.denied"))
    except ConflictError:
        st.error(ctx.t("mtg.err.conflict"))
    except (WorkflowError, NotFoundError) as exc:
        st.error(ctx.t("mtg.err.workflow", detail=str(exc)))
    except Exception:
        log.exception("meeting write failed: %s", getattr(fn, "__name__", "?"))
        st.error(ctx.t("error.generic"))
    return False, None
