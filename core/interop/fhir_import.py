"""A FHIR R4 Bundle into case-file documents (one per Patient).

Bundles written by BoneMDT come back whole (their BoneMDT extensions carry what no standard element
holds). Foreign Bundles need at least a Patient (an identifier as MRN, name, gender, birth date) and a
primary cancer Condition (BoneMDT or ICD-10 code); Observations with known codes map to dated
assessments (ECOG LOINC 89247-1, Karnofsky LOINC 89243-0) and labs (LOINC + UCUM). An Observation
or Condition with a code BoneMDT does not know is refused, naming the resource and the element;
resource types BoneMDT does not use (Organization, Encounter, ...) and derived scores are ignored
and listed. Every document is then validated like any case file, and a refusal names the resource.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from core.interop import fhir_codes as fc
from core.interop.documents import Parsed, load_json, validate_document
from core.interop.report import ImportReport
from core.models import Analyte

PRIORITY_BACK = {"routine": "routine", "urgent": "urgent", "asap": "urgent", "stat": "emergency"}
IGNORED_TYPES = frozenset({"Organization", "Practitioner", "PractitionerRole", "Encounter", "Location", "Provenance"})


def _codes(concept: Any) -> list[tuple[str, str]]:
    if not isinstance(concept, dict):
        return []
    return [(str(c.get("system", "")), str(c.get("code", ""))) for c in concept.get("coding") or [] if isinstance(c, dict)]


def _code(concept: Any, system: str) -> str | None:
    return next((code for s, code in _codes(concept) if s == system), None)


def _ext(resource: dict[str, Any], url: str) -> Any:
    for e in resource.get("extension") or []:
        if isinstance(e, dict) and e.get("url") == url:
            return e
    return None


def _ext_json(resource: dict[str, Any], url: str) -> dict[str, Any] | None:
    e = _ext(resource, url)
    if e is None:
        return None
    value = json.loads(str(e.get("valueString", "{}")))
    return value if isinstance(value, dict) else None


def _day(value: Any) -> str | None:
    return str(value)[:10] if value else None


def _subject_id(resource: dict[str, Any]) -> str | None:
    ref = (resource.get("subject") or resource.get("patient") or {}).get("reference")
    return str(ref).rsplit("/", 1)[-1] if ref else None


def _refs(items: Any) -> list[str]:
    return [str(r.get("reference", "")).rsplit("/", 1)[-1] for r in items or [] if isinstance(r, dict)]


class _Doc:
    """The document of one Patient being assembled, with the resource behind each section item."""

    def __init__(self, patient_rid: str) -> None:
        self.rid = patient_rid
        self.data: dict[str, Any] = {"format": "bonemdt-case/1", "patient": {}, "case": {}}
        self.places: dict[str, str] = {"patient": f"Patient/{patient_rid}"}
        self.lesion_refs: dict[str, str] = {}  # Condition id -> lesion ref

    def append(self, section: str, item: dict[str, Any], place: str) -> None:
        items = self.data.setdefault(section, [])
        self.places[f"{section}[{len(items)}]"] = place
        items.append(item)


def parse_bundle(data: bytes, report: ImportReport, as_of: date) -> list[Parsed]:
    """The validated documents of one Bundle (refusals named by resource and element)."""
    report.kind = "fhir"
    raw = load_json(data, report)
    if raw is None:
        return []
    if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
        kind = raw.get("resourceType") if isinstance(raw, dict) else type(raw).__name__
        report.refuse("resourceType", f"{kind} is not a Bundle; import a Bundle of type collection, document or transaction")
        return []
    from fhir.resources.R4B.bundle import Bundle

    try:
        Bundle.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors(include_input=False)[:20]:
            report.refuse(_fhir_place(raw, err["loc"]), err["msg"])
        return []
    except (TypeError, ValueError, KeyError) as exc:
        report.refuse("Bundle", f"is not valid FHIR ({exc.__class__.__name__})")
        return []
    resources = [e["resource"] for e in raw.get("entry") or [] if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    docs: dict[str, _Doc] = {}
    for r in resources:
        if r.get("resourceType") == "Patient":
            rid = str(r.get("id") or f"patient-{len(docs) + 1}")
            docs[rid] = _Doc(rid)
            _patient(r, docs[rid], report)
    if not docs:
        report.refuse("Bundle.entry", "holds no Patient resource")
        return []
    by_patient: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in resources:
        kind = str(r.get("resourceType"))
        if kind == "Patient":
            continue
        place = f"{kind}/{r.get('id', '?')}"
        if kind in IGNORED_TYPES:
            report.ignored.append(f"{place}: not used by BoneMDT")
            continue
        sid = _subject_id(r)
        if sid is None or sid not in docs:
            if len(docs) == 1 and sid is None:
                sid = next(iter(docs))
            else:
                report.refuse(f"{place}.subject", "does not name a Patient of this Bundle")
                continue
        by_patient[sid].append(r)
    out = []
    for rid, doc in docs.items():
        rs = by_patient[rid]
        # Conditions first (lesion refs), then everything that points at them.
        rs.sort(key=lambda r: 0 if r.get("resourceType") == "Condition" else 1)
        for r in rs:
            _resource(r, doc, report)
        if "primary_tumour" not in doc.data["case"]:
            report.refuse(f"Patient/{rid}", "has no primary cancer Condition (mCODE PrimaryCancerCondition) in this Bundle")
            continue
        _default_header(doc, raw, as_of)
        parsed = _validate(doc, report, as_of)
        if parsed is not None:
            out.append(parsed)
    return out


def _fhir_place(raw: dict[str, Any], loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if len(parts) >= 3 and parts[0] == "entry" and parts[2] == "resource":
        try:
            res = raw["entry"][int(parts[1])]["resource"]
            rest = ".".join(p for p in parts[3:] if not p.endswith("Type") or p[0].islower())
            return f"{res.get('resourceType')}/{res.get('id', '?')}" + (f".{rest}" if rest else "")
        except (IndexError, KeyError, ValueError, TypeError):
            pass
    return "Bundle." + ".".join(parts)


def _patient(r: dict[str, Any], doc: _Doc, report: ImportReport) -> None:
    place = f"Patient/{doc.rid}"
    ids = [i for i in r.get("identifier") or [] if isinstance(i, dict) and i.get("value")]
    mrn = next((i for i in ids if i.get("system") == fc.MRN_SYSTEM), None) or next(
        (i for i in ids if tuple(c for _, c in _codes(i.get("type")) if c == "MR") == ("MR",)), None
    )
    mrn = mrn or (ids[0] if ids else None)
    if mrn is None:
        report.refuse(f"{place}.identifier", "no identifier to use as the MRN")
    names = [n for n in r.get("name") or [] if isinstance(n, dict)]
    name = ""
    if names:
        n = names[0]
        name = str(n.get("text") or " ".join([*(n.get("given") or []), str(n.get("family") or "")]).strip())
    if r.get("gender") not in ("male", "female"):
        report.refuse(f"{place}.gender", "must be male or female")
    doc.data["patient"] = {
        "mrn": str(mrn["value"]) if mrn else "",
        "display_name": name,
        "sex": r.get("gender"),
        "birth_date": r.get("birthDate"),
        **({"synthetic": True} if any(c == "synthetic" for _, c in _codes({"coding": (r.get("meta") or {}).get("tag")})) else {}),
    }
    report.mapped.append(place)


def _resource(r: dict[str, Any], doc: _Doc, report: ImportReport) -> None:
    kind = str(r["resourceType"])
    place = f"{kind}/{r.get('id', '?')}"
    handler = {
        "Condition": _condition,
        "Observation": _observation,
        "ServiceRequest": _referral,
        "ImagingStudy": _study,
        "Procedure": _treatment,
        "MedicationStatement": _treatment,
    }.get(kind)
    if handler is None:
        report.ignored.append(f"{place}: {'decisions are made at the board' if kind == 'CarePlan' else 'not used by BoneMDT'}")
        return
    handler(r, doc, report, place)


def _condition(r: dict[str, Any], doc: _Doc, report: ImportReport, place: str) -> None:
    code = r.get("code")
    local = _code(code, fc.CS_PRIMARY)
    icd = _code(code, fc.ICD10)
    profiles = (r.get("meta") or {}).get("profile") or []
    secondary = (
        _code(code, fc.SNOMED) == fc.SNOMED_BONE_METASTASIS or icd == fc.ICD10_BONE_METASTASIS or fc.PROFILE_SECONDARY in profiles
    )
    if secondary:
        lesion = _ext_json(r, fc.EXT_LESION)
        if lesion is None:
            site = (r.get("bodySite") or [{}])[0]
            bone = _code(site, fc.CS_BONE) or next(
                (fc.SNOMED_BONE[c].value for s, c in _codes(site) if s == fc.SNOMED and c in fc.SNOMED_BONE), None
            )
            if bone is None:
                report.refuse(f"{place}.bodySite", "no known bone (SNOMED CT bone structure or BoneMDT bone code)")
                return
            report.ignored.append(f"{place}: bone metastasis without BoneMDT lesion details (type, level); enter it on the board")
            return
        ref = str(lesion.get("ref") or r.get("id"))
        doc.lesion_refs[str(r.get("id"))] = ref
        doc.append("lesions", lesion, place)
        report.mapped.append(place)
        return
    primary = local or (fc.ICD10_PRIMARY[icd].value if icd in fc.ICD10_PRIMARY else None)
    if primary is None:
        known = ", ".join(f"{s or '?'}|{c}" for s, c in _codes(code)) or "none"
        report.refuse(f"{place}.code.coding", f"unknown cancer code ({known}); BoneMDT maps ICD-10 primary sites and C79.5")
        return
    doc.data["case"]["primary_tumour"] = primary
    if r.get("onsetDateTime"):
        doc.data["case"]["diagnosis_date"] = _day(r["onsetDateTime"])
    report.mapped.append(place)


def _observation(r: dict[str, Any], doc: _Doc, report: ImportReport, place: str) -> None:
    code = r.get("code")
    when = _day(r.get("effectiveDateTime") or (r.get("effectivePeriod") or {}).get("start") or r.get("issued"))
    if _code(code, fc.CS_SCORE):
        report.ignored.append(f"{place}: a derived score (BoneMDT recomputes it)")
        return
    if r.get("status") in ("entered-in-error", "cancelled") and not _code(code, fc.CS_ASSESSMENT):
        report.ignored.append(f"{place}: status {r.get('status')}")
        return
    loinc = _code(code, fc.LOINC)
    if loinc in (fc.LOINC_ECOG, fc.LOINC_KARNOFSKY):
        value = r.get("valueInteger")
        if value is None and isinstance(r.get("valueCodeableConcept"), dict):
            value = next((c for _, c in _codes(r["valueCodeableConcept"]) if c.isdigit()), None)
        if value is None:
            report.refuse(f"{place}.value[x]", "needs valueInteger (the score)")
            return
        field = "ecog" if loinc == fc.LOINC_ECOG else "kps"
        doc.append("assessments", {"field": field, "value": int(value), "observed_on": when}, place)
        report.mapped.append(place)
        return
    if _code(code, fc.CS_ASSESSMENT):
        doc.append("assessments", json.loads(str(r.get("valueString", "{}"))), place)
        report.mapped.append(place)
        return
    event = _code(code, fc.CS_EVENT)
    if event:
        item: dict[str, Any] = {"kind": event, "event_date": when}
        if r.get("valueString") and r["valueString"] != event:
            item["description"] = r["valueString"]
        focus = _refs(r.get("focus"))
        if focus and focus[0] in doc.lesion_refs:
            item["lesion_ref"] = doc.lesion_refs[focus[0]]
        doc.append("events", item, place)
        report.mapped.append(place)
        return
    analyte = _code(code, f"{fc.LOCAL}/CodeSystem/analyte") or (fc.LOINC_LAB[loinc].value if loinc in fc.LOINC_LAB else None)
    if analyte is None:
        known = ", ".join(f"{s or '?'}|{c}" for s, c in _codes(code)) or "none"
        report.refuse(f"{place}.code.coding", f"unknown observation code ({known})")
        return
    q = r.get("valueQuantity")
    if not isinstance(q, dict) or q.get("value") is None:
        report.refuse(f"{place}.valueQuantity", "a lab result needs valueQuantity with a value and a UCUM unit")
        return
    ucum = str(q.get("code") or q.get("unit") or "")
    unit = fc.UCUM_TO_UNIT.get(ucum)
    if unit is None:
        report.refuse(f"{place}.valueQuantity.code", f"unit {ucum or '(none)'} is not accepted for {Analyte(analyte).value}")
        return
    try:
        value = Decimal(str(q["value"]))
    except InvalidOperation:
        report.refuse(f"{place}.valueQuantity.value", "is not a number")
        return
    doc.append("labs", {"analyte": analyte, "value": str(value), "unit": unit, "taken_on": when}, place)
    report.mapped.append(place)


def _referral(r: dict[str, Any], doc: _Doc, report: ImportReport, place: str) -> None:
    header = _ext_json(r, fc.EXT_CASE)
    if header is None:
        case = doc.data["case"]
        if r.get("authoredOn"):
            case["referral_date"] = _day(r["authoredOn"])
        if (r.get("requester") or {}).get("display"):
            case["referrer"] = r["requester"]["display"]
        if r.get("priority") in PRIORITY_BACK:
            case["priority"] = PRIORITY_BACK[r["priority"]]
        notes = [n.get("text") for n in r.get("note") or [] if isinstance(n, dict) and n.get("text")]
        if notes:
            case["question"] = notes[0]
    else:
        doc.data["case"] = {**header, **{k: v for k, v in doc.data["case"].items() if k not in header}}
    report.mapped.append(place)


def _study(r: dict[str, Any], doc: _Doc, report: ImportReport, place: str) -> None:
    study = _ext_json(r, fc.EXT_STUDY)
    if study is None:
        report.ignored.append(f"{place}: imaging study without BoneMDT details (modality, region)")
        return
    refs = [doc.lesion_refs[c] for c in _refs(r.get("reasonReference")) if c in doc.lesion_refs]
    doc.append("studies", {**study, **({"lesion_refs": refs} if refs else {})}, place)
    report.mapped.append(place)


def _treatment(r: dict[str, Any], doc: _Doc, report: ImportReport, place: str) -> None:
    kind = _code(r.get("category"), fc.CS_TREATMENT)
    if kind is None:
        report.ignored.append(f"{place}: no BoneMDT treatment kind; enter it on the board")
        return
    is_proc = r["resourceType"] == "Procedure"
    period = (r.get("performedPeriod") if is_proc else r.get("effectivePeriod")) or {}
    name = (r.get("code") or {}).get("text") if is_proc else (r.get("medicationCodeableConcept") or {}).get("text")
    item: dict[str, Any] = {"kind": kind, "name": name, "start_date": _day(period.get("start"))}
    if period.get("end"):
        item["end_date"] = _day(period["end"])
    if r.get("status") in ("in-progress", "active"):
        item["ongoing"] = True
    if is_proc:
        procedure = _code(r.get("code"), fc.CS_PROCEDURE)
        if procedure:
            item["procedure"] = procedure
        dose = _ext(r, fc.EXT_DOSE)
        for sub in (dose or {}).get("extension") or []:
            if sub.get("url") == "totalDose":
                item["dose_gy"] = str((sub.get("valueQuantity") or {}).get("value"))
            elif sub.get("url") == "fractions":
                item["fractions"] = sub.get("valueUnsignedInt")
            elif sub.get("url") == "doseText":
                item["dose_text"] = sub.get("valueString")
    else:
        text = next((d.get("text") for d in r.get("dosage") or [] if isinstance(d, dict) and d.get("text")), None)
        if text:
            item["dose_text"] = text
    refs = [doc.lesion_refs[c] for c in _refs(r.get("reasonReference")) if c in doc.lesion_refs]
    if refs:
        item["lesion_refs"] = refs
    doc.append("treatments", item, place)
    report.mapped.append(place)


def _default_header(doc: _Doc, raw: dict[str, Any], as_of: date) -> None:
    """A foreign Bundle carries no MDT referral: the header says where the case came from."""
    case = doc.data["case"]
    case.setdefault("referral_date", _day(raw.get("timestamp")) or as_of.isoformat())
    case.setdefault("referrer", "FHIR import")
    case.setdefault("referrer_specialty", "coordination")
    case.setdefault("question", "Imported from a FHIR Bundle: review for the bone-metastasis MDT.")


def _validate(doc: _Doc, report: ImportReport, as_of: date) -> Parsed | None:
    inner = ImportReport(source=report.source)
    parsed = validate_document(doc.data, "case", inner, as_of)
    for refusal in inner.refused:
        where, _, why = refusal.partition(": ")[2].partition(": ") if refusal.startswith("case: ") else ("", "", refusal)
        section = where.split(".")[0]
        place = doc.places.get(section) or doc.places.get(where.split(".")[0].split("[")[0], f"Patient/{doc.rid}")
        report.refuse(f"{place} ({where})" if where else place, why)
    return parsed
