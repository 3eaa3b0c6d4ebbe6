"""Figure builders of the case board: timeline, lab trends, band colours and windows
(pages/components/figures.py, figures_timeline.py), no browser. The bone map: test_bone_map.py."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import plotly.graph_objects as go
import pytest

from core.lab_reference import reference_for
from core.models import (
    Analyte,
    CaseFile,
    ClinicalEvent,
    ImagingStudy,
    Sex,
    Treatment,
)
from pages.components.figures import (
    BAND_COLOURS,
    HIGH_RISK_BANDS,
    TIMELINE_DEFAULT_DAYS,
    Labels,
    band_colour,
    corrected_calcium_points,
    lab_trends,
    timeline,
    timeline_window,
    treatment_label,
)
from pages.components.figures_timeline import ROW_LABEL_CHARS, row_label
from tests.pages.figure_kit import TODAY, case_file, lab

# ---------------------------------------------------------------------------------------------
# Timeline

TREATMENTS = (
    Treatment(
        treatment_id=11,
        patient_id=1,
        kind="endocrine",
        name="Letrozole",
        start_date=date(2023, 6, 1),
        end_date=date(2024, 8, 1),
    ),
    Treatment(
        treatment_id=12,
        patient_id=1,
        kind="radiotherapy",
        name="RT T9",
        start_date=date(2024, 9, 2),
        end_date=date(2024, 9, 6),
        dose_gy=Decimal("20"),
        fractions=5,
    ),
    Treatment(
        treatment_id=13,
        patient_id=1,
        kind="bone_modifying_agent",
        name="Zoledronic acid",
        start_date=date(2023, 7, 1),
        ongoing=True,
        dose_text="4 mg q12w",
    ),
    Treatment(
        treatment_id=14,
        patient_id=1,
        kind="surgery",
        name="IM nail left femur",
        start_date=date(2025, 1, 10),
    ),
)
EVENTS = (
    ClinicalEvent(event_id=21, patient_id=1, kind="diagnosis", event_date=date(2023, 5, 10)),
    ClinicalEvent(
        event_id=22,
        patient_id=1,
        kind="pathological_fracture",
        event_date=date(2025, 1, 8),
        description="left femur <script>",
    ),
    ClinicalEvent(event_id=23, patient_id=1, kind="radiotherapy_to_bone", event_date=date(2024, 9, 2)),
    ClinicalEvent(event_id=24, patient_id=1, kind="progression", event_date=date(2024, 8, 20)),
)


def timeline_case() -> CaseFile:
    study = ImagingStudy(
        study_id=31,
        patient_id=1,
        modality="mri",
        study_date=date(2024, 8, 15),
        region="whole spine",
    )
    return case_file(treatments=TREATMENTS, events=EVENTS, studies=(study,))


def test_timeline_has_every_treatment_as_a_bar() -> None:
    fig = timeline(timeline_case())
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    ids = [tid for t in bars for tid in t.customdata]
    texts = [text for t in bars for text in t.text]
    assert sorted(ids) == [11, 12, 13, 14]
    for treatment in TREATMENTS:
        assert any(treatment.name in text for text in texts)
    assert "RT T9 20 Gy / 5 fx" in texts
    assert "Zoledronic acid 4 mg q12w" in texts


def test_ongoing_treatment_runs_to_as_of() -> None:
    fig = timeline(timeline_case())
    trace = next(t for t in fig.data if isinstance(t, go.Bar) and 13 in t.customdata)
    i = list(trace.customdata).index(13)
    days = trace.x[i] / 86_400_000
    assert days == (TODAY - date(2023, 7, 1)).days


def test_timeline_has_every_event_with_a_symbol_per_kind() -> None:
    fig = timeline(timeline_case())
    event_traces = [t for t in fig.data if t.legendgroup == "event"]
    ids = sorted(e for t in event_traces for e in t.customdata)
    assert ids == [21, 22, 23, 24]
    symbols = [t.marker.symbol for t in event_traces]
    assert len(set(symbols)) == len(symbols)
    hover = " ".join(h for t in event_traces for h in t.hovertext)
    assert "<script>" not in hover
    assert "&lt;script&gt;" in hover


def test_timeline_lanes_and_mdt_markers() -> None:
    fig = timeline(
        timeline_case(),
        meetings=[(date(2025, 3, 5), "Weekly MDT")],
        decisions=[(date(2025, 3, 5), "Fix the left femur")],
    )
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks[:2] == ["Diagnosis & course", "Imaging"]
    assert ticks[-2:] == ["Skeletal-related events", "MDT"]
    # the treatment rows between them are named by their treatments; the lane by the legend
    assert sorted(ticks[2:-2]) == sorted(["Letrozole", "RT T9 20 Gy / 5 fx", "Zoledronic acid 4 mg q12w", "IM nail left femur"])
    assert {t.legendgrouptitle.text for t in fig.data if t.legendgroup == "treatment"} == {"Treatments"}
    names = {t.name for t in fig.data}
    assert {"MDT meeting", "MDT decision"} <= names
    zh = timeline(timeline_case(), labels=Labels.zh())
    assert zh.layout.title.text == "时间线"
    assert "治疗" in {t.legendgrouptitle.text for t in zh.data if t.legendgroup == "treatment"}
    assert "治疗" in timeline(case_file(), labels=Labels.zh()).layout.yaxis.ticktext  # no treatment: the lane's name


def test_overlapping_treatments_get_separate_rows() -> None:
    fig = timeline(timeline_case())
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    row = {tid: y for t in bars for tid, y in zip(t.customdata, t.y, strict=True)}
    assert row[11] != row[13]  # letrozole and zoledronic acid overlap in time


def test_treatment_label_prefers_dose_text() -> None:
    rt = TREATMENTS[1]
    assert treatment_label(rt) == "RT T9 20 Gy / 5 fx"
    assert treatment_label(rt, Labels.zh()) == "RT T9 20 Gy / 5 次"
    assert treatment_label(TREATMENTS[0]) == "Letrozole"


def test_timeline_of_a_bare_case_still_builds() -> None:
    fig = timeline(case_file())
    assert not [t for t in fig.data if isinstance(t, go.Bar)]


# ---------------------------------------------------------------------------------------------
# Laboratory trends


def test_corrected_calcium_is_decimal_and_quantised() -> None:
    labs = [lab("calcium", "1.88", date(2025, 1, 5)), lab("albumin", "24", date(2025, 1, 5))]
    [point] = corrected_calcium_points(labs)
    assert point.value == Decimal("2.20")
    assert isinstance(point.value, Decimal)
    assert point.corrected


def test_calcium_without_albumin_that_day_is_shown_raw_and_marked() -> None:
    labs = [lab("calcium", "2.40", date(2025, 1, 5)), lab("albumin", "24", date(2025, 1, 6))]
    [point] = corrected_calcium_points(labs)
    assert point == (date(2025, 1, 5), Decimal("2.40"), False)


def labs_case(primary: str = "breast") -> CaseFile:
    labs = []
    for month, (ca, alb) in enumerate((("1.88", "24"), ("2.50", "34"), ("3.10", None)), start=1):
        when = date(2025, month, 5)
        labs.append(lab("calcium", ca, when))
        if alb:
            labs.append(lab("albumin", alb, when))
        labs += [
            lab("creatinine", "80", when),
            lab("alp", "150", when),
            lab("hb", "120", when),
            lab("platelets", "210", when),
            lab("neutrophils", "4.1", when),
            lab("ca15_3", "45", when),
            lab("psa", "3.2", when),
        ]
    return case_file(primary, labs=tuple(labs))


def test_lab_figure_shades_the_five_calcium_bands() -> None:
    fig = lab_trends(labs_case())
    bands = {s.name: (s.y0, s.y1) for s in fig.layout.shapes if (s.name or "").startswith("calcium")}
    assert set(bands) == {f"calcium_band_{b}" for b in ("low", "normal", "mild", "moderate", "severe")}
    assert bands["calcium_band_low"][1] == 2.20
    assert bands["calcium_band_normal"] == (2.20, 2.60)
    assert bands["calcium_band_mild"] == (2.60, 3.00)
    assert bands["calcium_band_moderate"] == (3.00, 3.50)
    assert bands["calcium_band_severe"][0] == 3.50


def test_lab_figure_plots_corrected_calcium() -> None:
    fig = lab_trends(labs_case())
    calcium = next(t for t in fig.data if t.name == "Corrected calcium")
    assert list(calcium.customdata) == ["2.20", "2.62", "3.10"]
    assert list(calcium.marker.symbol) == ["circle", "circle", "circle-open"]


def test_lab_panels_units_and_tumour_marker_of_the_primary() -> None:
    fig = lab_trends(labs_case("breast"), crcl_points=[(date(2025, 1, 5), 64.0)])
    titles = [a.text for a in fig.layout.annotations]
    assert "Corrected calcium (mmol/L)" in titles
    assert "Creatinine (µmol/L)" in titles
    assert "CA15-3 (kU/L)" in titles
    assert not any("PSA" in t for t in titles)
    assert "Creatinine clearance" in {t.name for t in fig.data}
    prostate = lab_trends(labs_case("prostate"))
    assert "PSA (µg/L)" in [a.text for a in prostate.layout.annotations]
    kidney = lab_trends(labs_case("kidney"))  # no tumour marker for renal cancer
    assert len(kidney.layout.annotations) == len(prostate.layout.annotations) - 1


def test_lab_panels_without_data_are_omitted() -> None:
    cf = case_file(labs=(lab("hb", "101", date(2025, 2, 1)),))
    fig = lab_trends(cf)
    assert [a.text for a in fig.layout.annotations] == ["Haemoglobin (g/L)"]
    # no calcium bands: the one shape is haemoglobin's own reference band
    assert [s.name for s in fig.layout.shapes] == ["reference_hb"]


@pytest.mark.parametrize(
    ("labels", "message"),
    [(None, "No laboratory results recorded"), (Labels.zh(), "暂无检验结果")],
)
def test_no_labs_gives_the_annotation(labels: Labels | None, message: str) -> None:
    fig = lab_trends(case_file(), labels=labels)
    assert [a.text for a in fig.layout.annotations] == [message]
    assert not fig.data


# ---------------------------------------------------------------------------------------------
# Band colours


@pytest.mark.parametrize(
    ("band", "family"),
    [
        ("stable", "green"),
        ("low_risk", "green"),
        ("eligible", "green"),
        ("4.0_mg", "green"),
        ("indeterminate", "amber"),
        ("borderline", "amber"),
        ("intermediate_1c", "amber"),
        ("3.0_mg", "amber"),
        ("unstable", "red"),
        ("high_grade", "red"),
        ("lt_6_months", "red"),
        ("low", "red"),
        ("incomplete", "grey"),
        ("unknown", "grey"),
        ("no_such_band", "grey"),
    ],
)
def test_band_colour(band: str, family: str) -> None:
    families = {
        "green": band_colour("normal"),
        "amber": band_colour("mild"),
        "red": band_colour("severe"),
        "grey": band_colour("incomplete"),
    }
    assert len(set(families.values())) == 4
    assert band_colour(band) == families[family]


def test_band_colours_cover_the_risk_outline_bands() -> None:
    assert set(BAND_COLOURS) >= HIGH_RISK_BANDS


# --- the default window and the reference bands -------------------------------------------------

OLD_CHEMO = Treatment(
    treatment_id=15,
    patient_id=1,
    kind="chemotherapy",
    name="EC x4",
    start_date=date(2021, 1, 4),
    end_date=date(2021, 3, 29),
)


def test_default_window_is_the_last_12_months_and_drops_bars_that_ended_before_it() -> None:
    cf = timeline_case().model_copy(update={"treatments": (*TREATMENTS, OLD_CHEMO)})
    window = timeline_window(cf)
    assert window == (TODAY - timedelta(days=TIMELINE_DEFAULT_DAYS), TODAY)
    fig = timeline(cf, window=window)
    ids = sorted(tid for t in fig.data if isinstance(t, go.Bar) for tid in t.customdata)
    assert ids == [11, 12, 13, 14]  # the 2021 course takes no row in the window
    assert fig.layout.xaxis.range[0] < window[0].isoformat() < fig.layout.xaxis.range[1]
    # a course that began before the window is drawn from the window's first day, hover keeps its start
    zol = next(t for t in fig.data if isinstance(t, go.Bar) and 13 in t.customdata)
    i = list(zol.customdata).index(13)
    assert zol.base[i] == window[0].isoformat()
    assert "2023-07-01" in zol.hovertext[i]
    full = timeline(cf)
    assert 15 in [tid for t in full.data if isinstance(t, go.Bar) for tid in t.customdata]


def test_no_window_when_the_history_fits_in_12_months() -> None:
    cf = case_file().model_copy(
        update={"case": case_file().case.model_copy(update={"diagnosis_date": TODAY - timedelta(days=200)})}
    )
    assert timeline_window(cf) is None


@pytest.mark.parametrize(
    ("analyte", "value", "sex", "band"),
    [
        ("creatinine", "80", "female", (45.0, 90.0)),
        ("creatinine", "80", "male", (60.0, 110.0)),
        ("hb", "101", "male", (130.0, 180.0)),
        ("alp", "420", "female", (30.0, 130.0)),
        ("platelets", "90", "female", (150.0, 400.0)),
        ("neutrophils", "1.1", "female", (2.0, 7.5)),
        ("ca15_3", "88", "female", (0.0, 30.0)),
    ],
)
def test_each_lab_panel_has_its_reference_band_and_shows_it(
    analyte: str, value: str, sex: str, band: tuple[float, float]
) -> None:
    base = case_file()
    cf = base.model_copy(
        update={
            "patient": base.patient.model_copy(update={"sex": sex}),
            "labs": (lab(analyte, value, date(2025, 2, 1)), lab(analyte, value, date(2025, 4, 1))),
        }
    )
    fig = lab_trends(cf)
    shape = next(s for s in fig.layout.shapes if s.name == f"reference_{analyte}")
    assert (shape.y0, shape.y1) == band
    low, high = fig.layout.yaxis.range
    assert low <= min(band[0], float(value)) and high >= max(band[1], float(value))  # band and values in view


def test_every_analyte_has_a_reference_row_with_a_source() -> None:
    for analyte in Analyte:
        for sex in ("male", "female"):
            row = reference_for(analyte, Sex(sex))
            assert row is not None, analyte
            assert row.source and (row.lower is None or row.upper is None or row.lower < row.upper)


def test_treatment_names_sit_on_the_y_axis_and_the_date_axis_ends_with_the_record() -> None:
    """Names written after short, recent bars ran off a 1024 px plot, over the next bar and the
    "Today" line, and the date axis was stretched months past the last date to make room
    (browser walk, 2026-12). Each treatment row is now named on the y axis (wrapped), nothing is
    written after a bar, and the axis ends a few days after the record's last date."""
    late = Treatment(
        treatment_id=15,
        patient_id=1,
        kind="surgery",
        name="T9 subtotal corpectomy, titanium mesh with cement, posterior instrumentation T7-T11",
        start_date=date(2025, 1, 10),
        end_date=date(2025, 1, 10),
    )
    cf = case_file(treatments=(*TREATMENTS, late), events=EVENTS)
    fig = timeline(cf)
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    assert {t.textposition for t in bars} == {"none"}
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    row_of = {tid: y for t in bars for tid, y in zip(t.customdata, t.y, strict=True)}
    assert ticks[row_of[15]] == ("T9 subtotal corpectomy,<br>titanium mesh with cement,<br>posterior instrumentation…")
    assert ticks[row_of[13]] == "Zoledronic acid 4 mg q12w"
    last = max(_all_dates_of(cf))
    right = date.fromisoformat(str(fig.layout.xaxis.range[1])[:10])
    assert last < right <= last + timedelta(days=max((last - date(2023, 5, 10)).days // 25, 7))
    assert fig.layout.yaxis.automargin is True
    # the legend is under the plot, not beside it
    assert fig.layout.legend.orientation == "h"
    assert fig.layout.legend.y < 0


def _all_dates_of(cf: CaseFile) -> list[date]:
    return [cf.as_of, cf.case.referral_date, *(t.start_date for t in cf.treatments), *(e.event_date for e in cf.events)]


def test_row_labels_wrap_escape_and_share_a_row_per_name() -> None:
    assert row_label("Letrozole") == "Letrozole"
    assert row_label("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    zh = row_label("地舒单抗120毫克皮下注射每4周一次并补充钙剂和维生素D")
    assert all(len(line) <= ROW_LABEL_CHARS // 2 for line in zh.split("<br>"))
    # two courses of the same drug that do not overlap share one row; another drug gets its own
    courses = tuple(
        Treatment(treatment_id=30 + i, patient_id=1, kind="radiotherapy", name=name, start_date=start, end_date=start)
        for i, (name, start) in enumerate(
            (("RT T9 8 Gy", date(2024, 9, 2)), ("RT T9 8 Gy", date(2024, 12, 2)), ("RT L2 8 Gy", date(2024, 9, 3)))
        )
    )
    fig = timeline(case_file(treatments=courses))
    rows = {tid: y for t in fig.data if isinstance(t, go.Bar) for tid, y in zip(t.customdata, t.y, strict=True)}
    assert rows[30] == rows[31] != rows[32]


def test_chinese_date_ticks_carry_the_day_when_ticks_are_weeks_apart() -> None:
    """Over two months of labs Plotly ticks every two weeks, and the Chinese "%Y-%m" read
    "2026-10, 2026-10, 2026-11, 2026-11" (browser walk, 2026-12): the month format applies only
    where ticks are a month or more apart; English keeps Plotly's own labels."""
    cf = case_file(labs=(lab("hb", "120", date(2025, 4, 1)), lab("hb", "110", date(2025, 5, 20))))
    for fig in (lab_trends(cf, labels=Labels.zh()), timeline(cf, labels=Labels.zh())):
        axis = fig.layout.xaxis
        assert axis.tickformat is None
        stops = {tuple(stop.dtickrange): stop.value for stop in axis.tickformatstops}
        assert stops[(None, "M1")] == "%Y-%m-%d"
        assert stops[("M1", "M12")] == "%Y-%m"
    english = lab_trends(cf).layout.xaxis
    assert english.tickformat is None and not english.tickformatstops
