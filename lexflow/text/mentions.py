"""The mention model shared by the extraction rules, and the overlap resolution between them."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class EntityType(StrEnum):
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"
    COURT = "COURT"
    CASE_NUMBER = "CASE_NUMBER"
    DATE = "DATE"
    MONEY = "MONEY"
    STATUTE = "STATUTE"
    CASE_CITATION = "CASE_CITATION"


ENTITY_TYPE_ORDER = {entity_type: i for i, entity_type in enumerate(EntityType)}


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an entity: ``full_text[char_start:char_end] == text``."""

    text: str
    entity_type: EntityType
    char_start: int
    char_end: int
    page: int
    chunk_index: int
    """The first chunk that contains the whole mention."""
    confidence: float
    """0..1; set by the rule that found the mention (see ``lexflow.text.entities``)."""
    normalized: str | None
    """ISO date, decimal amount, docket, canonical citation or cleaned name; None if unknown."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rule's proposal before overlaps are resolved and pages and chunks assigned."""

    start: int
    end: int
    entity_type: EntityType
    confidence: float
    normalized: str | None

    @property
    def length(self) -> int:
        return self.end - self.start


def resolve_overlaps(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Keep one candidate per region of text: the longest, then the most confident.

    Ties after length and confidence go to the earlier start and then the entity type order, so
    the result never depends on the order the rules ran in.

    Args:
        candidates: Proposals from every rule, in any order, possibly overlapping.

    Returns:
        Non-overlapping candidates sorted by start offset.
    """
    ranked = sorted(
        _best_per_span(candidates),
        key=lambda c: (-c.length, -c.confidence, c.start, ENTITY_TYPE_ORDER[c.entity_type]),
    )
    starts: list[int] = []
    kept: list[Candidate] = []
    for candidate in ranked:
        if candidate.length <= 0:
            continue
        i = bisect_left(starts, candidate.start)
        if i > 0 and kept[i - 1].end > candidate.start:
            continue
        if i < len(kept) and kept[i].start < candidate.end:
            continue
        starts.insert(i, candidate.start)
        kept.insert(i, candidate)
    return kept


def _best_per_span(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Collapse candidates with the same span and type to the most confident one."""
    best: dict[tuple[int, int, EntityType], Candidate] = {}
    for c in candidates:
        key = (c.start, c.end, c.entity_type)
        if key not in best or _preference(c) > _preference(best[key]):
            best[key] = c
    return list(best.values())


def _preference(c: Candidate) -> tuple[float, str]:
    return c.confidence, c.normalized or ""
