"""Stage 1: validate, hash and register the document; reuse OCR of identical content."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from temporalio import activity

from activities._errors import translate_errors
from activities._progress import TransferHeartbeat
from lexflow import cache
from lexflow.contracts import PrepareInput, PrepareResult
from lexflow.db import documents
from lexflow.errors import SupersededAttemptError
from lexflow.inspect import DocumentInfo, inspect_file
from lexflow.ocr.pdf_pages import plan_pages, split_pages, write_page_subset
from lexflow.ocr.s3 import parse_s3_uri, upload_file
from lexflow.services import Services
from lexflow.sources import is_s3_uri, local_copy


class PrepareActivities:
    def __init__(self, services: Services) -> None:
        self._s = services

    @activity.defn(name="prepare_document")
    @translate_errors
    def prepare_document(self, inp: PrepareInput) -> PrepareResult:
        s = self._s
        log_extra = {"document_uuid": inp.document_uuid}
        # Register first, so that even a document rejected below has a row saying why.
        registered = documents.register_document(
            s.engine,
            documents.Registration(
                document_uuid=inp.document_uuid,
                file_name=inp.file_name,
                source_uri=inp.source_uri,
                workflow_id=inp.workflow_id,
                run_id=inp.run_id,
                ocr_engine=inp.ocr_engine,
            ),
        )
        if not registered:  # Temporal has given up on this attempt: its answer goes nowhere
            raise SupersededAttemptError(
                f"run {inp.run_id} of {inp.document_uuid} is past prepare: a late attempt"
            )
        with local_copy(inp.source_uri, s.s3, TransferHeartbeat("downloading")) as path:
            info = inspect_file(
                path,
                max_bytes=s.settings.max_document_bytes,
                max_pages=s.settings.max_document_pages,
            )
            activity.heartbeat("inspected")
            # Identical content already OCRed is reused before anything is uploaded or paid for.
            donor = documents.find_ocr_donor(s.engine, info.sha256, info.page_count)
            route = Route(engine="cache") if donor else self._route(inp, info, path)
        documents.update_document(
            s.engine,
            inp.document_uuid,
            sha256=info.sha256,
            size_bytes=info.size_bytes,
            media_type=info.media_type,
            page_count=info.page_count,
            ocr_engine=route.engine,
            s3_bucket=route.bucket,
            s3_key=route.key,
            text_layer_pages=list(info.text_layer_pages),
            textract_page_map=list(route.page_map) if route.page_map else None,
            textract_parts=route.parts or None,
            # This run's OCR, not an earlier run's: none at all when the cache serves it.
            pages_ocr_sent=0 if donor is not None else None,
        )
        if donor is not None:
            documents.copy_pages(s.engine, donor, inp.document_uuid)
            activity.logger.info(
                "OCR reused from identical content", extra={**log_extra, "donor": donor}
            )
        else:  # an earlier run's pages (other content, perhaps) must not be resumed from
            documents.clear_pages(s.engine, inp.document_uuid)
        s.cache.set_json(
            cache.doc_state_key(inp.document_uuid),
            {"status": "processing", "stage": "prepare", "sha256": info.sha256},
            cache.DOC_STATE_TTL_S,
        )
        return PrepareResult(
            document_uuid=inp.document_uuid,
            sha256=info.sha256,
            size_bytes=info.size_bytes,
            media_type=info.media_type,
            page_count=info.page_count,
            ocr_engine=route.engine,
            s3_bucket=route.bucket,
            s3_key=route.key,
            cached_ocr=donor is not None,
            parts=max(1, len(route.parts)),
            text_layer_pages=list(info.text_layer_pages),
        )

    def _route(self, inp: PrepareInput, info: DocumentInfo, path: Path) -> Route:
        """Where OCR will read the document: locally, or from S3 for Textract.

        With Textract, PDF pages that carry a good text layer are not paid for: only the others
        go, as a subset PDF whose page map restores their original numbers.
        """
        if inp.ocr_engine != "textract":
            return Route(engine=inp.ocr_engine)
        plan = plan_pages(
            info.page_count,
            info.text_layer_pages if info.media_type == "application/pdf" else (),
            skip_text=self._s.settings.textract_skip_text_layer_pages,
        )
        if not plan.ocr_pages:
            return Route(engine="local")  # every page has its text: nothing to send
        settings = self._s.settings
        fits = (
            len(plan.ocr_pages) <= settings.textract_async_max_pages
            and info.size_bytes <= settings.textract_async_max_bytes
        )
        if (fits and not plan.text_pages) or info.media_type != "application/pdf":
            return Route("textract", *self._upload(inp, path, inp.file_name))
        if fits:
            with tempfile.TemporaryDirectory(prefix="lexflow-") as tmp:
                subset = write_page_subset(path, plan.ocr_pages, Path(tmp) / "ocr-pages.pdf")
                name = f"ocr-pages-{info.sha256[:12]}.pdf"
                bucket, key = self._upload(inp, subset, name, True)
            return Route("textract", bucket, key, plan.ocr_pages)
        parts = self._upload_parts(inp, info, path, plan.ocr_pages)
        first = parts[0]
        return Route("textract", first["bucket"], first["key"], tuple(first["pages"]), parts)

    def _upload_parts(
        self, inp: PrepareInput, info: DocumentInfo, path: Path, pages: tuple[int, ...]
    ) -> list[dict[str, Any]]:
        """Split a PDF over Textract's limits into parts, one job each, uploaded one at a time.

        Each part is written to disk and streamed to S3 before the next is written, so neither
        memory nor disk ever holds more than one part.
        """
        settings = self._s.settings
        runs = split_pages(
            pages,
            file_bytes=info.size_bytes,
            file_pages=info.page_count,
            max_pages=settings.textract_async_max_pages,
            max_bytes=settings.textract_async_max_bytes,
        )
        parts: list[dict[str, Any]] = []
        with tempfile.TemporaryDirectory(prefix="lexflow-") as tmp:
            while runs:
                run = runs.pop(0)
                part_file = write_page_subset(path, run, Path(tmp) / "part.pdf")
                if part_file.stat().st_size > settings.textract_async_max_bytes and len(run) > 1:
                    half = len(run) // 2
                    runs[:0] = [run[:half], run[half:]]  # denser pages than average: halve
                    continue
                name = f"part-{len(parts) + 1}-{info.sha256[:12]}.pdf"
                bucket, key = self._upload(inp, part_file, name, True)
                parts.append({"bucket": bucket, "key": key, "pages": list(run)})
                activity.heartbeat(f"part {len(parts)} uploaded")
        return parts

    def _upload(
        self, inp: PrepareInput, path: Path, name: str, derived: bool = False
    ) -> tuple[str, str]:
        """Textract reads from S3: S3 sources stay put, local files are streamed up once."""
        if is_s3_uri(inp.source_uri) and not derived:
            loc = parse_s3_uri(inp.source_uri)
            return loc.bucket, loc.key
        settings = self._s.settings
        bucket = settings.s3_bucket or parse_s3_uri(inp.source_uri).bucket
        key = f"{settings.s3_prefix}{inp.document_uuid}/{name}"
        loc = upload_file(
            self._s.s3, path, bucket, key, progress=TransferHeartbeat(f"uploading {name}")
        )
        return loc.bucket, loc.key


@dataclass(frozen=True)
class Route:
    engine: str
    bucket: str | None = None
    key: str | None = None
    page_map: tuple[int, ...] = ()
    parts: list[dict[str, Any]] = field(default_factory=list)
