"""Every retry policy, timeout and heartbeat of the pipeline, in one place.

Each activity call in ``document.py`` names one of these, so the policy is visible where the
activity is called and tuned here. Errors that cannot be helped by retrying are raised by the
activities as non-retryable ``ApplicationError``s, so the attempt caps below only bound transient
faults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TypedDict

from temporalio.common import RetryPolicy


class ActivityOptions(TypedDict, total=False):
    start_to_close_timeout: timedelta
    retry_policy: RetryPolicy
    heartbeat_timeout: timedelta


class LocalActivityOptions(TypedDict):
    start_to_close_timeout: timedelta
    retry_policy: RetryPolicy


@dataclass(frozen=True)
class ActivityPolicy:
    start_to_close: timedelta
    retry: RetryPolicy
    heartbeat: timedelta | None = None

    def kwargs(self) -> ActivityOptions:
        options = ActivityOptions(
            start_to_close_timeout=self.start_to_close, retry_policy=self.retry
        )
        if self.heartbeat is not None:
            options["heartbeat_timeout"] = self.heartbeat
        return options

    def local_kwargs(self) -> LocalActivityOptions:
        """The same policy for a local activity (which cannot heartbeat)."""
        if self.heartbeat is not None:
            raise ValueError("a heartbeating activity cannot run as a local activity")
        return LocalActivityOptions(
            start_to_close_timeout=self.start_to_close, retry_policy=self.retry
        )


def _backoff(max_attempts: int, initial_s: float = 1.0, max_s: float = 60.0) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=initial_s),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=max_s),
        maximum_attempts=max_attempts,
    )


# Validation, hashing and the streamed S3 upload of a file of up to MAX_DOCUMENT_BYTES.
PREPARE = ActivityPolicy(
    start_to_close=timedelta(minutes=30), heartbeat=timedelta(minutes=2), retry=_backoff(5)
)


def start_textract(max_attempts: int) -> ActivityPolicy:
    """Throttled starts back off up to a minute; after ``max_attempts`` the workflow falls back."""
    return ActivityPolicy(
        start_to_close=timedelta(seconds=60), retry=_backoff(max_attempts, 2.0, 60.0)
    )


# One cheap GetDocumentTextDetection(MaxResults=1); throttling is retried, not fatal.
CHECK_TEXTRACT = ActivityPolicy(start_to_close=timedelta(seconds=30), retry=_backoff(10, 1.0, 30.0))

# Pages through every NextToken, heartbeating its cursor so a retry resumes where it stopped.
FETCH_TEXTRACT = ActivityPolicy(
    start_to_close=timedelta(minutes=30), heartbeat=timedelta(seconds=60), retry=_backoff(10)
)

# DetectDocumentText page by page, and the local engine: per-page heartbeats, resumable.
OCR_PAGES = ActivityPolicy(
    start_to_close=timedelta(hours=2), heartbeat=timedelta(minutes=2), retry=_backoff(5)
)

# Chunking, entities and relationships: local activities in new runs (seconds of CPU on a big
# document), retried in the worker (backoffs under the SDK's one-minute local retry threshold).
TEXT_STAGE = ActivityPolicy(start_to_close=timedelta(minutes=10), retry=_backoff(5))

# Recording a failure or a completion must not give up while the database is briefly away.
BOOKKEEPING = ActivityPolicy(start_to_close=timedelta(seconds=30), retry=_backoff(20, 1.0, 30.0))
