"""Recording outcomes: a failed stage with its error, and the completed document."""

from __future__ import annotations

from temporalio import activity

from activities._errors import translate_errors
from lexflow import cache
from lexflow.contracts import FailureRecord, FinalizeInput, Stage
from lexflow.db import documents
from lexflow.services import Services


class BookkeepingActivities:
    def __init__(self, services: Services) -> None:
        self._s = services

    @activity.defn(name="record_failure")
    @translate_errors
    def record_failure(self, failure: FailureRecord) -> None:
        """Mark the document failed at its stage, keeping the error and the Textract job id."""
        documents.mark_failed(
            self._s.engine,
            failure.document_uuid,
            failure.stage.value,
            failure.error,
            textract_error=failure.stage is Stage.OCR and failure.textract_job_id is not None,
        )
        self._s.cache.set_json(
            cache.doc_state_key(failure.document_uuid),
            {
                "status": "failed",
                "stage": failure.stage.value,
                "error": failure.error,
                "textract_job_id": failure.textract_job_id,
            },
            cache.DOC_STATE_TTL_S,
        )
        activity.logger.warning(
            "document failed",
            extra={
                "document_uuid": failure.document_uuid,
                "stage": failure.stage.value,
                "error": failure.error,
                "error_type": failure.error_type,
            },
        )

    @activity.defn(name="finalize_document")
    @translate_errors
    def finalize_document(self, done: FinalizeInput) -> None:
        now = documents.utcnow()
        documents.complete_document(
            self._s.engine,
            done.document_uuid,
            stage="finalize",
            error_message=None,
            error_stage=None,
            completed_at=now,
            chunk_count=done.chunk_count,
            entity_count=done.entity_count,
            relationship_count=done.relationship_count,
        )
        self._s.cache.set_json(
            cache.doc_state_key(done.document_uuid),
            {"status": "completed", "stage": "finalize", "completed_at": now.isoformat()},
            cache.DOC_STATE_TTL_S,
        )
        activity.logger.info(
            "document completed",
            extra={
                "document_uuid": done.document_uuid,
                "pages": done.page_count,
                "chunks": done.chunk_count,
                "entities": done.entity_count,
                "relationships": done.relationship_count,
            },
        )
