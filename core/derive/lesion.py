"""Per-lesion scores: SINS and Bilsky per spinal lesion, Mirels per long-bone lesion."""

from __future__ import annotations

from core.derive.provenance import _Collector, _derived
from core.derive.results import DerivedScore
from core.derive.tables import MIRELS_SITE
from core.models import (
    Bone,
    Lesion,
    Segment,
)

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
    for name, value, what, what_zh in fields:
        if value is None:
            c.missing(name, f"{what} not recorded for {label[0]}", f"{label[1]}未记录{what_zh}", label)
        else:
            c.put(name, str(getattr(value, "value", value)), "lesion", label)
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
    if lesion.bone == Bone.FEMUR:
        if lesion.segment == Segment.PERITROCHANTERIC:
            c.put("site", "peritrochanteric", "lesion", label)
        elif lesion.segment is None:
            c.missing(
                "site",
                "femoral segment not recorded (peritrochanteric scores 3, elsewhere 2)",
                "未记录股骨节段（转子周围3分，其他部位2分）",
                label,
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
            c.missing(name, f"{what} not recorded for {label[0]}", f"{label[1]}未记录{what_zh}", label)
        else:
            c.put(name, str(getattr(value, "value", value)), "lesion", label)
    return _derived("mirels", c, lesion=lesion, site=lesion.site_label())
