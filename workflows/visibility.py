"""Search attributes and metrics the workflow publishes, so the Web UI and Prometheus can see
where every document is. Standard library and temporalio only (sandbox-friendly)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import SearchAttributeKey, SearchAttributeUpdate

DOCUMENT_UUID = SearchAttributeKey.for_keyword("LexflowDocumentUuid")
FILE_NAME = SearchAttributeKey.for_keyword("LexflowFileName")
STAGE = SearchAttributeKey.for_keyword("LexflowStage")
STATUS = SearchAttributeKey.for_keyword("LexflowStatus")
OCR_ENGINE = SearchAttributeKey.for_keyword("LexflowOcrEngine")

ALL_KEYS = (DOCUMENT_UUID, FILE_NAME, STAGE, STATUS, OCR_ENGINE)


def publish(enabled: bool, **values: str | None) -> None:
    """Upsert the given attributes (``stage=...``, ``status=...``) when the server has them."""
    if not enabled:
        return
    keys = {
        "document_uuid": DOCUMENT_UUID,
        "file_name": FILE_NAME,
        "stage": STAGE,
        "status": STATUS,
        "ocr_engine": OCR_ENGINE,
    }
    updates: list[SearchAttributeUpdate] = [
        keys[name].value_set(value) for name, value in values.items() if value is not None
    ]
    if updates:
        workflow.upsert_search_attributes(updates)


def count_outcome(outcome: str) -> None:
    workflow.metric_meter().create_counter(
        "lexflow_documents", "Documents that reached an outcome", "documents"
    ).add(1, {"outcome": outcome})


def record_stage(stage: str, elapsed: timedelta) -> None:
    workflow.metric_meter().create_histogram_timedelta(
        "lexflow_stage_duration", "Time a document spent in a pipeline stage", "ms"
    ).record(elapsed, {"stage": stage})


def count_textract_job(event: str) -> None:
    """``started`` / ``finished``: jobs in flight is started minus finished."""
    workflow.metric_meter().create_counter(
        "lexflow_textract_jobs", "Textract jobs started and finished", "jobs"
    ).add(1, {"event": event})
