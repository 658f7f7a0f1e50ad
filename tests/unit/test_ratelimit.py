"""The pacer spaces calls evenly, a little under the quota, with no burst."""

from __future__ import annotations

import itertools
import threading

import pytest

from lexflow.ratelimit import Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def departures(pacer: Pacer, clock: FakeClock, calls: int) -> list[float]:
    times = []
    for _ in range(calls):
        pacer.wait()
        times.append(clock.now)
    return times


def test_calls_leave_evenly_spaced_under_the_quota() -> None:
    clock = FakeClock()
    pacer = Pacer(10, clock=clock, sleep=clock.sleep, headroom=0.8)

    times = departures(pacer, clock, 9)

    gaps = [round(b - a, 6) for a, b in itertools.pairwise(times)]
    assert gaps == [0.125] * 8  # 1 / (10 × 0.8)


def test_a_burst_never_exceeds_the_rate_in_any_second() -> None:
    clock = FakeClock()
    pacer = Pacer(10, clock=clock, sleep=clock.sleep)

    times = departures(pacer, clock, 50)

    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 9  # 10/s with the default headroom of 0.85


def test_an_idle_pacer_lets_the_next_call_through_at_once() -> None:
    clock = FakeClock()
    pacer = Pacer(2, clock=clock, sleep=clock.sleep, headroom=1.0)
    pacer.wait()
    clock.now += 10

    before = clock.now
    pacer.wait()

    assert clock.now == before


@pytest.mark.parametrize(("rate", "headroom"), [(0, 0.85), (-1, 0.85), (5, 0), (5, 1.5)])
def test_nonsense_rates_are_refused(rate: float, headroom: float) -> None:
    with pytest.raises(ValueError, match="per_second"):
        Pacer(rate, headroom=headroom)
