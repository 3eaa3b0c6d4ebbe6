"""Surgical candidacy for metastatic spinal cord compression: ORTHO-MSCC-DECOMPRESS
(docs/clinical/rules.md, after Patchell 2005 and NICE NG234): fit for surgery, expected survival at
least the policy's weeks, no paraplegia over 48 h, one compressed segment, and a tumour that is not
highly radiosensitive. The rule itself is registered with the orthopaedic rules."""

from __future__ import annotations

from core.derive import word
from core.models import Histology, PrimaryTumour
from core.rules.base import Outcome, RuleContext, fired, needs, not_fired
from core.rules.facts import mscc_findings, survival_weeks
from core.vocabulary import VERTEBRAL_LEVELS

# Highly radiosensitive tumours (docs/clinical/rules.md ORTHO-MSCC-DECOMPRESS): lymphoma, myeloma, germ cell,
# small-cell lung. Suspected lymphoma without histology counts only after haematology advice.
HIGHLY_RADIOSENSITIVE: frozenset[PrimaryTumour] = frozenset(
    {PrimaryTumour.LYMPHOMA, PrimaryTumour.MYELOMA, PrimaryTumour.LUNG_SCLC}
)


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
    if case.paraplegia_over_48h is True:
        against.append(("paraplegia > 48 h", "截瘫>48小时"))
    levels = mscc_findings(ctx).levels
    segments = compression_segments(levels)
    if segments == 0:
        missing.append("compression level (Bilsky 2–3 on imaging)")
    elif segments > 1:
        against.append((f"compression at {segments} separate levels ({', '.join(levels)})", f"{segments}处不连续节段受压"))
    else:
        support.append((f"compression at one level ({'–'.join(levels)})", f"单一节段受压（{'–'.join(levels)}）"))
    primary = case.primary_tumour
    if primary in HIGHLY_RADIOSENSITIVE:
        against.append((f"highly radiosensitive tumour ({word(primary)})", f"高度放疗敏感肿瘤（{word(primary, 'zh')}）"))
    elif primary == PrimaryTumour.UNKNOWN and case.histology in (None, Histology.NOT_CONFIRMED):
        missing.append("radiosensitivity (possible lymphoma: haematology advice)")
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
