"""Launching document workflows and waiting for their outcome (used by starter.py and the CLI)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowQueryFailedError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from lexflow.config import Settings
from lexflow.contracts import DocumentInput, DocumentResult, DocumentState, DocumentStatus, Stage
from lexflow.sources import file_name_of, is_s3_uri
from lexflow.temporal import (
    document_uuid_for,
    ensure_search_attributes,
    pipeline_options,
    workflow_id_for,
)

_CONCURRENT_STARTS = 16
# A running workflow answers its status query at once; one that does not (no worker yet) is
# simply reported as already running.
_QUERY_TIMEOUT = timedelta(seconds=5)


@dataclass
class Launched:
    document_uuid: str
    workflow_id: str
    file_name: str
    source_uri: str
    already_running: bool = False
    #: Why the workflow could not be started (after the client's own retries), if it could not.
    start_error: str | None = None
    #: The attempt that had failed, when the running workflow was waiting for a retry and was
    #: sent one; its outcome is the next attempt's.
    retried_after_attempt: int | None = None


@dataclass
class Outcome:
    document_uuid: str
    workflow_id: str
    file_name: str
    status: str
    error: str | None = None
    stage: str | None = None
    ocr_engine: str | None = None
    pages: int = 0
    pages_sent_to_ocr: int = 0
    chunks: int = 0
    entities: int = 0
    relationships: int = 0
    seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "document_uuid": self.document_uuid,
            "workflow_id": self.workflow_id,
            "file_name": self.file_name,
            "status": self.status,
            "error": self.error,
            "stage": self.stage,
            "ocr_engine": self.ocr_engine,
            "pages": self.pages,
            "pages_sent_to_ocr": self.pages_sent_to_ocr,
            "chunks": self.chunks,
            "entities": self.entities,
            "relationships": self.relationships,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
        }


def expand_sources(args: Iterable[str], s3: Any | None = None) -> list[str]:
    """Files as given, directories walked (hidden entries skipped), ``s3://b/prefix/`` listed.

    A path that does not exist is kept, so its document fails with a clear reason instead of
    vanishing from the run.
    """
    sources: list[str] = []
    for arg in args:
        if is_s3_uri(arg):
            sources.extend(_expand_s3(arg, s3))
            continue
        path = Path(arg)
        if path.is_dir():
            sources.extend(
                str(p)
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            sources.append(str(path))
    return sources


def _expand_s3(uri: str, s3: Any | None) -> list[str]:
    if not uri.endswith("/") or s3 is None:
        return [uri]
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(o["Key"] for o in page.get("Contents", []) if not o["Key"].endswith("/"))
    return [f"s3://{bucket}/{k}" for k in sorted(keys)]


async def launch(
    client: Client,
    settings: Settings,
    sources: Iterable[str],
    *,
    document_uuids: Mapping[str, str] | None = None,
) -> list[Launched]:
    """Start one workflow per source; a document whose workflow is running is not started twice.

    A source's document uuid derives from its path or URI, unless ``document_uuids`` names one
    (a row left by an older system keeps its own uuid when it is resubmitted). A source given
    twice (a file, and the folder that holds it) is launched and reported once.
    """
    searchable = await ensure_search_attributes(client, settings.temporal_namespace)
    options = pipeline_options(settings).model_copy(update={"search_attributes": searchable})
    # Starts overlap (a round trip each, the server's work is what limits them), a bounded
    # number at a time so a million-file folder does not open a million requests.
    gate = asyncio.Semaphore(_CONCURRENT_STARTS)

    def item_for(source: str) -> Launched:
        uri = source if is_s3_uri(source) else str(Path(source).resolve())
        uuid = (document_uuids or {}).get(source) or document_uuid_for(uri)
        return Launched(uuid, workflow_id_for(uuid), file_name_of(uri), uri)

    # One per workflow id: waiting for a document listed twice would never end.
    items: dict[str, Launched] = {}
    for source in sources:
        item = item_for(source)
        items.setdefault(item.workflow_id, item)

    async def start(item: Launched) -> Launched:
        async with gate:
            try:
                await client.start_workflow(
                    "DocumentWorkflow",
                    DocumentInput(
                        document_uuid=item.document_uuid,
                        source_uri=item.source_uri,
                        file_name=item.file_name,
                        options=options,
                    ),
                    id=item.workflow_id,
                    task_queue=settings.temporal_task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                    id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                    static_summary=item.file_name,
                    search_attributes=_initial_attributes(item) if searchable else None,
                )
            except WorkflowAlreadyStartedError:
                item.already_running = True
                item.retried_after_attempt = await _retry_if_failed(client, item.workflow_id)
            except RPCError as err:
                # One refused start must not cost the report of the others, which did start.
                item.start_error = f"not started: {err.message or err.status.name}"
        return item

    return list(await asyncio.gather(*(start(item) for item in items.values())))


async def _retry_if_failed(client: Client, workflow_id: str) -> int | None:
    """Launching a document whose workflow failed and waits for a retry asks for that retry (the
    file was fixed, or the fault has passed): with the embedded server, which runs only while
    starter.py does, it is the way to retry. Returns the attempt that had failed, if any."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        status = await handle.query(
            "status", result_type=DocumentStatus, rpc_timeout=_QUERY_TIMEOUT
        )
        if status.state is not DocumentState.FAILED:
            return None
        await handle.signal("retry", rpc_timeout=_QUERY_TIMEOUT)
    except (RPCError, WorkflowQueryFailedError):
        return None
    return status.attempts


# (document, its workflow's status, pages its OCR activity has heartbeated as done, if any)
def _initial_attributes(item: Launched) -> TypedSearchAttributes:
    """Set at start, so even a document not yet picked up by a worker can be found."""
    from workflows import visibility

    return TypedSearchAttributes(
        [
            SearchAttributePair(visibility.DOCUMENT_UUID, item.document_uuid),
            SearchAttributePair(visibility.FILE_NAME, item.file_name),
            SearchAttributePair(visibility.STATUS, "pending"),
            SearchAttributePair(visibility.STAGE, "prepare"),
        ]
    )


ProgressCallback = Callable[[Launched, DocumentStatus, int | None], None]

_PAGED_ACTIVITIES = frozenset({"run_local_ocr", "detect_text_sync"})


async def wait_for(
    client: Client,
    launched: list[Launched],
    *,
    on_progress: ProgressCallback | None = None,
    poll_seconds: float = 1.0,
) -> list[Outcome]:
    """Wait until each document completed or failed (a failed one waiting for retry counts)."""
    outcomes: dict[str, Outcome] = {
        i.workflow_id: Outcome(i.document_uuid, i.workflow_id, i.file_name, "failed", i.start_error)
        for i in launched
        if i.start_error is not None
    }
    while len(outcomes) < len(launched):
        for item in launched:
            if item.workflow_id in outcomes:
                continue
            outcome = await _check(
                client,
                client.get_workflow_handle(item.workflow_id, result_type=DocumentResult),
                item,
                on_progress,
            )
            if outcome is not None:
                outcomes[item.workflow_id] = outcome
        if len(outcomes) < len(launched):
            await asyncio.sleep(poll_seconds)
    return [outcomes[i.workflow_id] for i in launched]


async def _pages_done(client: Client, desc: WorkflowExecutionDescription) -> int | None:
    """The last page an OCR activity heartbeated (its heartbeat details are the page number)."""
    for pending in desc.raw_description.pending_activities:
        details = pending.heartbeat_details.payloads
        if pending.activity_type.name in _PAGED_ACTIVITIES and details:
            values = await client.data_converter.decode(details)
            return int(values[0]) if values and isinstance(values[0], int) else None
    return None


async def _check(
    client: Client,
    handle: WorkflowHandle[Any, Any],
    item: Launched,
    on_progress: ProgressCallback | None,
) -> Outcome | None:
    desc = await handle.describe()
    seconds = None
    if desc.close_time and desc.start_time:
        seconds = (desc.close_time - desc.start_time).total_seconds()
    if desc.status == WorkflowExecutionStatus.COMPLETED:
        result: DocumentResult = await handle.result()
        return Outcome(
            item.document_uuid,
            item.workflow_id,
            item.file_name,
            status=result.status.value,
            error=result.error,
            stage="finalize",
            ocr_engine=result.ocr_engine,
            pages=result.pages,
            pages_sent_to_ocr=result.pages_sent_to_ocr,
            chunks=result.chunks,
            entities=result.entities,
            relationships=result.relationships,
            seconds=seconds,
        )
    if desc.status != WorkflowExecutionStatus.RUNNING:
        error = f"workflow {desc.status.name.lower() if desc.status else 'closed'}"
        try:
            await handle.result()
        except WorkflowFailureError as exc:
            error = str(exc.cause.message if hasattr(exc.cause, "message") else exc.cause)
        return Outcome(
            item.document_uuid, item.workflow_id, item.file_name, "failed", error, seconds=seconds
        )
    try:
        status: DocumentStatus = await handle.query("status", result_type=DocumentStatus)
    except RPCError:
        return None  # not picked up by a worker yet: its first workflow task has not run
    if on_progress is not None:
        # describe() was read before the query: its OCR heartbeat is stale once OCR is over.
        in_ocr = status.stage is Stage.OCR
        on_progress(item, status, await _pages_done(client, desc) if in_ocr else None)
    if status.state is not DocumentState.FAILED:
        return None
    if item.retried_after_attempt is not None and status.attempts <= item.retried_after_attempt:
        return None  # the failure the retry was sent for: the workflow has not taken it yet
    return Outcome(
        item.document_uuid,
        item.workflow_id,
        item.file_name,
        status="failed",
        error=status.error,
        stage=status.stage.value,
        ocr_engine=status.ocr_engine,
        pages=status.pages,
        chunks=status.chunks,
        entities=status.entities,
        relationships=status.relationships,
        seconds=(status.stage_started_at - status.started_at).total_seconds(),
    )
