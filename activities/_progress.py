"""Heartbeats from inside a long S3 transfer.

A 500 MB upload or download outlasts an activity's heartbeat timeout, and without a heartbeat in
between Temporal would time the activity out and start the transfer again, for ever on a slow
link. boto3 reports progress through a callback, called for every chunk read and from its own
transfer threads, where the activity's context is not set.
"""

from __future__ import annotations

import contextvars
import threading
import time

from temporalio import activity

# Well inside any heartbeat timeout in workflows/policy.py, and rare next to the chunk callbacks.
HEARTBEAT_EVERY_S = 10.0


class TransferHeartbeat:
    """A boto3 transfer ``Callback`` that heartbeats the activity it was made in, at most every
    ``every_s`` seconds, with the bytes moved so far."""

    def __init__(self, what: str, every_s: float | None = None) -> None:
        self._what = what
        self._every_s = HEARTBEAT_EVERY_S if every_s is None else every_s
        # The activity's context, so transfer threads can heartbeat it; one thread at a time,
        # since a context cannot be entered twice at once.
        self._context = contextvars.copy_context()
        self._lock = threading.Lock()
        self._bytes = 0
        self._last = time.monotonic()

    def __call__(self, transferred: int) -> None:
        with self._lock:
            self._bytes += transferred
            now = time.monotonic()
            if now - self._last < self._every_s:
                return
            self._last = now
            self._context.run(activity.heartbeat, f"{self._what}: {self._bytes} bytes")

    @property
    def bytes(self) -> int:
        return self._bytes
