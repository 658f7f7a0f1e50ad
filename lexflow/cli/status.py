"""``lexflow status DOC``: one document's full story — its row, its Textract job, its workflow's
live stages and times — and the Web UI link. Works with Temporal down (the row alone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.client import WorkflowExecutionDescription, WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from lexflow.cli.common import (
    RPC_TIMEOUT,
    as_utc,
    connect_fast,
    elapsed,
    format_duration,
    format_time,
    resolve_document,
    retry_commands,
)
from lexflow.config import Settings
from lexflow.contracts import PIPELINE, DocumentState, DocumentStatus
from lexflow.db.documents import get_document
from lexflow.db.engine import make_engine
from lexflow.db.models import SourceDocument
from lexflow.errors import TemporalUnavailableError, short_error
from lexflow.temporal import web_ui_link, workflow_id_for


@dataclass
class WorkflowView:
    description: WorkflowExecutionDescription | None = None
    live: DocumentStatus | None = None
    problem: str | None = None


async def show_status(settings: Settings, ref: str) -> int:
    engine = make_engine(settings.effective_database_url)
    try:
        uuid = resolve_document(engine, ref)
        doc = get_document(engine, uuid)
    finally:
        engine.dispose()
    wid = workflow_id_for(uuid)
    view = await _workflow_view(settings, wid)
    now = datetime.now(UTC)
    lines = _document_lines(uuid, doc, now) if doc else [f"document {uuid}: no database row"]
    lines += _workflow_lines(wid, view, now)
    failed = (doc is not None and doc.status == "failed") or (
        view.live is not None and view.live.state is DocumentState.FAILED
    )
    if failed:
        lexflow_cmd, temporal_cmd = retry_commands(uuid)
        lines += ["", f"retry: {lexflow_cmd}", f"   or: {temporal_cmd}"]
        if doc is not None:  # the one way with the embedded server, which runs only meanwhile
            lines.append(f"   or launch it again: python starter.py {doc.source_uri}")
    lines += ["", f"Web UI: {web_ui_link(settings, wid)}"]
    print("\n".join(lines))
    return 0 if doc is not None or view.description is not None else 1


def _field(name: str, value: object) -> str:
    return f"  {name:<14}{value}"


def _document_lines(uuid: str, doc: SourceDocument, now: datetime) -> list[str]:
    status = f"{doc.status} at {doc.stage}"
    if doc.attempts:
        status += f", {_count(doc.attempts, 'failed attempt')}"
    lines = [f"document {uuid}  {doc.file_name}", _field("source", doc.source_uri)]
    lines.append(_field("status", status))
    if doc.error_message:
        lines.append(_field("error", f"{doc.error_stage or doc.stage}: {doc.error_message}"))
    facts = [doc.media_type, _count(doc.page_count, "page"), _size(doc.size_bytes)]
    if any(facts):
        lines.append(_field("file", ", ".join(f for f in facts if f)))
    if doc.ocr_engine:
        ocr = doc.ocr_engine
        if doc.pages_ocr_sent is not None:
            ocr += f", {_count(doc.pages_ocr_sent, 'page')} sent to OCR"
        if doc.mean_confidence is not None:
            ocr += f", mean confidence {doc.mean_confidence:.1f}"
        lines.append(_field("OCR", ocr))
    counts = [
        _count(doc.chunk_count, "chunk"),
        _count(doc.entity_count, "entity", "entities"),
        _count(doc.relationship_count, "relationship"),
    ]
    if any(counts):
        lines.append(_field("counts", ", ".join(c for c in counts if c)))
    started, completed = as_utc(doc.started_at or doc.created_at), as_utc(doc.completed_at)
    lines.append(_field("started", format_time(started)))
    if completed and started:
        took = _secs((completed - started).total_seconds())
        lines.append(_field("completed", f"{format_time(completed)} (took {took})"))
    updated = f"{format_time(doc.updated_at)} ({elapsed(doc.updated_at, now)} ago)"
    lines.append(_field("last update", updated))
    if doc.textract_job_id or doc.textract_job_status:
        lines += _textract_lines(doc, now)
    return lines


def _textract_lines(doc: SourceDocument, now: datetime) -> list[str]:
    job = doc.textract_job_status or "status unknown"
    if doc.textract_page_count is not None:
        job += f", {_count(doc.textract_page_count, 'page')}"
    start, end = as_utc(doc.textract_start_time), as_utc(doc.textract_end_time)
    lines = [
        "Textract",
        _field("job id", doc.textract_job_id or "—"),
        _field("status", f"{job} (attempt {doc.textract_attempt})"),
        _field("started", format_time(start)),
    ]
    if end is not None:
        took = f" (took {_secs((end - start).total_seconds())})" if start else ""
        lines.append(_field("ended", format_time(end) + took))
    elif start is not None:
        lines.append(_field("running for", elapsed(start, now)))
    if doc.textract_error_message:
        lines.append(_field("error", doc.textract_error_message))
    return lines


async def _workflow_view(settings: Settings, wid: str) -> WorkflowView:
    try:
        client = await connect_fast(settings)
    except TemporalUnavailableError as exc:
        return WorkflowView(problem=str(exc))
    handle = client.get_workflow_handle(wid)
    try:
        description = await handle.describe(rpc_timeout=RPC_TIMEOUT)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return WorkflowView(problem="no such workflow")
        return WorkflowView(problem=short_error(exc))
    try:
        live = await handle.query("status", result_type=DocumentStatus, rpc_timeout=RPC_TIMEOUT)
    except (RPCError, WorkflowQueryFailedError) as exc:
        return WorkflowView(description, problem=f"status query unanswered ({short_error(exc)})")
    return WorkflowView(description, live)


def _workflow_lines(wid: str, view: WorkflowView, now: datetime) -> list[str]:
    lines = ["", f"workflow {wid}"]
    desc, live = view.description, view.live
    if desc is not None:
        state = desc.status.name.lower() if desc.status else "unknown"
        lines.append(_field("execution", f"{state}, run {desc.run_id}"))
        lines.append(_field("started", format_time(desc.start_time)))
        if desc.close_time:
            lines.append(_field("closed", format_time(desc.close_time)))
    if view.problem:
        lines.append(f"  ({view.problem})")
    if live is None:
        return lines
    polls = f", {_count(live.polls, 'Textract poll')}" if live.polls else ""
    where = f"{live.state.value} at {live.stage.value}, attempt {live.attempts}{polls}"
    lines.append(_field("live status", where))
    if live.error:
        lines.append(_field("error", live.error))
    lines.append("  stages")
    for stage in PIPELINE:
        seconds = live.stage_seconds.get(stage.value)
        if stage is live.stage and live.state is not DocumentState.COMPLETED:
            since = elapsed(live.stage_started_at, now)
            doing = "failed, waiting for retry" if live.state is DocumentState.FAILED else "running"
            detail = f"{doing} (since {since})" + (f", {_secs(seconds)} before" if seconds else "")
        elif seconds is not None:
            detail = _secs(seconds)
        else:
            continue
        lines.append(f"    {stage.value:<16}{detail}")
    return lines


def _secs(seconds: float) -> str:
    return f"{seconds:.1f}s" if seconds < 60 else format_duration(seconds)


def _count(n: int | None, one: str, many: str | None = None) -> str:
    if n is None:
        return ""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _size(n: int | None) -> str:
    if n is None:
        return ""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"
