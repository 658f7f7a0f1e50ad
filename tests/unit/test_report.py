"""What a person sees on the terminal while documents run and when they are done."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from lexflow.contracts import DocumentState, DocumentStatus, Stage
from lexflow.launch import Launched, Outcome
from lexflow.report import ProgressPrinter, summary_table

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def status(stage: Stage, *, pages: int = 12, job: str | None = None) -> DocumentStatus:
    return DocumentStatus(
        document_uuid="d1",
        workflow_id="document-d1",
        file_name="exhibits.pdf",
        state=DocumentState.PROCESSING,
        stage=stage,
        started_at=T0,
        stage_started_at=T0,
        page_count=pages,
        textract_job_id=job,
    )


def test_progress_prints_each_stage_and_page_once() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out)
    item = Launched("d1", "document-d1", "exhibits.pdf", "/docs/exhibits.pdf")

    printer(item, status(Stage.PREPARE, pages=0), None)
    printer(item, status(Stage.OCR), 3)
    printer(item, status(Stage.OCR), 3)
    printer(item, status(Stage.OCR), 4)
    printer(item, status(Stage.OCR, job="job-7"), None)

    assert out.getvalue().splitlines() == [
        "  exhibits.pdf: processing at prepare",
        "  exhibits.pdf: processing at ocr, page 3/12",
        "  exhibits.pdf: processing at ocr, page 4/12",
        "  exhibits.pdf: processing at ocr, 12 pages, Textract job job-7",
    ]


def test_summary_table_lists_every_document_and_the_ocr_saving() -> None:
    outcomes = [
        Outcome(
            "d1",
            "document-d1",
            "complaint.pdf",
            "completed",
            ocr_engine="textract",
            pages=10,
            pages_sent_to_ocr=3,
            chunks=7,
            entities=40,
            relationships=210,
            seconds=12.34,
        ),
        Outcome(
            "d2",
            "document-d2",
            "empty.pdf",
            "failed",
            stage="prepare",
            error="prepare: empty.pdf: file is empty (0 bytes)",
        ),
    ]

    table = summary_table(outcomes).splitlines()

    assert table[0].split() == [
        "file",
        "status",
        "engine",
        "pages",
        "ocr'd",
        "chunks",
        "entities",
        "rels",
        "time",
        "s",
        "error",
    ]
    assert table[1].split() == [
        "complaint.pdf",
        "completed",
        "textract",
        "10",
        "3",
        "7",
        "40",
        "210",
        "12.3",
        "-",
    ]
    assert table[2].split()[:2] == ["empty.pdf", "failed"]
    assert table[2].endswith("prepare: empty.pdf: file is empty (0 bytes)")
    assert table[3] == (
        "1 completed, 1 failed; 10 pages, 3 sent to OCR (7 read from their text layer or cache)"
    )
