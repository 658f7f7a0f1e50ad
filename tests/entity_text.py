"""Entities found in text a test writes: one page, one line per ``\\n``."""

from __future__ import annotations

from lexflow.ocr.types import OcrLine, OcrPage
from lexflow.text.chunking import chunk_document
from lexflow.text.document_text import build_document_text
from lexflow.text.entities import EntityType, Mention, extract_entities


def extract(text: str) -> list[Mention]:
    document = build_document_text(
        [OcrPage(number=1, lines=[OcrLine(text=t, confidence=99.0) for t in text.split("\n")])]
    )
    return extract_entities(document, chunk_document(document, 400, 80))


def texts(text: str, entity_type: EntityType) -> list[str]:
    """The mentions of one type, whitespace collapsed, in order."""
    return [" ".join(m.text.split()) for m in extract(text) if m.entity_type is entity_type]


def normalized(text: str, entity_type: EntityType) -> list[str | None]:
    return [m.normalized for m in extract(text) if m.entity_type is entity_type]


def of_type(text: str, entity_type: EntityType) -> list[tuple[str, str | None]]:
    """(text, normalized) of the mentions of one type."""
    return [(m.text, m.normalized) for m in extract(text) if m.entity_type is entity_type]
