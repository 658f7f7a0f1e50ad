"""DocumentWorkflow's orchestration, in the time-skipping test server with stand-in activities."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from lexflow.contracts import (
    DocumentInput,
    DocumentResult,
    DocumentState,
    DocumentStatus,
    PipelineOptions,
    Stage,
    TextractCompletion,
)
from tests.workflow.fakes import FakePipeline
from workflows.document import DocumentWorkflow

OPTIONS = PipelineOptions(
    ocr_engine="textract",
    textract_async_initial_delay_seconds=5,
    textract_async_polling_interval_seconds=5,
    textract_async_max_polling_time_seconds=600,
    retry_wait_seconds=7 * 24 * 3600,
    # One run per test unless a test is about continue-as-new.
    history_event_limit=100_000,
)


async def start(
    client: Client, task_queue: str, options: PipelineOptions = OPTIONS
) -> WorkflowHandle[DocumentWorkflow, DocumentResult]:
    doc = str(uuid.uuid4())
    handle = await client.start_workflow(
        DocumentWorkflow.run,
        DocumentInput(
            document_uuid=doc, source_uri=f"/docs/{doc}.pdf", file_name="doc.pdf", options=options
        ),
        id=f"document-{doc}",
        task_queue=task_queue,
    )
    STARTED.append(handle)
    return handle


# Workflows left waiting (for a retry, on a timer) would hold the shared time-skipping server's
# clock for every later test once their worker is gone, so each test's are terminated after it.
STARTED: list[WorkflowHandle[DocumentWorkflow, DocumentResult]] = []


async def terminate_started() -> None:
    while STARTED:
        handle = STARTED.pop()
        with contextlib.suppress(RPCError):
            await handle.terminate("test finished")


@pytest.fixture
async def worker(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline
) -> AsyncIterator[Worker]:
    async with Worker(
        workflow_env.client,
        task_queue=task_queue,
        workflows=[DocumentWorkflow],
        activities=fake.activities(),
    ) as running:
        yield running
        await terminate_started()


@pytest.fixture
def fake() -> FakePipeline:
    return FakePipeline()


async def timer_durations(handle: WorkflowHandle[Any, Any]) -> list[timedelta]:
    history = await handle.fetch_history()
    return [
        e.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta()
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED
    ]


async def textract_notifies(
    handle: WorkflowHandle[Any, Any], status: str, job_id: str = "job-1"
) -> None:
    """Textract's completion message, as the notification consumer signals it."""
    await handle.signal(
        DocumentWorkflow.textract_completed,
        TextractCompletion(job_id=job_id, status=status, from_textract=True),
    )


async def until_job_started(handle: WorkflowHandle[DocumentWorkflow, DocumentResult]) -> None:
    """Wait (real time) until the workflow has a Textract job id: a signal can now name it."""
    for _ in range(100):
        if (await handle.query(DocumentWorkflow.status)).textract_job_id:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no Textract job started")


async def query_until(
    env: WorkflowEnvironment,
    handle: WorkflowHandle[DocumentWorkflow, DocumentResult],
    state: DocumentState,
) -> DocumentStatus:
    """Skip workflow time in small steps (timers fire) until the workflow reports ``state``."""
    for _ in range(200):
        status = await handle.query(DocumentWorkflow.status)
        if status.state is state:
            return status
        await env.sleep(timedelta(seconds=2))
    raise AssertionError(f"workflow never reached {state}: {status}")


async def test_textract_document_runs_every_stage_after_the_job_succeeds(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"]
    handle = await start(workflow_env.client, task_queue)

    result = await handle.result()

    assert result == DocumentResult(
        document_uuid=result.document_uuid,
        status=DocumentState.COMPLETED,
        ocr_engine="textract",
        pages=3,
        chunks=4,
        entities=5,
        relationships=12,
    )
    assert fake.calls == {
        "prepare": 1,
        "start": 1,
        "check": 3,
        "fetch": 1,
        "chunk": 1,
        "entities": 1,
        "relationships": 1,
    }
    assert await timer_durations(handle) == [timedelta(seconds=5)] * 3
    assert fake.finalized[0].chunk_count == 4


async def test_after_the_fetch_the_text_stages_and_finalize_take_one_workflow_task(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["SUCCEEDED"]
    handle = await start(workflow_env.client, task_queue)
    await handle.result()

    events = (await handle.fetch_history()).events
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    assert scheduled == [
        "prepare_document",
        "start_textract_job",
        "check_textract_job",
        "fetch_textract_results",
    ]
    # Local activities: a marker each, recorded by the worker, no task through the server.
    fetch_id = next(
        e.event_id
        for e in events
        if e.activity_task_scheduled_event_attributes.activity_type.name == "fetch_textract_results"
    )
    fetched = next(
        i
        for i, e in enumerate(events)
        if e.activity_task_completed_event_attributes.scheduled_event_id == fetch_id
    )
    after_fetch = [e.event_type for e in events[fetched + 1 :]]
    assert after_fetch.count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) == 1
    assert after_fetch.count(EventType.EVENT_TYPE_MARKER_RECORDED) == 4  # chunk → finalize
    assert fake.calls["chunk"] == fake.calls["entities"] == fake.calls["relationships"] == 1
    assert len(fake.finalized) == 1


async def test_polling_honours_initial_delay_interval_and_maximum_time_exactly(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["IN_PROGRESS"]
    options = OPTIONS.model_copy(
        update={
            "textract_async_initial_delay_seconds": 10,
            "textract_async_polling_interval_seconds": 7,
            "textract_async_max_polling_time_seconds": 600,
        }
    )
    handle = await start(workflow_env.client, task_queue, options)

    await workflow_env.sleep(timedelta(seconds=700))
    status = await query_until(workflow_env, handle, DocumentState.FAILED)

    *polling, retry_wait = await timer_durations(handle)
    # Checks after 10, 17, ..., 598 s of timers, then one last at exactly 600 s.
    assert polling[0] == timedelta(seconds=10)
    assert set(polling[1:-1]) == {timedelta(seconds=7)}
    assert polling[-1] == timedelta(seconds=2)
    assert sum(polling, timedelta()) == timedelta(seconds=600)
    assert status.polls == len(polling) == 86
    assert retry_wait == timedelta(days=7)
    assert status.stage is Stage.OCR
    assert status.error == "ocr: Textract job job-1 still IN_PROGRESS after 600 s of polling"
    assert fake.failures_recorded[0].textract_job_id == "job-1"
    assert fake.calls["fetch"] == 0


async def test_history_of_a_document_polled_for_the_full_maximum_stays_small(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["IN_PROGRESS"] * 119 + ["SUCCEEDED"]
    handle = await start(workflow_env.client, task_queue)  # 5 s delay, 5 s interval, 600 s max

    result = await handle.result()

    history = await handle.fetch_history()
    assert result.status is DocumentState.COMPLETED
    assert fake.calls["check"] == 120
    assert len(history.events) < 2000


async def test_completion_signal_ends_the_wait_and_goes_straight_to_the_fetch(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    options = OPTIONS.model_copy(update={"textract_async_initial_delay_seconds": 3600})
    handle = await start(workflow_env.client, task_queue, options)
    await until_job_started(handle)

    await textract_notifies(handle, "SUCCEEDED")
    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert fake.calls["check"] == 0  # the fetch's first page carries the status anyway
    assert fake.calls["fetch"] == 1
    history = await handle.fetch_history()
    fired = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_TIMER_FIRED]
    assert fired == []


async def test_an_operators_bare_signal_ends_the_wait_but_the_check_still_decides(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["SUCCEEDED"]
    options = OPTIONS.model_copy(update={"textract_async_initial_delay_seconds": 3600})
    handle = await start(workflow_env.client, task_queue, options)
    await until_job_started(handle)

    # `temporal workflow signal --name textract_completed --input '{"job_id": "job-1"}'`
    await handle.signal(DocumentWorkflow.textract_completed, TextractCompletion(job_id="job-1"))
    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert fake.calls["check"] == 1


async def test_a_notified_failure_is_checked_for_its_reason(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["FAILED"]
    options = OPTIONS.model_copy(update={"textract_async_initial_delay_seconds": 3600})
    handle = await start(workflow_env.client, task_queue, options)
    await textract_notifies(handle, "FAILED")

    status = await query_until(workflow_env, handle, DocumentState.FAILED)

    assert fake.calls["check"] == 1
    assert fake.calls["fetch"] == 0
    assert status.error is not None and "FAILED" in status.error


async def test_retry_signal_resumes_at_the_failed_stage(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.failures = {"entities": 1}
    handle = await start(workflow_env.client, task_queue)
    failed = await query_until(workflow_env, handle, DocumentState.FAILED)
    assert failed.stage is Stage.ENTITIES
    assert failed.error == "entities: entities broke"
    assert fake.failures_recorded[0].stage is Stage.ENTITIES

    await handle.signal(DocumentWorkflow.retry)
    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert fake.calls["prepare"] == fake.calls["start"] == fake.calls["fetch"] == 1
    assert fake.calls["chunk"] == 1
    assert fake.calls["entities"] == 2
    assert (await handle.query(DocumentWorkflow.status)).attempts == 2


async def test_retry_after_a_failed_textract_job_starts_a_new_job(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["FAILED", "SUCCEEDED"]
    handle = await start(workflow_env.client, task_queue)
    failed = await query_until(workflow_env, handle, DocumentState.FAILED)
    assert failed.error == "ocr: Textract job job-1 FAILED: fake"

    await handle.signal(DocumentWorkflow.retry)
    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert [i.attempt for i in fake.start_inputs] == [1, 2]
    assert (await handle.query(DocumentWorkflow.status)).textract_job_id == "job-2"


async def retry_while_the_new_job_waits_for_a_slot(
    env: WorkflowEnvironment,
    handle: WorkflowHandle[DocumentWorkflow, DocumentResult],
    fake: FakePipeline,
) -> tuple[DocumentResult, str | None]:
    """Retry a failed document whose new job then waits for a free job slot long enough (12
    refusals) to continue as new; its result, and the id of its latest run."""
    fake.slots_free_after = 12
    await handle.signal(DocumentWorkflow.retry)
    result = await handle.result()
    return result, (await env.client.get_workflow_handle(handle.id).describe()).run_id


async def test_a_retry_that_continues_as_new_while_waiting_for_a_job_slot_starts_the_new_job(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["FAILED", "SUCCEEDED"]
    options = OPTIONS.model_copy(update={"history_event_limit": 40})
    handle = await start(workflow_env.client, task_queue, options)
    await query_until(workflow_env, handle, DocumentState.FAILED)

    result, latest_run = await retry_while_the_new_job_waits_for_a_slot(workflow_env, handle, fake)

    assert result.status is DocumentState.COMPLETED
    assert latest_run != handle.result_run_id  # it did continue as new
    assert [i.attempt for i in fake.start_inputs] == [1] + [2] * 13
    assert [r.job_id for r in fake.fetch_refs] == ["job-2"]
    assert fake.calls["check"] == 2  # the failed job-1 was not polled again


async def test_a_notified_failed_job_does_not_keep_its_replacement_from_continuing_as_new(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["FAILED", "SUCCEEDED"]
    options = OPTIONS.model_copy(
        update={"textract_async_initial_delay_seconds": 3600, "history_event_limit": 40}
    )
    handle = await start(workflow_env.client, task_queue, options)
    await until_job_started(handle)
    await textract_notifies(handle, "FAILED")
    await query_until(workflow_env, handle, DocumentState.FAILED)

    result, latest_run = await retry_while_the_new_job_waits_for_a_slot(workflow_env, handle, fake)

    assert result.status is DocumentState.COMPLETED
    assert latest_run != handle.result_run_id  # job-1's completion did not hold it back
    assert [r.job_id for r in fake.fetch_refs] == ["job-2"]


async def test_retry_after_polling_timed_out_keeps_polling_the_same_job(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    options = OPTIONS.model_copy(update={"textract_async_max_polling_time_seconds": 10})
    fake.statuses = ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"]
    handle = await start(workflow_env.client, task_queue, options)
    await workflow_env.sleep(timedelta(seconds=20))
    await query_until(workflow_env, handle, DocumentState.FAILED)

    await handle.signal(DocumentWorkflow.retry)
    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert len(fake.start_inputs) == 1


async def test_a_status_check_throttled_past_its_retries_is_asked_again_at_the_next_poll(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    def throttled_first_poll(n: int) -> None:
        if n <= 10:  # every attempt of the first check (CHECK_TEXTRACT allows 10)
            raise ApplicationError("rate exceeded", type="Throttled")

    fake.on_check = throttled_first_poll
    handle = await start(workflow_env.client, task_queue)

    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert fake.calls["check"] == 11
    assert fake.failures_recorded == []


def always_throttled(n: int) -> None:
    raise ApplicationError("rate exceeded", type="Throttled")


async def test_a_completion_after_polling_gave_up_on_throttled_checks_resumes_the_document(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    options = OPTIONS.model_copy(update={"textract_async_max_polling_time_seconds": 10})
    fake.on_check = always_throttled
    handle = await start(workflow_env.client, task_queue, options)
    await query_until(workflow_env, handle, DocumentState.FAILED)

    await textract_notifies(handle, "SUCCEEDED")
    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert fake.calls["fetch"] == 1


async def test_throttled_checks_wait_out_each_interval_even_with_a_completion_stored(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    options = OPTIONS.model_copy(
        update={
            "textract_async_initial_delay_seconds": 600,
            "textract_async_polling_interval_seconds": 300,
            "textract_async_max_polling_time_seconds": 1800,
        }
    )
    fake.on_check = always_throttled
    handle = await start(workflow_env.client, task_queue, options)
    await until_job_started(handle)
    # Textract's failure notice: it still needs the check, which keeps being throttled.
    await textract_notifies(handle, "FAILED")
    await workflow_env.sleep(timedelta(hours=2))  # the budget, and each check's retries

    failed = await query_until(workflow_env, handle, DocumentState.FAILED)

    # The notice cut the first wait short; then one check (of 10 attempts) per interval while
    # the budget lasts, not back to back.
    *polling, retry_wait = await timer_durations(handle)
    assert polling == [timedelta(seconds=600)] + [timedelta(seconds=300)] * 4
    assert retry_wait == timedelta(days=7)
    assert fake.calls["check"] == 10 * 5
    assert failed.error is not None and "rate exceeded" in failed.error
    await handle.terminate("test finished")


async def test_a_check_that_finds_no_such_job_still_fails_the_document(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    def invalid_job(n: int) -> None:
        raise ApplicationError("no such job", type="TextractInvalidJob", non_retryable=True)

    fake.on_check = invalid_job
    handle = await start(workflow_env.client, task_queue)

    status = await query_until(workflow_env, handle, DocumentState.FAILED)

    assert status.error == "ocr: no such job"
    assert fake.calls["check"] == 1
    await handle.terminate("test finished")


async def test_a_completion_that_arrives_after_polling_gave_up_resumes_the_document(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    options = OPTIONS.model_copy(update={"textract_async_max_polling_time_seconds": 10})
    fake.statuses = ["IN_PROGRESS"]
    handle = await start(workflow_env.client, task_queue, options)
    await workflow_env.sleep(timedelta(seconds=20))
    failed = await query_until(workflow_env, handle, DocumentState.FAILED)
    assert failed.error is not None and "still IN_PROGRESS" in failed.error

    # Textract's notification for that job comes late: no retry signal is needed.
    await textract_notifies(handle, "SUCCEEDED")
    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert (len(fake.start_inputs), fake.calls["fetch"]) == (1, 1)


async def test_a_completion_of_another_job_does_not_resume_a_failed_document(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    options = OPTIONS.model_copy(update={"textract_async_max_polling_time_seconds": 10})
    fake.statuses = ["IN_PROGRESS"]
    handle = await start(workflow_env.client, task_queue, options)
    await workflow_env.sleep(timedelta(seconds=20))
    await query_until(workflow_env, handle, DocumentState.FAILED)

    await textract_notifies(handle, "SUCCEEDED", job_id="some-other-job")
    await workflow_env.sleep(timedelta(seconds=60))

    status = await handle.query(DocumentWorkflow.status)
    assert (status.state, fake.calls["fetch"]) == (DocumentState.FAILED, 0)
    await handle.terminate("test finished")


async def test_failed_document_without_a_retry_closes_after_the_wait(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.failures = {"prepare": 1}
    handle = await start(
        workflow_env.client, task_queue, OPTIONS.model_copy(update={"retry_wait_seconds": 3600})
    )

    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()

    cause = failure.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "DocumentFailed"
    assert cause.message == "prepare: prepare broke (no retry signal within 1:00:00)"


async def test_start_that_keeps_failing_falls_back_to_synchronous_detection(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.start_error = ApplicationError("rate exceeded", type="Throttled")
    options = OPTIONS.model_copy(update={"textract_start_max_attempts": 2})
    handle = await start(workflow_env.client, task_queue, options)

    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert result.ocr_engine == "textract-sync"
    assert fake.calls["start"] == 2
    assert fake.calls["sync"] == 1
    assert fake.calls["check"] == 0


async def test_a_split_document_that_falls_back_to_synchronous_detection_is_read_once(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.parts = 3
    fake.start_error = ApplicationError("rate exceeded", type="Throttled")
    options = OPTIONS.model_copy(update={"textract_start_max_attempts": 2})
    handle = await start(workflow_env.client, task_queue, options)

    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert result.ocr_engine == "textract-sync"
    # DetectDocumentText page by page reads the whole document: the other parts are not started.
    assert (fake.calls["start"], fake.calls["sync"]) == (2, 1)


async def test_bad_document_at_start_does_not_fall_back(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.start_error = ApplicationError(
        "unsupported", type="UnsupportedDocument", non_retryable=True
    )
    handle = await start(workflow_env.client, task_queue)

    status = await query_until(workflow_env, handle, DocumentState.FAILED)

    assert status.error == "ocr: unsupported"
    assert fake.calls["sync"] == 0


async def test_images_use_synchronous_detection_and_local_engine_skips_textract(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.media_type, fake.page_count = "image/png", 1
    png = await (await start(workflow_env.client, task_queue)).result()
    fake.engine = "local"
    local = await (await start(workflow_env.client, task_queue)).result()

    assert png.ocr_engine == "textract-sync"
    assert local.ocr_engine == "local"
    assert fake.calls["start"] == 0


async def test_content_already_ocred_skips_ocr(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.cached_ocr = True
    result = await (await start(workflow_env.client, task_queue)).result()

    assert result.status is DocumentState.COMPLETED
    assert result.ocr_engine == "cache"
    assert fake.calls["start"] == fake.calls["check"] == 0


async def test_long_poll_continues_as_new_and_keeps_job_polls_and_budget(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["IN_PROGRESS"] * 59 + ["SUCCEEDED"]
    handle = await start(
        workflow_env.client, task_queue, OPTIONS.model_copy(update={"history_event_limit": 60})
    )

    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert (fake.calls["prepare"], fake.calls["start"], fake.calls["check"]) == (1, 1, 60)
    latest = await workflow_env.client.get_workflow_handle(handle.id).describe()
    runs: list[int] = []
    run_id: str | None = latest.run_id
    while run_id:
        history = await workflow_env.client.get_workflow_handle(
            handle.id, run_id=run_id
        ).fetch_history()
        runs.append(len(history.events))
        start_attrs = history.events[0].workflow_execution_started_event_attributes
        run_id = start_attrs.continued_execution_run_id or None
    assert len(runs) >= 5
    assert max(runs) < 60 + 15  # bounded: the check happens between activities
    status = await handle.query(DocumentWorkflow.status)
    assert (status.polls, status.textract_job_id) == (60, "job-1")
    assert 300 <= status.stage_seconds["ocr"] < 310  # 60 timers of 5 s, plus the checks


async def test_polling_interval_backs_off_up_to_its_cap(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["IN_PROGRESS"] * 6 + ["SUCCEEDED"]
    options = OPTIONS.model_copy(
        update={
            "textract_async_polling_backoff": 2.0,
            "textract_async_max_polling_interval_seconds": 30,
        }
    )
    handle = await start(workflow_env.client, task_queue, options)

    await handle.result()

    assert [t.total_seconds() for t in await timer_durations(handle)] == [5, 5, 10, 20, 30, 30, 30]


async def test_with_notifications_polling_is_only_a_slow_safety_net(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.statuses = ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"]
    options = OPTIONS.model_copy(
        update={
            "textract_notifications": True,
            "textract_notification_polling_interval_seconds": 120,
        }
    )
    handle = await start(workflow_env.client, task_queue, options)

    await handle.result()

    # No early check at the 5 s initial delay: the notification is what ends the first wait.
    assert [t.total_seconds() for t in await timer_durations(handle)] == [120, 120, 120]


async def test_no_free_job_slot_means_waiting_on_timers_not_failing(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.slots_free_after = 3
    handle = await start(workflow_env.client, task_queue)

    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert fake.calls["start"] == 4
    assert fake.failures_recorded == []
    waits = [t.total_seconds() for t in await timer_durations(handle)]
    assert waits[:3] == [5, 10, 20]  # slot waits back off, then the polling timers follow


async def test_completion_signalled_before_the_start_returned_is_not_lost(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    options = OPTIONS.model_copy(update={"textract_async_initial_delay_seconds": 3600})
    handle = await start(workflow_env.client, task_queue, options)
    # Sent at once: the workflow has not seen the job id yet when this arrives.
    await handle.signal(
        DocumentWorkflow.textract_completed, TextractCompletion(job_id="job-1", from_textract=True)
    )

    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    assert fake.calls["check"] == 0
    assert await timer_durations(handle) == []


async def test_a_document_split_in_parts_runs_one_job_per_part_in_order(
    workflow_env: WorkflowEnvironment, task_queue: str, fake: FakePipeline, worker: Worker
) -> None:
    fake.parts = 3
    fake.statuses = ["IN_PROGRESS", "SUCCEEDED", "SUCCEEDED", "FAILED", "SUCCEEDED"]
    handle = await start(workflow_env.client, task_queue)
    failed = await query_until(workflow_env, handle, DocumentState.FAILED)
    assert failed.error == "ocr: Textract job job-1-part2 FAILED: fake"

    await handle.signal(DocumentWorkflow.retry)
    result = await handle.result()

    assert result.status is DocumentState.COMPLETED
    # Part 3's job failed: the retry starts part 3 again (new attempt), not parts 1 and 2.
    assert [(i.part, i.attempt) for i in fake.start_inputs] == [(0, 1), (1, 1), (2, 1), (2, 2)]
    assert [(r.job_id, r.part, r.last_part) for r in fake.fetch_refs] == [
        ("job-1", 0, False),
        ("job-1-part1", 1, False),
        ("job-2-part2", 2, True),
    ]
