"""End to end: a Textract completion notification ends a document's hour-long polling wait.

`temporal` dev server + a real worker + moto (S3, Textract via ``textract_behaviour``, SNS, SQS)
in the test process. The worker starts the job with a NotificationChannel; when the fake finishes
it, moto's SNS delivers Textract's message to the queue, the consumer signals the workflow, and the
workflow checks the job once and carries on, instead of sleeping out its initial delay.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from sqlalchemy import Engine
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from lexflow.config import Settings
from lexflow.contracts import DocumentResult, DocumentStatus
from lexflow.launch import launch
from lexflow.notifications import ConsumerSettings, NotificationConsumer
from lexflow.services import build_services
from lexflow.temporal import build_worker
from tests import docgen
from tests.activity.textract_fakes import GET, FakeTextract, text_blocks, textract_behaviour
from tests.scratch import moto_aws

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "lexflow-notify-e2e"
REGION = "us-east-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/textract-sns"
HOUR = 3600
PAGES = [["SETTLEMENT AGREEMENT", "between Acme LLC and Beta Inc."], ["Signed: John Smith"]]


@dataclasses.dataclass(frozen=True)
class Moto:
    endpoint: str
    topic_arn: str
    queue_url: str

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION)  # type: ignore[call-overload]

    def queued(self) -> int:
        attrs = self.client("sqs").get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(v) for v in attrs.values())

    def consumer_settings(self) -> ConsumerSettings:
        return ConsumerSettings(
            queue_url=self.queue_url,
            wait_time_seconds=1,
            visibility_timeout_seconds=5,
            signal_timeout_seconds=3,
            backoff_initial_seconds=0.1,
            backoff_max_seconds=0.5,
        )


@pytest.fixture(scope="module")
def moto() -> Iterator[Moto]:
    with moto_aws(REGION, BUCKET, "lexflow-e2e") as aws:
        yield Moto(aws.endpoint, aws.topic_arn, aws.queue_url)


@pytest.fixture
def hour_long_textract() -> Iterator[FakeTextract]:
    # Jobs would finish after an hour on their own; the test finishes them with fake.complete.
    with textract_behaviour(in_progress_seconds=HOUR, blocks=text_blocks(PAGES)) as fake:
        yield fake


@pytest.fixture
def settings(
    tmp_path: Path,
    database_url: str,
    db_engine: Engine,  # migrated
    redis_url: str | None,
    moto: Moto,
    task_queue: str,
) -> Settings:
    return Settings(
        lexflow_state_dir=tmp_path / "state",
        database_url=database_url,
        redis_url=redis_url,
        ocr_engine="textract",  # type: ignore[arg-type]
        s3_bucket=BUCKET,
        aws_endpoint_url=moto.endpoint,
        aws_region=REGION,
        temporal_task_queue=task_queue,
        textract_skip_text_layer_pages=False,
        textract_sns_topic_arn=moto.topic_arn,
        textract_sns_role_arn=ROLE_ARN,
        textract_sqs_queue_url=moto.queue_url,
        # Without the notification the first status check would come an hour after the start.
        textract_async_initial_delay_seconds=HOUR,
        textract_async_polling_interval_seconds=HOUR,
        textract_notification_polling_interval_seconds=HOUR,
        textract_async_max_polling_time_seconds=2 * HOUR,
        _env_file=None,  # type: ignore[call-arg]
    )


async def wait_for_job(fake: FakeTextract, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while not fake.jobs:
        assert time.monotonic() < deadline, "the worker never started a Textract job"
        await asyncio.sleep(0.05)
    [job_id] = fake.jobs
    return job_id


async def test_a_notification_ends_the_polling_wait_with_no_status_check(
    dev_server: WorkflowEnvironment,
    settings: Settings,
    moto: Moto,
    hour_long_textract: FakeTextract,
    tmp_path: Path,
) -> None:
    fake, client = hour_long_textract, dev_server.client
    pdf = docgen.born_digital_pdf(tmp_path / "settlement.pdf", PAGES)
    stop = asyncio.Event()
    consumer = NotificationConsumer(moto.client("sqs"), client, moto.consumer_settings())

    async with build_worker(client, build_services(settings)):
        [launched] = await launch(client, settings, [str(pdf)])
        job_id = await wait_for_job(fake)
        assert fake.jobs[job_id].tag == launched.document_uuid
        assert fake.jobs[job_id].notification_channel == {
            "SNSTopicArn": moto.topic_arn,
            "RoleArn": ROLE_ARN,
        }
        consuming = asyncio.create_task(consumer.run(stop))
        finished_at = time.monotonic()
        fake.complete(job_id)  # → SNS → SQS → consumer → textract_completed
        handle: WorkflowHandle[Any, DocumentResult] = client.get_workflow_handle(
            launched.workflow_id, result_type=DocumentResult
        )
        result = await asyncio.wait_for(handle.result(), timeout=30)
        lag = time.monotonic() - finished_at
        status = await handle.query("status", result_type=DocumentStatus)
        stop.set()
        stats = await asyncio.wait_for(consuming, 5)

    assert (result.status.value, result.ocr_engine, result.pages) == ("completed", "textract", 2)
    assert lag < 15, f"took {lag:.1f} s after the job finished"
    # The notification said SUCCEEDED: straight to the result fetch, which reads the status too.
    status_checks = [c for c in fake.calls_to(GET) if c.params.get("MaxResults") == 1]
    assert len(status_checks) == 0 and status.polls == 0
    assert status.textract_job_status == "SUCCEEDED"
    assert (stats.processed, stats.ignored, stats.failed) == (1, 0, 0)
    assert moto.queued() == 0

    # SNS delivers at least once: the same notification again, now for a closed workflow, is
    # recognised as such (Temporal's NOT_FOUND) and dropped.
    fake.jobs[job_id].notified = False
    fake.complete(job_id)
    again = NotificationConsumer(moto.client("sqs"), client, moto.consumer_settings())
    assert await again.poll_once() == (True, 1)
    assert (again.stats.ignored, again.stats.processed) == (1, 0)
    assert moto.queued() == 0


async def test_a_wrong_namespace_keeps_messages_and_an_unknown_document_drops_them(
    dev_server: WorkflowEnvironment, moto: Moto
) -> None:
    body = json.dumps(
        {
            "JobId": "job-for-nobody",
            "Status": "SUCCEEDED",
            "API": "StartDocumentTextDetection",
            "JobTag": "5b8d2a4e-0000-4000-8000-000000000000",
            "Timestamp": 1_700_000_000_000,
            "DocumentLocation": {"S3ObjectName": "x.pdf", "S3Bucket": BUCKET},
        }
    )
    moto.client("sns").publish(TopicArn=moto.topic_arn, Message=body)
    address = dev_server.client.service_client.config.target_host
    wrong = await Client.connect(
        address, namespace="no-such-namespace", data_converter=pydantic_data_converter
    )

    quick = dataclasses.replace(
        moto.consumer_settings(), visibility_timeout_seconds=1, signal_timeout_seconds=0.5
    )
    misconfigured = NotificationConsumer(moto.client("sqs"), wrong, quick)
    assert await misconfigured.poll_once() == (False, 1)
    assert misconfigured.stats.failed == 1 and moto.queued() == 1

    await asyncio.sleep(1.1)  # the message comes back after its visibility timeout
    right = NotificationConsumer(moto.client("sqs"), dev_server.client, quick)
    assert await right.poll_once() == (True, 1)
    assert right.stats.ignored == 1 and moto.queued() == 0


async def test_the_module_runs_as_a_process_and_stops_on_sigterm(
    dev_server: WorkflowEnvironment, moto: Moto
) -> None:
    moto.client("sqs").send_message(QueueUrl=moto.queue_url, MessageBody="not a notification")
    address = dev_server.client.service_client.config.target_host
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lexflow.notifications",
        "--queue-url",
        moto.queue_url,
        "--temporal-address",
        address,
        "--aws-endpoint-url",
        moto.endpoint,
        "--wait-time",
        "1",
        cwd=str(ROOT),
        env={**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while moto.queued():
            assert time.monotonic() < deadline, "the consumer process never drained the queue"
            await asyncio.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), timeout=10)
    finally:
        if proc.returncode is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()
    logs = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    messages = [entry["msg"] for entry in logs]
    assert "notification consumer started" in messages
    [stopped] = [e for e in logs if e["msg"] == "notification consumer stopped"]
    assert (stopped["received"], stopped["ignored"]) == (1, 1)
