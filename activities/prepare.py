"""Stage 1: validate, hash and register the document; reuse OCR of identical content."""

from __future__ import annotations

from temporalio import activity

from activities._errors import translate_errors
from lexflow import cache
from lexflow.contracts import PrepareInput, PrepareResult
from lexflow.db import documents
from lexflow.inspect import inspect_file
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
        documents.register_document(
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
        with local_copy(inp.source_uri, s.s3) as path:
            info = inspect_file(
                path,
                max_bytes=s.settings.max_document_bytes,
                max_pages=s.settings.max_document_pages,
            )
            activity.heartbeat("inspected")
            bucket, key = (
                self._stage_for_textract(inp, path)
                if inp.ocr_engine == "textract"
                else (
                    None,
                    None,
                )
            )
        documents.update_document(
            s.engine,
            inp.document_uuid,
            sha256=info.sha256,
            size_bytes=info.size_bytes,
            media_type=info.media_type,
            page_count=info.page_count,
            s3_bucket=bucket,
            s3_key=key,
        )
        donor = documents.find_ocr_donor(s.engine, info.sha256, info.page_count)
        if donor is not None:
            documents.copy_pages(s.engine, donor, inp.document_uuid)
            activity.logger.info(
                "OCR reused from identical content", extra={**log_extra, "donor": donor}
            )
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
            ocr_engine="cache" if donor else inp.ocr_engine,
            s3_bucket=bucket,
            s3_key=key,
            cached_ocr=donor is not None,
            text_layer_pages=list(info.text_layer_pages),
        )

    def _stage_for_textract(self, inp: PrepareInput, path: object) -> tuple[str, str]:
        """Textract reads from S3: S3 sources stay put, local files are streamed up once."""
        from pathlib import Path

        from lexflow.ocr.s3 import parse_s3_uri, upload_file

        if is_s3_uri(inp.source_uri):
            loc = parse_s3_uri(inp.source_uri)
            return loc.bucket, loc.key
        settings = self._s.settings
        assert settings.s3_bucket, "OCR_ENGINE=textract is validated to have S3_BUCKET"
        key = f"{settings.s3_prefix}{inp.document_uuid}/{inp.file_name}"
        loc = upload_file(self._s.s3, Path(str(path)), settings.s3_bucket, key)
        return loc.bucket, loc.key
