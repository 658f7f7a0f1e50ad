"""The platform's share of a document: ``python bench/skeleton.py --count N --latency S``.

``bench/inflight.py`` measures lexflow whole. This script runs the same Temporal shape with every
piece of lexflow's own work taken out, to show how much of the machine Temporal alone (the dev
server, the SDK, the worker's event loop) needs for N documents, and so what is left for lexflow.

The skeleton workflow makes the commands DocumentWorkflow makes, in the same workflow tasks, on the
same task queues and slot split (3 prepare, 2 start, 3 get, 2 local, 50 workflow tasks, 1,000
cached workflows, sandbox off, SQLite with WAL), with the same search attributes:

- two patch markers; an upsert with the document's uuid, file name, stage and status;
- a prepare activity (main queue), an upsert for the OCR stage, a start activity (the start queue);
- a durable timer (the polling safety net) that the ``textract_completed`` signal cancels;
- a fetch activity (the get queue), then an upsert for the text stages, four chained local
  activities, one upsert with the outcome, and completion.

Every activity returns at once: no AWS, no database, no text. Instead of Textract, SNS, SQS and the
consumer, this process signals each workflow ``--latency`` seconds after its start activity ran.
The figures are a floor for lexflow's: it does all of this and its own work besides.

It prints the makespan, the CPU of the worker process and of the dev server (per document, and
after the first job's end), the events per run, and the makespan floor that CPU sets. A script,
not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.* and lexflow when the project is not installed

from pydantic import BaseModel  # noqa: E402
from temporalio import activity, workflow  # noqa: E402
from temporalio.client import Client, WorkflowExecutionStatus  # noqa: E402
from temporalio.common import SearchAttributePair, TypedSearchAttributes  # noqa: E402
from temporalio.exceptions import ApplicationError  # noqa: E402
from temporalio.worker import UnsandboxedWorkflowRunner, Worker  # noqa: E402

from bench._harness import (  # noqa: E402
    MachineCpuTimeline,
    child_pids,
    cpu_seconds,
    exit_with,
    machine_busy_seconds,
    rounded,
    self_cpu_seconds,
    vm_hwm_mb,
)
from bench.inflight import list_executions, start_dev_server, versions  # noqa: E402
from lexflow.config import Settings  # noqa: E402
from lexflow.logs import configure_logging  # noqa: E402
from workflows import visibility  # noqa: E402

WORKFLOW = "SkeletonWorkflow"
LOCAL_STAGES = ("chunk_document", "extract_entities", "build_relationships", "finalize_document")
# As bench/inflight.py: 4 submitters × launch()'s 16 starts at a time.
CONCURRENT_STARTS = 64
CONCURRENT_SIGNALS = 16
SAFETY_NET = timedelta(seconds=300)
ACTIVITY_TIMEOUT = timedelta(seconds=60)


class SkeletonInput(BaseModel):
    document_uuid: str
    file_name: str
    start_queue: str
    get_queue: str
    minimal: bool = False
    search_attributes: bool = True


class Stub(BaseModel):
    """What every skeleton activity takes and returns: a document's uuid and a small count."""

    document_uuid: str
    count: int = 0


# --- the workflow ---------------------------------------------------------------------------------


@workflow.defn(name=WORKFLOW, sandboxed=False)
class SkeletonWorkflow:
    def __init__(self) -> None:
        self._completed = False

    @workflow.signal(name="textract_completed")
    def textract_completed(self, job_id: str) -> None:
        self._completed = True

    @workflow.run
    async def run(self, inp: SkeletonInput) -> int:
        lean = inp.minimal
        if not lean:
            workflow.patched("lean-history-1")
            workflow.patched("local-text-stages-1")
        ref = Stub(document_uuid=inp.document_uuid)
        publish = visibility.publish if inp.search_attributes and not lean else _no_publish
        publish(
            True,
            document_uuid=inp.document_uuid,
            file_name=inp.file_name,
            stage="prepare",
            status="processing",
        )
        if lean:
            await workflow.execute_local_activity(
                "skeleton_prepare", ref, result_type=Stub, start_to_close_timeout=ACTIVITY_TIMEOUT
            )
        else:
            await workflow.execute_activity(
                "skeleton_prepare", ref, result_type=Stub, start_to_close_timeout=ACTIVITY_TIMEOUT
            )
        publish(True, stage="ocr", status="processing", ocr_engine="textract")
        await workflow.execute_activity(
            "skeleton_start",
            ref,
            result_type=Stub,
            task_queue=inp.start_queue,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
        )
        try:
            await workflow.wait_condition(lambda: self._completed, timeout=SAFETY_NET)
        except TimeoutError:
            raise ApplicationError("no completion signal", non_retryable=True) from None
        await workflow.execute_activity(
            "skeleton_fetch",
            ref,
            result_type=Stub,
            task_queue=inp.get_queue,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
        )
        publish(True, stage="chunk", status="processing")
        total = 0
        for name in LOCAL_STAGES[:3] if lean else LOCAL_STAGES:
            done = await workflow.execute_local_activity(
                name, ref, result_type=Stub, start_to_close_timeout=ACTIVITY_TIMEOUT
            )
            total += done.count
        publish(True, stage="finalize", status="completed")
        return total


def _no_publish(enabled: bool, **values: str | None) -> None:
    """No search attributes (--minimal, or a server without lexflow's)."""


# --- the activities: nothing but their round trips ----------------------------------------------


@dataclass(order=True)
class Due:
    at: float
    workflow_id: str


class Signaller:
    """Stands in for Textract + SNS + SQS + the consumer: a job "ends" ``latency`` after it
    started, and its workflow is signalled then."""

    def __init__(self, client: Client, latency: float) -> None:
        self._client = client
        self._latency = latency
        self._lock = threading.Lock()
        self._due: list[Due] = []
        self.first_end: float | None = None
        self.last_end: float | None = None
        self.sent = 0

    def job_started(self, workflow_id: str) -> None:
        with self._lock:
            heapq.heappush(self._due, Due(time.time() + self._latency, workflow_id))

    async def run(self, stop: asyncio.Event) -> None:
        gate = asyncio.Semaphore(CONCURRENT_SIGNALS)

        async def signal(workflow_id: str) -> None:
            async with gate:
                await self._client.get_workflow_handle(workflow_id).signal(
                    "textract_completed", "job"
                )
                self.sent += 1

        pending: set[asyncio.Task[None]] = set()
        while not stop.is_set():
            now = time.time()
            with self._lock:
                ready = []
                while self._due and self._due[0].at <= now:
                    ready.append(heapq.heappop(self._due))
            for due in ready:
                if self.first_end is None:
                    self.first_end = due.at
                self.last_end = due.at
                task = asyncio.create_task(signal(due.workflow_id))
                pending.add(task)
                task.add_done_callback(pending.discard)
            await asyncio.sleep(0.02)
        for task in list(pending):
            task.cancel()


def make_activities(signaller: Signaller) -> dict[str, Any]:
    def stub(name: str) -> Any:
        @activity.defn(name=name)
        def run(ref: Stub) -> Stub:
            return Stub(document_uuid=ref.document_uuid, count=1)

        return run

    @activity.defn(name="skeleton_start")
    def start(ref: Stub) -> Stub:
        signaller.job_started(activity.info().workflow_id or "")
        return Stub(document_uuid=ref.document_uuid, count=1)

    made = {name: stub(name) for name in ("skeleton_prepare", "skeleton_fetch", *LOCAL_STAGES)}
    made["skeleton_start"] = start
    return made


# --- the run --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/skeleton.py", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    p.add_argument("--count", type=int, default=1000, help="documents (default 1000)")
    p.add_argument("--latency", type=float, default=60.0, help="seconds per job (default 60)")
    p.add_argument(
        "--minimal",
        action="store_true",
        help="the leanest shape the issue allows: no patch markers, no search attributes, "
        "prepare as a local activity, three text stages and no finalize",
    )
    p.add_argument(
        "--no-search-attributes",
        dest="search_attributes",
        action="store_false",
        help="publish no search attributes (as against a server without lexflow's)",
    )
    p.add_argument(
        "--dev-server-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="an extra argument for `temporal server start-dev` (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--timeout", type=float, default=1800.0, help="give up after (s)")
    args = p.parse_args(argv)
    # What bench/inflight.start_dev_server reads: the SQLite file store, as in its headline runs.
    args.dev_db = "file"
    return args


async def wait_until_closed(client: Client, query: str, count: int, timeout: float) -> int:
    began = time.monotonic()
    closed = 0
    while time.monotonic() - began < timeout:
        closed = (await client.count_workflows(f"{query} AND ExecutionStatus!='Running'")).count
        if closed >= count:
            break
        await asyncio.sleep(0.5)
    return closed


async def run_skeleton(args: argparse.Namespace, client: Client) -> dict[str, Any]:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    queue = f"bench-skeleton-{uuid.uuid4().hex[:8]}"
    start_queue, get_queue = f"{queue}-textract-start", f"{queue}-textract-get"
    signaller = Signaller(client, args.latency)
    acts = make_activities(signaller)
    executor = ThreadPoolExecutor(max_workers=10)
    workers = [
        Worker(
            client,
            task_queue=queue,
            workflows=[SkeletonWorkflow],
            activities=[acts[n] for n in ("skeleton_prepare", *LOCAL_STAGES)],
            activity_executor=executor,
            max_concurrent_activities=3,
            max_concurrent_local_activities=2,
            max_concurrent_workflow_tasks=defaults.worker_max_concurrent_workflow_tasks,
            max_cached_workflows=defaults.worker_max_cached_workflows,
            workflow_runner=UnsandboxedWorkflowRunner(),
        ),
        *(
            Worker(
                client,
                task_queue=textract_queue,
                activities=[acts[name]],
                activity_executor=executor,
                max_concurrent_activities=slots,
            )
            for textract_queue, name, slots in (
                (start_queue, "skeleton_start", 2),
                (get_queue, "skeleton_fetch", 3),
            )
        ),
    ]
    dev_pid = next(iter(child_pids("temporal")), None)
    dev0 = cpu_seconds(dev_pid) if dev_pid else None
    cpu0, machine0 = self_cpu_seconds(), machine_busy_seconds()
    timeline = MachineCpuTimeline()
    stop = asyncio.Event()
    query = f"TaskQueue='{queue}' AND WorkflowType='{WORKFLOW}'"
    searchable = args.search_attributes and not args.minimal
    for w in workers:
        await w.__aenter__()
    try:
        signals = asyncio.create_task(signaller.run(stop))
        timeline.start()
        began = time.time()
        gate = asyncio.Semaphore(CONCURRENT_STARTS)

        async def start(n: int) -> None:
            document_uuid = str(uuid.uuid4())
            async with gate:
                await client.start_workflow(
                    WORKFLOW,
                    SkeletonInput(
                        document_uuid=document_uuid,
                        file_name=f"skeleton-{n:05d}.pdf",
                        start_queue=start_queue,
                        get_queue=get_queue,
                        minimal=args.minimal,
                        search_attributes=searchable,
                    ),
                    id=f"skeleton-{document_uuid}",
                    task_queue=queue,
                    search_attributes=None
                    if not searchable
                    else TypedSearchAttributes(
                        [
                            SearchAttributePair(visibility.DOCUMENT_UUID, document_uuid),
                            SearchAttributePair(visibility.FILE_NAME, f"skeleton-{n:05d}.pdf"),
                        ]
                    ),
                )

        await asyncio.gather(*(start(n) for n in range(args.count)))
        submit_s = time.time() - began
        closed = await wait_until_closed(client, query, args.count, args.timeout)
        timeline.stop()
        worker_cpu = self_cpu_seconds() - cpu0
        machine_cpu = machine_busy_seconds() - machine0
        dev_cpu = (cpu_seconds(dev_pid) or 0.0) - dev0 if dev_pid and dev0 is not None else None
        rss = vm_hwm_mb("self")
        stop.set()
        await signals
    finally:
        for w in reversed(workers):
            await w.__aexit__(None, None, None)
        executor.shutdown()
    executions = await list_executions(client, query)
    completed = [e for e in executions if e.status == WorkflowExecutionStatus.COMPLETED]
    end = max((e.close_time.timestamp() for e in completed if e.close_time), default=time.time())
    makespan = end - began
    lengths = sorted(e.history_length for e in executions)
    first_end = signaller.first_end or end
    after_machine = timeline.busy_between(first_end, end)
    after_worker = timeline.busy_between(first_end, end, own=True)
    n = max(args.count, 1)
    cores = len(os.sched_getaffinity(0))
    return {
        "task_queue": queue,
        "documents": args.count,
        "completed": len(completed),
        "closed": closed,
        "submit_s": round(submit_s, 2),
        "makespan_s": round(makespan, 2),
        "throughput": round(len(completed) / makespan, 3) if makespan > 0 else None,
        "signals_sent": signaller.sent,
        "worker_cpu_s": round(worker_cpu, 1),
        "dev_server_cpu_s": rounded(dev_cpu, 1),
        "machine_cpu_s": round(machine_cpu, 1),
        "worker_cpu_ms_per_document": round(1000 * worker_cpu / n, 1),
        "dev_server_cpu_ms_per_document": rounded(1000 * dev_cpu / n if dev_cpu else None, 1),
        "rss_peak_mb": rounded(rss, 1),
        "first_end_s": round(first_end - began, 1),
        "last_end_s": round((signaller.last_end or end) - began, 1),
        "after_first_end_machine_cpu_s": rounded(after_machine, 1),
        "after_first_end_worker_cpu_s": rounded(after_worker, 1),
        "makespan_floor_s": rounded(
            first_end - began + after_machine / cores if after_machine is not None else None, 1
        ),
        "cores": cores,
        "history_events_median": lengths[len(lengths) // 2] if lengths else None,
        "history_events_max": lengths[-1] if lengths else None,
    }


def report(figures: dict[str, Any]) -> str:
    s = figures["skeleton"]
    v = figures["versions"]
    shape = "the leanest shape" if figures["arguments"]["minimal"] else "lexflow's shape"
    return "\n".join(
        [
            f"Temporal alone, {shape}: {s['documents']} documents, "
            f"{figures['arguments']['latency']:g} s per job, every activity a no-op",
            f"versions: python {v['python']}, temporalio {v['temporalio']}, "
            f"{v['temporal_cli']}; {v['cpus']} CPUs, load average at start "
            f"{v['load_average_at_start']}",
            f"  {s['completed']}/{s['documents']} completed; makespan {s['makespan_s']} s "
            f"(submitting took {s['submit_s']} s) → {s['throughput']} documents/s",
            f"  CPU: worker process {s['worker_cpu_s']} s "
            f"({s['worker_cpu_ms_per_document']} ms a document), dev server "
            f"{s['dev_server_cpu_s']} s ({s['dev_server_cpu_ms_per_document']} ms a document), "
            f"the machine {s['machine_cpu_s']} s; worker peak RSS {s['rss_peak_mb']} MB",
            f"  jobs ended from +{s['first_end_s']} s to +{s['last_end_s']} s; from the first "
            f"end to the last close the machine "
            f"spent {s['after_first_end_machine_cpu_s']} CPU-s (the worker "
            f"{s['after_first_end_worker_cpu_s']}), so this shape alone cannot end before "
            f"{s['makespan_floor_s']} s on {s['cores']} cores",
            f"  history events per run: median {s['history_events_median']}, "
            f"max {s['history_events_max']}",
        ]
    )


async def run(args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {"versions": versions(), "arguments": vars(args)}
    with tempfile.TemporaryDirectory(prefix="lexflow-skeleton-") as tmp:
        env, _storage = await start_dev_server(args, Path(tmp))
        try:
            figures["skeleton"] = await run_skeleton(args, env.client)
        finally:
            await env.shutdown()
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging("WARNING", "text")
    figures = asyncio.run(run(args))
    if args.json:
        print(json.dumps({**figures["skeleton"], "details": figures}, indent=2, default=str))
    else:
        print(report(figures))
    return 0


if __name__ == "__main__":
    exit_with(main)
