"""The PostgreSQL backend on its own: the store's guards, writers racing across sessions, and
``bonemdt move-store``. Runs whenever PostgreSQL's server programs are installed (a throwaway
cluster from tests/conftest.py), whatever ``BONEMDT_TEST_BACKEND`` says; skipped otherwise."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from core.models import Role
from db import audit
from db.cli import main
from db.connection import connect, transaction
from db.dialect import PgConnection, placeholders
from db.signatures import verify_signed
from tests.conftest import PgCluster, actor


@pytest.fixture
def pg(pg_url: str) -> PgConnection:
    con = connect(pg_url)
    assert isinstance(con, PgConnection)
    yield con
    con.close()


@pytest.fixture
def pg_demo(pg_cluster: PgCluster, pg_demo_template: str) -> PgConnection:
    name = pg_cluster.create(pg_demo_template)
    con = connect(pg_cluster.url(name))
    assert isinstance(con, PgConnection)
    yield con
    con.close()
    pg_cluster.drop(name)


def test_placeholders_leave_literals_and_comments_alone() -> None:
    sql = "SELECT '?', \"a?\", x LIKE 'T%' -- why?\n FROM t WHERE a = ? AND b = ?"
    assert placeholders(sql) == "SELECT '?', \"a?\", x LIKE 'T%%' -- why?\n FROM t WHERE a = %s AND b = %s"


def _columns(cur: object, schema: str) -> dict[str, list[tuple[str, str]]]:
    rows = cur.execute(  # type: ignore[attr-defined]
        "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
        " WHERE table_schema = ? ORDER BY table_name, ordinal_position",
        [schema],
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, nullable in rows:
        out.setdefault(str(table), []).append((str(column), str(nullable)))
    return out


def test_both_engines_migrate_to_the_same_tables_and_columns(pg: PgConnection, tmp_path: Path) -> None:
    from db.migrate import applied_versions, discover, migrate

    duck = duckdb.connect(str(tmp_path / "s.duckdb"))
    migrate(duck)
    assert applied_versions(pg) == applied_versions(duck) == [m.version for m in discover()]  # type: ignore[arg-type]
    assert _columns(pg, "public") == _columns(duck, "main")
    duck.close()


def test_a_failing_migration_rolls_back_on_postgresql(pg: PgConnection) -> None:
    from db.migrate import Migration, MigrationError, applied_versions, migrate

    store = pg  # typed as the DuckDB API the runner takes
    before = applied_versions(store)  # type: ignore[arg-type]
    broken = Migration(99, "break_things", "CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;")
    with pytest.raises(MigrationError, match="rolled back"):
        migrate(store, [broken])  # type: ignore[arg-type]
    assert applied_versions(store) == before  # type: ignore[arg-type]
    assert pg.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'").fetchone() == (0,)


def test_audit_log_is_append_only(pg_demo: PgConnection) -> None:
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(duckdb.Error, match="append-only"):
            pg_demo.execute(sql)
    assert audit.verify_chain(pg_demo).ok


def test_signed_decisions_are_immutable(pg_demo: PgConnection) -> None:
    row = pg_demo.execute("SELECT decision_id FROM decision WHERE status = 'signed' ORDER BY decision_id LIMIT 1").fetchone()
    assert row is not None
    did = row[0]
    refused = [
        ("UPDATE decision SET summary = 'x' WHERE decision_id = ?", [did]),
        ("DELETE FROM decision WHERE decision_id = ?", [did]),
        ("UPDATE plan_item SET text = 'x' WHERE decision_id = ?", [did]),
        ("DELETE FROM plan_item WHERE decision_id = ?", [did]),
        (
            "INSERT INTO plan_item (decision_id, position, kind, text, disposition) VALUES (?, 99, 'other', 'x', 'free_text')",
            [did],
        ),
        ("INSERT INTO emergency_decision (decision_id, marked_by, marked_at) VALUES (?, 1, current_timestamp)", [did]),
    ]
    for sql, params in refused:
        with pytest.raises(duckdb.Error, match="immutable"):
            pg_demo.execute(sql, params)
    with pytest.raises(duckdb.Error, match="never inserted signed"):
        pg_demo.execute(
            "INSERT INTO decision (case_id, version, predecessor_id, amendment_reason, status, outcome, decided_on,"
            " signed_by, signed_at, content_hash) VALUES (1, 99, ?, 'forged', 'signed', 'decided', current_date, 1,"
            " current_timestamp, 'forged')",
            [did],
        )
    assert verify_signed(pg_demo) == []


def test_a_failed_write_changes_nothing(pg: PgConnection) -> None:
    before = audit.head(pg)
    with pytest.raises(duckdb.ConstraintException), transaction(pg):
        audit.record(pg, actor(Role.ADMIN, 0), "create", "policy", "x")
        pg.execute("INSERT INTO policy (key, value) VALUES ('dexamethasone_mscc', 'duplicate')")
    assert audit.head(pg) == before


def test_writers_on_many_sessions_keep_one_audit_chain(pg: PgConnection) -> None:
    """Sessions stand for replicas: each writes on its own connection at the same time; the
    store's write lock gives every audit row the next link, none lost, none duplicated."""
    writers, each = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        con = pg.cursor()
        try:
            start.wait()
            for k in range(each):
                with transaction(con):
                    audit.record(con, actor(Role.ADMIN, 0), "update", "policy", f"{n}-{k}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            con.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = audit.verify_chain(pg)
    assert report.ok, report.problem
    ids = [r[0] for r in pg.execute("SELECT entity_id FROM audit_log WHERE entity = 'policy' AND action = 'update'").fetchall()]
    assert sorted(ids) == sorted(f"{n}-{k}" for n in range(writers) for k in range(each))


def test_replica_processes_writing_at_once_lose_nothing(pg_demo: PgConnection) -> None:
    """Three processes stand for three replicas (no lock in common but the store's): each writes
    lesions with their audit rows at the same time; every acknowledged lesion is stored once and
    the audit chain holds one unbroken sequence."""
    import subprocess
    import sys

    writer = Path(__file__).with_name("replica_writer.py")
    root = Path(__file__).resolve().parents[2]
    names, each = ("a", "b", "c"), 15
    before = audit.head(pg_demo)[0]
    procs = [
        subprocess.Popen(
            [sys.executable, str(writer), pg_demo.dsn, "1", name, str(each)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
        for name in names
    ]
    acked: list[int] = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
        acked += [int(line.split()[3]) for line in out.splitlines() if line.startswith("ACK ")]
    assert len(acked) == len(set(acked)) == len(names) * each
    stored = pg_demo.execute("SELECT lesion_id FROM lesion WHERE lesion_id = ANY(?)", [acked]).fetchall()
    assert sorted(r[0] for r in stored) == sorted(acked)
    report = audit.verify_chain(pg_demo)
    assert report.ok, report.problem
    assert report.rows >= before + len(acked)
    actors = pg_demo.execute("SELECT actor, count(*) FROM audit_log WHERE actor LIKE 'replica-%' GROUP BY actor").fetchall()
    assert sorted(actors) == [(f"replica-{n}", each) for n in names]


def test_a_stale_row_version_is_a_conflict_across_sessions(pg_demo: PgConnection) -> None:
    from core.errors import ConflictError
    from db.cases import get_case, update_case

    member = actor(Role.MEMBER, 9999)
    other = pg_demo.cursor()
    case = get_case(pg_demo, 1)
    update_case(other, member, get_case(other, 1), {"comorbidities": "diabetes"})
    with pytest.raises(ConflictError):
        update_case(pg_demo, member, case, {"comorbidities": "COPD"})
    other.close()
    assert get_case(pg_demo, 1).comorbidities == "diabetes"


def test_the_app_opens_a_postgresql_store(pg_cluster: PgCluster) -> None:
    """What the board does at start (db/store.py), on one database by two replicas at once:
    one migrates and loads the demo, the other waits and finds both done."""
    from db.store import Store, open_store

    url = pg_cluster.url(pg_cluster.create())
    opened: list[Store] = []
    start = threading.Barrier(2)

    def replica() -> None:
        start.wait()
        opened.append(open_store(url, demo=True))

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(opened) == 2
    first, second = opened
    try:
        assert first.path == second.path == url and first.chain_ok and second.chain_ok
        assert first.tampered_decisions == () == second.tampered_decisions
        cur = second.cursor()
        patients = cur.execute("SELECT count(*) FROM patient").fetchone()
        assert patients is not None and patients[0] > 50
        loads = cur.execute("SELECT count(*) FROM audit_log WHERE entity = 'demo_dataset'").fetchone()
        assert loads == (1,)
        cur.close()
    finally:
        first.conn.close()
        second.conn.close()


# ---------------------------------------------------------------------------------------------
# bonemdt move-store


def _snapshot(cur: object, tables: list[str]) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for table in tables:
        rows = cur.execute(f'SELECT * FROM "{table}"').fetchall()  # type: ignore[attr-defined]
        out[table] = sorted(rows, key=repr)
    return out


def test_move_store_copies_everything_and_verifies(
    demo_copy: Path, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_cluster.url(pg_cluster.create())
    assert main(["move-store", "--db", str(demo_copy), "--to", url]) == 0
    out = capsys.readouterr().out
    assert "moved to PostgreSQL" in out and "audit chain of" in out
    src = duckdb.connect(str(demo_copy), read_only=True)
    tables = [
        r[0] for r in src.execute("SELECT table_name FROM duckdb_tables() WHERE table_name NOT IN ('schema_version')").fetchall()
    ]
    before = _snapshot(src, tables)
    src.close()
    dst = connect(url)
    after = _snapshot(dst, tables)
    for table in tables:
        if table == "audit_log":  # plus the move's own row, chained to the source's head
            assert [r for r in after[table] if r[4] != "move_store"] == before[table]
        else:
            assert after[table] == before[table], table
    assert audit.verify_chain(dst).ok
    assert verify_signed(dst) == []
    last = dst.execute("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert last == ("move_store",)
    # the ids go on from the copied ones
    new = dst.execute(
        "INSERT INTO patient (mrn, mrn_folded, display_name, sex, birth_date) VALUES"
        " ('NEW-1', 'new-1', 'New', 'female', DATE '1960-01-01') RETURNING patient_id"
    ).fetchone()
    top = dst.execute("SELECT max(patient_id) FROM patient WHERE mrn <> 'NEW-1'").fetchone()
    assert new is not None and top is not None and new[0] > top[0]
    dst.close()


def test_move_store_refuses_a_non_empty_target(
    demo_copy: Path, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_cluster.url(pg_cluster.create())
    assert main(["move-store", "--db", str(demo_copy), "--to", url]) == 0
    dst = connect(url)
    count = dst.execute("SELECT count(*) FROM patient").fetchone()
    audit_rows = audit.head(dst)
    capsys.readouterr()
    assert main(["move-store", "--db", str(demo_copy), "--to", url]) == 1
    assert "not empty" in capsys.readouterr().err
    assert dst.execute("SELECT count(*) FROM patient").fetchone() == count
    assert audit.head(dst) == audit_rows
    dst.close()


def test_move_store_refuses_a_broken_chain_and_a_file_target(
    demo_copy: Path, pg_cluster: PgCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["move-store", "--db", str(demo_copy), "--to", str(tmp_path / "x.duckdb")]) == 1
    assert "PostgreSQL URL" in capsys.readouterr().err
    con = duckdb.connect(str(demo_copy))
    con.execute("DROP TRIGGER audit_log_no_update ON audit_log")
    con.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    con.close()
    url = pg_cluster.url(pg_cluster.create())
    assert main(["move-store", "--db", str(demo_copy), "--to", url]) == 1
    assert "audit chain is broken" in capsys.readouterr().err
    dst = connect(url)
    tables = dst.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'patient'").fetchone()
    assert tables == (0,)  # refused before the target was touched
    dst.close()


def test_move_store_with_another_secret_moves_nothing(
    demo_copy: Path, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from db import keys

    src_key = keys.key_for_path(demo_copy)
    url = pg_cluster.url(pg_cluster.create())
    dst = connect(url)
    from db.move import MoveError, move_store

    src = duckdb.connect(str(demo_copy))
    monkeypatch.setenv("BONEMDT_SECRET", "another-secret-of-at-least-thirty-two-characters")
    monkeypatch.setattr(keys, "key_for_path", lambda _path: src_key)  # the source keeps its own key
    assert isinstance(dst, PgConnection)
    with pytest.raises(MoveError, match="BONEMDT_SECRET"):
        move_store(src, dst)
    src.close()
    assert dst.execute("SELECT count(*) FROM patient").fetchone() == (0,)
    assert dst.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)
    dst.close()


# ---------------------------------------------------------------------------------------------
# bonemdt backup / restore on PostgreSQL (pg_dump with the authenticated manifest)


def test_backup_and_restore_through_pg_dump(
    pg_demo: PgConnection, pg_cluster: PgCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bk = tmp_path / "bk"
    assert main(["backup", str(bk), "--db", pg_demo.dsn]) == 0
    assert sorted(p.name for p in bk.iterdir()) == ["manifest.json", "store.dump"]
    tables = [
        r[0] for r in pg_demo.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").fetchall()
    ]
    before = _snapshot(pg_demo, tables)
    url = pg_cluster.url(pg_cluster.create())
    assert main(["restore", str(bk), "--db", url]) == 0
    dst = connect(url)
    after = _snapshot(dst, tables)
    for table in tables:
        if table == "audit_log":  # then the live store logged the backup, the copy its restore
            live, copy = sorted(before[table]), sorted(after[table])
            assert copy[:-1] == live[:-1]
            assert (live[-1][4], copy[-1][4]) == ("export", "restore")
        else:
            assert after[table] == before[table], table
    assert audit.verify_chain(dst).ok
    with pytest.raises(duckdb.Error, match="append-only"):
        dst.execute("DELETE FROM audit_log")
    capsys.readouterr()
    assert main(["restore", str(bk), "--db", url]) == 1  # the target is no longer empty
    assert "not empty" in capsys.readouterr().err
    dst.close()


def _assert_nothing_restored(url: str) -> None:
    dst = connect(url)
    try:
        assert dst.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone() == (0,)
    finally:
        dst.close()


def test_a_damaged_pg_dump_is_never_restored(
    pg_demo: PgConnection, pg_cluster: PgCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bk = tmp_path / "bk"
    assert main(["backup", str(bk), "--db", pg_demo.dsn]) == 0
    dump = bk / "store.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    url = pg_cluster.url(pg_cluster.create())
    capsys.readouterr()
    assert main(["restore", str(bk), "--db", url]) == 1
    assert "checksum" in capsys.readouterr().err
    _assert_nothing_restored(url)


def test_a_dump_with_a_recomputed_checksum_is_never_restored(
    pg_demo: PgConnection, pg_cluster: PgCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An attacker who edits the dump and writes its new checksum into the manifest cannot sign
    the manifest without the store's secret: nothing is restored (pg_restore never runs)."""
    import hashlib
    import json

    bk = tmp_path / "bk"
    assert main(["backup", str(bk), "--db", pg_demo.dsn]) == 0
    dump = bk / "store.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    manifest = json.loads((bk / "manifest.json").read_text(encoding="utf-8"))
    manifest["dump"]["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    (bk / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    url = pg_cluster.url(pg_cluster.create())
    capsys.readouterr()
    assert main(["restore", str(bk), "--db", url]) == 1
    assert "not signed with this store's secret" in capsys.readouterr().err
    _assert_nothing_restored(url)


def test_a_backup_made_with_another_secret_is_never_restored(
    pg_demo: PgConnection,
    pg_cluster: PgCluster,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bk = tmp_path / "bk"
    assert main(["backup", str(bk), "--db", pg_demo.dsn]) == 0
    monkeypatch.setenv("BONEMDT_SECRET", "another-deployment-secret-0123456789-abcdefghij")
    url = pg_cluster.url(pg_cluster.create())
    capsys.readouterr()
    assert main(["restore", str(bk), "--db", url]) == 1
    assert "not signed with this store's secret" in capsys.readouterr().err
    _assert_nothing_restored(url)


def test_a_session_holds_a_server_connection_only_while_it_needs_one(pg: PgConnection) -> None:
    """A page's or fragment's kept cursor must not pin a server process between statements (60
    sessions with a few cursors each exhausted max_connections); a transaction, a registered frame
    and a session lock keep theirs."""
    cur = pg.cursor()
    assert not cur.holds_connection
    assert cur.execute("SELECT 1").fetchall() == [(1,)]
    assert not cur.holds_connection
    cur.begin()
    cur.execute("SELECT count(*) FROM patient")
    assert cur.holds_connection
    cur.rollback()
    assert not cur.holds_connection
    cur.register("frame_t", pd.DataFrame({"x": [1, 2]}))
    assert cur.holds_connection
    assert cur.execute("SELECT sum(x) FROM frame_t").fetchone() == (3,)
    cur.unregister("frame_t")
    assert not cur.holds_connection
    with cur.session_lock(12345):
        assert cur.holds_connection
    assert not cur.holds_connection
    cur.close()
