"""Temporal wiring shared by worker.py, starter.py, the CLI and the tests.

Imported only by entry points: the domain modules of ``lexflow`` do not need Temporal.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import UnsandboxedWorkflowRunner, Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from lexflow.config import Settings
from lexflow.contracts import PipelineOptions
from lexflow.contracts import workflow_id_for as workflow_id_for  # the entry points import it here
from lexflow.errors import ConfigError, TemporalUnavailableError, short_error
from lexflow.logs import sdk_core_logging
from lexflow.services import Services
from lexflow.sources import is_s3_uri

log = logging.getLogger(__name__)

# Fixed forever: document uuids derived from it must stay the same across releases.
_DOCUMENT_NAMESPACE = uuid.UUID("8a4d2c56-3f0e-5b8e-9a51-6c0f1d2e7b43")


def document_uuid_for(source_uri: str) -> str:
    """A stable uuid per source, so launching the same file again addresses the same document."""
    canonical = source_uri if is_s3_uri(source_uri) else str(Path(source_uri).resolve())
    return str(uuid.uuid5(_DOCUMENT_NAMESPACE, canonical))


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
        textract_async_polling_backoff=settings.textract_async_polling_backoff,
        textract_async_max_polling_interval_seconds=(
            settings.textract_async_max_polling_interval_seconds
        ),
        textract_notifications=settings.textract_notifications,
        textract_notification_polling_interval_seconds=(
            settings.textract_notification_polling_interval_seconds
        ),
        textract_start_task_queue=settings.textract_task_queue("start"),
        textract_get_task_queue=settings.textract_task_queue("get"),
        history_event_limit=settings.workflow_history_event_limit,
    )


async def ensure_search_attributes(client: Client, namespace: str) -> bool:
    """Register lexflow's search attributes if the server lacks them; False if it refuses.

    Workflows upsert them only when this returned True, so a cluster where the operator API is
    locked down still runs every document (the Web UI just cannot filter by them).
    """
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import (
        AddSearchAttributesRequest,
        ListSearchAttributesRequest,
    )
    from temporalio.service import RPCError

    from workflows.visibility import ALL_KEYS

    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
        missing = {k.name for k in ALL_KEYS} - set(existing.custom_attributes)
        if missing:
            keyword = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
            await client.operator_service.add_search_attributes(
                AddSearchAttributesRequest(
                    namespace=namespace, search_attributes=dict.fromkeys(missing, keyword)
                )
            )
    except RPCError as exc:
        log.warning("search attributes unavailable", extra={"error": exc.message})
        return False
    return True


async def connect(settings: Settings, address: str | None = None) -> Client:
    """A client for ``address`` (default TEMPORAL_ADDRESS).

    Raises:
        ConfigError: no address at all.
        TemporalUnavailableError: the server cannot be reached; the SDK's error is its cause.
    """
    target = address or settings.temporal_address
    if not target:
        raise ConfigError("no Temporal address: set TEMPORAL_ADDRESS or use the embedded server")
    runtime = metrics_runtime(settings.metrics_bind_address)  # its errors are not the server's
    try:
        return await Client.connect(
            target,
            namespace=settings.temporal_namespace,
            data_converter=pydantic_data_converter,
            runtime=runtime,
        )
    except (RuntimeError, OSError, ValueError) as exc:
        # The SDK raises a bare RuntimeError carrying a Rust debug dump: entry points catch only
        # LexflowError, and must print one line rather than a traceback.
        raise TemporalUnavailableError(
            f"Temporal unreachable at {target} ({short_error(exc)})"
        ) from exc


def metrics_runtime(bind_address: str | None) -> Runtime | None:
    """A runtime serving Prometheus metrics: the SDK's own and lexflow's, on one endpoint."""
    if not bind_address:
        return None
    return Runtime(
        telemetry=TelemetryConfig(
            logging=sdk_core_logging(),
            metrics=PrometheusConfig(bind_address=bind_address, counters_total_suffix=True),
        )
    )


def all_activities(services: Services) -> dict[str, Any]:
    """Every activity by its registered name."""
    from activities.bookkeeping import BookkeepingActivities
    from activities.chunking import ChunkingActivities
    from activities.entities import EntityActivities
    from activities.local_ocr import LocalOcrActivities
    from activities.prepare import PrepareActivities
    from activities.relationships import RelationshipActivities
    from activities.textract import TextractActivities

    textract = TextractActivities(services)
    bookkeeping = BookkeepingActivities(services)
    return {
        "prepare_document": PrepareActivities(services).prepare_document,
        "start_textract_job": textract.start_textract_job,
        "check_textract_job": textract.check_textract_job,
        "fetch_textract_results": textract.fetch_textract_results,
        "detect_text_sync": textract.detect_text_sync,
        "run_local_ocr": LocalOcrActivities(services).run_local_ocr,
        "chunk_document": ChunkingActivities(services).chunk_document,
        "extract_entities": EntityActivities(services).extract_entities,
        "build_relationships": RelationshipActivities(services).build_relationships,
        "record_failure": bookkeeping.record_failure,
        "finalize_document": bookkeeping.finalize_document,
    }


def workflow_runner(sandboxed: bool) -> WorkflowRunner:
    """Temporal's sandbox, or none: it guards determinism but costs CPU on every task.

    The sandbox imports the workflow module afresh for every workflow run and executes each
    activation through a restricted proxy: in bench/inflight.py it was most of the worker's
    interpreter time. The suite always runs workflows sandboxed (tests/workflow), so code that
    would break determinism fails there; production may turn it off.
    """
    return SandboxedWorkflowRunner() if sandboxed else UnsandboxedWorkflowRunner()


class WorkerGroup:
    """The main worker plus one worker per Textract queue (start, get); entered and left
    together (``async with build_worker(...)``)."""

    def __init__(self, workers: list[Worker]) -> None:
        self.workers = workers
        self._stack = contextlib.AsyncExitStack()

    async def __aenter__(self) -> WorkerGroup:
        for worker in self.workers:
            await self._stack.enter_async_context(worker)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()


def build_worker(
    client: Client,
    services: Services,
    *,
    task_queue: str | None = None,
    activity_executor: ThreadPoolExecutor | None = None,
) -> WorkerGroup:
    """Workers for DocumentWorkflow and every activity.

    Textract's start and get calls go to queues of their own, with WORKER_TEXTRACT_START_SLOTS
    and WORKER_TEXTRACT_GET_SLOTS slots, so they never queue behind prepare or OCR; the text
    stages and finalize are local activities, with WORKER_LOCAL_ACTIVITY_SLOTS slots; with
    TEXTRACT_START_TPS / TEXTRACT_GET_TPS set, the server enforces
    ``max_task_queue_activities_per_second`` across every worker polling the queue, so the fleet
    as a whole stays inside the quota.
    """
    from workflows.document import DocumentWorkflow

    settings = services.settings
    if task_queue:
        settings = settings.model_copy(update={"temporal_task_queue": task_queue})
    slots = settings.worker_max_concurrent_activities
    textract_slots = {
        "start": settings.worker_textract_start_slots,
        "get": settings.worker_textract_get_slots,
    }
    # Local activities (the text stages, finalize) get threads of their own, so they never wait
    # behind hours-long OCR activities holding every slot (the wait would count against their
    # timeout).
    local_slots = settings.worker_local_activity_slots
    executor = activity_executor or ThreadPoolExecutor(
        max_workers=slots + sum(textract_slots.values()) + local_slots
    )
    activities = all_activities(services)
    routed = {
        "start": ["start_textract_job"],
        "get": ["check_textract_job", "fetch_textract_results"],
    }
    workers = []
    for operation, names in routed.items():
        tps = settings.textract_start_tps if operation == "start" else settings.textract_get_tps
        workers.append(
            Worker(
                client,
                task_queue=settings.textract_task_queue(operation),
                activities=[activities[n] for n in names],
                activity_executor=executor,
                max_concurrent_activities=textract_slots[operation],
                max_task_queue_activities_per_second=tps,
                graceful_shutdown_timeout=timedelta(seconds=30),
            )
        )
    workers.insert(
        0,
        Worker(
            client,
            task_queue=settings.temporal_task_queue,
            workflows=[DocumentWorkflow],
            # Routed activities stay registered here too, so workflows started before a rate
            # was configured (whose options name no Textract queue) still find them.
            activities=list(activities.values()),
            activity_executor=executor,
            max_concurrent_activities=slots,
            max_concurrent_local_activities=local_slots,
            max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
            max_cached_workflows=settings.worker_max_cached_workflows,
            workflow_runner=workflow_runner(settings.worker_workflow_sandbox),
            graceful_shutdown_timeout=timedelta(seconds=30),
        ),
    )
    return WorkerGroup(workers)
