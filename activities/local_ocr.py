"""Stage 2 (local engine): text layer where a page has one, OCR of the rendered page otherwise."""

from __future__ import annotations

from temporalio import activity

from activities._errors import translate_errors
from activities._metrics import count_pages
from activities._progress import TransferHeartbeat
from lexflow import cache
from lexflow.contracts import DocumentRef, OcrSummary
from lexflow.db import documents
from lexflow.ocr.types import OcrDocument
from lexflow.services import Services
from lexflow.sources import local_copy


class LocalOcrActivities:
    def __init__(self, services: Services) -> None:
        self._s = services

    @activity.defn(name="run_local_ocr")
    @translate_errors
    def run_local_ocr(self, ref: DocumentRef) -> OcrSummary:
        """OCR every page, storing and heartbeating each; a retry resumes after the last page."""
        s, uuid = self._s, ref.document_uuid
        row = documents.get_document(s.engine, uuid)
        assert row is not None, "prepare registered the document"
        documents.set_stage(s.engine, uuid, "ocr")
        start = documents.resume_page(s.engine, uuid)
        with local_copy(row.source_uri, s.s3, TransferHeartbeat("downloading")) as path:
            for page in s.local_ocr.iter_pages(path, row.media_type or "", start_page=start):
                documents.save_page(s.engine, uuid, page)
                activity.heartbeat(page.number)
        ocr = OcrDocument(pages=documents.load_pages(s.engine, uuid))
        ocr_pages = sum(1 for p in ocr.pages if p.locally_ocred)
        count_pages(ocr.page_count, "local")
        documents.mark_ocr_complete(
            s.engine,
            uuid,
            ocr_engine="local",
            mean_confidence=ocr.mean_confidence,
            pages_ocr_sent=ocr_pages,
        )
        s.cache.set_json(
            cache.doc_ocr_key(uuid),
            {
                "engine": "local",
                "page_count": ocr.page_count,
                "pages_ocr": ocr_pages,
                "mean_confidence": ocr.mean_confidence,
            },
            cache.DOC_OCR_TTL_S,
        )
        activity.logger.info(
            "local OCR done",
            extra={"document_uuid": uuid, "pages": ocr.page_count, "ocr_pages": ocr_pages},
        )
        return OcrSummary(
            document_uuid=uuid,
            engine="local",
            page_count=ocr.page_count,
            line_count=ocr.line_count,
            mean_confidence=ocr.mean_confidence,
            pages_sent_to_ocr=ocr_pages,
        )
