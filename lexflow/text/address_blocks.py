"""Organisations named by the layout of an address block, with no suffix to say so.

A letter's address list and a brief's counsel block put a person, then the person's firm or
office, then a street address::

    Ms. Jane Roe                      JOHN DOE
    U.S. Department of Labor          jdoe@example.org
    Office of the Solicitor           NORTHERN LEGAL AID
    200 Constitution Avenue           FOUNDATION OF OHIO
                                      12 Main Street

The lines between the person (an honorific line, an e-mail line, a name over an e-mail line)
and the street line are organisations, whatever their words. Without a person above them they
are not taken: a court's letterhead (``Thurgood Marshall U.S. Courthouse``, ``40 Foley
Square``) has the same shape. Lines that are one name wrapped (a line without a head word such
as ``Board`` or ``Office``, or ending in ``of``, or a place after an office) are joined.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.names import ORG_WORDS
from lexflow.text.normalize import display_name, word_set

BLOCK_CONFIDENCE = 0.7
_MAX_LINES = 4

_STREET_WORD = (
    r"(?i:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Drive|Dr\.?|Lane|Ln\.?|Way"
    r"|Place|Pl\.?|Plaza|Square|Highway|Hwy\.?|Parkway|Pkwy\.?|Suite|Floor|Circle|Terrace)"
)
_STREET = re.compile(
    rf"^[ \t]*(?:\d+[A-Za-z]?[ \t]+[\w.' -]*?\b{_STREET_WORD}(?!\w)|(?i:P\.?\s?O\.?\s+Box)\b)"
)
# "SOUTHERN CALIFORNIA 1313" over "West Eighth Street": the number ends the line above.
_STREET_NO_NUMBER = re.compile(rf"^[ \t]*[A-Z][\w.' -]*?\b{_STREET_WORD}[ \t,]*$")
_TRAILING_NUMBER = re.compile(r"[ \t]+\d+[A-Za-z]?[ \t]*$")
_NAME_LINE = re.compile(
    r"^[ \t]*(?:[A-Z][\w.'’&-]*|&)(?:[ \t]+(?:[A-Z][\w.'’&-]*|&|of|the|for|and|de|on|in)){0,9}"
    r"[ \t]*$"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HONORIFIC_LINE = re.compile(r"^[ \t]*(?:Mr|Mrs|Ms|Dr|Hon)\.?[ \t]+[A-Z]")
_LEGAL_FORM_END = re.compile(
    r"[ \t,](?i:LLP|L\.L\.P\.|LLC|L\.L\.C\.|Inc\.?|Corp\.?|P\.C\.|P\.A\.|PLLC|Ltd\.?)[ \t]*$"
)
_SIGNATURE_NOISE = re.compile(r"(?i)\b(?:s|by|esq|mr|ms|mrs|dr|hon)\b")
_TITLE_WORDS = word_set(
    """senior junior managing general deputy assistant chief associate partner counsel of
    attorney attorneys for plaintiff plaintiffs defendant defendants appellant appellants
    appellee appellees petitioner petitioners respondent respondents paralegal esq and the
    pro hac vice admitted case manager"""
)
_CONNECTORS = word_set("of the for and & de on in")
# A block of nothing but these words is a description: "Law Office", "Legal Department".
_GENERIC = word_set("law office offices legal department firm the of")
_NOT_ORG = word_set(
    """courthouse building court courts tower center centre clerk chambers judge
    attorney attorneys plaintiff plaintiffs defendant defendants appellant appellants appellee
    appellees petitioner respondent"""
)


def find_block_organizations(full_text: str, people: Sequence[Candidate] = ()) -> list[Candidate]:
    """Find organisations between a person and a street line in an address or counsel block.

    Args:
        full_text: The document text.
        people: PERSON candidates found by other rules; a line that is one of them (``/s/ Jane
            Roe``, ``JANE ROE, Esq.``) is a person's line.

    Returns:
        ORGANIZATION candidates at ``BLOCK_CONFIDENCE``, one per name (wrapped lines joined).
    """
    lines = _lines(full_text)
    person_lines = _person_lines(full_text, lines, people)
    found: list[Candidate] = []
    for i, (start, end) in enumerate(lines):
        text = full_text[start:end]
        if _STREET.match(text):
            last = i - 1
            cut = None
        elif i and _STREET_NO_NUMBER.match(text) and not _STREET.match(text):
            previous = full_text[lines[i - 1][0] : lines[i - 1][1]]
            number = _TRAILING_NUMBER.search(previous)
            if number is None:
                continue
            last, cut = i - 1, lines[i - 1][0] + number.start()
        else:
            continue
        found += _block(full_text, lines, last, cut, person_lines)
    return found


# What a signature line may hold beside the name: "/s/", "By:", "Signed:", a date stamp.
_MAX_NOISE = 60


def _person_lines(
    full_text: str, lines: list[tuple[int, int]], people: Sequence[Candidate]
) -> set[int]:
    """The lines that hold a person's name and nothing else but signature marks."""
    starts = [start for start, _ in lines]
    found: set[int] = set()
    for person in people:
        if person.entity_type is not EntityType.PERSON:
            continue
        j = bisect_right(starts, person.start) - 1
        start, end = lines[j]
        if person.end > end or j in found:
            continue
        if (end - start) - (person.end - person.start) > _MAX_NOISE:
            continue  # more on the line than signature marks; and no long line is re-read
        rest = full_text[start : person.start] + " " + full_text[person.end : end]
        if not _SIGNATURE_NOISE.sub("", rest).strip(" \t/,.*:"):
            found.add(j)
    return found


def _lines(full_text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer("\n", full_text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(full_text)))
    return spans


def _block(
    full_text: str,
    lines: list[tuple[int, int]],
    last: int,
    cut: int | None,
    person_lines: set[int],
) -> list[Candidate]:
    """The organisation lines ending at line ``last``, if a person's line is above them."""
    names: list[tuple[int, int]] = []
    evidence = False
    by_role = False
    for j in range(last, max(-1, last - _MAX_LINES - 1), -1):
        start, end = lines[j]
        if j == last and cut is not None:
            end = cut
        text = full_text[start:end]
        if j in person_lines or _is_person_line(full_text, lines, j) or _is_title_line(text):
            evidence = True
            by_role = _is_title_line(text) and j not in person_lines
            break
        if not _NAME_LINE.match(text) or len(names) == _MAX_LINES:
            break
        names.insert(0, (start + len(text) - len(text.lstrip()), start + len(text.rstrip())))
    if not evidence or not names:
        return []
    if by_role:
        # A role line may head the block ("Attorneys for Plaintiff", then a name): only names
        # that say they are organisations are taken below it.
        names = [(s, e) for s, e in names if _says_org(full_text[s:e])]
        if not names:
            return []
    return [
        _candidate(full_text, s, e) for s, e in _join(full_text, names) if _usable(full_text[s:e])
    ]


def _is_person_line(full_text: str, lines: list[tuple[int, int]], j: int) -> bool:
    text = full_text[lines[j][0] : lines[j][1]]
    if _EMAIL.search(text) or _HONORIFIC_LINE.match(text):
        return True
    if j + 1 < len(lines):
        below = full_text[lines[j + 1][0] : lines[j + 1][1]]
        return bool(_EMAIL.fullmatch(below.strip()))
    return False


def _is_title_line(text: str) -> bool:
    """``Senior Counsel``, ``Attorneys for Plaintiff``: the person's role, below the name."""
    words = _words(text)
    return bool(words) and all(w in _TITLE_WORDS for w in words)


def _says_org(text: str) -> bool:
    return _has_head(_words(text)) or _LEGAL_FORM_END.search(text) is not None


def _join(full_text: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a line to the next when together they are one name wrapped."""
    joined = [names[0]]
    for start, end in names[1:]:
        above = _words(full_text[joined[-1][0] : joined[-1][1]])
        below = _words(full_text[start:end])
        complete = _LEGAL_FORM_END.search(full_text[start:end]) is not None
        wrapped = above[-1] in _CONNECTORS or not _has_head(above) or not _has_head(below)
        if wrapped and not complete:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    if len(joined) > 1:
        # A line with no head word beside a named organisation is a fragment of another column.
        joined = [(s, e) for s, e in joined if _has_head(_words(full_text[s:e]))]
    return joined


def _words(text: str) -> list[str]:
    return [w.strip(".,'’").lower() for w in text.split()]


def _has_head(words: list[str]) -> bool:
    return any(w in ORG_WORDS for w in words)


def _usable(text: str) -> bool:
    words = set(_words(text))
    return bool(words - _GENERIC) and not words & _NOT_ORG and _words(text)[-1] not in _CONNECTORS


def _candidate(full_text: str, start: int, end: int) -> Candidate:
    name = display_name(" ".join(full_text[start:end].split()))
    return Candidate(start, end, EntityType.ORGANIZATION, BLOCK_CONFIDENCE, name)
