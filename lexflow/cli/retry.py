"""``lexflow retry DOC... | --all-failed``: resume failed documents at the stage that failed.

A document whose workflow still runs (a failed one waits for the signal) gets the ``retry``
signal. One whose workflow has closed — completed, failed after the retry wait, terminated — or
never existed gets a new run from its row's source, which reuses OCR output of identical content.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from sqlalchemy import Engine, select
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
)
from temporalio.service import RPCError, RPCStatusCode

from lexflow.cli.common import RPC_TIMEOUT, connect_fast, resolve_document
from lexflow.cli.resubmit import start_new_run
from lexflow.config import Settings
from lexflow.contracts import DocumentState, DocumentStatus
from lexflow.db.documents import get_document
from lexflow.db.engine import make_engine
from lexflow.db.models import SourceDocument
from lexflow.errors import short_error
from lexflow.temporal import workflow_id_for


@dataclass(frozen=True)
class RetryResult:
    ok: bool
    message: str


async def retry_documents(settings: Settings, refs: list[str], all_failed: bool) -> int:
    """Retry each document, one line each; 1 if any could not be retried, 2 if none was named."""
    engine = make_engine(settings.effective_database_url)
    try:
        uuids = [resolve_document(engine, r) for r in refs]
        if all_failed:
            uuids += failed_documents(engine)
        if not uuids:
            if all_failed:
                print("no failed documents: nothing to retry")
                return 0
            print("lexflow retry: name documents, or use --all-failed", file=sys.stderr)
            return 2
        client = await connect_fast(settings)
        problems = 0
        for uuid in dict.fromkeys(uuids):
            result = await retry_one(client, settings, engine, uuid)
            print(f"{uuid}: {result.message}", file=sys.stdout if result.ok else sys.stderr)
            problems += not result.ok
        return 1 if problems else 0
    finally:
        engine.dispose()


def failed_documents(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(SourceDocument.document_uuid)
                .where(SourceDocument.status == "failed")
                .order_by(SourceDocument.updated_at)
            ).scalars()
        )


async def retry_one(client: Client, settings: Settings, engine: Engine, uuid: str) -> RetryResult:
    handle = client.get_workflow_handle(workflow_id_for(uuid))
    try:
        desc = await handle.describe(rpc_timeout=RPC_TIMEOUT)
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            return RetryResult(False, f"cannot describe {handle.id}: {short_error(exc)}")
        closed = "no workflow"
    else:
        if desc.status == WorkflowExecutionStatus.RUNNING:
            return await _signal(handle)
        closed = f"workflow {desc.status.name.lower() if desc.status else 'closed'}"
    row = get_document(engine, uuid)
    if row is None:
        return RetryResult(False, f"{closed} and no row in the database: nothing to start again")
    try:
        started = await start_new_run(client, settings, uuid, row.source_uri)
    except RPCError as exc:
        return RetryResult(False, f"{closed}; starting a new run failed: {short_error(exc)}")
    if not started:
        return RetryResult(True, f"{closed}, but a new run was started meanwhile: left as it is")
    return RetryResult(
        True,
        f"{closed}; started a new run of {handle.id} from {row.source_uri} "
        "(OCR already done for identical content is reused)",
    )


async def _signal(handle: WorkflowHandle) -> RetryResult:
    try:
        state: DocumentStatus | None = await handle.query(
            "status", result_type=DocumentStatus, rpc_timeout=RPC_TIMEOUT
        )
    except (RPCError, WorkflowQueryFailedError):
        state = None  # no worker answered: the signal still waits in the history for one
    if state is not None and state.state is not DocumentState.FAILED:
        return RetryResult(
            True, f"{state.state.value} at {state.stage.value}, not failed: nothing to retry"
        )
    try:
        await handle.signal("retry", rpc_timeout=RPC_TIMEOUT)
    except RPCError as exc:
        return RetryResult(False, f"sending retry to {handle.id} failed: {short_error(exc)}")
    where = f"; resumes at {state.stage.value}" if state is not None else ""
    return RetryResult(True, f"retry signalled to {handle.id}{where}")
