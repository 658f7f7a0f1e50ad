"""What ``lexflow monitor`` shows, read from the database, Temporal's visibility API and Redis.

``collect_snapshot`` does all the I/O and never raises for an unreachable Temporal or Redis: it
records a notice instead, so the dashboard keeps showing what the database knows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import redis
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from temporalio.client import Client
from temporalio.service import RPCError

from lexflow.cli.common import (
    CONNECT_TIMEOUT_S,
    as_utc,
    connect_fast,
    safe_url,
    temporal_target,
)
from lexflow.config import Settings
from lexflow.db.engine import make_engine
from lexflow.db.models import SourceDocument
from lexflow.errors import TemporalUnavailableError, short_error

RUNNING_QUERY = "WorkflowType='DocumentWorkflow' AND ExecutionStatus='Running'"
THROUGHPUT_WINDOWS_MIN = (5, 15, 60)
IN_FLIGHT = ("pending", "processing")


@dataclass(frozen=True)
class DocumentLine:
    """One document in a section of the dashboard."""

    document_uuid: str
    file_name: str
    status: str
    stage: str
    since: datetime | None
    """When the shown wait began: Textract job start, document start, or the failure."""
    job_id: str | None = None
    job_status: str | None = None
    error: str | None = None
    attempts: int = 0


@dataclass(frozen=True)
class MonitorSnapshot:
    taken_at: datetime
    temporal_address: str
    counts: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """(status, stage) → documents."""
    pending_jobs: list[DocumentLine] = field(default_factory=list)
    pending_jobs_total: int = 0
    slowest: list[DocumentLine] = field(default_factory=list)
    failures: list[DocumentLine] = field(default_factory=list)
    completed_within: Mapping[int, int] = field(default_factory=dict)
    """Minutes → documents completed in the last that many minutes."""
    running_workflows: int | None = None
    cached_documents: int | None = None
    redis_configured: bool = False
    notices: list[str] = field(default_factory=list)
    database_ok: bool = True

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, status: str) -> int:
        return sum(n for (s, _), n in self.counts.items() if s == status)


class MonitorSources:
    """The monitor's connections: opened once, reopened on the next frame after an outage."""

    def __init__(
        self, settings: Settings, engine: Engine | None = None, timeout: float = CONNECT_TIMEOUT_S
    ) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.effective_database_url)
        self.timeout = timeout
        self._client: Client | None = None
        self._redis = (
            redis.Redis.from_url(settings.redis_url, socket_connect_timeout=0.5, socket_timeout=1.0)
            if settings.redis_url
            else None
        )

    @property
    def redis_configured(self) -> bool:
        return self._redis is not None

    async def running_workflows(self) -> int:
        """DocumentWorkflow executions Temporal's visibility store counts as running.

        Raises:
            TemporalUnavailableError: Temporal did not answer in time.
        """
        if self._client is None:
            self._client = await connect_fast(self.settings, self.timeout)
        try:
            counted = await asyncio.wait_for(
                self._client.count_workflows(
                    RUNNING_QUERY, rpc_timeout=timedelta(seconds=self.timeout)
                ),
                self.timeout + 1,
            )
        except (RPCError, TimeoutError, RuntimeError) as exc:
            self._client = None
            target = temporal_target(self.settings)
            raise TemporalUnavailableError(
                f"Temporal unreachable at {target} ({short_error(exc)})"
            ) from exc
        return counted.count

    def cached_documents(self) -> int:
        """``doc:state:*`` keys in Redis (raises ``redis.RedisError`` when it is down)."""
        assert self._redis is not None
        return sum(1 for _ in self._redis.scan_iter(match="doc:state:*", count=1000))

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()
        self.engine.dispose()


async def collect_snapshot(
    sources: MonitorSources, now: datetime | None = None, limit: int = 8
) -> MonitorSnapshot:
    """Read every source once; an unreachable one becomes a notice, not an error."""
    now = now or datetime.now(UTC)
    notices: list[str] = []
    running = cached = None
    try:
        running = await sources.running_workflows()
    except TemporalUnavailableError as exc:
        notices.append(f"{exc}: running workflows not counted")
    if sources.redis_configured:
        try:
            cached = await asyncio.to_thread(sources.cached_documents)
        except redis.RedisError as exc:
            url = safe_url(sources.settings.redis_url or "")
            notices.append(f"Redis unreachable at {url} ({short_error(exc)}): cache not inspected")
    try:
        view = read_database(sources.engine, now, limit)
    except SQLAlchemyError as exc:
        url = sources.engine.url.render_as_string(hide_password=True)
        reason = short_error(getattr(exc, "orig", None) or exc)
        notices.insert(0, f"database unreachable at {url} ({reason})")
        view, database_ok = DatabaseView(), False
    else:
        database_ok = True
    return MonitorSnapshot(
        taken_at=now,
        temporal_address=temporal_target(sources.settings),
        counts=view.counts,
        pending_jobs=view.pending_jobs,
        pending_jobs_total=view.pending_jobs_total,
        slowest=view.slowest,
        failures=view.failures,
        completed_within=view.completed_within,
        running_workflows=running,
        cached_documents=cached,
        redis_configured=sources.redis_configured,
        notices=notices,
        database_ok=database_ok,
    )


@dataclass(frozen=True)
class DatabaseView:
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    pending_jobs: list[DocumentLine] = field(default_factory=list)
    pending_jobs_total: int = 0
    slowest: list[DocumentLine] = field(default_factory=list)
    failures: list[DocumentLine] = field(default_factory=list)
    completed_within: dict[int, int] = field(default_factory=dict)


def read_database(engine: Engine, now: datetime, limit: int) -> DatabaseView:
    """The dashboard's sections, each from one small query of ``source_documents``."""
    doc = SourceDocument
    in_progress_job = (doc.textract_job_status == "IN_PROGRESS") & (doc.status != "completed")
    started = func.coalesce(doc.started_at, doc.created_at)
    with Session(engine) as session:
        counts = {
            (status, stage): int(n)
            for status, stage, n in session.execute(
                select(doc.status, doc.stage, func.count()).group_by(doc.status, doc.stage)
            )
        }
        jobs_total = session.execute(select(func.count()).where(in_progress_job)).scalar_one()
        jobs = session.scalars(
            select(doc)
            .where(in_progress_job)
            .order_by(doc.textract_start_time.asc(), doc.document_uuid)
            .limit(limit)
        )
        pending_jobs = [_line(d, d.textract_start_time) for d in jobs]
        slow = session.scalars(
            select(doc)
            .where(doc.status.in_(IN_FLIGHT))
            .order_by(started.asc(), doc.document_uuid)
            .limit(limit)
        )
        slowest = [_line(d, d.started_at or d.created_at) for d in slow]
        failed = session.scalars(
            select(doc)
            .where(doc.status == "failed")
            .order_by(doc.updated_at.desc(), doc.document_uuid)
            .limit(limit)
        )
        failures = [_line(d, d.updated_at) for d in failed]
        completed_within = {
            minutes: int(
                session.execute(
                    select(func.count()).where(
                        doc.status == "completed",
                        doc.completed_at >= now - timedelta(minutes=minutes),
                    )
                ).scalar_one()
            )
            for minutes in THROUGHPUT_WINDOWS_MIN
        }
    return DatabaseView(
        counts=counts,
        pending_jobs=pending_jobs,
        pending_jobs_total=int(jobs_total),
        slowest=slowest,
        failures=failures,
        completed_within=completed_within,
    )


def _line(d: SourceDocument, since: datetime | None) -> DocumentLine:
    return DocumentLine(
        document_uuid=d.document_uuid,
        file_name=d.file_name,
        status=d.status,
        stage=d.stage,
        since=as_utc(since),
        job_id=d.textract_job_id,
        job_status=d.textract_job_status,
        error=d.error_message,
        attempts=d.attempts or 0,
    )
