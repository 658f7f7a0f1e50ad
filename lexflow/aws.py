"""boto3 client factories and the one place AWS failures become ``LexflowError``\\ s.

Clients are built once from ``Settings`` and passed to the adapters (``lexflow.ocr.s3``,
``lexflow.ocr.textract``); nothing below reads the environment except boto3's own credential
chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias

import boto3
from boto3.exceptions import Boto3Error, RetriesExceededError, S3UploadFailedError
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from lexflow.config import Settings
from lexflow.errors import (
    BadDocumentError,
    ConfigError,
    DocumentTooLargeError,
    LexflowError,
    SourceNotFoundError,
    TextractInvalidJobError,
    ThrottledError,
    TransientError,
    UnsupportedDocumentError,
)

S3Client: TypeAlias = Any
TextractClient: TypeAlias = Any
SqsClient: TypeAlias = Any

CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 60
MAX_ATTEMPTS = 3


def client_config(**extra: Any) -> Config:
    """botocore settings shared by every client: standard retries (3 attempts) and timeouts."""
    return Config(
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        **extra,
    )


def _session(session: boto3.Session | None) -> boto3.Session:
    return session or boto3.session.Session()


def make_s3_client(settings: Settings, session: boto3.Session | None = None) -> S3Client:
    """An S3 client for ``settings.aws_region`` (path-style addressing behind an endpoint URL)."""
    extra: dict[str, Any] = {}
    if settings.aws_endpoint_url:
        extra["s3"] = {"addressing_style": "path"}
    return _session(session).client(
        "s3",
        region_name=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
        config=client_config(**extra),
    )


def make_textract_client(
    settings: Settings, session: boto3.Session | None = None
) -> TextractClient:
    """A Textract client for ``settings.aws_region`` and the optional endpoint override."""
    return _session(session).client(
        "textract",
        region_name=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
        config=client_config(),
    )


def make_sqs_client(settings: Settings, session: boto3.Session | None = None) -> SqsClient:
    """An SQS client (Textract completion notifications arrive through SNS → SQS)."""
    return _session(session).client(
        "sqs",
        region_name=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
        config=client_config(),
    )


# --- error classification ------------------------------------------------------------------------

_THROTTLED = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
    }
)
_TRANSIENT = frozenset(
    {
        "InternalServerError",
        "InternalFailure",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
_BAD_DOCUMENT: dict[str, tuple[type[BadDocumentError], str]] = {
    "UnsupportedDocumentException": (
        UnsupportedDocumentError,
        "Textract does not support this document's format (it accepts PDF, TIFF, JPEG and PNG)",
    ),
    "BadDocumentException": (
        BadDocumentError,
        "Textract cannot read this document (corrupt, encrypted or otherwise unreadable)",
    ),
    "DocumentTooLargeException": (
        DocumentTooLargeError,
        "the document is larger than Textract accepts (size or page limit)",
    ),
    "InvalidS3ObjectException": (
        SourceNotFoundError,
        "Textract cannot read the S3 object: check that it exists, that Textract may read it, "
        "and that the bucket is in the Textract client's region",
    ),
    "NoSuchKey": (SourceNotFoundError, "the S3 object does not exist"),
    "NoSuchBucket": (SourceNotFoundError, "the S3 bucket does not exist"),
    "NotFound": (SourceNotFoundError, "the S3 object does not exist"),
    "404": (SourceNotFoundError, "the S3 object does not exist"),
}
_CONFIG = {
    "AccessDenied": "access denied: the AWS credentials lack the permission for this call",
    "AccessDeniedException": "access denied: the AWS credentials lack the permission for this call",
    "403": "access denied: the AWS credentials lack the permission for this call",
    "InvalidAccessKeyId": "the AWS access key id is not valid",
    "SignatureDoesNotMatch": "the AWS secret key does not match the access key id",
    "UnrecognizedClientException": "the AWS credentials are not valid",
    "ExpiredToken": "the AWS session token has expired",
    "ExpiredTokenException": "the AWS session token has expired",
    "InvalidKMSKeyException": "the KMS key is not valid or Textract may not use it",
}
_REJECTED = {
    "InvalidParameterException": "Textract rejected a request parameter",
    "IdempotentParameterMismatchException": (
        "the ClientRequestToken was already used for a different document location"
    ),
    "ValidationException": "the request failed validation",
}


def _describe(exc: ClientError) -> tuple[str, str, str, int]:
    error = exc.response.get("Error", {})
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or "").strip()
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    operation = getattr(exc, "operation_name", None) or "AWS call"
    return code, message, operation, status


def _classify_client_error(exc: ClientError) -> LexflowError:
    code, message, operation, status = _describe(exc)
    said = f" ({code}: {message})" if message else f" ({code})"
    if code in _THROTTLED:
        return ThrottledError(f"{operation} was throttled; slow down and retry{said}")
    if code in _TRANSIENT or status >= 500:
        return TransientError(f"{operation} failed on the service side; retry{said}")
    if code in _BAD_DOCUMENT:
        cls, human = _BAD_DOCUMENT[code]
        return cls(f"{operation}: {human}{said}")
    if code == "InvalidJobIdException":
        return TextractInvalidJobError(
            f"{operation}: Textract does not know this job id (expired or never started){said}"
        )
    if code in _CONFIG:
        return ConfigError(f"{operation}: {_CONFIG[code]}{said}")
    if code in _REJECTED:
        return LexflowError(f"{operation}: {_REJECTED[code]}{said}")
    return LexflowError(f"{operation} failed{said}")


def classify_client_error(exc: BaseException) -> LexflowError:
    """Translate a boto3/botocore failure into the ``LexflowError`` that says whether to retry.

    Throttles, 5xx, timeouts and dropped connections become ``ThrottledError``/``TransientError``
    (retryable); document problems become ``BadDocumentError`` subclasses; credentials and
    permissions ``ConfigError``; an unknown job ``TextractInvalidJobError``; any other rejected
    request a plain, non-retryable ``LexflowError``. Each message keeps the service's own words.

    Args:
        exc: the exception boto3 raised (``LexflowError``\\ s are returned unchanged).

    Returns:
        The error to raise, ``from exc``.
    """
    if isinstance(exc, LexflowError):
        return exc
    if isinstance(exc, ClientError):
        return _classify_client_error(exc)
    if isinstance(exc, S3UploadFailedError):
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ClientError):
            return _classify_client_error(cause)
        return TransientError(str(exc))
    if isinstance(exc, RetriesExceededError):
        return TransientError(f"S3 transfer gave up after retries: {exc}")
    if isinstance(exc, HTTPClientError | BotoConnectionError):
        return TransientError(f"could not reach AWS: {exc}")
    if isinstance(exc, NoCredentialsError | PartialCredentialsError | NoRegionError):
        return ConfigError(f"AWS is not configured: {exc}")
    if isinstance(exc, BotoCoreError | Boto3Error):
        return LexflowError(f"AWS client error: {exc}")
    return LexflowError(f"unexpected AWS failure: {type(exc).__name__}: {exc}")


@contextmanager
def aws_errors(context: str) -> Iterator[None]:
    """Raise any boto3/botocore failure inside the block as its classified ``LexflowError``.

    Args:
        context: what was being done, prefixed to the message (``"s3://bucket/key"``, a job id).
    """
    try:
        yield
    except (ClientError, BotoCoreError, Boto3Error) as exc:
        error = classify_client_error(exc)
        raise type(error)(f"{context}: {error}") from exc
