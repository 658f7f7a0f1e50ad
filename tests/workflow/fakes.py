"""Stand-in activities for orchestration tests, registered under the real activity names.

Each records its calls so tests can assert what ran, how often and with what; behaviour is set
per test through the ``FakePipeline`` fields.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from lexflow.contracts import (
    DocumentRef,
    FailureRecord,
    FinalizeInput,
    OcrSummary,
    PrepareInput,
    PrepareResult,
    StageCount,
    StartTextractInput,
    TextractJobRef,
    TextractJobState,
    TextractStart,
)


@dataclass
class FakePipeline:
    engine: str = "textract"
    media_type: str = "application/pdf"
    page_count: int = 3
    cached_ocr: bool = False
    #: Statuses the check activity returns in turn; the last one repeats forever.
    statuses: list[str] = field(default_factory=lambda: ["SUCCEEDED"])
    #: Stage name -> how many calls fail (non-retryable) before one succeeds.
    failures: dict[str, int] = field(default_factory=dict)
    start_error: ApplicationError | None = None
    #: Start calls answered "no slot free" before one is admitted.
    slots_free_after: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    start_inputs: list[StartTextractInput] = field(default_factory=list)
    fetch_refs: list[TextractJobRef] = field(default_factory=list)
    parts: int = 1
    failures_recorded: list[FailureRecord] = field(default_factory=list)
    finalized: list[FinalizeInput] = field(default_factory=list)
    on_check: Callable[[int], None] | None = None

    def _maybe_fail(self, name: str) -> None:
        self.calls[name] += 1
        if self.failures.get(name, 0) > 0:
            self.failures[name] -= 1
            raise ApplicationError(f"{name} broke", type="BadDocument", non_retryable=True)

    def activities(self) -> list[Callable[..., Any]]:
        @activity.defn(name="prepare_document")
        async def prepare(inp: PrepareInput) -> PrepareResult:
            self._maybe_fail("prepare")
            return PrepareResult(
                document_uuid=inp.document_uuid,
                sha256="0" * 64,
                size_bytes=1234,
                media_type=self.media_type,
                page_count=self.page_count,
                ocr_engine=self.engine,
                s3_bucket="bucket",
                s3_key=f"lexflow/{inp.document_uuid}/doc.pdf",
                cached_ocr=self.cached_ocr,
                parts=self.parts,
            )

        @activity.defn(name="start_textract_job")
        async def start(inp: StartTextractInput) -> TextractStart:
            self.start_inputs.append(inp)
            self._maybe_fail("start")
            if self.start_error is not None:
                raise self.start_error
            if self.slots_free_after > 0:
                self.slots_free_after -= 1
                return TextractStart(document_uuid=inp.document_uuid, admitted=False)
            suffix = f"-part{inp.part}" if inp.part else ""
            return TextractStart(
                document_uuid=inp.document_uuid, job_id=f"job-{inp.attempt}{suffix}"
            )

        @activity.defn(name="check_textract_job")
        async def check(ref: TextractJobRef) -> TextractJobState:
            self._maybe_fail("check")
            n = self.calls["check"]
            if self.on_check is not None:
                self.on_check(n)
            status = self.statuses[min(n, len(self.statuses)) - 1]
            return TextractJobState(job_id=ref.job_id, status=status, status_message="fake")

        @activity.defn(name="fetch_textract_results")
        async def fetch(ref: TextractJobRef) -> OcrSummary:
            self.fetch_refs.append(ref)
            self._maybe_fail("fetch")
            return OcrSummary(
                document_uuid=ref.document_uuid,
                engine="textract",
                page_count=self.page_count,
                line_count=10,
            )

        @activity.defn(name="detect_text_sync")
        async def sync(ref: DocumentRef) -> OcrSummary:
            self._maybe_fail("sync")
            return OcrSummary(
                document_uuid=ref.document_uuid,
                engine="textract-sync",
                page_count=self.page_count,
                line_count=10,
            )

        @activity.defn(name="run_local_ocr")
        async def local(ref: DocumentRef) -> OcrSummary:
            self._maybe_fail("local")
            return OcrSummary(
                document_uuid=ref.document_uuid,
                engine="local",
                page_count=self.page_count,
                line_count=10,
            )

        @activity.defn(name="chunk_document")
        async def chunk(ref: DocumentRef) -> StageCount:
            self._maybe_fail("chunk")
            return StageCount(document_uuid=ref.document_uuid, count=4)

        @activity.defn(name="extract_entities")
        async def entities(ref: DocumentRef) -> StageCount:
            self._maybe_fail("entities")
            return StageCount(document_uuid=ref.document_uuid, count=9, secondary_count=5)

        @activity.defn(name="build_relationships")
        async def relationships(ref: DocumentRef) -> StageCount:
            self._maybe_fail("relationships")
            return StageCount(document_uuid=ref.document_uuid, count=12)

        @activity.defn(name="record_failure")
        async def record_failure(failure: FailureRecord) -> None:
            self.failures_recorded.append(failure)

        @activity.defn(name="finalize_document")
        async def finalize(done: FinalizeInput) -> None:
            self.finalized.append(done)

        return [
            prepare,
            start,
            check,
            fetch,
            sync,
            local,
            chunk,
            entities,
            relationships,
            record_failure,
            finalize,
        ]
