"""Dated clinical assessments (clinical safety rule 2: one clock for every fact).

Every clinical observation that changes over time -- ECOG, KPS, Frankel and whether it is new,
neurological and spinal-pain signs, pain NRS and character, expected survival (weeks), fitness for
surgery, weight, fever, calcium symptoms, visceral metastases, ... -- is an :class:`Assessment`: one
value of one ``Case`` field, with the date it describes (``observed_on``), when and by whom it was
recorded. A correction is a new assessment that names the one it ``supersedes`` with a reason; a
retraction is a new row with ``retracted=True``. Nothing is overwritten.

:func:`project` turns a case's assessments into the values the scores and rules read: the latest
observation per field (by the date it describes, then the time it was recorded), plus the date each
value describes (``CaseFile.observed``). Whether a value is still fresh enough for a given rule is the
rules' and scores' business (they know the freshness windows); the projection only dates the facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, ValidationInfo, field_validator, model_validator

from core.models import Case
from core.records import today_of
from core.text import LongText

# Case field -> (English label, Chinese label). The order is the order of the assessment form.
ASSESSED_FIELDS: dict[str, tuple[str, str]] = {
    "ecog": ("ECOG performance status", "ECOG体能状态"),
    "kps": ("Karnofsky performance status", "KPS评分"),
    "ecog_limited_by_lesion": ("performance limited by the lesion itself", "体能受限由病灶本身所致"),
    "frankel": ("Frankel grade", "Frankel分级"),
    "frankel_new": ("Frankel grade new or progressive", "Frankel分级为新发或进展"),
    "neuro_assessed": ("neurology examined", "已行神经系统查体"),
    "neuro_signs": ("neurological signs", "神经系统体征"),
    "paraplegia_over_48h": ("paraplegia for more than 48 h", "截瘫超过48小时"),
    "spinal_pain_signs": ("spinal-pain signs", "脊柱疼痛特征"),
    "nrs": ("pain NRS", "疼痛NRS评分"),
    "pain_character": ("pain character", "疼痛性质"),
    "on_step3_opioid": ("on a strong (step 3) opioid", "正在使用强阿片类（第三阶梯）"),
    "expected_survival_weeks": ("expected survival (weeks)", "预计生存期（周）"),
    "fit_for_surgery": ("fit for surgery", "可耐受手术"),
    "weight_kg": ("weight (kg)", "体重（kg）"),
    "height_cm": ("height (cm)", "身高（cm）"),
    "fever": ("fever ≥ 38 °C", "发热≥38 °C"),
    "calcium_symptoms": ("hypercalcaemia / hypocalcaemia symptoms", "高钙/低钙血症症状"),
    "visceral_mets": ("visceral metastases", "内脏转移"),
    "visceral_treatable": ("visceral metastases treatable", "内脏转移可治疗"),
    "visceral_removable": ("visceral metastases removable", "内脏转移可切除"),
    "primary_controlled": ("primary controlled", "原发灶已控制"),
    "coagulopathy": ("severe coagulopathy", "严重凝血功能障碍"),
    "infection": ("active infection", "活动性感染"),
    "active_bleeding": ("active bleeding", "活动性出血"),
    "jaw_or_thigh_symptoms": ("jaw exposure/pain or new thigh/groin pain", "颌骨外露/疼痛或新发大腿/腹股沟痛"),
    "dental_clearance": ("dental clearance", "已完成口腔评估"),
    "surgery_planned": ("surgery planned", "已计划手术"),
    "lymph_node_max_cm": ("largest lymph node (cm)", "最大淋巴结（cm）"),
    "prior_chemotherapy": ("previous chemotherapy", "既往化疗"),
    "prior_mcrpc_lines": ("previous mCRPC treatment lines", "既往mCRPC治疗线数"),
    "ineligible_for_other_treatment": ("ineligible for other treatment", "不适合其他治疗"),
}


@cache
def _adapter(field: str) -> TypeAdapter[Any]:
    info = Case.model_fields[field]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]
    return TypeAdapter(annotation)


def validate_value(field: str, value: object) -> object:
    """The value validated as the ``Case`` field it fills, in its JSON form (raises ValueError)."""
    if field not in ASSESSED_FIELDS:
        raise ValueError(f"{field} is not a dated assessment")
    adapter = _adapter(field)
    try:
        typed = adapter.validate_python(value)
    except ValidationError as exc:
        raise ValueError(f"{field}: {exc.errors(include_input=False)[0]['msg']}") from None
    return adapter.dump_python(typed, mode="json")


class Assessment(BaseModel):
    """One dated value of one clinical field of a case (table ``assessment``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    assessment_id: int | None = None
    case_id: int
    field: str
    value: Any = None
    observed_on: date
    recorded_at: datetime | None = None
    recorded_by: str = ""
    supersedes: int | None = None
    retracted: bool = False
    reason: LongText = ""

    @field_validator("field")
    @classmethod
    def _known(cls, field: str) -> str:
        if field not in ASSESSED_FIELDS:
            raise ValueError(f"{field} is not a dated assessment")
        return field

    @model_validator(mode="after")
    def _value(self, info: ValidationInfo) -> Assessment:
        if self.observed_on > today_of(info):
            raise ValueError("observed_on must not be in the future")
        if self.supersedes is not None and not self.reason.strip():
            raise ValueError("a correction needs a reason")
        if not self.retracted:
            object.__setattr__(self, "value", validate_value(self.field, self.value))
        return self


def _order(a: Assessment) -> tuple[date, datetime, int]:
    return (a.observed_on, a.recorded_at or datetime.min, a.assessment_id or 0)


def current(assessments: Iterable[Assessment], *, as_of: date, recorded_by: datetime | None = None) -> dict[str, Assessment]:
    """The assessment in force per field: latest by the date it describes, then by record time.

    Only facts describing a day up to ``as_of`` and (when ``recorded_by`` is given) recorded by then
    count. A superseded row is replaced by its correction; a retraction removes the value.
    """
    rows = [
        a
        for a in assessments
        if a.observed_on <= as_of and (recorded_by is None or a.recorded_at is None or a.recorded_at <= recorded_by)
    ]
    superseded = {a.supersedes for a in rows if a.supersedes is not None}
    latest: dict[str, Assessment] = {}
    for a in sorted(rows, key=_order):
        if a.assessment_id is not None and a.assessment_id in superseded:
            continue
        latest[a.field] = a
    return {field: a for field, a in latest.items() if not a.retracted}


def project(
    case: Case, assessments: Iterable[Assessment], *, as_of: date, recorded_by: datetime | None = None
) -> tuple[Case, dict[str, date]]:
    """The case with its assessed fields set from the assessments in force, and their dates.

    A field with no assessment in force takes the model default (unknown: ``None``, ``False`` or
    empty), so a value recorded only after ``as_of`` never leaks into the past.
    """
    in_force = current(assessments, as_of=as_of, recorded_by=recorded_by)
    values: dict[str, object] = {}
    for field in ASSESSED_FIELDS:
        a = in_force.get(field)
        values[field] = a.value if a is not None else Case.model_fields[field].get_default(call_default_factory=True)
    # The header's dates were checked against the clock when ``case`` was built (an injected clock
    # may be ahead of the wall clock); here only the assessed values are validated into their types.
    projected = Case.model_validate({**case.model_dump(), **values}, context={"today": date.max})
    return projected, {field: a.observed_on for field, a in in_force.items()}


def history(assessments: Iterable[Assessment], field: str) -> list[Assessment]:
    """Every recorded value of one field, newest first (corrections and retractions included)."""
    return sorted((a for a in assessments if a.field == field), key=_order, reverse=True)
