"""Textract call rates hold across workers: every worker's pacer takes its slots from one schedule
in Redis, so two workers together keep to the rate, not twice it."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
import redis

from lexflow import cache
from lexflow.cache import RedisCache
from lexflow.ratelimit import FleetPacer

TPS = 10.0


class RecordedSleeps:
    """Stands in for time.sleep: keeps what each caller was told to wait, and when it asked."""

    def __init__(self) -> None:
        self.slots: list[float] = []
        self._asked = 0.0

    def ask(self) -> None:
        self._asked = time.monotonic()

    def __call__(self, seconds: float) -> None:
        self.slots.append(self._asked + seconds)


def test_two_workers_pacers_hand_out_one_evenly_spaced_schedule(redis_cache: RedisCache) -> None:
    key = cache.textract_rate_key(f"get-{uuid.uuid4()}")
    sleeps = RecordedSleeps()
    workers = [FleetPacer(redis_cache.client, key, TPS, sleep=sleeps) for _ in range(2)]

    for n in range(20):
        sleeps.ask()
        workers[n % 2].wait()

    # The first caller went at once (no sleep); each later one waits for a slot one interval
    # after the one before, whichever worker it came through.
    gaps = [b - a for a, b in zip(sleeps.slots, sleeps.slots[1:], strict=False)]
    assert len(sleeps.slots) == 19
    assert all(g == pytest.approx(workers[0].interval, abs=0.01) for g in gaps), gaps
    # The schedule outlives its last slot by a second, then an idle fleet leaves nothing behind.
    last_slot_ms = 1000 * (sleeps.slots[-1] + workers[0].interval - time.monotonic())
    assert 1000 < redis_cache.client.pttl(key) <= last_slot_ms + 1000 + 10


def test_without_redis_each_worker_paces_itself_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sleeps: list[float] = []
    down = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    pacer = FleetPacer(down, cache.textract_rate_key("get"), TPS, sleep=sleeps.append)

    with caplog.at_level(logging.WARNING, logger="lexflow.ratelimit"):
        for _ in range(3):
            pacer.wait()

    # Nobody really slept, so each caller waits one interval more than the one before.
    assert sleeps == [
        pytest.approx(pacer.interval, abs=0.01),
        pytest.approx(2 * pacer.interval, abs=0.01),
    ]
    warnings = [r for r in caplog.records if "redis unavailable" in r.getMessage()]
    assert len(warnings) == 1
