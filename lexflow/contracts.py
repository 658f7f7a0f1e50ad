"""Pydantic models that cross the workflow/activity boundary.

They carry ids, counts and references only: page text, blocks and chunks are stored by the
activities (claim check), so workflow histories stay small whatever the document's size. New fields
must have defaults so that histories recorded before them still replay.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


def workflow_id_for(document_uuid: str) -> str:
    """Every document's workflow is ``document-<uuid>``: one per document, found by its uuid."""
    return f"document-{document_uuid}"


class Stage(StrEnum):
    PREPARE = "prepare"
    OCR = "ocr"
    CHUNK = "chunk"
    ENTITIES = "entities"
    RELATIONSHIPS = "relationships"
    FINALIZE = "finalize"


PIPELINE: tuple[Stage, ...] = tuple(Stage)


class DocumentState(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class PipelineOptions(_Model):
    """The settings a workflow needs, captured at start so that replays see the same values."""

    ocr_engine: str = "local"
    textract_use_async_for_pdf: bool = True
    textract_async_max_polling_time_seconds: int = 600
    textract_async_polling_interval_seconds: int = 5
    textract_async_initial_delay_seconds: int = 5
    textract_start_max_attempts: int = 5
    textract_sync_fallback: bool = True
    retry_wait_seconds: int = 7 * 24 * 3600
    search_attributes: bool = False
    """The server has lexflow's search attributes registered, so the workflow upserts them."""
    textract_async_polling_backoff: float = 1.0
    textract_async_max_polling_interval_seconds: int = 60
    textract_notifications: bool = False
    textract_notification_polling_interval_seconds: int = 300
    textract_start_task_queue: str | None = None
    textract_get_task_queue: str | None = None
    history_event_limit: int = 150


class DocumentInput(_Model):
    document_uuid: str
    source_uri: str
    file_name: str
    options: PipelineOptions = Field(default_factory=PipelineOptions)
    carried: CarriedState | None = None


class PrepareInput(_Model):
    document_uuid: str
    source_uri: str
    file_name: str
    ocr_engine: str
    workflow_id: str
    run_id: str


class PrepareResult(_Model):
    document_uuid: str
    sha256: str
    size_bytes: int
    media_type: str
    page_count: int
    ocr_engine: str
    s3_bucket: str | None = None
    s3_key: str | None = None
    cached_ocr: bool = False
    """OCR output was reused from an earlier document with the same content."""
    parts: int = 1
    """Textract jobs needed: more than one when the file is over Textract's limits."""
    text_layer_pages: list[int] = Field(default_factory=list)


class CarriedState(_Model):
    """What a polling workflow hands to its next run when it continues as new."""

    prepared: PrepareResult
    started_at: datetime
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    attempts: int = 1
    textract_attempt: int = 1
    job_id: str | None = None
    job_status: str | None = None
    polls: int = 0
    waited_seconds: float = 0.0
    next_wait_seconds: float = 0.0
    part: int = 0
    runs: int = 1


class DocumentRef(_Model):
    document_uuid: str


class StartTextractInput(_Model):
    document_uuid: str
    s3_bucket: str
    s3_key: str
    attempt: int = 1
    part: int = 0


class TextractJobRef(_Model):
    document_uuid: str
    job_id: str
    part: int = 0
    last_part: bool = True


class TextractStart(_Model):
    """The start activity's answer: a job, or no free slot yet (the workflow waits, asks again)."""

    document_uuid: str
    job_id: str | None = None
    admitted: bool = True


class TextractJobState(_Model):
    job_id: str
    status: str
    status_message: str | None = None
    page_count: int | None = None
    warnings: list[str] = Field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status in {"SUCCEEDED", "PARTIAL_SUCCESS", "FAILED"}


class TextractCompletion(_Model):
    """Payload of the ``textract_completed`` signal (an SNS/SQS notification or an operator)."""

    job_id: str
    status: str = "SUCCEEDED"
    # True when Textract itself reported the status (SNS/SQS): only then is the status check
    # skipped. An operator's bare signal just ends the wait; the check still decides.
    from_textract: bool = False


class OcrSummary(_Model):
    document_uuid: str
    engine: str
    page_count: int
    line_count: int
    mean_confidence: float | None = None
    pages_sent_to_ocr: int = 0
    warnings: list[str] = Field(default_factory=list)


class StageCount(_Model):
    document_uuid: str
    count: int
    secondary_count: int = 0
    """Entities: canonical entities beside the mentions in ``count``."""


class FailureRecord(_Model):
    document_uuid: str
    stage: Stage
    error: str
    error_type: str | None = None
    textract_job_id: str | None = None


class FinalizeInput(_Model):
    document_uuid: str
    page_count: int
    chunk_count: int
    entity_count: int
    relationship_count: int


class DocumentStatus(_Model):
    """What the ``status`` query returns."""

    document_uuid: str
    workflow_id: str
    file_name: str
    state: DocumentState
    stage: Stage
    ocr_engine: str | None = None
    textract_job_id: str | None = None
    textract_job_status: str | None = None
    started_at: datetime
    stage_started_at: datetime
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    polls: int = 0
    attempts: int = 1
    page_count: int = 0
    """Pages in the file (known after prepare); ``pages`` counts those OCR produced."""
    pages: int = 0
    chunks: int = 0
    entities: int = 0
    relationships: int = 0
    error: str | None = None


class DocumentResult(_Model):
    document_uuid: str
    status: DocumentState
    ocr_engine: str | None = None
    pages: int = 0
    pages_sent_to_ocr: int = 0
    chunks: int = 0
    entities: int = 0
    relationships: int = 0
    error: str | None = None


DocumentInput.model_rebuild()
