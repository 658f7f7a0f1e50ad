"""Pacers: calls through one never exceed a rate, with no burst.

Temporal's task-queue rate limit bounds activity starts fleet-wide but lets a second's worth
through at once, and one activity may make many calls (a result fetch pages through NextTokens);
a pacer paces the calls themselves. ``Pacer`` does it inside one worker process; ``FleetPacer``
for every worker sharing a Redis, so N workers together keep to the rate, not N times it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

import redis

log = logging.getLogger(__name__)

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


class Paces(Protocol):
    def wait(self) -> None: ...


# One slot after another, on Redis's clock (the workers' clocks may disagree): the key holds the
# next free slot in microseconds; a caller takes max(now, next) and learns how long to sleep.
# The key outlives the last slot it hands out by a second, so an idle fleet leaves nothing behind.
_CLAIM_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local after = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', after), 'PX', math.ceil((after - now) / 1000) + 1000)
return slot - now
"""


class FleetPacer:
    """A ``Pacer`` shared through Redis by every worker that uses the same key.

    If Redis cannot be reached, each process paces itself at the whole rate (the fleet may then
    exceed it, by at most the number of workers), and says so once per outage.
    """

    def __init__(
        self,
        client: redis.Redis,
        key: str,
        per_second: float,
        sleep: Callable[[float], None] = time.sleep,
        headroom: float = HEADROOM,
    ) -> None:
        self._local = Pacer(per_second, sleep=sleep, headroom=headroom)
        self.interval = self._local.interval
        self._key = key
        self._claim = client.register_script(_CLAIM_SLOT)
        self._sleep = sleep
        self._down = False

    def wait(self) -> None:
        try:
            wait_us = int(self._claim(keys=[self._key], args=[round(self.interval * 1e6)]))
        except redis.RedisError as exc:
            if not self._down:
                log.warning(
                    "redis unavailable: pacing Textract calls in this worker only",
                    extra={"key": self._key, "error": str(exc)},
                )
            self._down = True
            self._local.wait()
            return
        self._down = False
        if wait_us > 0:
            self._sleep(wait_us / 1e6)
