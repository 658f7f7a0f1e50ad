"""Chunks, entity mentions, canonical entities and relationships: stored and loaded by document."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine, select, update

from lexflow.db.documents import utcnow
from lexflow.db.models import CanonicalEntity as CanonicalRow
from lexflow.db.models import DocumentChunk, EntityMention, SourceDocument
from lexflow.db.models import Relationship as RelationshipRow
from lexflow.db.upsert import replace_document_rows
from lexflow.text.canonical import CanonicalEntity
from lexflow.text.chunking import Chunk
from lexflow.text.entities import EntityType, Mention
from lexflow.text.relationships import Relationship


def save_chunks(engine: Engine, document_uuid: str, chunks: Sequence[Chunk]) -> None:
    """The document's chunks, and their count on its row, in one transaction."""
    rows = [
        {
            "document_uuid": document_uuid,
            "chunk_index": c.index,
            "text": c.text,
            "char_start": c.char_start,
            "char_end": c.char_end,
            "page_start": c.page_start,
            "page_end": c.page_end,
        }
        for c in chunks
    ]
    with engine.begin() as conn:
        replace_document_rows(conn, DocumentChunk, document_uuid, rows)
        _set_count(conn, document_uuid, chunk_count=len(rows))


def load_chunks(engine: Engine, document_uuid: str) -> list[Chunk]:
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(DocumentChunk)
                .where(DocumentChunk.document_uuid == document_uuid)
                .order_by(DocumentChunk.chunk_index)
            )
            .mappings()
            .all()
        )
    return [
        Chunk(
            index=r["chunk_index"],
            text=r["text"],
            char_start=r["char_start"],
            char_end=r["char_end"],
            page_start=r["page_start"],
            page_end=r["page_end"],
        )
        for r in rows
    ]


def save_entities(
    engine: Engine,
    document_uuid: str,
    mentions: Sequence[Mention],
    entities: Sequence[CanonicalEntity],
) -> None:
    """Mentions, canonical entities and their count in one transaction: they never disagree."""
    key_of = {i: e.key for e in entities for i in e.mention_indexes}
    mention_rows = [
        {
            "document_uuid": document_uuid,
            "char_start": m.char_start,
            "char_end": m.char_end,
            "entity_type": m.entity_type.value,
            "text": m.text,
            "normalized": m.normalized,
            "page": m.page,
            "chunk_index": m.chunk_index,
            "confidence": m.confidence,
            "entity_key": key_of.get(i),
        }
        for i, m in enumerate(mentions)
    ]
    entity_rows = [
        {
            "document_uuid": document_uuid,
            "entity_key": e.key,
            "entity_type": e.entity_type.value,
            "canonical_name": e.canonical_name,
            "aliases": list(e.aliases),
            "mention_count": e.mention_count,
        }
        for e in entities
    ]
    with engine.begin() as conn:
        replace_document_rows(conn, EntityMention, document_uuid, mention_rows)
        replace_document_rows(conn, CanonicalRow, document_uuid, entity_rows)
        _set_count(conn, document_uuid, entity_count=len(entity_rows))


def load_entities(
    engine: Engine, document_uuid: str
) -> tuple[list[Mention], list[CanonicalEntity]]:
    with engine.connect() as conn:
        mention_rows = (
            conn.execute(
                select(EntityMention)
                .where(EntityMention.document_uuid == document_uuid)
                .order_by(
                    EntityMention.char_start, EntityMention.char_end, EntityMention.entity_type
                )
            )
            .mappings()
            .all()
        )
        entity_rows = (
            conn.execute(
                select(CanonicalRow)
                .where(CanonicalRow.document_uuid == document_uuid)
                .order_by(CanonicalRow.entity_key)
            )
            .mappings()
            .all()
        )
    mentions = [
        Mention(
            text=r["text"],
            entity_type=EntityType(r["entity_type"]),
            char_start=r["char_start"],
            char_end=r["char_end"],
            page=r["page"],
            chunk_index=r["chunk_index"],
            confidence=r["confidence"],
            normalized=r["normalized"],
        )
        for r in mention_rows
    ]
    indexes: dict[str, list[int]] = {}
    for i, r in enumerate(mention_rows):
        if r["entity_key"]:
            indexes.setdefault(r["entity_key"], []).append(i)
    entities = [
        CanonicalEntity(
            key=r["entity_key"],
            entity_type=EntityType(r["entity_type"]),
            canonical_name=r["canonical_name"],
            aliases=tuple(r["aliases"]),
            mention_count=r["mention_count"],
            mention_indexes=tuple(indexes.get(r["entity_key"], ())),
        )
        for r in entity_rows
    ]
    return mentions, entities


def save_relationships(
    engine: Engine, document_uuid: str, relationships: Sequence[Relationship]
) -> None:
    rows = [
        {
            "document_uuid": document_uuid,
            "source_kind": r.source_kind,
            "source_key": r.source_key,
            "relationship_type": r.relationship_type,
            "target_kind": r.target_kind,
            "target_key": r.target_key,
            "evidence_chunk_index": -1
            if r.evidence_chunk_index is None
            else r.evidence_chunk_index,
            "confidence": r.confidence,
            "properties": dict(r.properties),
        }
        for r in relationships
    ]
    with engine.begin() as conn:
        replace_document_rows(conn, RelationshipRow, document_uuid, rows)
        _set_count(conn, document_uuid, relationship_count=len(rows))


def _set_count(conn: Connection, document_uuid: str, **count: int) -> None:
    conn.execute(
        update(SourceDocument)
        .where(SourceDocument.document_uuid == document_uuid)
        .values(updated_at=utcnow(), **count)
    )
