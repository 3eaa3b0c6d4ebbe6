"""The bone map and its skeleton (pages/components/skeleton.py, figures.py bone_map), no browser."""

from __future__ import annotations

import itertools

import pytest

from core.models import (
    VERTEBRAL_LEVELS,
)
from pages.components import skeleton
from pages.components.figures import (
    HIGH_RISK_BANDS,
    LESION_TYPE_COLOURS,
    RISK_OUTLINE,
    Labels,
    bone_map,
)
from tests.pages.figure_kit import lesion, marker_of, marker_xy

# ---------------------------------------------------------------------------------------------
# Skeleton geometry


def test_vertebrae_run_from_occiput_down_to_s5_in_order() -> None:
    ys = [skeleton.vertebra_centre(level)[1] for level in VERTEBRAL_LEVELS]
    assert ys == sorted(ys, reverse=True)
    assert len(set(ys)) == len(VERTEBRAL_LEVELS)
    c1, c7, t1, s5 = (skeleton.vertebra_centre(lv)[1] for lv in ("C1", "C7", "T1", "S5"))
    assert c1 > c7 > t1 > s5


def test_every_vertebra_is_its_own_polygon_and_they_do_not_overlap() -> None:
    parts = {p.level: p for p in skeleton.SKELETON if p.level is not None}
    assert set(parts) == set(VERTEBRAL_LEVELS)
    for upper, lower in itertools.pairwise(VERTEBRAL_LEVELS):
        lowest_of_upper = min(y for _, y in parts[upper].points)
        highest_of_lower = max(y for _, y in parts[lower].points)
        assert lowest_of_upper > highest_of_lower, (upper, lower)


def test_vertebrae_grow_caudally() -> None:
    def height(level: str) -> float:
        v = skeleton.VERTEBRAE[level]
        return v.top - v.bottom

    assert height("C3") < height("T6") < height("L3")
    assert skeleton.VERTEBRAE["C3"].half_width < skeleton.VERTEBRAE["L3"].half_width


@pytest.mark.parametrize(
    ("bone", "segment"),
    [
        ("femur", "head_neck"),
        ("femur", "peritrochanteric"),
        ("femur", "shaft"),
        ("femur", "distal"),
        ("humerus", "proximal"),
        ("humerus", "shaft"),
        ("tibia", "shaft"),
        ("pelvis", "ilium"),
        ("pelvis", "acetabulum"),
        ("pelvis", "ischium_pubis"),
    ],
)
@pytest.mark.parametrize("side", ["left", "right"])
def test_limb_and_pelvis_anchors_lie_inside_their_bone_on_their_side(bone: str, segment: str, side: str) -> None:
    x, y = skeleton.anchor(bone, None, side, segment)
    assert (x > 0) == (side == "left")  # patient's right on the viewer's left
    assert any(part.contains(x, y) for part in skeleton.parts_of(bone, side))


def test_left_and_right_are_mirror_images() -> None:
    right = skeleton.anchor("femur", None, "right", "peritrochanteric")
    left = skeleton.anchor("femur", None, "left", "peritrochanteric")
    assert right == (-left[0], left[1])


def test_peritrochanteric_sits_between_head_and_shaft() -> None:
    head = skeleton.anchor("femur", None, "left", "head_neck")
    trochanter = skeleton.anchor("femur", None, "left", "peritrochanteric")
    shaft = skeleton.anchor("femur", None, "left", "shaft")
    distal = skeleton.anchor("femur", None, "left", "distal")
    assert head[0] < trochanter[0]  # the neck runs laterally to the trochanter
    assert head[1] > trochanter[1] > shaft[1] > distal[1]


def test_rib_without_level_is_mid_rib_on_its_side() -> None:
    x, y = skeleton.anchor("rib", None, "right")
    t1, t12 = skeleton.vertebra_centre("T1")[1], skeleton.vertebra_centre("T12")[1]
    assert x < -10
    assert t12 < y < t1


@pytest.mark.parametrize(("bone", "level"), [("spine", "T13"), ("spine", None), ("sacrum", "L5"), ("rib", "14")])
def test_anchor_rejects_unknown_sites(bone: str, level: str | None) -> None:
    with pytest.raises(ValueError):
        skeleton.anchor(bone, level, "left")


def test_skeleton_box() -> None:
    for part in skeleton.SKELETON:
        for x, y in part.points:
            assert -50 <= x <= 50
            assert 0 <= y <= 200


# ---------------------------------------------------------------------------------------------
# Bone map

LESIONS = (
    lesion(1, bone="spine", level="T9", lesion_type="lytic", bilsky="2", size_mm=30),
    lesion(2, bone="femur", side="left", segment="peritrochanteric", lesion_type="blastic"),
    lesion(3, bone="pelvis", side="right", segment="acetabulum", lesion_type="mixed"),
    lesion(
        4,
        bone="femur",
        side="right",
        segment="shaft",
        lesion_type="lytic",
        pathological_fracture=True,
    ),
)


def test_t9_lesion_is_drawn_on_the_spine_at_t9() -> None:
    x, y = marker_xy(bone_map(LESIONS), 1)
    assert (x, y) == skeleton.anchor("spine", "T9")
    assert x == pytest.approx(0.0)
    assert skeleton.vertebra_centre("T10")[1] < y < skeleton.vertebra_centre("T8")[1]


@pytest.mark.parametrize(("lesion_id", "side"), [(2, "left"), (4, "right")])
def test_femoral_lesion_is_drawn_on_the_femur_of_its_side(lesion_id: int, side: str) -> None:
    x, y = marker_xy(bone_map(LESIONS), lesion_id)
    assert any(part.contains(x, y) for part in skeleton.parts_of("femur", side))
    other = "right" if side == "left" else "left"
    assert not any(part.contains(x, y) for part in skeleton.parts_of("femur", other))


def test_colour_follows_lesion_type() -> None:
    fig = bone_map(LESIONS)
    expected = {1: "#d62728", 2: "#1f77b4", 3: "#9467bd", 4: "#d62728"}
    for lesion_id, colour in expected.items():
        trace, _ = marker_of(fig, lesion_id)
        assert trace.marker.color == colour
    assert dict(LESION_TYPE_COLOURS) == {
        "lytic": "#d62728",
        "blastic": "#1f77b4",
        "mixed": "#9467bd",
    }


@pytest.mark.parametrize("band", sorted(HIGH_RISK_BANDS))
def test_high_risk_lesion_gets_the_outline(band: str) -> None:
    fig = bone_map(LESIONS, risk={1: band, 2: "stable"})
    risky, _ = marker_of(fig, 1)
    calm, _ = marker_of(fig, 2)
    assert (risky.marker.line.color, risky.marker.line.width) == (
        RISK_OUTLINE.colour,
        RISK_OUTLINE.width,
    )
    assert calm.marker.line.width < RISK_OUTLINE.width
    assert risky.name in {t.name for t in fig.data if t.showlegend is not False}


def test_no_outline_without_risk() -> None:
    fig = bone_map(LESIONS)
    for lesion_id in (1, 2, 3, 4):
        trace, _ = marker_of(fig, lesion_id)
        assert trace.marker.line.width < RISK_OUTLINE.width


def test_lesions_at_the_same_site_do_not_hide_each_other() -> None:
    same = (
        lesion(1, bone="spine", level="L2", lesion_type="lytic"),
        lesion(2, bone="spine", level="L2", lesion_type="blastic"),
        lesion(3, bone="humerus", side="left", segment="shaft", lesion_type="mixed"),
        lesion(4, bone="humerus", side="left", segment="shaft", lesion_type="mixed"),
        lesion(5, bone="humerus", side="left", segment="shaft", lesion_type="lytic"),
    )
    fig = bone_map(same)
    points = [marker_xy(fig, i) for i in range(1, 6)]
    assert len(set(points)) == 5
    assert marker_xy(fig, 1)[1] == marker_xy(fig, 2)[1] == skeleton.vertebra_centre("L2")[1]


def test_hover_names_site_type_size_fracture_bilsky_and_risk() -> None:
    fig = bone_map(LESIONS, risk={1: "unstable"})
    trace, i = marker_of(fig, 1)
    text = trace.hovertext[i]
    for fragment in ("T9", "Lytic", "30 mm", "Bilsky: 2", "Unstable", "Pathological fracture: no"):
        assert fragment in text
    trace, i = marker_of(fig, 4)
    assert "right femur shaft" in trace.hovertext[i]
    assert "Pathological fracture: yes" in trace.hovertext[i]


def test_bone_map_layout_and_skeleton_traces() -> None:
    fig = bone_map(LESIONS)
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.xaxis.visible is False
    assert fig.layout.yaxis.visible is False
    assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == "rgba(0,0,0,0)"
    assert 560 <= fig.layout.height <= 680
    skeleton_traces = [t for t in fig.data if t.name and t.name.startswith("skeleton")]
    assert 1 <= len(skeleton_traces) <= 4
    assert all(t.hoverinfo == "skip" for t in skeleton_traces)


def test_bone_map_in_chinese_and_empty() -> None:
    fig = bone_map(LESIONS, labels=Labels.zh())
    assert fig.layout.title.text == "骨转移分布图"
    assert {"溶骨性", "成骨性", "混合性"} <= {t.name for t in fig.data}
    assert all(t.customdata is None for t in bone_map([]).data)
