"""Entity resolution: group mentions that name the same thing into canonical entities.

Mentions only merge within one entity type. Dates, amounts, dockets, courts, statutes and case
citations merge on their normalised value. People and organisations merge by name:

* people: same surname (or surnames with a rapidfuzz ratio >= 0.8, for OCR slips) and
  compatible given names (equal, similar, or an initial of the other); conflicting middle
  initials keep two people apart. ``J. Smith`` and ``Smith`` join a full name only when exactly
  one person has that surname (and initial), so two Smiths are never fused through them;
* organisations: equal keys after dropping the legal form and punctuation (``Acme, Inc.`` =
  ``ACME INC``), a rapidfuzz ratio >= 0.8 whose differing words are themselves similar (``Bank
  of Amerika``, never ``City of Newark`` for ``City of New York``), a short name that begins
  the long one (``Acme`` / ``Acme Widgets``) or an acronym (``IBM``), when unambiguous.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from lexflow.text.clustering import cluster_organizations, cluster_people
from lexflow.text.mentions import EntityType, Mention
from lexflow.text.name_keys import person_name
from lexflow.text.normalize import collapse_space

MAX_KEY_LENGTH = 255
_NAME_TYPES = frozenset({EntityType.PERSON, EntityType.ORGANIZATION})


@dataclass(frozen=True, slots=True)
class CanonicalEntity:
    """One real-world thing and every mention of it."""

    key: str
    """Stable id: lower-case type and normalised name, e.g. ``organization:acme corporation``."""
    entity_type: EntityType
    canonical_name: str
    aliases: tuple[str, ...]
    """Distinct surface forms (whitespace collapsed), sorted."""
    mention_count: int
    mention_indexes: tuple[int, ...]
    """Positions in the mention sequence given to ``resolve_entities``, ascending."""


def resolve_entities(mentions: Sequence[Mention]) -> list[CanonicalEntity]:
    """Group mentions into canonical entities.

    Args:
        mentions: The document's mentions, as ``extract_entities`` returns them.

    Returns:
        One entity per group, ordered by first mention. The canonical name is the longest full
        form (most frequent on a tie) for people and organisations, the longest surface form
        for case citations and the normalised value for everything else.
    """
    by_type: dict[EntityType, list[int]] = {}
    for i, mention in enumerate(mentions):
        by_type.setdefault(mention.entity_type, []).append(i)
    groups: list[tuple[EntityType, list[int]]] = []
    for entity_type, indexes in by_type.items():
        if entity_type is EntityType.PERSON:
            clusters = _cluster_names(mentions, indexes, cluster_people)
        elif entity_type is EntityType.ORGANIZATION:
            clusters = _cluster_names(mentions, indexes, cluster_organizations)
        else:
            clusters = _group_by(indexes, lambda i: _value(mentions[i]).casefold())
        groups.extend((entity_type, sorted(c)) for c in clusters)
    groups.sort(key=lambda group: group[1][0])
    entities: list[CanonicalEntity] = []
    used: set[str] = set()
    for entity_type, indexes in groups:
        entity = _entity(mentions, entity_type, indexes, used)
        used.add(entity.key)
        entities.append(entity)
    return entities


def _entity(
    mentions: Sequence[Mention], entity_type: EntityType, indexes: list[int], used: set[str]
) -> CanonicalEntity:
    members = [mentions[i] for i in indexes]
    name = _canonical_name(entity_type, members)
    basis = name if entity_type in _NAME_TYPES else _value(max(members, key=_value_rank))
    key = _unique(_key(entity_type, basis), used)
    return CanonicalEntity(
        key=key,
        entity_type=entity_type,
        canonical_name=name,
        aliases=tuple(sorted({collapse_space(m.text) for m in members})),
        mention_count=len(members),
        mention_indexes=tuple(indexes),
    )


def _canonical_name(entity_type: EntityType, members: list[Mention]) -> str:
    if entity_type is EntityType.CASE_CITATION:
        forms = Counter(collapse_space(m.text) for m in members)
    elif entity_type in _NAME_TYPES:
        forms = Counter(_name(m) for m in members)
    else:
        return _value(max(members, key=_value_rank))

    def rank(form: str) -> tuple[bool, int, int, str]:
        return not _is_full_form(entity_type, form), -len(form), -forms[form], form

    return min(forms, key=rank)


def _is_full_form(entity_type: EntityType, name: str) -> bool:
    if entity_type is EntityType.PERSON:
        parts = person_name(name)
        return parts is not None and parts.has_given_name
    if entity_type is EntityType.ORGANIZATION:
        return not (name.isupper() and " " not in name)
    return True


def _value_rank(mention: Mention) -> tuple[float, str]:
    return mention.confidence, _value(mention)


def _value(mention: Mention) -> str:
    return collapse_space(mention.normalized or mention.text)


def _name(mention: Mention) -> str:
    return collapse_space(mention.normalized or mention.text).strip(" ,")


def _key(entity_type: EntityType, basis: str) -> str:
    key = f"{entity_type.value.lower()}:{collapse_space(basis).casefold()}"
    if len(key) <= MAX_KEY_LENGTH:
        return key
    digest = hashlib.sha1(key.encode()).hexdigest()[:16]
    return f"{key[: MAX_KEY_LENGTH - 17]}~{digest}"


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while candidate in used:
        suffix = f"#{n}"
        candidate, n = key[: MAX_KEY_LENGTH - len(suffix)] + suffix, n + 1
    return candidate


def _group_by(indexes: Iterable[int], key_of: Callable[[int], str]) -> list[list[int]]:
    groups: dict[str, list[int]] = {}
    for i in indexes:
        groups.setdefault(key_of(i), []).append(i)
    return list(groups.values())


def _cluster_names(
    mentions: Sequence[Mention],
    indexes: list[int],
    cluster: Callable[[Iterable[str]], list[list[str]]],
) -> list[list[int]]:
    by_name = _group_by(indexes, lambda i: _name(mentions[i]))
    index_of = {_name(mentions[members[0]]): members for members in by_name}
    return [[i for name in names for i in index_of[name]] for names in cluster(index_of)]
