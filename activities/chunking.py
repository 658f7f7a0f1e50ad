"""Stage 3: page-aware chunks of the stored OCR text."""

from __future__ import annotations

from temporalio import activity

from activities._errors import translate_errors
from lexflow.contracts import DocumentRef, StageCount
from lexflow.db import documents, text_store
from lexflow.services import Services
from lexflow.text.chunking import chunk_document
from lexflow.text.document_text import build_document_text


class ChunkingActivities:
    def __init__(self, services: Services) -> None:
        self._s = services

    @activity.defn(name="chunk_document")
    @translate_errors
    def chunk_document(self, ref: DocumentRef) -> StageCount:
        s = self._s
        documents.set_stage(s.engine, ref.document_uuid, "chunk")
        text = build_document_text(documents.load_pages(s.engine, ref.document_uuid))
        chunks = chunk_document(text, s.settings.chunk_size_chars, s.settings.chunk_overlap_chars)
        text_store.save_chunks(s.engine, ref.document_uuid, chunks)
        return StageCount(document_uuid=ref.document_uuid, count=len(chunks))
