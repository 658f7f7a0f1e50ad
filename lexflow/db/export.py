"""``lexflow export``: everything known about one document, as one JSON-ready object."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from lexflow.db.documents import find_document
from lexflow.db.models import (
    CanonicalEntity,
    DocumentChunk,
    DocumentPage,
    EntityMention,
    Relationship,
    SourceDocument,
)
from lexflow.errors import LexflowError

_DOCUMENT_FIELDS = [c.name for c in SourceDocument.__table__.columns]


class DocumentNotFoundError(LexflowError):
    kind = "DocumentNotFound"


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def export_document(engine: Engine, ref: str) -> dict[str, Any]:
    """The document's row, page texts, chunks, entities (with canonical names) and relationships.

    Raises:
        DocumentNotFoundError: no document has that uuid or workflow id.
    """
    doc = find_document(engine, ref)
    if doc is None:
        raise DocumentNotFoundError(f"no document {ref!r}")
    uuid = doc.document_uuid
    with engine.connect() as conn:
        pages = conn.execute(
            select(
                DocumentPage.page_number,
                DocumentPage.source,
                DocumentPage.text,
                DocumentPage.mean_confidence,
                DocumentPage.notes,
            )
            .where(DocumentPage.document_uuid == uuid)
            .order_by(DocumentPage.page_number)
        ).all()
        chunks = (
            conn.execute(
                select(DocumentChunk)
                .where(DocumentChunk.document_uuid == uuid)
                .order_by(DocumentChunk.chunk_index)
            )
            .mappings()
            .all()
        )
        canon = {
            r.entity_key: r
            for r in conn.execute(
                select(CanonicalEntity).where(CanonicalEntity.document_uuid == uuid)
            ).all()
        }
        mentions = (
            conn.execute(
                select(EntityMention)
                .where(EntityMention.document_uuid == uuid)
                .order_by(EntityMention.char_start, EntityMention.char_end)
            )
            .mappings()
            .all()
        )
        rels = (
            conn.execute(select(Relationship).where(Relationship.document_uuid == uuid))
            .mappings()
            .all()
        )
    return {
        "document": {f: _jsonable(getattr(doc, f)) for f in _DOCUMENT_FIELDS},
        "pages": [
            {"page": n, "source": src, "mean_confidence": conf, "notes": notes or [], "text": txt}
            for n, src, txt, conf, notes in pages
        ],
        "chunks": [
            {
                k: c[k]
                for k in ("chunk_index", "text", "char_start", "char_end", "page_start", "page_end")
            }
            for c in chunks
        ],
        "entities": [
            {
                "text": m["text"],
                "type": m["entity_type"],
                "normalized": m["normalized"],
                "canonical_key": m["entity_key"],
                "canonical_name": canon[m["entity_key"]].canonical_name
                if m["entity_key"] in canon
                else None,
                "page": m["page"],
                "char_start": m["char_start"],
                "char_end": m["char_end"],
                "chunk_index": m["chunk_index"],
                "confidence": m["confidence"],
            }
            for m in mentions
        ],
        "canonical_entities": [
            {
                "key": c.entity_key,
                "type": c.entity_type,
                "name": c.canonical_name,
                "aliases": c.aliases,
                "mention_count": c.mention_count,
            }
            for c in canon.values()
        ],
        "relationships": [
            {
                k: r[k]
                for k in (
                    "source_kind",
                    "source_key",
                    "relationship_type",
                    "target_kind",
                    "target_key",
                    "confidence",
                    "properties",
                )
            }
            | {
                "evidence_chunk_index": None
                if r["evidence_chunk_index"] < 0
                else r["evidence_chunk_index"]
            }
            for r in rels
        ],
    }
