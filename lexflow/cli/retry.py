"""``lexflow retry``: resume failed documents at the stage that failed."""

from __future__ import annotations

import sys

from sqlalchemy import select
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from lexflow.config import Settings
from lexflow.db.engine import make_engine
from lexflow.db.models import SourceDocument
from lexflow.temporal import connect, workflow_id_for


async def retry_documents(settings: Settings, refs: list[str], all_failed: bool) -> int:
    """Signal ``retry`` to each document's workflow; report the ones that cannot be retried."""
    uuids = [r.removeprefix("document-") for r in refs]
    if all_failed:
        engine = make_engine(settings.effective_database_url)
        with engine.connect() as conn:
            uuids += [
                u
                for (u,) in conn.execute(
                    select(SourceDocument.document_uuid).where(SourceDocument.status == "failed")
                )
            ]
    if not uuids:
        print(
            "lexflow retry: nothing to retry (name documents or use --all-failed)", file=sys.stderr
        )
        return 2
    client = await connect(settings)
    problems = 0
    for uuid in dict.fromkeys(uuids):
        handle = client.get_workflow_handle(workflow_id_for(uuid))
        try:
            desc = await handle.describe()
        except RPCError as exc:
            print(f"{uuid}: no workflow ({exc.message})", file=sys.stderr)
            problems += 1
            continue
        if desc.status != WorkflowExecutionStatus.RUNNING:
            name = desc.status.name.lower() if desc.status else "closed"
            print(f"{uuid}: workflow is {name}; start it again with starter.py", file=sys.stderr)
            problems += 1
            continue
        await handle.signal("retry")
        print(f"{uuid}: retry signalled ({handle.id})")
    return 1 if problems else 0
