"""A thread-safe pacer: calls through it never exceed a rate, with no burst.

Temporal's task-queue rate limit bounds activity starts fleet-wide but lets a second's worth
through at once, and one activity may make many calls (a result fetch pages through NextTokens);
this paces the calls themselves inside a worker process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Calls leave the pacer evenly spaced but reach Textract after a variable delay (a busy
# interpreter, the network), so two can arrive closer than they left: pacing a little under the
# quota keeps the rate Textract sees under it. 0.85 kept a 10/s quota at 10 or less per
# sliding second in bench/inflight.py on a saturated 2-core worker.
HEADROOM = 0.85


class Pacer:
    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        headroom: float = HEADROOM,
    ) -> None:
        if per_second <= 0 or not 0 < headroom <= 1:
            raise ValueError("per_second must be positive and headroom in (0, 1]")
        self.interval = 1.0 / (per_second * headroom)
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until this caller's slot; slots are ``1/(per_second × headroom)`` apart."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self._sleep(slot - now)
