"""``lexflow status DOC``: the document's row, its workflow's live status and its Web UI link."""

from __future__ import annotations

import sys

from lexflow.config import Settings
from lexflow.contracts import DocumentStatus
from lexflow.db.documents import find_document
from lexflow.db.engine import make_engine
from lexflow.temporal import connect, web_ui_link, workflow_id_for

_ROW_FIELDS = (
    "file_name",
    "source_uri",
    "status",
    "stage",
    "ocr_engine",
    "page_count",
    "error_stage",
    "error_message",
    "attempts",
    "textract_job_id",
    "textract_job_status",
    "textract_start_time",
    "textract_end_time",
    "textract_page_count",
    "textract_error_message",
    "chunk_count",
    "entity_count",
    "relationship_count",
    "started_at",
    "completed_at",
)


async def show_status(settings: Settings, ref: str) -> int:
    uuid = ref.removeprefix("document-")
    doc = find_document(make_engine(settings.effective_database_url), uuid)
    wid = workflow_id_for(uuid)
    if doc is None:
        print(f"no document {ref!r} in the database", file=sys.stderr)
    else:
        print(f"document {uuid}")
        for name in _ROW_FIELDS:
            value = getattr(doc, name)
            if value is not None:
                print(f"  {name:24} {value}")
    live = await _live_status(settings, wid)
    if live is not None:
        print(
            f"workflow {wid}: {live.state.value} at {live.stage.value}, polls {live.polls}, "
            f"attempts {live.attempts}"
        )
        for stage, seconds in live.stage_seconds.items():
            print(f"  {stage:24} {seconds:.1f} s")
    print(f"Web UI: {web_ui_link(settings, wid)}")
    return 0 if doc is not None or live is not None else 1


async def _live_status(settings: Settings, workflow_id: str) -> DocumentStatus | None:
    try:
        client = await connect(settings)
        handle = client.get_workflow_handle(workflow_id)
        return await handle.query("status", result_type=DocumentStatus)
    except Exception as exc:  # the row above is still worth showing without Temporal
        print(f"(Temporal status unavailable: {exc})", file=sys.stderr)
        return None
