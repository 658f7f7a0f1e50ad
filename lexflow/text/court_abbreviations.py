"""Courts written as citation abbreviations (``D. Mass.``, ``Bankr. S.D. Tex.``, ``9th Cir.``).

The abbreviations come from Free Law Project's courts-db, the court list CourtListener and
eyecite use, rather than a list of our own. courts-db also has regular expressions for matching
a court *name*, written to classify a string already known to be a court; searched one by one
over a document, its 8,383 compiled patterns took 0.43 s to build and 0.13 s per 1,800-character
page (measured), so 2.6 s for 20 pages. Only the citation strings are used, as one alternation
built once (0.05 s) that searches 58,000 characters in 0.05 s.

Bare state abbreviations (``Mass.``, ``N.J.``, ``W. Va.``) are also the states' supreme courts'
citation strings; outside a citation parenthetical they are places, so they are left out.
"""

from __future__ import annotations

import functools
import re

from courts_db import courts

from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.normalize import word_set

ABBREVIATION_CONFIDENCE = 0.85
DOTLESS_CONFIDENCE = 0.8

# A citation string names a court, not a place, when it has one of these words in it.
_COURT_MARKERS = word_set(
    """Cir. D. Bankr. B.A.P. Ct. App. Cl. Super. Sup. Ch. Dist. Crim. Civ. Tax Fam. Cmwlth.
    Prob. Mun. Just. J.P.M.L. Int'l Trade Vet. Mil. Fed."""
)
# "S.D.N.Y.", "D.N.J.", "D.D.C."; never "D.C.", which is a place.
_GLUED_DISTRICT = re.compile(r"^(?:[NSEWMC]\.)?D\.(?:[A-Z]\.){1,3}$")
_DIRECTIONS = {"N": "Northern", "S": "Southern", "E": "Eastern", "W": "Western", "M": "Middle"}
_FEDERAL_DISTRICT = re.compile(
    r"^United States District Court for the (?P<dir>Northern|Southern|Eastern|Western|Middle"
    r"|Central) District of (?P<state>.+)$"
)
# The states with districts named by a direction.
_POSTAL = {
    "Alabama": "AL", "Arkansas": "AR", "California": "CA", "Florida": "FL", "Georgia": "GA",
    "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kentucky": "KY", "Louisiana": "LA",
    "Michigan": "MI", "Mississippi": "MS", "Missouri": "MO", "New York": "NY",
    "North Carolina": "NC", "Ohio": "OH", "Oklahoma": "OK", "Pennsylvania": "PA",
    "Tennessee": "TN", "Texas": "TX", "Virginia": "VA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI",
}  # fmt: skip
_DISTRICT_NAME = re.compile(
    r"^(?P<kind>District Court|United States Bankruptcy Court), (?:(?P<dir>[NSEWMC])\.)?\s?"
    r"(?:D\.|District of) (?P<state>.+)$"
)


def find_court_abbreviations(full_text: str) -> list[Candidate]:
    """Find courts cited by their courts-db citation string.

    Args:
        full_text: The document text.

    Returns:
        COURT candidates (0.85), normalised to the name ``find_courts`` gives the long form
        (``D. Mass.`` -> ``United States District Court for the District of Massachusetts``),
        or courts-db's own name for courts without a long-form rule.
    """
    pattern, names = _abbreviations()
    found: list[Candidate] = []
    for match in pattern.finditer(full_text):
        key = re.sub(r"\s+", "", match.group(0))
        found.append(
            Candidate(
                match.start(), match.end(), EntityType.COURT, ABBREVIATION_CONFIDENCE, names[key]
            )
        )
    dotless, dotless_names = _dotless_districts()
    for match in dotless.finditer(full_text):
        name = dotless_names[match.group(0)]
        found.append(
            Candidate(match.start(), match.end(), EntityType.COURT, DOTLESS_CONFIDENCE, name)
        )
    return found


@functools.cache
def _dotless_districts() -> tuple[re.Pattern[str], dict[str, str]]:
    """``SDNY``, ``EDPA``: a district with a direction and the state's postal code, in capitals.

    Only the four-letter forms: shorter ones (``DNJ``, ``DDC``) are as often other acronyms.
    """
    dotless: dict[str, str] = {}
    for court in courts:
        name = canonical_court_name(court)
        match = _FEDERAL_DISTRICT.match(name)
        if match and match.group("state") in _POSTAL:
            letters = f"{match.group('dir')[0]}D{_POSTAL[match.group('state')]}"
            dotless.setdefault(letters, name)
    body = "|".join(sorted(dotless, key=len, reverse=True))
    return re.compile(rf"(?<![\w.&-])(?:{body})(?![\w&-])"), dotless


@functools.cache
def _abbreviations() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every court citation string, and the canonical name of each."""
    names: dict[str, str] = {}
    written: dict[str, str] = {}
    for court in courts:
        citation = (court.get("citation_string") or "").strip()
        if citation and _names_a_court(citation):
            key = citation.replace(" ", "")
            names.setdefault(key, canonical_court_name(court))
            written.setdefault(key, citation)
    alternatives = sorted(written.values(), key=len, reverse=True)
    body = "|".join(_spacing_tolerant(a) for a in alternatives)
    return re.compile(rf"(?<![\w.])(?:{body})(?!\w)"), names


def _names_a_court(citation: str) -> bool:
    tokens = citation.split()
    if len(tokens) == 1:
        glued = sum(ch.isalpha() for ch in citation) >= 3 and _GLUED_DISTRICT.match(citation)
        return citation in _COURT_MARKERS or bool(glued)
    return any(t in _COURT_MARKERS for t in tokens)


def _spacing_tolerant(citation: str) -> str:
    """``S.D.N.Y.`` also as ``S. D. N. Y.``, ``9th Cir.`` also across a line break."""
    tokens = []
    for token in citation.split():
        pieces = [re.escape(piece) for piece in token.split(".")]
        if token.endswith("."):
            tokens.append(r"\.\s?".join(pieces[:-1]) + r"\.")
        else:
            tokens.append(r"\.\s?".join(pieces))
    return r"\s*".join(tokens)


def canonical_court_name(court: dict[str, object]) -> str:
    """Our spelling of a courts-db court: federal courts as ``find_courts`` writes them.

    Args:
        court: One courts-db record.

    Returns:
        For example ``United States Court of Appeals for the Ninth Circuit`` or ``United
        States Bankruptcy Court for the Southern District of Texas``; other courts keep
        courts-db's name.
    """
    name = str(court.get("name") or "").strip()
    if name.startswith("Court of Appeals for the"):
        return f"United States {name}"
    match = _DISTRICT_NAME.match(name)
    if court.get("system") == "federal" and match:
        kind = match.group("kind").removeprefix("United States ")
        direction = _DIRECTIONS.get(match.group("dir") or "", "")
        district = f"{direction} District" if direction else "District"
        return f"United States {kind} for the {district} of {match.group('state')}"
    return name
