"""The app's clock for session limits and meeting timers, with a test hook.

Browser tests cannot wait 15 minutes to see the idle limit: with ``BONEMDT_TEST_CLOCK_FILE``
naming a file that holds a number of seconds, the clock runs that far ahead of the wall clock
(the file is re-read when it changes, so a test moves time forward while the server runs). The
hook is honoured only on a demo store (``BONEMDT_DEMO=1``); on a production store the variable
is ignored and logged once.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from db.store import SettingsError, demo_enabled

log = logging.getLogger("bonemdt.clock")

TEST_CLOCK_ENV = "BONEMDT_TEST_CLOCK_FILE"
_lock = threading.Lock()
_cache: dict[str, tuple[int, float]] = {}
_warned = [False]
# The wall clock (a unit test replaces it to pin "now"; browser tests use the offset file).
wall = time.time


def _offset() -> float:
    name = os.environ.get(TEST_CLOCK_ENV, "").strip()
    if not name:
        return 0.0
    try:
        demo = demo_enabled()
    except SettingsError:
        demo = False
    if not demo:
        if not _warned[0]:
            _warned[0] = True
            log.warning("%s is ignored outside a demo store", TEST_CLOCK_ENV)
        return 0.0
    path = Path(name)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return 0.0
    with _lock:
        cached = _cache.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            value = float(path.read_text(encoding="utf-8").strip() or 0)
        except (OSError, ValueError):
            value = 0.0
        _cache[name] = (stamp, value)
        return value


def now() -> float:
    """Seconds since the epoch (wall clock plus the test offset, if any)."""
    return wall() + _offset()


def utc_now() -> datetime:
    """Naive UTC, like the stored timestamps."""
    return datetime.fromtimestamp(now(), UTC).replace(tzinfo=None)
