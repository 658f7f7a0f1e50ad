"""The completion-notification consumer against moto's SNS → SQS path and a recording signal.

Textract messages here are real SQS messages: the job is started through ``TextractJobManager``
with a NotificationChannel, the ``textract_behaviour`` fake publishes Textract's completion JSON to
the SNS topic when the job finishes, and moto's SNS delivers it to the subscribed queue.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws
from temporalio.api.common.v1 import GrpcStatus
from temporalio.api.errordetails.v1 import NamespaceNotFoundFailure, NotFoundFailure
from temporalio.service import RPCError, RPCStatusCode

from lexflow.contracts import TextractCompletion
from lexflow.errors import TransientError
from lexflow.notifications import (
    ConsumerSettings,
    MalformedNotificationError,
    NotificationConsumer,
    UnknownDocumentError,
    is_unknown_document,
    parse_notification,
    run_consumer,
)
from lexflow.ocr.s3 import S3Location
from lexflow.ocr.textract import TextractJobManager
from tests.activity.textract_fakes import START, FakeTextract, textract_behaviour

REGION = "us-east-1"
BUCKET = "lexflow-notify-docs"
KEY = "lexflow/doc.pdf"
DOC = "0f8fad5b-d9cb-469f-a165-70867728950e"
OTHER_DOC = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
ROLE_ARN = "arn:aws:iam::123456789012:role/textract-sns"


@dataclass
class Aws:
    sqs: Any
    sns: Any
    topic_arn: str
    queue_url: str
    manager: TextractJobManager
    fake: FakeTextract

    def start(self, document_uuid: str = DOC, *, attempt: int = 1) -> str:
        """Start a job with a NotificationChannel; the fake finishes it and publishes to SNS."""
        loc = S3Location(BUCKET, KEY)
        return self.manager.start_job(loc, document_uuid, attempt, (self.topic_arn, ROLE_ARN))

    def counts(self) -> tuple[int, int]:
        """(visible, in flight) messages in the queue."""
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return (
            int(attrs["ApproximateNumberOfMessages"]),
            int(attrs["ApproximateNumberOfMessagesNotVisible"]),
        )

    def settings(self, **changes: Any) -> ConsumerSettings:
        base: dict[str, Any] = {
            "queue_url": self.queue_url,
            "wait_time_seconds": 0,
            "visibility_timeout_seconds": 1,
            "signal_timeout_seconds": 0.5,
            "backoff_initial_seconds": 0.05,
            "backoff_max_seconds": 0.2,
        }
        return ConsumerSettings(**(base | changes))


def _queue(sqs: Any, sns: Any, topic_arn: str, name: str, *, raw: bool = False) -> str:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    attributes = {"RawMessageDelivery": "true"} if raw else {}
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
    return str(url)


@pytest.fixture
def aws() -> Iterator[Aws]:
    with mock_aws(), textract_behaviour() as fake:
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"%PDF-1.7\n%%EOF\n")
        sns = boto3.client("sns", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        topic_arn = sns.create_topic(Name="AmazonTextract-lexflow")["TopicArn"]
        queue_url = _queue(sqs, sns, topic_arn, "lexflow-textract-completions")
        manager = TextractJobManager(boto3.client("textract", region_name=REGION), s3)
        yield Aws(sqs, sns, topic_arn, queue_url, manager, fake)


@dataclass
class Recorder:
    """A ``signal`` callable that records its calls and can fail the first few."""

    failures: list[BaseException] = field(default_factory=list)
    calls: list[tuple[str, TextractCompletion]] = field(default_factory=list)
    accepted: list[tuple[str, TextractCompletion]] = field(default_factory=list)

    async def __call__(self, workflow_id: str, completion: TextractCompletion) -> None:
        self.calls.append((workflow_id, completion))
        if self.failures:
            raise self.failures.pop(0)
        self.accepted.append((workflow_id, completion))


def textract_message(**changes: Any) -> str:
    message = {
        "JobId": "job-1",
        "Status": "SUCCEEDED",
        "API": "StartDocumentTextDetection",
        "JobTag": DOC,
        "Timestamp": 1_700_000_000_000,
        "DocumentLocation": {"S3ObjectName": KEY, "S3Bucket": BUCKET},
    }
    return json.dumps({k: v for k, v in (message | changes).items() if v is not None})


def grpc_not_found(message: str, detail: Any) -> RPCError:
    status = GrpcStatus(code=RPCStatusCode.NOT_FOUND, message=message)
    status.details.add().Pack(detail)
    return RPCError(message, RPCStatusCode.NOT_FOUND, status.SerializeToString())


# --- parsing (pure) ------------------------------------------------------------------------------


def test_parse_reads_an_sns_envelope_and_a_raw_body_alike() -> None:
    envelope = json.dumps({"Type": "Notification", "TopicArn": "t", "Message": textract_message()})
    for body in (envelope, textract_message()):
        note = parse_notification(body)
        assert (note.job_id, note.status, note.document_uuid) == ("job-1", "SUCCEEDED", DOC)
        assert (note.s3_bucket, note.s3_key, note.timestamp_ms) == (BUCKET, KEY, 1_700_000_000_000)
        assert note.completion() == TextractCompletion(
            job_id="job-1", status="SUCCEEDED", from_textract=True
        )


@pytest.mark.parametrize(
    ("body", "reason", "job_id", "document_uuid"),
    [
        ("not json at all", "not JSON", None, None),
        ("[1, 2]", "not an object", None, None),
        (json.dumps({"Type": "SubscriptionConfirmation"}), "SubscriptionConfirmation", None, None),
        (json.dumps({"Type": "Notification", "Message": "{oops"}), "not JSON", None, None),
        (textract_message(JobId=None), "no JobId", None, DOC),
        (textract_message(JobTag=None), "no JobTag", "job-1", None),
        (textract_message(JobTag="has spaces/and slashes"), "no JobTag", "job-1", None),
        (textract_message(API="StartDocumentAnalysis"), "StartDocumentAnalysis", "job-1", DOC),
    ],
)
def test_parse_refuses_what_is_not_a_text_detection_completion(
    body: str, reason: str, job_id: str | None, document_uuid: str | None
) -> None:
    with pytest.raises(MalformedNotificationError, match=reason) as caught:
        parse_notification(body)
    assert (caught.value.job_id, caught.value.document_uuid) == (job_id, document_uuid)


def test_only_a_missing_workflow_counts_as_an_unknown_document() -> None:
    assert is_unknown_document(UnknownDocumentError("gone"))
    assert is_unknown_document(grpc_not_found("workflow not found for ID: x", NotFoundFailure()))
    assert is_unknown_document(
        RPCError("workflow execution already completed", RPCStatusCode.NOT_FOUND, b"")
    )
    # A namespace that does not exist is a configuration fault, not the message's.
    assert not is_unknown_document(
        grpc_not_found("Namespace nope is not found.", NamespaceNotFoundFailure(namespace="nope"))
    )
    assert not is_unknown_document(RPCError("unavailable", RPCStatusCode.UNAVAILABLE, b""))
    assert not is_unknown_document(TransientError("try later"))


def test_settings_refuse_values_sqs_would_reject() -> None:
    with pytest.raises(ValueError, match="wait_time"):
        ConsumerSettings(queue_url="q", wait_time_seconds=21)
    with pytest.raises(ValueError, match="max_messages"):
        ConsumerSettings(queue_url="q", max_messages=11)
    with pytest.raises(ValueError, match="visibility"):
        ConsumerSettings(queue_url="q", visibility_timeout_seconds=5, signal_timeout_seconds=10)


# --- against moto's SNS → SQS ---------------------------------------------------------------------


async def test_a_finished_job_signals_its_document_workflow_and_the_message_is_deleted(
    aws: Aws, caplog: pytest.LogCaptureFixture
) -> None:
    job_id = aws.start()
    assert aws.fake.jobs[job_id].notified and aws.counts() == (1, 0)
    recorder = Recorder()
    consumer = NotificationConsumer(aws.sqs, recorder, aws.settings())

    with caplog.at_level(logging.INFO, logger="lexflow.notifications"):
        assert await consumer.poll_once() == (True, 1)

    assert recorder.accepted == [
        (
            f"document-{DOC}",
            TextractCompletion(job_id=job_id, status="SUCCEEDED", from_textract=True),
        )
    ]
    assert aws.counts() == (0, 0)
    assert consumer.stats.as_dict() == {
        "received": 1,
        "processed": 1,
        "ignored": 0,
        "failed": 0,
        "receive_errors": 0,
        "delete_errors": 0,
    }
    [record] = [r for r in caplog.records if r.msg == "signalled textract_completed"]
    assert (record.job_id, record.document_uuid) == (job_id, DOC)  # type: ignore[attr-defined]


async def test_raw_message_delivery_is_understood_too(aws: Aws) -> None:
    raw_url = _queue(aws.sqs, aws.sns, aws.topic_arn, "raw-completions", raw=True)
    job_id = aws.start()
    body = aws.sqs.receive_message(QueueUrl=raw_url, VisibilityTimeout=0)["Messages"][0]["Body"]
    assert json.loads(body)["JobId"] == job_id  # no SNS envelope around it
    recorder = Recorder()

    await NotificationConsumer(aws.sqs, recorder, aws.settings(queue_url=raw_url)).poll_once()

    assert recorder.accepted == [
        (f"document-{DOC}", TextractCompletion(job_id=job_id, from_textract=True))
    ]


async def test_garbage_is_counted_as_ignored_and_deleted_without_a_signal(
    aws: Aws, caplog: pytest.LogCaptureFixture
) -> None:
    for body in (
        "this is not JSON",
        textract_message(JobTag=None),
        textract_message(API="StartDocumentAnalysis", JobId="analysis-1"),
        json.dumps({"Type": "Notification", "TopicArn": "t", "Message": "no json"}),
    ):
        aws.sqs.send_message(QueueUrl=aws.queue_url, MessageBody=body)
    recorder = Recorder()
    consumer = NotificationConsumer(aws.sqs, recorder, aws.settings())

    with caplog.at_level(logging.WARNING, logger="lexflow.notifications"):
        assert await consumer.poll_once() == (True, 4)

    assert recorder.calls == []
    assert (consumer.stats.ignored, consumer.stats.processed, consumer.stats.failed) == (4, 0, 0)
    assert aws.counts() == (0, 0)
    logged = {getattr(r, "job_id", None): getattr(r, "document_uuid", None) for r in caplog.records}
    assert logged["analysis-1"] == DOC


async def test_a_transient_failure_keeps_the_message_for_the_next_consumer(aws: Aws) -> None:
    job_id = aws.start()
    failing = Recorder(failures=[RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b"")])
    first = NotificationConsumer(aws.sqs, failing, aws.settings())

    assert await first.poll_once() == (False, 1)
    assert (first.stats.failed, first.stats.processed) == (1, 0)
    assert aws.counts() == (0, 1)  # still queued, hidden until its visibility timeout

    # "Restart": a new consumer, as after a crash or deploy, picks the message up again.
    recorder, stop = Recorder(), asyncio.Event()
    second = NotificationConsumer(aws.sqs, recorder, aws.settings())
    task = asyncio.create_task(second.run(stop))
    await _until(lambda: bool(recorder.accepted), timeout=5)
    stop.set()
    stats = await asyncio.wait_for(task, 2)

    assert recorder.accepted == [
        (f"document-{DOC}", TextractCompletion(job_id=job_id, from_textract=True))
    ]
    assert (stats.processed, stats.failed) == (1, 0)
    assert aws.counts() == (0, 0)


async def test_a_hung_signal_times_out_and_the_message_stays(aws: Aws) -> None:
    aws.start()

    async def hang(workflow_id: str, completion: TextractCompletion) -> None:
        await asyncio.sleep(30)

    consumer = NotificationConsumer(aws.sqs, hang, aws.settings(signal_timeout_seconds=0.1))

    assert await consumer.poll_once() == (False, 1)
    assert consumer.stats.failed == 1 and aws.counts() == (0, 1)


@pytest.mark.parametrize(
    "error",
    [
        RPCError("workflow not found for ID: document-x", RPCStatusCode.NOT_FOUND, b""),
        UnknownDocumentError("no such document"),
    ],
    ids=["rpc-not-found", "unknown-document"],
)
async def test_a_notification_for_no_running_workflow_is_dropped(
    aws: Aws, error: Exception
) -> None:
    aws.start(OTHER_DOC)
    recorder = Recorder(failures=[error])
    consumer = NotificationConsumer(aws.sqs, recorder, aws.settings())

    assert await consumer.poll_once() == (True, 1)

    assert [wid for wid, _ in recorder.calls] == [f"document-{OTHER_DOC}"]
    assert (consumer.stats.ignored, consumer.stats.failed) == (1, 0)
    assert aws.counts() == (0, 0)


async def test_a_mixed_batch_deletes_all_but_the_failed_message(aws: Aws) -> None:
    for attempt in (1, 2, 3):  # three jobs (a new ClientRequestToken each), three notifications
        aws.start(attempt=attempt)
    aws.sqs.send_message(QueueUrl=aws.queue_url, MessageBody="garbage")
    recorder = Recorder(failures=[TransientError("Temporal is restarting")])
    consumer = NotificationConsumer(aws.sqs, recorder, aws.settings(visibility_timeout_seconds=5))

    assert await consumer.poll_once() == (False, 4)

    assert (consumer.stats.processed, consumer.stats.ignored, consumer.stats.failed) == (2, 1, 1)
    assert aws.counts() == (0, 1)
    assert len(aws.fake.calls_to(START)) == 3


async def test_sqs_errors_are_survived_with_backoff_until_stopped(aws: Aws) -> None:
    missing = aws.queue_url.rsplit("/", 1)[0] + "/no-such-queue"
    consumer = NotificationConsumer(aws.sqs, Recorder(), aws.settings(queue_url=missing))
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))

    await _until(lambda: consumer.stats.receive_errors >= 3, timeout=5)
    stop.set()
    stats = await asyncio.wait_for(task, 2)

    assert stats.receive_errors >= 3 and stats.received == 0


async def test_run_consumer_returns_its_counters_when_stopped(aws: Aws) -> None:
    aws.start()
    aws.sqs.send_message(QueueUrl=aws.queue_url, MessageBody="{}")
    recorder, stop = Recorder(), asyncio.Event()
    task = asyncio.create_task(run_consumer(aws.sqs, recorder, aws.settings(), stop))

    await _until(lambda: len(recorder.accepted) == 1 and aws.counts() == (0, 0), timeout=5)
    stop.set()
    stats = await asyncio.wait_for(task, 2)

    assert (stats.received, stats.processed, stats.ignored) == (2, 1, 1)


async def _until(condition: Any, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
