"""A case as an HL7 FHIR R4 Bundle (type ``collection``), built as plain JSON and validated with
``fhir.resources`` (its R4B models: R4B keeps the R4 shape of every resource used here).

Patient (mCODE CancerPatient); the primary cancer Condition (mCODE PrimaryCancerCondition, ICD-10);
one Condition per lesion (mCODE SecondaryCancerCondition, SNOMED CT bone structure as body site);
Observations for ECOG (LOINC 89247-1), Karnofsky (LOINC 89243-0), the other dated assessments
(BoneMDT code system), labs (LOINC + UCUM), each score (BoneMDT code system, inputs and band as
components) and clinical events; Procedures for surgery, radiotherapy (dose and fractions) and
vertebral augmentation, targets as bodySite and reasonReference to the lesion Conditions;
MedicationStatements for systemic therapy, bone-modifying agents, radium-223 and analgesia; the
referral as a ServiceRequest; the signed decision as a CarePlan whose activities are its plan items.
The mapping is described in docs/fhir.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from core.assessments import ASSESSED_FIELDS
from core.casefile import CaseDocument
from core.derive import CaseScores
from core.interop import fhir_codes as fc
from core.models import CaseFile, Decision, Lesion, TreatmentKind

PROCEDURE_KINDS = frozenset({TreatmentKind.SURGERY, TreatmentKind.RADIOTHERAPY, TreatmentKind.VERTEBRAL_AUGMENTATION})
PRIORITY = {"routine": "routine", "urgent": "urgent", "emergency": "stat"}


def _ref(kind: str, rid: str) -> dict[str, str]:
    return {"reference": f"{kind}/{rid}"}


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def _text_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _quantity(value: Decimal | int, unit: str | None = None) -> dict[str, Any]:
    q: dict[str, Any] = {"value": value}
    if unit:
        q.update(unit=unit, system=fc.UCUM, code=fc.UNIT_TO_UCUM.get(unit, unit))
    return q


def _lesion_site(lesion: Lesion) -> dict[str, Any]:
    codings = []
    if lesion.bone in fc.BONE_SNOMED:
        code, display = fc.BONE_SNOMED[lesion.bone]
        codings.append(_coding(fc.SNOMED, code, display))
    codings.append(_coding(fc.CS_BONE, lesion.bone.value))
    return {"coding": codings, "text": lesion.site_label()}


def bundle_dict(
    doc: CaseDocument,
    cf: CaseFile,
    *,
    scores: CaseScores | None = None,
    decision: Decision | None = None,
    bundle_id: str = "case",
) -> dict[str, Any]:
    """The Bundle of one case as FHIR JSON (a dict). ``doc`` is ``CaseDocument.from_case_file(cf)``."""
    subject = _ref("Patient", "patient")
    entries: list[dict[str, Any]] = []

    def add(resource: dict[str, Any]) -> None:
        entries.append({"fullUrl": f"{fc.LOCAL}/{resource['resourceType']}/{resource['id']}", "resource": resource})

    p = cf.patient
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": "patient",
        "meta": {"profile": [fc.PROFILE_PATIENT]},
        "identifier": [
            {"type": {"coding": [_coding(fc.MRN_TYPE, "MR")]}, "system": fc.MRN_SYSTEM, "value": p.mrn},
        ],
        "name": [{"text": p.display_name}],
        "gender": p.sex.value,
        "birthDate": p.birth_date.isoformat(),
    }
    if p.synthetic:
        patient["meta"]["tag"] = [_coding(f"{fc.LOCAL}/CodeSystem/tag", "synthetic", "Synthetic (demo) patient")]
    add(patient)

    c = cf.case
    primary_codes = []
    if c.primary_tumour in fc.PRIMARY_ICD10:
        primary_codes.append(_coding(fc.ICD10, fc.PRIMARY_ICD10[c.primary_tumour]))
    primary_codes.append(_coding(fc.CS_PRIMARY, c.primary_tumour.value))
    primary: dict[str, Any] = {
        "resourceType": "Condition",
        "id": "primary",
        "meta": {"profile": [fc.PROFILE_PRIMARY]},
        "clinicalStatus": {"coding": [_coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active")]},
        "verificationStatus": {"coding": [_coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed")]},
        "code": {"coding": primary_codes, "text": c.primary_tumour.value},
        "subject": subject,
    }
    if c.diagnosis_date is not None:
        primary["onsetDateTime"] = c.diagnosis_date.isoformat()
    add(primary)

    header = {k: v for k, v in doc.case.items() if k not in ASSESSED_FIELDS}
    add(
        {
            "resourceType": "ServiceRequest",
            "id": "referral",
            "status": "active",
            "intent": "order",
            "priority": PRIORITY[c.priority.value],
            "code": {"text": "Bone metastasis MDT review"},
            "subject": subject,
            "authoredOn": c.referral_date.isoformat(),
            "requester": {"display": c.referrer},
            "reasonReference": [_ref("Condition", "primary")],
            "note": [{"text": c.question}],
            "extension": [{"url": fc.EXT_CASE, "valueString": _text_json(header)}],
        }
    )

    lesion_rid: dict[int, str] = {}
    for i, (lesion, raw) in enumerate(zip(cf.lesions, doc.lesions, strict=True), start=1):
        rid = f"lesion-{i}"
        assert lesion.lesion_id is not None
        lesion_rid[lesion.lesion_id] = rid
        cond: dict[str, Any] = {
            "resourceType": "Condition",
            "id": rid,
            "meta": {"profile": [fc.PROFILE_SECONDARY]},
            "clinicalStatus": {"coding": [_coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active")]},
            "code": {
                "coding": [
                    _coding(fc.SNOMED, fc.SNOMED_BONE_METASTASIS, "Secondary malignant neoplasm of bone"),
                    _coding(fc.ICD10, fc.ICD10_BONE_METASTASIS),
                ]
            },
            "bodySite": [_lesion_site(lesion)],
            "subject": subject,
            "extension": [{"url": fc.EXT_LESION, "valueString": _text_json(raw)}],
        }
        if lesion.detected_date is not None:
            cond["onsetDateTime"] = lesion.detected_date.isoformat()
        add(cond)

    def targets(ids: Sequence[int]) -> dict[str, Any]:
        known = [lesion_rid[i] for i in ids if i in lesion_rid]
        if not known:
            return {}
        sites = [_lesion_site(les) for les in cf.lesions if les.lesion_id in ids]
        return {"reasonReference": [_ref("Condition", r) for r in known], "bodySite": sites}

    # Dated assessments: ECOG and Karnofsky by LOINC, the rest in the BoneMDT code system.
    for i, a in enumerate(doc.assessments, start=1):
        field = a["field"]
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": f"assessment-{i}",
            "status": "entered-in-error" if a.get("retracted") else ("amended" if a.get("supersedes") else "final"),
            "subject": subject,
            "effectiveDateTime": str(a["observed_on"]),
        }
        if field == "ecog" and not a.get("retracted") and not a.get("supersedes"):
            obs.update(
                meta={"profile": [fc.PROFILE_ECOG]},
                code={"coding": [_coding(fc.LOINC, fc.LOINC_ECOG, "ECOG Performance Status score")]},
                valueInteger=a["value"],
            )
        elif field == "kps" and not a.get("retracted") and not a.get("supersedes"):
            obs.update(
                meta={"profile": [fc.PROFILE_KARNOFSKY]},
                code={"coding": [_coding(fc.LOINC, fc.LOINC_KARNOFSKY, "Karnofsky Performance Status score")]},
                valueInteger=a["value"],
            )
        else:
            obs.update(
                code={"coding": [_coding(fc.CS_ASSESSMENT, field, ASSESSED_FIELDS[field][0])]},
                valueString=_text_json(a),
            )
        add(obs)

    for i, lab in enumerate(cf.labs, start=1):
        coding = ([_coding(fc.LOINC, *fc.LAB_LOINC[lab.analyte])] if lab.analyte in fc.LAB_LOINC else []) + [
            _coding(f"{fc.LOCAL}/CodeSystem/analyte", lab.analyte.value)
        ]
        add(
            {
                "resourceType": "Observation",
                "id": f"lab-{i}",
                "status": "final",
                "category": [{"coding": [_coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")]}],
                "code": {"coding": coding},
                "subject": subject,
                "effectiveDateTime": lab.taken_on.isoformat(),
                "valueQuantity": _quantity(lab.value, lab.unit),
            }
        )

    for i, (study, raw) in enumerate(zip(cf.studies, doc.studies, strict=True), start=1):
        res: dict[str, Any] = {
            "resourceType": "ImagingStudy",
            "id": f"study-{i}",
            "status": "available",
            "subject": subject,
            "started": study.study_date.isoformat(),
            "modality": [_coding(fc.DICOM, fc.DICOM_MODALITY[study.modality.value])],
            "description": study.region,
            "extension": [{"url": fc.EXT_STUDY, "valueString": _text_json({k: v for k, v in raw.items() if k != "lesion_refs"})}],
        }
        if study.lesion_ids:
            res["reasonReference"] = targets(study.lesion_ids)["reasonReference"]
        add(res)

    for i, t in enumerate(cf.treatments, start=1):
        period = {"start": t.start_date.isoformat(), **({"end": t.end_date.isoformat()} if t.end_date else {})}
        kind = _coding(fc.CS_TREATMENT, t.kind.value)
        if t.kind in PROCEDURE_KINDS:
            code = [_coding(fc.CS_PROCEDURE, t.procedure.value)] if t.procedure else []
            proc: dict[str, Any] = {
                "resourceType": "Procedure",
                "id": f"treatment-{i}",
                "meta": {"profile": [fc.PROFILE_RADIOTHERAPY if t.kind == TreatmentKind.RADIOTHERAPY else fc.PROFILE_SURGERY]},
                "status": "in-progress" if t.ongoing else "completed",
                "category": {"coding": [kind]},
                "code": {"coding": code, "text": t.name},
                "subject": subject,
                "performedPeriod": period,
                **targets(t.lesion_ids),
            }
            dose = {"dose_text": t.dose_text, "dose_gy": None if t.dose_gy is None else str(t.dose_gy), "fractions": t.fractions}
            if any(v not in (None, "") for v in dose.values()):
                ext: list[dict[str, Any]] = []
                if t.dose_gy is not None:
                    gy = {**_quantity(t.dose_gy), "unit": "Gy", "system": fc.UCUM, "code": "Gy"}
                    ext.append({"url": "totalDose", "valueQuantity": gy})
                if t.fractions is not None:
                    ext.append({"url": "fractions", "valueUnsignedInt": t.fractions})
                if t.dose_text:
                    ext.append({"url": "doseText", "valueString": t.dose_text})
                proc["extension"] = [{"url": fc.EXT_DOSE, "extension": ext}]
            add(proc)
        else:
            med: dict[str, Any] = {
                "resourceType": "MedicationStatement",
                "id": f"treatment-{i}",
                "meta": {"profile": [fc.PROFILE_MEDICATION]},
                "status": "active" if t.ongoing else "completed",
                "category": {"coding": [kind]},
                "medicationCodeableConcept": {"text": t.name},
                "subject": subject,
                "effectivePeriod": period,
            }
            if t.dose_text:
                med["dosage"] = [{"text": t.dose_text}]
            if t.lesion_ids:
                med["reasonReference"] = targets(t.lesion_ids)["reasonReference"]
            add(med)

    for i, e in enumerate(cf.events, start=1):
        ev: dict[str, Any] = {
            "resourceType": "Observation",
            "id": f"event-{i}",
            "status": "final",
            "code": {"coding": [_coding(fc.CS_EVENT, e.kind.value)]},
            "subject": subject,
            "effectiveDateTime": e.event_date.isoformat(),
            "valueString": e.description or e.kind.value,
        }
        if e.lesion_id in lesion_rid:
            ev["focus"] = [_ref("Condition", lesion_rid[e.lesion_id])]
        add(ev)

    if scores is not None:
        for i, s in enumerate((*scores.patient.values(), *scores.per_lesion), start=1):
            comps: list[dict[str, Any]] = [
                {"code": {"coding": [_coding(fc.CS_SCORE_PART, "band")]}, "valueString": s.result.band},
            ]
            for name, value in sorted(s.inputs.items()):
                if value is not None:
                    comps.append({"code": {"coding": [_coding(fc.CS_SCORE_PART, name)]}, "valueString": str(value)})
            score: dict[str, Any] = {
                "resourceType": "Observation",
                "id": f"score-{i}",
                "status": "final",
                "code": {"coding": [_coding(fc.CS_SCORE, s.score_id)], "text": s.label},
                "subject": subject,
                "effectiveDateTime": cf.as_of.isoformat(),
                "component": comps,
            }
            if s.total is not None:
                score["valueQuantity"] = {"value": s.total}
            if s.lesion_id in lesion_rid:
                score["focus"] = [_ref("Condition", lesion_rid[s.lesion_id])]
            add(score)

    if decision is not None:
        add(
            {
                "resourceType": "CarePlan",
                "id": "decision",
                "status": "active",
                "intent": "plan",
                "title": "MDT decision",
                "description": decision.summary or "MDT decision",
                "subject": subject,
                "created": (f"{decision.signed_at.isoformat()}Z" if decision.signed_at else decision.decided_on.isoformat()),
                "addresses": [_ref("Condition", "primary")],
                "activity": [
                    {
                        "detail": {
                            "code": {"coding": [_coding(fc.CS_PLAN, item.kind.value)]},
                            "status": "not-started",
                            "description": item.text,
                        }
                    }
                    for item in decision.plan
                ],
            }
        )

    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "type": "collection",
        "timestamp": f"{date.today().isoformat()}T00:00:00Z",
        "entry": entries,
    }


def validated_bundle_json(bundle: dict[str, Any]) -> str:
    """Validate the Bundle with fhir.resources and return its JSON (raises ValueError when invalid)."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        model = Bundle.model_validate(bundle)
    except ValidationError as exc:
        err = exc.errors(include_input=False)[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ValueError(f"the Bundle is not valid FHIR at {where}: {err['msg']}") from None
    return str(model.model_dump_json(exclude_none=True, indent=2))
