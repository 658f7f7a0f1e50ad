"""Local OCR and text-stage activities on the real database: resumable, never duplicating rows."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.chunking import ChunkingActivities
from activities.entities import EntityActivities
from activities.local_ocr import LocalOcrActivities
from activities.prepare import PrepareActivities
from activities.relationships import RelationshipActivities
from lexflow.cache import make_cache
from lexflow.contracts import DocumentRef, PrepareInput
from lexflow.db import documents
from lexflow.db.export import export_document
from lexflow.db.models import CanonicalEntity, DocumentChunk, EntityMention, Relationship
from lexflow.ocr.types import OcrPage
from lexflow.services import Services
from tests import docgen


def run(fn: Any, arg: Any, *, attempt: int = 1) -> Any:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, attempt=attempt)
    beats: list[Any] = []
    env.on_heartbeat = lambda *details: beats.append(details)
    result = env.run(fn, arg)
    return result, beats


def register(services: Services, path: Path, media_type: str, pages: int) -> DocumentRef:
    doc = str(uuid.uuid4())
    documents.register_document(
        services.engine,
        documents.Registration(
            document_uuid=doc,
            file_name=path.name,
            source_uri=str(path),
            workflow_id=f"document-{doc}",
            run_id="run",
            ocr_engine="local",
            sha256=uuid.uuid4().hex * 2,
            media_type=media_type,
            page_count=pages,
        ),
    )
    return DocumentRef(document_uuid=doc)


def counts(services: Services, ref: DocumentRef) -> dict[str, int]:
    with services.engine.connect() as conn:
        return {
            model.__tablename__: int(
                conn.execute(
                    select(func.count())
                    .select_from(model)
                    .where(model.document_uuid == ref.document_uuid)
                ).scalar_one()
            )
            for model in (DocumentChunk, EntityMention, CanonicalEntity, Relationship)
        }


def test_local_ocr_reads_text_layer_and_scan_and_heartbeats_each_page(
    services: Services, tmp_path: Path
) -> None:
    pdf = docgen.mixed_pdf(tmp_path / "mixed.pdf")
    ref = register(services, pdf, "application/pdf", 2)

    summary, beats = run(LocalOcrActivities(services).run_local_ocr, ref)

    pages = documents.load_pages(services.engine, ref.document_uuid)
    assert [p.source for p in pages] == ["text-layer", "ocr"]
    assert "Case No. 1:23-cv-04567" in pages[0].text
    assert (summary.page_count, summary.pages_sent_to_ocr) == (2, 1)
    assert beats == [(1,), (2,)]
    row = documents.get_document(services.engine, ref.document_uuid)
    assert row is not None and row.ocr_sha256 == row.sha256


def test_local_ocr_retried_after_a_crash_resumes_after_the_last_stored_page(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = docgen.born_digital_pdf(
        tmp_path / "three.pdf", [docgen.CAPTION, docgen.CONTRACT, docgen.LETTER]
    )
    ref = register(services, pdf, "application/pdf", 3)
    engine = services.local_ocr
    real_iter = engine.iter_pages

    def crash_after_two(path: Path, media_type: str, start_page: int = 1) -> Any:
        for page in real_iter(path, media_type, start_page=start_page):
            if page.number == 3:
                raise RuntimeError("worker killed")
            yield page

    monkeypatch.setattr(engine, "iter_pages", crash_after_two)
    with pytest.raises(RuntimeError):
        run(LocalOcrActivities(services).run_local_ocr, ref)
    monkeypatch.setattr(engine, "iter_pages", real_iter)

    summary, beats = run(LocalOcrActivities(services).run_local_ocr, ref, attempt=2)

    assert beats == [(3,)]  # pages 1 and 2 were not read again
    assert summary.page_count == 3
    texts = [p.text for p in documents.load_pages(services.engine, ref.document_uuid)]
    assert texts[2].startswith("SETTLEMENT AGREEMENT AND RELEASE")


def prepare_input(ref: DocumentRef, pdf: Path, run_id: str) -> PrepareInput:
    return PrepareInput(
        document_uuid=ref.document_uuid,
        source_uri=str(pdf),
        file_name=pdf.name,
        ocr_engine="local",
        workflow_id=f"document-{ref.document_uuid}",
        run_id=run_id,
    )


def test_a_late_first_attempt_of_local_ocr_keeps_the_pages_its_retry_stored(
    services: Services, tmp_path: Path
) -> None:
    pdf = docgen.born_digital_pdf(
        tmp_path / "three.pdf", [docgen.CAPTION, docgen.CONTRACT, docgen.LETTER]
    )
    ref = register(services, pdf, "application/pdf", 3)
    run(LocalOcrActivities(services).run_local_ocr, ref, attempt=2)  # the retry finished

    _, beats = run(LocalOcrActivities(services).run_local_ocr, ref)  # attempt 1, late

    assert beats == []  # nothing read again, nothing dropped
    assert documents.page_numbers(services.engine, ref.document_uuid) == {1, 2, 3}


def test_a_new_run_drops_the_pages_an_earlier_run_of_other_content_left(
    services: Services, tmp_path: Path
) -> None:
    pdf = docgen.born_digital_pdf(tmp_path / "two.pdf", [docgen.CAPTION, docgen.CONTRACT])
    ref = register(services, pdf, "application/pdf", 2)
    documents.save_page(services.engine, ref.document_uuid, OcrPage(number=5, lines=[]))
    prepare = prepare_input(ref, pdf, run_id="a-new-run")

    run(PrepareActivities(services).prepare_document, prepare)
    summary, _ = run(LocalOcrActivities(services).run_local_ocr, ref)

    assert documents.page_numbers(services.engine, ref.document_uuid) == {1, 2}
    assert summary.page_count == 2


def test_a_late_prepare_attempt_leaves_what_the_run_did_since_alone(
    services: Services, tmp_path: Path
) -> None:
    pdf = docgen.born_digital_pdf(tmp_path / "two.pdf", [docgen.CAPTION, docgen.CONTRACT])
    ref = register(services, pdf, "application/pdf", 2)
    prepare = prepare_input(ref, pdf, run_id="run")  # the run register() above recorded
    run(PrepareActivities(services).prepare_document, prepare, attempt=2)
    run(LocalOcrActivities(services).run_local_ocr, ref)

    # Attempt 1 timed out long ago, but its worker carries on.
    with pytest.raises(ApplicationError) as late:
        run(PrepareActivities(services).prepare_document, prepare)

    assert late.value.type == "SupersededAttempt"
    assert documents.page_numbers(services.engine, ref.document_uuid) == {1, 2}
    row = documents.get_document(services.engine, ref.document_uuid)
    assert row is not None and (row.stage, row.ocr_sha256) == ("ocr", row.sha256)


def test_text_stages_rerun_rewrite_the_same_rows(services: Services, tmp_path: Path) -> None:
    pdf = docgen.born_digital_pdf(tmp_path / "complaint.pdf", [docgen.CAPTION, docgen.ORDER])
    ref = register(services, pdf, "application/pdf", 2)
    run(LocalOcrActivities(services).run_local_ocr, ref)
    stages = [
        ChunkingActivities(services).chunk_document,
        EntityActivities(services).extract_entities,
        RelationshipActivities(services).build_relationships,
    ]

    first = [run(stage, ref)[0] for stage in stages]
    rows_first = counts(services, ref)
    second = [run(stage, ref, attempt=2)[0] for stage in stages]

    assert first == second
    assert counts(services, ref) == rows_first
    assert rows_first["document_chunks"] == first[0].count
    assert rows_first["entity_mentions"] == first[1].count
    assert rows_first["canonical_entities"] == first[1].secondary_count
    assert rows_first["relationships"] == first[2].count
    row = documents.get_document(services.engine, ref.document_uuid)
    assert row is not None
    assert (row.chunk_count, row.entity_count, row.relationship_count) == (
        first[0].count,
        first[1].secondary_count,
        first[2].count,
    )

    exported = export_document(services.engine, f"document-{ref.document_uuid}")
    names = {(e["type"], e["canonical_name"]) for e in exported["entities"]}
    assert ("ORGANIZATION", "Acme Corporation") in names
    assert ("CASE_NUMBER", "Case No. 1:23-cv-04567") in {
        (e["type"], e["text"]) for e in exported["entities"]
    }
    assert {"CONTAINS", "MENTIONS", "OPPOSING_PARTY"} <= {
        r["relationship_type"] for r in exported["relationships"]
    }
    first_mention = exported["entities"][0]
    full = "\n\n".join(p["text"] for p in exported["pages"])
    assert full[first_mention["char_start"] : first_mention["char_end"]] == first_mention["text"]


def test_stages_complete_when_redis_is_down(services: Services, tmp_path: Path) -> None:
    down = dataclasses.replace(services, cache=make_cache("redis://127.0.0.1:1/0"))
    pdf = docgen.born_digital_pdf(tmp_path / "letter.pdf", [docgen.LETTER])
    ref = register(down, pdf, "application/pdf", 1)

    summary, _ = run(LocalOcrActivities(down).run_local_ocr, ref)
    chunks, _ = run(ChunkingActivities(down).chunk_document, ref)
    entities, _ = run(EntityActivities(down).extract_entities, ref)

    assert (summary.page_count, chunks.count) == (1, 1)
    assert entities.secondary_count >= 3
