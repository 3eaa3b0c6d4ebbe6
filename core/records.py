"""The base of every domain record (pydantic v2): strict fields, dates within 1900..2100, no
future dates against an injectable "today", and the case-folded MRN."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator


def today_of(info: ValidationInfo) -> date:
    """The day "not in the future" is checked against: the validation context's ``today`` (an
    injected clock), else the wall clock."""
    ctx = info.context or {}
    today = ctx.get("today") if isinstance(ctx, dict) else None
    return today if isinstance(today, date) else date.today()


def _not_future(value: date | None, info: ValidationInfo) -> date | None:
    if value is not None and value > today_of(info):
        raise ValueError("must not be in the future")
    return value


def fold_mrn(mrn: str) -> str:
    """Case-folded MRN used for uniqueness (``ab-12`` and ``AB-12`` are the same patient)."""
    return mrn.strip().casefold()


EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def _date_in_bounds(value: object) -> object:
    """Every date a record holds lies in 1900..2100 (a typo such as 1800 or 9999 is refused)."""
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not (EARLIEST_DATE <= day <= LATEST_DATE):
        raise ValueError("must be a date between 1900 and 2100")
    if isinstance(value, dict):
        for item in value.values():
            _date_in_bounds(item)
    return value


# Field values that cannot hold a date (the per-field check returns them at once: it runs for every
# field of every record, hundreds of thousands of times in an import).
_DATELESS = frozenset({str, int, float, bool, type(None), Decimal, tuple, list})


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=False)

    @field_validator("*", mode="after")
    @classmethod
    def _dates_in_bounds(cls, value: object) -> object:
        return value if type(value) in _DATELESS else _date_in_bounds(value)


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _dates_in_bounds(cls, value: object) -> object:
        return value if type(value) in _DATELESS else _date_in_bounds(value)
