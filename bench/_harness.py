"""The pieces ``bench/inflight.py`` is built from.

- ``MotoProcess``: a ``ThreadedMotoServer`` (S3, SNS, SQS, and Textract made realistic by
  ``tests.activity.textract_fakes``) in a child process of its own, so that the worker's RSS and CPU
  figures are the worker's, not moto's, and moto does not compete with the worker for its GIL. The
  fake's call log and jobs are copied back on request; ``time.monotonic`` is system-wide on Linux,
  so its timestamps compare with the parent's.
- ``CountingExecutor``: the worker's activity executor, counting the activities running in it
  (every lexflow activity is synchronous, so a running function is a busy activity slot).
- ``BlockingDocumentWorkflow`` and ``BlockingActivities``: the old design, where one activity starts
  the Textract job and sleeps in its slot, polling, until the job is done, then fetches the results.
- Process figures from ``/proc`` and the small statistics the report needs.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import multiprocessing
import multiprocessing.connection
import os
import resource
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

from activities.textract import TextractActivities
from lexflow.contracts import (
    DocumentInput,
    DocumentRef,
    FinalizeInput,
    OcrSummary,
    PrepareInput,
    PrepareResult,
    StageCount,
    StartTextractInput,
    TextractJobRef,
)
from lexflow.process import exit_now
from lexflow.services import Services
from workflows import policy

REGION = "us-east-1"
BUCKET = "lexflow-bench"
ROLE_ARN = "arn:aws:iam::123456789012:role/textract-sns"
START = "StartDocumentTextDetection"
GET = "GetDocumentTextDetection"

P = ParamSpec("P")
T = TypeVar("T")


def use_fake_aws_credentials() -> None:
    """Everything talks to the local moto server: never hand it (or anything) real credentials."""
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    os.environ["AWS_DEFAULT_REGION"] = REGION
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)


# --- moto in a child process ----------------------------------------------------------------------


@dataclass(frozen=True)
class CallRecord:
    """One request the fake Textract answered."""

    operation: str
    at: float
    """time.monotonic() when the fake answered."""
    job_id: str | None
    max_results: int | None
    next_token: bool
    error: str | None

    @property
    def is_status_check(self) -> bool:
        """lexflow's status check asks for one block; result pages ask for up to 1,000."""
        return self.operation == GET and self.max_results == 1

    @property
    def is_result_page(self) -> bool:
        return self.operation == GET and self.max_results != 1


@dataclass(frozen=True)
class JobRecord:
    job_id: str
    tag: str | None
    started: float
    """time.monotonic() when the fake started the job."""
    finishes: float
    """``started`` + the simulated latency: the job's true end."""
    notified: bool


@dataclass
class FakeSnapshot:
    calls: list[CallRecord]
    jobs: list[JobRecord]
    cpu_seconds: float
    rss_peak_mb: float


@dataclass(frozen=True)
class MotoEndpoints:
    endpoint: str
    topic_arn: str
    queue_url: str


def _moto_child(conn: multiprocessing.connection.Connection) -> None:
    """The child: serve moto, apply textract_behaviour, answer the parent's commands."""
    use_fake_aws_credentials()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    from tests.activity.textract_fakes import FakeTextract, text_blocks, textract_behaviour
    from tests.scratch import moto_aws

    aws = contextlib.ExitStack()
    m = aws.enter_context(moto_aws(REGION, BUCKET, "lexflow-bench"))
    conn.send(MotoEndpoints(m.endpoint, m.topic_arn, m.queue_url))

    stack = contextlib.ExitStack()
    fake: FakeTextract | None = None
    latency = 0.0
    try:
        while True:
            command, arg = conn.recv()
            if command == "behave":
                stack.close()
                stack = contextlib.ExitStack()
                latency = float(arg["latency"])
                # A timer per job finishes it (and publishes its SNS message) when the latency
                # has passed, whether anyone polls or not (in_progress_calls=0).
                fake = stack.enter_context(
                    textract_behaviour(
                        in_progress_seconds=latency,
                        page_size=arg["page_size"],
                        blocks=text_blocks(arg["pages"]),
                    )
                )
                conn.send("ok")
            elif command == "snapshot":
                assert fake is not None
                conn.send(_snapshot(fake, latency))
            elif command == "stop":
                break
    finally:
        stack.close()
        aws.close()
        conn.send("stopped")


def _snapshot(fake: Any, latency: float) -> FakeSnapshot:
    with fake._lock:
        calls = [
            CallRecord(
                operation=c.operation,
                at=c.at,
                job_id=c.params.get("JobId"),
                max_results=c.params.get("MaxResults"),
                next_token=bool(c.params.get("NextToken")),
                error=c.error,
            )
            for c in fake.calls
        ]
        jobs = [
            JobRecord(j.job_id, j.tag, j.started, j.started + latency, j.notified)
            for j in fake.jobs.values()
        ]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return FakeSnapshot(calls, jobs, usage.ru_utime + usage.ru_stime, vm_hwm_mb("self") or 0.0)


class MotoProcess:
    """The moto server with the controllable Textract, in a spawned child process."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_moto_child, args=(child,), name="bench-moto", daemon=True)
        self._proc.start()
        if not self._conn.poll(60):
            raise RuntimeError("the moto child did not start within 60 s")
        self.endpoints: MotoEndpoints = self._conn.recv()

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    def _ask(self, command: str, arg: Any = None, timeout: float = 120) -> Any:
        self._conn.send((command, arg))
        if not self._conn.poll(timeout):
            raise RuntimeError(f"the moto child did not answer {command!r} within {timeout} s")
        return self._conn.recv()

    def behave(self, latency: float, page_size: int, pages: Sequence[Sequence[str]]) -> None:
        """A fresh fake (empty call log): every job IN_PROGRESS for ``latency`` seconds."""
        arg = {"latency": latency, "page_size": page_size, "pages": [list(p) for p in pages]}
        self._ask("behave", arg)

    def snapshot(self) -> FakeSnapshot:
        snap: FakeSnapshot = self._ask("snapshot")
        return snap

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._ask("stop", timeout=15)
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)


# --- the worker's activity executor ---------------------------------------------------------------


@dataclass
class SlotStats:
    peak: int = 0
    busy_seconds: float = 0.0
    """Integral of busy slots over time (slot-seconds)."""
    started: int = 0
    by_activity: dict[str, float] = field(default_factory=dict)
    """Slot-seconds per activity function."""
    cpu_by_activity: dict[str, float] = field(default_factory=dict)
    """CPU seconds of the activity's thread, per activity function."""


class CountingExecutor(ThreadPoolExecutor):
    """A ThreadPoolExecutor that knows how many submitted functions are running right now."""

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="activity")
        self._lock = threading.Lock()
        self.running = 0
        self.stats = SlotStats()
        self._since = time.monotonic()

    def _account(self, delta: int) -> None:
        now = time.monotonic()
        self.stats.busy_seconds += self.running * (now - self._since)
        self._since = now
        self.running += delta
        self.stats.peak = max(self.stats.peak, self.running)
        if delta > 0:
            self.stats.started += 1

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        name = _activity_name(args)

        def counted() -> T:
            began, cpu = time.monotonic(), time.thread_time()
            with self._lock:
                self._account(+1)
            try:
                return fn(*args, **kwargs)
            finally:
                used = time.thread_time() - cpu
                with self._lock:
                    self._account(-1)
                    stats = self.stats
                    stats.by_activity[name] = (
                        stats.by_activity.get(name, 0.0) + time.monotonic() - began
                    )
                    stats.cpu_by_activity[name] = stats.cpu_by_activity.get(name, 0.0) + used

        return super().submit(counted)


def _activity_name(args: Sequence[object]) -> str:
    """The SDK submits ``(context.run, _execute_sync_activity, info, ...)``: find the info."""
    for arg in args[:4]:
        if isinstance(arg, activity.Info):
            return arg.activity_type
    return "?"


# --- the old design: wait for Textract inside the activity ----------------------------------------

BLOCKING_WORKFLOW = "BenchBlockingDocumentWorkflow"
BLOCKING_OCR = "bench_blocking_textract_ocr"


class BlockingActivities:
    """Start the job, ``time.sleep`` between status checks in the slot, then fetch: as before."""

    def __init__(
        self, services: Services, stop: threading.Event, initial_delay: float, interval: float
    ) -> None:
        self._textract = TextractActivities(services)
        self._stop = stop
        self._initial_delay, self._interval = initial_delay, interval

    def _sleep(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise ApplicationError("benchmark time cap reached", non_retryable=True)

    @activity.defn(name=BLOCKING_OCR)
    def ocr(self, inp: StartTextractInput) -> OcrSummary:
        while True:
            started = self._textract.start_textract_job(inp)
            if started.admitted and started.job_id:
                break
            self._sleep(5)
        ref = TextractJobRef(document_uuid=inp.document_uuid, job_id=started.job_id)
        self._sleep(self._initial_delay)
        while True:
            state = self._textract.check_textract_job(ref)
            if state.finished:
                break
            self._sleep(self._interval)
        if state.status == "FAILED":
            raise ApplicationError(f"Textract job {ref.job_id} FAILED", non_retryable=True)
        return self._textract.fetch_textract_results(ref)


@workflow.defn(name=BLOCKING_WORKFLOW, sandboxed=False)
class BlockingDocumentWorkflow:
    """prepare → one blocking OCR activity → chunk → entities → relationships → finalize."""

    @workflow.run
    async def run(self, inp: DocumentInput) -> int:
        info = workflow.info()
        prepared: PrepareResult = await workflow.execute_activity(
            "prepare_document",
            PrepareInput(
                document_uuid=inp.document_uuid,
                source_uri=inp.source_uri,
                file_name=inp.file_name,
                ocr_engine="textract",
                workflow_id=info.workflow_id,
                run_id=info.run_id,
            ),
            result_type=PrepareResult,
            **policy.PREPARE.kwargs(),
        )
        ocr: OcrSummary = await workflow.execute_activity(
            BLOCKING_OCR,
            StartTextractInput(
                document_uuid=inp.document_uuid,
                s3_bucket=prepared.s3_bucket or "",
                s3_key=prepared.s3_key or "",
            ),
            result_type=OcrSummary,
            start_to_close_timeout=timedelta(
                seconds=inp.options.textract_async_max_polling_time_seconds + 300
            ),
            retry_policy=RetryPolicy(maximum_attempts=1),
        )
        ref = DocumentRef(document_uuid=inp.document_uuid)
        counts = []
        for name in ("chunk_document", "extract_entities", "build_relationships"):
            counted: StageCount = await workflow.execute_activity(
                name, ref, result_type=StageCount, **policy.TEXT_STAGE.kwargs()
            )
            counts.append(counted)
        await workflow.execute_activity(
            "finalize_document",
            FinalizeInput(
                document_uuid=inp.document_uuid,
                page_count=ocr.page_count,
                chunk_count=counts[0].count,
                entity_count=counts[1].secondary_count,
                relationship_count=counts[2].count,
            ),
            **policy.BOOKKEEPING.kwargs(),
        )
        return ocr.page_count


# --- processes ------------------------------------------------------------------------------------


def vm_hwm_mb(pid: int | str) -> float | None:
    """Peak resident set size (VmHWM) of a process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int | str) -> float | None:
    """User + system CPU seconds a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used (all CPUs, not idle or iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class MachineCpuTimeline:
    """Samples busy CPU seconds (the whole machine's, and this process's) a few times a second,
    in a thread of its own, so the CPU spent after a moment (the first job's end) can be read
    afterwards."""

    def __init__(self, every_s: float = 0.25) -> None:
        self._every_s = every_s
        # (time.time(), machine busy seconds, this process's CPU seconds)
        self._samples: list[tuple[float, float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-timeline", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        self._samples.append((time.time(), machine_busy_seconds(), self_cpu_seconds()))

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(self._every_s):
                self._sample()
                return

    def busy_between(self, start: float, end: float, *, own: bool = False) -> float | None:
        """Busy CPU seconds between two time.time() readings (interpolated between samples):
        the machine's, or with ``own`` this process's."""
        if len(self._samples) < 2 or end <= start:
            return None
        times = [t for t, _, _ in self._samples]
        column = 2 if own else 1

        def at(when: float) -> float:
            i = min(max(bisect.bisect_left(times, when), 1), len(times) - 1)
            t0, c0 = self._samples[i - 1][0], self._samples[i - 1][column]
            t1, c1 = self._samples[i][0], self._samples[i][column]
            if t1 <= t0:
                return c1
            share = min(max((when - t0) / (t1 - t0), 0.0), 1.0)
            return c0 + share * (c1 - c0)

        return at(end) - at(start)


def self_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_pids(name: str) -> list[int]:
    """This process's children whose command name starts with ``name``."""
    found = []
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm, rest = (entry / "stat").read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue
        if int(rest.split()[1]) == me and comm.split("(", 1)[1].startswith(name):
            found.append(int(entry.name))
    return found


# --- statistics -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100), linear between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def peak_in_window(times: Sequence[float], window: float = 1.0) -> int:
    """Most events in any window of ``window`` seconds (sliding, not clock-aligned)."""
    ordered = sorted(times)
    best = 0
    for i, t in enumerate(ordered):
        best = max(best, bisect.bisect_left(ordered, t + window) - i)
    return best


def peak_per_clock_second(times: Sequence[float]) -> int:
    """Most events within one second of the clock (``floor(t)``), as a per-second counter sees."""
    counts: dict[int, int] = {}
    for t in times:
        counts[math.floor(t)] = counts.get(math.floor(t), 0) + 1
    return max(counts.values(), default=0)


def peak_overlap(intervals: Sequence[tuple[float, float]]) -> int:
    """Most intervals open at the same instant."""
    edges = sorted([(a, 1) for a, _ in intervals] + [(b, -1) for _, b in intervals])
    best = current = 0
    for _, delta in edges:
        current += delta
        best = max(best, current)
    return best


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def monotonic_to_wall() -> Callable[[float], float]:
    """A function turning time.monotonic() readings into time.time() readings."""
    offset = time.time() - time.monotonic()
    return lambda t: t + offset


def exit_with(main: Callable[[], int]) -> NoReturn:
    """Run a bench script's ``main`` and leave through ``os._exit``: the figures are printed by
    then, and the SDK can abort during interpreter teardown (sdk-python#300) and fail the run."""
    exit_now(main())
