"""Entity extraction: run every rule over the full text, keep one mention per span.

Rules run once over the whole document rather than per chunk, so an entity that straddles a
chunk boundary is still found, and a mention in the overlap of two chunks is found once; it is
attributed to the first chunk that contains it.

Confidence is a property of the rule that fired, so a reviewer can filter by it:

* 0.95 eyecite case and statute citations, ``$`` amounts, dates with a month name;
* 0.9 courts, labelled dockets (``Case No.``), ISO dates, ``/s/`` signatures;
* 0.85 corporate suffixes, honorifics, short-form citations, statutes eyecite missed, USD;
* 0.8 party roles (``Plaintiff John Smith``), agency prefixes, numeric dates, bare dockets;
* 0.75 defined terms (``("Acme")``) and their later uses, ``No. 22-1234``, a month and day
  without a year (``March 18``);
* 0.7 upper-case caption lines, repeated full names, month-and-year dates;
* 0.65 short company names and acronyms; 0.6 guesses from capitalisation alone and a form's
  figure beside a money caption (``Purchase Price: 318,400.00``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import chain

from lexflow.text.address_blocks import find_block_organizations
from lexflow.text.chunking import Chunk
from lexflow.text.citations import find_citations
from lexflow.text.courts import find_courts
from lexflow.text.document_text import DocumentText
from lexflow.text.mentions import Candidate, EntityType, Mention, resolve_overlaps
from lexflow.text.money import find_money
from lexflow.text.names import find_caption_parties, find_persons
from lexflow.text.normalize import collapse_space
from lexflow.text.organizations import find_organizations
from lexflow.text.patterns import find_case_numbers, find_dates
from lexflow.text.people import find_people
from lexflow.text.propagation import propagate_names

__all__ = ["EntityType", "Mention", "extract_entities"]


def extract_entities(text: DocumentText, chunks: Sequence[Chunk]) -> list[Mention]:
    """Find the legal entities in a document.

    Overlapping candidates from different rules resolve to the longest, then the most
    confident, so ``Brown v. Board of Education, 347 U.S. 483 (1954)`` is one CASE_CITATION and
    not also a PERSON ``Brown``. A second pass then finds short references (``Acme``,
    ``Smith``, ``IBM``, defined terms) to the people and organisations the first pass found.

    Args:
        text: The document text.
        chunks: The document's chunks (from ``chunk_document``), covering the text.

    Returns:
        Mentions in document order with true offsets into ``text.full_text``.

    Raises:
        ValueError: A mention lies outside every chunk, so ``chunks`` do not cover ``text``.
    """
    full = text.full_text
    if not full.strip():
        return []
    people = [*find_persons(full), *find_people(full)]
    first_pass = resolve_overlaps(
        chain(
            find_citations(full),
            find_courts(full),
            find_case_numbers(full),
            find_dates(full),
            find_money(full),
            find_organizations(full),
            find_block_organizations(full, people),
            people,
            find_caption_parties(full),
        )
    )
    first_pass = _without_outline_headings(full, _without_cited_companies(full, first_pass))
    case_names = _case_short_names(full, first_pass)
    later = [
        c
        for c in propagate_names(full, first_pass)
        if c.entity_type is EntityType.CASE_CITATION
        or collapse_space(full[c.start : c.end]).lower() not in case_names
    ]
    final = resolve_overlaps([*first_pass, *later])
    locator = _ChunkLocator(chunks)
    return [
        Mention(
            text=full[c.start : c.end],
            entity_type=c.entity_type,
            char_start=c.start,
            char_end=c.end,
            page=text.page_at(c.start),
            chunk_index=locator.first_containing(c),
            confidence=c.confidence,
            normalized=c.normalized,
        )
        for c in final
    ]


_CASE_SIDE_END = re.compile(r",?\s+(?:(?i:et\s+al)\.?,?\s+)?(?i:vs?)\.\s|,")


def _case_short_names(full: str, found: Sequence[Candidate]) -> set[str]:
    """The first party of each case cited: ``Roe`` of ``Roe v. Doe, 1 F.3d 2`` or ``Roe, 1 F.3d
    at 3``. A later bare ``Roe`` names the case, so it is no short reference to a person."""
    names: set[str] = set()
    for candidate in found:
        if candidate.entity_type is not EntityType.CASE_CITATION:
            continue
        text = full[candidate.start : candidate.end]
        side = _CASE_SIDE_END.search(text)
        if side and side.start() > 0 and not text[0].isdigit():
            party = re.sub(r",?\s+(?i:et\s+al)\.?$", "", text[: side.start()])
            names.add(collapse_space(party).lower())
    return names


_OUTLINE_LINE = re.compile(r"^[ \t]*(?P<letter>[A-Z])\.[ \t]+[A-Z]", re.MULTILINE)


def _without_outline_headings(full: str, found: list[Candidate]) -> list[Candidate]:
    """Drop a "person" that is an outline heading: ``B. Promissory Estoppel`` alone on its
    line, in a document with another heading lettered next to it (``A. ...`` or ``C. ...``)."""
    letters = {m.group("letter") for m in _OUTLINE_LINE.finditer(full)}
    kept: list[Candidate] = []
    for c in found:
        line_start = full.rfind("\n", 0, c.start) + 1
        line_end = full.find("\n", c.end)
        heading = (
            c.entity_type is EntityType.PERSON
            and not full[line_start : c.start].strip()
            and not full[c.end : line_end if line_end >= 0 else len(full)].strip()
            and _OUTLINE_LINE.match(full, line_start) is not None
        )
        if heading:
            letter = full[c.start : c.end].lstrip()[0]
            neighbours = {chr(ord(letter) - 1), chr(ord(letter) + 1)}
            if letters & neighbours:
                continue
        kept.append(c)
    return kept


_FORM_END = re.compile(r",\s+(?:Inc\.|LLC|L\.L\.C\.|Ltd\.|L\.P\.|LLP|Corp\.|Co\.|N\.A\.)$")
_VERSUS = re.compile(r"\s(?i:vs?)\.\s")
_CITED_NAME = re.compile(r"(?P<name>[A-Z][^\n]*?),\s+\d")


def _without_cited_companies(full: str, found: list[Candidate]) -> list[Candidate]:
    """Drop an organisation written exactly as the name, with its legal form, of a case cited
    without ``v.``: after ``Acme Glass, Inc., 2019-NCSC-8``, ``As in Acme Glass, Inc., the game``
    names the case, not the company. A caption's capitals (``ACME GLASS, INC.``) are another
    spelling and stay, and so does a party named without a legal form (``Calvary Chapel``, a
    short cite of the lower court's decision in the same case)."""
    cited: set[str] = set()
    for candidate in found:
        if candidate.entity_type is not EntityType.CASE_CITATION:
            continue
        text = full[candidate.start : candidate.end]
        name = _CITED_NAME.match(text)
        if name and _FORM_END.search(name.group("name")) and not _VERSUS.search(name.group("name")):
            cited.add(collapse_space(name.group("name")))
    if not cited:
        return found
    return [
        c
        for c in found
        if c.entity_type is not EntityType.ORGANIZATION
        or collapse_space(full[c.start : c.end]) not in cited
    ]


class _ChunkLocator:
    """Finds the first chunk holding a span; chunks are sorted and both their ends increase."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        ordered = sorted(chunks, key=lambda c: c.char_start)
        self._starts = [c.char_start for c in ordered]
        self._ends = [c.char_end for c in ordered]
        self._indexes = [c.index for c in ordered]

    def first_containing(self, candidate: Candidate) -> int:
        last_starting_before = bisect_right(self._starts, candidate.start) - 1
        first_ending_after = bisect_left(self._ends, candidate.end)
        if first_ending_after <= last_starting_before:
            return self._indexes[first_ending_after]
        # No chunk holds it whole (a long mention across a break): take the first it touches.
        touching = bisect_right(self._ends, candidate.start)
        if touching < len(self._starts) and self._starts[touching] < candidate.end:
            return self._indexes[touching]
        raise ValueError(f"mention at {candidate.start}-{candidate.end} is outside every chunk")
