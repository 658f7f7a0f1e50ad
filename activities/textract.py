"""Stage 2 (Textract): start the job, check it, fetch every result page; synchronous fallback."""

from __future__ import annotations

from typing import Any

from temporalio import activity

from activities._errors import translate_errors
from activities._metrics import count_pages
from activities._progress import TransferHeartbeat
from lexflow import cache
from lexflow.contracts import (
    DocumentRef,
    OcrSummary,
    StartTextractInput,
    TextractJobRef,
    TextractJobState,
    TextractStart,
)
from lexflow.db import documents
from lexflow.db.models import SourceDocument
from lexflow.errors import ThrottledError
from lexflow.ocr.pdf_pages import read_text_layer_pages, renumber
from lexflow.ocr.s3 import S3Location
from lexflow.ocr.sync_pages import detect_pages_sync
from lexflow.ocr.textract_parse import blocks_to_pages
from lexflow.ocr.types import OcrDocument, OcrPage
from lexflow.services import Services
from lexflow.sources import local_copy

# Result pages held in memory before they are staged in the database (each page is at most
# 1,000 blocks): a crash re-fetches at most this many.
STAGE_EVERY_PAGES = 20


class TextractActivities:
    def __init__(self, services: Services) -> None:
        self._s = services

    @activity.defn(name="start_textract_job")
    @translate_errors
    def start_textract_job(self, inp: StartTextractInput) -> TextractStart:
        """Start (or find again) the document's asynchronous text-detection job, once a slot
        under TEXTRACT_MAX_CONCURRENT_JOBS is free; else answer "not admitted" to wait."""
        s, uuid = self._s, inp.document_uuid
        loc = S3Location(inp.s3_bucket, inp.s3_key)
        row = documents.get_document(s.engine, uuid)
        if row is not None and row.textract_parts:  # a split document: this part's own file
            part = row.textract_parts[inp.part]
            loc = S3Location(part["bucket"], part["key"])
        # Parts rely on the per-part ClientRequestToken alone to find a job again.
        existing = None if inp.part else self._reusable_job(uuid, inp.attempt)
        if existing:
            activity.logger.info(
                "reusing Textract job", extra={"document_uuid": uuid, "job_id": existing}
            )
            return TextractStart(document_uuid=uuid, job_id=existing)
        manager = s.require_textract()
        if not documents.reserve_textract_slot(
            s.engine, uuid, s.settings.textract_max_concurrent_jobs
        ):
            return TextractStart(document_uuid=uuid, admitted=False)
        try:
            job_id = manager.start_job(
                loc,
                uuid,
                inp.attempt,
                self._notification(),
                inp.part,
                content=row.sha256 if row is not None else None,
            )
        except ThrottledError as exc:
            documents.release_textract_slot(s.engine, uuid)
            if "LimitExceeded" in str(exc):  # Textract's own job cap: a wait, not a failure
                return TextractStart(document_uuid=uuid, admitted=False)
            raise
        except Exception:
            documents.release_textract_slot(s.engine, uuid)
            raise
        documents.update_document(
            s.engine,
            uuid,
            stage="ocr",
            textract_job_id=job_id,
            textract_job_status="IN_PROGRESS",
            textract_start_time=documents.utcnow(),
            textract_end_time=None,
            textract_error_message=None,
            textract_attempt=inp.attempt,
        )
        s.cache.set_json(
            cache.textract_status_key(job_id),
            {"status": "IN_PROGRESS", "document_uuid": uuid},
            cache.TEXTRACT_STATUS_TTL_S,
        )
        activity.logger.info(
            "Textract job started", extra={"document_uuid": uuid, "job_id": job_id}
        )
        return TextractStart(document_uuid=uuid, job_id=job_id)

    def _notification(self) -> tuple[str, str] | None:
        settings = self._s.settings
        if settings.textract_sns_topic_arn and settings.textract_sns_role_arn:
            return settings.textract_sns_topic_arn, settings.textract_sns_role_arn
        return None

    def _reusable_job(self, document_uuid: str, attempt: int) -> str | None:
        """A job this attempt already started (the cache first, then the database).

        The ClientRequestToken would make Textract hand back the same job anyway; looking first
        saves the call and survives the token's idempotency window.
        """
        row = documents.get_document(self._s.engine, document_uuid)
        if row is None or not row.textract_job_id or row.textract_attempt != attempt:
            return None
        cached = self._s.cache.get_json(cache.textract_status_key(row.textract_job_id))
        status = (cached or {}).get("status") or row.textract_job_status
        return None if status == "FAILED" else row.textract_job_id

    @activity.defn(name="check_textract_job")
    @translate_errors
    def check_textract_job(self, ref: TextractJobRef) -> TextractJobState:
        status = self._s.require_textract().get_status(ref.job_id)
        fields: dict[str, Any] = {"textract_job_status": status.status}
        if status.page_count is not None:
            fields["textract_page_count"] = status.page_count
        if status.status in ("SUCCEEDED", "PARTIAL_SUCCESS", "FAILED"):
            fields["textract_end_time"] = documents.utcnow()
        if status.status == "FAILED":
            fields["textract_error_message"] = status.status_message or "Textract reported FAILED"
        documents.record_job_status(self._s.engine, ref.document_uuid, ref.job_id, **fields)
        self._s.cache.set_json(
            cache.textract_status_key(ref.job_id),
            {"status": status.status, "document_uuid": ref.document_uuid},
            cache.TEXTRACT_STATUS_TTL_S,
        )
        return TextractJobState(
            job_id=ref.job_id,
            status=status.status,
            status_message=status.status_message,
            page_count=status.page_count,
            warnings=list(status.warnings),
        )

    @activity.defn(name="fetch_textract_results")
    @translate_errors
    def fetch_textract_results(self, ref: TextractJobRef) -> OcrSummary:
        """Page through every NextToken, staging pages so a retry resumes at its cursor.

        Pages are staged in batches of STAGE_EVERY_PAGES, and at once when a page fails: a
        result that fits one batch (most documents) is never written twice, and a crash costs
        at most one batch of Get calls again.
        """
        s, manager = self._s, self._s.require_textract()
        staged = documents.staged_result_pages(s.engine, ref.job_id)
        if [n for n, _, _ in staged] != list(range(1, len(staged) + 1)):
            # A gap: an attempt still running after another one cleared the staged pages went on
            # staging from its own cursor. Its pages cannot be resumed from; start over.
            documents.clear_staged_results(s.engine, ref.job_id)
            staged = []
        seq, token = (staged[-1][0], staged[-1][1]) if staged else (0, None)
        last = None
        buffered: list[tuple[int, str | None, list[dict[str, Any]]]] = []

        def stage() -> None:
            if buffered:
                documents.stage_result_pages(s.engine, ref.document_uuid, ref.job_id, buffered)
                staged.extend(buffered)
                buffered.clear()

        if not staged or token is not None:
            try:
                for page in manager.iter_result_pages(ref.job_id, start_token=token):
                    if last is None and not staged:
                        # The job is over: free its place under TEXTRACT_MAX_CONCURRENT_JOBS now,
                        # not when the fetch completes (a notified job was never checked).
                        documents.record_job_end(
                            s.engine, ref.document_uuid, ref.job_id, page.status
                        )
                    seq += 1
                    buffered.append((seq, page.next_token, page.blocks))
                    if len(buffered) >= STAGE_EVERY_PAGES:
                        stage()
                    activity.heartbeat(seq, page.next_token)
                    last = page
            except Exception:
                stage()
                raise
        blocks = [b for _, _, page_blocks in (*staged, *buffered) for b in page_blocks]
        row = documents.get_document(s.engine, ref.document_uuid)
        assert row is not None, "prepare registered the document"
        ocr_pages = blocks_to_pages(blocks)
        if row.textract_parts:  # one part of a split document: its pages, in original numbers
            ocr_pages = renumber(ocr_pages, row.textract_parts[ref.part]["pages"])
            if ref.part == 0:  # an earlier run's pages go; this run's parts' pages stay
                documents.keep_only_pages(
                    s.engine,
                    ref.document_uuid,
                    (n for part in row.textract_parts for n in part["pages"]),
                )
            for ocr_page in ocr_pages:
                documents.save_page(s.engine, ref.document_uuid, ocr_page)
            documents.clear_staged_results(s.engine, ref.job_id)
            if not ref.last_part:
                return OcrSummary(
                    document_uuid=ref.document_uuid,
                    engine="textract",
                    page_count=len(ocr_pages),
                    line_count=sum(len(p.lines) for p in ocr_pages),
                    pages_sent_to_ocr=len(ocr_pages),
                )
            ocr_pages = documents.load_pages(s.engine, ref.document_uuid)  # every part's pages
        elif row.textract_page_map:  # Textract read a subset: give pages their original numbers
            ocr_pages = renumber(ocr_pages, row.textract_page_map)
        sent = len(ocr_pages)
        ocr = OcrDocument(pages=self._merge_text_layer(row, ocr_pages))
        if last is not None:
            ocr.warnings = list(last.warnings)
            ocr.status_message = last.status_message
        return self._store(
            ref.document_uuid,
            ocr,
            engine="textract",
            job_id=ref.job_id,
            sent=sent,
        )

    @activity.defn(name="detect_text_sync")
    @translate_errors
    def detect_text_sync(self, ref: DocumentRef) -> OcrSummary:
        """DetectDocumentText page by page: images, and PDFs when the async path is unusable."""
        s = self._s
        row = documents.get_document(s.engine, ref.document_uuid)
        assert row is not None, "prepare registered the document"
        documents.set_stage(s.engine, ref.document_uuid, "ocr")
        start = documents.resume_page(s.engine, ref.document_uuid)
        text_pages = self._text_pages(row)
        with local_copy(row.source_uri, s.s3, TransferHeartbeat("downloading")) as path:
            for page in detect_pages_sync(
                s.require_textract(),
                path,
                row.media_type or "",
                start_page=start,
                max_bytes=s.settings.textract_sync_max_bytes,
                skip=text_pages,
            ):
                documents.save_page(s.engine, ref.document_uuid, page)
                activity.heartbeat(page.number)
            text = read_text_layer_pages(path, text_pages) if text_pages else []
        # Text-layer pages stored by an earlier attempt's _store are read afresh, not twice.
        pages = [
            p
            for p in documents.load_pages(s.engine, ref.document_uuid)
            if p.number not in text_pages
        ]
        sent = len(pages)
        pages = sorted([*pages, *text], key=lambda p: p.number)
        return self._store(
            ref.document_uuid, OcrDocument(pages=pages), engine="textract-sync", sent=sent
        )

    def _text_pages(self, row: SourceDocument) -> list[int]:
        """Pages read from their own text layer instead of being sent to Textract."""
        if (
            row.media_type != "application/pdf"
            or not self._s.settings.textract_skip_text_layer_pages
        ):
            return []
        return sorted(int(p) for p in row.text_layer_pages or [])

    def _merge_text_layer(self, row: SourceDocument, ocr_pages: list[OcrPage]) -> list[OcrPage]:
        done = {p.number for p in ocr_pages}
        missing = [p for p in self._text_pages(row) if p not in done]
        if not (row.textract_page_map or row.textract_parts) or not missing:
            return ocr_pages
        with local_copy(row.source_uri, self._s.s3, TransferHeartbeat("downloading")) as path:
            text = read_text_layer_pages(path, missing)
        return sorted([*ocr_pages, *text], key=lambda p: p.number)

    def _store(
        self,
        document_uuid: str,
        ocr: OcrDocument,
        *,
        engine: str,
        sent: int,
        job_id: str | None = None,
    ) -> OcrSummary:
        s = self._s
        # Staged result pages are cleared even if this attempt staged none: an attempt that timed
        # out but still runs elsewhere may have staged some after this one looked.
        documents.save_pages(s.engine, document_uuid, ocr.pages, clear_staged_job=job_id)
        fields: dict[str, Any] = {
            "mean_confidence": ocr.mean_confidence,
            "pages_ocr_sent": sent,
            "textract_page_count": sent,
            "ocr_engine": engine,
        }
        if ocr.warnings or ocr.status_message:
            fields["textract_warnings"] = ocr.warnings
            if ocr.status_message:
                fields["textract_error_message"] = ocr.status_message
        documents.mark_ocr_complete(s.engine, document_uuid, **fields)
        count_pages(ocr.page_count, engine)
        summary = {
            "engine": engine,
            "job_id": job_id,
            "page_count": ocr.page_count,
            "line_count": ocr.line_count,
            "mean_confidence": ocr.mean_confidence,
        }
        if job_id:
            s.cache.set_json(
                cache.textract_result_key(document_uuid), summary, cache.TEXTRACT_RESULT_TTL_S
            )
        s.cache.set_json(cache.doc_ocr_key(document_uuid), summary, cache.DOC_OCR_TTL_S)
        return OcrSummary(
            document_uuid=document_uuid,
            engine=engine,
            page_count=ocr.page_count,
            line_count=ocr.line_count,
            mean_confidence=ocr.mean_confidence,
            pages_sent_to_ocr=sent,
            warnings=ocr.warnings,
        )
