"""Relationships between the document, its chunks and its canonical entities.

* CONTAINS: document -> chunk (``source_key`` ``"document"``, no evidence chunk).
* MENTIONS: chunk -> entity, once per pair, for every chunk holding a whole mention (a mention
  in the overlap of two chunks is evidence for both).
* CO_OCCURS: entity <-> entity mentioned in the same chunk, once per unordered pair per chunk,
  the smaller key as source. Pairs of two DATE/MONEY entities are skipped: "a date near an
  amount" says nothing a reader can use, and they would dominate long schedules.
* OPPOSING_PARTY: the parties on either side of ``v.``/``vs.``, plaintiff side as source. In a
  caption both sides are entity mentions (``ACME CORPORATION, Plaintiff, v. JOHN SMITH``). In a
  case citation the names belong to the cited case and are part of the citation mention; a side
  matching a PERSON/ORGANIZATION entity of this document uses it, otherwise it is a ``party``
  node keyed ``party:<lower-case name>``.

``Relationship.identity`` is the database key (evidence -1 for document-level facts).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import combinations
from typing import Any

from lexflow.text.canonical import CanonicalEntity
from lexflow.text.chunking import Chunk
from lexflow.text.mentions import EntityType, Mention
from lexflow.text.name_keys import org_key
from lexflow.text.normalize import collapse_space

DOCUMENT_KEY = "document"
_VALUE_TYPES = frozenset({EntityType.DATE, EntityType.MONEY})
_PARTY_TYPES = frozenset({EntityType.PERSON, EntityType.ORGANIZATION})
_VERSUS = re.compile(r"(?:(?<=\s)|(?<=[a-z]))(?i:vs?)\.(?=\s)")
# What may sit between a party's name and "v." in a caption: roles, "et al.", punctuation.
_CAPTION_GAP = re.compile(
    r"(?:[\s,;:.&]|(?i:and|et\s+al\.?|an?\s+individual|individually|on\s+behalf\s+of\s+\w+"
    r"|an?\s+(?:[\w-]+\s+){0,3}?(?:corporation|company|partnership|entity|municipality)"
    r"|(?:counter-?|third-party\s+)?(?:plaintiffs?|defendants?|petitioners?|respondents?"
    r"|appellants?|appellees?|movants?|claimants?))\b)*"
)
_CITED_NAME = re.compile(r"^(?P<left>.+?)\s*(?:(?<=\s)|(?<=[a-z]))vs?\.\s+(?P<right>.+?),\s*\d")


class RelationshipType(StrEnum):
    CONTAINS = "CONTAINS"
    MENTIONS = "MENTIONS"
    CO_OCCURS = "CO_OCCURS"
    OPPOSING_PARTY = "OPPOSING_PARTY"


class NodeKind(StrEnum):
    DOCUMENT = "document"
    CHUNK = "chunk"
    ENTITY = "entity"
    PARTY = "party"


@dataclass(frozen=True, slots=True)
class Relationship:
    """A directed edge between two nodes, with the chunk that shows it."""

    source_kind: str
    source_key: str
    target_kind: str
    target_key: str
    relationship_type: RelationshipType
    evidence_chunk_index: int | None
    """The chunk that shows the relationship; None only for document-level facts."""
    confidence: float
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def identity(self) -> tuple[str, str, str, str, str, int]:
        """Upsert key, in the ``relationships`` table's primary-key order (evidence None -> -1)."""
        evidence = -1 if self.evidence_chunk_index is None else self.evidence_chunk_index
        return (
            str(self.source_kind),
            self.source_key,
            str(self.relationship_type),
            str(self.target_kind),
            self.target_key,
            evidence,
        )


def build_relationships(
    chunks: Sequence[Chunk], mentions: Sequence[Mention], entities: Sequence[CanonicalEntity]
) -> list[Relationship]:
    """Build the document's relationship graph.

    Args:
        chunks: The document's chunks.
        mentions: Its mentions, in the order ``resolve_entities`` received them.
        entities: The canonical entities; their ``mention_indexes`` point into ``mentions``.

    Returns:
        Relationships with distinct identities, sorted by type (as listed in the module
        docstring), evidence chunk, then source and target.
    """
    entity_of = {i: e for e in entities for i in e.mention_indexes}
    in_chunk = _entities_per_chunk(chunks, mentions, entity_of)
    found: dict[tuple[str, str, str, str, str, int], Relationship] = {}
    for relationship in (
        *_contains(chunks),
        *_mentions(in_chunk),
        *_co_occurrences(in_chunk),
        *_caption_parties(chunks, mentions, entity_of),
        *_cited_parties(mentions, entities, entity_of),
    ):
        known = found.get(relationship.identity)
        if known is None or relationship.confidence > known.confidence:
            found[relationship.identity] = relationship
    order = {t: i for i, t in enumerate(RelationshipType)}
    return sorted(
        found.values(),
        key=lambda r: (order[r.relationship_type], r.identity[5], r.identity),
    )


@dataclass
class _Seen:
    entity: CanonicalEntity
    confidence: float
    count: int


def _entities_per_chunk(
    chunks: Sequence[Chunk], mentions: Sequence[Mention], entity_of: dict[int, CanonicalEntity]
) -> dict[int, dict[str, _Seen]]:
    ordered = sorted(chunks, key=lambda c: c.char_start)
    starts = [c.char_start for c in ordered]
    ends = [c.char_end for c in ordered]
    per_chunk: dict[int, dict[str, _Seen]] = {c.index: {} for c in ordered}
    for i, mention in enumerate(mentions):
        entity = entity_of.get(i)
        if entity is None:
            continue
        first = bisect_left(ends, mention.char_end)
        last = bisect_right(starts, mention.char_start) - 1
        holders = [ordered[k].index for k in range(first, last + 1)] or [mention.chunk_index]
        for index in holders:
            seen = per_chunk.setdefault(index, {}).get(entity.key)
            if seen is None:
                per_chunk[index][entity.key] = _Seen(entity, mention.confidence, 1)
            else:
                seen.confidence = max(seen.confidence, mention.confidence)
                seen.count += 1
    return per_chunk


def _contains(chunks: Sequence[Chunk]) -> Iterator[Relationship]:
    for chunk in chunks:
        yield Relationship(
            source_kind=NodeKind.DOCUMENT,
            source_key=DOCUMENT_KEY,
            target_kind=NodeKind.CHUNK,
            target_key=str(chunk.index),
            relationship_type=RelationshipType.CONTAINS,
            evidence_chunk_index=None,
            confidence=1.0,
            properties={"page_start": chunk.page_start, "page_end": chunk.page_end},
        )


def _mentions(in_chunk: dict[int, dict[str, _Seen]]) -> Iterator[Relationship]:
    for index, seen in in_chunk.items():
        for key, s in seen.items():
            yield Relationship(
                source_kind=NodeKind.CHUNK,
                source_key=str(index),
                target_kind=NodeKind.ENTITY,
                target_key=key,
                relationship_type=RelationshipType.MENTIONS,
                evidence_chunk_index=index,
                confidence=s.confidence,
                properties={"mention_count": s.count},
            )


def _co_occurrences(in_chunk: dict[int, dict[str, _Seen]]) -> Iterator[Relationship]:
    for index, seen in in_chunk.items():
        for a, b in combinations(sorted(seen), 2):
            first, second = seen[a], seen[b]
            types = {first.entity.entity_type, second.entity.entity_type}
            if types <= _VALUE_TYPES:
                continue
            yield Relationship(
                source_kind=NodeKind.ENTITY,
                source_key=a,
                target_kind=NodeKind.ENTITY,
                target_key=b,
                relationship_type=RelationshipType.CO_OCCURS,
                evidence_chunk_index=index,
                confidence=min(first.confidence, second.confidence),
            )


def _caption_parties(
    chunks: Sequence[Chunk], mentions: Sequence[Mention], entity_of: dict[int, CanonicalEntity]
) -> Iterator[Relationship]:
    """``ACME CORPORATION, Plaintiff, v. JOHN SMITH, Defendant``: each left party opposes each
    right party. A ``v.`` inside a mention (a case citation) is left to ``_cited_parties``."""
    ordered = sorted(range(len(mentions)), key=lambda i: mentions[i].char_start)
    all_spans = [(mentions[i].char_start, mentions[i].char_end) for i in ordered]
    parties = [i for i in ordered if mentions[i].entity_type in _PARTY_TYPES and i in entity_of]
    done: set[int] = set()
    for chunk in sorted(chunks, key=lambda c: c.index):
        for versus in _VERSUS.finditer(chunk.text):
            at = chunk.char_start + versus.start()
            if at in done or _inside(all_spans, at):
                continue
            left = _side(chunk, mentions, parties, at, backwards=True)
            right = _side(chunk, mentions, parties, chunk.char_start + versus.end(), False)
            if not left or not right:
                continue
            done.add(at)
            for a in left:
                for b in right:
                    if entity_of[a].key == entity_of[b].key:
                        continue
                    yield Relationship(
                        source_kind=NodeKind.ENTITY,
                        source_key=entity_of[a].key,
                        target_kind=NodeKind.ENTITY,
                        target_key=entity_of[b].key,
                        relationship_type=RelationshipType.OPPOSING_PARTY,
                        evidence_chunk_index=chunk.index,
                        confidence=min(mentions[a].confidence, mentions[b].confidence),
                        properties={"form": "caption"},
                    )


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    i = bisect_right(spans, (offset, len(spans) + offset + 1)) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def _side(
    chunk: Chunk, mentions: Sequence[Mention], parties: list[int], cursor: int, backwards: bool
) -> list[int]:
    """The party mentions next to ``cursor`` with only roles and punctuation in between."""
    found: list[int] = []
    sequence = reversed(parties) if backwards else iter(parties)
    for i in sequence:
        mention = mentions[i]
        if (mention.char_end > cursor) if backwards else (mention.char_start < cursor):
            continue
        if mention.char_start < chunk.char_start or mention.char_end > chunk.char_end:
            break
        lo, hi = (mention.char_end, cursor) if backwards else (cursor, mention.char_start)
        gap = chunk.text[lo - chunk.char_start : hi - chunk.char_start]
        if not _CAPTION_GAP.fullmatch(gap) or len(found) == 6:
            break
        found.append(i)
        cursor = mention.char_start if backwards else mention.char_end
    return found


def _cited_parties(
    mentions: Sequence[Mention],
    entities: Sequence[CanonicalEntity],
    entity_of: dict[int, CanonicalEntity],
) -> Iterator[Relationship]:
    """``Brown v. Board of Education, 347 U.S. 483``: Brown opposes Board of Education."""
    lookup = _party_lookup(entities)
    for i, mention in enumerate(mentions):
        if mention.entity_type is not EntityType.CASE_CITATION or i not in entity_of:
            continue
        match = _CITED_NAME.match(collapse_space(mention.text))
        if match is None:
            continue
        (source_kind, source_key), (target_kind, target_key) = (
            _party_node(_clean_party(match.group(side)), lookup) for side in ("left", "right")
        )
        yield Relationship(
            source_kind=source_kind,
            source_key=source_key,
            target_kind=target_kind,
            target_key=target_key,
            relationship_type=RelationshipType.OPPOSING_PARTY,
            evidence_chunk_index=mention.chunk_index,
            confidence=mention.confidence,
            properties={"form": "citation", "citation": entity_of[i].key},
        )


def _clean_party(name: str) -> str:
    name = re.sub(r",\s*(?:No|Nos|Case)\b.*$", "", name)
    return re.sub(r",?\s+et\s+al\.?$", "", name).strip(" ,")


def _party_lookup(entities: Sequence[CanonicalEntity]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for entity in entities:
        if entity.entity_type in _PARTY_TYPES:
            for name in (entity.canonical_name, *entity.aliases):
                lookup.setdefault(_party_match_key(entity.entity_type, name), entity.key)
    return lookup


def _party_match_key(entity_type: EntityType, name: str) -> str:
    if entity_type is EntityType.ORGANIZATION:
        return f"org:{org_key(name)}"
    return f"person:{collapse_space(name).casefold()}"


def _party_node(name: str, lookup: dict[str, str]) -> tuple[str, str]:
    for entity_type in (EntityType.ORGANIZATION, EntityType.PERSON):
        key = lookup.get(_party_match_key(entity_type, name))
        if key is not None:
            return NodeKind.ENTITY, key
    return NodeKind.PARTY, f"party:{collapse_space(name).casefold()}"
