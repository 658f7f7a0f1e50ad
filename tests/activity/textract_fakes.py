"""A controllable Textract on top of moto, for activity, workflow and end-to-end tests.

moto's Textract finishes every job at once, ignores ClientRequestToken, JobTag, NextToken and
MaxResults, and returns ``DocumentMetadata`` as ``{"Pages": {"Pages": n}}``. ``textract_behaviour``
replaces its three text-detection handlers for the duration of a ``with`` block so that jobs behave
like the real service, in the ways lexflow depends on:

- the same ``ClientRequestToken`` (for the same document) returns the same JobId; the same token
  for another document fails with ``IdempotentParameterMismatchException``;
- a job reports ``IN_PROGRESS`` for its first ``in_progress_calls`` GetDocumentTextDetection calls
  (and/or ``in_progress_seconds``), then ``final_status``;
- results come back ``page_size`` blocks at a time (never more than the request's ``MaxResults``),
  linked by opaque NextTokens that are checked;
- ``FAILED`` / ``PARTIAL_SUCCESS`` carry ``StatusMessage`` and ``Warnings``;
- the job's S3 object must exist, in a bucket of the Textract region (else
  ``InvalidS3ObjectException``, as a real cross-region start fails);
- the SNS completion message (with the JobTag) is published when the job finishes;
- ``fail_next`` makes the next call(s) of an operation fail with any error code and HTTP status.

It patches moto's ``TextractResponse`` class, so it works alike under ``mock_aws()`` and with a
``ThreadedMotoServer`` running in the same process (start either before or after entering).

Example::

    with mock_aws(), textract_behaviour(in_progress_calls=2, page_size=3, blocks=BLOCKS) as fake:
        job_id = manager.start_job(loc, document_uuid, attempt=0)
        assert manager.get_status(job_id).status == "IN_PROGRESS"   # 1st Get call
        ...
        fake.fail_next("GetDocumentTextDetection", "ThrottlingException", times=3)
        assert fake.jobs[job_id].tag == document_uuid
        assert [c.params.get("NextToken") for c in fake.calls_to("GetDocumentTextDetection")]

Note that botocore retries throttles and 5xx by itself (lexflow's clients make 3 attempts), and
each attempt is one call here: ``times=3`` is what makes a lexflow client see the error.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.moto_api._internal import mock_random
from moto.s3.exceptions import MissingBucket
from moto.s3.models import s3_backends
from moto.sns import sns_backends
from moto.sns.exceptions import TopicNotFound
from moto.textract.exceptions import (
    InvalidJobIdException,
    InvalidParameterException,
    InvalidS3ObjectException,
)
from moto.textract.models import TextractBackend
from moto.textract.responses import TextractResponse
from moto.utilities.utils import get_partition

__all__ = [
    "DETECT",
    "GET",
    "START",
    "Behaviour",
    "Call",
    "FakeJob",
    "FakeTextract",
    "text_blocks",
    "textract_behaviour",
]

START = "StartDocumentTextDetection"
GET = "GetDocumentTextDetection"
DETECT = "DetectDocumentText"
_MAX_RESULTS = 1000

SyncBlocks = list[dict[str, Any]] | Callable[[Mapping[str, Any]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Behaviour:
    """How the jobs started while it applies behave (snapshotted when each job starts)."""

    in_progress_calls: int = 0
    """GetDocumentTextDetection calls answered IN_PROGRESS before the final status."""
    in_progress_seconds: float = 0.0
    """Also stay IN_PROGRESS until this long after the start (wall clock). With
    ``in_progress_calls=0`` a timer finishes the job (and publishes its SNS message) on time;
    otherwise completion is checked at each Get call."""
    page_size: int | None = None
    """Blocks per result page (``None``: up to MaxResults, 1,000 by default)."""
    final_status: str = "SUCCEEDED"
    """SUCCEEDED, PARTIAL_SUCCESS or FAILED."""
    status_message: str | None = None
    warnings: tuple[Mapping[str, Any], ...] = ()
    """Textract-shaped warnings: ``{"ErrorCode": "...", "Pages": [2, 5]}``."""
    blocks: tuple[Mapping[str, Any], ...] | None = None
    """The job's result blocks (``None``: whatever ``TextractBackend.BLOCKS`` holds)."""
    pages: int | None = None
    """``DocumentMetadata.Pages`` (``None``: the highest ``Page`` among the blocks, at least 1)."""
    check_s3: bool = True
    """Refuse (InvalidS3ObjectException) an object that is missing or in another region."""


@dataclass
class FakeJob:
    """One started job, as the fake sees it."""

    job_id: str
    token: str | None
    tag: str | None
    bucket: str
    key: str
    account: str
    region: str
    behaviour: Behaviour
    notification_channel: dict[str, str] | None
    blocks: list[dict[str, Any]]
    started: float = field(default_factory=time.monotonic)
    get_calls: int = 0
    finished: bool = False
    notified: bool = False

    @property
    def status(self) -> str:
        return self.behaviour.final_status if self.finished else "IN_PROGRESS"


@dataclass(frozen=True)
class Call:
    """One request the fake answered (or failed)."""

    operation: str
    params: dict[str, Any]
    region: str
    error: str | None = None
    at: float = field(default_factory=time.monotonic)
    """When the fake answered (time.monotonic), for rate assertions."""


class FakeTextract:
    """The state behind ``textract_behaviour``: jobs, calls, and knobs to change on the fly."""

    def __init__(self, behaviour: Behaviour, sync_blocks: SyncBlocks | None) -> None:
        self.behaviour = behaviour
        self.sync_blocks = sync_blocks
        self.by_key: dict[str, Behaviour] = {}
        self.jobs: dict[str, FakeJob] = {}
        self.calls: list[Call] = []
        self._tokens: dict[tuple[str, str, str], str] = {}
        self._failures: dict[str, list[tuple[str, str, int]]] = {}
        self._timers: list[threading.Timer] = []
        self._lock = threading.RLock()

    # --- knobs -----------------------------------------------------------------------------------

    def behave_for(self, key: str, **changes: Any) -> None:
        """Jobs on S3 object ``key`` (any bucket) behave as the default with ``changes``."""
        if "blocks" in changes and changes["blocks"] is not None:
            changes["blocks"] = tuple(changes["blocks"])
        if "warnings" in changes:
            changes["warnings"] = tuple(changes["warnings"])
        self.by_key[key] = replace(self.behaviour, **changes)

    def fail_next(
        self, operation: str, code: str, message: str = "", *, times: int = 1, status: int = 400
    ) -> None:
        """Make the next ``times`` calls of ``operation`` fail with error ``code``.

        Args:
            operation: ``StartDocumentTextDetection``, ``GetDocumentTextDetection`` or
                ``DetectDocumentText``.
            code: the error code, e.g. ``ThrottlingException`` or ``BadDocumentException``.
            message: the error message (default: a generic one naming the code).
            times: how many consecutive calls fail.
            status: the HTTP status (Textract sends 400 for throttles, 500 for InternalServerError).
        """
        with self._lock:
            failures = self._failures.setdefault(operation, [])
            failures.extend([(code, message or f"{code} (injected by the test)", status)] * times)

    def complete(self, job_id: str) -> None:
        """Finish a job now, whatever its behaviour says, and publish its completion message."""
        with self._lock:
            job = self.jobs[job_id]
            job.finished = True
            self._notify(job)

    def calls_to(self, operation: str) -> list[Call]:
        """The calls of one operation, in order."""
        with self._lock:
            return [c for c in self.calls if c.operation == operation]

    # --- handlers (run inside moto, maybe on the server's thread) --------------------------------

    def _record(self, operation: str, params: dict[str, Any], region: str) -> None:
        failures = self._failures.get(operation)
        if failures:
            code, message, status = failures.pop(0)
            self.calls.append(Call(operation, params, region, error=code))
            error = JsonRESTError(code, message)
            error.code = status
            raise error
        self.calls.append(Call(operation, params, region))

    def start(self, params: dict[str, Any], account: str, region: str) -> str:
        with self._lock:
            self._record(START, params, region)
            s3_object = (params.get("DocumentLocation") or {}).get("S3Object") or {}
            bucket, key = s3_object.get("Bucket"), s3_object.get("Name")
            if not bucket or not key:
                raise InvalidParameterException()
            token = params.get("ClientRequestToken")
            if token:
                earlier = self._tokens.get((account, region, token))
                if earlier is not None:
                    job = self.jobs[earlier]
                    if (job.bucket, job.key) != (bucket, key):
                        raise JsonRESTError(
                            "IdempotentParameterMismatchException",
                            "The ClientRequestToken was already used with different parameters.",
                        )
                    return earlier
            behaviour = self.by_key.get(key, self.behaviour)
            if behaviour.check_s3:
                _check_object(account, region, bucket, key)
            job = self._new_job(params, account, region, bucket, key, behaviour)
            if token:
                self._tokens[(account, region, token)] = job.job_id
            return job.job_id

    def _new_job(
        self,
        params: dict[str, Any],
        account: str,
        region: str,
        bucket: str,
        key: str,
        behaviour: Behaviour,
    ) -> FakeJob:
        blocks = behaviour.blocks if behaviour.blocks is not None else TextractBackend.BLOCKS
        job = FakeJob(
            job_id=str(mock_random.uuid4()),
            token=params.get("ClientRequestToken"),
            tag=params.get("JobTag"),
            bucket=bucket,
            key=key,
            account=account,
            region=region,
            behaviour=behaviour,
            notification_channel=params.get("NotificationChannel"),
            blocks=[dict(b) for b in blocks],
        )
        self.jobs[job.job_id] = job
        if behaviour.in_progress_calls == 0 and behaviour.in_progress_seconds <= 0:
            job.finished = True
            self._notify(job)
        elif behaviour.in_progress_calls == 0:
            timer = threading.Timer(behaviour.in_progress_seconds, self.complete, [job.job_id])
            timer.daemon = True
            self._timers.append(timer)
            timer.start()
        return job

    def get(self, params: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        with self._lock:
            self._record(GET, params, region)
            job = self.jobs.get(str(params.get("JobId")))
            if job is None or (job.account, job.region) != (account, region):
                raise InvalidJobIdException()
            job.get_calls += 1
            b = job.behaviour
            elapsed = time.monotonic() - job.started
            if job.get_calls > b.in_progress_calls and elapsed >= b.in_progress_seconds:
                job.finished = True
                self._notify(job)
            return _job_response(job, params)

    def detect(self, params: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        with self._lock:
            self._record(DETECT, params, region)
            document = params.get("Document") or {}
            s3_object = document.get("S3Object")
            if s3_object:
                _check_object(account, region, s3_object.get("Bucket"), s3_object.get("Name"))
            elif not document.get("Bytes"):
                raise InvalidParameterException()
            sync = self.sync_blocks
            if sync is None:
                blocks = list(TextractBackend.BLOCKS)
            else:
                blocks = list(sync(params) if callable(sync) else sync)
        return {
            "Blocks": blocks,
            "DetectDocumentTextModelVersion": "1.0",
            "DocumentMetadata": {"Pages": 1},
        }

    def _notify(self, job: FakeJob) -> None:
        channel = job.notification_channel or {}
        topic_arn = channel.get("SNSTopicArn")
        if job.notified or not topic_arn:
            return
        job.notified = True
        message = {
            "JobId": job.job_id,
            "Status": job.behaviour.final_status,
            "API": START,
            "JobTag": job.tag or "",
            "Timestamp": int(time.time() * 1000),
            "DocumentLocation": {"S3ObjectName": job.key, "S3Bucket": job.bucket},
        }
        with suppress(TopicNotFound):  # as Textract: a deleted topic just loses the message
            sns_backends[job.account][job.region].publish(
                message=json.dumps(message), arn=topic_arn, subject="Amazon Textract Job Completion"
            )

    def _stop(self) -> None:
        for timer in self._timers:
            timer.cancel()


def _check_object(account: str, region: str, bucket: str | None, key: str | None) -> None:
    """Textract reads only existing objects in buckets of its own region."""
    if not bucket or not key:
        raise InvalidParameterException()
    backend = s3_backends[account][get_partition(region)]
    try:
        found = backend.get_bucket(bucket)
    except MissingBucket:
        raise InvalidS3ObjectException() from None
    if found.region_name != region or found.keys.get(key) is None:
        raise InvalidS3ObjectException()


def _encode_token(job_id: str, offset: int) -> str:
    raw = json.dumps({"job": job_id, "offset": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_token(job_id: str, token: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        if data["job"] == job_id and isinstance(data["offset"], int):
            return int(data["offset"])
    except (ValueError, KeyError, TypeError):
        pass
    raise JsonRESTError("InvalidParameterException", "The NextToken is not valid for this job.")


def _job_response(job: FakeJob, params: Mapping[str, Any]) -> dict[str, Any]:
    b = job.behaviour
    response: dict[str, Any] = {"DetectDocumentTextModelVersion": "1.0", "JobStatus": job.status}
    if not job.finished:
        return response
    if b.status_message:
        response["StatusMessage"] = b.status_message
    if b.warnings:
        response["Warnings"] = [dict(w) for w in b.warnings]
    if b.final_status == "FAILED":
        return response
    pages = b.pages or max([int(blk.get("Page") or 1) for blk in job.blocks] or [1])
    response["DocumentMetadata"] = {"Pages": pages}
    token = params.get("NextToken")
    offset = _decode_token(job.job_id, token) if token else 0
    size = min(b.page_size or _MAX_RESULTS, int(params.get("MaxResults") or _MAX_RESULTS))
    response["Blocks"] = job.blocks[offset : offset + size]
    if offset + size < len(job.blocks):
        response["NextToken"] = _encode_token(job.job_id, offset + size)
    return response


def text_blocks(
    pages: Sequence[Sequence[str]], *, confidence: float = 99.0, first_page: int = 1
) -> list[dict[str, Any]]:
    """Textract-shaped PAGE, LINE and WORD blocks for single-column pages of the given lines.

    ``text_blocks([["Title", "Body line"], []])`` gives page 1 with two lines and a blank page 2,
    in the order Textract lists them (each page: PAGE, its LINEs, then their WORDs).
    """
    blocks: list[dict[str, Any]] = []
    for number, lines in enumerate(pages, start=first_page):
        page_id = f"page-{number}"
        page_blocks: list[dict[str, Any]] = []
        word_blocks: list[dict[str, Any]] = []
        for i, text in enumerate(lines):
            top = 0.05 + i * 0.02
            word_ids = []
            for j, word in enumerate(text.split()):
                word_ids.append(f"word-{number}-{i}-{j}")
                word_blocks.append(
                    _block(
                        "WORD", word_ids[-1], number, word, confidence, 0.1 + j * 0.08, top, 0.07
                    )
                )
            line = _block("LINE", f"line-{number}-{i}", number, text, confidence, 0.1, top, 0.8)
            line["Relationships"] = [{"Type": "CHILD", "Ids": word_ids}]
            page_blocks.append(line)
        page = _block("PAGE", page_id, number, None, None, 0.0, 0.0, 1.0, height=1.0)
        page["Relationships"] = [{"Type": "CHILD", "Ids": [b["Id"] for b in page_blocks]}]
        blocks += [page, *page_blocks, *word_blocks]
    return blocks


def _block(
    kind: str,
    block_id: str,
    page: int,
    text: str | None,
    confidence: float | None,
    left: float,
    top: float,
    width: float,
    height: float = 0.012,
) -> dict[str, Any]:
    box = {"Width": width, "Height": height, "Left": left, "Top": top}
    block: dict[str, Any] = {
        "BlockType": kind,
        "Id": block_id,
        "Page": page,
        "Geometry": {
            "BoundingBox": box,
            "Polygon": [
                {"X": left, "Y": top},
                {"X": left + width, "Y": top},
                {"X": left + width, "Y": top + height},
                {"X": left, "Y": top + height},
            ],
        },
    }
    if text is not None:
        block["Text"] = text
    if confidence is not None:
        block["Confidence"] = confidence
    if kind == "WORD":
        block["TextType"] = "PRINTED"
    return block


_active: FakeTextract | None = None


def _handler(name: str) -> Callable[[TextractResponse], str]:
    def handle(self: TextractResponse) -> str:
        assert _active is not None
        params = json.loads(self.body or "{}")
        method = getattr(_active, name)
        result = method(params, self.current_account, self.region)
        return json.dumps({"JobId": result} if name == "start" else result)

    return handle


_PATCHED = {
    "start_document_text_detection": "start",
    "get_document_text_detection": "get",
    "detect_document_text": "detect",
}


@contextmanager
def textract_behaviour(
    in_progress_calls: int = 0,
    page_size: int | None = None,
    final_status: str = "SUCCEEDED",
    blocks: Sequence[Mapping[str, Any]] | None = None,
    *,
    status_message: str | None = None,
    warnings: Sequence[Mapping[str, Any]] | None = None,
    pages: int | None = None,
    in_progress_seconds: float = 0.0,
    check_s3: bool = True,
    sync_blocks: SyncBlocks | None = None,
) -> Iterator[FakeTextract]:
    """Make moto's Textract behave as described (see the module docstring) inside the block.

    Args:
        in_progress_calls: Get calls answered IN_PROGRESS before ``final_status``.
        page_size: blocks per result page; ``None`` for up to MaxResults.
        final_status: SUCCEEDED, PARTIAL_SUCCESS or FAILED.
        blocks: the result blocks of every job (``FakeTextract.behave_for`` sets them per key).
        status_message: Textract's StatusMessage once the job is final.
        warnings: Textract-shaped warnings, ``[{"ErrorCode": ..., "Pages": [...]}]``.
        pages: DocumentMetadata.Pages (default: the highest block Page).
        in_progress_seconds: also stay IN_PROGRESS this long after the start.
        check_s3: refuse missing objects and buckets in another region.
        sync_blocks: DetectDocumentText's blocks, or a function of the request parameters
            returning them (default: ``TextractBackend.BLOCKS``, as moto does).

    Yields:
        The ``FakeTextract``: its ``jobs``, ``calls`` and knobs.
    """
    global _active
    if final_status not in ("SUCCEEDED", "PARTIAL_SUCCESS", "FAILED"):
        raise ValueError(
            f"final_status must be SUCCEEDED, PARTIAL_SUCCESS or FAILED: {final_status}"
        )
    if _active is not None:
        raise RuntimeError("textract_behaviour is already active")
    behaviour = Behaviour(
        in_progress_calls=in_progress_calls,
        in_progress_seconds=in_progress_seconds,
        page_size=page_size,
        final_status=final_status,
        status_message=status_message,
        warnings=tuple(warnings or ()),
        blocks=None if blocks is None else tuple(blocks),
        pages=pages,
        check_s3=check_s3,
    )
    fake = FakeTextract(behaviour, sync_blocks)
    originals = {name: TextractResponse.__dict__[name] for name in _PATCHED}
    _active = fake
    for name, target in _PATCHED.items():
        setattr(TextractResponse, name, _handler(target))
    try:
        yield fake
    finally:
        for name, original in originals.items():
            setattr(TextractResponse, name, original)
        _active = None
        fake._stop()
