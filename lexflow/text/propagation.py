"""Second pass: find later, shorter references to the people and organisations already found.

Legal prose introduces a party once in full (``Acme Corporation ("Acme")``, ``Plaintiff John
Smith``) and then says ``Acme``, ``Smith`` or ``IBM``. Those short forms are only taken when the
first pass has seen the full name, which keeps a bare capitalised word from being a guess.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from typing import TypeVar

from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.name_keys import acronyms, org_core, org_key, person_name
from lexflow.text.names import LEADING_NOISE, NAME_END, NAME_WORD, ORG_WORDS
from lexflow.text.normalize import word_set

_V = TypeVar("_V")

DEFINED_TERM_CONFIDENCE = 0.75
REPEATED_NAME_CONFIDENCE = 0.7
SHORT_ORG_CONFIDENCE = 0.65
SURNAME_CONFIDENCE = 0.6

_DEFINITION = re.compile(
    r"(?:['’]s?)?\s*,?\s*\(\s*(?:(?i:hereinafter(?:\s+referred\s+to\s+as)?|collectively|together"
    r"|individually),?\s*)?(?:(?i:the)\s+)?[\"“](?P<body>[^()\n]{1,120}?)\)"
)
# "Acme Regional Water District (Acme)": an unquoted alias that is a word of the name.
_BARE_ALIAS = re.compile(r"['’]?s?\s*\(\s*(?P<alias>[A-Z][A-Za-z&.\-]{1,30})\s*\)")
_QUOTED = re.compile(r"[\"“](?P<alias>[A-Z][^\"“”\n]{0,40}?)[\"”]")
# Role words name whoever the document makes them; mapping them to one party would be a guess.
_GENERIC_ALIASES = word_set(
    """plaintiff plaintiffs defendant defendants party parties court complaint agreement action
    petitioner respondent debtor debtors"""
)

# A place's or a government's kind defined as its short name names no one in particular.
_PLACE_WORDS = word_set(
    """city county town village township borough parish state commonwealth municipality
    government"""
)


def propagate_names(full_text: str, found: Sequence[Candidate]) -> list[Candidate]:
    """Find defined terms, repeated full names, surnames, short company names and acronyms.

    Args:
        full_text: The document text.
        found: First-pass candidates after overlap resolution.

    Returns:
        New PERSON and ORGANIZATION candidates; they may overlap ``found`` (the caller resolves
        overlaps again, and the longer first-pass mention wins).
    """
    people = [c for c in found if c.entity_type is EntityType.PERSON and c.normalized]
    orgs = [c for c in found if c.entity_type is EntityType.ORGANIZATION and c.normalized]
    return [
        *_defined_terms(full_text, [*people, *orgs]),
        *_repeated_people(full_text, people),
        *_short_org_names(full_text, orgs),
    ]


def _defined_terms(full_text: str, named: Sequence[Candidate]) -> Iterator[Candidate]:
    """``Acme Corporation ("Acme")``: every later ``Acme`` is Acme Corporation."""
    terms: dict[str, Candidate] = {}
    for candidate in sorted(named, key=lambda c: c.start):
        definition = _DEFINITION.match(full_text, candidate.end)
        bare = _BARE_ALIAS.match(full_text, candidate.end)
        if bare and candidate.entity_type is EntityType.ORGANIZATION:
            alias = bare.group("alias")
            if alias in (candidate.normalized or "").split() and alias.lower() not in ORG_WORDS:
                terms.setdefault(alias, candidate)
        if definition is None:
            continue
        body = full_text[definition.start("body") - 1 : definition.end("body")]
        for quoted in _QUOTED.finditer(body):
            alias = quoted.group("alias").strip()
            if alias.lower() in _GENERIC_ALIASES:
                continue
            if candidate.entity_type is EntityType.ORGANIZATION and alias.lower() in _PLACE_WORDS:
                continue  # "City of Lyle (the “City”)": a common noun, a generic reference
            terms.setdefault(alias, candidate)
    _distant_definitions(full_text, named, terms)
    for match, owner in _occurrences(full_text, terms):
        yield Candidate(
            match.start(),
            match.end(),
            owner.entity_type,
            DEFINED_TERM_CONFIDENCE,
            owner.normalized,
        )


# A definition the layout parted from its name (a footnote or a page header between them):
# ``Acme Mutual Life Insurance Company`` ... ``(“Acme”)``. Looked for this far back.
DISTANT_DEFINITION_CHARS = 1500
_STANDALONE_DEFINITION = re.compile(r"\([ \t]*[\"“](?P<alias>[A-Z][\w&.'’-]{1,30})[\"”][ \t]*\)")


def _distant_definitions(
    full_text: str, named: Sequence[Candidate], terms: dict[str, Candidate]
) -> None:
    """``(“Acme”)`` with no name before it defines the nearest earlier name holding that word."""
    ordered = sorted(
        (c for c in named if c.entity_type is EntityType.ORGANIZATION), key=lambda c: c.end
    )
    ends = [c.end for c in ordered]
    for match in _STANDALONE_DEFINITION.finditer(full_text):
        alias = match.group("alias")
        if alias in terms or alias.lower() in _GENERIC_ALIASES or alias.lower() in ORG_WORDS:
            continue
        for index in range(bisect_right(ends, match.start()) - 1, -1, -1):
            candidate = ordered[index]
            if match.start() - candidate.end > DISTANT_DEFINITION_CHARS:
                break
            words = (candidate.normalized or "").split()
            if words and words[0] == alias:
                terms[alias] = candidate
                break


def _repeated_people(full_text: str, people: Sequence[Candidate]) -> Iterator[Candidate]:
    full_names: dict[str, str] = {}
    initials: dict[str, set[str | None]] = {}
    surname_forms: dict[str, str] = {}
    for candidate in people:
        name = candidate.normalized or ""
        parts = person_name(name)
        if parts is None or len(parts.last) < 3 or parts.last in ORG_WORDS:
            continue
        if parts.first is not None:
            full_names[name] = name
        initials.setdefault(parts.last, set()).add(parts.initial)
        surname = name.split()[-1] if parts.first is None else _surname_as_written(name)
        surname_forms[surname] = parts.last
    for match, name in _occurrences(full_text, full_names):
        yield Candidate(
            match.start(), match.end(), EntityType.PERSON, REPEATED_NAME_CONFIDENCE, name
        )
    yield from _surnames(full_text, surname_forms, initials)


def _surname_as_written(name: str) -> str:
    words = [w for w in name.split() if w.strip(",.").lower() not in {"jr", "sr", "ii", "iii"}]
    if len(words) > 2 and words[-2] in ("St.", "Ste."):
        return f"{words[-2]} {words[-1].strip(',')}"  # "Vanessa St. Pierre" is Ms. St. Pierre
    return words[-1].strip(",")


def _surnames(
    full_text: str, forms: Mapping[str, str], initials: Mapping[str, set[str | None]]
) -> Iterator[Candidate]:
    """A bare known surname, or a new first name before it (``Jane Smith`` beside John Smith)."""
    if not forms:
        return
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    pattern = re.compile(
        rf"(?<![\w.'’-])(?:(?P<first>(?:{NAME_WORD}[ \t]+)?(?:{NAME_WORD}|[A-Z]\.))[ \t]+)?"
        rf"(?P<last>{alternatives})" + NAME_END
    )
    noise = LEADING_NOISE | ORG_WORDS
    for match in pattern.finditer(full_text):
        last = forms[match.group("last")]
        # Every given name is taken ("Reginald Ashton Williamson", not "Ashton Williamson")
        # once a leading word that is no name ("The", "Bank") is dropped.
        given = [w for w in re.finditer(r"\S+", match.group("first") or "")]
        while given and given[0].group(0).strip(".").lower() in noise:
            given.pop(0)
        if given and not any(w.group(0).strip(".").lower() in noise for w in given):
            start = match.start("first") + given[0].start()
            first = match.group("first")[given[0].start() :]
            if _starts_sentence(full_text, start) and len(given[0].group(0)) > 2:
                continue
            name = f"{' '.join(first.split())} {match.group('last')}"
            yield Candidate(start, match.end(), EntityType.PERSON, SURNAME_CONFIDENCE, name)
        elif len({i for i in initials[last] if i is not None}) <= 1:
            yield Candidate(
                match.start("last"),
                match.end(),
                EntityType.PERSON,
                SURNAME_CONFIDENCE,
                match.group("last"),
            )


def _starts_sentence(full_text: str, pos: int) -> bool:
    """A capitalised word after a full stop may be any word, not a given name."""
    before = full_text[max(0, pos - 3) : pos].rstrip(" \t")
    return before.endswith((".", "!", "?"))


def _short_org_names(full_text: str, orgs: Sequence[Candidate]) -> Iterator[Candidate]:
    """``Acme`` after ``Acme Corporation``; ``IBM`` after ``International Business Machines``."""
    forms: dict[str, str] = {}
    for candidate in orgs:
        name = candidate.normalized or ""
        core = org_core(name)
        if core != name and _usable_short_form(core):
            forms.setdefault(core, core)
        for acronym in acronyms(name):
            forms.setdefault(acronym, acronym)
    for match, value in _occurrences(full_text, forms):
        if _PLACE_WORD_AFTER.match(full_text, match.end()):
            continue  # "Any Company", then "23 Any Street": a street's name, not the company
        yield Candidate(
            match.start(), match.end(), EntityType.ORGANIZATION, SHORT_ORG_CONFIDENCE, value
        )


_PLACE_WORD_AFTER = re.compile(
    r"[ \t]+(?i:street|st\.|avenue|ave\.|road|rd\.|drive|lane|boulevard|blvd\.|way|town|city"
    r"|county|plaza|square|park)(?![\w'’-])"
)


def _usable_short_form(core: str) -> bool:
    key = org_key(core)
    return len(key) >= 3 and key not in LEADING_NOISE and key not in ORG_WORDS


def _occurrences(full_text: str, forms: Mapping[str, _V]) -> Iterator[tuple[re.Match[str], _V]]:
    """Whole-word occurrences of each form as written or in upper case, longest form first."""
    variants: dict[str, str] = {}
    for form in forms:
        variants.setdefault(_canon(form), form)
        variants.setdefault(_canon(form.upper()), form)
    if not variants:
        return
    pattern = re.compile(
        r"(?<![\w'’-])(?:"
        + "|".join(_spaced(v) for v in sorted(variants, key=len, reverse=True))
        + ")"
        + NAME_END
    )
    for match in pattern.finditer(full_text):
        yield match, forms[variants[_canon(match.group(0))]]


def _canon(text: str) -> str:
    return " ".join(text.split())


def _spaced(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split())
