"""Shared types of the clinical scoring engine: inputs, results, definitions and errors.

Every score module declares its published table as data, a frozen input model whose fields are
all optional (a missing input makes the result ``incomplete``; it is never scored as 0), and a
pure function ``ScoreInput -> ScoreResult``. The field validators below carry the allowed values
or range, so the same object validates the input, describes it in error messages and lists it in
``ScoreDefinition.inputs``. Specification: ``docs/clinical/scores.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError

from core.errors import FieldError

INCOMPLETE = "incomplete"

Number = int | Decimal


class ScoreInputError(FieldError, ValueError):
    """An input the engine cannot accept: unknown score, unknown field, or a value out of range.

    ``errors`` maps each offending field to a message that names the allowed values or range.
    Messages never repeat the value that was entered.
    """


# --------------------------------------------------------------------------------------------
# Field validators (used as ``PlainValidator`` metadata on the input models)
# --------------------------------------------------------------------------------------------


class _Rejected(ValueError):
    """Raised inside a validator; the message is rebuilt from the field's description."""


def to_decimal(value: object) -> Decimal:
    """Convert an entered number to Decimal through its string form (floats included)."""
    if isinstance(value, bool):
        raise _Rejected("not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise _Rejected("not a number") from None
    else:
        raise _Rejected("not a number")
    if not result.is_finite():
        raise _Rejected("not a finite number")
    return result


@dataclass(frozen=True)
class OneOf:
    """A categorical input: one of the listed string codes."""

    values: tuple[str, ...]

    def __call__(self, value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # e.g. Bilsky grade 2 given as a number
        if isinstance(value, str) and value in self.values:
            return value
        raise _Rejected("not allowed")

    def describe(self) -> str:
        return "one of: " + ", ".join(self.values)


@dataclass(frozen=True)
class YesNo:
    """A boolean input: exactly true or false."""

    def __call__(self, value: object) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        raise _Rejected("not a boolean")

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class DecimalIn:
    """A numeric input converted to Decimal and checked against an inclusive range."""

    low: Decimal
    high: Decimal
    unit: str = ""

    def __call__(self, value: object) -> Decimal | None:
        if value is None:
            return None
        number = to_decimal(value)
        if not self.low <= number <= self.high:
            raise _Rejected("out of range")
        return number

    def describe(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"a number from {self.low} to {self.high}{unit}"


@dataclass(frozen=True)
class IntegerIn:
    """A whole-number input (optionally a multiple of ``step``) within an inclusive range."""

    low: int
    high: int
    step: int = 1
    unit: str = ""

    def __call__(self, value: object) -> int | None:
        if value is None:
            return None
        number = to_decimal(value)
        if number != number.to_integral_value():
            raise _Rejected("not a whole number")
        whole = int(number)
        if not self.low <= whole <= self.high or whole % self.step:
            raise _Rejected("out of range")
        return whole

    def describe(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        kind = "a whole number" if self.step == 1 else f"a multiple of {self.step}"
        return f"{kind} from {self.low} to {self.high}{unit}"


FieldSpec = OneOf | YesNo | DecimalIn | IntegerIn


def choice(*values: str) -> PlainValidator:
    return PlainValidator(OneOf(tuple(values)))


def yes_no() -> PlainValidator:
    return PlainValidator(YesNo())


def decimal_in(low: str, high: str, unit: str = "") -> PlainValidator:
    return PlainValidator(DecimalIn(Decimal(low), Decimal(high), unit))


def integer_in(low: int, high: int, step: int = 1, unit: str = "") -> PlainValidator:
    return PlainValidator(IntegerIn(low, high, step, unit))


class ScoreInput(BaseModel):
    """Base of every score's input: frozen, unknown fields forbidden, every field optional."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def field_specs(model: type[ScoreInput]) -> dict[str, FieldSpec]:
    """The validator of each field, in declaration order."""
    specs: dict[str, FieldSpec] = {}
    for name, info in model.model_fields.items():
        for meta in info.metadata:
            if isinstance(meta, PlainValidator) and isinstance(meta.func, OneOf | YesNo | DecimalIn | IntegerIn):
                specs[name] = meta.func
    return specs


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


class Band(NamedTuple):
    label_en: str
    label_zh: str
    action_en: str
    action_zh: str


INCOMPLETE_BAND = Band(
    "Incomplete: inputs missing",
    "信息不完整：缺少输入项",
    "Record the missing inputs; a missing input is never scored as 0.",
    "请补录缺失项；缺失项不按0分计算。",
)


class BreakdownItem(BaseModel):
    """One scored (or reported) input: the value given, its points and a bilingual label."""

    model_config = ConfigDict(frozen=True)

    input: str
    value: str
    points: int | Decimal | None
    label_en: str
    label_zh: str


class ScoreResult(BaseModel):
    """What ``evaluate`` returns. ``total`` is None when incomplete or for label-only grades."""

    model_config = ConfigDict(frozen=True)

    score_id: str
    total: int | Decimal | None
    band: str
    breakdown: tuple[BreakdownItem, ...]
    missing: tuple[str, ...]
    flags: tuple[str, ...]
    source: str
    band_label_en: str
    band_label_zh: str
    action_en: str
    action_zh: str
    value_unit: str | None = None


def make_result(
    *,
    score_id: str,
    source: str,
    bands: Mapping[str, Band],
    band: str,
    total: Number | None,
    breakdown: Iterable[BreakdownItem],
    missing: Iterable[str] = (),
    flags: Iterable[str] = (),
    value_unit: str | None = None,
) -> ScoreResult:
    info = INCOMPLETE_BAND if band == INCOMPLETE else bands[band]
    return ScoreResult(
        score_id=score_id,
        total=None if band == INCOMPLETE else total,
        band=band,
        breakdown=tuple(breakdown),
        missing=tuple(missing),
        flags=tuple(dict.fromkeys(flags)),
        source=source,
        band_label_en=info.label_en,
        band_label_zh=info.label_zh,
        action_en=info.action_en,
        action_zh=info.action_zh,
        value_unit=value_unit,
    )


def band_by_upper_bound(total: Number, upper_bounds: Sequence[tuple[Number, str]]) -> str:
    """Band of ``total`` given ``(inclusive upper bound, band)`` rows in ascending order."""
    for upper, band in upper_bounds:
        if total <= upper:
            return band
    return upper_bounds[-1][1]


def show(value: object) -> str:
    """The breakdown's text form of an entered value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


Labels = Mapping[str, Mapping[str, tuple[str, str]]]


def sum_points(
    values: Mapping[str, str | bool | None],
    points: Mapping[str, Mapping[str, int]],
    labels: Labels,
    items: Mapping[str, tuple[str, str]],
) -> tuple[int, list[BreakdownItem], list[str]]:
    """Add the points of each item; returns (total, breakdown, missing inputs in table order)."""
    total = 0
    breakdown: list[BreakdownItem] = []
    missing: list[str] = []
    for name, table in points.items():
        value = values.get(name)
        if value is None:
            missing.append(name)
            continue
        key = show(value)
        item_en, item_zh = items[name]
        value_en, value_zh = labels[name][key]
        total += table[key]
        breakdown.append(
            BreakdownItem(
                input=name,
                value=key,
                points=table[key],
                label_en=f"{item_en}: {value_en}",
                label_zh=f"{item_zh}：{value_zh}",
            )
        )
    return total, breakdown, missing


YES_NO_LABELS = {"true": ("yes", "是"), "false": ("no", "否")}


# --------------------------------------------------------------------------------------------
# Definitions and evaluation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreDefinition:
    """A score as data: its inputs (allowed values or range), bands, total range and function."""

    score_id: str
    name_en: str
    name_zh: str
    inputs: Mapping[str, tuple[str, ...] | str]
    specs: Mapping[str, FieldSpec]
    bands: Mapping[str, tuple[str, str]]
    band_actions: Mapping[str, tuple[str, str]]
    total_range: tuple[Number, Number] | None
    value_unit: str | None
    ordinal: bool
    source: str
    input_model: type[ScoreInput]
    function: Callable[[Any], ScoreResult]

    def evaluate(self, inputs: Mapping[str, object]) -> ScoreResult:
        return self.function(parse_inputs(self, inputs))


def define(
    *,
    score_id: str,
    name_en: str,
    name_zh: str,
    input_model: type[ScoreInput],
    bands: Mapping[str, Band],
    total_range: tuple[Number, Number] | None,
    source: str,
    function: Callable[[Any], ScoreResult],
    ordinal: bool,
    value_unit: str | None = None,
) -> ScoreDefinition:
    specs = field_specs(input_model)
    inputs: dict[str, tuple[str, ...] | str] = {
        name: spec.values if isinstance(spec, OneOf) else spec.describe() for name, spec in specs.items()
    }
    return ScoreDefinition(
        score_id=score_id,
        name_en=name_en,
        name_zh=name_zh,
        inputs=MappingProxyType(inputs),
        specs=MappingProxyType(specs),
        bands=MappingProxyType({k: (b.label_en, b.label_zh) for k, b in bands.items()}),
        band_actions=MappingProxyType({k: (b.action_en, b.action_zh) for k, b in bands.items()}),
        total_range=total_range,
        value_unit=value_unit,
        ordinal=ordinal,
        source=source,
        input_model=input_model,
        function=function,
    )


def parse_inputs(definition: ScoreDefinition, inputs: Mapping[str, object]) -> ScoreInput:
    """Validate raw inputs into the score's model; every problem becomes a ScoreInputError."""
    if not isinstance(inputs, Mapping):
        raise ScoreInputError({"inputs": "must be a mapping of input name to value"})
    allowed = ", ".join(definition.inputs)
    unknown = [key for key in inputs if key not in definition.inputs]
    if unknown:
        raise ScoreInputError(
            {
                (key if isinstance(key, str) else "input name"): (
                    f"unknown input for {definition.score_id}; allowed inputs: {allowed}"
                )
                for key in unknown
            }
        )
    try:
        return definition.input_model.model_validate(dict(inputs))
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = error["loc"]
            name = str(loc[0]) if loc else ""
            spec = definition.specs.get(name)
            if spec is not None:
                errors[name] = "must be " + spec.describe()
            else:  # a cross-field rule; its message names the fields and never the values
                cause = error.get("ctx", {}).get("error")
                field, _, message = str(cause).partition(": ")
                errors[field or "inputs"] = message or "invalid combination of inputs"
        raise ScoreInputError(errors) from None


class CrossFieldError(ValueError):
    """Raised by a model validator as ``"field: message"``; the message never holds a value."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
