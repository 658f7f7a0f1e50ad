"""Textract asynchronous text detection: start (idempotently), check, page through results.

``TextractJobManager`` wraps the four Textract calls lexflow makes. It holds no state beyond the
clients it is given (and the regions of buckets it has already checked), so activities build one
per worker and call it from any thread. Every method raises only ``LexflowError`` subclasses, each
saying whether a retry can help (``lexflow.aws.classify_client_error``).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lexflow.aws import S3Client, TextractClient, aws_errors, classify_client_error
from lexflow.errors import (
    BadDocumentError,
    LexflowError,
    TextractJobFailedError,
    TransientError,
)
from lexflow.ocr.s3 import S3Location, check_region
from lexflow.ocr.textract_parse import document_page_count
from lexflow.ratelimit import Paces

__all__ = [
    "FAILED",
    "FINAL_STATUSES",
    "IN_PROGRESS",
    "PARTIAL_SUCCESS",
    "SUCCEEDED",
    "JobStatus",
    "ResultPage",
    "TextractJobManager",
    "classify_client_error",
    "client_request_token",
    "job_tag",
]

SUCCEEDED = "SUCCEEDED"
IN_PROGRESS = "IN_PROGRESS"
FAILED = "FAILED"
PARTIAL_SUCCESS = "PARTIAL_SUCCESS"
FINAL_STATUSES = frozenset({SUCCEEDED, FAILED, PARTIAL_SUCCESS})

#: Textract's largest page of GetDocumentTextDetection results.
MAX_RESULTS = 1000
_TOKEN_MAX = 64
# Enough of the content's SHA-256 to tell two versions of a file apart, leaving room in the token.
_CONTENT_DIGITS = 12
_JOB_TAG_MAX = 64
_JOB_TAG_FORBIDDEN = re.compile(r"[^a-zA-Z0-9_.\-:]")


def _document_ident(document_uuid: str) -> str:
    try:
        return uuid.UUID(document_uuid).hex
    except ValueError:
        return hashlib.sha256(document_uuid.encode()).hexdigest()[:32]


def client_request_token(
    document_uuid: str, attempt: int, part: int = 0, content: str | None = None
) -> str:
    """The ``ClientRequestToken`` for one attempt at a document's content.

    The same (document, content, attempt) always gives the same token, so a retried start
    activity gets the job it already started back from Textract; a deliberate re-run
    (``attempt + 1``) gets a new token and therefore a new job, and so does an edited file under
    the same document id, which must not be handed the job that read its old content. The token
    fits Textract's rule: 1–64 of ``[a-zA-Z0-9-_]``.

    Args:
        document_uuid: the document's id (a UUID; any other text is hashed).
        attempt: 0 or more; bump it to force a fresh job.
        part: which part of a document split for Textract's limits (each part is its own job).
        content: the content's SHA-256 (hex), when known.
    """
    if attempt < 0 or part < 0:
        raise ValueError(f"attempt and part must be >= 0, got {attempt}, {part}")
    token = f"lexflow-{_document_ident(document_uuid)}"
    if content:
        token += f"-{content[:_CONTENT_DIGITS]}"
    token += f"-{attempt}"
    if part:
        token += f"-p{part}"
    if len(token) > _TOKEN_MAX:
        raise ValueError(f"attempt {attempt} is too large for a ClientRequestToken")
    return token


def job_tag(document_uuid: str) -> str:
    """The ``JobTag`` for a document: its uuid, made to fit ``[a-zA-Z0-9_.\\-:]{1,64}``."""
    tag = _JOB_TAG_FORBIDDEN.sub("_", document_uuid) or "lexflow"
    if len(tag) > _JOB_TAG_MAX:
        digest = hashlib.sha256(document_uuid.encode()).hexdigest()[:16]
        tag = f"{tag[: _JOB_TAG_MAX - 17]}-{digest}"
    return tag


def _warnings(response: Mapping[str, Any]) -> list[str]:
    """Textract's ``Warnings`` (``[{"ErrorCode", "Pages"}]``) as readable strings."""
    out = []
    for warning in response.get("Warnings") or []:
        code = warning.get("ErrorCode") or "Warning"
        pages = warning.get("Pages") or []
        out.append(f"{code} on pages {', '.join(map(str, pages))}" if pages else str(code))
    return out


@dataclass(frozen=True, slots=True)
class JobStatus:
    """Where an asynchronous job stands (from a one-block GetDocumentTextDetection)."""

    job_id: str
    status: str
    """SUCCEEDED, IN_PROGRESS, FAILED or PARTIAL_SUCCESS."""
    status_message: str | None = None
    warnings: list[str] = field(default_factory=list)
    page_count: int | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def has_results(self) -> bool:
        return self.status in (SUCCEEDED, PARTIAL_SUCCESS)


@dataclass(frozen=True, slots=True)
class ResultPage:
    """One GetDocumentTextDetection response: up to 1,000 blocks and the token for the next."""

    job_id: str
    blocks: list[dict[str, Any]]
    next_token: str | None
    status: str
    status_message: str | None = None
    warnings: list[str] = field(default_factory=list)
    page_count: int | None = None


class TextractJobManager:
    """Start, check and read Textract text-detection jobs.

    Args:
        textract: a boto3 Textract client (``lexflow.aws.make_textract_client``).
        s3: a boto3 S3 client, used to refuse buckets in another region before starting a job;
            ``None`` skips that check.
    """

    def __init__(
        self,
        textract: TextractClient,
        s3: S3Client | None = None,
        *,
        start_pacer: Paces | None = None,
        get_pacer: Paces | None = None,
    ) -> None:
        self.textract = textract
        self.s3 = s3
        self._checked_buckets: set[str] = set()
        # Per-process pacing of the calls themselves (TEXTRACT_START_TPS / TEXTRACT_GET_TPS).
        self._start_pacer, self._get_pacer = start_pacer, get_pacer

    def check_region(self, bucket: str) -> None:
        """Raise ``RegionMismatchError`` if ``bucket`` is not in the Textract client's region."""
        if self.s3 is None or bucket in self._checked_buckets:
            return
        check_region(self.s3, self.textract, bucket)
        self._checked_buckets.add(bucket)

    def start_job(
        self,
        loc: S3Location,
        document_uuid: str,
        attempt: int,
        notification: tuple[str, str] | None = None,
        part: int = 0,
        content: str | None = None,
    ) -> str:
        """Start StartDocumentTextDetection for an S3 object, idempotently.

        Args:
            loc: the document in S3 (same region as the Textract client).
            document_uuid: the document's id; sets the JobTag and, with ``attempt``, the token.
            attempt: the deliberate re-run counter (retries of one attempt reuse its job).
            notification: ``(sns_topic_arn, role_arn)`` for a completion message, or ``None``.
            part: which part of a split document this job reads.
            content: the document's SHA-256, so an edited file gets a job of its own.

        Returns:
            Textract's JobId.

        Raises:
            RegionMismatchError: the bucket is in another region.
            ThrottledError, TransientError: try again later.
            BadDocumentError: the document or its S3 object cannot be used.
        """
        self.check_region(loc.bucket)
        request: dict[str, Any] = {
            "DocumentLocation": loc.to_textract(),
            "ClientRequestToken": client_request_token(document_uuid, attempt, part, content),
            "JobTag": job_tag(document_uuid),
        }
        if notification is not None:
            topic_arn, role_arn = notification
            request["NotificationChannel"] = {"SNSTopicArn": topic_arn, "RoleArn": role_arn}
        if self._start_pacer is not None:
            self._start_pacer.wait()
        with aws_errors(f"start Textract job for {loc.uri}"):
            response = self.textract.start_document_text_detection(**request)
        return str(response["JobId"])

    def _get(self, job_id: str, next_token: str | None, max_results: int) -> Mapping[str, Any]:
        request: dict[str, Any] = {"JobId": job_id, "MaxResults": max_results}
        if next_token:
            request["NextToken"] = next_token
        if self._get_pacer is not None:
            self._get_pacer.wait()
        with aws_errors(f"Textract job {job_id}"):
            response: Mapping[str, Any] = self.textract.get_document_text_detection(**request)
        return response

    def get_status(self, job_id: str) -> JobStatus:
        """The job's status, asking for a single block so the call stays cheap.

        Raises:
            TextractInvalidJobError: Textract does not know the job (expired or never started).
            ThrottledError, TransientError: try again later.
        """
        response = self._get(job_id, None, 1)
        return JobStatus(
            job_id=job_id,
            status=str(response.get("JobStatus") or IN_PROGRESS),
            status_message=response.get("StatusMessage"),
            warnings=_warnings(response),
            page_count=document_page_count(response),
        )

    def fetch_results(
        self, job_id: str, next_token: str | None, max_results: int = MAX_RESULTS
    ) -> ResultPage:
        """One page of results (one GetDocumentTextDetection call), whatever the job's status."""
        response = self._get(job_id, next_token, max_results)
        return ResultPage(
            job_id=job_id,
            blocks=list(response.get("Blocks") or []),
            next_token=response.get("NextToken") or None,
            status=str(response.get("JobStatus") or IN_PROGRESS),
            status_message=response.get("StatusMessage"),
            warnings=_warnings(response),
            page_count=document_page_count(response),
        )

    def iter_result_pages(
        self, job_id: str, start_token: str | None = None, max_results: int = MAX_RESULTS
    ) -> Iterator[ResultPage]:
        """Every page of a finished job's results, in order, from ``start_token`` on.

        Yield each page before asking for the next, so a caller can persist ``page.next_token``
        (and heartbeat it) and resume from there after a crash.

        Raises:
            TextractJobFailedError: the job FAILED (the message carries Textract's reason).
            TransientError: the job is still IN_PROGRESS.
            LexflowError: Textract handed back a token it had already given (a loop).
        """
        token, seen = start_token, set()
        while True:
            page = self.fetch_results(job_id, token, max_results)
            if page.status == FAILED:
                reason = page.status_message or "no reason given"
                raise TextractJobFailedError(f"Textract job {job_id} FAILED: {reason}")
            if page.status not in FINAL_STATUSES:
                raise TransientError(f"Textract job {job_id} is still {page.status}")
            yield page
            if not page.next_token:
                return
            if page.next_token in seen:
                raise LexflowError(f"Textract job {job_id}: NextToken repeated; stopping")
            seen.add(page.next_token)
            token = page.next_token

    def detect_sync(self, document: bytes | S3Location) -> list[dict[str, Any]]:
        """Synchronous DetectDocumentText of one image or single-page PDF.

        Args:
            document: the file's bytes (up to 10 MB) or its S3 location.

        Returns:
            The response's blocks; their ``Page`` is 1, so the caller assigns the page number
            (``blocks_to_pages(blocks, page_number=n, source="textract-sync")``).

        Raises:
            BadDocumentError (and subclasses): Textract cannot read the document.
            ThrottledError, TransientError: try again later.
        """
        if isinstance(document, S3Location):
            self.check_region(document.bucket)
            request, what = document.to_textract(), document.uri
        else:
            if not document:
                raise BadDocumentError("DetectDocumentText: the document is empty")
            request, what = {"Bytes": document}, f"{len(document)} bytes"
        with aws_errors(f"detect text in {what}"):
            response = self.textract.detect_document_text(Document=request)
        return list(response.get("Blocks") or [])
