"""Case and statute citations, found by eyecite.

eyecite finds the reporter citation (``347 U.S. 483``) and guesses the case name before it. The
mention we keep runs from the case name through the pin cite and the court/year parenthetical,
which we match ourselves: eyecite 2.7's post-citation pattern can run past a ``)`` into the next
citation and report that one's year. The normalised value is eyecite's corrected citation
(volume, reporter, page), so every reference to one case shares it whatever the pin cite.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from eyecite import get_citations, resolve_citations
from eyecite.models import (
    CitationBase,
    FullCaseCitation,
    FullLawCitation,
    Resource,
    ShortCaseCitation,
)
from reporters_db import CASE_NAME_ABBREVIATIONS, STATE_ABBREVIATIONS

from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.normalize import collapse_space
from lexflow.text.statutes import find_fallback_statutes, is_public_law

EYECITE_CONFIDENCE = 0.95
SHORT_CITE_CONFIDENCE = 0.85
BLOCK_CHARS = 10_000

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

_GLUED_VERSUS = re.compile(r"\b[A-Z][a-z]{2,}(?=v\.[ \t]+[A-Z])")
# Abbreviations that end in "v." ("Prov.", "Univ.", "Serv."), not a glued "Paul v.".
_NOT_GLUED = frozenset({"Pro", "Uni", "Ser", "Con", "Equi", "Gra"})
# A pin cite may be a star page: "2023 WL 128600, at *2".
# A slip opinion's pages are blanks: "563 U. S. ___, ___, and n. 4, ___, (2011)".
_PIN_CITE = re.compile(
    r",\s*(?:at\s+)?\*?\d+(?:\s*[-–]\s*\d+)?(?:\s*nn?\.\s*\d+)?(?![\w–-]|\s+[A-Z])"
    r"|,?[ \t]+_{2,}|,[ \t]*(?:and[ \t]+)?nn?\.[ \t]*\d+(?![\w–-])|,[ \t]*(?=\([^()]{0,50}\d\))"
)
_BLANK_PAGE = re.compile(r"[ \t]*_{2,}")
# The parenthetical may wrap a line: "(1st\nCir. Jan. 9, 2023)".
_COURT_YEAR = re.compile(r"\s*\([^();]{0,50}?\b(?:1[6-9]\d\d|20\d\d)\)")
# Words eyecite's case-name guess stops at: "Innova Hosp. San Antonio, L.P. v. ..." is read from
# "San Antonio" because "Hosp." looks like a sentence's end. Bluebook abbreviations (from
# reporters-db) and a state's abbreviation do not end a sentence in a case name.
_NAME_ABBREVIATIONS = frozenset(
    {*CASE_NAME_ABBREVIATIONS, *STATE_ABBREVIATIONS}
    | {k.replace("'", "") + ("" if k.endswith(".") else ".") for k in CASE_NAME_ABBREVIATIONS}
    | {"Assn.", "Sys.", "Bros.", "Cos.", "Tex.", "Ga.", "Co.", "L.P.", "N.A."}
)
_NAME_WORD_BEFORE = re.compile(
    r"(?:(?<=[ \t\n])|^)(?P<word>[A-Z][\w'’&-]*\.?|&|of|the|de|la|del|v\.|vs\.)"
    r"(?:[ \t]+|[ \t]*\n[ \t]*)$"
)
_LEGAL_FORM = re.compile(r"(?:L\.\s?L?\.?\s?P\.|Inc\.|LLC|L\.L\.C\.|Ltd\.|N\.A\.|Corp\.)")
_COMMA_BEFORE = re.compile(r"(?:(?<=[ \t\n])|^)[A-Z][\w'’&-]*,[ \t]+$")
_NOT_NAME_WORDS = frozenset(
    {"See", "Cf.", "But", "Accord", "Compare", "In", "Id.", "Also", "The", "This", "Under"}
)
_SUBSECTIONS = re.compile(r"(?:\([A-Za-z0-9]{1,4}\))+")
_CASE_NAME = re.compile(r"(?:\b|(?<=[a-z]))vs?\.\s|\bIn\s+re\b|\bEx\s+parte\b|\bMatter\s+of\b")
_LEADING_SIGNAL = re.compile(r"^(?:(?:See|also|Cf\.|E\.g\.,?|But|Accord|In|Compare|and)\s+)+")
# The name of a short form on the citation's line: "... can enforce. Qin, 2023 WL 128600".
_NAME_BEFORE = re.compile(
    r"(?<![\w'’.-])(?P<name>[A-Z][\w'’&-]+(?:[ \t]+[A-Z][\w'’&-]+){0,2}),[ \t]*$"
)
_NOT_A_PARTY = frozenset({"see", "cf", "also", "id", "ibid", "supra", "united states", "state"})
# A case cited by its docket rather than a reporter: "Roe, et al. v. Doe, Case Nos. 20-1, 20-2".
_CASE_WORD = r"(?:[A-Z][\w.'’&-]*|of|the|&)"
_DOCKET_PARTY = rf"[A-Z][\w.'’&-]*(?:[ \t]+{_CASE_WORD}){{0,6}}(?:,?\s+(?i:et[ \t]+al\.?))?"
_DOCKET_NUMBER = r"\d[\dA-Za-z]*[-:][\dA-Za-z]+(?:[-:][\dA-Za-z]+)*"
# The entry in the docket: "..., No. 20-16276, Docket Entry No 1", "ECF No. 40", "Dkt. 12".
_DOCKET_ENTRY = r",[ \t]*(?:Docket[ \t]+Entry|Dkt\.|ECF|Doc\.|Docket)[ \t]*(?:Nos?\.?)?[ \t]*\d+\b"
_DOCKET_CITATION = re.compile(
    rf"(?<![\w.&])(?P<name>{_DOCKET_PARTY}\s+(?i:v|vs)\.[ \t]+{_DOCKET_PARTY}),[ \t]*"
    rf"(?i:(?:Case|Appeal|Docket)[ \t]+)?(?i:Nos?\.)[ \t]*(?P<dockets>{_DOCKET_NUMBER}"
    rf"(?:(?:,|[ \t]*&|[ \t]+and)\s*(?:(?i:(?:Case[ \t]+)?No\.)[ \t]*)?{_DOCKET_NUMBER})*)"
    rf"(?![\w-])(?P<entry>{_DOCKET_ENTRY})?"
)
# A case cited by docket again by its first party: "Roe, No. 20-1, Docket Entry No 4".
_DOCKET_SHORT = re.compile(
    rf"(?<![\w.&])(?P<name>{_DOCKET_PARTY}),[ \t]*(?i:(?:Case|Appeal|Docket)[ \t]+)?"
    rf"(?i:Nos?\.)[ \t]*(?P<dockets>{_DOCKET_NUMBER})(?![\w-])(?P<entry>{_DOCKET_ENTRY})?"
)
_ET_AL = re.compile(r",?\s+(?i:et[ \t]+al\.?)$")
# A public-domain (neutral) citation, as many states adopt: "2019-NCSC-12", "2017-Ohio-1234",
# "2020-NMSC-012", "2019 IL 123456", "2019 IL App (1st) 123456", "2020 ND 12", "2018 UT 45",
# "2019 WI 7", with a paragraph pin cite ("¶ 25", ", ¶¶ 3-4").
_NEUTRAL = re.compile(
    r"(?<![\w-])(?P<cite>(?:19|20)\d\d(?:-(?:Ohio|NCSC|NCCOA|NMSC|NMCA|NMCERT)-\d{1,6}"
    r"|[ \t]+(?:IL(?:[ \t]+App[ \t]+\(\d(?:st|nd|rd|d|th)\))?|UT(?:[ \t]+App)?"
    r"|WI(?:[ \t]+App)?|CO(?:A)?|ND|SD|S\.D\.|MT|VT|ME|WY|OK(?:[ \t]+CIV[ \t]+APP)?|Ark\."
    r"(?:[ \t]+App\.)?|Guam|PA)[ \t]+\d{1,6}))(?![\w-])"
    r"(?:,?\s*¶¶?\s*\d+(?:\s*[-–]\s*\d+)?(?![\w-]))?"
)
_LEADING_ROLE = re.compile(
    r"(?:(?:Plaintiffs?|Defendants?|Petitioners?|Respondents?|Appellants?|Appellees?)\s+)+"
)
# Between a reporter citation and the neutral citation it is a parallel of: ", ".
_PARALLEL_GAP = re.compile(r",\s*\Z")
# The case name before a neutral citation: "Roe v. Doe, ", "Acme Widgets, LLC, ".
_NEUTRAL_NAME = re.compile(
    r"(?<![\w'’.-])(?P<name>[A-Z][\w'’&.-]*(?:(?:,?[ \t]+|[ \t]*\n[ \t]*)"
    r"(?:[A-Z][\w'’&.-]*|of|the|de|la|v\.|vs\.|&))*),\s*\Z"
)
DOCKET_CITATION_CONFIDENCE = 0.8
_SUBJECT_LINE = re.compile(r"[ \t]*(?i:Re|RE|In\s+re|Subject)[ \t]*:[ \t]*$")
_SHORT_NAME = re.compile(r"[A-Z][\w'’.&-]*(?:\s+(?:[A-Z][\w'’.&-]*|of|the|&))*$")


@dataclass(frozen=True, slots=True)
class _Respaced:
    """The text with a space put back into ``Paulv. Jones``, and the way back to true offsets."""

    text: str
    inserted: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> _Respaced:
        cuts = [m.end() for m in _GLUED_VERSUS.finditer(text) if m.group(0) not in _NOT_GLUED]
        parts, inserted, last = [], [], 0
        for n, cut in enumerate(cuts):
            parts.append(text[last:cut])
            inserted.append(cut + n)
            last = cut
        parts.append(text[last:])
        return cls(" ".join(parts), tuple(inserted))

    def original(self, offset: int) -> int:
        return offset - bisect_left(self.inserted, offset)

    def span(self, base: int, citation: CitationBase) -> tuple[int, int]:
        """A citation's span in the original text, for eyecite run on a block at ``base``."""
        start, end = citation.span()
        return self.original(base + start), self.original(base + end)


def find_citations(full_text: str) -> list[Candidate]:
    """Find full case citations, short case citations that resolve to one, and statutes.

    Args:
        full_text: The document text.

    Returns:
        CASE_CITATION candidates (0.95; 0.85 for a short form such as ``Smith, 12 F.4th at
        350``) and STATUTE candidates (0.95 from eyecite; 0.8-0.85 for the forms eyecite 2.7
        misses, from ``lexflow.text.statutes``).
    """
    respaced = _Respaced.of(full_text)
    located = _located_citations(respaced.text)
    found = _case_citations(full_text, respaced, located)
    found += _short_case_citations(full_text, respaced, located)
    for base, citation in located:
        if isinstance(citation, FullLawCitation) and not is_public_law(citation.matched_text()):
            found.append(_statute(full_text, respaced.span(base, citation), citation))
    found = _neutral_citations(full_text, found)
    return found + _docket_citations(full_text) + find_fallback_statutes(full_text)


def _neutral_citations(full_text: str, found: list[Candidate]) -> list[Candidate]:
    """Public-domain citations eyecite does not know: ``2019-NCSC-12, ¶ 4``, ``2018 UT 45``.

    The case name before one is in the mention, as is a reporter citation it is a parallel of
    (``Roe, LLC, 377 N.C. 391, 2021-NCSC-57, ¶ 23``); normalised to the neutral citation.
    """
    cases = sorted(
        (c for c in found if c.entity_type is EntityType.CASE_CITATION), key=lambda c: c.end
    )
    ends = {c.end: c for c in cases}
    result = list(found)
    for match in _NEUTRAL.finditer(full_text):
        value = collapse_space(match.group("cite"))
        start = match.start()
        line_start = full_text.rfind("\n", 0, start) + 1
        line_end = full_text.find("\n", match.end())
        if (
            not full_text[line_start:start].strip()
            and not full_text[match.end() : line_end if line_end >= 0 else None].strip()
        ):
            continue  # alone on its line: the opinion's own citation in its running header
        before = _PARALLEL_GAP.search(full_text, max(0, start - 4), start)
        parallel = ends.get(before.start()) if before else None
        if parallel is not None:
            result.remove(parallel)
            start = parallel.start
            value = parallel.normalized or value
        name = _NEUTRAL_NAME.search(full_text, max(0, start - 150), start)
        if name is not None and full_text[start].isdigit():
            name_start = name.start("name")
            breaks = [m.start() for m in re.finditer("\n", full_text[name_start:start])]
            if len(breaks) > 1:  # a case name wraps one line end, never two
                name_start += breaks[-2] + 1
                name_start = len(full_text) - len(full_text[name_start:].lstrip())
            if signal := _LEADING_SIGNAL.match(full_text, name_start, start):
                name_start = signal.end()
            if role := _LEADING_ROLE.match(full_text, name_start, start):
                name_start = role.end()  # a caption's "Plaintiff" on the line above
            if name_start < start and full_text[name_start].isupper():
                start = name_start
        confidence = parallel.confidence if parallel else SHORT_CITE_CONFIDENCE
        result.append(Candidate(start, match.end(), EntityType.CASE_CITATION, confidence, value))
    return result


def _docket_citations(full_text: str) -> list[Candidate]:
    """Cases cited by name and docket number; normalised to ``No. 20-1, 20-2``."""
    found: list[Candidate] = []
    parties: set[str] = set()
    for match in _DOCKET_CITATION.finditer(full_text):
        line_start = full_text.rfind("\n", 0, match.start()) + 1
        if _SUBJECT_LINE.match(full_text, line_start, match.start()):
            # "Re: Roe v. Doe, No. 22-1" is the letter's own case, named by its parties.
            continue
        start = match.start()
        if signal := _LEADING_SIGNAL.match(full_text, start, match.end("name")):
            start = signal.end()
        dockets = re.findall(_DOCKET_NUMBER, match.group("dockets"))
        value = f"No{'s' if len(dockets) > 1 else ''}. {', '.join(d.upper() for d in dockets)}"
        found.append(
            Candidate(
                start,
                match.end(),
                EntityType.CASE_CITATION,
                DOCKET_CITATION_CONFIDENCE,
                value,
            )
        )
        plaintiff = re.split(r"\s+(?i:v|vs)\.[ \t]", full_text[start : match.end("name")])[0]
        parties.add(_ET_AL.sub("", plaintiff))
    for match in _DOCKET_SHORT.finditer(full_text):
        name = match.group("name")
        words = list(re.finditer(r"\S+", name))
        # "And Roe, No. 20-1": the party may follow a sentence's first word.
        cut = next((w.start() for w in words if name[w.start() :] in parties), None)
        if cut is None or match.start() < found[0].start:
            continue
        value = f"No. {match.group('dockets').upper()}"
        found.append(
            Candidate(
                match.start() + cut,
                match.end(),
                EntityType.CASE_CITATION,
                DOCKET_CITATION_CONFIDENCE,
                value,
            )
        )
    return found


def _located_citations(text: str) -> list[tuple[int, CitationBase]]:
    """eyecite's citations with the offset of the block they were found in.

    eyecite looks for reference citations across its whole input once per full citation, so a
    long document costs quadratic time; citations never cross a blank line, so blocks of
    paragraphs give the same citations in linear time.
    """
    located: list[tuple[int, CitationBase]] = []
    for base, block in _blocks(text):
        # eyecite's reporter patterns want a space between the reporter and the page; a line
        # break there ("258 U. S.\n574") hides the citation. A space keeps every offset.
        located.extend((base, citation) for citation in get_citations(block.replace("\n", " ")))
    return located


def _blocks(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if match.start() - start >= BLOCK_CHARS:
            yield start, text[start : match.start()]
            start = match.start()
    yield start, text[start:]


def _case_citations(
    full_text: str, respaced: _Respaced, located: list[tuple[int, CitationBase]]
) -> list[Candidate]:
    found: list[Candidate] = []
    earlier: dict[str, str] = {}
    previous_name: tuple[int, int] | None = None
    for base, citation in located:
        if not isinstance(citation, FullCaseCitation):
            continue
        cite_start, cite_end = respaced.span(base, citation)
        end = _after_citation(full_text, cite_end)
        name = None if citation.full_span_start is None else (base, citation.full_span_start)
        if found and name is not None and name == previous_name and _follows(full_text, found):
            # "347 U.S. 483, 74 S. Ct. 686 (1954)": one mention for the case, named by the first.
            last = found.pop()
            found.append(
                Candidate(last.start, end, last.entity_type, last.confidence, last.normalized)
            )
        else:
            start = _case_name_start(full_text, respaced, base, citation, cite_start)
            normalized = collapse_space(citation.corrected_citation())
            confidence = EYECITE_CONFIDENCE
            if start == cite_start:
                start = _repeated_name_start(full_text, cite_start, earlier.get(normalized, ""))
                confidence = EYECITE_CONFIDENCE if start == cite_start else SHORT_CITE_CONFIDENCE
            found.append(Candidate(start, end, EntityType.CASE_CITATION, confidence, normalized))
            earlier.setdefault(normalized, full_text[found[-1].start : found[-1].end])
        previous_name = name
    return found


def _repeated_name_start(full_text: str, cite_start: int, earlier: str) -> int:
    """``Qin, 2023 WL 128600, at *2`` after ``United States v. Qin, ... 2023 WL 128600``.

    A citation eyecite reads as full (a WL cite has no short form) is a short form when the
    name before it is a party's name in the document's earlier mention of the same case.
    """
    before = _NAME_BEFORE.search(full_text, max(0, cite_start - 80), cite_start)
    if before is None or not earlier:
        return cite_start
    name = before.group("name")
    party = rf"(?<![\w'’-]){re.escape(name)}(?![\w'’-])"
    if name.lower() in _NOT_A_PARTY or not re.search(party, earlier[: earlier.find(",")]):
        return cite_start
    return before.start("name")


def _follows(full_text: str, found: list[Candidate]) -> bool:
    """Whether the next reporter citation comes straight after the last one, as parallels do."""
    return full_text[found[-1].end : found[-1].end + 3].startswith(",")


def _case_name_start(
    full_text: str, respaced: _Respaced, base: int, citation: FullCaseCitation, cite_start: int
) -> int:
    """Where the case name before a reporter citation starts, or the citation itself."""
    if citation.full_span_start is None:
        return cite_start
    eyecite_start = respaced.original(base + citation.full_span_start)
    start = _name_back(full_text, eyecite_start)
    segment = full_text[start:cite_start]
    if not 0 < len(segment) <= 200 or "\n\n" in segment or not _CASE_NAME.search(segment):
        return cite_start
    metadata = citation.metadata
    party = metadata.plaintiff or metadata.defendant
    found_at = segment.find(party) if party else -1
    if found_at >= 0:
        found_at = start + found_at
        return _name_back(full_text, found_at) if found_at <= eyecite_start else found_at
    signal = _LEADING_SIGNAL.match(segment)
    return start + (signal.end() if signal else 0)


def _name_back(full_text: str, start: int) -> int:
    """Move a case name's start back over the words eyecite's guess cut at an abbreviation."""
    line_start = max(full_text.rfind("\n\n", 0, start) + 2, start - 120)
    while start > line_start:
        # "Dallas, L.P. v.": the comma before a legal form is in the name
        comma = _LEGAL_FORM.match(full_text, start) and _COMMA_BEFORE.search(
            full_text, line_start, start
        )
        if comma:
            start = comma.start()
        match = _NAME_WORD_BEFORE.search(full_text, line_start, start)
        if match is None:
            break
        word = match.group("word")
        if word in _NOT_NAME_WORDS:
            break
        # A word ending a sentence (not an initial, an abbreviation or "v.") ends the name.
        if word.endswith(".") and len(word) > 2 and word not in _NAME_ABBREVIATIONS:
            break
        start = match.start()
    return start


def _after_citation(full_text: str, pos: int) -> int:
    """Extend a reporter citation over its pin cites and its court/year parenthetical."""
    while match := _PIN_CITE.match(full_text, pos):
        pos = match.end()
    match = _COURT_YEAR.match(full_text, pos)
    return match.end() if match else pos


def _short_case_citations(
    full_text: str, respaced: _Respaced, located: list[tuple[int, CitationBase]]
) -> list[Candidate]:
    base_of = {id(citation): base for base, citation in located}
    found: list[Candidate] = []
    for resource, cites in resolve_citations([c for _, c in located]).items():
        if not isinstance(resource, Resource):
            continue
        if not isinstance(resource.citation, FullCaseCitation):
            continue
        normalized = collapse_space(resource.citation.corrected_citation())
        for cite in cites:
            if not isinstance(cite, ShortCaseCitation):
                continue
            start, end = respaced.span(base_of[id(cite)], cite)
            antecedent = _short_name(cite.metadata.antecedent_guess or "")
            name_at = _name_before(full_text, antecedent, start)
            if name_at >= 0 and "\n\n" not in full_text[name_at:start]:
                start = name_at
            found.append(
                Candidate(start, end, EntityType.CASE_CITATION, SHORT_CITE_CONFIDENCE, normalized)
            )
    return found


def _name_before(full_text: str, name: str, start: int) -> int:
    """Where ``name`` ends right before a short form, even over a line end, or -1."""
    if not name:
        return -1
    words = r"\s+".join(re.escape(word) for word in name.split())
    match = re.compile(rf"(?<![\w'’-]){words},?\s*\Z").search(full_text, max(0, start - 90), start)
    if match:
        return match.start()
    found_at = full_text.rfind(name, max(0, start - 80), start)
    return found_at if found_at >= 0 and "\n" not in full_text[found_at:start] else -1


def _short_name(antecedent: str) -> str:
    """The case name that ends eyecite's antecedent guess, which may start sentences earlier."""
    match = _SHORT_NAME.search(antecedent)
    return match.group(0) if match else ""


def _statute(full_text: str, span: tuple[int, int], citation: FullLawCitation) -> Candidate:
    start, end = span
    if "subject" in citation.groups:
        # eyecite's correction drops the subject: "Cal. Civ. Code" would become "Cal. Code".
        base = citation.matched_text()
    else:
        base = citation.corrected_citation()
    subsections = _SUBSECTIONS.match(full_text, end)
    if subsections:
        end = subsections.end()
        base += subsections.group(0)
    return Candidate(start, end, EntityType.STATUTE, EYECITE_CONFIDENCE, _tidy_statute(base))


def _tidy_statute(text: str) -> str:
    return re.sub(r"(§+)\s*", r"\1 ", collapse_space(text))
