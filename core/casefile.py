"""The case-file document (``"format": "bonemdt-case/1"``): one self-contained case, the one
exchange format of BoneMDT (lecture cases, ``bonemdt evaluate``, import and export).

A document names its lesions by a local ``ref`` (any short text, e.g. ``"T9"``) instead of store ids;
imaging studies and treatments point at lesions with ``lesion_refs``, events with ``lesion_ref``.
:meth:`CaseDocument.to_case_file` validates every part with the same models as the forms and returns
the :class:`~core.models.CaseFile` the scores and rules read; every error names its place
(``lesions[2].bilsky``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.assessments import ASSESSED_FIELDS, Assessment, project
from core.errors import FieldError
from core.models import Case, CaseFile, ClinicalEvent, ImagingStudy, LabResult, Lesion, Patient, Treatment

FORMAT: Literal["bonemdt-case/1"] = "bonemdt-case/1"

# Placeholder ids of a document that is not in a store.
DOC_PATIENT_ID = 1
DOC_CASE_ID = 1


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

    def to_case_file(self, as_of: date | None = None) -> CaseFile:
        """Validate every section and build the CaseFile (raises FieldError naming each place)."""
        errors: dict[str, str] = {}
        when = as_of or date.today()

        def build(model: type[BaseModel], where: str, data: dict[str, Any]) -> Any:
            try:
                return model.model_validate(data)
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
        return CaseFile(
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
