"""The database layer against a real database (PostgreSQL in CI, SQLite otherwise)."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import Engine, func, select

from lexflow.db import documents, text_store
from lexflow.db.engine import make_engine
from lexflow.db.migrate import ensure_schema_current, upgrade
from lexflow.db.models import CanonicalEntity as CanonicalRow
from lexflow.db.models import DocumentChunk, DocumentPage, EntityMention, SourceDocument
from lexflow.db.upsert import replace_document_rows
from lexflow.errors import SchemaOutOfDateError
from lexflow.ocr.types import BoundingBox, OcrLine, OcrPage
from lexflow.text.canonical import CanonicalEntity
from lexflow.text.mentions import EntityType, Mention
from tests.conftest import fresh_database


def register(engine: Engine, **overrides: object) -> str:
    doc = str(uuid.uuid4())
    reg = documents.Registration(
        document_uuid=doc,
        file_name="a.pdf",
        source_uri=f"/x/{doc}.pdf",
        workflow_id=f"document-{doc}",
        run_id="r1",
        ocr_engine="local",
    )
    documents.register_document(engine, reg)
    if overrides:
        documents.update_document(engine, doc, **overrides)
    return doc


def page(n: int, *texts: str) -> OcrPage:
    return OcrPage(
        number=n,
        lines=[OcrLine(t, 99.0, BoundingBox(0.1, 0.1 * i, 0.5, 0.05)) for i, t in enumerate(texts)],
        source="textract",
    )


def test_several_processes_upgrading_a_new_database_at_once_all_succeed(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with fresh_database(tmp_path_factory, "lexflow_upgrade") as url:
        engines = [make_engine(url) for _ in range(4)]
        failures: list[BaseException] = []
        together = threading.Barrier(len(engines))

        def upgrade_now(engine: Engine) -> None:
            together.wait()
            try:
                upgrade(engine)
            except BaseException as exc:  # reported below, with the others
                failures.append(exc)

        racers = [threading.Thread(target=upgrade_now, args=(e,)) for e in engines]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(60)

        assert failures == []
        ensure_schema_current(engines[0])
        for engine in engines:
            engine.dispose()


def test_empty_database_is_reported_with_the_command_that_fixes_it(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/empty.db")

    with pytest.raises(SchemaOutOfDateError, match=r"none \(empty\).*run `lexflow db upgrade`"):
        ensure_schema_current(engine)
    upgrade(engine)
    ensure_schema_current(engine)
    upgrade(engine)  # idempotent


def test_registering_twice_refreshes_one_row(db_engine: Engine) -> None:
    doc = register(db_engine)
    documents.mark_failed(db_engine, doc, "ocr", "boom")
    documents.register_document(
        db_engine,
        documents.Registration(
            document_uuid=doc,
            file_name="a.pdf",
            source_uri="/x/a.pdf",
            workflow_id="w",
            run_id="r2",
            ocr_engine="textract",
        ),
    )

    with db_engine.connect() as conn:
        count = conn.execute(select(func.count()).where(SourceDocument.document_uuid == doc))
        assert count.scalar() == 1
    row = documents.get_document(db_engine, doc)
    assert row is not None
    assert (row.status, row.error_message, row.run_id, row.attempts) == (
        "processing",
        None,
        "r2",
        1,
    )


def test_failure_keeps_error_and_textract_job(db_engine: Engine) -> None:
    doc = register(db_engine, textract_job_id="job-9", textract_job_status="FAILED")

    documents.mark_failed(
        db_engine, doc, "ocr", "Textract job job-9 FAILED: bad", textract_error=True
    )

    row = documents.find_document(db_engine, f"document-{doc}")
    assert row is not None
    assert (row.status, row.error_stage, row.textract_job_id) == ("failed", "ocr", "job-9")
    assert row.textract_error_message == "Textract job job-9 FAILED: bad"


def test_pages_round_trip_and_rewriting_fewer_pages_drops_the_rest(db_engine: Engine) -> None:
    doc = register(db_engine)
    documents.save_pages(db_engine, doc, [page(1, "a", "b"), page(2, "c"), page(3, "d")])
    documents.save_pages(db_engine, doc, [page(1, "a", "b"), page(2, "C")])

    loaded = documents.load_pages(db_engine, doc)

    assert [(p.number, p.text) for p in loaded] == [(1, "a\nb"), (2, "C")]
    assert loaded[0].lines[1].bbox == BoundingBox(0.1, 0.1, 0.5, 0.05)


def test_rows_rewritten_by_a_retried_activity_are_not_duplicated(db_engine: Engine) -> None:
    doc = register(db_engine)
    rows = [
        {
            "document_uuid": doc,
            "chunk_index": i,
            "text": f"t{i}",
            "char_start": i,
            "char_end": i + 1,
            "page_start": 1,
            "page_end": 1,
        }
        for i in range(700)
    ]
    for _ in range(2):
        with db_engine.begin() as conn:
            replace_document_rows(conn, DocumentChunk, doc, rows)

    with db_engine.connect() as conn:
        n = conn.execute(select(func.count()).where(DocumentChunk.document_uuid == doc)).scalar()
    assert n == 700


def test_resume_page_is_after_the_pages_already_stored(db_engine: Engine) -> None:
    doc = register(db_engine)
    for n in (1, 2, 4):
        documents.save_page(db_engine, doc, page(n, "x"))

    assert documents.resume_page(db_engine, doc) == 3
    documents.clear_pages(db_engine, doc)  # a new run's prepare
    assert documents.page_numbers(db_engine, doc) == set()
    assert documents.resume_page(db_engine, doc) == 1


def test_identical_content_with_complete_ocr_is_found_as_donor(db_engine: Engine) -> None:
    sha = uuid.uuid4().hex * 2
    donor = register(db_engine, sha256=sha, page_count=2)
    documents.save_pages(db_engine, donor, [page(1, "a"), page(2, "b")])
    partial = register(db_engine, sha256=sha, page_count=2)
    documents.save_page(db_engine, partial, page(1, "a"))
    assert documents.find_ocr_donor(db_engine, sha, 2) is None  # pages, but OCR never completed

    documents.mark_ocr_complete(db_engine, donor)
    newcomer = register(db_engine, sha256=sha, page_count=2)

    assert documents.find_ocr_donor(db_engine, sha, 2) == donor
    assert documents.copy_pages(db_engine, donor, newcomer) == 2
    assert [p.text for p in documents.load_pages(db_engine, newcomer)] == ["a", "b"]
    assert documents.find_ocr_donor(db_engine, sha, 3) is None


def test_staged_textract_pages_keep_their_order_and_cursor(db_engine: Engine) -> None:
    doc = register(db_engine)
    job = f"job-{uuid.uuid4()}"
    documents.stage_result_page(db_engine, doc, job, 2, None, [{"Id": "b"}])
    documents.stage_result_page(db_engine, doc, job, 1, "tok-1", [{"Id": "a"}])
    documents.stage_result_page(db_engine, doc, job, 1, "tok-1", [{"Id": "a"}])

    assert documents.staged_result_pages(db_engine, job) == [
        (1, "tok-1", [{"Id": "a"}]),
        (2, None, [{"Id": "b"}]),
    ]
    documents.clear_staged_results(db_engine, job)
    assert documents.staged_result_pages(db_engine, job) == []
    with db_engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count())
                .select_from(DocumentPage)
                .where(DocumentPage.document_uuid == doc)
            ).scalar()
            == 0
        )


def test_completing_a_document_drops_result_pages_a_late_fetch_staged(db_engine: Engine) -> None:
    doc = register(db_engine)
    job = f"job-{uuid.uuid4()}"
    documents.stage_result_page(db_engine, doc, job, 1, "tok-1", [{"Id": "a"}])

    documents.complete_document(db_engine, doc, stage="finalize", chunk_count=3)

    assert documents.staged_result_pages(db_engine, job) == []
    row = documents.get_document(db_engine, doc)
    assert row is not None and (row.status, row.stage, row.chunk_count) == (
        "completed",
        "finalize",
        3,
    )


def organisations_at(offset: int) -> tuple[list[Mention], list[CanonicalEntity]]:
    """What one attempt of extract_entities found: five organisations, at its own offsets."""
    mentions = [
        Mention(
            f"Acme{i}",
            EntityType.ORGANIZATION,
            offset + 10 * i,
            offset + 10 * i + 5,
            1,
            0,
            0.9,
            None,
        )
        for i in range(5)
    ]
    entities = [
        CanonicalEntity(
            f"organization:acme{offset}-{i}", EntityType.ORGANIZATION, f"Acme{i}", (), 1, (i,)
        )
        for i in range(5)
    ]
    return mentions, entities


def test_two_attempts_saving_one_documents_entities_at_once_leave_one_attempts_rows(
    db_engine: Engine,
) -> None:
    # A late attempt and its retry, on two workers, read different page text (rewritten between).
    for _ in range(20):
        doc = register(db_engine)
        together = threading.Barrier(2)

        def save(offset: int, doc: str = doc, together: threading.Barrier = together) -> None:
            together.wait()
            text_store.save_entities(db_engine, doc, *organisations_at(offset))

        attempts = [threading.Thread(target=save, args=(offset,)) for offset in (0, 1000)]
        for attempt in attempts:
            attempt.start()
        for attempt in attempts:
            attempt.join(30)

        with db_engine.connect() as conn:
            starts = set(
                conn.execute(
                    select(EntityMention.char_start).where(EntityMention.document_uuid == doc)
                ).scalars()
            )
            entities = conn.execute(
                select(func.count()).where(CanonicalRow.document_uuid == doc)
            ).scalar_one()
        row = documents.get_document(db_engine, doc)
        assert starts in ({0, 10, 20, 30, 40}, {1000, 1010, 1020, 1030, 1040})
        assert row is not None and entities == row.entity_count == 5
