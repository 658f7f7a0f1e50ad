"""Stage 4: entity mentions with true offsets, resolved to canonical entities."""

from __future__ import annotations

from temporalio import activity

from activities._errors import translate_errors
from lexflow.contracts import DocumentRef, StageCount
from lexflow.db import documents, text_store
from lexflow.services import Services
from lexflow.text.canonical import resolve_entities
from lexflow.text.document_text import build_document_text
from lexflow.text.entities import extract_entities


class EntityActivities:
    def __init__(self, services: Services) -> None:
        self._s = services

    @activity.defn(name="extract_entities")
    @translate_errors
    def extract_entities(self, ref: DocumentRef) -> StageCount:
        s, uuid = self._s, ref.document_uuid
        documents.set_stage(s.engine, uuid, "entities")
        text = build_document_text(documents.load_pages(s.engine, uuid))
        mentions = extract_entities(text, text_store.load_chunks(s.engine, uuid))
        entities = resolve_entities(mentions)
        text_store.save_entities(s.engine, uuid, mentions, entities)
        return StageCount(document_uuid=uuid, count=len(mentions), secondary_count=len(entities))
