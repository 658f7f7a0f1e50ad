"""The notification consumer: SQS long poll → ``textract_completed`` signal → delete.

A message is deleted only once its signal was accepted, or once it is known to be useless
(malformed, or its document's workflow is not running). Anything else — Temporal unreachable, an
SQS error, a signal timeout — leaves the message in the queue: it becomes visible again after the
visibility timeout and is tried again, by this consumer or another. Polling in the workflow stays
the safety net for a notification that never comes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, TypeAlias

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from lexflow.aws import SqsClient, classify_client_error
from lexflow.contracts import TextractCompletion, workflow_id_for
from lexflow.errors import LexflowError
from lexflow.notifications.messages import (
    TEXTRACT_APIS,
    MalformedNotificationError,
    parse_notification,
)

log = logging.getLogger("lexflow.notifications")

SIGNAL_NAME = "textract_completed"

#: ``signal(workflow_id, completion)``: resolves once Temporal accepted the signal.
Signal: TypeAlias = Callable[[str, TextractCompletion], Awaitable[object]]


class UnknownDocumentError(LexflowError):
    """No running workflow for the document (never started, or already closed)."""

    kind = "UnknownDocument"


def temporal_signaller(client: Client, rpc_timeout_seconds: float = 10.0) -> Signal:
    """A ``Signal`` that sends ``textract_completed`` through ``client``.

    ``client`` must use ``pydantic_data_converter`` (``lexflow.temporal.connect`` builds one).
    """
    from datetime import timedelta

    timeout = timedelta(seconds=rpc_timeout_seconds)

    async def signal(workflow_id: str, completion: TextractCompletion) -> None:
        handle = client.get_workflow_handle(workflow_id)
        await handle.signal(SIGNAL_NAME, completion, rpc_timeout=timeout)

    return signal


def is_unknown_document(exc: BaseException) -> bool:
    """Whether a signal failed because the workflow is not running (so retrying cannot help).

    Temporal answers NOT_FOUND both for a workflow that does not exist (or has closed) and for
    a namespace that does not exist; only the first is the message's fault.
    """
    if isinstance(exc, UnknownDocumentError):
        return True
    if not isinstance(exc, RPCError) or exc.status != RPCStatusCode.NOT_FOUND:
        return False
    details: Sequence[Any]
    try:
        details = exc.grpc_status.details
    except Exception:  # undecodable details: judge by the message alone
        details = []
    if any(d.type_url.endswith("NamespaceNotFoundFailure") for d in details):
        return False
    return "namespace" not in exc.message.lower()


@dataclass(frozen=True)
class ConsumerSettings:
    """How the consumer polls its queue.

    Args:
        queue_url: the SQS queue subscribed to Textract's SNS topic.
        wait_time_seconds: long-poll wait (0–20); also the longest a stop request waits.
        max_messages: messages per receive (1–10).
        visibility_timeout_seconds: how long a received message stays hidden; a message whose
            signal failed comes back after this long.
        signal_timeout_seconds: the longest one signal may take before it counts as failed.
        backoff_initial_seconds: first pause after a failure, doubled per failure in a row.
        backoff_max_seconds: the longest pause.
        apis: Textract APIs whose completions are signalled.
    """

    queue_url: str
    wait_time_seconds: int = 20
    max_messages: int = 10
    visibility_timeout_seconds: int = 30
    signal_timeout_seconds: float = 10.0
    backoff_initial_seconds: float = 1.0
    backoff_max_seconds: float = 30.0
    apis: frozenset[str] = TEXTRACT_APIS

    def __post_init__(self) -> None:
        if not self.queue_url:
            raise ValueError("queue_url is required")
        if not 0 <= self.wait_time_seconds <= 20:
            raise ValueError("wait_time_seconds must be 0–20 (SQS's long-poll limit)")
        if not 1 <= self.max_messages <= 10:
            raise ValueError("max_messages must be 1–10 (SQS's batch limit)")
        if self.visibility_timeout_seconds <= self.signal_timeout_seconds:
            raise ValueError("visibility_timeout_seconds must exceed signal_timeout_seconds")
        if not 0 < self.backoff_initial_seconds <= self.backoff_max_seconds:
            raise ValueError("need 0 < backoff_initial_seconds <= backoff_max_seconds")


@dataclass
class ConsumerStats:
    """Counters since the consumer was built (for logs and metrics)."""

    received: int = 0
    processed: int = 0
    """Signalled (and then deleted)."""
    ignored: int = 0
    """Malformed or for no running workflow: logged and deleted."""
    failed: int = 0
    """Signal failed transiently: left in the queue for redelivery."""
    receive_errors: int = 0
    delete_errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Outcome(Enum):
    SIGNALLED = "signalled"
    IGNORED = "ignored"
    RETRY = "retry"


@dataclass
class _Backoff:
    initial: float
    maximum: float
    current: float = field(default=0.0)

    def next(self) -> float:
        self.current = min(self.maximum, self.current * 2 if self.current else self.initial)
        return self.current * random.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.current = 0.0


class NotificationConsumer:
    """Long-polls an SQS queue of Textract completions and signals each document's workflow.

    Args:
        sqs: a boto3 SQS client (``lexflow.aws.make_sqs_client``); its calls run in a thread.
        target: a ``Signal`` callable, or a Temporal ``Client`` (wrapped by ``temporal_signaller``).
        settings: the queue and polling settings.
    """

    def __init__(self, sqs: SqsClient, target: Signal | Client, settings: ConsumerSettings) -> None:
        self.sqs = sqs
        self.settings = settings
        self.signal: Signal = (
            temporal_signaller(target, settings.signal_timeout_seconds)
            if isinstance(target, Client)
            else target
        )
        self.stats = ConsumerStats()
        self._backoff = _Backoff(settings.backoff_initial_seconds, settings.backoff_max_seconds)

    async def run(self, stop: asyncio.Event) -> ConsumerStats:
        """Poll until ``stop`` is set; never raises for a bad message or a failing service.

        A stop request takes effect once the current long poll and its batch are done.
        """
        while not stop.is_set():
            try:
                clean, count = await self.poll_once()
            except Exception as exc:
                self.stats.receive_errors += 1
                error = classify_client_error(exc)
                log.error(
                    "receiving notifications failed; backing off",
                    extra={"queue_url": self.settings.queue_url, "error": str(error)},
                    exc_info=not isinstance(exc, ClientError | BotoCoreError | Boto3Error),
                )
                clean, count = False, 0
            if not clean:
                await _pause(stop, self._backoff.next())
                continue
            self._backoff.reset()
            if count == 0 and self.settings.wait_time_seconds == 0:
                await _pause(stop, self.settings.backoff_initial_seconds)
        return self.stats

    async def poll_once(self) -> tuple[bool, int]:
        """One receive and its batch: signal each message, delete those that are done.

        Returns:
            (no message failed transiently, messages received).

        Raises:
            Exception: the receive itself failed (boto3's error); nothing was consumed.
        """
        messages = await self._receive()
        self.stats.received += len(messages)
        outcomes = await asyncio.gather(*(self.handle(m) for m in messages))
        done = [m for m, o in zip(messages, outcomes, strict=True) if o is not Outcome.RETRY]
        await self._delete(done)
        return Outcome.RETRY not in outcomes, len(messages)

    async def _receive(self) -> list[dict[str, Any]]:
        s = self.settings
        response = await asyncio.to_thread(
            self.sqs.receive_message,
            QueueUrl=s.queue_url,
            MaxNumberOfMessages=s.max_messages,
            WaitTimeSeconds=s.wait_time_seconds,
            VisibilityTimeout=s.visibility_timeout_seconds,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        return list(response.get("Messages") or [])

    async def handle(self, message: Mapping[str, Any]) -> Outcome:
        """Signal one message's workflow; say whether the message may be deleted."""
        where = {
            "message_id": message.get("MessageId"),
            "receive_count": (message.get("Attributes") or {}).get("ApproximateReceiveCount"),
        }
        try:
            note = parse_notification(message.get("Body") or "", self.settings.apis)
        except MalformedNotificationError as exc:
            self.stats.ignored += 1
            log.warning(
                "ignoring a message that is not a Textract completion lexflow waits for",
                extra={
                    **where,
                    "job_id": exc.job_id,
                    "document_uuid": exc.document_uuid,
                    "reason": str(exc),
                },
            )
            return Outcome.IGNORED
        workflow_id = workflow_id_for(note.document_uuid)
        where |= {
            "job_id": note.job_id,
            "document_uuid": note.document_uuid,
            "workflow_id": workflow_id,
            "status": note.status,
        }
        try:
            await asyncio.wait_for(
                self.signal(workflow_id, note.completion()), self.settings.signal_timeout_seconds
            )
        except Exception as exc:
            return self._signal_failed(exc, where)
        self.stats.processed += 1
        log.info("signalled textract_completed", extra=where)
        return Outcome.SIGNALLED

    def _signal_failed(self, exc: Exception, where: dict[str, Any]) -> Outcome:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if is_unknown_document(exc):
            self.stats.ignored += 1
            log.warning(
                "no running workflow for this Textract job; dropping its notification",
                extra={**where, "reason": reason},
            )
            return Outcome.IGNORED
        self.stats.failed += 1
        log.warning(
            "signal failed; the message stays queued and comes back after its visibility timeout",
            extra={**where, "reason": reason},
        )
        return Outcome.RETRY

    async def _delete(self, messages: Sequence[Mapping[str, Any]]) -> None:
        if not messages:
            return
        entries = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
        ]
        try:
            response = await asyncio.to_thread(
                self.sqs.delete_message_batch, QueueUrl=self.settings.queue_url, Entries=entries
            )
        except Exception as exc:
            failed: list[Mapping[str, Any]] = [
                {"Id": e["Id"], "Message": str(exc)} for e in entries
            ]
        else:
            failed = list(response.get("Failed") or [])
        if failed:
            # Harmless: the messages come back and are signalled again (the signal is idempotent).
            self.stats.delete_errors += len(failed)
            log.warning(
                "deleting handled messages failed; they will be delivered again",
                extra={
                    "queue_url": self.settings.queue_url,
                    "count": len(failed),
                    "error": str(failed[0].get("Message") or failed[0].get("Code")),
                },
            )


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def run_consumer(
    sqs: SqsClient,
    target: Signal | Client,
    settings: ConsumerSettings,
    stop: asyncio.Event | None = None,
) -> ConsumerStats:
    """Run a ``NotificationConsumer`` until ``stop`` is set (forever without one).

    Meant to run alone (``python -m lexflow.notifications``) or as a task beside a worker.

    Returns:
        The consumer's counters at the end.
    """
    consumer = NotificationConsumer(sqs, target, settings)
    log.info(
        "notification consumer started",
        extra={
            "queue_url": settings.queue_url,
            "wait_time_seconds": settings.wait_time_seconds,
            "max_messages": settings.max_messages,
            "visibility_timeout_seconds": settings.visibility_timeout_seconds,
        },
    )
    try:
        await consumer.run(stop or asyncio.Event())
    finally:
        log.info("notification consumer stopped", extra=consumer.stats.as_dict())
    return consumer.stats
