"""Validation errors in the user's language: pydantic error types mapped to catalogue messages.

Pydantic writes its messages in English ("String should have at least 3 characters"). A form
shows, for every field at once, the catalogue message for the error's *type* with the limits
pydantic reports (``ctx``), never the input itself. Messages written by our own validators
(``value_error``) and by write functions (:class:`FieldError`) are domain text; the few that
forms meet often have a catalogue twin in ``DOMAIN_TEXT``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from core.errors import FieldError
from core.i18n import MESSAGES, t

# pydantic error type -> catalogue key (parameters from the error's ctx)
ERROR_KEYS: dict[str, str] = {
    "missing": "val.missing",
    "string_too_short": "val.string_too_short",
    "string_too_long": "val.string_too_long",
    "string_pattern_mismatch": "val.pattern",
    "string_type": "val.string_type",
    "greater_than": "val.greater_than",
    "greater_than_equal": "val.greater_than_equal",
    "less_than": "val.less_than",
    "less_than_equal": "val.less_than_equal",
    "int_parsing": "val.number",
    "int_type": "val.number",
    "int_from_float": "val.whole_number",
    "float_parsing": "val.number",
    "float_type": "val.number",
    "finite_number": "val.number",
    "date_parsing": "val.date",
    "date_type": "val.date",
    "date_from_datetime_parsing": "val.date",
    "enum": "val.choice",
    "literal_error": "val.choice",
    "bool_parsing": "val.choice",
    "too_short": "val.too_few",
    "too_long": "val.too_many",
    "extra_forbidden": "val.extra",
}

# Domain messages that forms meet often, with their catalogue key.
DOMAIN_TEXT: dict[str, str] = {
    "is required": "form.required",
    "is already taken": "val.taken",
    "must not be empty": "val.empty",
    "is already registered (MRNs are compared without case)": "val.mrn_registered",  # db/cases.py refer()
    "contains a control character; remove it": "val.control",
    "contains an invisible or direction-changing character (bidirectional control, zero-width or similar); remove it": (
        "val.invisible"
    ),
}


def field_label(field: str, lang: str, prefix: str | None = None) -> str:
    """A field's name in ``lang``: ``<prefix>.<field>``, ``field.<field>``, ``col.<field>``, else the name."""
    for key in ([f"{prefix}.{field}"] if prefix else []) + [f"field.{field}", f"col.{field}"]:
        if key in MESSAGES:
            return t(key, lang)
    return field.replace("_", " ")


def _message(err: Any, lang: str) -> str:
    key = ERROR_KEYS.get(str(err["type"]))
    if key is not None:
        params = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, int | float | str)}
        try:
            return t(key, lang, **params)
        except KeyError:
            return t(key.rsplit(".", 1)[0] + ".invalid", lang)
    raw = str(err["msg"]).removeprefix("Value error, ")
    return domain_message(raw, lang)


def domain_message(raw: str, lang: str) -> str:
    """A domain message in ``lang`` when the catalogue has it, otherwise as written."""
    key = DOMAIN_TEXT.get(raw)
    return t(key, lang) if key else raw


def validation_messages(exc: ValidationError | FieldError, lang: str = "en") -> dict[str, str]:
    """Field -> every message for that field (joined), in ``lang``; never echoing the input."""
    out: dict[str, list[str]] = {}
    if isinstance(exc, FieldError):
        for field, raw in exc.errors.items():
            out.setdefault(field, []).append(domain_message(raw, lang))
    else:
        for err in exc.errors(include_input=False, include_url=False):
            field = str(err["loc"][0]) if err["loc"] else "form"
            message = _message(err, lang)
            if message not in out.setdefault(field, []):
                out[field].append(message)
    sep = "；" if lang == "zh" else "; "
    return {field: sep.join(messages) for field, messages in out.items()}


def error_lines(exc: ValidationError | FieldError, lang: str = "en", prefix: str | None = None) -> list[str]:
    """Every error as "<field name>: <message>", the field named in ``lang`` (shown all at once)."""
    colon = "：" if lang == "zh" else ": "
    return [
        msg if field == "form" else f"{field_label(field, lang, prefix)}{colon}{msg}"
        for field, msg in validation_messages(exc, lang).items()
    ]
