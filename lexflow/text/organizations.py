"""Organisations: companies by their legal form, firms, public bodies, agencies by acronym, lists.

The name patterns they share with people and caption parties live in ``names``.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from lexflow.text.courts import STATES
from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.names import (
    LEGAL_FORM,
    ORG_WORD,
    PLACES,
    looks_like_person,
    org_candidate,
    title_or_upper,
    trim_leading_noise,
)
from lexflow.text.normalize import collapse_space, word_set

# A name may wrap onto the next line ("First\nChurch of Waterville"); ``_wrapped_start`` keeps
# the wrap only after "&" ("KILPATRICK TOWNSEND &\nSTOCKTON LLP") or when the name starts mid-line.
WRAP_LINE_CHARS = 40
_ORG_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
# "for" is not taken inside: "Jane Roe for North Carolina Association" is a person and a name.
_ORG_NAME = rf"{ORG_WORD}(?:{_ORG_GAP}(?:(?i:of|the|de|du){_ORG_GAP})*{ORG_WORD}){{0,7}}"
# Only a legal form may follow a comma: "City of New York, Bank of America" is two names.
_ORG_NOUN = (
    title_or_upper(
        "Bank Trust University Association Foundation Partners Holdings Church Chapel Fellowship "
        "Society Institute Board Committee Council Commission Authority"
    )
    # "Tarrant Regional Water District", never "United States District Court" or "District of".
    + r"|(?:District|DISTRICT)(?!\s+(?i:Court|of)\b)"
)
_SUFFIXED_ORG = re.compile(
    rf"(?<![\w.&])(?P<name>{_ORG_NAME})(?:,?{_ORG_GAP}(?:{LEGAL_FORM})|{_ORG_GAP}(?:{_ORG_NOUN}))"
    r"(?![\w&])"
)
# Law firms list their partners' names with commas: "Grace, Tisdale, Clifton, P.A.". Only a
# professional form ends one, and each name is one word, so "Acme, Beta Corp." stays two names.
_FIRM_NAME = r"(?:[A-Z][a-z]+(?:[A-Z][a-z]+)?|[A-Z]{2,})(?:[ \t]+&[ \t]+(?:[A-Z][a-z]+|[A-Z]{2,}))?"
_FIRM = re.compile(
    rf"(?<![\w.&])(?P<name>{_FIRM_NAME}(?:,{_ORG_GAP}{_FIRM_NAME}){{1,4}}),"
    rf"{_ORG_GAP}(?:{title_or_upper('P.A. P.C. LLP L.L.P. PLLC P.L.L.C.')})(?![\w&])"
)
# A list of names: "Faith Bible Church, Hosanna Church, Machias Valley Baptist, and Stetson".
_LIST_WORD = r"(?:St\.|Mt\.|[A-Z][A-Za-z'’\-]*)"
_LIST_ITEM = rf"{_LIST_WORD}(?:{_ORG_GAP}(?:(?:of|the|de){_ORG_GAP})*{_LIST_WORD}){{0,6}}"
_LIST_SEPARATOR = rf",{_ORG_GAP}(?:and{_ORG_GAP})?"
_NAME_LIST = re.compile(rf"(?<![\w.&])(?:{_LIST_ITEM}{_LIST_SEPARATOR}){{2,}}{_LIST_ITEM}(?![\w&])")
_LIST_ITEM_RE = re.compile(_LIST_ITEM)
# A trade name: "Acme Holdings, Inc. dba Acme Online Services" names a second organisation.
_TRADE_NAME = re.compile(
    rf"(?<![\w/])(?i:dba|d/b/a|doing[ \t]+business[ \t]+as)[ \t]*\n?[ \t]*(?P<name>{_ORG_NAME})"
)
_POSSESSIVE_END = re.compile(r"['’]s?$")
LIST_CONFIDENCE = 0.7
_PREFIXED_ORG = re.compile(
    rf"(?<![\w.&])(?P<name>(?:{ORG_WORD}{_ORG_GAP}){{0,3}}(?P<anchor>(?i:Department|Dep't|Dept\."
    rf"|Office|Bureau|Board|Commission|Agency|University|Bank|City|County|Town|Village|Church"
    rf"|Chapel|Association|Society|Institute)){_ORG_GAP}(?i:of){_ORG_GAP}(?:(?i:the){_ORG_GAP})?"
    rf"{ORG_WORD}(?:{_ORG_GAP}(?:(?:and|&|of|the){_ORG_GAP})?{ORG_WORD}){{0,4}})"
    r"(?![\w&])"
)
# A caption's party role after a name: "..., U.S. Department of Labor Respondents".
_PARTY_ROLE_END = re.compile(
    r"\s+(?i:Plaintiffs?|Defendants?|Petitioners?|Respondents?|Appellants?|Appellees?"
    r"|Intervenors?|Movants?|Claimants?)(?:[ \t]*[-–][ \t]*(?i:Appellants?|Appellees?))?$"
)
_STATE_NAME = "|".join(
    form.replace(" ", r"[ \t]+")
    for s in sorted(STATES, key=len, reverse=True)
    for form in (s, s.upper())
)
# A state as a party or government: "State of Maine", "STATE OF MISSOURI".
_STATE_PARTY = re.compile(
    rf"\b(?:State|STATE|Commonwealth|COMMONWEALTH)[ \t]+(?:of|OF)[ \t]+(?:{_STATE_NAME})\b"
)
# The national legislature, capitalised: "Congress approved", "Congress’ role"; a numbered one
# ("the 81st Congress") is a term of it, and "Congress of Industrial Organizations" is another.
_CONGRESS = re.compile(
    r"(?<![\w.'’-])(?:(?:United[ \t]+States|U\.S\.)[ \t]+)?Congress(?![\w-])"
    r"(?![ \t]+of[ \t]+(?!the[ \t]+United[ \t]+States))"
    r"(?:[ \t]+of[ \t]+the[ \t]+United[ \t]+States)?"
)
_ORDINAL_BEFORE = re.compile(r"\d(?:st|nd|rd|th|d)[ \t]+\Z")
# "Eastern District", "Fifth Judicial District": a court's division or a district's number.
_JOINED_BEFORE = re.compile(r"(?<![\w.&'’-])[A-Z][a-z]+[ \t]+(?:and|&)[ \t]+$")
_BODY_HEAD = re.compile(r"(?i:Commission|Committee|Council|Board|Authority)$")
_DIRECTIONS = word_set(
    """northern southern eastern western middle central the judicial congressional federal
    first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"""
)


def find_organizations(full_text: str) -> list[Candidate]:
    """Find organisations named with a corporate suffix or an agency/municipal prefix.

    Args:
        full_text: The document text.

    Returns:
        ORGANIZATION candidates: 0.85 for a suffix (``Acme Corporation``), 0.8 for a prefix
        (``Department of Justice``, ``City of New York``).
    """
    found: list[Candidate] = []
    for match in _SUFFIXED_ORG.finditer(full_text):
        span = _org_span(full_text, match, _SUFFIXED_ORG, match.end())
        name = full_text[span[0] : match.end("name")] if span else ""
        if span and not _is_description(name) and not _is_division(name):
            # "Securities and Exchange Commission": a public body's name may join two words.
            joined = _JOINED_BEFORE.search(full_text, max(0, span[0] - 60), span[0])
            if joined and _BODY_HEAD.search(full_text, span[0], span[1]):
                span = (joined.start(), span[1])
            found.append(org_candidate(full_text, *span, 0.85))
    for match in _FIRM.finditer(full_text):
        if span := _org_span(full_text, match, _FIRM, match.end()):
            found.append(org_candidate(full_text, *span, 0.85))
    for match in _TRADE_NAME.finditer(full_text):
        start, end = match.start("name"), match.end("name")
        if possessive := _POSSESSIVE_END.search(full_text, start, end):
            end = possessive.start()
        if re.match(r"(?i:Case|Civil|No)\b", full_text[start:end]):
            continue  # a caption's other column: "Acme, Inc. dba\nCase No. 1:23-cv-1"
        if len(full_text[start:end].split()) <= 6:
            found.append(org_candidate(full_text, start, end, 0.8))
    for match in _STATE_PARTY.finditer(full_text):
        found.append(org_candidate(full_text, match.start(), match.end(), 0.7))
    for match in _CONGRESS.finditer(full_text):
        if not _ORDINAL_BEFORE.search(full_text, max(0, match.start() - 12), match.start()):
            found.append(
                Candidate(
                    match.start(),
                    match.end(),
                    EntityType.ORGANIZATION,
                    0.8,
                    "United States Congress",
                )
            )
    for match in _PREFIXED_ORG.finditer(full_text):
        if span := _org_span(full_text, match, _PREFIXED_ORG, match.end("anchor")):
            found.append(org_candidate(full_text, *span, 0.8))
    found += _acronym_organizations(full_text)
    for match in _COUNSEL_GROUP.finditer(full_text):
        found.append(org_candidate(full_text, match.start(), match.end(), 0.7))
    for match in _GLUED_COMPANY.finditer(full_text):
        found.append(org_candidate(full_text, match.start(), match.end(), GLUED_COMPANY_CONFIDENCE))
    return found + _listed_organizations(full_text, found)


# A side's group of lawyers: "Plaintiffs' Steering Committee", "Defense Leadership Team".
_COUNSEL_GROUP = re.compile(
    r"(?<![\w'’-])(?:Plaintiffs?['’]?|Defendants?['’]?|Defense)[ \t]+(?:[A-Z][a-z]+[ \t]+){1,3}"
    r"(?:Team|Committee)(?![\w'’-])"
)


# A company name written as one camel-case word ending in a head word: "BrightCompany".
_GLUED_COMPANY = re.compile(
    r"(?<![\w'’&.-])[A-Z][a-z]{2,}(?:Company|Corp|Corporation|Bank|Group|Holdings|Industries"
    r"|Systems|Technologies|Solutions|Partners|Enterprises)(?![\w'’&-])"
)
GLUED_COMPANY_CONFIDENCE = 0.6


# An acronym defined after a name: "U.S. Bureau of Land Management (“BLM”)".
_ACRONYM_DEFINED = re.compile(r"\((?:the[ \t]+)?[\"“](?P<acronym>[A-Z]{2,6})[\"”]\)")
_NAME_TOKEN = re.compile(r"[A-Z][\w'’.-]*|and|of|for|the|on|&")
_ACRONYM_JOINERS = frozenset({"and", "of", "for", "the", "on", "&"})
_NOT_AGENCY_END = frozenset({"Act", "Code", "Rule", "Rules", "Clause", "Amendment", "Order"})
# Federal agencies every filing names by acronym alone.
KNOWN_AGENCIES = {
    "FDA": "Food and Drug Administration",
    "EPA": "Environmental Protection Agency",
    "FBI": "Federal Bureau of Investigation",
    "ICE": "U.S. Immigration and Customs Enforcement",
    "CBP": "U.S. Customs and Border Protection",
    "DHS": "Department of Homeland Security",
    "IRS": "Internal Revenue Service",
    "SEC": "Securities and Exchange Commission",
    "FTC": "Federal Trade Commission",
    "FCC": "Federal Communications Commission",
    "NLRB": "National Labor Relations Board",
    "EEOC": "Equal Employment Opportunity Commission",
    "OSHA": "Occupational Safety and Health Administration",
    "USCIS": "U.S. Citizenship and Immigration Services",
    "DEA": "Drug Enforcement Administration",
    "FEMA": "Federal Emergency Management Agency",
}
_KNOWN_AGENCY = re.compile(rf"(?<![\w&.-])(?:{'|'.join(KNOWN_AGENCIES)})(?![\w&-]|\.\w)")
ACRONYM_ORG_CONFIDENCE = 0.75
KNOWN_AGENCY_CONFIDENCE = 0.65


def _acronym_organizations(full_text: str) -> list[Candidate]:
    """A name whose initials its defined acronym spells, and well-known agency acronyms.

    ``U.S. Immigration and Customs Enforcement (“ICE”)``: the capitalised words before the
    definition whose initials are the acronym (joining words skipped) are the name (0.75); an
    act or a code so defined is a statute, not an organisation. ``FDA``, ``EPA`` and other
    federal agencies' acronyms are organisations alone (0.65), except on an upper-case line.
    """
    found: list[Candidate] = []
    for match in _ACRONYM_DEFINED.finditer(full_text):
        acronym = match.group("acronym")
        window_start = max(0, match.start() - 160, full_text.rfind("\n\n", 0, match.start()) + 1)
        tokens = list(_NAME_TOKEN.finditer(full_text, window_start, match.start()))
        # The tokens must run up to the parenthesis, separated by whitespace only.
        chain: list[re.Match[str]] = []
        end = match.start()
        for token in reversed(tokens):
            if full_text[token.end() : end].strip():
                break
            chain.insert(0, token)
            end = token.start()
        words = [t for t in chain if t.group(0) not in _ACRONYM_JOINERS]
        if len(words) < len(acronym) or words[-1].group(0).rstrip(".") in _NOT_AGENCY_END:
            continue
        named = words[-len(acronym) :]
        if "".join(w.group(0)[0] for w in named) != acronym:
            continue
        start = named[0].start()
        before = words[: -len(acronym)]
        if before and before[-1].group(0) in ("U.S.", "US", "United"):
            start = before[-1].start()
        name_end = named[-1].end()
        found.append(org_candidate(full_text, start, name_end, ACRONYM_ORG_CONFIDENCE))
    heading_lines: dict[int, bool] = {}
    for match in _KNOWN_AGENCY.finditer(full_text):
        line_start = full_text.rfind("\n", 0, match.start()) + 1
        if line_start not in heading_lines:
            line_end = full_text.find("\n", match.end())
            line = full_text[line_start : line_end if line_end >= 0 else len(full_text)]
            letters = [c for c in line if c.isalpha()]
            # An upper-case heading, "SLIPPED ON ICE", with more than the acronyms in it.
            heading_lines[line_start] = not any(c.islower() for c in letters) and bool(
                re.search(r"\b(?!(?:" + "|".join(KNOWN_AGENCIES) + r")\b)[A-Z]{2,}", line)
            )
        if heading_lines[line_start]:
            continue
        found.append(
            Candidate(
                match.start(),
                match.end(),
                EntityType.ORGANIZATION,
                KNOWN_AGENCY_CONFIDENCE,
                KNOWN_AGENCIES[match.group(0)],
            )
        )
    return found


def _listed_organizations(full_text: str, found: list[Candidate]) -> list[Candidate]:
    """Every name in a list that is mostly organisations named by a suffix or a prefix.

    In ``Faith Bible Church, Machias Valley Baptist, and The Rock Church of Bangor`` the middle
    name has no suffix and the last one's article is part of it; the list says what they are.
    A list with people in it (``Jane Roe, John Doe, and Liberty Counsel``) is not enough.
    """
    spans = sorted((c.start, c.end) for c in found)
    listed: list[Candidate] = []
    for names in _NAME_LIST.finditer(full_text):
        items = list(_LIST_ITEM_RE.finditer(full_text, names.start(), names.end()))
        exact = [(item, _covered(spans, item.start(), item.end())) for item in items]
        orgs = sum(covered for _, covered in exact)
        if orgs < 2 or 2 * orgs < len(items):
            continue
        for item, covered in exact:
            text = item.group(0)
            if covered == 2 or item.group(0).count("\n") > 1 or len(text.split()) < 2:
                continue
            # A capitalised "The" mid-list is part of the name: "The Rock Church of Bangor".
            start = item.start() if text.startswith("The ") else None
            start = start or trim_leading_noise(full_text, item.start(), item.end())
            if start is None or looks_like_person(full_text[start : item.end()]):
                continue
            listed.append(org_candidate(full_text, start, item.end(), LIST_CONFIDENCE))
    return listed


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> int:
    """2 when an organisation spans exactly the item, 1 when one lies inside it, else 0."""
    best = 0
    for s, e in spans[bisect_left(spans, (start, -1)) :]:
        if s >= end:
            break
        if s == start and e == end:
            return 2
        if e <= end:
            best = 1
    return best


def _is_description(name: str) -> bool:
    """``a Delaware Limited Partnership``: a place and a legal form describe, they do not name."""
    return collapse_space(name).lower() in PLACES


def _is_division(name: str) -> bool:
    """``Eastern District``: a court's division, named by a direction alone."""
    return {w.lower() for w in name.split()} <= _DIRECTIONS


def _org_span(
    full_text: str, match: re.Match[str], pattern: re.Pattern[str], anchor: int
) -> tuple[int, int] | None:
    """An organisation's span once leading noise and false line wraps are cut, if still a name.

    A name wraps at ``&`` or at the end of a prose line (``WRAP_LINE_CHARS`` or more, the name
    starting mid-line: ``sued Acme\nBank``); other line ends part the lines of a list, a
    caption or a letterhead (``No. 22-1\nACME BANK``, ``OFFICE OF THE CLERK\nJANE ROE``). The
    name keeps the line of its anchor (the suffix, or ``Department`` in a prefixed name).
    """
    start = trim_leading_noise(full_text, match.start("name"), match.end("name"))
    if start is None:
        return None
    end = match.end()
    mid_line = bool(full_text[full_text.rfind("\n", 0, start) + 1 : start].strip())
    for newline in [start + m.start() for m in re.finditer("\n", full_text[start:end])]:
        line = full_text[full_text.rfind("\n", 0, newline) + 1 : newline].strip()
        numbered = any(c.isdigit() for c in line.rsplit(None, 1)[-1]) if line else False
        if line.endswith("&") or (mid_line and len(line) >= WRAP_LINE_CHARS and not numbered):
            continue  # a line ending in a number ("... CAPTION FOR 19-2281") is no prose wrap
        if newline >= anchor:
            end = newline
            break
        start, mid_line = newline + 1, False
    end = len(full_text[:end].rstrip())
    while (role := _PARTY_ROLE_END.search(full_text, start, end)) and role.start() > start:
        end = role.start()  # "U.S. Department of Labor\nRespondents": the role is no part of it
    start = trim_leading_noise(full_text, start, end)
    if start is None or start >= end or not pattern.fullmatch(full_text, start, end):
        return None
    return start, end
