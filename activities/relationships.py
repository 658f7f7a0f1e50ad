"""Stage 5: relationships between the document, its chunks and its entities, with evidence."""

from __future__ import annotations

from temporalio import activity

from activities._errors import translate_errors
from lexflow.contracts import DocumentRef, StageCount
from lexflow.db import documents, text_store
from lexflow.services import Services
from lexflow.text.relationships import build_relationships


class RelationshipActivities:
    def __init__(self, services: Services) -> None:
        self._s = services

    @activity.defn(name="build_relationships")
    @translate_errors
    def build_relationships(self, ref: DocumentRef) -> StageCount:
        s, uuid = self._s, ref.document_uuid
        documents.set_stage(s.engine, uuid, "relationships")
        chunks = text_store.load_chunks(s.engine, uuid)
        mentions, entities = text_store.load_entities(s.engine, uuid)
        relationships = build_relationships(chunks, mentions, entities)
        text_store.save_relationships(s.engine, uuid, relationships)
        return StageCount(document_uuid=uuid, count=len(relationships))
