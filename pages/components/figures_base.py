"""Shared parts of the board's figures: band and event colours, lesion outlines, the human
strings (:class:`Labels`), escaping of record text for hover labels and the common layout."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

import plotly.graph_objects as go

from core.i18n import enum_label
from core.models import (
    SKELETAL_RELATED_EVENTS,
    Bone,
    EventKind,
    LesionStatus,
    LesionType,
    Modality,
    Segment,
    Side,
    TreatmentKind,
)

TRANSPARENT = "rgba(0,0,0,0)"


def vocab_names(vocab: type[StrEnum], lang: str, *, capitalise: bool = False) -> Mapping[str, str]:
    """A vocabulary's names on the figures: its one catalogue entry per value (the words the
    pickers and tables show), capitalised for a legend in English."""
    names = {m.value: enum_label(m, lang) for m in vocab}
    if capitalise and lang == "en":
        names = {k: v[:1].upper() + v[1:] for k, v in names.items()}
    return MappingProxyType(names)


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
    reference: str = "reference"
    lesion_types: Mapping[str, str] = field(hash=False, default_factory=lambda: vocab_names(LesionType, "en", capitalise=True))
    bones: Mapping[str, str] = field(hash=False, default_factory=lambda: vocab_names(Bone, "en"))
    sides: Mapping[str, str] = field(hash=False, default_factory=lambda: vocab_names(Side, "en"))
    segments: Mapping[str, str] = field(hash=False, default_factory=lambda: vocab_names(Segment, "en"))
    statuses: Mapping[str, str] = field(hash=False, default_factory=lambda: vocab_names(LesionStatus, "en", capitalise=True))
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
        hash=False, default_factory=lambda: vocab_names(TreatmentKind, "en", capitalise=True)
    )
    event_kinds: Mapping[str, str] = field(hash=False, default_factory=lambda: vocab_names(EventKind, "en", capitalise=True))
    modalities: Mapping[str, str] = field(hash=False, default_factory=lambda: vocab_names(Modality, "en", capitalise=True))
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
    reference="参考范围",
    lesion_types=vocab_names(LesionType, "zh"),
    bones=vocab_names(Bone, "zh"),
    sides=vocab_names(Side, "zh"),
    segments=vocab_names(Segment, "zh"),
    statuses=vocab_names(LesionStatus, "zh"),
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
    treatment_kinds=vocab_names(TreatmentKind, "zh"),
    event_kinds=vocab_names(EventKind, "zh"),
    modalities=vocab_names(Modality, "zh"),
)


def esc_text(text: str, limit: int = 160) -> str:
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text).replace("\n", "<br>")


def date_ticks(fmt: str) -> dict[str, object]:
    """Date-axis tick settings for a language-neutral ``fmt`` (Chinese: "%Y-%m"; "" keeps Plotly's
    English default): the month format only where ticks are a month or more apart. Over a few
    weeks Plotly puts ticks every week or two, and "%Y-%m" read "2026-10, 2026-10, 2026-11, …"
    (browser walk, 2026-12); those ticks carry the day."""
    if not fmt:
        return {"tickformat": None}
    return {
        "tickformat": None,
        "tickformatstops": [
            {"dtickrange": [None, "M1"], "value": "%Y-%m-%d"},
            {"dtickrange": ["M1", "M12"], "value": fmt},
            {"dtickrange": ["M12", None], "value": "%Y"},
        ],
    }


def base_layout(fig: go.Figure, title: str, height: int) -> None:
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        height=height,
        paper_bgcolor=TRANSPARENT,
        plot_bgcolor=TRANSPARENT,
        hoverlabel={"align": "left"},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
