"""Score history (``score_snapshot``) and batch scoring on real temp stores."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest

from core.derive import PATIENT_SCORES, CaseScores, derive_scores
from core.models import Actor, Alignment, Analyte, CaseFile, Collapse, LabResult
from core.policy import Policy
from db import clinical
from db.board import load_board
from db.demo import lecture_case_id
from db.policies import load_policy
from db.scores import (
    BatchResult,
    latest_bands,
    load_case_files,
    record_snapshots,
    score_all,
    score_histories,
    score_history,
    snapshot_rows,
)

T0 = datetime(2026, 1, 5, 9, 0)
T1 = T0 + timedelta(hours=1)
T2 = T0 + timedelta(hours=2)


def count(cur: duckdb.DuckDBPyConnection, where: str = "TRUE", params: list | None = None) -> int:
    return cur.execute("SELECT count(*) FROM score_snapshot WHERE " + where, params or []).fetchall()[0][0]


def record(cur: duckdb.DuckDBPyConnection, case_id: int, at: datetime) -> int:
    return record_snapshots(cur, case_id, load_board(cur, case_id).scores, computed_at=at)


def spinal_lesion(cur: duckdb.DuckDBPyConnection, case_id: int, level: str):
    lesions = load_board(cur, case_id).cf.lesions
    return next(lesion for lesion in lesions if lesion.level == level)


# ---------------------------------------------------------------------------------------------
# record_snapshots


def test_first_record_writes_every_score(demo_cur: duckdb.DuckDBPyConnection) -> None:
    case_id = lecture_case_id(demo_cur, 2)
    scores = load_board(demo_cur, case_id).scores
    written = record_snapshots(demo_cur, case_id, scores, computed_at=T0)
    # 10 patient scores + SINS and Bilsky for T9 + the patient-level (worst-lesion) SINS, Bilsky
    assert written == len(scores.patient) + len(scores.per_lesion) + 2 == 14
    assert count(demo_cur, "case_id = ?", [case_id]) == written
    row = demo_cur.execute(
        "SELECT total, band, inputs_json, inputs_hash, computed_at FROM score_snapshot"
        " WHERE case_id = ? AND score_id = 'sins' AND lesion_id IS NOT NULL",
        [case_id],
    ).fetchall()
    sins = scores.max_sins
    assert sins is not None
    assert row == [(Decimal("11.0000"), "indeterminate", row[0][2], sins.hash, T0)]
    assert '"level":"T9"' in row[0][2]
    assert '"vertebral_body_collapse":"lt_50_collapse"' in row[0][2]


def test_unchanged_inputs_write_nothing(demo_cur: duckdb.DuckDBPyConnection) -> None:
    case_id = lecture_case_id(demo_cur, 2)
    assert record(demo_cur, case_id, T0) > 0
    assert record(demo_cur, case_id, T1) == 0
    assert record(demo_cur, case_id, T2) == 0
    assert len(score_history(demo_cur, case_id, "tomita")) == 1


def test_lesion_change_writes_new_rows_and_history_shows_both(demo_cur: duckdb.DuckDBPyConnection, member: Actor) -> None:
    case_id = lecture_case_id(demo_cur, 2)
    record(demo_cur, case_id, T0)
    t9 = spinal_lesion(demo_cur, case_id, "T9")
    assert t9.alignment == Alignment.NORMAL
    clinical.update_lesion(demo_cur, member, t9, {"alignment": "de_novo_deformity"})

    written = record(demo_cur, case_id, T1)

    # The T9 SINS and the patient's SINS moved; Bilsky and the patient scores did not.
    assert written == 2
    lesion_history = score_history(demo_cur, case_id, "sins", t9.lesion_id)
    patient_history = score_history(demo_cur, case_id, "sins")
    for history in (lesion_history, patient_history):
        assert list(history.columns) == ["computed_at", "total", "band"]
        assert list(history["computed_at"]) == [T0, T1]
        assert list(history["total"]) == [11, 13]
        assert list(history["band"]) == ["indeterminate", "unstable"]
    assert len(score_history(demo_cur, case_id, "bilsky_escc", t9.lesion_id)) == 1


def test_score_histories_read_every_patient_score_at_once(demo_cur: duckdb.DuckDBPyConnection, member: Actor) -> None:
    """The board's one query: each patient-level score's history, the same rows and order as
    score_history reads for that score alone; lesion-level rows are not in it."""
    case_id = lecture_case_id(demo_cur, 2)
    record(demo_cur, case_id, T0)
    t9 = spinal_lesion(demo_cur, case_id, "T9")
    clinical.update_lesion(demo_cur, member, t9, {"alignment": "de_novo_deformity"})
    record(demo_cur, case_id, T1)

    every = score_histories(demo_cur, case_id)
    patient_ids = {
        r[0]
        for r in demo_cur.execute(
            "SELECT DISTINCT score_id FROM score_snapshot WHERE case_id = ? AND lesion_id IS NULL", [case_id]
        ).fetchall()
    }
    assert set(every) == patient_ids and "sins" in every
    for score_id, frame in every.items():
        alone = score_history(demo_cur, case_id, score_id)
        assert list(frame.columns) == ["computed_at", "total", "band"]
        assert frame.astype(str).values.tolist() == alone.astype(str).values.tolist()
    assert list(every["sins"]["total"]) == [11, 13]
    assert score_histories(demo_cur, 10**9) == {}


def test_lab_change_writes_new_rows(demo_cur: duckdb.DuckDBPyConnection, member: Actor) -> None:
    # A case whose latest calcium predates today (a same-day repeat would not be the latest:
    # CaseFile.latest_lab keeps the first result of a day).
    case_id, patient_id = demo_cur.execute(
        "SELECT c.case_id, c.patient_id FROM mdt_case c JOIN lab_result l USING (patient_id)"
        " WHERE l.analyte = 'calcium' GROUP BY c.case_id, c.patient_id"
        " HAVING max(l.taken_on) BETWEEN current_date - 30 AND current_date - 1"
        " ORDER BY c.case_id LIMIT 1"
    ).fetchall()[0]
    record(demo_cur, case_id, T0)
    clinical.add(
        demo_cur,
        member,
        LabResult(patient_id=patient_id, analyte=Analyte.CALCIUM, value=Decimal("3.40"), unit="mmol/L", taken_on=date.today()),
    )

    assert record(demo_cur, case_id, T1) > 0

    history = score_history(demo_cur, case_id, "corrected_calcium")
    assert list(history["computed_at"]) == [T0, T1]
    assert history["total"].iloc[0] != history["total"].iloc[1]
    assert len(score_history(demo_cur, case_id, "tomita")) == 1


def test_per_lesion_snapshots_are_keyed_by_lesion(demo_cur: duckdb.DuckDBPyConnection, member: Actor) -> None:
    case_id = lecture_case_id(demo_cur, 1)  # L2 and T10 in the spine
    record(demo_cur, case_id, T0)
    l2 = spinal_lesion(demo_cur, case_id, "L2")
    t10 = spinal_lesion(demo_cur, case_id, "T10")
    keys = demo_cur.execute(
        "SELECT lesion_id, score_id FROM score_snapshot WHERE case_id = ? AND lesion_id IS NOT NULL ORDER BY lesion_id, score_id",
        [case_id],
    ).fetchall()
    assert keys == [
        (l2.lesion_id, "bilsky_escc"),
        (l2.lesion_id, "sins"),
        (t10.lesion_id, "bilsky_escc"),
        (t10.lesion_id, "sins"),
    ]
    # A change to the T10 lesion that leaves it below L2's SINS 7 touches T10's key only.
    clinical.update_lesion(demo_cur, member, t10, {"collapse": Collapse.LT_50.value})
    assert record(demo_cur, case_id, T1) == 1
    assert len(score_history(demo_cur, case_id, "sins", t10.lesion_id)) == 2
    assert len(score_history(demo_cur, case_id, "sins", l2.lesion_id)) == 1
    assert list(score_history(demo_cur, case_id, "sins")["total"]) == [7]


def test_latest_bands_gives_the_latest_patient_level_row(demo_cur: duckdb.DuckDBPyConnection, member: Actor) -> None:
    case_id = lecture_case_id(demo_cur, 2)
    record(demo_cur, case_id, T0)
    t9 = spinal_lesion(demo_cur, case_id, "T9")
    clinical.update_lesion(demo_cur, member, t9, {"alignment": "de_novo_deformity"})
    record(demo_cur, case_id, T1)

    bands = latest_bands(demo_cur)

    assert list(bands.columns) == ["case_id", "score_id", "band", "total"]
    mine = bands[bands["case_id"] == case_id].set_index("score_id")
    assert mine.index.is_unique
    assert set(mine.index) == {*PATIENT_SCORES, "sins", "bilsky_escc"} - {"radium_223"}
    assert mine.loc["sins", "band"] == "unstable"
    assert mine.loc["sins", "total"] == 13
    assert mine.loc["frankel", "band"] == "E"  # three weeks after the corpectomy


def test_empty_store(cur: duckdb.DuckDBPyConnection) -> None:
    assert score_all(cur).cases == 0
    assert latest_bands(cur).empty
    assert score_history(cur, 1, "sins").empty


# ---------------------------------------------------------------------------------------------
# score_all


@pytest.mark.slow
def test_score_all_scores_every_case_and_is_idempotent(
    demo_cur: duckdb.DuckDBPyConnection,
) -> None:
    n_cases = demo_cur.execute("SELECT count(*) FROM mdt_case").fetchall()[0][0]

    first = score_all(demo_cur)

    assert isinstance(first, BatchResult)
    assert first.cases == n_cases
    assert first.snapshots_written == count(demo_cur) > n_cases * len(PATIENT_SCORES) - n_cases
    scored = demo_cur.execute("SELECT count(DISTINCT case_id) FROM score_snapshot").fetchall()
    assert scored == [(n_cases,)]
    assert first.seconds > 0
    assert first.cases_per_second > 0
    assert score_all(demo_cur).snapshots_written == 0
    # The single-case path agrees with the batch: nothing new for an unchanged case.
    assert record(demo_cur, lecture_case_id(demo_cur, 2), datetime.now()) == 0


@pytest.mark.slow
def test_score_all_writes_only_changed_cases(demo_cur: duckdb.DuckDBPyConnection, member: Actor) -> None:
    score_all(demo_cur)
    case_id = lecture_case_id(demo_cur, 2)
    t9 = spinal_lesion(demo_cur, case_id, "T9")
    clinical.update_lesion(demo_cur, member, t9, {"alignment": "de_novo_deformity"})
    # Every case of the patient (one episode here) gets its T9 and patient SINS rows.
    episodes = demo_cur.execute("SELECT count(*) FROM mdt_case WHERE patient_id = ?", [t9.patient_id]).fetchall()[0][0]

    assert score_all(demo_cur).snapshots_written == 2 * episodes


@pytest.mark.slow
def test_chunk_size_does_not_change_the_result(demo_cur: duckdb.DuckDBPyConnection) -> None:
    big = score_all(demo_cur, chunk=2000)
    demo_cur.execute("DELETE FROM score_snapshot")
    small = score_all(demo_cur, chunk=7)
    assert small.cases == big.cases
    assert small.snapshots_written == big.snapshots_written


def test_batch_derivation_equals_load_board(demo_cur: duckdb.DuckDBPyConnection) -> None:
    policy = load_policy(demo_cur)
    files = load_case_files(demo_cur, 1, 10**12, date.today(), policy)
    at = datetime(2026, 1, 1)
    sample = files[::7] + [f for f in files if f.case.lecture_case is not None]
    assert len(sample) >= 25
    for cf in sample:
        assert cf.case.case_id is not None
        board = load_board(demo_cur, cf.case.case_id)
        batch = derive_scores(cf, policy)
        assert batch == board.scores, f"case {cf.case.case_id}"
        assert snapshot_rows(1, batch, at) == snapshot_rows(1, board.scores, at)


def test_batch_lab_cut_keeps_the_latest_old_lab(
    demo_cur: duckdb.DuckDBPyConnection,
) -> None:
    """Scoring a year back: the window moves and 'too old' messages still match the board."""
    policy = load_policy(demo_cur)
    as_of = date.today() - timedelta(days=365)
    ids = [r[0] for r in demo_cur.execute("SELECT case_id FROM mdt_case ORDER BY case_id LIMIT 20").fetchall()]
    for cf in load_case_files(demo_cur, ids[0], ids[-1], as_of, policy):
        assert cf.case.case_id is not None
        board = load_board(demo_cur, cf.case.case_id, as_of)
        assert derive_scores(cf, policy) == board.scores, f"case {cf.case.case_id}"


def test_chunk_must_be_positive(cur: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="chunk"):
        score_all(cur, chunk=0)


@pytest.mark.slow
def test_a_failing_case_is_listed_and_the_rest_scored(
    demo_cur: duckdb.DuckDBPyConnection,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import db.scores

    bad = lecture_case_id(demo_cur, 3)

    def derive(cf: CaseFile, policy: Policy) -> CaseScores:
        if cf.case.case_id == bad:
            raise ValueError("boom")
        return derive_scores(cf, policy)

    monkeypatch.setattr(db.scores, "derive_scores", derive)
    result = score_all(demo_cur, chunk=50)

    assert result.failed == (bad,)
    assert count(demo_cur, "case_id = ?", [bad]) == 0
    assert demo_cur.execute("SELECT count(DISTINCT case_id) FROM score_snapshot").fetchall() == [(result.cases - 1,)]
    assert f"scoring case {bad} failed (ValueError)" in caplog.text
