"""``lexflow monitor``: a snapshot of a database holding documents in every state, rendered as an
operator sees it, with Temporal and Redis unreachable.

The expected frame lives in ``tests/fixtures/monitor/``; after a deliberate change to the layout,
regenerate it with ``LEXFLOW_UPDATE_SNAPSHOTS=1`` and read the diff before committing it.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from lexflow.cli.monitor_data import DocumentLine, MonitorSnapshot, MonitorSources, collect_snapshot
from lexflow.cli.monitor_view import render_frame
from lexflow.config import Settings
from lexflow.db.engine import make_engine
from lexflow.db.migrate import upgrade
from lexflow.db.models import SourceDocument

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "monitor"
NOW = datetime(2025, 3, 14, 15, 0, 0, tzinfo=UTC)
JOB_IN_PROGRESS = "4c1f0b6e9d2a7358e1f4b0c9a6d3e2f17b8c5a4d3e2f1a0b9c8d7e6f5a4b3c2d"
JOB_STUCK = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
JOB_FAILED = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"


def doc_uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"lexflow-monitor-test/{name}"))


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def row(name: str, status: str, stage: str, started: datetime | None, **fields: Any) -> dict:
    created = started or fields.pop("created_at", NOW)
    return {
        "document_uuid": doc_uuid(name),
        "file_name": name,
        "source_uri": f"/srv/intake/{name}",
        "status": status,
        "stage": stage,
        "started_at": started,
        "created_at": created,
        "updated_at": fields.pop("updated_at", NOW - timedelta(seconds=5)),
        "attempts": fields.pop("attempts", 0),
        **fields,
    }


# One document in every state an operator meets.
ROWS = [
    row("intake-scan.tiff", "pending", "registered", None, created_at=ago(seconds=30)),
    row("exhibit-a.pdf", "processing", "prepare", ago(seconds=20), ocr_engine="local"),
    row("deposition-transcript.pdf", "processing", "ocr", ago(minutes=12), ocr_engine="local"),
    row(
        "lease-agreement.pdf",
        "processing",
        "ocr",
        ago(minutes=4, seconds=20),
        ocr_engine="textract",
        textract_job_id=JOB_IN_PROGRESS,
        textract_job_status="IN_PROGRESS",
        textract_start_time=ago(minutes=4, seconds=5),
    ),
    row("settlement-agreement.pdf", "processing", "chunk", ago(minutes=1, seconds=10)),
    row("motion-to-dismiss.pdf", "processing", "entities", ago(minutes=2)),
    row("court-order.pdf", "processing", "relationships", ago(minutes=3, seconds=30)),
    row("closing-statement.pdf", "processing", "finalize", ago(seconds=50)),
    row(
        "master-services-agreement.pdf",
        "failed",
        "ocr",
        ago(minutes=25),
        updated_at=ago(minutes=7),
        attempts=1,
        ocr_engine="textract",
        textract_job_id=JOB_FAILED,
        textract_job_status="FAILED",
        textract_start_time=ago(minutes=24),
        textract_end_time=ago(minutes=7, seconds=10),
        error_stage="ocr",
        error_message=f"Textract job {JOB_FAILED} FAILED: Request has unsupported document format",
        textract_error_message="Request has unsupported document format",
    ),
    row(
        "deed-of-trust.pdf",
        "failed",
        "ocr",
        ago(minutes=40),
        updated_at=ago(minutes=29),
        attempts=2,
        ocr_engine="textract",
        textract_job_id=JOB_STUCK,
        textract_job_status="IN_PROGRESS",
        textract_start_time=ago(minutes=39),
        error_stage="ocr",
        error_message=f"Textract job {JOB_STUCK} still IN_PROGRESS after 600 s of polling",
    ),
    row(
        "empty.pdf",
        "failed",
        "prepare",
        ago(hours=2, minutes=1),
        updated_at=ago(hours=2),
        attempts=1,
        error_stage="prepare",
        error_message="empty.pdf: the file is empty",
    ),
    *(
        row(
            f"nda-{i}.pdf",
            "completed",
            "finalize",
            ago(minutes=minutes + 1),
            completed_at=ago(minutes=minutes),
            chunk_count=3,
        )
        for i, minutes in enumerate((2, 4, 9, 14, 40, 3 * 24 * 60), start=1)
    ),
]


@pytest.fixture
def monitor_engine(tmp_path: Path) -> Iterator[Engine]:
    # Its own database: the session's is shared with tests whose documents would show up here.
    engine = make_engine(f"sqlite:///{tmp_path / 'monitor.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        for values in ROWS:  # one by one: the rows set different columns
            conn.execute(insert(SourceDocument).values(**values))
    yield engine
    engine.dispose()


def offline_settings(tmp_path: Path) -> Settings:
    return Settings(
        lexflow_state_dir=tmp_path / "state",
        database_url=f"sqlite:///{tmp_path / 'monitor.db'}",
        temporal_address="127.0.0.1:1",
        redis_url="redis://127.0.0.1:1/0",
        _env_file=None,  # type: ignore[call-arg]
    )


def matches_fixture(text: str, name: str) -> None:
    path = FIXTURES / name
    if os.environ.get("LEXFLOW_UPDATE_SNAPSHOTS") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


async def test_the_frame_shows_every_state_and_says_what_is_unreachable(
    monitor_engine: Engine, tmp_path: Path
) -> None:
    sources = MonitorSources(offline_settings(tmp_path), monitor_engine, timeout=2.0)

    began = time.monotonic()
    snapshot = await collect_snapshot(sources, now=NOW)
    took = time.monotonic() - began

    assert took < 5, "an unreachable Temporal or Redis must not stall the dashboard"
    assert snapshot.running_workflows is None and snapshot.cached_documents is None
    [temporal, redis_notice] = snapshot.notices
    assert temporal.startswith("Temporal unreachable at 127.0.0.1:1 (")
    assert redis_notice.startswith("Redis unreachable at redis://127.0.0.1:1/0 (")
    frame = render_frame(snapshot, NOW, width=120)
    assert "! Temporal unreachable at 127.0.0.1:1" in frame
    assert "! Redis unreachable at redis://127.0.0.1:1/0" in frame
    for uuid_ in (doc_uuid("empty.pdf"), doc_uuid("deed-of-trust.pdf")):
        assert f"lexflow retry {uuid_}" in frame
        assert f"temporal workflow signal --workflow-id document-{uuid_} --name retry" in frame
    matches_fixture(frame, "every_state_offline.txt")


def test_a_live_stack_is_counted_and_left_behind_documents_are_pointed_out() -> None:
    in_ocr = [
        DocumentLine(
            doc_uuid(f"scan-{i}.pdf"), f"scan-{i}.pdf", "processing", "ocr", ago(minutes=i)
        )
        for i in (3, 2, 1)
    ]
    failed = DocumentLine(
        doc_uuid("brief.docx"),
        "brief.docx",
        "failed",
        "prepare",
        ago(minutes=6),
        error="brief.docx: unsupported document type (application/zip)",
        attempts=1,
    )
    snapshot = MonitorSnapshot(
        taken_at=NOW,
        temporal_address="temporal:7233",
        counts={("processing", "ocr"): 3, ("failed", "prepare"): 1, ("completed", "finalize"): 9},
        slowest=in_ocr,
        failures=[failed],
        completed_within={5: 2, 15: 5, 60: 9},
        running_workflows=2,
        cached_documents=13,
        redis_configured=True,
    )

    frame = render_frame(snapshot, NOW, width=120)

    matches_fixture(frame, "live_stack.txt")
    assert "Temporal temporal:7233: 2 DocumentWorkflow running" in frame
    assert "Redis: 13 documents cached" in frame
    assert "4 documents are not completed but only 2 workflows run" in frame
