"""Temporal wiring shared by worker.py, starter.py, the CLI and the tests.

Imported only by entry points: the domain modules of ``lexflow`` do not need Temporal.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from lexflow.config import Settings
from lexflow.contracts import PipelineOptions
from lexflow.services import Services
from lexflow.sources import is_s3_uri

# Fixed forever: document uuids derived from it must stay the same across releases.
_DOCUMENT_NAMESPACE = uuid.UUID("8a4d2c56-3f0e-5b8e-9a51-6c0f1d2e7b43")


def document_uuid_for(source_uri: str) -> str:
    """A stable uuid per source, so launching the same file again addresses the same document."""
    canonical = source_uri if is_s3_uri(source_uri) else str(Path(source_uri).resolve())
    return str(uuid.uuid5(_DOCUMENT_NAMESPACE, canonical))


def workflow_id_for(document_uuid: str) -> str:
    return f"document-{document_uuid}"


def web_ui_link(settings: Settings, workflow_id: str) -> str:
    base = settings.temporal_ui_url.rstrip("/")
    return f"{base}/namespaces/{settings.temporal_namespace}/workflows/{workflow_id}"


def pipeline_options(settings: Settings) -> PipelineOptions:
    return PipelineOptions(
        ocr_engine=settings.effective_ocr_engine.value,
        textract_use_async_for_pdf=settings.textract_use_async_for_pdf,
        textract_async_max_polling_time_seconds=settings.textract_async_max_polling_time_seconds,
        textract_async_polling_interval_seconds=settings.textract_async_polling_interval_seconds,
        textract_async_initial_delay_seconds=settings.textract_async_initial_delay_seconds,
        textract_start_max_attempts=settings.textract_start_max_attempts,
        textract_sync_fallback=settings.textract_sync_fallback,
        retry_wait_seconds=settings.retry_wait_seconds,
    )


async def connect(settings: Settings, address: str | None = None) -> Client:
    target = address or settings.temporal_address
    if not target:
        raise ValueError("no Temporal address: set TEMPORAL_ADDRESS or use the embedded server")
    return await Client.connect(
        target, namespace=settings.temporal_namespace, data_converter=pydantic_data_converter
    )


def all_activities(services: Services) -> list[Any]:
    from activities.bookkeeping import BookkeepingActivities
    from activities.chunking import ChunkingActivities
    from activities.entities import EntityActivities
    from activities.local_ocr import LocalOcrActivities
    from activities.prepare import PrepareActivities
    from activities.relationships import RelationshipActivities
    from activities.textract import TextractActivities

    prepare = PrepareActivities(services)
    textract = TextractActivities(services)
    local = LocalOcrActivities(services)
    return [
        prepare.prepare_document,
        textract.start_textract_job,
        textract.check_textract_job,
        textract.fetch_textract_results,
        textract.detect_text_sync,
        local.run_local_ocr,
        ChunkingActivities(services).chunk_document,
        EntityActivities(services).extract_entities,
        RelationshipActivities(services).build_relationships,
        BookkeepingActivities(services).record_failure,
        BookkeepingActivities(services).finalize_document,
    ]


def build_worker(
    client: Client,
    services: Services,
    *,
    task_queue: str | None = None,
    activity_executor: ThreadPoolExecutor | None = None,
) -> Worker:
    """A worker running DocumentWorkflow and every activity on one task queue."""
    from workflows.document import DocumentWorkflow

    settings = services.settings
    slots = settings.worker_max_concurrent_activities
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=[DocumentWorkflow],
        activities=all_activities(services),
        activity_executor=activity_executor or ThreadPoolExecutor(max_workers=slots),
        max_concurrent_activities=slots,
        max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
        graceful_shutdown_timeout=timedelta(seconds=30),
    )
