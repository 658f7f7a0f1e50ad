"""``lexflow migrate [--dry-run]``: pick up documents an older system or a crash left behind.

A row of ``source_documents`` that is not ``completed`` and whose ``document-<uuid>`` workflow is
not running (never started, or closed) is resubmitted: a new run from its source, reusing OCR of
identical content. Cache entries of resubmitted documents, and Textract status entries of jobs no
row references, are cleared. The Textract tracking fields of every row are checked and the
inconsistencies reported (not changed). Healthy documents — completed, or with a running
workflow — are left alone. ``--dry-run`` prints the plan and changes nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine, func, or_, select
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from lexflow import cache
from lexflow.cli.common import RPC_TIMEOUT, connect_fast, safe_url
from lexflow.cli.resubmit import start_new_run
from lexflow.config import Settings
from lexflow.db.engine import make_engine
from lexflow.db.models import SourceDocument
from lexflow.errors import short_error
from lexflow.sources import is_s3_uri
from lexflow.temporal import workflow_id_for

FINISHED_JOB = frozenset({"SUCCEEDED", "PARTIAL_SUCCESS", "FAILED"})
KNOWN_JOB = FINISHED_JOB | {"IN_PROGRESS"}
_DESCRIBE_CONCURRENCY = 16
_TEXTRACT_COLUMNS = (
    SourceDocument.document_uuid,
    SourceDocument.file_name,
    SourceDocument.status,
    SourceDocument.textract_job_id,
    SourceDocument.textract_job_status,
    SourceDocument.textract_start_time,
    SourceDocument.textract_end_time,
    SourceDocument.textract_page_count,
    SourceDocument.textract_error_message,
)


@dataclass(frozen=True)
class LeftBehind:
    document_uuid: str
    file_name: str
    source_uri: str
    where: str
    """``processing at ocr``: what the row says."""
    workflow: str
    """``no workflow`` or ``workflow terminated``: why nothing is working on it."""
    blocker: str | None = None
    """Why it cannot be resubmitted (its source is gone, Temporal did not answer)."""


@dataclass
class MigrationPlan:
    total: int = 0
    completed: int = 0
    running: int = 0
    """Not completed, but with a running workflow (a failed one waits for a retry signal)."""
    waiting_for_retry: int = 0
    left_behind: list[LeftBehind] = field(default_factory=list)
    cache_keys: list[tuple[str, str]] = field(default_factory=list)
    """(key, why it is stale)."""
    cache_notice: str | None = None
    textract_problems: list[tuple[str, str, str]] = field(default_factory=list)
    """(document uuid, file name, problem)."""

    @property
    def resubmit(self) -> list[LeftBehind]:
        return [d for d in self.left_behind if d.blocker is None]


async def run_migrate(settings: Settings, dry_run: bool) -> int:
    """Print the plan, and unless ``dry_run`` carry it out; 1 if a document could not be
    resubmitted."""
    engine = make_engine(settings.effective_database_url)
    redis_client = (
        redis.Redis.from_url(settings.redis_url, socket_connect_timeout=0.5, socket_timeout=2.0)
        if settings.redis_url
        else None
    )
    try:
        client = await connect_fast(settings)
        plan = await plan_migration(engine, client, redis_client, settings)
        print_plan(plan, dry_run)
        if dry_run:
            return 1 if len(plan.resubmit) < len(plan.left_behind) else 0
        failures = await apply_plan(plan, client, settings, redis_client)
        return 1 if failures or len(plan.resubmit) < len(plan.left_behind) else 0
    finally:
        engine.dispose()
        if redis_client is not None:
            redis_client.close()


async def plan_migration(
    engine: Engine, client: Client, redis_client: redis.Redis | None, settings: Settings
) -> MigrationPlan:
    doc = SourceDocument
    with engine.connect() as conn:
        counts = dict(conn.execute(select(doc.status, func.count()).group_by(doc.status)).all())
        incomplete = conn.execute(
            select(doc.document_uuid, doc.file_name, doc.source_uri, doc.status, doc.stage)
            .where(doc.status != "completed")
            .order_by(doc.created_at, doc.document_uuid)
        ).all()
        tracked = conn.execute(
            select(*_TEXTRACT_COLUMNS)
            .where(or_(doc.textract_job_id.is_not(None), doc.textract_job_status.is_not(None)))
            .order_by(doc.document_uuid)
        ).all()
    plan = MigrationPlan(total=sum(counts.values()), completed=counts.get("completed", 0))
    semaphore = asyncio.Semaphore(_DESCRIBE_CONCURRENCY)

    async def check(row: Any) -> LeftBehind | None:
        async with semaphore:
            return await _left_behind(client, row)

    checked = await asyncio.gather(*(check(r) for r in incomplete))
    for row, found in zip(incomplete, checked, strict=True):
        if found is not None:
            plan.left_behind.append(found)
            continue
        plan.running += 1
        plan.waiting_for_retry += row.status == "failed"
    plan.textract_problems = [
        (r.document_uuid, r.file_name, problem) for r in tracked for problem in textract_problems(r)
    ]
    referenced = {r.textract_job_id for r in tracked if r.textract_job_id}
    if redis_client is not None:
        try:
            plan.cache_keys = _stale_keys(redis_client, plan.resubmit, referenced)
        except redis.RedisError as exc:
            url = safe_url(settings.redis_url or "")
            plan.cache_notice = f"Redis unreachable at {url} ({short_error(exc)})"
    return plan


async def _left_behind(client: Client, row: Any) -> LeftBehind | None:
    """None when the document's workflow runs; else why it is left behind."""
    where = f"{row.status} at {row.stage}"
    base = (row.document_uuid, row.file_name, row.source_uri, where)
    try:
        desc = await client.get_workflow_handle(workflow_id_for(row.document_uuid)).describe(
            rpc_timeout=RPC_TIMEOUT
        )
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            return LeftBehind(*base, "workflow unknown", f"Temporal: {short_error(exc)}")
        workflow = "no workflow"
    else:
        if desc.status == WorkflowExecutionStatus.RUNNING:
            return None
        workflow = f"workflow {desc.status.name.lower() if desc.status else 'closed'}"
    source = row.source_uri
    if not is_s3_uri(source) and not Path(source).is_file():
        return LeftBehind(*base, workflow, f"source file missing: {source}")
    return LeftBehind(*base, workflow)


def textract_problems(row: Any) -> list[str]:
    """What is inconsistent in a row's Textract tracking fields (``textract_*``)."""
    job, status = row.textract_job_id, row.textract_job_status
    start, end = row.textract_start_time, row.textract_end_time
    problems = []
    if status and not job:
        problems.append(f"textract_job_status is {status} but there is no textract_job_id")
    if job and not status:
        problems.append("textract_job_id is set but textract_job_status is empty")
    if status and status not in KNOWN_JOB:
        problems.append(f"unknown textract_job_status {status!r}")
    if job and start is None:
        problems.append("textract_job_id is set but textract_start_time is empty")
    if status in FINISHED_JOB and end is None:
        problems.append(f"{status} without textract_end_time")
    if status == "IN_PROGRESS" and end is not None:
        problems.append("IN_PROGRESS but textract_end_time is set")
    if start is not None and end is not None and _naive(end) < _naive(start):
        problems.append("textract_end_time is before textract_start_time")
    if status in ("SUCCEEDED", "PARTIAL_SUCCESS") and row.textract_page_count is None:
        problems.append(f"{status} without textract_page_count")
    if status == "FAILED" and not row.textract_error_message:
        problems.append("FAILED without textract_error_message")
    if status == "IN_PROGRESS" and row.status == "completed":
        problems.append("document completed but its Textract job is still IN_PROGRESS")
    return problems


def _naive(value: Any) -> Any:
    return value.replace(tzinfo=None) if value.tzinfo else value


def _stale_keys(
    client: redis.Redis, resubmit: list[LeftBehind], referenced_jobs: set[str]
) -> list[tuple[str, str]]:
    stale: list[tuple[str, str]] = []
    for d in resubmit:
        keys = [
            cache.doc_state_key(d.document_uuid),
            cache.doc_ocr_key(d.document_uuid),
            cache.textract_result_key(d.document_uuid),
        ]
        stale += [(k, "document resubmitted") for k in keys if client.exists(k)]
    prefix = cache.textract_status_key("")
    for raw in client.scan_iter(match=f"{prefix}*", count=1000):
        key = raw.decode() if isinstance(raw, bytes) else str(raw)
        if key.removeprefix(prefix) not in referenced_jobs:
            stale.append((key, "job referenced by no document"))
    return stale


def print_plan(plan: MigrationPlan, dry_run: bool) -> None:
    head = (
        "lexflow migrate --dry-run (plan only: nothing is changed)"
        if dry_run
        else "lexflow migrate"
    )
    print(f"{head}\n{plan.total} document{'' if plan.total == 1 else 's'} in the database")
    print(
        f"  healthy, left alone: {plan.completed} completed, "
        f"{plan.running} not completed with a running workflow"
    )
    if plan.waiting_for_retry:
        print(
            f"    of which {plan.waiting_for_retry} failed and wait for a retry signal: "
            "`lexflow retry --all-failed` resumes them"
        )
    print(f"  left behind (not completed, no running workflow): {len(plan.left_behind)}")
    verb = "would resubmit" if dry_run else "resubmit"
    for d in plan.left_behind:
        action = verb if d.blocker is None else "cannot resubmit"
        line = f"    {action}  {d.document_uuid}  {d.file_name}  {d.where}, {d.workflow}"
        print(line + (f" — {d.blocker}" if d.blocker else ""))
    if plan.cache_notice:
        print(f"stale cache entries: not checked ({plan.cache_notice})")
    else:
        print(f"stale cache entries: {len(plan.cache_keys)}")
        for key, why in plan.cache_keys:
            print(f"    {'would delete' if dry_run else 'delete'}  {key}  ({why})")
    print(
        f"Textract tracking fields: {len(plan.textract_problems)} problems (reported, not changed)"
    )
    for uuid, name, problem in plan.textract_problems:
        print(f"    {uuid}  {name}: {problem}")


async def apply_plan(
    plan: MigrationPlan, client: Client, settings: Settings, redis_client: redis.Redis | None
) -> int:
    """Clear the stale cache entries first (a new run writes fresh ones), then resubmit."""
    if plan.cache_keys and redis_client is not None:
        try:
            redis_client.delete(*(k for k, _ in plan.cache_keys))
            print(f"deleted {len(plan.cache_keys)} stale cache entries")
        except redis.RedisError as exc:
            print(f"stale cache entries not deleted: {short_error(exc)}")
    failures = 0
    for d in plan.resubmit:
        try:
            started = await start_new_run(client, settings, d.document_uuid, d.source_uri)
        except RPCError as exc:
            print(f"{d.document_uuid}: resubmission failed: {short_error(exc)}")
            failures += 1
            continue
        note = "resubmitted" if started else "a run was started meanwhile: left alone"
        print(f"{d.document_uuid}: {note} ({workflow_id_for(d.document_uuid)})")
    return failures
