"""Textract completion notifications as they arrive from SQS: pure parsing, no I/O.

Textract publishes one JSON message per finished job to the job's SNS topic; SNS hands it to the
subscribed SQS queue either wrapped in its notification envelope (the default: the Textract JSON is
the envelope's ``Message`` string) or, with ``RawMessageDelivery``, as the body itself. Both are
accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from lexflow.contracts import TextractCompletion
from lexflow.errors import LexflowError

__all__ = [
    "TEXTRACT_APIS",
    "MalformedNotificationError",
    "TextractNotification",
    "parse_notification",
]

#: The Textract APIs whose completions lexflow waits for.
TEXTRACT_APIS: frozenset[str] = frozenset({"StartDocumentTextDetection"})

# Textract's own rule for JobTag (lexflow.ocr.textract.job_tag makes document uuids fit it).
_JOB_TAG = re.compile(r"[a-zA-Z0-9_.\-:]{1,64}")


class MalformedNotificationError(LexflowError):
    """The message is not a Textract completion lexflow can act on; it is dropped."""

    kind = "MalformedNotification"

    def __init__(
        self, reason: str, *, job_id: str | None = None, document_uuid: str | None = None
    ) -> None:
        super().__init__(reason)
        self.job_id = job_id
        self.document_uuid = document_uuid


@dataclass(frozen=True, slots=True)
class TextractNotification:
    """One Textract completion message."""

    job_id: str
    status: str
    """SUCCEEDED, FAILED, ERROR (or PARTIAL_SUCCESS), as Textract wrote it."""
    api: str
    document_uuid: str
    """The job's JobTag: lexflow tags every job with its document's uuid."""
    timestamp_ms: int | None = None
    s3_bucket: str | None = None
    s3_key: str | None = None

    def completion(self) -> TextractCompletion:
        """The ``textract_completed`` signal's payload."""
        return TextractCompletion(job_id=self.job_id, status=self.status, from_textract=True)


def _json_object(text: Any, what: str) -> dict[str, Any]:
    if not isinstance(text, str | bytes):
        raise MalformedNotificationError(f"{what} is not text")
    try:
        data = json.loads(text)
    except ValueError:
        raise MalformedNotificationError(f"{what} is not JSON") from None
    if not isinstance(data, dict):
        raise MalformedNotificationError(f"{what} is JSON but not an object")
    return data


def _unwrap(data: dict[str, Any]) -> dict[str, Any]:
    """The Textract JSON inside an SNS envelope, or ``data`` itself for raw delivery."""
    kind = data.get("Type")
    if kind is None:
        return data
    if kind != "Notification":
        raise MalformedNotificationError(f"SNS {kind} message, not a notification")
    return _json_object(data.get("Message"), "the SNS envelope's Message")


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value.strip() or None if isinstance(value, str) else None


def parse_notification(
    body: str | bytes, apis: Collection[str] = TEXTRACT_APIS
) -> TextractNotification:
    """Read an SQS message body holding a Textract completion notification.

    Args:
        body: the SQS message body: an SNS envelope, or Textract's JSON itself (raw delivery).
        apis: the Textract APIs to accept (``API`` field); others are refused.

    Returns:
        The notification; its ``document_uuid`` is the job's JobTag.

    Raises:
        MalformedNotificationError: not JSON, not an SNS notification, no JobId or JobTag, or an
            API not in ``apis``. The error carries the job id and JobTag when they were read.
    """
    data = _unwrap(_json_object(body, "message body"))
    job_id, tag, api = _text(data, "JobId"), _text(data, "JobTag"), _text(data, "API")
    if job_id is None:
        raise MalformedNotificationError("no JobId", document_uuid=tag)
    if tag is None or not _JOB_TAG.fullmatch(tag):
        raise MalformedNotificationError("no JobTag (or not one lexflow sets)", job_id=job_id)
    if api not in apis:
        raise MalformedNotificationError(
            f"API {api!r} is not one lexflow waits for ({', '.join(sorted(apis))})",
            job_id=job_id,
            document_uuid=tag,
        )
    location = data.get("DocumentLocation")
    location = location if isinstance(location, dict) else {}
    timestamp = data.get("Timestamp")
    return TextractNotification(
        job_id=job_id,
        status=(_text(data, "Status") or "UNKNOWN").upper(),
        api=str(api),
        document_uuid=tag,
        timestamp_ms=timestamp if isinstance(timestamp, int) else None,
        s3_bucket=_text(location, "S3Bucket"),
        s3_key=_text(location, "S3ObjectName"),
    )
