"""A thread-safe pacer: calls through it never exceed a rate, with no burst.

Temporal's task-queue rate limit bounds activity starts fleet-wide but lets a second's worth
through at once, and one activity may make many calls (a result fetch pages through NextTokens);
this paces the calls themselves inside a worker process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until this caller's slot; slots are ``1/per_second`` apart."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self._sleep(slot - now)
