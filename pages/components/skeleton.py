"""An anterior-view skeleton as data: outlines to draw and the point where a lesion is drawn.

Coordinates live in an abstract box, x in [-50, 50], y in [0, 200], head at the top (y = 200).
The view is an anterior radiograph's: the patient's right is on the viewer's left (x < 0).
Every vertebra from the occiput (Oc) to S5 is its own small rounded polygon stacked on the
midline, taller and wider caudally; the sacrum is the S1-S5 stack tapering downwards.

Nothing here knows about Plotly or Streamlit: :mod:`pages.components.figures` turns the parts
into traces. Proportions are schematic (the trunk is a little long so that the cervical
vertebrae stay visible at the height the case board draws the map).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from core.models import VERTEBRAL_LEVELS, Bone, Segment, Side

Point = tuple[float, float]

X_RANGE: tuple[float, float] = (-50.0, 50.0)
Y_RANGE: tuple[float, float] = (0.0, 200.0)


class Layer(StrEnum):
    """How a part is drawn: filled bone, an open line (ribs), or a see-through outline."""

    FILLED = "filled"
    LINE = "line"
    OUTLINE = "outline"  # structures in front of or behind others (sternum, scapulae)


@dataclass(frozen=True, slots=True)
class Part:
    """One drawn piece of the skeleton."""

    name: str
    bone: Bone | None  # None for hands and feet (drawn for orientation, never a lesion site)
    side: Side | None
    points: tuple[Point, ...]
    layer: Layer = Layer.FILLED
    level: str | None = None

    @property
    def closed(self) -> bool:
        return self.layer != Layer.LINE

    def contains(self, x: float, y: float) -> bool:
        """Whether (x, y) lies inside this closed outline (ray casting)."""
        if not self.closed:
            return False
        inside = False
        pts = self.points
        j = len(pts) - 1
        for i in range(len(pts)):
            xi, yi = pts[i]
            xj, yj = pts[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                inside = not inside
            j = i
        return inside


# ---------------------------------------------------------------------------------------------
# Geometry helpers


def _sign(side: Side | None) -> float:
    """Patient's right is drawn on the viewer's left."""
    return -1.0 if side in (None, Side.RIGHT) else 1.0


def _mirror(points: Iterable[Point], side: Side) -> tuple[Point, ...]:
    s = _sign(side)
    return tuple((round(s * x, 3), round(y, 3)) for x, y in points)


def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 28) -> tuple[Point, ...]:
    return tuple((cx + rx * math.cos(2 * math.pi * k / n), cy + ry * math.sin(2 * math.pi * k / n)) for k in range(n))


def _rounded_box(cx: float, cy: float, half_w: float, half_h: float) -> tuple[Point, ...]:
    """A rectangle with chamfered corners (reads as rounded at the size it is drawn)."""
    r = 0.3 * min(half_w, half_h)
    return (
        (cx - half_w + r, cy + half_h),
        (cx + half_w - r, cy + half_h),
        (cx + half_w, cy + half_h - r),
        (cx + half_w, cy - half_h + r),
        (cx + half_w - r, cy - half_h),
        (cx - half_w + r, cy - half_h),
        (cx - half_w, cy - half_h + r),
        (cx - half_w, cy + half_h - r),
    )


def _trapezoid(cx: float, top: float, bottom: float, w_top: float, w_bottom: float) -> tuple[Point, ...]:
    return (
        (cx - w_top, top),
        (cx + w_top, top),
        (cx + w_bottom, bottom),
        (cx - w_bottom, bottom),
    )


def _along(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _long_bone(top: Point, bottom: Point, profile: Sequence[tuple[float, float]]) -> tuple[Point, ...]:
    """Outline of a long bone around the axis top -> bottom; profile = (t, half width)."""
    dx, dy = bottom[0] - top[0], bottom[1] - top[1]
    length = math.hypot(dx, dy)
    nx, ny = -dy / length, dx / length  # unit normal
    one_side = []
    other_side = []
    for t, hw in profile:
        cx, cy = _along(top, bottom, t)
        one_side.append((cx + nx * hw, cy + ny * hw))
        other_side.append((cx - nx * hw, cy - ny * hw))
    return tuple(one_side + other_side[::-1])


# ---------------------------------------------------------------------------------------------
# Spine: Oc, C1-C7, T1-T12, L1-L5, S1-S5

SPINE_TOP = 172.0
SPINE_BOTTOM = 81.0

# Relative height of each level's slot (body + disc) and the half width of its body.
_SLOT_HEIGHT: dict[str, float] = {"Oc": 2.0, "C1": 2.2, "C2": 2.6}
_SLOT_HEIGHT.update({f"C{i}": 2.4 + 0.1 * (i - 3) for i in range(3, 8)})
_SLOT_HEIGHT.update({f"T{i}": 3.0 + 0.08 * (i - 1) for i in range(1, 13)})
_SLOT_HEIGHT.update({"L1": 4.3, "L2": 4.5, "L3": 4.6, "L4": 4.7, "L5": 4.8})
_SLOT_HEIGHT.update({"S1": 3.6, "S2": 3.1, "S3": 2.6, "S4": 2.2, "S5": 1.8})

_HALF_WIDTH: dict[str, float] = {"Oc": 2.7, "C1": 2.3, "C2": 1.75}
_HALF_WIDTH.update({f"C{i}": 1.75 + 0.09 * (i - 3) for i in range(3, 8)})
_HALF_WIDTH.update({f"T{i}": 2.2 + 0.06 * (i - 1) for i in range(1, 13)})
_HALF_WIDTH.update({"L1": 3.0, "L2": 3.15, "L3": 3.3, "L4": 3.4, "L5": 3.5})
SACRAL_LEVELS: tuple[str, ...] = ("S1", "S2", "S3", "S4", "S5")
# Sacral segments: half width at the top of each segment; the sacrum narrows to S5.
_SACRAL_TOP_HALF_WIDTH: dict[str, float] = dict(zip(SACRAL_LEVELS, (4.4, 3.6, 2.8, 2.1, 1.4), strict=True))
_SACRAL_BOTTOM_HALF_WIDTH = 0.9


@dataclass(frozen=True, slots=True)
class Vertebra:
    level: str
    centre: Point
    top: float
    bottom: float
    half_width: float


def _layout_spine() -> dict[str, Vertebra]:
    scale = (SPINE_TOP - SPINE_BOTTOM) / sum(_SLOT_HEIGHT[lv] for lv in VERTEBRAL_LEVELS)
    y = SPINE_TOP
    result: dict[str, Vertebra] = {}
    for level in VERTEBRAL_LEVELS:
        slot = _SLOT_HEIGHT[level] * scale
        sacral = level in SACRAL_LEVELS
        gap = slot * (0.1 if sacral else 0.2)  # fused sacral segments sit closer together
        top, bottom = y - gap / 2, y - slot + gap / 2
        half_width = _SACRAL_TOP_HALF_WIDTH[level] if sacral else _HALF_WIDTH[level]
        result[level] = Vertebra(level, (0.0, round((top + bottom) / 2, 3)), top, bottom, half_width)
        y -= slot
    return result


VERTEBRAE: MappingProxyType[str, Vertebra] = MappingProxyType(_layout_spine())


def vertebra_centre(level: str) -> Point:
    """Centre of the vertebra at ``level`` (Oc, C1-C7, T1-T12, L1-L5, S1-S5)."""
    try:
        return VERTEBRAE[level].centre
    except KeyError:
        raise ValueError(f"unknown vertebral level {level!r}") from None


def _spine_parts() -> list[Part]:
    parts = []
    for level in VERTEBRAL_LEVELS:
        v = VERTEBRAE[level]
        cx, cy = v.centre
        if level in SACRAL_LEVELS:
            index = SACRAL_LEVELS.index(level)
            below = (
                _SACRAL_TOP_HALF_WIDTH[SACRAL_LEVELS[index + 1]] if index + 1 < len(SACRAL_LEVELS) else _SACRAL_BOTTOM_HALF_WIDTH
            )
            points = _trapezoid(cx, v.top, v.bottom, v.half_width, below)
            bone = Bone.SACRUM
        else:
            points = _rounded_box(cx, cy, v.half_width, (v.top - v.bottom) / 2)
            bone = Bone.SPINE
        parts.append(Part(f"vertebra_{level}", bone, Side.MIDLINE, points, level=level))
    tip = VERTEBRAE["S5"].bottom
    coccyx = ((-0.8, tip - 0.3), (0.8, tip - 0.3), (0.25, tip - 2.0), (-0.25, tip - 2.0))
    parts.append(Part("coccyx", Bone.SACRUM, Side.MIDLINE, coccyx))
    return parts


def _cy(level: str) -> float:
    return VERTEBRAE[level].centre[1]


# ---------------------------------------------------------------------------------------------
# Skull, thorax, shoulder girdle


def _skull_parts() -> list[Part]:
    cranium_cy, rx, ry = 188.0, 9.6, 11.0
    upper = [
        (rx * math.cos(a), cranium_cy + ry * math.sin(a)) for a in (math.pi * k / 18 for k in range(19))
    ]  # right to left over the vertex
    face_left = [(-9.2, 184.5), (-9.0, 181.5), (-7.9, 179.0), (-7.3, 176.2), (-5.6, 174.3)]
    chin = [(-2.8, 173.3), (0.0, 173.0), (2.8, 173.3)]
    face_right = [(-x, y) for x, y in reversed(face_left)]
    skull = Part("skull", Bone.SKULL, Side.MIDLINE, tuple(upper + face_left + chin + face_right))
    detail = [
        Part(
            "orbit_right",
            Bone.SKULL,
            Side.RIGHT,
            _ellipse(-3.9, 185.6, 2.6, 2.1, 20),
            Layer.OUTLINE,
        ),
        Part("orbit_left", Bone.SKULL, Side.LEFT, _ellipse(3.9, 185.6, 2.6, 2.1, 20), Layer.OUTLINE),
        Part(
            "nasal_aperture",
            Bone.SKULL,
            Side.MIDLINE,
            ((0.0, 183.4), (1.3, 180.4), (0.0, 179.9), (-1.3, 180.4)),
            Layer.OUTLINE,
        ),
        Part("teeth", Bone.SKULL, Side.MIDLINE, ((-3.6, 177.3), (3.6, 177.3)), Layer.LINE),
    ]
    return [skull, *detail]


STERNUM_TOP = _cy("T2") - 1.0
STERNAL_ANGLE = _cy("T4")
XIPHISTERNUM = _cy("T9")
XIPHOID_TIP = _cy("T10") - 1.2


def _sternum_part() -> Part:
    half = [
        (2.6, STERNUM_TOP),
        (3.1, STERNUM_TOP - 2.2),
        (2.0, STERNAL_ANGLE + 0.3),
        (2.0, STERNAL_ANGLE - 0.3),
        (2.5, (STERNAL_ANGLE + XIPHISTERNUM) / 2),
        (1.7, XIPHISTERNUM),
        (0.8, XIPHISTERNUM - 0.4),
        (0.0, XIPHOID_TIP),
    ]
    right = [(-x, y) for x, y in reversed(half[:-1])]
    notch = [(0.0, STERNUM_TOP - 0.6)]
    return Part("sternum", Bone.STERNUM, Side.MIDLINE, tuple(notch + half + right), Layer.OUTLINE)


# Lateral extent of ribs 1-12 (from the midline).
_RIB_WIDTH = (7.8, 10.8, 13.0, 14.5, 15.5, 16.2, 16.6, 16.7, 16.4, 15.7, 14.1, 11.6)


def _rib_points(number: int) -> tuple[Point, ...]:
    """Rib ``number`` (1-12) on the patient's left (x > 0), posterior end at its vertebra."""
    level = f"T{number}"
    v = VERTEBRAE[level]
    y0 = v.centre[1]
    w = _RIB_WIDTH[number - 1]
    posterior = [
        (v.half_width + 0.1, y0),
        (0.45 * w, y0 + 1.1),
        (0.85 * w, y0 - 0.4),
        (w, y0 - 3.2),
        (0.93 * w, y0 - 6.2),
    ]
    if number <= 7:  # true ribs: costal cartilage to the sternum edge
        top, bottom = STERNUM_TOP - 1.6, XIPHISTERNUM + 0.4
        end_y = top + (bottom - top) * (number - 1) / 6
        anterior = [(0.55 * w + 1.2, end_y - 0.8), (2.7, end_y)]
    elif number <= 10:  # false ribs: cartilage joins the costal margin
        anterior = [
            (0.7 * w, y0 - 8.4),
            (4.0 + 1.8 * (number - 8), XIPHOID_TIP - 2.5 - 1.8 * (number - 8)),
        ]
    else:  # floating ribs
        anterior = [(0.82 * w, y0 - 7.0)]
    return tuple(posterior + anterior)


def _rib_parts() -> list[Part]:
    return [
        Part(f"rib_{side.value}_{n}", Bone.RIB, side, _mirror(_rib_points(n), side), Layer.LINE)
        for side in (Side.RIGHT, Side.LEFT)
        for n in range(1, 13)
    ]


_CLAVICLE = (
    (2.9, STERNUM_TOP + 0.2),
    (7.0, STERNUM_TOP + 0.3),
    (12.0, STERNUM_TOP + 2.0),
    (16.2, STERNUM_TOP + 2.9),
    (18.2, STERNUM_TOP + 2.4),
)
_SCAPULA = (
    (9.2, _cy("T1") + 2.0),  # superior angle
    (14.5, _cy("T1") + 2.6),
    (18.6, STERNUM_TOP + 2.6),  # acromion
    (17.4, STERNUM_TOP - 0.8),  # glenoid
    (17.0, STERNUM_TOP - 3.4),
    (12.6, _cy("T7")),  # inferior angle
    (9.8, _cy("T4")),
)
_HUMERAL_HEAD: Point = (18.7, STERNUM_TOP - 1.2)
_ELBOW: Point = (20.6, _cy("L1") + 1.0)
_RADIUS = ((21.9, _ELBOW[1] - 0.8), (24.3, _cy("L5") - 1.0))
_ULNA = ((19.7, _ELBOW[1] - 0.6), (22.0, _cy("L5") - 1.0))
_WRIST_Y = _cy("L5") - 1.0


def _upper_limb_parts(side: Side) -> list[Part]:
    humerus = _long_bone(
        _HUMERAL_HEAD,
        _ELBOW,
        (
            (-0.07, 0.9),
            (-0.04, 1.9),
            (0.0, 2.2),
            (0.05, 1.9),
            (0.12, 1.15),
            (0.25, 0.95),
            (0.82, 0.95),
            (0.92, 1.5),
            (0.98, 2.1),
            (1.02, 1.6),
        ),
    )
    radius = _long_bone(*_RADIUS, ((0.0, 0.55), (0.06, 0.6), (0.14, 0.45), (0.8, 0.6), (0.95, 1.05), (1.0, 1.0)))
    ulna = _long_bone(*_ULNA, ((-0.03, 0.6), (0.03, 0.95), (0.12, 0.65), (0.85, 0.45), (0.97, 0.5), (1.0, 0.35)))
    hand = (
        (20.6, _WRIST_Y - 0.6),
        (25.3, _WRIST_Y - 0.6),
        (26.6, _WRIST_Y - 5.0),
        (26.0, _WRIST_Y - 10.5),
        (23.4, _WRIST_Y - 12.2),
        (21.2, _WRIST_Y - 10.0),
        (20.2, _WRIST_Y - 5.0),
    )
    s = side.value
    return [
        Part(f"clavicle_{s}", Bone.CLAVICLE, side, _mirror(_CLAVICLE, side), Layer.LINE),
        Part(f"scapula_{s}", Bone.SCAPULA, side, _mirror(_SCAPULA, side), Layer.OUTLINE),
        Part(f"humerus_{s}", Bone.HUMERUS, side, _mirror(humerus, side)),
        Part(f"ulna_{s}", Bone.ULNA, side, _mirror(ulna, side)),
        Part(f"radius_{s}", Bone.RADIUS, side, _mirror(radius, side)),
        Part(f"hand_{s}", None, side, _mirror(hand, side), Layer.OUTLINE),
    ]


# ---------------------------------------------------------------------------------------------
# Pelvis and lower limb (drawn for the patient's left, x > 0, then mirrored)

_FEMORAL_HEAD: Point = (9.3, _cy("S4") + 1.2)
_HEAD_RADIUS = 2.4
_HX, _HY = _FEMORAL_HEAD
_S1 = VERTEBRAE["S1"]
_S3 = VERTEBRAE["S3"]

_ILIUM = (
    (_S1.half_width - 0.1, _S1.top + 0.6),  # sacro-iliac joint, upper end
    (6.0, _S1.top + 4.0),  # iliac crest
    (9.0, _S1.top + 6.0),
    (12.6, _S1.top + 6.4),
    (15.6, _S1.top + 5.0),
    (16.8, _S1.top + 2.2),  # anterior superior iliac spine
    (15.8, _HY + 6.8),
    (14.2, _HY + 4.6),  # anterior inferior iliac spine
    (12.9, _HY + 2.4),  # acetabular rim
    (12.0, _HY + 1.4),
    (9.3, _HY + 2.6),  # acetabular roof (the femoral head is drawn over its lower part)
    (6.9, _HY + 1.4),
    (5.2, _HY + 3.6),  # pelvic brim
    (_S3.half_width + 0.3, _S3.centre[1]),  # sacro-iliac joint, lower end
)
_ISCHIUM_PUBIS = (
    (12.6, _HY + 0.8),  # posterior wall of the acetabulum, behind the head
    (12.2, _HY - 3.5),
    (11.2, _HY - 7.8),
    (9.8, _HY - 9.8),  # ischial tuberosity
    (7.8, _HY - 10.2),
    (4.6, _HY - 9.0),  # inferior pubic ramus
    (0.9, _HY - 8.4),  # pubic symphysis
    (0.9, _HY - 5.2),
    (3.8, _HY - 4.4),  # superior pubic ramus
    (6.6, _HY - 2.6),
    (7.0, _HY + 1.0),  # anterior wall of the acetabulum
)
_OBTURATOR = _ellipse(7.3, _HY - 6.0, 2.0, 2.3, 20)

_GREATER_TROCHANTER: Point = (15.6, _HY - 0.6)
_LESSER_TROCHANTER: Point = (11.7, _HY - 5.6)
_SHAFT_TOP: Point = (13.3, _HY - 8.0)
_KNEE_Y = 46.0
_SHAFT_BOTTOM: Point = (10.2, _KNEE_Y + 4.5)
_FEMUR_BODY = (
    (10.5, _HY + 1.8),  # neck, superior border (from under the head)
    (13.0, _HY + 0.6),
    (14.4, _HY + 1.6),  # greater trochanter
    (15.6, _HY + 1.2),
    (16.3, _HY - 0.8),
    (15.4, _HY - 5.0),
    (14.6, _HY - 8.0),  # lateral cortex
    (11.8, _KNEE_Y + 4.5),
    (12.8, _KNEE_Y + 2.0),  # lateral condyle
    (12.6, _KNEE_Y - 0.2),
    (11.3, _KNEE_Y - 1.2),
    (10.1, _KNEE_Y - 0.5),  # intercondylar notch
    (8.9, _KNEE_Y - 1.2),
    (7.5, _KNEE_Y - 0.2),
    (7.3, _KNEE_Y + 2.0),  # medial condyle
    (8.6, _KNEE_Y + 4.5),
    (12.0, _HY - 8.0),  # medial cortex
    (11.1, _HY - 6.6),  # lesser trochanter
    (11.5, _HY - 5.0),
    (11.3, _HY - 3.6),
    (10.3, _HY - 1.9),  # neck, inferior border
)
_TIBIA = ((9.9, _KNEE_Y - 2.0), (9.2, 9.8))
_FIBULA = ((12.9, _KNEE_Y - 3.6), (12.4, 9.0))
_FOOT = ((7.6, 8.6), (11.4, 8.6), (13.4, 5.0), (14.0, 1.8), (11.0, 1.0), (7.2, 1.6), (6.8, 5.0))


def _lower_limb_parts(side: Side) -> list[Part]:
    tibia = _long_bone(
        *_TIBIA,
        (
            (0.0, 2.7),
            (0.03, 2.75),
            (0.1, 1.8),
            (0.2, 1.15),
            (0.85, 1.05),
            (0.96, 1.5),
            (1.0, 1.6),
            (1.03, 1.2),
        ),
    )
    fibula = _long_bone(*_FIBULA, ((0.0, 0.6), (0.03, 0.85), (0.08, 0.5), (0.9, 0.5), (0.97, 0.8), (1.02, 0.5)))
    s = side.value
    return [
        Part(f"ilium_{s}", Bone.PELVIS, side, _mirror(_ILIUM, side)),
        Part(f"ischium_pubis_{s}", Bone.PELVIS, side, _mirror(_ISCHIUM_PUBIS, side)),
        Part(f"obturator_foramen_{s}", Bone.PELVIS, side, _mirror(_OBTURATOR, side), Layer.OUTLINE),
        Part(f"femur_{s}", Bone.FEMUR, side, _mirror(_FEMUR_BODY, side)),
        Part(
            f"femoral_head_{s}",
            Bone.FEMUR,
            side,
            _mirror(_ellipse(_HX, _HY, _HEAD_RADIUS, _HEAD_RADIUS), side),
        ),
        Part(f"fibula_{s}", Bone.FIBULA, side, _mirror(fibula, side)),
        Part(f"tibia_{s}", Bone.TIBIA, side, _mirror(tibia, side)),
        Part(f"foot_{s}", None, side, _mirror(_FOOT, side), Layer.OUTLINE),
    ]


def _build() -> tuple[Part, ...]:
    parts: list[Part] = []
    parts += _skull_parts()
    for side in (Side.RIGHT, Side.LEFT):
        parts += _lower_limb_parts(side)
    parts += _spine_parts()  # after the pelvis so the sacrum is drawn over the ilia
    parts += _rib_parts()
    parts.append(_sternum_part())
    for side in (Side.RIGHT, Side.LEFT):
        parts += _upper_limb_parts(side)
    return tuple(parts)


SKELETON: tuple[Part, ...] = _build()


def parts_of(bone: Bone | str, side: Side | str | None = None) -> tuple[Part, ...]:
    """The drawn parts of one bone (on one side, if given)."""
    bone = Bone(bone)
    wanted = Side(side) if side is not None else None
    return tuple(p for p in SKELETON if p.bone == bone and (wanted is None or p.side in (wanted, Side.MIDLINE)))


# ---------------------------------------------------------------------------------------------
# Anchors: where a lesion at a site is drawn


def _rib_number(level: str | None) -> int:
    if level is None:
        return 6
    digits = "".join(ch for ch in level if ch.isdigit())
    if not digits or not 1 <= int(digits) <= 12:
        raise ValueError(f"unknown rib {level!r}: give 1-12")
    return int(digits)


# Points on the patient's left (x > 0); mirrored for the right. Keys: (bone, segment or None).
_LIMB_AXES: dict[Bone, tuple[Point, Point]] = {
    Bone.HUMERUS: (_HUMERAL_HEAD, _ELBOW),
    Bone.RADIUS: _RADIUS,
    Bone.ULNA: _ULNA,
    Bone.TIBIA: _TIBIA,
    Bone.FIBULA: _FIBULA,
}
_SEGMENT_FRACTION: dict[Segment | None, float] = {
    Segment.HEAD_NECK: 0.02,
    Segment.PROXIMAL: 0.15,
    Segment.SHAFT: 0.5,
    Segment.WHOLE: 0.5,
    None: 0.5,
    Segment.DISTAL: 0.88,
}
_FEMUR_ANCHORS: dict[Segment | None, Point] = {
    Segment.HEAD_NECK: (11.5, _HY - 0.5),  # mid neck
    Segment.PERITROCHANTERIC: (13.6, _HY - 3.6),  # between the trochanters
    Segment.PROXIMAL: (13.6, _HY - 3.6),
    Segment.SHAFT: _along(_SHAFT_TOP, _SHAFT_BOTTOM, 0.5),
    Segment.WHOLE: _along(_SHAFT_TOP, _SHAFT_BOTTOM, 0.5),
    None: _along(_SHAFT_TOP, _SHAFT_BOTTOM, 0.5),
    Segment.DISTAL: (10.1, _KNEE_Y + 2.0),
}
_PELVIS_ANCHORS: dict[Segment | None, Point] = {
    Segment.ILIUM: (12.0, _S1.top + 2.6),
    None: (12.0, _S1.top + 2.6),
    Segment.WHOLE: (12.0, _S1.top + 2.6),
    Segment.ACETABULUM: (9.3, _HY + 2.9),
    Segment.ISCHIUM_PUBIS: (10.4, _HY - 6.0),
}
_RIB_SEGMENT_POINT: dict[Segment | None, int] = {
    Segment.PROXIMAL: 1,
    Segment.SHAFT: 3,
    Segment.WHOLE: 3,
    None: 3,
    Segment.DISTAL: 5,
}

_CLAVICLE_SEGMENT_POINT: dict[Segment | None, int] = {Segment.PROXIMAL: 1, Segment.DISTAL: 3}


def _left_anchor(bone: Bone, level: str | None, segment: Segment | None) -> Point:
    if bone == Bone.FEMUR:
        return _FEMUR_ANCHORS.get(segment, _FEMUR_ANCHORS[None])
    if bone == Bone.PELVIS:
        return _PELVIS_ANCHORS.get(segment, _PELVIS_ANCHORS[None])
    if bone in _LIMB_AXES:
        top, bottom = _LIMB_AXES[bone]
        return _along(top, bottom, _SEGMENT_FRACTION.get(segment, 0.5))
    if bone == Bone.RIB:
        return _rib_points(_rib_number(level))[_RIB_SEGMENT_POINT.get(segment, 3)]
    if bone == Bone.CLAVICLE:
        return _CLAVICLE[_CLAVICLE_SEGMENT_POINT.get(segment, 2)]
    if bone == Bone.SCAPULA:
        if segment == Segment.PROXIMAL:
            return (16.4, STERNUM_TOP - 1.0)  # glenoid neck
        return (13.8, _cy("T4"))
    if bone == Bone.SKULL:
        return (5.0, 190.0)
    raise ValueError(f"no anchor for bone {bone!r}")


def anchor(
    bone: Bone | str,
    level: str | None = None,
    side: Side | str | None = None,
    segment: Segment | str | None = None,
) -> Point:
    """Where a lesion at this site is drawn, as (x, y) in the skeleton's box.

    Spine: the centre of the vertebra of ``level``. Sacrum: its level (S2 if none), towards the
    ala for a left/right lesion. Paired bones are mirrored by ``side`` (the patient's right on
    the viewer's left); a paired bone without a side is drawn on the right. A rib without a
    level is drawn mid-way along the 6th rib. Long bones follow ``segment`` (proximal, shaft,
    distal; the femur also head_neck and peritrochanteric); the pelvis ilium, acetabulum and
    ischium_pubis.
    """
    bone = Bone(bone)
    side = Side(side) if side is not None else None
    segment = Segment(segment) if segment is not None else None
    if bone == Bone.SPINE:
        if level is None:
            raise ValueError("a spinal anchor needs a level")
        return vertebra_centre(level)
    if bone == Bone.SACRUM:
        v = VERTEBRAE[level or "S2"] if (level or "S2") in SACRAL_LEVELS else None
        if v is None:
            raise ValueError(f"unknown sacral level {level!r}")
        if side in (Side.LEFT, Side.RIGHT):
            return (round(_sign(side) * 0.55 * v.half_width, 3), v.centre[1])
        return v.centre
    if bone == Bone.STERNUM:
        if segment == Segment.PROXIMAL:
            return (0.0, round((STERNUM_TOP + STERNAL_ANGLE) / 2, 3))
        return (0.0, round((STERNAL_ANGLE + XIPHISTERNUM) / 2, 3))
    if bone == Bone.SKULL and side not in (Side.LEFT, Side.RIGHT):
        return (0.0, 191.0)
    x, y = _left_anchor(bone, level, segment)
    return (round(_sign(side) * x, 3), round(y, 3))
