"""Surgical candidacy for metastatic spinal cord compression: ORTHO-MSCC-DECOMPRESS
(docs/clinical/rules.md, after Patchell 2005 and NICE NG234): fit for surgery, expected survival at
least the policy's weeks, no paraplegia over 48 h, one compressed segment, and a tumour that is not
highly radiosensitive. The rule itself is registered with the orthopaedic rules."""

from __future__ import annotations

from core.derive import word
from core.models import CaseFile, Frankel, Histology, PrimaryTumour
from core.rules.base import Outcome, RuleContext, fired, needs, not_fired
from core.rules.facts import mscc_findings, survival_weeks
from core.vocabulary import VERTEBRAL_LEVELS

# Highly radiosensitive tumours (docs/clinical/rules.md ORTHO-MSCC-DECOMPRESS): lymphoma, myeloma, germ cell,
# small-cell lung. Suspected lymphoma without histology counts only after haematology advice: a
# lymphoma primary (or an unknown one) without confirmed histology leaves radiosensitivity unknown.
HIGHLY_RADIOSENSITIVE: frozenset[PrimaryTumour] = frozenset(
    {PrimaryTumour.LYMPHOMA, PrimaryTumour.MYELOMA, PrimaryTumour.LUNG_SCLC}
)
# Confirmed histologies that are highly radiosensitive whatever the primary recorded.
HIGHLY_RADIOSENSITIVE_HISTOLOGY: frozenset[Histology] = frozenset(
    {Histology.LYMPHOMA, Histology.PLASMA_CELL, Histology.SMALL_CELL}
)
SUSPECTED_LYMPHOMA: frozenset[PrimaryTumour] = frozenset({PrimaryTumour.LYMPHOMA, PrimaryTumour.UNKNOWN})
RADIOSENSITIVITY_UNKNOWN = "radiosensitivity (possible lymphoma: haematology advice)"


def paraplegia_over_48h(cf: CaseFile) -> tuple[tuple[str, str] | None, str | None]:
    """Paraplegia for more than 48 h, read the same way by ORTHO-CONTRA and surgical candidacy:
    (the finding (en, zh) when it has lasted > 48 h, the missing code when it may have). Recorded
    > 48 h counts; not recorded, an established (not new) Frankel A/B stands in for it, and a new
    one -- or one whose newness is not recorded (safety rule 1) -- leaves it unknown."""
    case = cf.case
    frankel = case.frankel
    if case.paraplegia_over_48h is True:
        grade = (f" (Frankel {frankel.value})", f"（Frankel {frankel.value}级）") if frankel is not None else ("", "")
        return (f"paraplegia > 48 h{grade[0]}", f"截瘫>48小时{grade[1]}"), None
    if case.paraplegia_over_48h is None and frankel in (Frankel.A, Frankel.B):
        if case.frankel_new is False:
            return (
                f"established paraplegia (Frankel {frankel.value}, not new; > 48 h)",
                f"陈旧性截瘫（Frankel {frankel.value}级，非新发；>48小时）",
            ), None
        return None, f"paraplegia_over_48h (Frankel {frankel.value})"
    return None, None


def radiosensitivity(cf: CaseFile) -> tuple[bool | None, tuple[str, str]]:
    """Whether the tumour is highly radiosensitive (None: suspected lymphoma without histology,
    unknown until haematology advice), with the words for it."""
    case = cf.case
    primary, histology = case.primary_tumour, case.histology
    confirmed = histology not in (None, Histology.NOT_CONFIRMED)
    if primary in SUSPECTED_LYMPHOMA and not confirmed:
        return None, (
            "possible lymphoma without histology: radiosensitivity unknown until haematology advice",
            "疑似淋巴瘤且无病理：血液科会诊前放疗敏感性未明",
        )
    if primary in HIGHLY_RADIOSENSITIVE:
        assert primary is not None
        return True, (f"highly radiosensitive tumour ({word(primary)})", f"高度放疗敏感肿瘤（{word(primary, 'zh')}）")
    if histology in HIGHLY_RADIOSENSITIVE_HISTOLOGY:
        assert histology is not None
        return True, (
            f"highly radiosensitive tumour ({word(histology)} on histology)",
            f"高度放疗敏感肿瘤（病理：{word(histology, 'zh')}）",
        )
    return False, ("", "")


def compression_segments(levels: list[str]) -> int:
    """How many separate compressed segments (contiguous levels count as one)."""
    index = sorted({VERTEBRAL_LEVELS.index(level) for level in levels if level in VERTEBRAL_LEVELS})
    return sum(1 for i, value in enumerate(index) if i == 0 or value != index[i - 1] + 1)


def mscc_candidate(ctx: RuleContext) -> tuple[bool | None, list[tuple[str, str]], list[tuple[str, str]], list[str]]:
    """Whether the patient is a surgical candidate for MSCC decompression (the new row):
    (candidate or None when unknown, reasons against (en, zh), reasons for, missing)."""
    cf, policy = ctx.cf, ctx.policy
    case = cf.case
    against: list[tuple[str, str]] = []
    support: list[tuple[str, str]] = []
    missing: list[str] = []
    if case.fit_for_surgery is False:
        against.append(("not fit for surgery", "不能耐受手术"))
    elif case.fit_for_surgery is None:
        missing.append("fit_for_surgery")
    else:
        support.append(("fit for surgery", "可耐受手术"))
    weeks = survival_weeks(ctx)
    limit = policy.mscc_decompression_min_survival_weeks
    if weeks is None:
        missing.append("expected_survival_weeks")
    elif weeks < limit:
        against.append((f"expected survival {weeks} weeks < {limit}", f"预计生存期{weeks}周<{limit}周"))
    else:
        support.append((f"expected survival {weeks} weeks", f"预计生存期{weeks}周"))
    paraplegia, unknown = paraplegia_over_48h(cf)
    if paraplegia is not None:
        against.append(paraplegia)
    elif unknown is not None:
        missing.append(unknown)
    levels = mscc_findings(ctx).levels
    segments = compression_segments(levels)
    if segments == 0:
        missing.append("compression level (Bilsky 2–3 on imaging)")
    elif segments > 1:
        against.append((f"compression at {segments} separate levels ({', '.join(levels)})", f"{segments}处不连续节段受压"))
    else:
        support.append((f"compression at one level ({'–'.join(levels)})", f"单一节段受压（{'–'.join(levels)}）"))
    sensitive, words = radiosensitivity(cf)
    if sensitive is True:
        against.append(words)
    elif sensitive is None:
        missing.append(RADIOSENSITIVITY_UNKNOWN)
    if against:
        return False, against, support, missing
    if missing:
        return None, against, support, missing
    return True, against, support, missing


def ortho_mscc_decompress(ctx: RuleContext) -> Outcome:
    mscc = mscc_findings(ctx)
    if not mscc.en:
        return not_fired("RF-MSCC not raised", "未触发脊髓压迫红旗")
    candidate, against, support, missing = mscc_candidate(ctx)
    if candidate is False:
        return not_fired(
            "not a surgical candidate: " + "; ".join(en for en, _ in against), "不适合手术：" + "；".join(zh for _, zh in against)
        )
    if candidate is None:
        return needs(*missing)
    return fired(
        ["MSCC: " + mscc.en[0], *(en for en, _ in support)],
        ["脊髓压迫：" + mscc.zh[0], *(zh for _, zh in support)],
    )
