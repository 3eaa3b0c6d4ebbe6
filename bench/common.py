"""Shared helpers of the benchmarks: timers, medians, a printed table, JSON results.

Benchmarks print figures and write ``bench/results/<name>.json``; they never assert.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BENCH_DIR_ENV = "BONEMDT_BENCH_DIR"


def store_dir() -> Path:
    """Where benchmark stores live (outside the repo): $BONEMDT_BENCH_DIR or a temp folder."""
    path = Path(os.environ.get(BENCH_DIR_ENV) or Path(tempfile.gettempdir()) / "bonemdt-bench")
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Timer:
    seconds: float = 0.0
    _start: float = field(default=0.0, repr=False)


@contextmanager
def timed() -> Iterator[Timer]:
    """``with timed() as t: ...`` then ``t.seconds``."""
    t = Timer(_start=time.perf_counter())
    try:
        yield t
    finally:
        t.seconds = time.perf_counter() - t._start


@dataclass(frozen=True)
class Sample:
    """Wall times of repeated runs, in milliseconds."""

    runs_ms: tuple[float, ...]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)

    @property
    def p90_ms(self) -> float:
        ordered = sorted(self.runs_ms)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]

    @property
    def min_ms(self) -> float:
        return min(self.runs_ms)

    def as_dict(self) -> dict[str, Any]:
        return {
            "median_ms": round(self.median_ms, 2),
            "p90_ms": round(self.p90_ms, 2),
            "min_ms": round(self.min_ms, 2),
            "runs": len(self.runs_ms),
        }


def sample(fn: Callable[[int], object], runs: int, *, warmup: int = 1) -> Sample:
    """Call ``fn(i)`` ``warmup`` times untimed, then ``runs`` times timed."""
    for i in range(warmup):
        fn(-1 - i)
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return Sample(tuple(times))


def machine() -> dict[str, Any]:
    import duckdb
    import pydantic

    info: dict[str, Any] = {
        "when_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pydantic": pydantic.VERSION,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }
    try:
        import streamlit

        info["streamlit"] = streamlit.__version__
    except ImportError:  # pragma: no cover - streamlit is a dependency
        pass
    if hasattr(os, "getloadavg"):
        info["loadavg_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    return info


def write_json(name: str, payload: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>.json`` (with the machine's description) and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    body = {"benchmark": name, "machine": machine(), **payload}
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain aligned table on stdout."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.2f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    text = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in text)) if text else len(h) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in text:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))
    sys.stdout.flush()


def parse_sizes(argv: Sequence[str], default: Sequence[int]) -> list[int]:
    """``--sizes 100,5000`` on the command line, else ``default``."""
    if "--sizes" in argv:
        raw = argv[list(argv).index("--sizes") + 1]
        return [int(x.replace("_", "")) for x in raw.split(",") if x]
    return list(default)
