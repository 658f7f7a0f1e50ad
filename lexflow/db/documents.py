"""Reads and writes of ``source_documents``, ``document_pages`` and staged Textract results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from lexflow.db.models import DocumentPage, SourceDocument, TextractResultPage
from lexflow.db.upsert import replace_document_rows, upsert_rows
from lexflow.ocr.types import OcrPage


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Registration:
    document_uuid: str
    file_name: str
    source_uri: str
    workflow_id: str
    run_id: str
    ocr_engine: str
    sha256: str | None = None
    size_bytes: int | None = None
    media_type: str | None = None
    page_count: int | None = None


_TEXTRACT_JOB_FIELDS = (
    "textract_job_id",
    "textract_job_status",
    "textract_start_time",
    "textract_end_time",
    "textract_page_count",
    "textract_error_message",
)


def register_document(engine: Engine, reg: Registration) -> bool:
    """Create or refresh the document's row for a (re)run, keeping its counts; False, writing
    nothing, for a late attempt of a prepare this run has already moved past.

    A new run forgets the previous run's Textract job: the file may have changed since (its text
    would be the old content's), and a job that run left IN_PROGRESS (given up, or terminated)
    must not hold a place under TEXTRACT_MAX_CONCURRENT_JOBS for good. Within one run, prepare
    comes before the run's own job and pages; an attempt that outlived its timeout, arriving once
    the run has moved on, must not reset them.
    """
    values = {
        "document_uuid": reg.document_uuid,
        "file_name": reg.file_name,
        "source_uri": reg.source_uri,
        "workflow_id": reg.workflow_id,
        "run_id": reg.run_id,
        "ocr_engine": reg.ocr_engine,
        "sha256": reg.sha256,
        "size_bytes": reg.size_bytes,
        "media_type": reg.media_type,
        "page_count": reg.page_count,
        "status": "processing",
        "stage": "prepare",
        "error_message": None,
        "error_stage": None,
        "started_at": utcnow(),
        "completed_at": None,
        "updated_at": utcnow(),
        **dict.fromkeys(_TEXTRACT_JOB_FIELDS),
    }
    with engine.begin() as conn:
        current = conn.execute(
            select(SourceDocument.run_id, SourceDocument.stage).where(
                SourceDocument.document_uuid == reg.document_uuid
            )
        ).first()
        if current is not None and current.run_id == reg.run_id and current.stage != "prepare":
            return False
        upsert_rows(conn, SourceDocument, [values])
    return True


def update_document(engine: Engine, document_uuid: str, **fields: Any) -> None:
    fields.setdefault("updated_at", utcnow())
    with engine.begin() as conn:
        conn.execute(
            update(SourceDocument)
            .where(SourceDocument.document_uuid == document_uuid)
            .values(**fields)
        )


def set_stage(engine: Engine, document_uuid: str, stage: str) -> None:
    update_document(engine, document_uuid, stage=stage, status="processing")


def mark_failed(
    engine: Engine, document_uuid: str, stage: str, error: str, *, textract_error: bool = False
) -> None:
    fields: dict[str, Any] = {
        "status": "failed",
        "stage": stage,
        "error_stage": stage,
        "error_message": error,
    }
    if textract_error:
        fields["textract_error_message"] = error
    with engine.begin() as conn:
        conn.execute(
            update(SourceDocument)
            .where(SourceDocument.document_uuid == document_uuid)
            .values(attempts=SourceDocument.attempts + 1, updated_at=utcnow(), **fields)
        )


def get_document(engine: Engine, document_uuid: str) -> SourceDocument | None:
    # expire_on_commit=False: the caller gets a plain detached object, no session kept open.
    with Session(engine, expire_on_commit=False) as session:
        return session.get(SourceDocument, document_uuid)


def find_document(engine: Engine, ref: str) -> SourceDocument | None:
    """Find by document uuid or workflow id (``document-<uuid>``)."""
    uuid = ref.removeprefix("document-")
    return get_document(engine, uuid)


def save_pages(
    engine: Engine,
    document_uuid: str,
    pages: Sequence[OcrPage],
    *,
    clear_staged_job: str | None = None,
) -> None:
    """The document's pages, exactly these; with ``clear_staged_job``, in the same transaction
    that job's staged result pages are dropped (a concurrent attempt may have staged some)."""
    rows = [_page_row(document_uuid, p) for p in pages]
    with engine.begin() as conn:
        replace_document_rows(conn, DocumentPage, document_uuid, rows)
        if clear_staged_job is not None:
            conn.execute(
                delete(TextractResultPage).where(TextractResultPage.job_id == clear_staged_job)
            )


def save_page(engine: Engine, document_uuid: str, page: OcrPage) -> None:
    """Store one page as soon as it is done, so a crashed OCR resumes after it."""
    with engine.begin() as conn:
        upsert_rows(conn, DocumentPage, [_page_row(document_uuid, page)])


def _page_row(document_uuid: str, page: OcrPage) -> dict[str, object]:
    return {
        "document_uuid": document_uuid,
        "page_number": page.number,
        "source": page.source,
        "text": page.text,
        "lines": page.to_json()["lines"],
        "mean_confidence": page.mean_confidence,
        "notes": list(page.notes) or None,
    }


def load_pages(engine: Engine, document_uuid: str) -> list[OcrPage]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                DocumentPage.page_number,
                DocumentPage.source,
                DocumentPage.lines,
                DocumentPage.notes,
            )
            .where(DocumentPage.document_uuid == document_uuid)
            .order_by(DocumentPage.page_number)
        ).all()
    return [
        OcrPage.from_json({"number": n, "source": source, "lines": lines, "notes": notes})
        for n, source, lines, notes in rows
    ]


def page_numbers(engine: Engine, document_uuid: str) -> set[int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(DocumentPage.page_number).where(DocumentPage.document_uuid == document_uuid)
        ).all()
    return {r[0] for r in rows}


def clear_pages(engine: Engine, document_uuid: str) -> None:
    """Drop an earlier run's pages, while the document is still at prepare: a new run OCRs its
    own content afresh, and a late prepare attempt must not drop what this run's OCR stored."""
    at_prepare = (
        select(SourceDocument.document_uuid)
        .where(SourceDocument.document_uuid == document_uuid, SourceDocument.stage == "prepare")
        .exists()
    )
    with engine.begin() as conn:
        conn.execute(
            delete(DocumentPage).where(DocumentPage.document_uuid == document_uuid, at_prepare)
        )


def resume_page(engine: Engine, document_uuid: str) -> int:
    """The first page still to OCR: the page after the longest run of stored pages.

    OCR never drops pages itself (prepare does, for a new run): an attempt that runs late could
    otherwise wipe what its retry already stored.
    """
    done = page_numbers(engine, document_uuid)
    page = 1
    while page in done:
        page += 1
    return page


# A reservation whose Start call never came back (a worker died in between) stops counting after
# this long, so a crash cannot shrink the fleet's job budget for good.
_STARTING_GRACE = timedelta(minutes=5)


def reserve_textract_slot(engine: Engine, document_uuid: str, max_jobs: int) -> bool:
    """Claim one of ``max_jobs`` concurrent Textract job slots for the document.

    Jobs IN_PROGRESS and fresh reservations (STARTING) count, but not the job of a failed or
    completed document: nothing polls it (a failed one waits for a retry, perhaps after a poll
    gave up on a job still IN_PROGRESS), and it would otherwise hold its place for good. If such
    a job is still running, or a retry resumes polling it, Textract's own cap answers
    LimitExceededException, which is a wait too. The check and the claim are one
    statement, and on PostgreSQL a transaction-scoped advisory lock serialises claimers, so
    two workers can never both take the last slot.
    """
    now = utcnow()
    busy = (
        select(func.count())
        .select_from(SourceDocument)
        .where(
            SourceDocument.document_uuid != document_uuid,
            SourceDocument.status.not_in(("failed", "completed")),
            (SourceDocument.textract_job_status == "IN_PROGRESS")
            | (
                (SourceDocument.textract_job_status == "STARTING")
                & (SourceDocument.updated_at > now - _STARTING_GRACE)
            ),
        )
        .scalar_subquery()
    )
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7311)"))
        claimed = conn.execute(
            update(SourceDocument)
            .where(SourceDocument.document_uuid == document_uuid, busy < max_jobs)
            # A document retried after a failure is processing again: its new job counts.
            .values(textract_job_status="STARTING", status="processing", updated_at=now)
        ).rowcount
    return bool(claimed)


def release_textract_slot(engine: Engine, document_uuid: str) -> None:
    """Give back a reservation whose Start call failed."""
    with engine.begin() as conn:
        conn.execute(
            update(SourceDocument)
            .where(
                SourceDocument.document_uuid == document_uuid,
                SourceDocument.textract_job_status == "STARTING",
            )
            .values(textract_job_status=None, updated_at=utcnow())
        )


def find_ocr_donor(engine: Engine, sha256: str, page_count: int) -> str | None:
    """A document (possibly this one, on a re-run) holding complete OCR output of this content."""
    pages = (
        select(DocumentPage.document_uuid, func.count().label("n"))
        .group_by(DocumentPage.document_uuid)
        .subquery()
    )
    stmt = (
        select(SourceDocument.document_uuid)
        .join(pages, pages.c.document_uuid == SourceDocument.document_uuid)
        .where(SourceDocument.ocr_sha256 == sha256, pages.c.n == page_count)
        .order_by(SourceDocument.updated_at.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    return None if row is None else str(row[0])


_FINAL_JOB_STATUSES = ("SUCCEEDED", "PARTIAL_SUCCESS", "FAILED")


def record_job_status(engine: Engine, document_uuid: str, job_id: str, **fields: Any) -> None:
    """A status check's answer about ``job_id``, written only while that job is the document's
    and not yet over.

    An attempt can answer after its retry has moved on (a slow Get outlasting the activity's
    timeout): its IN_PROGRESS must not bring a finished job back to life, where it would hold a
    place under TEXTRACT_MAX_CONCURRENT_JOBS for good, nor land on the next part's job.
    """
    unfinished = or_(
        SourceDocument.textract_job_status.is_(None),
        SourceDocument.textract_job_status.not_in(_FINAL_JOB_STATUSES),
    )
    _update_job(engine, document_uuid, job_id, unfinished, **fields)


def record_job_end(engine: Engine, document_uuid: str, job_id: str, job_status: str) -> None:
    """A Textract job's final status, with its end time unless a status check recorded one;
    only while that job is the document's (a late fetch of an earlier part's job writes nothing)."""
    _update_job(
        engine,
        document_uuid,
        job_id,
        textract_job_status=job_status,
        textract_end_time=func.coalesce(SourceDocument.textract_end_time, utcnow()),
    )


def _update_job(
    engine: Engine, document_uuid: str, job_id: str, *conditions: Any, **fields: Any
) -> None:
    fields.setdefault("updated_at", utcnow())
    with engine.begin() as conn:
        conn.execute(
            update(SourceDocument)
            .where(
                SourceDocument.document_uuid == document_uuid,
                SourceDocument.textract_job_id == job_id,
                *conditions,
            )
            .values(**fields)
        )


def keep_only_pages(engine: Engine, document_uuid: str, numbers: Iterable[int]) -> None:
    """Drop the document's stored pages whose numbers are not in ``numbers`` (an earlier run's).

    Unlike starting afresh, this never removes a page this run may already have stored, so an
    attempt that runs late cannot wipe what its retry and the later parts wrote.
    """
    keep = set(numbers)
    with engine.begin() as conn:
        conn.execute(
            delete(DocumentPage).where(
                DocumentPage.document_uuid == document_uuid,
                DocumentPage.page_number.not_in(keep),
            )
        )


def mark_ocr_complete(engine: Engine, document_uuid: str, **fields: Any) -> None:
    """Record that the stored pages are this content's complete OCR output."""
    with engine.begin() as conn:
        conn.execute(
            update(SourceDocument)
            .where(SourceDocument.document_uuid == document_uuid)
            .values(ocr_sha256=SourceDocument.sha256, updated_at=utcnow(), **fields)
        )


def copy_pages(engine: Engine, donor_uuid: str, document_uuid: str) -> int:
    if donor_uuid == document_uuid:
        return len(page_numbers(engine, document_uuid))
    pages = load_pages(engine, donor_uuid)
    save_pages(engine, document_uuid, pages)
    mark_ocr_complete(engine, document_uuid)
    return len(pages)


def stage_result_page(
    engine: Engine,
    document_uuid: str,
    job_id: str,
    seq: int,
    next_token: str | None,
    blocks: list[dict[str, Any]],
) -> None:
    stage_result_pages(engine, document_uuid, job_id, [(seq, next_token, blocks)])


def stage_result_pages(
    engine: Engine,
    document_uuid: str,
    job_id: str,
    pages: Sequence[tuple[int, str | None, list[dict[str, Any]]]],
) -> None:
    """Stage fetched result pages (sequence number, the NextToken after it, its blocks)."""
    rows = [
        {
            "job_id": job_id,
            "seq": seq,
            "document_uuid": document_uuid,
            "next_token": next_token,
            "blocks": blocks,
        }
        for seq, next_token, blocks in pages
    ]
    with engine.begin() as conn:
        upsert_rows(conn, TextractResultPage, rows)


def staged_result_pages(engine: Engine, job_id: str) -> list[tuple[int, str | None, list[Any]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(TextractResultPage.seq, TextractResultPage.next_token, TextractResultPage.blocks)
            .where(TextractResultPage.job_id == job_id)
            .order_by(TextractResultPage.seq)
        ).all()
    return [(seq, token, blocks) for seq, token, blocks in rows]


def complete_document(engine: Engine, document_uuid: str, **fields: Any) -> None:
    """Mark the document completed, and drop any result pages a late fetch attempt staged after
    its retry had cleared them (nothing would ever read them)."""
    with engine.begin() as conn:
        conn.execute(
            update(SourceDocument)
            .where(SourceDocument.document_uuid == document_uuid)
            .values(status="completed", updated_at=utcnow(), **fields)
        )
        conn.execute(
            delete(TextractResultPage).where(TextractResultPage.document_uuid == document_uuid)
        )


def clear_staged_results(engine: Engine, job_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(TextractResultPage).where(TextractResultPage.job_id == job_id))
