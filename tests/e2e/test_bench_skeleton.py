"""bench/skeleton.py stands for DocumentWorkflow with lexflow's own work taken out: its figures
mean something only while its histories have the events DocumentWorkflow's have."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from bench.inflight import list_executions
from bench.skeleton import WORKFLOW, parse_args, run_skeleton

# DocumentWorkflow, completed by Textract's notification, recorded by tests/workflow/test_replay.py
# (on a server without lexflow's search attributes).
RECORDED = Path(__file__).parents[1] / "fixtures" / "histories" / "completed_by_signal.json"


def commands_and_their_outcomes(history: WorkflowHistory) -> Counter[str]:
    """Every event but the workflow tasks', whose number depends on timing (a signal arriving
    while a task runs adds one)."""
    return Counter(
        name
        for name in (EventType.Name(e.event_type) for e in history.events)
        if not name.startswith("EVENT_TYPE_WORKFLOW_TASK_")
    )


async def test_the_skeleton_records_the_events_document_workflow_records(
    dev_server: WorkflowEnvironment,
) -> None:
    args = parse_args(["--count", "3", "--latency", "1", "--no-search-attributes"])

    figures = await run_skeleton(args, dev_server.client)

    assert figures["completed"] == 3
    assert figures["signals_sent"] == 3
    runs = await list_executions(
        dev_server.client, f"TaskQueue='{figures['task_queue']}' AND WorkflowType='{WORKFLOW}'"
    )
    recorded = WorkflowHistory.from_json("recorded", json.loads(RECORDED.read_text()))
    for run in runs:
        history = await dev_server.client.get_workflow_handle(run.id).fetch_history()
        assert commands_and_their_outcomes(history) == commands_and_their_outcomes(recorded)
