"""Figure builders of the case board: bone map, timeline, laboratory trends, band colours.

Each builder is a pure function ``data -> go.Figure``: no Streamlit, no store. Human strings
come from :class:`Labels` (English by default, ``Labels.zh()`` for Simplified Chinese) until the
message catalogue in ``core/i18n.py`` takes them over. Free text from the record (descriptions,
impressions, decision summaries) is HTML-escaped before it reaches a hover label.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.models import (
    ANALYTE_UNITS,
    SKELETAL_RELATED_EVENTS,
    TUMOUR_MARKER_BY_PRIMARY,
    Analyte,
    Bone,
    CaseFile,
    EventKind,
    LabResult,
    Lesion,
    LesionType,
    Treatment,
    TreatmentKind,
)
from core.scores.calcium import SEVERITY_LOWER_BOUNDS, correct_calcium, severity_band
from pages.components import skeleton

TRANSPARENT = "rgba(0,0,0,0)"

# ---------------------------------------------------------------------------------------------
# Colours shared across the app

GREEN = "#2e7d32"
AMBER = "#ef9a00"
RED = "#c62828"
GREY = "#9e9e9e"

_GREEN_BANDS = "stable low_risk low_grade normal grade_0 no_pain 4.0_mg wide_or_marginal_excision ge_12_months eligible"
_AMBER_BANDS = (
    "indeterminate borderline intermediate_1c mild grade_1 grade_2 step_1 step_2 3.5_mg 3.3_mg "
    "3.0_mg marginal_or_intralesional_excision ge_6_months intermediate_risk"
)
_RED_BANDS = (
    "unstable high_risk high_grade moderate severe grade_3 grade_4 step_3 not_recommended "
    "palliative_surgery supportive_terminal_care lt_6_months not_eligible low"
)
BAND_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(_GREEN_BANDS.split(), GREEN),
        **dict.fromkeys(_AMBER_BANDS.split(), AMBER),
        **dict.fromkeys(_RED_BANDS.split(), RED),
        "incomplete": GREY,
        "unknown": GREY,
    }
)


def band_colour(band: str) -> str:
    """The one colour of a score band id anywhere in the app; grey for an unknown band."""
    return BAND_COLOURS.get(band, GREY)


LESION_TYPE_COLOURS: Mapping[LesionType, str] = MappingProxyType(
    {LesionType.LYTIC: "#d62728", LesionType.BLASTIC: "#1f77b4", LesionType.MIXED: "#9467bd"}
)

# Bands that outline a lesion on the bone map: SINS, Mirels and Bilsky at their worst two bands.
HIGH_RISK_BANDS: frozenset[str] = frozenset({"unstable", "indeterminate", "high_risk", "borderline", "high_grade"})


@dataclass(frozen=True, slots=True)
class Outline:
    colour: str
    width: float


RISK_OUTLINE = Outline(colour="#111111", width=3.5)
PLAIN_OUTLINE = Outline(colour="#ffffff", width=1.0)

TREATMENT_COLOURS: Mapping[TreatmentKind, str] = MappingProxyType(
    {
        TreatmentKind.SURGERY: "#8c564b",
        TreatmentKind.RADIOTHERAPY: "#ff7f0e",
        TreatmentKind.CHEMOTHERAPY: "#1f77b4",
        TreatmentKind.ENDOCRINE: "#e377c2",
        TreatmentKind.TARGETED: "#17becf",
        TreatmentKind.IMMUNOTHERAPY: "#2ca02c",
        TreatmentKind.BONE_MODIFYING_AGENT: "#bcbd22",
        TreatmentKind.RADIONUCLIDE: "#d62728",
        TreatmentKind.ANALGESIA: "#7f7f7f",
        TreatmentKind.VERTEBRAL_AUGMENTATION: "#9467bd",
        TreatmentKind.STEROID: "#aec7e8",
    }
)

EVENT_SYMBOLS: Mapping[EventKind, str] = MappingProxyType(
    {
        EventKind.DIAGNOSIS: "star",
        EventKind.PATHOLOGICAL_FRACTURE: "x",
        EventKind.CORD_COMPRESSION: "triangle-down",
        EventKind.HYPERCALCAEMIA: "diamond",
        EventKind.SURGERY_TO_BONE: "square",
        EventKind.RADIOTHERAPY_TO_BONE: "triangle-up",
        EventKind.PROGRESSION: "triangle-right",
        EventKind.RESPONSE: "circle",
        EventKind.DEATH: "cross",
    }
)
EVENT_COLOURS: Mapping[EventKind, str] = MappingProxyType(
    {
        **dict.fromkeys(SKELETAL_RELATED_EVENTS, "#b71c1c"),
        EventKind.DIAGNOSIS: "#37474f",
        EventKind.PROGRESSION: "#e65100",
        EventKind.RESPONSE: GREEN,
        EventKind.DEATH: "#000000",
    }
)

# Corrected-calcium severity bands (core.scores.calcium), shaded softly behind the trace.
CALCIUM_BAND_FILLS: Mapping[str, str] = MappingProxyType(
    {
        "low": "#dce9f5",
        "normal": "#e3f1df",
        "mild": "#fff4d6",
        "moderate": "#fde3cf",
        "severe": "#f8d4d4",
    }
)

# ---------------------------------------------------------------------------------------------
# Human strings


def _ro(mapping: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(mapping)


@dataclass(frozen=True)
class Labels:
    """The human strings of the figures. ``Labels()`` is English; see :meth:`zh`."""

    bone_map_title: str = "Bone metastases"
    timeline_title: str = "Timeline"
    labs_title: str = "Laboratory trends"
    patient_right: str = "R"
    patient_left: str = "L"
    high_risk: str = "High risk (outlined)"
    site: str = "Site"
    lesion_type: str = "Type"
    size: str = "Size"
    status: str = "Status"
    fracture: str = "Pathological fracture"
    fixed: str = "fixed"
    bilsky: str = "Bilsky"
    risk: str = "Risk"
    yes: str = "yes"
    no: str = "no"
    not_recorded: str = "not recorded"
    lane_diagnosis: str = "Diagnosis & course"
    lane_imaging: str = "Imaging"
    lane_treatments: str = "Treatments"
    lane_sre: str = "Skeletal-related events"
    lane_mdt: str = "MDT"
    events: str = "Events"
    referral: str = "Referral"
    diagnosis: str = "Diagnosis"
    meeting: str = "MDT meeting"
    decision: str = "MDT decision"
    ongoing: str = "ongoing"
    as_of: str = "Today"
    fractions_unit: str = "fx"
    date_ticks: str = ""  # Plotly tickformat for date axes; "" keeps Plotly's English default
    corrected_calcium: str = "Corrected calcium"
    measured_calcium: str = "Calcium, uncorrected (no albumin that day)"
    creatinine: str = "Creatinine"
    crcl: str = "Creatinine clearance"
    alp: str = "ALP"
    hb: str = "Haemoglobin"
    platelets: str = "Platelets"
    neutrophils: str = "Neutrophils"
    no_labs: str = "No laboratory results recorded"
    lesion_types: Mapping[str, str] = field(
        hash=False,
        default_factory=lambda: _ro({"lytic": "Lytic", "blastic": "Blastic", "mixed": "Mixed"}),
    )
    bones: Mapping[str, str] = field(hash=False, default_factory=lambda: _ro({}))
    sides: Mapping[str, str] = field(hash=False, default_factory=lambda: _ro({}))
    segments: Mapping[str, str] = field(
        hash=False,
        default_factory=lambda: _ro({"head_neck": "head/neck", "ischium_pubis": "ischium/pubis"}),
    )
    statuses: Mapping[str, str] = field(
        hash=False,
        default_factory=lambda: _ro(
            {
                "active": "Active",
                "treated": "Treated",
                "responding": "Responding",
                "progressing": "Progressing",
            }
        ),
    )
    bands: Mapping[str, str] = field(
        hash=False,
        default_factory=lambda: _ro(
            {
                "stable": "Stable",
                "indeterminate": "Indeterminate",
                "unstable": "Unstable",
                "low_risk": "Low risk",
                "borderline": "Borderline",
                "high_risk": "High risk",
                "low_grade": "Low grade",
                "high_grade": "High grade",
                "low": "Low",
                "normal": "Normal",
                "mild": "Mild",
                "moderate": "Moderate",
                "severe": "Severe",
            }
        ),
    )
    treatment_kinds: Mapping[str, str] = field(
        hash=False,
        default_factory=lambda: _ro(
            {
                "surgery": "Surgery",
                "radiotherapy": "Radiotherapy",
                "chemotherapy": "Chemotherapy",
                "endocrine": "Endocrine therapy",
                "targeted": "Targeted therapy",
                "immunotherapy": "Immunotherapy",
                "bone_modifying_agent": "Bone-modifying agent",
                "radionuclide": "Radionuclide",
                "analgesia": "Analgesia",
                "vertebral_augmentation": "Vertebral augmentation",
                "steroid": "Steroid",
            }
        ),
    )
    event_kinds: Mapping[str, str] = field(
        hash=False,
        default_factory=lambda: _ro(
            {
                "diagnosis": "Diagnosis",
                "pathological_fracture": "Pathological fracture",
                "cord_compression": "Spinal cord compression",
                "hypercalcaemia": "Hypercalcaemia",
                "surgery_to_bone": "Surgery to bone",
                "radiotherapy_to_bone": "Radiotherapy to bone",
                "progression": "Progression",
                "response": "Response",
                "death": "Death",
            }
        ),
    )
    modalities: Mapping[str, str] = field(
        hash=False,
        default_factory=lambda: _ro(
            {
                "xr": "X-ray",
                "ct": "CT",
                "mri": "MRI",
                "bone_scan": "Bone scan",
                "pet_ct": "PET-CT",
                "psma_pet": "PSMA PET",
                "spect_ct": "SPECT-CT",
            }
        ),
    )
    markers: Mapping[str, str] = field(
        hash=False,
        default_factory=lambda: _ro({"psa": "PSA", "ca15_3": "CA15-3", "cea": "CEA", "ca125": "CA125"}),
    )

    @classmethod
    def en(cls) -> Labels:
        return _EN

    @classmethod
    def zh(cls) -> Labels:
        return _ZH

    def name(self, table: Mapping[str, str], value: object) -> str:
        """The label of a vocabulary value, or the value itself made readable."""
        key = str(value)
        return table.get(key) or key.replace("_", " ")


_EN = Labels()
_ZH = replace(
    _EN,
    bone_map_title="骨转移分布图",
    timeline_title="时间线",
    labs_title="检验趋势",
    patient_right="右",
    patient_left="左",
    high_risk="高风险（粗边框）",
    site="部位",
    lesion_type="类型",
    size="大小",
    status="状态",
    fracture="病理性骨折",
    fixed="已内固定",
    bilsky="Bilsky分级",
    risk="风险",
    yes="是",
    no="否",
    not_recorded="未记录",
    lane_diagnosis="诊断与病程",
    lane_imaging="影像检查",
    lane_treatments="治疗",
    lane_sre="骨相关事件",
    lane_mdt="MDT会议与决策",
    events="事件",
    referral="转诊",
    diagnosis="确诊",
    meeting="MDT会议",
    decision="MDT决策",
    ongoing="进行中",
    as_of="今日",
    fractions_unit="次",
    date_ticks="%Y-%m",
    corrected_calcium="校正血钙",
    measured_calcium="血钙（未校正，当日无白蛋白）",
    creatinine="肌酐",
    crcl="肌酐清除率",
    alp="碱性磷酸酶",
    hb="血红蛋白",
    platelets="血小板",
    neutrophils="中性粒细胞",
    no_labs="暂无检验结果",
    lesion_types=_ro({"lytic": "溶骨性", "blastic": "成骨性", "mixed": "混合性"}),
    bones=_ro(
        {
            "spine": "脊柱",
            "sacrum": "骶骨",
            "pelvis": "骨盆",
            "femur": "股骨",
            "humerus": "肱骨",
            "tibia": "胫骨",
            "fibula": "腓骨",
            "radius": "桡骨",
            "ulna": "尺骨",
            "rib": "肋骨",
            "skull": "颅骨",
            "scapula": "肩胛骨",
            "sternum": "胸骨",
            "clavicle": "锁骨",
        }
    ),
    sides=_ro({"left": "左", "right": "右", "midline": "中线"}),
    segments=_ro(
        {
            "proximal": "近端",
            "shaft": "骨干",
            "distal": "远端",
            "head_neck": "头颈部",
            "peritrochanteric": "转子周围",
            "acetabulum": "髋臼",
            "ilium": "髂骨",
            "ischium_pubis": "坐耻骨",
            "whole": "全段",
        }
    ),
    statuses=_ro({"active": "活动", "treated": "已治疗", "responding": "缓解", "progressing": "进展"}),
    bands=_ro(
        {
            "stable": "稳定",
            "indeterminate": "潜在不稳定",
            "unstable": "不稳定",
            "low_risk": "低风险",
            "borderline": "临界",
            "high_risk": "高风险",
            "low_grade": "低级别",
            "high_grade": "高级别",
            "low": "低钙",
            "normal": "正常",
            "mild": "轻度",
            "moderate": "中度",
            "severe": "重度",
        }
    ),
    treatment_kinds=_ro(
        {
            "surgery": "手术",
            "radiotherapy": "放疗",
            "chemotherapy": "化疗",
            "endocrine": "内分泌治疗",
            "targeted": "靶向治疗",
            "immunotherapy": "免疫治疗",
            "bone_modifying_agent": "骨改良药物",
            "radionuclide": "放射性核素治疗",
            "analgesia": "镇痛",
            "vertebral_augmentation": "椎体强化术",
            "steroid": "糖皮质激素",
        }
    ),
    event_kinds=_ro(
        {
            "diagnosis": "确诊",
            "pathological_fracture": "病理性骨折",
            "cord_compression": "脊髓压迫",
            "hypercalcaemia": "高钙血症",
            "surgery_to_bone": "骨手术",
            "radiotherapy_to_bone": "骨放疗",
            "progression": "疾病进展",
            "response": "治疗缓解",
            "death": "死亡",
        }
    ),
    modalities=_ro(
        {
            "xr": "X线",
            "ct": "CT",
            "mri": "MRI",
            "bone_scan": "骨扫描",
            "pet_ct": "PET-CT",
            "psma_pet": "PSMA PET",
            "spect_ct": "SPECT-CT",
        }
    ),
)


def _esc(text: str, limit: int = 160) -> str:
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text).replace("\n", "<br>")


def _base_layout(fig: go.Figure, title: str, height: int) -> None:
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        height=height,
        paper_bgcolor=TRANSPARENT,
        plot_bgcolor=TRANSPARENT,
        hoverlabel={"align": "left"},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )


# ---------------------------------------------------------------------------------------------
# Bone map

_BONE_FILL = "#ececec"
_BONE_LINE = "#a7a7a7"
_MARKER_SIZE = 12
_JITTER_STEP = 2.6  # about one marker diameter in skeleton units at the default height


def _outline_trace(parts: Sequence[skeleton.Part], name: str, **style: object) -> go.Scatter:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for part in parts:
        points = list(part.points)
        if part.closed:
            points.append(points[0])
        xs += [p[0] for p in points] + [None]
        ys += [p[1] for p in points] + [None]
    return go.Scatter(x=xs, y=ys, mode="lines", name=name, hoverinfo="skip", showlegend=False, **style)


def _skeleton_traces() -> list[go.Scatter]:
    by_layer: dict[skeleton.Layer, list[skeleton.Part]] = defaultdict(list)
    for part in skeleton.SKELETON:
        by_layer[part.layer].append(part)
    return [
        _outline_trace(
            by_layer[skeleton.Layer.FILLED],
            "skeleton",
            fill="toself",
            fillcolor=_BONE_FILL,
            line={"color": _BONE_LINE, "width": 1},
        ),
        _outline_trace(
            by_layer[skeleton.Layer.LINE],
            "skeleton_lines",
            line={"color": _BONE_LINE, "width": 1.6, "shape": "spline", "smoothing": 0.8},
        ),
        _outline_trace(
            by_layer[skeleton.Layer.OUTLINE],
            "skeleton_outlines",
            line={"color": _BONE_LINE, "width": 1, "dash": "dot"},
        ),
    ]


def lesion_anchor(lesion: Lesion) -> tuple[float, float]:
    """Where ``lesion`` sits on the skeleton before any jitter."""
    return skeleton.anchor(lesion.bone, lesion.level, lesion.side, lesion.segment)


def _spread(lesions: Sequence[Lesion]) -> list[tuple[float, float]]:
    """Anchor of each lesion, spreading lesions that share an anchor so none hides another.

    Spinal lesions spread sideways along their vertebra (the level stays readable); others
    on a small circle around the anchor. A lone lesion stays exactly on its anchor.
    """
    groups: dict[tuple[float, float], list[int]] = defaultdict(list)
    for i, lesion in enumerate(lesions):
        groups[lesion_anchor(lesion)].append(i)
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(lesions)
    for (x, y), members in groups.items():
        n = len(members)
        spinal = lesions[members[0]].bone in (Bone.SPINE, Bone.SACRUM)
        for k, i in enumerate(members):
            if n == 1:
                positions[i] = (x, y)
            elif spinal:
                positions[i] = (x + (k - (n - 1) / 2) * _JITTER_STEP, y)
            else:
                radius = max(_JITTER_STEP / 2, _JITTER_STEP / (2 * math.sin(math.pi / n)))
                angle = math.pi / 2 + 2 * math.pi * k / n
                positions[i] = (
                    round(x + radius * math.cos(angle), 3),
                    round(y + radius * math.sin(angle), 3),
                )
    return positions


def _site_text(lesion: Lesion, labels: Labels) -> str:
    if lesion.level:
        prefix = labels.name(labels.bones, lesion.bone) if lesion.bone == Bone.SACRUM else ""
        side = f" {labels.name(labels.sides, lesion.side)}" if lesion.side else ""
        return f"{prefix} {lesion.level}{side}".strip()
    parts = [
        labels.name(table, value)
        for table, value in (
            (labels.sides, lesion.side),
            (labels.bones, lesion.bone),
            (labels.segments, lesion.segment),
        )
        if value is not None
    ]
    return " ".join(parts)


def _lesion_hover(lesion: Lesion, band: str | None, labels: Labels) -> str:
    size = f"{lesion.size_mm} mm" if lesion.size_mm is not None else labels.not_recorded
    fracture = labels.no
    if lesion.pathological_fracture:
        fracture = labels.yes + (f" ({labels.fixed})" if lesion.fracture_fixed else "")
    lines = [
        f"<b>{html.escape(_site_text(lesion, labels))}</b>",
        f"{labels.lesion_type}: {labels.name(labels.lesion_types, lesion.lesion_type)}",
        f"{labels.size}: {size}",
        f"{labels.status}: {labels.name(labels.statuses, lesion.status)}",
        f"{labels.fracture}: {fracture}",
    ]
    if lesion.bilsky is not None:
        lines.append(f"{labels.bilsky}: {lesion.bilsky.value}")
    if band is not None:
        lines.append(f"{labels.risk}: {html.escape(labels.name(labels.bands, band))}")
    return "<br>".join(lines)


def _legend_marker(name: str, colour: str, outline: Outline, group: str) -> go.Scatter:
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        legendgroup=group,
        hoverinfo="skip",
        marker={
            "size": _MARKER_SIZE,
            "color": colour,
            "line": {"color": outline.colour, "width": outline.width},
        },
    )


def bone_map(
    lesions: Sequence[Lesion],
    risk: Mapping[int, str] | None = None,
    labels: Labels | None = None,
) -> go.Figure:
    """Anterior skeleton with every lesion drawn at its site.

    Colour = lesion type (:data:`LESION_TYPE_COLOURS`); a thick dark outline
    (:data:`RISK_OUTLINE`) when ``risk[lesion_id]`` is one of :data:`HIGH_RISK_BANDS`. Each
    marker trace carries the lesion ids in ``customdata``.
    """
    labels = labels or _EN
    risk = risk or {}
    fig = go.Figure(_skeleton_traces())
    positions = _spread(lesions)
    bands = [risk.get(lesion.lesion_id) if lesion.lesion_id is not None else None for lesion in lesions]
    high = [band in HIGH_RISK_BANDS for band in bands]
    for lesion_type in LesionType:
        members = [i for i, lesion in enumerate(lesions) if lesion.lesion_type == lesion_type]
        if not members:
            continue
        name = labels.name(labels.lesion_types, lesion_type)
        colour = LESION_TYPE_COLOURS[lesion_type]
        # The legend entry is its own empty trace, so its symbol never shows a risk outline.
        fig.add_trace(_legend_marker(name, colour, PLAIN_OUTLINE, lesion_type.value))
        for outline in (PLAIN_OUTLINE, RISK_OUTLINE):
            group = [i for i in members if high[i] == (outline is RISK_OUTLINE)]
            if not group:
                continue
            fig.add_trace(
                go.Scatter(
                    x=[positions[i][0] for i in group],
                    y=[positions[i][1] for i in group],
                    mode="markers",
                    name=name,
                    legendgroup=lesion_type.value,
                    showlegend=False,
                    customdata=[lesions[i].lesion_id for i in group],
                    hovertext=[_lesion_hover(lesions[i], bands[i], labels) for i in group],
                    hoverinfo="text",
                    marker={
                        "size": _MARKER_SIZE,
                        "color": colour,
                        "opacity": 0.95,
                        "line": {"color": outline.colour, "width": outline.width},
                    },
                )
            )
    if any(high):
        fig.add_trace(_legend_marker(labels.high_risk, "#ffffff", RISK_OUTLINE, "high_risk"))
    for x, text in ((-30.0, labels.patient_right), (30.0, labels.patient_left)):
        fig.add_annotation(x=x, y=194, text=f"<b>{text}</b>", showarrow=False, font={"size": 16, "color": "#777"})
    _base_layout(fig, labels.bone_map_title, 620)
    fig.update_xaxes(range=list(skeleton.X_RANGE), visible=False, fixedrange=True)
    fig.update_yaxes(
        range=list(skeleton.Y_RANGE),
        visible=False,
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
        fixedrange=True,
    )
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": 0.0, "x": 0.5, "xanchor": "center"},
        hovermode="closest",
    )
    return fig


# ---------------------------------------------------------------------------------------------
# Timeline

_DAY_MS = 86_400_000


def treatment_label(treatment: Treatment, labels: Labels | None = None) -> str:
    """Name and dose: ``dose_text`` when given, else ``30 Gy / 10 fx`` for radiotherapy."""
    labels = labels or _EN
    dose = treatment.dose_text
    if not dose and treatment.dose_gy is not None:
        dose = f"{treatment.dose_gy.normalize():f} Gy"
        if treatment.fractions is not None:
            dose += f" / {treatment.fractions} {labels.fractions_unit}"
    return f"{treatment.name} {dose}".strip() if dose else treatment.name


def _treatment_end(treatment: Treatment, as_of: date) -> date:
    if treatment.end_date is not None:
        return treatment.end_date
    if treatment.ongoing:
        return max(as_of, treatment.start_date)
    return treatment.start_date  # a one-off (an operation, a single fraction)


class _Bar(NamedTuple):
    treatment: Treatment
    start: date
    end: date
    label: str
    bar_days: float  # drawn length: at least a sliver, so a one-day treatment stays visible
    text_outside: bool  # the label does not fit in the bar and is written after it
    row: int


def _layout_bars(treatments: Sequence[Treatment], as_of: date, span_days: int, labels: Labels) -> list[_Bar]:
    """Bars with their rows: greedy interval packing on the space a bar *and its label* take,
    so neither bars nor labels overlap."""
    min_days = max(1.0, span_days / 120)
    char_days = span_days / 125  # one character of the 11 px label on a ~1000 px wide axis
    bars: list[_Bar] = []
    row_ends: list[float] = []
    for t in sorted(treatments, key=lambda t: (t.start_date, t.kind.value, t.name)):
        end = _treatment_end(t, as_of)
        label = treatment_label(t, labels)
        bar_days = max(float((end - t.start_date).days), min_days)
        label_days = (len(label) + 2) * char_days
        outside = label_days > bar_days
        start_x = float(t.start_date.toordinal())
        reach = start_x + bar_days + (label_days if outside else 0.0) + min_days
        for row, last in enumerate(row_ends):
            if last <= start_x:
                row_ends[row] = reach
                break
        else:
            row = len(row_ends)
            row_ends.append(reach)
        bars.append(_Bar(t, t.start_date, end, label, bar_days, outside, row))
    return bars


class _Lanes(NamedTuple):
    diagnosis: float
    imaging: float
    treatments: list[float]
    sre: float
    mdt: float


def _stagger(items: Sequence[tuple[date, float]], close_days: float) -> list[float]:
    """Small vertical offsets for markers of one lane closer than ``close_days`` in time."""
    offsets = [0.0] * len(items)
    cycle = (0.0, -0.27, 0.27, -0.14, 0.14)
    by_lane: dict[float, list[int]] = defaultdict(list)
    for i, (_, lane) in enumerate(items):
        by_lane[lane].append(i)
    for members in by_lane.values():
        members.sort(key=lambda i: items[i][0])
        previous: date | None = None
        k = 0
        for i in members:
            when = items[i][0]
            k = k + 1 if previous is not None and (when - previous).days <= close_days else 0
            offsets[i] = cycle[k % len(cycle)]
            previous = when
    return offsets


def timeline(
    cf: CaseFile,
    meetings: Sequence[tuple[date, str]] = (),
    decisions: Sequence[tuple[date, str]] = (),
    labels: Labels | None = None,
) -> go.Figure:
    """Lanes over time: diagnosis and disease course, imaging, treatments, skeletal-related
    events, MDT meetings and decisions.

    Each treatment is one bar (``customdata`` = treatment_id, ``text`` = name and dose) from its
    start to its end, or to ``cf.as_of`` while ongoing, coloured by kind. Each clinical event is
    one marker (``customdata`` = event_id) with a symbol per kind: skeletal-related events in
    their own lane, diagnosis, progression, response and death in the first lane.
    """
    labels = labels or _EN
    treatments = list(cf.treatments)
    dates: list[date] = [cf.as_of, cf.case.referral_date]
    dates += [t.start_date for t in treatments] + [e.event_date for e in cf.events]
    dates += [s.study_date for s in cf.studies] + [d for d, _ in (*meetings, *decisions)]
    if cf.case.diagnosis_date:
        dates.append(cf.case.diagnosis_date)
    first, last = min(dates), max(dates)
    span_days = max((last - first).days, 30)

    bars = _layout_bars(treatments, cf.as_of, span_days, labels)
    n_rows = max((b.row for b in bars), default=0) + 1
    lanes = _Lanes(0, 1, [2 + r for r in range(n_rows)], 2 + n_rows, 3 + n_rows)
    close_days = span_days / 70
    fig = go.Figure()

    # Diagnosis & course lane: referral, diagnosis (unless recorded as an event that day).
    diagnosis_events = {e.event_date for e in cf.events if e.kind == EventKind.DIAGNOSIS}
    milestones = [(cf.case.referral_date, labels.referral, "circle-open")]
    if cf.case.diagnosis_date and cf.case.diagnosis_date not in diagnosis_events:
        milestones.append((cf.case.diagnosis_date, labels.diagnosis, "star"))
    for when, text, symbol in milestones:
        fig.add_trace(
            go.Scatter(
                x=[when],
                y=[lanes.diagnosis],
                mode="markers",
                name=text,
                showlegend=False,
                text=[text],
                marker={"symbol": symbol, "size": 13, "color": "#37474f", "line": {"width": 2}},
                hovertext=[f"<b>{text}</b><br>{when.isoformat()}"],
                hoverinfo="text",
            )
        )

    # Imaging lane.
    if cf.studies:
        studies = sorted(cf.studies, key=lambda s: s.study_date)
        offsets = _stagger([(s.study_date, lanes.imaging) for s in studies], close_days)
        fig.add_trace(
            go.Scatter(
                x=[s.study_date for s in studies],
                y=[lanes.imaging + o for o in offsets],
                mode="markers",
                name=labels.lane_imaging,
                showlegend=False,
                customdata=[s.study_id for s in studies],
                text=[labels.name(labels.modalities, s.modality) for s in studies],
                hovertext=[
                    f"<b>{labels.name(labels.modalities, s.modality)}</b> "
                    f"{s.study_date.isoformat()}<br>{_esc(s.region)}" + (f"<br>{_esc(s.impression)}" if s.impression else "")
                    for s in studies
                ],
                hoverinfo="text",
                marker={"symbol": "square", "size": 11, "color": "#546e7a"},
            )
        )

    # Treatments lane: one bar trace per kind (one legend entry per kind).
    for kind in TreatmentKind:
        group = [b for b in bars if b.treatment.kind == kind]
        if not group:
            continue
        kind_name = labels.name(labels.treatment_kinds, kind)
        fig.add_trace(
            go.Bar(
                orientation="h",
                base=[b.start.isoformat() for b in group],
                x=[b.bar_days * _DAY_MS for b in group],
                y=[lanes.treatments[b.row] for b in group],
                width=0.7,
                name=kind_name,
                legendgroup="treatment",
                legendgrouptitle={"text": labels.lane_treatments},
                customdata=[b.treatment.treatment_id for b in group],
                text=[html.escape(b.label) for b in group],
                textposition=["outside" if b.text_outside else "inside" for b in group],
                insidetextanchor="start",
                textfont={"size": 11},
                constraintext="none",
                cliponaxis=False,
                hovertext=[
                    f"<b>{html.escape(b.label)}</b><br>{kind_name}<br>{b.start.isoformat()} – "
                    + (
                        f"{labels.ongoing} ({b.end.isoformat()})"
                        if b.treatment.end_date is None and b.treatment.ongoing
                        else b.end.isoformat()
                    )
                    for b in group
                ],
                hoverinfo="text",
                marker={"color": TREATMENT_COLOURS[kind], "line": {"width": 0}},
            )
        )

    # Events: one marker trace per kind, staggered when close in time.
    events = sorted(cf.events, key=lambda e: (e.event_date, e.kind.value))
    lane_of = [lanes.sre if e.kind in SKELETAL_RELATED_EVENTS else lanes.diagnosis for e in events]
    offsets = _stagger([(e.event_date, lane) for e, lane in zip(events, lane_of, strict=True)], close_days)
    for event_kind in EventKind:
        members = [i for i, e in enumerate(events) if e.kind == event_kind]
        if not members:
            continue
        kind_name = labels.name(labels.event_kinds, event_kind)
        fig.add_trace(
            go.Scatter(
                x=[events[i].event_date for i in members],
                y=[lane_of[i] + offsets[i] for i in members],
                mode="markers",
                name=kind_name,
                legendgroup="event",
                legendgrouptitle={"text": labels.events},
                customdata=[events[i].event_id for i in members],
                text=[kind_name] * len(members),
                hovertext=[
                    f"<b>{kind_name}</b> {events[i].event_date.isoformat()}"
                    + (f"<br>{_esc(events[i].description)}" if events[i].description else "")
                    for i in members
                ],
                hoverinfo="text",
                marker={
                    "symbol": EVENT_SYMBOLS[event_kind],
                    "size": 14,
                    "color": EVENT_COLOURS[event_kind],
                    "line": {"width": 1, "color": "#ffffff"},
                },
            )
        )

    # MDT lane: meetings and decisions (a decision sits just below its meeting's marker).
    for items, text, symbol, colour, shift in (
        (meetings, labels.meeting, "diamond", "#00897b", -0.16),
        (decisions, labels.decision, "star", "#004d40", 0.16),
    ):
        if not items:
            continue
        fig.add_trace(
            go.Scatter(
                x=[d for d, _ in items],
                y=[lanes.mdt + shift] * len(items),
                mode="markers",
                name=text,
                legendgroup="mdt",
                legendgrouptitle={"text": labels.lane_mdt},
                text=[_esc(s, 60) for _, s in items],
                hovertext=[f"<b>{text}</b> {d.isoformat()}<br>{_esc(s)}" for d, s in items],
                hoverinfo="text",
                marker={"symbol": symbol, "size": 13, "color": colour},
            )
        )

    # "Today" line and lane separators.
    fig.add_shape(
        type="line",
        x0=cf.as_of.isoformat(),
        x1=cf.as_of.isoformat(),
        xref="x",
        y0=0,
        y1=1,
        yref="paper",
        line={"color": "#616161", "width": 1, "dash": "dash"},
        name="as_of",
    )
    fig.add_annotation(
        x=cf.as_of.isoformat(),
        y=1,
        yref="paper",
        text=labels.as_of,
        showarrow=False,
        yanchor="bottom",
        font={"size": 11, "color": "#616161"},
    )
    for boundary in (lanes.imaging + 0.5, lanes.treatments[-1] + 0.5, lanes.sre + 0.5):
        fig.add_hline(y=boundary, line={"color": "#e0e0e0", "width": 1})

    tick_vals = [
        lanes.diagnosis,
        lanes.imaging,
        sum(lanes.treatments) / n_rows,
        lanes.sre,
        lanes.mdt,
    ]
    tick_text = [
        labels.lane_diagnosis,
        labels.lane_imaging,
        labels.lane_treatments,
        labels.lane_sre,
        labels.lane_mdt,
    ]
    pad = timedelta(days=max(span_days // 25, 7))
    _base_layout(fig, labels.timeline_title, 150 + 48 * (4 + n_rows))
    fig.update_layout(
        barmode="overlay",
        showlegend=True,
        legend={"orientation": "v", "groupclick": "toggleitem", "font": {"size": 11}},
        hovermode="closest",
    )
    fig.update_xaxes(
        type="date",
        range=[(first - pad).isoformat(), (last + pad).isoformat()],
        showgrid=True,
        gridcolor="#eeeeee",
        tickformat=labels.date_ticks or None,
    )
    fig.update_yaxes(
        tickvals=tick_vals,
        ticktext=tick_text,
        range=[lanes.mdt + 0.6, -0.6],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    return fig


# ---------------------------------------------------------------------------------------------
# Laboratory trends


class CalciumPoint(NamedTuple):
    taken_on: date
    value: Decimal
    corrected: bool  # False: no albumin on that date, the measured value is shown


def corrected_calcium_points(labs: Sequence[LabResult]) -> list[CalciumPoint]:
    """Albumin-corrected calcium per calcium result, with the albumin of the same date.

    ``Ca + 0.02 × (40 − albumin)`` in Decimal, quantised to 0.01 (core.scores.calcium). With no
    albumin that day the measured calcium is returned, marked ``corrected=False``.
    """
    albumin: dict[date, Decimal] = {}
    for lab in sorted(labs, key=lambda r: (r.taken_on, r.lab_id or 0)):
        if lab.analyte == Analyte.ALBUMIN:
            albumin[lab.taken_on] = lab.value  # the last albumin of the day wins
    points = []
    for lab in labs:
        if lab.analyte != Analyte.CALCIUM:
            continue
        alb = albumin.get(lab.taken_on)
        if alb is None:
            points.append(CalciumPoint(lab.taken_on, lab.value, False))
        else:
            points.append(CalciumPoint(lab.taken_on, correct_calcium(lab.value, alb), True))
    return sorted(points, key=lambda p: p.taken_on)


def calcium_band_bounds() -> list[tuple[str, Decimal | None, Decimal | None]]:
    """(band, lower, upper) of the corrected-calcium severity bands, from low to severe."""
    lowers = sorted(((bound, band) for band, bound, _ in SEVERITY_LOWER_BOUNDS), key=lambda item: item[0])
    result: list[tuple[str, Decimal | None, Decimal | None]] = [("low", None, lowers[0][0])]
    for k, (bound, band) in enumerate(lowers):
        upper = lowers[k + 1][0] if k + 1 < len(lowers) else None
        result.append((band, bound, upper))
    return result


def _series(labs: Sequence[LabResult], analyte: Analyte) -> tuple[list[date], list[float]]:
    rows = sorted((lab for lab in labs if lab.analyte == analyte), key=lambda r: r.taken_on)
    return [r.taken_on for r in rows], [float(r.value) for r in rows]


class _Panel(NamedTuple):
    key: str
    title: str
    unit: str


def _unit(analyte: Analyte) -> str:
    return ANALYTE_UNITS[analyte][0]


def lab_trends(
    cf: CaseFile,
    crcl_points: Sequence[tuple[date, float]] = (),
    labels: Labels | None = None,
) -> go.Figure:
    """Stacked panels sharing the date axis: corrected calcium over its severity bands,
    creatinine (with creatinine clearance on a second axis when given), ALP, the primary's
    tumour marker, haemoglobin, platelets, neutrophils. Panels without data are left out."""
    labels = labels or _EN
    labs = list(cf.labs)
    calcium = corrected_calcium_points(labs)
    marker = TUMOUR_MARKER_BY_PRIMARY.get(cf.case.primary_tumour)

    simple: list[tuple[str, Analyte, str, str]] = [
        ("creatinine", Analyte.CREATININE, labels.creatinine, "#5d4037"),
        ("alp", Analyte.ALP, labels.alp, "#6a1b9a"),
    ]
    if marker is not None:
        simple.append(("marker", marker, labels.name(labels.markers, marker), "#ad1457"))
    simple += [
        ("hb", Analyte.HB, labels.hb, "#c62828"),
        ("platelets", Analyte.PLATELETS, labels.platelets, "#455a64"),
        ("neutrophils", Analyte.NEUTROPHILS, labels.neutrophils, "#00838f"),
    ]
    panels: list[_Panel] = []
    if calcium:
        panels.append(_Panel("calcium", labels.corrected_calcium, _unit(Analyte.CALCIUM)))
    series: dict[str, tuple[list[date], list[float], str]] = {}
    for key, analyte, title, colour in simple:
        xs, ys = _series(labs, analyte)
        if xs:
            series[key] = (xs, ys, colour)
            panels.append(_Panel(key, title, _unit(analyte)))

    if not panels:
        fig = go.Figure()
        fig.add_annotation(
            text=labels.no_labs,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
            font={"size": 16, "color": "#757575"},
        )
        _base_layout(fig, labels.labs_title, 240)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig

    crcl = sorted(crcl_points)
    with_crcl = bool(crcl) and any(p.key == "creatinine" for p in panels)
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.08, 0.3 / len(panels)),
        subplot_titles=[f"{p.title} ({p.unit})" for p in panels],
        specs=[[{"secondary_y": with_crcl and p.key == "creatinine"}] for p in panels],
    )
    for row, panel in enumerate(panels, start=1):
        if panel.key == "calcium":
            _add_calcium(fig, row, calcium, labels)
        else:
            xs, ys, colour = series[panel.key]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines+markers",
                    name=panel.title,
                    showlegend=with_crcl and panel.key == "creatinine",
                    line={"color": colour, "width": 2},
                    marker={"size": 7},
                    hovertemplate=f"%{{y}} {panel.unit}<extra>{panel.title}</extra>",
                ),
                row=row,
                col=1,
            )
        fig.update_yaxes(title_text=panel.unit, row=row, col=1)
        if with_crcl and panel.key == "creatinine":
            fig.add_trace(
                go.Scatter(
                    x=[d for d, _ in crcl],
                    y=[v for _, v in crcl],
                    mode="lines+markers",
                    name=labels.crcl,
                    line={"color": "#1565c0", "width": 2, "dash": "dash"},
                    marker={"size": 6, "symbol": "square"},
                    hovertemplate=f"%{{y:.0f}} mL/min<extra>{labels.crcl}</extra>",
                ),
                row=row,
                col=1,
                secondary_y=True,
            )
            fig.update_yaxes(
                title_text="mL/min",
                row=row,
                col=1,
                secondary_y=True,
                showgrid=False,
                tickmode="auto",
                rangemode="tozero",
            )
    _base_layout(fig, labels.labs_title, 110 + 175 * len(panels))
    fig.update_layout(
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "top", "y": -0.03, "x": 0.0, "xanchor": "left"},
        margin={"b": 50},
    )
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee", tickformat=labels.date_ticks or None)
    fig.update_yaxes(gridcolor="#eeeeee", zeroline=False)
    return fig


def _add_calcium(fig: go.Figure, row: int, points: Sequence[CalciumPoint], labels: Labels) -> None:
    values = [float(p.value) for p in points]
    lo = min(1.8, min(values) - 0.1)
    hi = max(3.8, max(values) + 0.1)
    uncorrected = [not p.corrected for p in points]
    fig.add_trace(
        go.Scatter(
            x=[p.taken_on for p in points],
            y=values,
            mode="lines+markers",
            name=labels.corrected_calcium,
            showlegend=False,
            customdata=[str(p.value) for p in points],
            line={"color": "#37474f", "width": 2},
            marker={
                "size": 8,
                "color": "#37474f",
                "symbol": ["circle-open" if u else "circle" for u in uncorrected],
                "line": {"width": 2},
            },
            hovertext=[
                f"{p.taken_on.isoformat()}: {p.value} mmol/L "
                f"({labels.name(labels.bands, severity_band(p.value))})"
                + ("" if p.corrected else f"<br>{labels.measured_calcium}")
                for p in points
            ],
            hoverinfo="text",
        ),
        row=row,
        col=1,
    )
    if any(uncorrected):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=labels.measured_calcium,
                marker={
                    "symbol": "circle-open",
                    "size": 8,
                    "color": "#37474f",
                    "line": {"width": 2},
                },
                hoverinfo="skip",
            ),
            row=row,
            col=1,
        )
    for band, lower, upper in calcium_band_bounds():
        fig.add_hrect(
            y0=float(lower) if lower is not None else lo,
            y1=float(upper) if upper is not None else hi,
            fillcolor=CALCIUM_BAND_FILLS[band],
            line_width=0,
            layer="below",
            name=f"calcium_band_{band}",
            label={
                "text": labels.name(labels.bands, band),
                "textposition": "middle right",
                "font": {"size": 10, "color": "#8a8a8a"},
            },
            row=row,
            col=1,
            exclude_empty_subplots=False,
        )
    fig.update_yaxes(range=[lo, hi], row=row, col=1)
