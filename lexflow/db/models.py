"""SQLAlchemy 2 models. PostgreSQL in production, SQLite embedded; nothing dialect-specific here.

Every table is keyed by document and position so that writes are upserts: an activity that runs
twice (Temporal retries, worker crash) rewrites the same rows instead of adding new ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, DateTime, Float, Index, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class SourceDocument(Base):
    __tablename__ = "source_documents"

    document_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(512))
    source_uri: Mapped[str] = mapped_column(Text)
    s3_bucket: Mapped[str | None] = mapped_column(String(255))
    s3_key: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    media_type: Mapped[str | None] = mapped_column(String(64))
    page_count: Mapped[int | None] = mapped_column(Integer)

    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    stage: Mapped[str] = mapped_column(String(32), default="registered")
    workflow_id: Mapped[str | None] = mapped_column(String(128))
    run_id: Mapped[str | None] = mapped_column(String(64))
    ocr_engine: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_stage: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    textract_job_id: Mapped[str | None] = mapped_column(String(128), index=True)
    textract_job_status: Mapped[str | None] = mapped_column(String(32))
    textract_start_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    textract_end_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    textract_page_count: Mapped[int | None] = mapped_column(Integer)
    textract_error_message: Mapped[str | None] = mapped_column(Text)
    textract_warnings: Mapped[list[Any] | None] = mapped_column(JSON)
    textract_attempt: Mapped[int] = mapped_column(Integer, default=1)
    # Original page number of each page of the file sent to Textract (None: the whole file).
    textract_page_map: Mapped[list[Any] | None] = mapped_column(JSON)
    text_layer_pages: Mapped[list[Any] | None] = mapped_column(JSON)
    # A document over Textract's limits goes as parts: [{"bucket", "key", "pages": [...]}, ...].
    textract_parts: Mapped[list[Any] | None] = mapped_column(JSON)

    # Set when OCR output for exactly this content is complete: the content-hash cache's proof.
    ocr_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    pages_ocr_sent: Mapped[int | None] = mapped_column(Integer)
    mean_confidence: Mapped[float | None] = mapped_column(Float)
    chunk_count: Mapped[int | None] = mapped_column(Integer)
    entity_count: Mapped[int | None] = mapped_column(Integer)
    relationship_count: Mapped[int | None] = mapped_column(Integer)

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DocumentPage(Base):
    """OCR output per page: the claim-check that keeps text out of workflow history."""

    __tablename__ = "document_pages"

    document_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    page_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    lines: Mapped[list[Any]] = mapped_column(JSON)
    """Each line's text, confidence and box, with its ``source`` on a merged page and its
    ``role`` when it is not body text (header, footer, pleading line number)."""
    mean_confidence: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[list[Any] | None] = mapped_column(JSON)
    """What the reader should know about the page: turned or deskewed before OCR, unreadable."""


class TextractResultPage(Base):
    """Raw GetDocumentTextDetection pages, staged so a crashed fetch resumes at its NextToken."""

    __tablename__ = "textract_result_pages"

    job_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_uuid: Mapped[str] = mapped_column(String(36), index=True)
    next_token: Mapped[str | None] = mapped_column(Text)
    blocks: Mapped[list[Any]] = mapped_column(JSON)


class DocumentChunk(Base):
    __tablename__ = "document_chunks"

    document_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    chunk_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)
    page_start: Mapped[int] = mapped_column(Integer)
    page_end: Mapped[int] = mapped_column(Integer)


class EntityMention(Base):
    __tablename__ = "entity_mentions"

    document_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    char_start: Mapped[int] = mapped_column(Integer, primary_key=True)
    char_end: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str | None] = mapped_column(Text)
    page: Mapped[int] = mapped_column(Integer)
    chunk_index: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    entity_key: Mapped[str | None] = mapped_column(String(255))


class CanonicalEntity(Base):
    __tablename__ = "canonical_entities"

    document_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(32))
    canonical_name: Mapped[str] = mapped_column(Text)
    aliases: Mapped[list[Any]] = mapped_column(JSON)
    mention_count: Mapped[int] = mapped_column(Integer)


class Relationship(Base):
    __tablename__ = "relationships"

    document_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    relationship_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    target_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # -1 for document-level facts, so the column can be part of the key on every dialect.
    evidence_chunk_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    confidence: Mapped[float] = mapped_column(Float)
    properties: Mapped[dict[str, Any]] = mapped_column(JSON)


Index("ix_source_documents_status_stage", SourceDocument.status, SourceDocument.stage)
