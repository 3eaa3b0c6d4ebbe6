"""Per-lesion scores: SINS and Bilsky per spinal lesion, Mirels per long-bone lesion."""

from __future__ import annotations

from itertools import product

from core.derive.provenance import _Collector, _derived
from core.derive.results import DerivedScore
from core.derive.tables import MIRELS_SITE
from core.models import (
    Bone,
    Lesion,
    Segment,
)
from core.scores import INCOMPLETE, evaluate
from core.scores.mirels import POINTS as MIRELS_POINTS
from core.scores.sins import POINTS as SINS_POINTS

# --------------------------------------------------------------------------------------------
# Safety rule 7: a missing item that cannot change the band
# --------------------------------------------------------------------------------------------

# (input, note, note_zh) of an item not recorded, and the values it could take.
_Absent = tuple[str, str, str, tuple[str, ...]]


def _fill_when_band_fixed(
    score_id: str,
    c: _Collector,
    absent: list[_Absent],
    label: tuple[str, str],
    points: dict[str, dict[str, int]],
) -> None:
    """Record the absent items: when every combination of their possible values gives the same
    band (docs/clinical/rules.md safety rule 7), the combination giving the lowest total is put in
    with a note saying so; otherwise they stay missing and the score incomplete."""
    enumerable = all(options for *_, options in absent)
    if absent and enumerable:
        names = [name for name, *_ in absent]
        combos = list(product(*(options for *_, options in absent)))
        results = [(evaluate(score_id, {**c.values, **dict(zip(names, combo, strict=True))}), combo) for combo in combos]
        bands = {result.band for result, _ in results}
        if len(bands) == 1 and INCOMPLETE not in bands:
            lowest = min(results, key=lambda rc: sum(points[n][v] for n, v in zip(names, rc[1], strict=True)))[1]
            for (name, what, what_zh, _), value in zip(absent, lowest, strict=True):
                c.put(
                    name,
                    value,
                    "derived",
                    label,
                    f"not recorded: {what}; the band is the same either way (the total is the lowest possible)",
                    f"未记录：{what_zh}；各种情况下分组相同（总分取最低可能值）",
                )
            return
    for name, what, what_zh, _ in absent:
        c.missing(name, f"{what} not recorded for {label[0]}", f"{label[1]}未记录{what_zh}", label)


# --------------------------------------------------------------------------------------------
# Per-lesion scores
# --------------------------------------------------------------------------------------------


def _sins(lesion: Lesion, label: tuple[str, str]) -> DerivedScore:
    c = _Collector()
    if lesion.level is not None:
        c.put("level", lesion.level, "lesion", label)
    else:
        c.missing("level", "sacral lesion without a level", "骶骨病灶未记录节段", label)
    fields: tuple[tuple[str, object, str, str], ...] = (
        ("pain", lesion.spinal_pain, "pain character (mechanical?)", "疼痛性质（是否为机械性）"),
        ("bone_lesion", lesion.lesion_type, "lesion type", "病灶类型"),
        ("alignment", lesion.alignment, "alignment", "脊柱序列"),
        ("vertebral_body_collapse", lesion.collapse, "vertebral body collapse", "椎体塌陷"),
        (
            "posterolateral_involvement",
            lesion.posterolateral,
            "posterolateral involvement",
            "后外侧结构受累",
        ),
    )
    absent: list[_Absent] = []
    for name, value, what, what_zh in fields:
        if value is None:
            absent.append((name, what, what_zh, tuple(SINS_POINTS[name])))
        else:
            c.put(name, str(getattr(value, "value", value)), "lesion", label)
    # A sacral lesion without a level stays incomplete: every combination is incomplete then.
    _fill_when_band_fixed("sins", c, absent, label, SINS_POINTS)
    return _derived("sins", c, lesion=lesion, site=lesion.site_label())


def _bilsky(lesion: Lesion, label: tuple[str, str]) -> DerivedScore:
    c = _Collector()
    if lesion.bilsky is None:
        c.missing(
            "escc_grade",
            f"Bilsky grade not recorded for {label[0]}",
            f"{label[1]}未记录Bilsky分级",
            label,
        )
    else:
        c.put("escc_grade", lesion.bilsky.value, "lesion", label)
    return _derived("bilsky_escc", c, lesion=lesion, site=lesion.site_label())


def _mirels(lesion: Lesion, label: tuple[str, str]) -> DerivedScore:
    c = _Collector()
    absent: list[_Absent] = []
    if lesion.bone == Bone.FEMUR:
        if lesion.segment == Segment.PERITROCHANTERIC:
            c.put("site", "peritrochanteric", "lesion", label)
        elif lesion.segment is None:
            absent.append(
                (
                    "site",
                    "femoral segment (peritrochanteric scores 3, elsewhere 2)",
                    "股骨节段（转子周围3分，其他部位2分）",
                    ("lower_limb", "peritrochanteric"),
                )
            )
        else:
            c.put("site", "lower_limb", "lesion", label)
    else:
        c.put("site", MIRELS_SITE[lesion.bone], "lesion", label)
    fields: tuple[tuple[str, object, str, str], ...] = (
        ("pain", lesion.limb_pain, "limb pain", "肢体疼痛"),
        ("lesion_type", lesion.lesion_type, "lesion type", "病灶类型"),
        (
            "size_fraction",
            lesion.size_fraction,
            "fraction of the bone diameter destroyed",
            "骨破坏占骨直径比例",
        ),
    )
    for name, value, what, what_zh in fields:
        if value is None:
            absent.append((name, what, what_zh, tuple(MIRELS_POINTS[name])))
        else:
            c.put(name, str(getattr(value, "value", value)), "lesion", label)
    _fill_when_band_fixed("mirels", c, absent, label, MIRELS_POINTS)
    if lesion.pathological_fracture:
        # docs/clinical/scores.md §1: Mirels predicts an impending fracture; it is not validated
        # on a bone already fractured (the fracture rules apply instead).
        return _derived(
            "mirels",
            c,
            lesion=lesion,
            site=lesion.site_label(),
            applicable=False,
            note="not applicable: the bone is already fractured (Mirels predicts an impending fracture)",
            note_zh="不适用：该骨已发生骨折（Mirels评分用于预测即将发生的骨折）",
        )
    return _derived("mirels", c, lesion=lesion, site=lesion.site_label())
