"""Histories recorded from DocumentWorkflow replay without non-determinism errors.

Fresh histories check the code against itself; the committed ones under
``tests/fixtures/histories`` check it against what earlier releases recorded, so a change that
would break running workflows fails here. Re-record them (deliberately, after versioning the
change with ``workflow.patched``) with ``LEXFLOW_RECORD_HISTORIES=1 make test``.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from lexflow.contracts import DocumentState, TextractCompletion
from tests.workflow.fakes import FakePipeline
from tests.workflow.test_document_workflow import OPTIONS, query_until, start, terminate_started
from workflows.document import DocumentWorkflow

HISTORIES = Path(__file__).parent.parent / "fixtures" / "histories"


def replayer() -> Replayer:
    return Replayer(workflows=[DocumentWorkflow], data_converter=pydantic_data_converter)


async def record_scenarios(env: WorkflowEnvironment, task_queue: str) -> dict[str, WorkflowHistory]:
    fake = FakePipeline(statuses=["IN_PROGRESS", "FAILED", "IN_PROGRESS", "SUCCEEDED"])
    fake.failures = {"relationships": 1}
    async with Worker(
        env.client,
        task_queue=task_queue,
        workflows=[DocumentWorkflow],
        activities=fake.activities(),
    ):
        # Polling, a failed job, a retry with a new job, a failed stage and a second retry.
        retried = await start(env.client, task_queue)
        await query_until(env, retried, DocumentState.FAILED)
        await retried.signal(DocumentWorkflow.retry)
        while (await retried.query(DocumentWorkflow.status)).attempts < 2:
            await asyncio.sleep(0.05)
        await query_until(env, retried, DocumentState.FAILED)
        await retried.signal(DocumentWorkflow.retry)
        await retried.result()

        signalled = await start(
            env.client,
            task_queue,
            OPTIONS.model_copy(update={"textract_async_initial_delay_seconds": 3600}),
        )
        while not (await signalled.query(DocumentWorkflow.status)).textract_job_id:
            await asyncio.sleep(0.05)
        await signalled.signal(
            DocumentWorkflow.textract_completed,
            TextractCompletion(job_id="job-1", from_textract=True),
        )
        await signalled.result()
        await terminate_started()
        return {
            "retried_after_failed_job_and_stage": await retried.fetch_history(),
            "completed_by_signal": await signalled.fetch_history(),
        }


async def test_fresh_histories_replay(workflow_env: WorkflowEnvironment, task_queue: str) -> None:
    histories = await record_scenarios(workflow_env, task_queue)

    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in histories.values():
            yield history

    results = await replayer().replay_workflows(each(), raise_on_replay_failure=False)

    assert results.replay_failures == {}
    if os.environ.get("LEXFLOW_RECORD_HISTORIES") == "1":
        HISTORIES.mkdir(parents=True, exist_ok=True)
        for name, history in histories.items():
            (HISTORIES / f"{name}.json").write_text(history.to_json())


@pytest.mark.parametrize("path", sorted(HISTORIES.glob("*.json")), ids=lambda p: p.stem)
async def test_committed_histories_replay(path: Path) -> None:
    history = WorkflowHistory.from_json(f"document-{path.stem}", json.loads(path.read_text()))

    await replayer().replay_workflow(history)
