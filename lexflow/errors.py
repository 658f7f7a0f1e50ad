"""Domain errors.

Every failure lexflow raises on purpose is a ``LexflowError``. Subclasses say whether trying again
can help: activities translate them into Temporal ``ApplicationError``s with the matching
``non_retryable`` flag (see ``activities/_errors.py``), so the retry policy never wastes attempts on
a document that cannot succeed, and never gives up on one that only met a throttle.
"""

from __future__ import annotations


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
