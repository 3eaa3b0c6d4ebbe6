"""The case-file document (``"format": "bonemdt-case/1"``): one self-contained case, the one
exchange format of BoneMDT (lecture cases, ``bonemdt evaluate``, import and export).

A document names its lesions by a local ``ref`` (any short text, e.g. ``"T9"``) instead of store ids;
imaging studies and treatments point at lesions with ``lesion_refs``, events with ``lesion_ref``.
:meth:`CaseDocument.to_case_file` validates every part with the same models as the forms and returns
the :class:`~core.models.CaseFile` the scores and rules read; every error names its place
(``lesions[2].bilsky``).
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.assessments import ASSESSED_FIELDS, Assessment, project
from core.errors import FieldError
from core.models import Case, CaseFile, ClinicalEvent, ImagingStudy, LabResult, Lesion, Patient, Treatment

FORMAT: Literal["bonemdt-case/1"] = "bonemdt-case/1"

# Placeholder ids of a document that is not in a store.
DOC_PATIENT_ID = 1
DOC_CASE_ID = 1

# Store-side fields a document never carries (ids, versions, record times), per section.
# Who recorded a row, when, and its version are the store's bookkeeping, not clinical content:
# they stay out of a case file (the importing store stamps its own on every row it adds).
_PROVENANCE = frozenset({"row_version", "recorded_at", "recorded_by"})
_STORE_FIELDS: dict[str, frozenset[str]] = {
    "patient": frozenset({"patient_id"}),
    "case": frozenset({"case_id", "patient_id", "row_version", "created_at"}),
    "assessments": frozenset({"assessment_id", "case_id"}) | _PROVENANCE,
    "lesions": frozenset({"lesion_id", "patient_id"}) | _PROVENANCE,
    "studies": frozenset({"study_id", "patient_id", "lesion_ids"}) | _PROVENANCE,
    "labs": frozenset({"lab_id", "patient_id"}) | _PROVENANCE,
    "treatments": frozenset({"treatment_id", "patient_id", "lesion_id", "lesion_ids"}) | _PROVENANCE,
    "events": frozenset({"event_id", "patient_id", "lesion_id"}) | _PROVENANCE,
}


def lesion_ref(lesion: Lesion, taken: Iterable[str] = ()) -> str:
    """A readable local name for a lesion (``T9``, ``left-femur-proximal``), unique among ``taken``."""
    base = lesion.site_label().replace(" ", "-") or "lesion"
    used = set(taken)
    ref, n = base, 2
    while ref in used:
        ref, n = f"{base}-{n}", n + 1
    return ref


class CaseDocument(BaseModel):
    """A case file as read from JSON; sections are validated by :meth:`to_case_file`."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["bonemdt-case/1"] = FORMAT
    patient: dict[str, Any]
    case: dict[str, Any]
    assessments: list[dict[str, Any]] = Field(default_factory=list)
    lesions: list[dict[str, Any]] = Field(default_factory=list)
    studies: list[dict[str, Any]] = Field(default_factory=list)
    labs: list[dict[str, Any]] = Field(default_factory=list)
    treatments: list[dict[str, Any]] = Field(default_factory=list)
    events: list[dict[str, Any]] = Field(default_factory=list)

    @classmethod
    def from_case_file(cls, cf: CaseFile, assessments: Iterable[Assessment] | None = None) -> CaseDocument:
        """The document of a case as the board holds it (the inverse of :meth:`to_case_file`).

        Clinical values go out as dated ``assessments``: the ``assessments`` given (every recorded
        row, corrections and retractions included) or, without them, the case's current values
        dated by ``cf.observed_on``. Store ids are replaced by lesion refs; values equal to the
        model default are left out.
        """

        def dump(model: BaseModel, section: str, **extra: Any) -> dict[str, Any]:
            data = model.model_dump(mode="json", exclude_defaults=True, exclude=set(_STORE_FIELDS[section]))
            return {**data, **extra}

        refs: dict[int, str] = {}
        lesions = []
        for lesion in cf.lesions:
            ref = lesion_ref(lesion, refs.values())
            if lesion.lesion_id is not None:
                refs[lesion.lesion_id] = ref
            lesions.append({"ref": ref, **dump(lesion, "lesions")})

        def names(ids: Iterable[int]) -> list[str]:
            return [refs[i] for i in ids if i in refs]

        case = {k: v for k, v in dump(cf.case, "case").items() if k not in ASSESSED_FIELDS}
        if assessments is None:
            rows: list[dict[str, Any]] = []
            for field in ASSESSED_FIELDS:
                value = getattr(cf.case, field)
                if value == Case.model_fields[field].get_default(call_default_factory=True):
                    continue
                observed = cf.observed_on(field)
                rows.append({"field": field, "value": _json_value(value), "observed_on": observed.isoformat()})
        else:
            ordered = sorted(assessments, key=lambda a: (a.observed_on, a.recorded_at or datetime.min, a.assessment_id or 0))
            position = {a.assessment_id: i + 1 for i, a in enumerate(ordered) if a.assessment_id is not None}
            rows = []
            for a in ordered:
                row = a.model_dump(mode="json", exclude_defaults=True, exclude=set(_STORE_FIELDS["assessments"]))
                row.setdefault("value", None)
                if a.supersedes is not None:
                    row["supersedes"] = position.get(a.supersedes)
                rows.append(row)
        return cls(
            patient=dump(cf.patient, "patient"),
            case=case,
            assessments=rows,
            lesions=lesions,
            studies=[
                {**dump(s, "studies"), **({"lesion_refs": names(s.lesion_ids)} if s.lesion_ids else {})} for s in cf.studies
            ],
            labs=[dump(lab, "labs") for lab in cf.labs],
            treatments=[
                {**dump(t, "treatments"), **({"lesion_refs": names(t.lesion_ids)} if t.lesion_ids else {})} for t in cf.treatments
            ],
            events=[
                {**dump(e, "events"), **({"lesion_ref": refs[e.lesion_id]} if e.lesion_id in refs else {})} for e in cf.events
            ],
        )

    def to_json(self) -> str:
        """The document as indented JSON text (UTF-8, non-ASCII kept)."""
        return self.model_dump_json(indent=2, exclude_none=False)

    def to_case_file(self, as_of: date | None = None, *, today: date | None = None) -> CaseFile:
        """Validate every section and build the CaseFile (raises FieldError naming each place)."""
        return self.validated(as_of, today=today)[0]

    def validated(self, as_of: date | None = None, *, today: date | None = None) -> tuple[CaseFile, tuple[Assessment, ...]]:
        """:meth:`to_case_file` plus the document's assessments as validated (undated header values
        first, dated at the referral; ids are their 1-based positions). ``today`` is the day no date
        may lie after (default: the wall clock, read once); ``as_of`` defaults to it."""
        errors: dict[str, str] = {}
        day = today or date.today()
        when = as_of or day
        context = {"today": day}  # the models' "not in the future" checks

        def build(model: type[BaseModel], where: str, data: dict[str, Any]) -> Any:
            try:
                return model.model_validate(data, context=context)
            except ValidationError as exc:
                for err in exc.errors(include_input=False):
                    loc = ".".join(str(p) for p in err["loc"])
                    errors[f"{where}.{loc}" if loc else where] = err["msg"]
                return None

        patient = build(Patient, "patient", {**self.patient, "patient_id": DOC_PATIENT_ID})
        header = {k: v for k, v in self.case.items() if k not in ASSESSED_FIELDS}
        # A clinical value given in the case header (undated) counts as observed on the referral date.
        undated = [
            {"field": k, "value": v, "observed_on": self.case.get("referral_date")}
            for k, v in self.case.items()
            if k in ASSESSED_FIELDS and v is not None
        ]
        case = build(Case, "case", {**header, "patient_id": DOC_PATIENT_ID, "case_id": DOC_CASE_ID})
        refs: dict[str, int] = {}
        lesions: list[Lesion] = []
        for i, raw in enumerate(self.lesions):
            data = dict(raw)
            ref = str(data.pop("ref", i + 1))
            if ref in refs:
                errors[f"lesions[{i}].ref"] = "is used by another lesion"
                continue
            refs[ref] = i + 1
            lesion = build(Lesion, f"lesions[{i}]", {**data, "patient_id": DOC_PATIENT_ID, "lesion_id": i + 1})
            if lesion is not None:
                lesions.append(lesion)

        def linked(where: str, data: dict[str, Any], key: str) -> list[int]:
            ids = []
            names = data.pop(key, None)
            names = [names] if isinstance(names, str) else list(names or [])
            for name in names:
                if str(name) not in refs:
                    errors[f"{where}.{key}"] = f"names an unknown lesion: {name}"
                else:
                    ids.append(refs[str(name)])
            return ids

        studies: list[ImagingStudy] = []
        for i, raw in enumerate(self.studies):
            data = dict(raw)
            ids = linked(f"studies[{i}]", data, "lesion_refs")
            s = build(ImagingStudy, f"studies[{i}]", {**data, "patient_id": DOC_PATIENT_ID, "lesion_ids": ids})
            if s is not None:
                studies.append(s)
        labs = [
            lab
            for i, raw in enumerate(self.labs)
            if (lab := build(LabResult, f"labs[{i}]", {**raw, "patient_id": DOC_PATIENT_ID})) is not None
        ]
        treatments: list[Treatment] = []
        for i, raw in enumerate(self.treatments):
            data = dict(raw)
            ids = linked(f"treatments[{i}]", data, "lesion_refs")
            t = build(Treatment, f"treatments[{i}]", {**data, "patient_id": DOC_PATIENT_ID, "lesion_ids": ids})
            if t is not None:
                treatments.append(t)
        events: list[ClinicalEvent] = []
        for i, raw in enumerate(self.events):
            data = dict(raw)
            ids = linked(f"events[{i}]", data, "lesion_ref")
            e = build(ClinicalEvent, f"events[{i}]", {**data, "patient_id": DOC_PATIENT_ID, "lesion_id": ids[0] if ids else None})
            if e is not None:
                events.append(e)
        assessments = [
            a
            for i, raw in enumerate([*undated, *self.assessments])
            if (
                a := build(
                    Assessment,
                    f"case.{raw['field']}" if i < len(undated) else f"assessments[{i - len(undated)}]",
                    {**raw, "case_id": DOC_CASE_ID, "assessment_id": i + 1},
                )
            )
            is not None
        ]
        if errors or patient is None or case is None:
            raise FieldError(errors or {"case": "is not valid"})
        current, observed = project(case, assessments, as_of=when)
        cf = CaseFile(
            case=current,
            patient=patient,
            lesions=tuple(lesions),
            studies=tuple(studies),
            labs=tuple(labs),
            treatments=tuple(treatments),
            events=tuple(events),
            as_of=when,
            observed=observed,
        )
        return cf, tuple(assessments)


def _json_value(value: object) -> object:
    from pydantic import TypeAdapter

    return TypeAdapter(type(value)).dump_python(value, mode="json") if value is not None else None


# ---------------------------------------------------------------------------------------------
# JSON Schema of the document (docs/case-file.schema.json is generated from this)

_SECTION_MODELS: dict[str, type[BaseModel]] = {
    "patient": Patient,
    "case": Case,
    "assessments": Assessment,
    "lesions": Lesion,
    "studies": ImagingStudy,
    "labs": LabResult,
    "treatments": Treatment,
    "events": ClinicalEvent,
}

_REF_PROPERTIES: dict[str, dict[str, Any]] = {
    "lesions": {"ref": {"type": "string", "minLength": 1, "description": "Local name of the lesion, unique in the document"}},
    "studies": {
        "lesion_refs": {"type": "array", "items": {"type": "string"}, "description": "Refs of the lesions the study shows"}
    },
    "treatments": {"lesion_refs": {"type": "array", "items": {"type": "string"}, "description": "Refs of the lesions treated"}},
    "events": {"lesion_ref": {"type": "string", "description": "Ref of the lesion the event concerns"}},
}


def json_schema() -> dict[str, Any]:
    """A copy of :func:`_json_schema` (built once per process)."""
    return copy.deepcopy(_json_schema())


@functools.cache
def _json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of ``bonemdt-case/1``, built from the models the forms validate with.

    Each section is its model's schema with the store ids removed and lesion refs in their place.
    Cross-field rules (a spinal lesion needs a level, a lab value lies in its analyte's range, ...)
    are enforced by the models on import and listed in docs/case-file.md.
    """
    defs: dict[str, Any] = {}
    sections: dict[str, Any] = {}
    for section, model in _SECTION_MODELS.items():
        schema = copy.deepcopy(model.model_json_schema(ref_template="#/$defs/{model}", mode="validation"))
        defs.update(schema.pop("$defs", {}))
        props = schema.get("properties", {})
        for name in _STORE_FIELDS[section]:
            props.pop(name, None)
        props.update(_REF_PROPERTIES.get(section, {}))
        required = [r for r in schema.get("required", []) if r not in _STORE_FIELDS[section]]
        if section == "case":
            schema["description"] = (
                "The referral and clinical header. Clinical fields given here (undated) count as observed on the referral date."
            )
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)
        schema["additionalProperties"] = False
        name = f"{model.__name__}Section"
        schema["title"] = name
        defs[name] = schema
        ref = {"$ref": f"#/$defs/{name}"}
        sections[section] = ref if section in ("patient", "case") else {"type": "array", "items": ref}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://bonemdt.local/schema/bonemdt-case-1.json",
        "title": "BoneMDT case file (bonemdt-case/1)",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "patient", "case"],
        "properties": {"format": {"const": FORMAT}, **sections},
        "$defs": dict(sorted(defs.items())),
    }


def _type_text(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return str(prop["$ref"]).rsplit("/", 1)[-1]
    if "const" in prop:
        return f"`{prop['const']}`"
    if "anyOf" in prop:
        return " or ".join(_type_text(p) for p in prop["anyOf"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type_text(prop.get('items', {}))}"
    fmt = prop.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def _limits(prop: dict[str, Any]) -> str:
    parts = []
    for key, word in (("minimum", "≥"), ("maximum", "≤"), ("exclusiveMinimum", ">"), ("multipleOf", "step")):
        for p in (prop, *prop.get("anyOf", [])):
            if key in p:
                parts.append(f"{word} {p[key]}")
    for key in ("maxLength", "pattern"):
        for p in (prop, *prop.get("anyOf", [])):
            if key in p:
                parts.append(f"{key} `{p[key]}`")
    return ", ".join(parts)


def field_reference() -> str:
    """Markdown tables of every section and field (generated into docs/case-file.md)."""
    schema = json_schema()
    defs = schema["$defs"]
    lines = ["<!-- generated by `bonemdt case-schema --markdown`; do not edit by hand -->", ""]
    for section, spec in schema["properties"].items():
        if section == "format":
            continue
        name = (spec.get("items") or spec)["$ref"].rsplit("/", 1)[-1]
        model = defs[name]
        many = "a list of objects" if spec.get("type") == "array" else "one object"
        lines += [f"### `{section}` ({many})", "", "| field | type | required | limits / default |", "|---|---|---|---|"]
        required = set(model.get("required", []))
        for field, prop in model["properties"].items():
            default = f"default `{json.dumps(prop['default'], ensure_ascii=False)}`" if "default" in prop else ""
            extra = "; ".join(x for x in (_limits(prop), default) if x)
            lines.append(f"| `{field}` | {_type_text(prop)} | {'yes' if field in required else ''} | {extra} |")
        lines.append("")
    lines += ["### Coded values", "", "| code list | values |", "|---|---|"]
    for name, spec in defs.items():
        if "enum" in spec:
            lines.append(f"| {name} | {', '.join(f'`{v}`' for v in spec['enum'])} |")
    return "\n".join(lines) + "\n"
