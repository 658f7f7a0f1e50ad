"""Turn lexflow's typed errors into Temporal failures that declare whether to retry."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from lexflow.errors import BadDocumentError, LexflowError

P = ParamSpec("P")
R = TypeVar("R")


def to_application_error(exc: LexflowError) -> ApplicationError:
    # A bad document is an expected outcome, not a fault of the system: BENIGN keeps the SDK from
    # logging its traceback as an error and from counting it in its failure metrics. The workflow
    # still records the reason on the document, in one line.
    category = (
        ApplicationErrorCategory.BENIGN
        if isinstance(exc, BadDocumentError)
        else ApplicationErrorCategory.UNSPECIFIED
    )
    return ApplicationError(
        str(exc), type=exc.kind, non_retryable=not exc.retryable, category=category
    )


def translate_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Raise ``LexflowError``s as ApplicationErrors of the same kind and retryability.

    Anything else (a database blip, a bug) stays a plain exception, which Temporal retries under
    the activity's policy: the safe default for a fault we did not anticipate.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except LexflowError as exc:
            raise to_application_error(exc) from exc

    return wrapper
