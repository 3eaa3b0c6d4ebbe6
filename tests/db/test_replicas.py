"""Two app replicas on one PostgreSQL, written through both at once: nothing lost or doubled.

The deployment is the real one of ``deploy.local.LocalDeployment``: a loopback PostgreSQL cluster
(fsync on), two ``streamlit run`` replicas and nginx in front. Six WebSocket sessions (the load
bench's simulated users, bench/load_sessions.py: chair, coordinator, member in turn) go through
the proxy with affinity cookies drawn from it so that three land on each replica, and for about
20 s mostly send referrals through the form on the cases page. Afterwards the store check of the
load bench (bench/load_store.py) must hold: every acknowledged referral is stored exactly once
(patient by MRN, its case, one ``create`` audit row each), nothing else under the bench's MRNs,
the audit hash chain verifies — and each replica acknowledged writes of its own.

Bounded throughout: the deployment's starts have their own deadlines, the sessions a hard stop,
every request a timeout; no figure depends on the clock beyond those bounds.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from db.pg_local import pg_bin
from tests.conftest import in_fresh_thread

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

pytestmark = pytest.mark.slow

SESSIONS = 6
DURATION_S = 20.0
REQUEST_TIMEOUT_S = 90.0


@pytest.fixture
def folder() -> Iterator[Path]:
    """The deployment's folder: as root PostgreSQL runs as ``postgres`` and must reach its own
    folder below this one, which pytest's private tmp_path does not allow; so a searchable one."""
    path = Path(tempfile.mkdtemp(prefix="bonemdt-replicas-"))
    path.chmod(0o711)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_two_replicas_written_concurrently_lose_and_double_nothing(folder: Path) -> None:
    from deploy.local import nginx_bin

    if pg_bin() is None or nginx_bin() is None:
        pytest.skip("needs PostgreSQL's server programs and nginx (Debian: postgresql, nginx-light)")
    from load_servers import PgTarget
    from load_sessions import Plan, Tally, routes_per_upstream, run_level, warm_up
    from load_store import store_facts, verify

    target = PgTarget(folder, 2, via="proxy")
    tally = Tally()
    check: dict[str, Any]
    try:
        target.start()
        replicas = target.replica_ports
        before = store_facts(target.store, target.env)
        plan = Plan(
            target.ports,
            SESSIONS,
            DURATION_S,
            (0.3, 1.0),
            0.7,  # mostly writes
            REQUEST_TIMEOUT_S,
            tuple(before["case_ids"]),
            seed=14,
            tag="rt",
            prime_cookies=True,
            cookies=tuple(routes_per_upstream(target.ports[0], replicas, SESSIONS // 2)),
        )
        in_fresh_thread(lambda: asyncio.run(asyncio.wait_for(warm_up(plan, tally, replicas), timeout=600)))
        in_fresh_thread(lambda: asyncio.run(run_level(plan, tally)))
        check = verify(target.store, tally, before, target.env)
    finally:
        target.stop()

    # Timeouts on a busy machine are tolerated (their writes are checked either way); nothing else.
    for seen in (tally.errors, tally.warm_errors):
        errors = {kind: n for kind, n in seen.items() if not kind.endswith(":timeout")}
        assert errors == {}, errors
    assert check["acknowledged_writes_missing"] == [], check["acknowledged_writes_missing"]
    assert check["lost_writes"] == 0
    assert check["duplicates"] == 0
    assert check["audit_chain_ok"], check["audit_chain_problem"]
    assert check["ok"], check
    by_replica = {p: sum(1 for w in tally.acked if w["port"] == p) for p in replicas}
    assert all(n >= 1 for n in by_replica.values()), f"each replica must acknowledge writes: {by_replica}"
    assert check["bench_patients_in_store"] == len(tally.acked) + check["unacknowledged_but_stored"]
