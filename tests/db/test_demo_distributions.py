"""The demo dataset's distributions: the lecture's figures for sites, lesion types, primaries,
markers, performance, labs, imaging and treatments."""

from __future__ import annotations

import duckdb

from db.demo import (
    mirels_total,
    sins_total,
)
from db.demo_lecture import lecture_file
from tests.db import demo_kit
from tests.db.demo_kit import TODAY, one, q, rows

# the module's demo store (pytest finds fixtures by their own name)
store, cur, summary = demo_kit.store, demo_kit.cur, demo_kit.summary


# ---------------------------------------------------------------------------------------------
# Distributions (the lecture's figures)


def test_site_distribution(cur: duckdb.DuckDBPyConnection) -> None:
    n = one(cur, "SELECT count(*) FROM patient")

    def share(where: str) -> float:
        return one(cur, f"SELECT count(DISTINCT patient_id) FROM lesion WHERE {where}") / n

    assert 0.55 <= share("bone = 'spine'") <= 0.85
    assert 0.28 <= share("bone = 'pelvis'") <= 0.52
    long_bones = "bone IN ('femur', 'humerus', 'tibia', 'fibula', 'radius', 'ulna')"
    assert 0.15 <= share(long_bones) <= 0.35
    assert 0.12 <= share("bone = 'rib'") <= 0.32
    regions = dict(q(cur, "SELECT left(level, 1), count(*) FROM lesion WHERE bone = 'spine' GROUP BY 1"))
    assert regions["T"] > regions["L"] > regions["C"]


def test_lesion_type_distribution(cur: duckdb.DuckDBPyConnection) -> None:
    shares = dict(q(cur, "SELECT lesion_type, count(*) / sum(count(*)) OVER () FROM lesion GROUP BY 1"))
    assert 0.60 <= shares["lytic"] <= 0.85
    assert 0.08 <= shares["blastic"] <= 0.25
    assert 0.05 <= shares["mixed"] <= 0.2
    by_primary = dict(
        q(
            cur,
            """
        SELECT c.primary_tumour, avg((l.lesion_type = 'blastic')::INT) FROM lesion l
        JOIN (SELECT DISTINCT patient_id, primary_tumour FROM case_clinical) c USING (patient_id)
        GROUP BY 1""",
        )
    )
    assert by_primary["prostate"] > 0.6
    for primary in ("lung_nsclc", "kidney"):
        lytic = one(
            cur,
            "SELECT avg((l.lesion_type = 'lytic')::INT) FROM lesion l JOIN"
            " (SELECT DISTINCT patient_id, primary_tumour FROM case_clinical) c"
            " USING (patient_id) WHERE c.primary_tumour = ?",
            [primary],
        )
        assert lytic > 0.8, primary


def test_primary_distribution(cur: duckdb.DuckDBPyConnection) -> None:
    counts = dict(q(cur, "SELECT primary_tumour, count(DISTINCT patient_id) FROM case_clinical GROUP BY 1"))
    top = sorted(counts, key=counts.get, reverse=True)  # type: ignore[arg-type]
    assert set(top[:2]) <= {"breast", "prostate", "lung_nsclc"}
    assert "breast" in top[:2]
    assert counts["prostate"] >= counts.get("kidney", 0) > counts.get("myeloma", 0) > 0
    assert counts.get("thyroid", 0) > 0


def test_markers_consistent_with_primary(cur: duckdb.DuckDBPyConnection) -> None:
    assert (
        one(cur, "SELECT count(*) FROM case_clinical WHERE primary_tumour <> 'breast' AND coalesce(er, pr, her2) IS NOT NULL")
        == 0
    )
    assert (
        one(
            cur,
            "SELECT count(*) FROM case_clinical WHERE primary_tumour = 'breast' AND (er IS NULL OR pr IS NULL OR her2 IS NULL)",
        )
        == 0
    )
    assert (
        one(cur, "SELECT count(*) FROM case_clinical WHERE primary_tumour <> 'lung_nsclc' AND coalesce(egfr, alk) IS NOT NULL")
        == 0
    )
    assert one(cur, "SELECT count(*) FROM case_clinical WHERE primary_tumour = 'prostate' AND castration IS NULL") == 0
    assert (
        one(
            cur,
            "SELECT count(*) FROM case_clinical c JOIN patient p USING (patient_id)"
            " WHERE (c.primary_tumour = 'breast' AND p.sex = 'male')"
            " OR (c.primary_tumour = 'prostate' AND p.sex = 'female')",
        )
        == 0
    )
    psa_elsewhere = one(
        cur,
        """
        SELECT count(*) FROM lab_result l JOIN mdt_case c USING (patient_id)
        WHERE l.analyte = 'psa' AND c.primary_tumour <> 'prostate'""",
    )
    assert psa_elsewhere == 0


def test_performance_and_neurology(cur: duckdb.DuckDBPyConnection) -> None:
    assert one(cur, "SELECT count(*) FROM case_clinical WHERE ecog IS NULL") == 0
    null_kps = one(cur, "SELECT avg((kps IS NULL)::INT) FROM case_clinical")
    assert 0.08 <= null_kps <= 0.25
    assert one(cur, "SELECT count(*) FROM case_clinical WHERE kps IS NULL AND ecog = 1") >= 2
    crosswalk = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20)}
    for ecog, kps in q(cur, "SELECT ecog, kps FROM case_clinical WHERE kps IS NOT NULL"):
        assert kps in crosswalk[ecog]
    frankel = dict(q(cur, "SELECT frankel, count(*) FROM case_clinical GROUP BY 1"))
    assert frankel["E"] > 0.8 * sum(frankel.values())
    assert frankel.get("D", 0) > 0
    assert one(cur, "SELECT count(*) FROM case_clinical WHERE len(neuro_signs) > 0") >= 3
    assert one(cur, "SELECT count(DISTINCT pain_character) FROM case_clinical") == 3
    assert one(cur, "SELECT count(DISTINCT visceral_mets) FROM case_clinical") == 3
    assert (
        one(
            cur,
            "SELECT count(*) FROM case_clinical WHERE visceral_mets = 'none'"
            " AND (visceral_treatable IS NOT NULL OR visceral_removable IS NOT NULL)",
        )
        == 0
    )


def test_a_realistic_minority_is_high_risk(cur: duckdb.DuckDBPyConnection) -> None:
    lesions = rows(cur, "SELECT * FROM lesion")
    sins = [s for s in (sins_total(x) for x in lesions) if s is not None]
    mirels = [m for m in (mirels_total(x) for x in lesions) if m is not None]
    spinal = [x for x in lesions if x["bone"] in ("spine", "sacrum")]
    assert 0.02 <= sum(s >= 13 for s in sins) / len(sins) <= 0.2
    assert 1 <= sum(m >= 9 for m in mirels) <= 0.5 * len(mirels)
    assert 1 <= sum(x["bilsky"] in ("2", "3") for x in spinal) <= 0.12 * len(spinal)
    fractures = sum(x["pathological_fracture"] for x in lesions)
    assert fractures >= 3
    missing = sum(sins_total(x) is None for x in spinal if x["bone"] == "spine")
    assert 0.05 <= missing / len(spinal) <= 0.3


def test_skeletal_related_events_per_lecture(cur: duckdb.DuckDBPyConnection) -> None:
    n = one(cur, "SELECT count(*) FROM patient")
    share = {k: v / n for k, v in q(cur, "SELECT kind, count(DISTINCT patient_id) FROM clinical_event GROUP BY 1")}
    assert share["diagnosis"] == 1.0
    assert 0.05 <= share["pathological_fracture"] <= 0.4
    assert 0.06 <= share["hypercalcaemia"] <= 0.22
    assert 0.02 <= share["cord_compression"] <= 0.1
    assert 0.4 <= share["radiotherapy_to_bone"] <= 0.75
    assert share["surgery_to_bone"] > 0
    assert 1 <= share["death"] * n <= 5
    thoracic = one(
        cur,
        "SELECT avg((l.level LIKE 'T%')::INT) FROM clinical_event e"
        " JOIN lesion l USING (lesion_id) WHERE e.kind = 'cord_compression'",
    )
    assert thoracic >= 0.5


def test_labs_in_si_with_red_flags(cur: duckdb.DuckDBPyConnection) -> None:
    units = dict(q(cur, "SELECT DISTINCT analyte, unit FROM lab_result"))
    assert units["calcium"] == "mmol/L"
    assert units["creatinine"] == "µmol/L"
    assert units["psa"] == "µg/L"
    assert units["ca15_3"] == "kU/L"
    assert units["cea"] == "µg/L"
    points = q(cur, "SELECT count(DISTINCT taken_on) FROM lab_result GROUP BY patient_id")
    assert min(n for (n,) in points) >= 3
    latest = rows(
        cur,
        """
        WITH ca AS (SELECT patient_id, value, taken_on, row_number() OVER (PARTITION BY
                    patient_id ORDER BY taken_on DESC) rn FROM lab_result
                    WHERE analyte = 'calcium'),
             alb AS (SELECT patient_id, value, taken_on FROM lab_result WHERE analyte = 'albumin')
        SELECT ca.patient_id, ca.value + 0.02 * (40 - alb.value) AS corrected, ca.taken_on
        FROM ca JOIN alb ON alb.patient_id = ca.patient_id AND alb.taken_on = ca.taken_on
        WHERE rn = 1""",
    )
    high = [r for r in latest if r["corrected"] > 3.0]
    assert 2 <= len(high) <= 0.12 * len(latest)
    stale = one(
        cur,
        """
        SELECT count(*) FROM case_clinical c WHERE c.status IN ('listed', 'ready', 'referred')
        AND (SELECT max(taken_on) FROM lab_result l WHERE l.patient_id = c.patient_id
             AND l.analyte = 'calcium') < ? - INTERVAL '28 days'""",
        [TODAY],
    )
    assert stale >= 1
    low_counts = one(
        cur,
        """
        SELECT count(DISTINCT patient_id) FROM lab_result WHERE (analyte = 'neutrophils'
        AND value < 1.0) OR (analyte = 'platelets' AND value < 50) OR (analyte = 'hb'
        AND value < 80)""",
    )
    assert low_counts >= 2
    from core.scores.zoledronic import cockcroft_gault

    latest = rows(
        cur,
        """
        SELECT case_id, age, weight_kg, sex, value FROM (
            SELECT c.case_id, date_diff('year', p.birth_date, l.taken_on) AS age, c.weight_kg, p.sex, l.value,
                   row_number() OVER (PARTITION BY c.case_id ORDER BY l.taken_on DESC) AS newest
            FROM case_clinical c JOIN patient p USING (patient_id)
            JOIN lab_result l ON l.patient_id = c.patient_id AND l.analyte = 'creatinine'
        ) latest WHERE newest = 1""",
    )
    crcl = [
        {"crcl": float(cockcroft_gault(r["age"], r["weight_kg"], r["sex"], creatinine_umol_l=r["value"]))}
        for r in latest
        if r["weight_kg"] is not None
    ]
    assert sum(r["crcl"] < 30 for r in crcl) >= 2
    assert sum(30 <= r["crcl"] < 60 for r in crcl) >= 5


def test_imaging_mix_and_staleness(cur: duckdb.DuckDBPyConnection) -> None:
    modalities = {m for (m,) in q(cur, "SELECT DISTINCT modality FROM imaging_study")}
    assert modalities == {"xr", "ct", "mri", "bone_scan", "pet_ct", "psma_pet", "spect_ct"}
    assert (
        one(
            cur,
            "SELECT count(*) FROM imaging_study s JOIN mdt_case c USING (patient_id)"
            " WHERE s.modality = 'psma_pet' AND c.primary_tumour <> 'prostate'",
        )
        == 0
    )
    freshness = rows(
        cur,
        """
        SELECT c.case_id, m.meeting_date - max(s.study_date) AS age
        FROM case_clinical c JOIN agenda_item a USING (case_id) JOIN meeting m USING (meeting_id)
        JOIN imaging_study s ON s.patient_id = c.patient_id AND s.study_date <= m.meeting_date
        WHERE a.position >= 0 GROUP BY c.case_id, m.meeting_id, m.meeting_date""",
    )
    fresh = sum(r["age"] <= 56 for r in freshness) / len(freshness)
    assert 0.7 <= fresh < 1.0
    assert one(cur, "SELECT count(*) FROM imaging_study WHERE impression = ''") == 0


def test_treatments_per_primary(cur: duckdb.DuckDBPyConnection) -> None:
    kinds = {k for (k,) in q(cur, "SELECT DISTINCT kind FROM treatment")}
    assert {
        "surgery",
        "radiotherapy",
        "chemotherapy",
        "endocrine",
        "targeted",
        "bone_modifying_agent",
        "analgesia",
        "steroid",
        "radionuclide",
    } <= kinds
    assert (
        one(
            cur,
            "SELECT count(*) FROM treatment WHERE kind = 'radiotherapy'"
            " AND (dose_gy IS NULL OR fractions IS NULL OR lesion_id IS NULL)",
        )
        == 0
    )
    assert (
        one(cur, "SELECT count(*) FROM treatment WHERE kind <> 'radiotherapy' AND (dose_gy IS NOT NULL OR fractions IS NOT NULL)")
        == 0
    )
    schedules = set(q(cur, "SELECT DISTINCT dose_gy::INT, fractions FROM treatment WHERE kind = 'radiotherapy'"))
    assert {(8, 1), (20, 5), (30, 10)} <= schedules
    names = {n for (n,) in q(cur, "SELECT DISTINCT name FROM treatment")}
    assert {
        "Zoledronic acid",
        "Denosumab",
        "Letrozole",
        "Goserelin",
        "Abiraterone",
        "Osimertinib",
        "Sunitinib",
        "Oxycodone CR",
        "Tramadol",
    } <= names
    cs_bma = one(
        cur,
        """
        SELECT count(*) FROM treatment t JOIN mdt_case c USING (patient_id)
        WHERE t.kind = 'bone_modifying_agent' AND c.primary_tumour = 'prostate'
        AND c.castration = 'sensitive'""",
    )
    assert cs_bma == 0


def test_treatment_histories_are_coherent(cur: duckdb.DuckDBPyConnection) -> None:
    """An operation is a dated event, never "ongoing"; a breast cancer patient is on one endocrine
    agent at a time (lecture case 2: tamoxifen ends at progression, letrozole starts after)."""
    assert one(cur, "SELECT count(*) FROM treatment WHERE kind = 'surgery' AND (ongoing OR end_date IS NULL)") == 0
    overlapping = q(
        cur,
        """
        SELECT a.patient_id, a.name, b.name FROM treatment a
        JOIN treatment b ON a.patient_id = b.patient_id AND a.treatment_id < b.treatment_id
        JOIN mdt_case c ON c.patient_id = a.patient_id
        WHERE a.kind = 'endocrine' AND b.kind = 'endocrine' AND c.primary_tumour = 'breast'
          AND a.start_date <= coalesce(b.end_date, DATE '9999-12-31')
          AND b.start_date <= coalesce(a.end_date, DATE '9999-12-31')""",
    )
    assert overlapping == []
    case2 = dict(
        q(
            cur,
            "SELECT t.name, t.end_date FROM treatment t JOIN patient p USING (patient_id)"
            " WHERE p.mrn = ? AND t.kind = 'endocrine'",
            [lecture_file(2)["patient"]["mrn"]],
        )
    )
    assert case2["Tamoxifen"] is not None


def test_plan_items_carry_rules_and_reasons(cur: duckdb.DuckDBPyConnection) -> None:
    dispositions = dict(q(cur, "SELECT disposition, count(*) FROM plan_item GROUP BY 1"))
    assert set(dispositions) == {"accepted", "modified", "rejected", "free_text"}
    assert one(cur, "SELECT count(*) FROM plan_item WHERE disposition IN ('modified', 'rejected') AND trim(reason) = ''") == 0
    assert one(cur, "SELECT count(*) FROM plan_item WHERE disposition <> 'free_text' AND rule_id IS NULL") == 0
    rules = {r for (r,) in q(cur, "SELECT DISTINCT rule_id FROM plan_item")}
    assert {"RT-PAIN-LONG", "ORTHO-MIRELS-HIGH", "ONC-BMA", "PAIN-STEP3", "EMERG-MSCC"} <= rules
