"""Domain errors.

Every failure lexflow raises on purpose is a ``LexflowError``. Subclasses say whether trying again
can help: activities translate them into Temporal ``ApplicationError``s with the matching
``non_retryable`` flag (see ``activities/_errors.py``), so the retry policy never wastes attempts on
a document that cannot succeed, and never gives up on one that only met a throttle.
"""

from __future__ import annotations

import re


class LexflowError(Exception):
    """Base class of every error lexflow raises deliberately."""

    #: Short machine-readable kind, used as the Temporal ApplicationError type.
    kind: str = "LexflowError"
    #: Whether retrying the same call can succeed.
    retryable: bool = False


class ConfigError(LexflowError):
    """A setting is missing or invalid; raised at start-up."""

    kind = "ConfigError"


class BadDocumentError(LexflowError):
    """The document itself cannot be processed: empty, wrong type, encrypted, too large..."""

    kind = "BadDocument"


class UnsupportedDocumentError(BadDocumentError):
    """The document's type is not one lexflow (or Textract) accepts."""

    kind = "UnsupportedDocument"


class DocumentTooLargeError(BadDocumentError):
    """The document exceeds a configured or service size/page limit."""

    kind = "DocumentTooLarge"


class SourceNotFoundError(BadDocumentError):
    """The source path or S3 object does not exist or cannot be read."""

    kind = "SourceNotFound"


class SupersededAttemptError(LexflowError):
    """An activity attempt that outlived its timeout and arrived after its run had moved on."""

    kind = "SupersededAttempt"


class TextractJobFailedError(LexflowError):
    """Textract reported FAILED for the job; a retry starts a fresh job."""

    kind = "TextractJobFailed"


class TextractInvalidJobError(LexflowError):
    """Textract does not know the job id (expired or never existed)."""

    kind = "TextractInvalidJob"


class RegionMismatchError(ConfigError):
    """The S3 bucket and the Textract client are in different regions."""

    kind = "RegionMismatch"


class TransientError(LexflowError):
    """A fault that is expected to pass: throttling, timeouts, 5xx, connection resets."""

    kind = "Transient"
    retryable = True


class ThrottledError(TransientError):
    """The service asked us to slow down (ThrottlingException, ProvisionedThroughputExceeded...)."""

    kind = "Throttled"


class SchemaOutOfDateError(ConfigError):
    """The database schema is behind the code's migrations."""

    kind = "SchemaOutOfDate"


class TemporalUnavailableError(LexflowError):
    """The Temporal frontend could not be reached, or did not answer in time."""

    kind = "TemporalUnavailable"
    retryable = True


def short_error(exc: BaseException) -> str:
    """The useful part of an error: the OS message buried in a gRPC transport error, if any.

    The SDK reports a failed connection as the Rust ``Debug`` form of a tonic error, e.g.
    ``...ConnectError("dns error", Custom { kind: Uncategorized, error: "failed to lookup..." })``;
    operators need only the two quoted parts.
    """
    text = str(exc) or type(exc).__name__
    found = re.search(r'message: "([^"]+)"', text) or re.search(
        r"^Error \d+ connecting to \S+\. (.+?)\.?$", text
    )
    if found:
        return found.group(1)
    found = re.search(r'ConnectError\("([^"]+)", Custom \{[^{}]*?\berror: "([^"]+)"', text)
    if found:
        return f"{found.group(1)}: {found.group(2)}"
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."
